/* The typed error: where a failure happened (stage), what kind of failure it is (class) and why
 * (cause), set where the failure's sentence is written. hint.c and retry decisions switch on these,
 * never on the wording of a sentence. Pure C. */
#ifndef SMTP_CORE_ERROR_H
#define SMTP_CORE_ERROR_H

typedef enum {
	SMTP_STAGE_CONNECT = 0,
	SMTP_STAGE_GREETING,
	SMTP_STAGE_TLS,
	SMTP_STAGE_EHLO,
	SMTP_STAGE_AUTH,
	SMTP_STAGE_MAIL,
	SMTP_STAGE_RCPT,
	SMTP_STAGE_DATA,
	SMTP_STAGE_DONE,
	SMTP_STAGE_OAUTH /* the access token from the OAuth token endpoint (oauth.c), before AUTH */
} smtp_stage;

const char *smtp_stage_name(smtp_stage s); /* "connect" ... "done", "oauth" */

typedef enum {
	SMTP_ERR_NONE = 0,
	SMTP_ERR_LOCAL,    /* our side: settings, input, out of memory */
	SMTP_ERR_NET,      /* resolve, refused, reset, closed, timeout */
	SMTP_ERR_TLS,      /* handshake or certificate */
	SMTP_ERR_PROTOCOL, /* a malformed reply, bytes after STARTTLS's 220 */
	SMTP_ERR_POLICY,   /* we refused: no STARTTLS, AUTH in clear, no SMTPUTF8, too big */
	SMTP_ERR_REPLY     /* the server said 4xx or 5xx */
} smtp_err_class;

typedef enum {
	SMTP_CAUSE_NONE = 0,
	SMTP_CAUSE_CONFIG,            /* a setting is invalid (smtp.host, smtp.helo ...) */
	SMTP_CAUSE_NOMEM,             /* out of memory */
	SMTP_CAUSE_INPUT,             /* the message or an address cannot be sent as given */
	SMTP_CAUSE_RESOLVE,           /* the name does not exist or has no address */
	SMTP_CAUSE_DNS_TIMEOUT,       /* the DNS server did not answer before the deadline */
	SMTP_CAUSE_DNS_FAILURE,       /* the DNS server could not be reached or failed (SERVFAIL, REFUSED) */
	SMTP_CAUSE_REFUSED,           /* connection refused */
	SMTP_CAUSE_UNREACHABLE,       /* network or host unreachable, no route */
	SMTP_CAUSE_TIMEOUT,           /* the deadline passed */
	SMTP_CAUSE_SILENT,            /* the deadline passed without one byte from the server */
	SMTP_CAUSE_CLOSED,            /* the server closed the connection or reset it */
	SMTP_CAUSE_IO,                /* another system error */
	SMTP_CAUSE_TLS_HANDSHAKE,     /* the handshake failed for another reason */
	SMTP_CAUSE_PLAIN_ON_TLS_PORT, /* implicit TLS, but the server speaks plain text first */
	SMTP_CAUSE_CAFILE,            /* smtp.cafile cannot be loaded */
	SMTP_CAUSE_CA_STORE,          /* the system's CA store cannot be loaded */
	SMTP_CAUSE_CERT_SELF_SIGNED,
	SMTP_CAUSE_CERT_UNKNOWN_CA,
	SMTP_CAUSE_CERT_NAME,
	SMTP_CAUSE_CERT_DATES,
	SMTP_CAUSE_CERT_OTHER,
	SMTP_CAUSE_MALFORMED,      /* a reply that is not SMTP */
	SMTP_CAUSE_INJECTION,      /* bytes after STARTTLS's 220, before the handshake */
	SMTP_CAUSE_NO_STARTTLS,    /* STARTTLS required and not offered */
	SMTP_CAUSE_NO_AUTH,        /* credentials set and no AUTH offered */
	SMTP_CAUSE_NO_MECH,        /* no mechanism in common (or the one asked for is not offered) */
	SMTP_CAUSE_INSECURE_AUTH,  /* AUTH would cross the network in clear */
	SMTP_CAUSE_BAD_CHALLENGE,  /* an AUTH challenge that is not valid base64 */
	SMTP_CAUSE_TOO_BIG,        /* the message is larger than the server's SIZE */
	SMTP_CAUSE_NO_SMTPUTF8,    /* UTF-8 addresses and no SMTPUTF8 */
	SMTP_CAUSE_NOT_OPEN,       /* the session is not open */
	SMTP_CAUSE_SERVER_CLOSING, /* a 421 reply */
	SMTP_CAUSE_REPLY,          /* a 4xx or 5xx reply: code and enhanced say which */
	SMTP_CAUSE_TOKEN,          /* an OAuth token could not be had (another reason than below) */
	/* OAuth 2.0 (oauth.c): the token endpoint's answer (RFC 6749 5.2) or why there is none */
	SMTP_CAUSE_OAUTH_NOT_BUILT,      /* the extension was built without OAuth (--without-smtp-oauth) */
	SMTP_CAUSE_OAUTH_INVALID_GRANT,  /* invalid_grant: the refresh token was revoked or has expired */
	SMTP_CAUSE_OAUTH_INVALID_CLIENT, /* invalid_client: client id or secret wrong (AADSTS7000215 ...) */
	SMTP_CAUSE_OAUTH_UNAUTHORIZED,   /* unauthorized_client / unsupported_grant_type */
	SMTP_CAUSE_OAUTH_CONSENT,        /* consent or permission missing (AADSTS65001, invalid_scope) */
	SMTP_CAUSE_OAUTH_ENDPOINT,       /* an HTTP error or an answer that is not a token response */
	SMTP_CAUSE_OAUTH_TOKEN_REFUSED,  /* the SMTP server refused a freshly fetched access token */
	SMTP_CAUSE_OAUTH_UNAVAILABLE     /* HTTP 5xx or 429, or temporarily_unavailable: worth a later retry */
} smtp_cause;

