/* SASL mechanisms for SMTP AUTH (RFC 4954): PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195).
 * Pure C; every buffer that held a secret is wiped. */
#ifndef SMTP_CORE_SASL_H
#define SMTP_CORE_SASL_H

#include <stddef.h>
#include "base64.h"
#include "buf.h"
#include "settings.h"

/* Chooses the mechanism: `wanted` if not AUTO (returns it only if the server offers it, else
 * SMTP_AUTH_NONE), otherwise among those offered: over a protected link (TLS, or loopback)
 * PLAIN > LOGIN > CRAM-MD5 (PLAIN's initial response is one round trip); on a link without TLS
 * CRAM-MD5 > PLAIN > LOGIN (the password does not cross in clear). `offered` is the AUTH
 * capability's parameter list ("PLAIN LOGIN XOAUTH2"). SMTP_AUTH_NONE when nothing usable is
 * offered; XOAUTH2 only when asked for. */
smtp_auth_mech smtp_sasl_choose(smtp_auth_mech wanted, const char *offered, int protected_link);

/* PLAIN initial response: base64("\0user\0pass"). */
int smtp_sasl_plain(const char *user, const char *pass, smtp_buf *out);
/* CRAM-MD5 response to a base64 challenge: base64("user " hex(HMAC-MD5(pass, challenge))).
 * -1 when the challenge is not valid base64. */
int smtp_sasl_cram_md5(const char *user, const char *pass, const char *challenge_b64, size_t len, smtp_buf *out);
/* XOAUTH2 initial response (Google, Microsoft): base64("user=" user "\1auth=Bearer " token "\1\1"). */
int smtp_sasl_xoauth2(const char *user, const char *token, smtp_buf *out);

#endif
