/* The typed error. Pure C. */
#include "error.h"

#include <string.h>

static const char *const stage_names[] = {"connect", "greeting", "tls",  "ehlo",  "auth", "mail",
                                          "rcpt",    "data",     "done", "oauth", "dkim"};

const char *smtp_stage_name(smtp_stage s)
{
	if ((int)s < 0 || (size_t)s >= sizeof(stage_names) / sizeof(stage_names[0])) {
		return "unknown";
	}
	return stage_names[s];
}

static const struct {
	smtp_cause cause;
	const char *name;
	smtp_err_class cls;
} causes[] = {
    {SMTP_CAUSE_NONE, "none", SMTP_ERR_NONE},
    {SMTP_CAUSE_CONFIG, "config", SMTP_ERR_LOCAL},
    {SMTP_CAUSE_NOMEM, "nomem", SMTP_ERR_LOCAL},
    {SMTP_CAUSE_INPUT, "input", SMTP_ERR_LOCAL},
    {SMTP_CAUSE_RESOLVE, "resolve", SMTP_ERR_NET},
    {SMTP_CAUSE_DNS_TIMEOUT, "dns_timeout", SMTP_ERR_NET},
    {SMTP_CAUSE_DNS_FAILURE, "dns_failure", SMTP_ERR_NET},
    {SMTP_CAUSE_REFUSED, "refused", SMTP_ERR_NET},
    {SMTP_CAUSE_UNREACHABLE, "unreachable", SMTP_ERR_NET},
    {SMTP_CAUSE_TIMEOUT, "timeout", SMTP_ERR_NET},
    {SMTP_CAUSE_SILENT, "silent", SMTP_ERR_NET},
    {SMTP_CAUSE_CLOSED, "closed", SMTP_ERR_NET},
    {SMTP_CAUSE_IO, "io", SMTP_ERR_NET},
    {SMTP_CAUSE_TLS_HANDSHAKE, "tls_handshake", SMTP_ERR_TLS},
    {SMTP_CAUSE_PLAIN_ON_TLS_PORT, "plain_on_tls_port", SMTP_ERR_TLS},
    {SMTP_CAUSE_CAFILE, "cafile", SMTP_ERR_TLS},
    {SMTP_CAUSE_CA_STORE, "ca_store", SMTP_ERR_TLS},
    {SMTP_CAUSE_CERT_SELF_SIGNED, "cert_self_signed", SMTP_ERR_TLS},
    {SMTP_CAUSE_CERT_UNKNOWN_CA, "cert_unknown_ca", SMTP_ERR_TLS},
    {SMTP_CAUSE_CERT_NAME, "cert_name", SMTP_ERR_TLS},
    {SMTP_CAUSE_CERT_DATES, "cert_dates", SMTP_ERR_TLS},
    {SMTP_CAUSE_CERT_OTHER, "cert_other", SMTP_ERR_TLS},
    {SMTP_CAUSE_MALFORMED, "malformed", SMTP_ERR_PROTOCOL},
    {SMTP_CAUSE_INJECTION, "injection", SMTP_ERR_PROTOCOL},
    {SMTP_CAUSE_NO_STARTTLS, "no_starttls", SMTP_ERR_POLICY},
    {SMTP_CAUSE_NO_AUTH, "no_auth", SMTP_ERR_POLICY},
    {SMTP_CAUSE_NO_MECH, "no_mech", SMTP_ERR_POLICY},
    {SMTP_CAUSE_INSECURE_AUTH, "insecure_auth", SMTP_ERR_POLICY},
    {SMTP_CAUSE_BAD_CHALLENGE, "bad_challenge", SMTP_ERR_PROTOCOL},
    {SMTP_CAUSE_TOO_BIG, "too_big", SMTP_ERR_POLICY},
    {SMTP_CAUSE_NO_SMTPUTF8, "no_smtputf8", SMTP_ERR_POLICY},
    {SMTP_CAUSE_NOT_OPEN, "not_open", SMTP_ERR_LOCAL},
    {SMTP_CAUSE_SERVER_CLOSING, "server_closing", SMTP_ERR_REPLY},
    {SMTP_CAUSE_REPLY, "reply", SMTP_ERR_REPLY},
    {SMTP_CAUSE_TOKEN, "token", SMTP_ERR_LOCAL},
    {SMTP_CAUSE_OAUTH_NOT_BUILT, "oauth_not_built", SMTP_ERR_LOCAL},
    {SMTP_CAUSE_OAUTH_INVALID_GRANT, "oauth_invalid_grant", SMTP_ERR_REPLY},
    {SMTP_CAUSE_OAUTH_INVALID_CLIENT, "oauth_invalid_client", SMTP_ERR_REPLY},
    {SMTP_CAUSE_OAUTH_UNAUTHORIZED, "oauth_unauthorized_client", SMTP_ERR_REPLY},
    {SMTP_CAUSE_OAUTH_CONSENT, "oauth_consent", SMTP_ERR_REPLY},
    {SMTP_CAUSE_OAUTH_ENDPOINT, "oauth_endpoint", SMTP_ERR_PROTOCOL},
    {SMTP_CAUSE_OAUTH_TOKEN_REFUSED, "oauth_token_refused", SMTP_ERR_REPLY},
    {SMTP_CAUSE_OAUTH_UNAVAILABLE, "oauth_unavailable", SMTP_ERR_NET},
    {SMTP_CAUSE_DKIM, "dkim", SMTP_ERR_LOCAL},
};