const char *smtp_cause_name(smtp_cause c); /* "resolve", "cert_name" ... for logs and tests */

typedef struct {
	smtp_stage stage;
	smtp_err_class cls;
	smtp_cause cause;
	int code;          /* the reply's, 0 when none */
	char enhanced[16]; /* "5.7.8", or "" */
} smtp_err;

void smtp_err_clear(smtp_err *e);
void smtp_err_set(smtp_err *e, smtp_stage stage, smtp_err_class cls, smtp_cause cause, int code, const char *enhanced);
/* The class a cause belongs to (SMTP_CAUSE_REPLY: SMTP_ERR_REPLY ...). */
smtp_err_class smtp_cause_class(smtp_cause c);

/* Worth another try later: a 4xx reply (421 included), a timeout, a reset or closed connection,
 * a refused or unreachable host, a DNS server that did not answer or failed. Not: 5xx, a name that does
 * not exist, certificates, policy, local errors. */
int smtp_err_is_transient(const smtp_err *e);

/* What a connect to one port found (net.c smtp_net_probe_ports): after a failed connect, smtp_check()
 * and smtp_test_send() try 465, 587, 2525 and the asked port at once, so the hint can say which of
 * them this machine can reach. */
typedef enum {
	SMTP_PORT_UNKNOWN = 0, /* not probed */
	SMTP_PORT_OPEN,        /* the connection was accepted */
	SMTP_PORT_REFUSED,     /* connection refused (nothing listens, or a firewall rejects) */
	SMTP_PORT_TIMEOUT,     /* no answer before the probe's deadline (a firewall drops it) */
	SMTP_PORT_UNREACHABLE  /* no route to the host or network */
} smtp_port_state;

#define SMTP_PORTS_MAX 4

typedef struct {
	int n;
	int port[SMTP_PORTS_MAX]; /* ascending, no duplicates */
	smtp_port_state state[SMTP_PORTS_MAX];
} smtp_port_report;

const char *smtp_port_state_name(smtp_port_state s); /* "open", "refused", "timeout", "unreachable" */
/* 465, 587, 2525 and asked (when it is another one), ascending, every state UNKNOWN. */
void smtp_port_report_init(smtp_port_report *r, int asked);
/* The state of port in r, UNKNOWN when it is not there. */
smtp_port_state smtp_port_report_get(const smtp_port_report *r, int port);

#endif
