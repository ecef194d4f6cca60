/* SMTP AUTH (RFC 4954) over a chat: one exchange of a chosen mechanism. The secret is only ever
 * in a wiped buffer; the transcript shows "AUTH PLAIN ********". Pure C. */
#ifndef SMTP_CORE_AUTH_H
#define SMTP_CORE_AUTH_H

#include <stddef.h>
#include "chat.h"
#include "error.h"
#include "settings.h"

typedef enum {
	SMTP_AUTH_ACCEPTED = 0, /* 235 */
	SMTP_AUTH_REFUSED,      /* the server's final answer was not 235: ch->reply holds it */
	SMTP_AUTH_IO_FAILED,    /* the exchange broke off: ch->status and ch->err say why */
	SMTP_AUTH_LOCAL_FAILED  /* ours: *cause and why[] say it (a challenge that is not base64 ...) */
} smtp_auth_outcome;

const char *smtp_auth_wire_name(smtp_auth_mech m); /* "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" */

/* Runs mechanism m for user with secret (a password, or an access token for XOAUTH2). */
smtp_auth_outcome smtp_auth_run(smtp_chat *ch, smtp_auth_mech m, const char *user, const char *secret,
                                smtp_cause *cause, char *why, size_t whylen);

#endif