const char *smtp_cause_name(smtp_cause c)
{
	size_t i;

	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		if (causes[i].cause == c) {
			return causes[i].name;
		}
	}
	return "unknown";
}

smtp_err_class smtp_cause_class(smtp_cause c)
{
	size_t i;

	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		if (causes[i].cause == c) {
			return causes[i].cls;
		}
	}
	return SMTP_ERR_LOCAL;
}

void smtp_err_clear(smtp_err *e)
{
	memset(e, 0, sizeof(*e));
	e->stage = SMTP_STAGE_CONNECT;
}

void smtp_err_set(smtp_err *e, smtp_stage stage, smtp_err_class cls, smtp_cause cause, int code, const char *enhanced)
{
	size_t n = 0;

	e->stage = stage;
	e->cls = cls;
	e->cause = cause;
	e->code = code;
	if (enhanced) {
		while (enhanced[n] && n < sizeof(e->enhanced) - 1) {
			e->enhanced[n] = enhanced[n];
			n++;
		}
	}
	e->enhanced[n] = '\0';
}

int smtp_err_is_transient(const smtp_err *e)
{
	if (!e) {
		return 0;
	}
	if (e->code >= 400 && e->code < 500) {
		return 1;
	}
	if (e->code >= 500) {
		return 0;
	}
	switch (e->cause) {
	case SMTP_CAUSE_DNS_TIMEOUT:
	case SMTP_CAUSE_DNS_FAILURE:
	case SMTP_CAUSE_REFUSED:
	case SMTP_CAUSE_UNREACHABLE:
	case SMTP_CAUSE_TIMEOUT:
	case SMTP_CAUSE_SILENT:
	case SMTP_CAUSE_CLOSED:
	case SMTP_CAUSE_IO:
	case SMTP_CAUSE_SERVER_CLOSING:
	case SMTP_CAUSE_OAUTH_UNAVAILABLE:
	/* A TLS handshake or certificate failure is the server's state (an expired or misissued
	 * certificate, a broken TLS front end) and can be mended there: worth a later retry, as
	 * Postfix defers it. Our own trust store (CAFILE, CA_STORE) and a plain-text server on an
	 * implicit-TLS setting are settings to change here, so they stay permanent. */
	case SMTP_CAUSE_TLS_HANDSHAKE:
	case SMTP_CAUSE_CERT_SELF_SIGNED:
	case SMTP_CAUSE_CERT_UNKNOWN_CA:
	case SMTP_CAUSE_CERT_NAME:
	case SMTP_CAUSE_CERT_DATES:
	case SMTP_CAUSE_CERT_OTHER:
		return 1;
	default:
		return 0;
	}
}

const char *smtp_port_state_name(smtp_port_state s)
{
	switch (s) {
	case SMTP_PORT_OPEN:
		return "open";
	case SMTP_PORT_REFUSED:
		return "refused";
	case SMTP_PORT_TIMEOUT:
		return "timeout";
	case SMTP_PORT_UNREACHABLE:
		return "unreachable";
	default:
		return "unknown";
	}
}

void smtp_port_report_init(smtp_port_report *r, int asked)
{
	static const int common[] = {465, 587, 2525};
	size_t i;
	int j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		r->port[r->n++] = common[i];
	}
	if (asked <= 0 || asked > 65535 || asked == 465 || asked == 587 || asked == 2525) {
		return;
	}
	/* insert asked in order */
	for (j = r->n; j > 0 && r->port[j - 1] > asked; j--) {
		r->port[j] = r->port[j - 1];
	}
	r->port[j] = asked;
	r->n++;
}

smtp_port_state smtp_port_report_get(const smtp_port_report *r, int port)
{
	int i;

	for (i = 0; r && i < r->n; i++) {
		if (r->port[i] == port) {
			return r->state[i];
		}
	}
	return SMTP_PORT_UNKNOWN;
}
