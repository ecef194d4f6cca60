/* The outcome of one submission or check. Pure C. */
#include "result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const stage_names[] = {
	"connect", "greeting", "tls", "ehlo", "auth", "mail", "rcpt", "data", "done"
};

const char *smtp_stage_name(smtp_stage s)
{
	if ((int)s < 0 || (size_t)s >= sizeof(stage_names) / sizeof(stage_names[0])) {
		return "unknown";
	}
	return stage_names[s];
}

void smtp_result_init(smtp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->stage = SMTP_STAGE_CONNECT;
	smtp_strlist_init(&r->capabilities);
	/* The limit is enforced by smtp_result_log (it needs room for the truncation line). */
	smtp_buf_init(&r->transcript, 0);
}

void smtp_result_free(smtp_result *r)
{
	size_t i;

	free(r->message);
	free(r->error);
	free(r->hint);
	free(r->tls_peer_subject);
	smtp_strlist_free(&r->capabilities);
	for (i = 0; i < r->rcpt_count; i++) {
		free(r->rcpts[i].address);
		free(r->rcpts[i].message);
	}
	free(r->rcpts);
	smtp_buf_free(&r->transcript);
	smtp_result_init(r);
}

static void copy_enhanced(char dst[16], const char *src)
{
	size_t n = 0;

	if (src) {
		while (src[n] && n < 15) {
			dst[n] = src[n];
			n++;
		}
	}
	dst[n] = '\0';
}

/* Case-insensitive substring search (bounded by the strings themselves). */
static int contains_ci(const char *hay, const char *needle)
{
	size_t n;

	if (!hay || !needle) {
		return 0;
	}
	n = strlen(needle);
	for (; *hay; hay++) {
		if (strncasecmp(hay, needle, n) == 0) {
			return 1;
		}
	}
	return 0;
}

/* What to do, for the failures a user meets most often. NULL when we know nothing useful. */
static const char *hint_for(smtp_stage stage, int code, const char *enh, const char *text,
                            const char *sentence)
{
	/* Google: 534 5.7.9 "Application-specific password required",
	 *         535 5.7.8 "Username and Password not accepted". */
	if (code == 534 && (strcmp(enh, "5.7.9") == 0 || contains_ci(text, "application-specific"))) {
		return "The account uses 2-Step Verification: create an app password (Google Account > "
		       "Security > App passwords) and use it as smtp.password.";
	}
	/* Microsoft 365: 535 5.7.139 / 550 5.7.30 / 5.7.3 "SmtpClientAuthentication is disabled". */
	if (strcmp(enh, "5.7.139") == 0 || strcmp(enh, "5.7.30") == 0
	    || contains_ci(text, "SmtpClientAuthentication") || contains_ci(text, "basic authentication is disabled")) {
		return "SMTP AUTH is disabled for this Microsoft 365 mailbox or tenant: enable Authenticated SMTP "
		       "for the mailbox in the Microsoft 365 admin center, or use OAuth (smtp.auth=xoauth2).";
	}
	if (code == 535 || (stage == SMTP_STAGE_AUTH && code >= 500 && strcmp(enh, "5.7.8") == 0)) {
		if (contains_ci(text, "gsmtp") || contains_ci(text, "google") || contains_ci(text, "BadCredentials")) {
			return "Gmail refused the credentials: use an app password (Google Account > Security > "
			       "App passwords), not the account password.";
		}
		return "The server refused the user name or password: check smtp.username and smtp.password "
		       "(many providers require an app password or an API key here).";
	}
	if (stage == SMTP_STAGE_TLS && contains_ci(sentence, "certificate")) {
		return "The server's certificate could not be verified: fix the certificate on the server, or "
		       "point smtp.cafile at the CA bundle that signed it. smtp.verify_peer=0 turns the check off "
		       "(only for testing: it allows an attacker to read the password).";
	}
	if (stage == SMTP_STAGE_CONNECT && (contains_ci(sentence, "refused") || contains_ci(sentence, "timed out"))) {
		return "The port may be blocked by a firewall or the hosting provider (many block port 25): "
		       "try port 587 (smtp.encryption=tls), 465 (smtp.encryption=ssl) or 2525, or ask the "
		       "host which outgoing ports are open.";
	}
	if (stage == SMTP_STAGE_CONNECT && contains_ci(sentence, "resolve")) {
		return "Check the spelling of smtp.host and that this machine can resolve names (DNS).";
	}
	if (stage == SMTP_STAGE_AUTH && contains_ci(sentence, "allow_insecure_auth")) {
		return "Use smtp.encryption=tls (port 587) or ssl (port 465) so the password travels "
		       "encrypted; smtp.allow_insecure_auth=1 only for a trusted network.";
	}
	return NULL;
}

