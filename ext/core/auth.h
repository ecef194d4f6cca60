/* SMTP AUTH (RFC 4954) over a chat: one exchange of a chosen mechanism. The secret is only ever
 * in a wiped buffer; the transcript shows "AUTH PLAIN ********". Pure C. */
#ifndef SMTP_CORE_AUTH_H
#define SMTP_CORE_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "chat.h"
#include "error.h"
#include "settings.h"

typedef enum {
	SMTP_AUTH_ACCEPTED = 0, /* 235 */
	SMTP_AUTH_REFUSED,      /* the server's final answer was not 235: ch->reply holds it */
	SMTP_AUTH_IO_FAILED,    /* the exchange broke off: ch->status and ch->err say why */
	SMTP_AUTH_LOCAL_FAILED  /* ours: *cause and why[] say it (a challenge that is not base64 ...) */
} smtp_auth_outcome;

/* What XOAUTH2 needs from above when the engine fetches the access token itself (oauth.c provides
 * one; a unit test another). token() fills out with an access token (wiped by the caller); force asks
 * the token endpoint again instead of the cache (after the server refused the token). On failure it
 * returns -1 and fills f. */
typedef struct {
	smtp_cause cause;   /* SMTP_CAUSE_OAUTH_..., a network or certificate cause, SMTP_CAUSE_CONFIG */
	char sentence[700]; /* "OAuth token request to login.microsoftonline.com refused: invalid_grant ..." */
	char words[600];    /* the endpoint's own words ("invalid_grant: AADSTS700082: ..."), or "" */
} smtp_token_failure;

typedef struct smtp_token_source {
	int (*token)(void *ctx, int force, int64_t deadline, smtp_buf *out, smtp_token_failure *f, char *note,
	             size_t notelen);
	void *ctx;
} smtp_token_source;

const char *smtp_auth_wire_name(smtp_auth_mech m); /* "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" */

/* Runs mechanism m for user with secret (a password, or an access token for XOAUTH2). */
smtp_auth_outcome smtp_auth_run(smtp_chat *ch, smtp_auth_mech m, const char *user, const char *secret,
                                smtp_cause *cause, char *why, size_t whylen);

#endif
