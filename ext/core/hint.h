/* What to do, for the failures users meet most often: a table keyed by the typed error (stage, cause,
 * code, enhanced code) and by the server's own words, never by a sentence of ours. Pure C. */
#ifndef SMTP_CORE_HINT_H
#define SMTP_CORE_HINT_H

#include <stddef.h>
#include "error.h"
#include "settings.h"

/* What the session knew when it failed, beyond the error itself. */
typedef struct {
	const char *host;
	int port;
	smtp_encryption mode;          /* the mode tried for this host (auto resolved to ssl on 465) */
	int credentials;               /* a user name is set: AUTH is required */
	int tls_active;                /* TLS was up when it failed */
	int starttls_offered;          /* the last EHLO offered STARTTLS */
	const char *auth_mech;         /* the mechanism tried, "" when none */
	const smtp_port_report *ports; /* after a failed connect of a check: which ports answer; or NULL */
} smtp_hint_facts;

/* Writes the hint for e into out ("" when there is none for this failure). server_text is the
 * reply's text (lines joined), or NULL. */
void smtp_hint(const smtp_err *e, const char *server_text, const smtp_hint_facts *f, char *out, size_t outlen);

#endif