void smtp_result_set_error(smtp_result *r, smtp_stage stage, int code, const char *enhanced,
                           const char *server_text, const char *fmt, ...)
{
	smtp_buf b;
	va_list ap;
	const char *hint;

	if (r->error) {
		return;   /* the first failure is the one that explains the others */
	}
	r->ok = 0;
	r->stage = stage;
	r->code = code;
	copy_enhanced(r->enhanced, enhanced);
	free(r->message);
	r->message = server_text ? smtp_strdup(server_text) : NULL;

	smtp_buf_init(&b, 4096);
	va_start(ap, fmt);
	if (smtp_buf_vprintf(&b, fmt, ap) != 0) {
		smtp_buf_reset(&b);
		smtp_buf_puts(&b, "SMTP error (the description did not fit)");
	}
	va_end(ap);
	r->error = smtp_buf_detach(&b, NULL);

	hint = hint_for(stage, code, r->enhanced, server_text, r->error);
	if (hint && !r->hint) {
		r->hint = smtp_strdup(hint);
	}
}

int smtp_result_add_rcpt(smtp_result *r, const char *address, int code, const char *enhanced,
                         const char *text)
{
	smtp_rcpt_result *n;
	smtp_rcpt_result *e;

	if (r->rcpt_count >= ((size_t)-1) / sizeof(*n) - 1) {
		return -1;
	}
	n = realloc(r->rcpts, (r->rcpt_count + 1) * sizeof(*n));
	if (!n) {
		return -1;
	}
	r->rcpts = n;
	e = &n[r->rcpt_count];
	memset(e, 0, sizeof(*e));
	e->address = smtp_strdup(address ? address : "");
	if (!e->address) {
		return -1;
	}
	e->code = code;
	copy_enhanced(e->enhanced, enhanced);
	if (text) {
		e->message = smtp_strdup(text);
		if (!e->message) {
			free(e->address);
			return -1;
		}
	}
	r->rcpt_count++;
	return 0;
}

#define TRUNCATED_LINE "[transcript truncated]\n"

void smtp_result_log(smtp_result *r, char dir, const char *text, size_t len)
{
	size_t i, need;
	char *p;

	if (r->transcript_truncated) {
		return;
	}
	if (!text) {
		len = 0;
	}
	/* One transcript line per call: the line end the caller may pass is not part of it. */
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
		len--;
	}
	need = len + 4;   /* "C: " + text + "\n" */
	if (len > SMTP_TRANSCRIPT_LIMIT || r->transcript.len + need > SMTP_TRANSCRIPT_LIMIT) {
		r->transcript_truncated = 1;
		smtp_buf_puts(&r->transcript, TRUNCATED_LINE);
		return;
	}
	if (smtp_buf_putc(&r->transcript, dir) != 0 || smtp_buf_append(&r->transcript, ": ", 2) != 0) {
		return;
	}
	if (smtp_buf_append(&r->transcript, text ? text : "", len) != 0) {
		return;
	}
	/* Control characters (CR, LF, NUL, ESC ...) from a server would split the line or fool a
	 * terminal: each becomes '?'. Tabs become spaces. */
	p = r->transcript.data + r->transcript.len - len;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\t') {
			p[i] = ' ';
		} else if (c < 0x20 || c == 0x7f) {
			p[i] = '?';
		}
	}
	smtp_buf_putc(&r->transcript, '\n');
}
