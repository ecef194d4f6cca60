/* The SMTP client session: an explicit state machine over one connection. Pure C.
 *
 *   smtp_session_open:  for each host of cfg->hosts (failover on connect, TLS and greeting
 *                       failures): connect -> [implicit TLS] -> greeting -> EHLO (HELO fallback)
 *                       -> [STARTTLS -> EHLO] -> [AUTH]                               => READY
 *   smtp_session_send:  MAIL, RCPT..., DATA (one write when PIPELINING), message, final reply
 *                       => READY again (RSET after a refusal), or BROKEN
 *   smtp_session_quit:  QUIT, close                                                   => CLOSED
 *
 * Time: one absolute deadline, now + cfg->timeout_ms, set by smtp_session_open for the whole
 * attempt (open + send; every later send on the same session starts a new one). With several
 * hosts, each host that is not the last gets a fair share of the time left (the time left
 * divided by the hosts left, at least 1 s) to connect, handshake and greet; once a host has
 * greeted, the rest of the whole deadline is its.
 *
 * Each command is built and each reply handled by a small function of its own, so that BDAT
 * (CHUNKING) and a connection pool can be added without changing the flow. */
#include "session.h"

#include "address.h"
#include "data.h"
#include "sasl.h"
#include "transport.h"
#include "wbuf.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define SMTP_MAX_HOSTS     16
#define DEFAULT_TIMEOUT_MS 15000

struct smtp_session {
	const smtp_config *cfg;
	smtp_result *res;
	smtp_session_state state;
	smtp_conn *conn;

	int64_t t_start;        /* smtp_now_ms() when open began */
	double t_start_precise; /* smtp_now_precise_ms() then, for timings */
	int64_t deadline;       /* of the whole attempt */
	int64_t dl;             /* of the current phase (<= deadline) */
	int64_t t_phase;        /* when the current I/O phase began (for "timed out after") */
	int sends;              /* messages sent on this session */

	char host[256];
	int port;
	smtp_encryption enc; /* the mode for this host: AUTO resolved to SSL on port 465 */
	char helo_name[256]; /* smtp.helo, or this machine's name (choose_helo) */
	char helo[256];      /* what EHLO sends on this connection */

	/* what the last EHLO offered */
	int esmtp;
	int cap_pipelining, cap_8bitmime, cap_smtputf8, cap_starttls, cap_chunking;
	unsigned long long cap_size; /* 0: no limit given */
	char cap_auth[512];

	int rt_pending; /* something was written since the last reply: the next one costs a round trip */
	smtp_reply reply;
	char ioerr[512];
	char srv[1024]; /* the last reply, "550 5.1.1 User unknown" */
};


/* ---- small helpers --------------------------------------------------------------------------- */

static int has_user(const smtp_session *s)
{
	return s->cfg->username && s->cfg->username[0] && s->cfg->auth != SMTP_AUTH_NONE;
}

static void log_line(smtp_session *s, char dir, const char *text)
{
	smtp_result_log(s->res, dir, text, strlen(text));
}

static void log_note(smtp_session *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void log_note(smtp_session *s, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_line(s, '*', buf);
}

/* The reply just read, line by line, as the server sent it. */
static void log_reply(smtp_session *s)
{
	size_t len, i, start = 0;
	const char *raw = smtp_conn_last_reply_raw(s->conn, &len);

	for (i = 0; i < len; i++) {
		if (raw[i] == '\n') {
			smtp_result_log(s->res, 'S', raw + start, i - start);
			start = i + 1;
		}
	}
	if (start < len) {
		smtp_result_log(s->res, 'S', raw + start, len - start);
	}
}

/* The last reply's text (lines joined by a space), for res->message and per recipient. */
static char *reply_text_oneline(const smtp_reply *r)
{
	char *t = smtp_reply_text(r);
	char *p;

	if (t) {
		for (p = t; *p; p++) {
			if (*p == '\n') {
				*p = ' ';
			}
		}
	}
	return t;
}

static void close_conn(smtp_session *s, smtp_session_state st)
{
	smtp_conn_close(s->conn);
	s->conn = NULL;
	s->state = st;
}

/* Records a failure with the last reply as the server's words. */
static void fail_reply(smtp_session *s, smtp_stage stage, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void fail_reply(smtp_session *s, smtp_stage stage, const char *fmt, ...)
{
	char sentence[1600];
	char *text = reply_text_oneline(&s->reply);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sentence, sizeof(sentence), fmt, ap);
	va_end(ap);
	smtp_result_set_error(s->res, stage, s->reply.code, s->reply.enhanced, text, "%s", sentence);
	free(text);
}

/* Records an I/O failure of the step `what` and drops the connection (BROKEN). */
static void fail_io(smtp_session *s, smtp_stage stage, smtp_io_status st, const char *what)
{
	char secs[32];
	size_t n = strlen(s->ioerr);

	/* the parser's sentences end with a period; ours add their own context */
	if (n > 0 && s->ioerr[n - 1] == '.') {
		s->ioerr[n - 1] = '\0';
	}
	/* a server that never said a word may be waiting for a TLS handshake (the hint says so) */
	if (st == SMTP_IO_TIMEOUT && s->conn && smtp_conn_pending(s->conn) == 0) {
		s->res->facts |= SMTP_FACT_SILENT;
	} else {
		s->res->facts &= ~SMTP_FACT_SILENT;
	}
	if (st == SMTP_IO_TIMEOUT) {
		smtp_fmt_secs(smtp_now_ms() - s->t_phase, secs, sizeof(secs));
		smtp_result_set_error(s->res, stage, 0, NULL, NULL, "SMTP %s timed out after %s s", what, secs);
	} else {
		smtp_result_set_error(s->res, stage, 0, NULL, NULL, "SMTP %s failed: %s", what,
		                      s->ioerr[0] ? s->ioerr : "input/output error");
	}
	log_note(s, "%s", s->res->error ? s->res->error : "failure");
	close_conn(s, SMTP_S_BROKEN);
}

/* Writes bytes already logged by the caller. */
static int write_raw(smtp_session *s, smtp_stage stage, const char *data, size_t len, const char *what)
{
	smtp_io_status st;

	if (!s->conn) {
		smtp_result_set_error(s->res, stage, 0, NULL, NULL, "SMTP %s failed: not connected", what);
		return -1;
	}
	s->ioerr[0] = '\0';
	s->t_phase = smtp_now_ms();
	st = smtp_conn_write(s->conn, data, len, s->dl, s->ioerr, sizeof(s->ioerr));
	if (st != SMTP_IO_OK) {
		fail_io(s, stage, st, what);
		return -1;
	}
	s->rt_pending = 1;
	return 0;
}

/* Sends one command line (without CRLF), logged as `logtext` (or as itself). */
static int send_cmd(smtp_session *s, smtp_stage stage, const char *cmd, const char *logtext, const char *what)
{
	smtp_buf b;
	int rc;

	smtp_buf_init(&b, 0);
	if (smtp_buf_puts(&b, cmd) != 0 || smtp_buf_append(&b, "\r\n", 2) != 0) {
		smtp_buf_free(&b);
		smtp_result_set_error(s->res, stage, 0, NULL, NULL, "SMTP %s failed: out of memory", what);
		return -1;
	}
	log_line(s, 'C', logtext ? logtext : cmd);
	rc = write_raw(s, stage, b.data, b.len, what);
	smtp_buf_free(&b);
	return rc;
}

/* Sends prefix + secret payload + CRLF in one write from one wiped block; logs `logtext`. */
static int send_secret(smtp_session *s, const char *prefix, const smtp_buf *payload, const char *logtext,
                       const char *what)
{
	size_t pl = strlen(prefix), n = pl + payload->len + 2;
	char *line = malloc(n);
	int rc;

	if (!line) {
		smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 0, NULL, NULL, "SMTP %s failed: out of memory", what);
		return -1;
	}
	memcpy(line, prefix, pl);
	if (payload->len) {
		memcpy(line + pl, payload->data, payload->len);
	}
	memcpy(line + pl + payload->len, "\r\n", 2);
	log_line(s, 'C', logtext);
	rc = write_raw(s, SMTP_STAGE_AUTH, line, n, what);
	smtp_memzero(line, n);
	free(line);
	return rc;
}

/* Reads one reply into s->reply and logs it. A 421 closes the session (BROKEN). */
static int read_reply(smtp_session *s, smtp_stage stage, const char *what)
{
	smtp_io_status st;

	if (!s->conn) {
		smtp_result_set_error(s->res, stage, 0, NULL, NULL, "SMTP %s failed: not connected", what);
		return -1;
	}
	s->ioerr[0] = '\0';
	if (!s->rt_pending) {
		s->t_phase = smtp_now_ms();
	}
	st = smtp_conn_read_reply(s->conn, &s->reply, s->dl, s->ioerr, sizeof(s->ioerr));
	if (st != SMTP_IO_OK) {
		fail_io(s, stage, st, what);
		return -1;
	}
	if (s->rt_pending) {
		s->res->round_trips++;
		s->rt_pending = 0;
	}
	log_reply(s);
	smtp_reply_format(&s->reply, s->srv, sizeof(s->srv));
	if (s->reply.code == 421) {
		fail_reply(s, stage, "SMTP %s failed, the server is closing the session: %s", what, s->srv);
		close_conn(s, SMTP_S_BROKEN);
		return -1;
	}
	return 0;
}

/* ---- names --------------------------------------------------------------------------------- */

static int valid_domain(const char *d)
{
	size_t len = strlen(d), label = 0, i;

	if (len == 0 || len > 253) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		char c = d[i];
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-') {
				return 0;
			}
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
			return 0;
		}
		if (c == '-' && label == 0) {
			return 0;
		}
		if (++label > 63) {
			return 0;
		}
	}
	return label > 0 && d[len - 1] != '-';
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 section 4.1.3) */
static int valid_address_literal(const char *d)
{
	char inner[80];
	unsigned char tmp[sizeof(struct in6_addr)];
	size_t len = strlen(d);

	if (len < 3 || len - 2 >= sizeof(inner) || d[0] != '[' || d[len - 1] != ']') {
		return 0;
	}
	memcpy(inner, d + 1, len - 2);
	inner[len - 2] = '\0';
	if (strncasecmp(inner, "IPv6:", 5) == 0) {
		return inet_pton(AF_INET6, inner + 5, tmp) == 1;
	}
	return inet_pton(AF_INET, inner, tmp) == 1;
}

/* The EHLO name: smtp.helo, else this machine's fully qualified name, else "localhost". */
static int choose_helo(smtp_session *s)
{
	const char *h = s->cfg->helo;
	char name[256];
	struct addrinfo hints, *ai = NULL;

	if (h && *h) {
		if (strlen(h) >= sizeof(s->helo_name) || (!valid_domain(h) && !valid_address_literal(h))) {
			smtp_result_set_error(s->res, SMTP_STAGE_EHLO, 0, NULL, NULL,
			                      "SMTP EHLO not sent: smtp.helo \"%.80s\" is not a valid domain name or "
			                      "address literal",
			                      h);
			return -1;
		}
		smtp_copy_str(s->helo_name, sizeof(s->helo_name), h);
		return 0;
	}
	snprintf(s->helo_name, sizeof(s->helo_name), "localhost");
	if (gethostname(name, sizeof(name)) != 0) {
		return 0;
	}
	name[sizeof(name) - 1] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(name, NULL, &hints, &ai) == 0 && ai) {
		if (ai->ai_canonname && strchr(ai->ai_canonname, '.') && valid_domain(ai->ai_canonname)
		    && strlen(ai->ai_canonname) < sizeof(s->helo_name)) {
			smtp_copy_str(s->helo_name, sizeof(s->helo_name), ai->ai_canonname);
			freeaddrinfo(ai);
			return 0;
		}
	}
	if (ai) {
		freeaddrinfo(ai);
	}
	if (valid_domain(name)) {
		smtp_copy_str(s->helo_name, sizeof(s->helo_name), name);
	}
	return 0;
}

/* ---- EHLO ---------------------------------------------------------------------------------- */

static void clear_capabilities(smtp_session *s)
{
	s->esmtp = 0;
	s->cap_pipelining = s->cap_8bitmime = s->cap_smtputf8 = s->cap_starttls = s->cap_chunking = 0;
	s->cap_size = 0;
	s->cap_auth[0] = '\0';
	smtp_strlist_free(&s->res->capabilities);
	smtp_strlist_init(&s->res->capabilities);
}

static int keyword_is(const char *line, const char *kw, const char **rest)
{
	size_t n = strlen(kw);

	if (strncasecmp(line, kw, n) != 0) {
		return 0;
	}
	if (line[n] != '\0' && line[n] != ' ' && line[n] != '=') {
		return 0;
	}
	if (rest) {
		*rest = line + n;
		while (**rest == ' ' || **rest == '=') {
			(*rest)++;
		}
	}
	return 1;
}

static void parse_capabilities(smtp_session *s)
{
	size_t i;

	clear_capabilities(s);
	s->esmtp = 1;
	/* line 0 is the server's name and greeting; each further line is one extension */
	for (i = 1; i < s->reply.lines.count; i++) {
		const char *line = s->reply.lines.items[i], *rest = NULL;

		smtp_strlist_add(&s->res->capabilities, line, strlen(line));
		if (keyword_is(line, "PIPELINING", NULL)) {
			s->cap_pipelining = 1;
		} else if (keyword_is(line, "8BITMIME", NULL)) {
			s->cap_8bitmime = 1;
		} else if (keyword_is(line, "SMTPUTF8", NULL)) {
			s->cap_smtputf8 = 1;
		} else if (keyword_is(line, "STARTTLS", NULL)) {
			s->cap_starttls = 1;
		} else if (keyword_is(line, "CHUNKING", NULL)) {
			s->cap_chunking = 1;
		} else if (keyword_is(line, "SIZE", &rest)) {
			unsigned long long v = 0;
			int digits = 0;
			while (*rest >= '0' && *rest <= '9' && digits < 19) {
				v = v * 10 + (unsigned long long)(*rest - '0');
				rest++;
				digits++;
			}
			s->cap_size = v;
		} else if (keyword_is(line, "AUTH", &rest)) {
			size_t l = strlen(s->cap_auth);
			snprintf(s->cap_auth + l, sizeof(s->cap_auth) - l, "%s%s", l ? " " : "", rest);
		}
	}
}

static int do_ehlo(smtp_session *s)
{
	char cmd[300];

	smtp_copy_str(s->helo, sizeof(s->helo), s->helo_name);
	if (!(s->cfg->helo && *s->cfg->helo) && strchr(s->helo, '.') == NULL) {
		/* No fully qualified name for this machine: RFC 5321 4.1.4 wants an address literal then
		 * (servers with reject_non_fqdn_helo_hostname refuse a bare "vm" or "localhost"). */
		char lit[sizeof(s->helo)];
		if (smtp_conn_local_literal(s->conn, lit, sizeof(lit)) == 0) {
			smtp_copy_str(s->helo, sizeof(s->helo), lit);
		}
	}
	snprintf(cmd, sizeof(cmd), "EHLO %s", s->helo);
	if (send_cmd(s, SMTP_STAGE_EHLO, cmd, NULL, "EHLO") != 0 || read_reply(s, SMTP_STAGE_EHLO, "EHLO") != 0) {
		return -1;
	}
	if (s->reply.code == 250) {
		parse_capabilities(s);
		return 0;
	}
	if (s->reply.code >= 500 && !smtp_conn_is_tls(s->conn)) {
		/* an old server without ESMTP: plain HELO, no extensions */
		snprintf(cmd, sizeof(cmd), "HELO %s", s->helo);
		if (send_cmd(s, SMTP_STAGE_EHLO, cmd, NULL, "HELO") != 0 || read_reply(s, SMTP_STAGE_EHLO, "HELO") != 0) {
			return -1;
		}
		if (s->reply.code == 250) {
			clear_capabilities(s);
			return 0;
		}
		fail_reply(s, SMTP_STAGE_EHLO, "SMTP HELO %s refused: %s", s->helo, s->srv);
		return -1;
	}
	fail_reply(s, SMTP_STAGE_EHLO, "SMTP EHLO %s refused: %s", s->helo, s->srv);
	return -1;
}

/* ---- TLS ----------------------------------------------------------------------------------- */

static int do_handshake(smtp_session *s, const char *what)
{
	smtp_io_status st;
	double t0 = smtp_now_precise_ms();
	char *subject;

	s->ioerr[0] = '\0';
	s->t_phase = smtp_now_ms();
	st = smtp_conn_start_tls(s->conn, s->host, s->cfg->verify_peer, s->cfg->cafile, s->dl, s->ioerr, sizeof(s->ioerr));
	s->res->t_tls += smtp_now_precise_ms() - t0;
	if (st != SMTP_IO_OK) {
		if (s->enc == SMTP_ENC_SSL && st == SMTP_IO_PROTOCOL) {
			/* Implicit TLS: the server spoke first, in plain text (its 220 greeting arrived before
			 * our ClientHello). That is a plaintext or STARTTLS port, not response injection. */
			snprintf(s->ioerr, sizeof(s->ioerr),
			         "the server sent plain text before the TLS handshake, "
			         "so it does not use implicit TLS on this port");
		}
		fail_io(s, SMTP_STAGE_TLS, st, what); /* the hint tells plain text on an implicit-TLS port */
		return -1;
	}
	s->res->tls_active = 1;
	smtp_copy_str(s->res->tls_protocol, sizeof(s->res->tls_protocol), smtp_conn_tls_protocol(s->conn));
	smtp_copy_str(s->res->tls_cipher, sizeof(s->res->tls_cipher), smtp_conn_tls_cipher(s->conn));
	s->res->tls_verified = smtp_conn_tls_verified(s->conn);
	subject = smtp_conn_tls_peer_subject(s->conn);
	free(s->res->tls_peer_subject);
	s->res->tls_peer_subject = subject;
	log_note(s, "TLS established: %s, %s, certificate %.300s, %s", s->res->tls_protocol, s->res->tls_cipher,
	         subject ? subject : "(none)",
	         s->res->tls_verified ? "verified"
	                              : (s->cfg->verify_peer ? "not verified" : "not checked (smtp.verify_peer=0)"));
	return 0;
}

static int do_starttls(smtp_session *s)
{
	if (!s->cap_starttls) {
		smtp_result_set_error(
		    s->res, SMTP_STAGE_TLS, 0, NULL, NULL,
		    s->enc == SMTP_ENC_TLS
		        ? "SMTP STARTTLS failed: the server %s does not offer STARTTLS (smtp.encryption=tls requires it)"
		        : "SMTP STARTTLS failed: the server %s does not offer STARTTLS, which smtp.encryption=auto "
		          "requires when a username is set",
		    s->host);
		return -1;
	}
	if (send_cmd(s, SMTP_STAGE_TLS, "STARTTLS", NULL, "STARTTLS") != 0
	    || read_reply(s, SMTP_STAGE_TLS, "STARTTLS") != 0) {
		return -1;
	}
	if (s->reply.code != 220) {
		fail_reply(s, SMTP_STAGE_TLS, "SMTP STARTTLS refused: %s", s->srv);
		return -1;
	}
	if (smtp_conn_pending(s->conn) > 0) {
		/* Anything after the 220 was sent before TLS and would be taken as the answer to what
		 * we say over TLS (response injection, CVE-2011-0411 and kin). */
		smtp_result_set_error(s->res, SMTP_STAGE_TLS, 0, NULL, NULL,
		                      "SMTP STARTTLS failed: the server sent %zu bytes after its 220 reply, before the "
		                      "TLS handshake (possible response injection); connection closed",
		                      smtp_conn_pending(s->conn));
		log_note(s, "%s", s->res->error);
		close_conn(s, SMTP_S_BROKEN);
		return -1;
	}
	if (do_handshake(s, "STARTTLS") != 0) {
		return -1;
	}
	/* What the server said before TLS cannot be trusted: ask again. */
	clear_capabilities(s);
	return do_ehlo(s);
}

/* ---- AUTH ---------------------------------------------------------------------------------- */

static int auth_result(smtp_session *s, const char *mech)
{
	if (s->reply.code == 235) {
		return 0;
	}
	fail_reply(s, SMTP_STAGE_AUTH, "SMTP AUTH %s refused: %s", mech, s->srv);
	return -1;
}

/* "AUTH <mech> <initial response>" (RFC 4954 section 4) with the response built by `build` from the
 * user name and the secret, masked in the transcript and wiped. 0 when a reply was read. */
static int auth_initial_response(smtp_session *s, const char *mech,
                                 int (*build)(const char *user, const char *secret, smtp_buf *out),
                                 const char *secret_noun)
{
	smtp_buf p;
	char prefix[32], logtext[48], what[32];
	int rc;

	snprintf(prefix, sizeof(prefix), "AUTH %s ", mech);
	snprintf(logtext, sizeof(logtext), "AUTH %s ********", mech);
	snprintf(what, sizeof(what), "AUTH %s", mech);
	smtp_buf_init(&p, 0);
	if (build(s->cfg->username, s->cfg->password, &p) != 0) {
		smtp_buf_wipe(&p);
		smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 0, NULL, NULL, "SMTP %s failed: the user name or %s is too long",
		                      what, secret_noun);
		return -1;
	}
	rc = send_secret(s, prefix, &p, logtext, what);
	smtp_buf_wipe(&p);
	if (rc != 0 || read_reply(s, SMTP_STAGE_AUTH, what) != 0) {
		return -1;
	}
	return 0;
}

static int auth_plain(smtp_session *s)
{
	if (auth_initial_response(s, "PLAIN", smtp_sasl_plain, "password") != 0) {
		return -1;
	}
	return auth_result(s, "PLAIN");
}

static int send_b64_secret(smtp_session *s, const char *secret, const char *what)
{
	smtp_buf p;
	int rc;

	smtp_buf_init(&p, 0);
	if (smtp_base64_encode((const unsigned char *)secret, strlen(secret), &p) != 0) {
		smtp_buf_wipe(&p);
		smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 0, NULL, NULL, "SMTP %s failed: out of memory", what);
		return -1;
	}
	rc = send_secret(s, "", &p, "********", what);
	smtp_buf_wipe(&p);
	return rc;
}

static int auth_login(smtp_session *s)
{
	if (send_cmd(s, SMTP_STAGE_AUTH, "AUTH LOGIN", NULL, "AUTH LOGIN") != 0
	    || read_reply(s, SMTP_STAGE_AUTH, "AUTH LOGIN") != 0) {
		return -1;
	}
	if (s->reply.code != 334) {
		return auth_result(s, "LOGIN");
	}
	if (send_b64_secret(s, s->cfg->username, "AUTH LOGIN") != 0 || read_reply(s, SMTP_STAGE_AUTH, "AUTH LOGIN") != 0) {
		return -1;
	}
	if (s->reply.code != 334) {
		return auth_result(s, "LOGIN");
	}
	if (send_b64_secret(s, s->cfg->password ? s->cfg->password : "", "AUTH LOGIN") != 0
	    || read_reply(s, SMTP_STAGE_AUTH, "AUTH LOGIN") != 0) {
		return -1;
	}
	return auth_result(s, "LOGIN");
}

static int auth_cram_md5(smtp_session *s)
{
	smtp_buf p;
	const char *chal;
	int rc;

	if (send_cmd(s, SMTP_STAGE_AUTH, "AUTH CRAM-MD5", NULL, "AUTH CRAM-MD5") != 0
	    || read_reply(s, SMTP_STAGE_AUTH, "AUTH CRAM-MD5") != 0) {
		return -1;
	}
	if (s->reply.code != 334) {
		return auth_result(s, "CRAM-MD5");
	}
	chal = s->reply.lines.count ? s->reply.lines.items[0] : "";
	smtp_buf_init(&p, 0);
	if (smtp_sasl_cram_md5(s->cfg->username, s->cfg->password, chal, strlen(chal), &p) != 0) {
		smtp_buf_wipe(&p);
		/* cancel the exchange (RFC 4954 section 4), then report */
		if (send_cmd(s, SMTP_STAGE_AUTH, "*", NULL, "AUTH CRAM-MD5") == 0) {
			read_reply(s, SMTP_STAGE_AUTH, "AUTH CRAM-MD5");
		}
		smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 334, NULL, chal,
		                      "SMTP AUTH CRAM-MD5 failed: the server's challenge is not valid base64");
		return -1;
	}
	rc = send_secret(s, "", &p, "********", "AUTH CRAM-MD5");
	smtp_buf_wipe(&p);
	if (rc != 0 || read_reply(s, SMTP_STAGE_AUTH, "AUTH CRAM-MD5") != 0) {
		return -1;
	}
	return auth_result(s, "CRAM-MD5");
}

static int auth_xoauth2(smtp_session *s)
{
	if (auth_initial_response(s, "XOAUTH2", smtp_sasl_xoauth2, "token") != 0) {
		return -1;
	}
	if (s->reply.code == 334) {
		/* an error report in base64: answer with an empty line to get the final reply */
		if (send_cmd(s, SMTP_STAGE_AUTH, "", NULL, "AUTH XOAUTH2") != 0
		    || read_reply(s, SMTP_STAGE_AUTH, "AUTH XOAUTH2") != 0) {
			return -1;
		}
	}
	return auth_result(s, "XOAUTH2");
}

static int do_auth(smtp_session *s)
{
	smtp_auth_mech mech;
	double t0 = smtp_now_precise_ms();
	int rc;

	if (!smtp_conn_is_tls(s->conn) && !smtp_host_is_loopback(s->host, smtp_conn_address(s->conn))
	    && !s->cfg->allow_insecure_auth) {
		smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 0, NULL, NULL,
		                      "SMTP AUTH not attempted: the connection to %s is not encrypted and the password "
		                      "would cross the network in clear text (set smtp.encryption to tls or ssl, or "
		                      "smtp.allow_insecure_auth=1 for a trusted network)",
		                      s->host);
		return -1;
	}
	if (!s->cap_auth[0]) {
		smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 0, NULL, NULL,
		                      "SMTP AUTH failed: the server %s does not offer authentication (no AUTH in its %s reply)",
		                      s->host, s->esmtp ? "EHLO" : "HELO");
		return -1;
	}
	mech = smtp_sasl_choose(s->cfg->auth, s->cap_auth);
	if (mech == SMTP_AUTH_NONE) {
		if (s->cfg->auth == SMTP_AUTH_AUTO) {
			smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 0, NULL, NULL,
			                      "SMTP AUTH failed: the server offers no mechanism this client supports "
			                      "(it offers %.200s; supported: CRAM-MD5, PLAIN, LOGIN, and XOAUTH2 when "
			                      "smtp.auth=xoauth2)",
			                      s->cap_auth);
		} else {
			smtp_result_set_error(s->res, SMTP_STAGE_AUTH, 0, NULL, NULL,
			                      "SMTP AUTH failed: the server does not offer %s (smtp.auth); it offers %.200s",
			                      smtp_auth_name(s->cfg->auth), s->cap_auth);
		}
		return -1;
	}
	switch (mech) {
	case SMTP_AUTH_PLAIN:
		snprintf(s->res->auth_mech, sizeof(s->res->auth_mech), "PLAIN");
		rc = auth_plain(s);
		break;
	case SMTP_AUTH_LOGIN:
		snprintf(s->res->auth_mech, sizeof(s->res->auth_mech), "LOGIN");
		rc = auth_login(s);
		break;
	case SMTP_AUTH_CRAM_MD5:
		snprintf(s->res->auth_mech, sizeof(s->res->auth_mech), "CRAM-MD5");
		rc = auth_cram_md5(s);
		break;
	case SMTP_AUTH_XOAUTH2:
		snprintf(s->res->auth_mech, sizeof(s->res->auth_mech), "XOAUTH2");
		rc = auth_xoauth2(s);
		break;
	default:
		rc = -1;
		break;
	}
	s->res->t_auth += smtp_now_precise_ms() - t0;
	return rc;
}

/* ---- open ---------------------------------------------------------------------------------- */

smtp_session *smtp_session_new(const smtp_config *cfg, smtp_result *res)
{
	smtp_session *s;

	if (!cfg || !res) {
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		return NULL;
	}
	s->cfg = cfg;
	s->res = res;
	s->state = SMTP_S_CLOSED;
	smtp_reply_init(&s->reply);
	return s;
}

/* Forgets what the previous host's attempt left in the result (failover). */
static void reset_for_next_host(smtp_session *s)
{
	smtp_result *r = s->res;

	free(r->error);
	free(r->message);
	free(r->hint);
	free(r->tls_peer_subject);
	r->error = r->message = r->hint = r->tls_peer_subject = NULL;
	r->code = 0;
	r->enhanced[0] = '\0';
	r->address[0] = '\0';
	r->tls_active = r->tls_verified = 0;
	r->tls_protocol[0] = r->tls_cipher[0] = '\0';
	r->auth_mech[0] = '\0';
	clear_capabilities(s);
}

static const char *enc_used_name(const smtp_session *s)
{
	if (s->conn && smtp_conn_is_tls(s->conn)) {
		return s->enc == SMTP_ENC_SSL ? "ssl" : "tls";
	}
	return "none";
}

/* One host: connect, [TLS], greeting. The rest (EHLO, STARTTLS, AUTH) runs in open_rest. */
static int open_host(smtp_session *s, const smtp_host_entry *e, int64_t phase_dl)
{
	smtp_io_status st;
	double t0;
	char what[320];

	smtp_copy_str(s->host, sizeof(s->host), e->host);
	s->port = e->port ? e->port : s->cfg->port ? s->cfg->port : (s->cfg->encryption == SMTP_ENC_SSL ? 465 : 587);
	s->enc = s->cfg->encryption;
	if (s->enc == SMTP_ENC_AUTO && s->port == 465) {
		s->enc = SMTP_ENC_SSL;
	}
	smtp_copy_str(s->res->host, sizeof(s->res->host), s->host);
	s->res->port = s->port;
	snprintf(s->res->encryption, sizeof(s->res->encryption), "none");
	s->res->facts = (s->enc == SMTP_ENC_SSL ? SMTP_FACT_IMPLICIT_TLS : 0)
	                | (s->enc == SMTP_ENC_TLS ? SMTP_FACT_STARTTLS : 0) | (has_user(s) ? SMTP_FACT_CREDENTIALS : 0);
	s->dl = phase_dl;

	t0 = smtp_now_precise_ms();
	s->ioerr[0] = '\0';
	s->t_phase = smtp_now_ms();
	st = smtp_conn_open(&s->conn, s->host, s->port, s->dl, s->ioerr, sizeof(s->ioerr));
	s->res->t_connect += smtp_now_precise_ms() - t0;
	snprintf(what, sizeof(what), strchr(s->host, ':') ? "connect to [%s]:%d" : "connect to %s:%d", s->host, s->port);
	if (st != SMTP_IO_OK) {
		fail_io(s, SMTP_STAGE_CONNECT, st, what);
		return -1;
	}
	smtp_copy_str(s->res->address, sizeof(s->res->address), smtp_conn_address(s->conn));
	log_note(s, "connected to %s port %d (%s)", s->host, s->port, s->res->address);
	s->rt_pending = 1; /* the greeting is one round trip */

	if (s->enc == SMTP_ENC_SSL) {
		snprintf(what, sizeof(what), "TLS connection to %s:%d", s->host, s->port);
		if (do_handshake(s, what) != 0) {
			return -1;
		}
		s->rt_pending = 1;
	}

	snprintf(what, sizeof(what), "greeting from %s:%d", s->host, s->port);
	s->t_phase = smtp_now_ms();
	if (read_reply(s, SMTP_STAGE_GREETING, what) != 0) {
		return -1; /* silence here on a non-TLS connection: the hint suggests implicit TLS */
	}
	if (s->reply.code != 220) {
		if (s->reply.code == 554) {
			fail_reply(s, SMTP_STAGE_GREETING, "SMTP greeting from %s: the server refused the session: %s", s->host,
			           s->srv);
		} else {
			fail_reply(s, SMTP_STAGE_GREETING, "SMTP greeting from %s: unexpected reply %s", s->host, s->srv);
		}
		return -1;
	}
	return 0;
}

static int open_rest(smtp_session *s)
{
	if (do_ehlo(s) != 0) {
		return -1;
	}
	if (s->enc == SMTP_ENC_TLS
	    || (s->enc == SMTP_ENC_AUTO && (s->cap_starttls || (has_user(s) && !s->cfg->allow_insecure_auth)))) {
		if (do_starttls(s) != 0) {
			return -1;
		}
	}
	smtp_copy_str(s->res->encryption, sizeof(s->res->encryption), enc_used_name(s));
	if (has_user(s) && do_auth(s) != 0) {
		return -1;
	}
	return 0;
}

/* QUIT and close, best effort, never recording an error. */
static void quit_conn(smtp_session *s)
{
	if (s->conn && s->state != SMTP_S_BROKEN && smtp_now_ms() < s->deadline) {
		static const char q[] = "QUIT\r\n";
		char e[256];
		log_line(s, 'C', "QUIT");
		if (smtp_conn_write(s->conn, q, sizeof(q) - 1, s->deadline, e, sizeof(e)) == SMTP_IO_OK) {
			s->rt_pending = 1;
			if (smtp_conn_read_reply(s->conn, &s->reply, s->deadline, e, sizeof(e)) == SMTP_IO_OK) {
				s->res->round_trips++;
				s->rt_pending = 0;
				log_reply(s);
			}
		}
	}
	close_conn(s, SMTP_S_CLOSED);
}

int smtp_session_open(smtp_session *s)
{
	smtp_host_entry hosts[SMTP_MAX_HOSTS];
	char err[300], tried[400] = "";
	int n, i, timeout;

	if (!s) {
		return -1;
	}
	if (s->conn) {
		quit_conn(s);
	}
	s->state = SMTP_S_CLOSED;
	s->sends = 0;
	s->t_start = smtp_now_ms();
	s->t_start_precise = smtp_now_precise_ms();
	timeout = s->cfg->timeout_ms > 0 ? s->cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	s->deadline = s->t_start + timeout;
	s->dl = s->deadline;

	n = smtp_host_list_parse(s->cfg->hosts ? s->cfg->hosts : "", hosts, SMTP_MAX_HOSTS, err, sizeof(err));
	if (n < 0) {
		smtp_result_set_error(s->res, SMTP_STAGE_CONNECT, 0, NULL, NULL, "SMTP connect failed: smtp.host: %s", err);
		return -1;
	}
	if (n == 0) {
		smtp_result_set_error(s->res, SMTP_STAGE_CONNECT, 0, NULL, NULL,
		                      "SMTP connect failed: no host is configured (smtp.host is empty)");
		return -1;
	}
	if (choose_helo(s) != 0) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		int64_t now = smtp_now_ms(), left = s->deadline - now, phase = s->deadline;
		smtp_stage stage;

		if (i > 0) {
			if (left <= 0) {
				break; /* the previous host's error stands */
			}
			log_note(s, "%s; trying the next host, %s", s->res->error ? s->res->error : "failed", hosts[i].host);
			{
				size_t l = strlen(tried);
				snprintf(tried + l, sizeof(tried) - l, "%s%s:%d", l ? ", " : "", s->host, s->port);
			}
			reset_for_next_host(s);
		}
		if (n - i > 1) {
			int64_t share = left / (n - i);
			if (share < 1000) {
				share = left < 1000 ? left : 1000;
			}
			phase = now + share;
		}
		if (open_host(s, &hosts[i], phase) == 0) {
			s->dl = s->deadline;
			s->state = SMTP_S_READY;
			if (open_rest(s) == 0) {
				s->res->t_total = (smtp_now_precise_ms() - s->t_start_precise);
				return 0;
			}
		}
		stage = s->res->stage;
		if (s->conn) {
			quit_conn(s);
		}
		s->state = SMTP_S_CLOSED;
		if (stage != SMTP_STAGE_CONNECT && stage != SMTP_STAGE_GREETING && stage != SMTP_STAGE_TLS) {
			break;
		}
	}
	if (tried[0] && s->res->error) {
		char *e = malloc(strlen(s->res->error) + strlen(tried) + 32);
		if (e) {
			sprintf(e, "%s (also failed: %s)", s->res->error, tried);
			free(s->res->error);
			s->res->error = e;
		}
	}
	s->res->t_total = (smtp_now_precise_ms() - s->t_start_precise);
	return -1;
}

/* ---- send ---------------------------------------------------------------------------------- */

static int build_mail(const smtp_session *s, const smtp_message *msg, smtp_buf *out)
{
	int rc = smtp_buf_printf(out, "MAIL FROM:<%s>", msg->sender ? msg->sender : "");

	if (rc == 0 && s->cap_size) {
		rc = smtp_buf_printf(out, " SIZE=%zu", msg->size);
	}
	if (rc == 0 && (msg->eight_bit || msg->utf8_addrs) && s->cap_8bitmime) {
		rc = smtp_buf_puts(out, " BODY=8BITMIME");
	}
	if (rc == 0 && msg->utf8_addrs && s->cap_smtputf8) {
		rc = smtp_buf_puts(out, " SMTPUTF8");
	}
	return rc;
}

static int build_rcpt(const char *addr, smtp_buf *out)
{
	return smtp_buf_printf(out, "RCPT TO:<%s>", addr);
}

/* Appends "line\r\n" to the batch and logs the line. */
static int queue_cmd(smtp_session *s, smtp_buf *batch, const smtp_buf *line)
{
	log_line(s, 'C', line->data ? line->data : "");
	if (smtp_buf_append(batch, line->data ? line->data : "", line->len) != 0
	    || smtp_buf_append(batch, "\r\n", 2) != 0) {
		smtp_result_set_error(s->res, SMTP_STAGE_MAIL, 0, NULL, NULL, "SMTP MAIL FROM failed: out of memory");
		return -1;
	}
	return 0;
}

/* 0: MAIL accepted; -1: refused (recorded) */
static int handle_mail_reply(smtp_session *s, const smtp_message *msg)
{
	if (s->reply.code >= 200 && s->reply.code < 300) {
		return 0;
	}
	fail_reply(s, SMTP_STAGE_MAIL, "SMTP MAIL FROM <%.320s> refused: %s", msg->sender ? msg->sender : "", s->srv);
	return -1;
}

/* Records one recipient's reply. 1: accepted, 0: refused. */
static int handle_rcpt_reply(smtp_session *s, const char *addr)
{
	char *text = reply_text_oneline(&s->reply);
	int ok = s->reply.code >= 250 && s->reply.code < 260;

	smtp_result_add_rcpt(s->res, addr, s->reply.code, s->reply.enhanced, text);
	free(text);
	if (!ok) {
		log_note(s, "recipient <%.320s> refused", addr);
	}
	return ok;
}

/* The error when no recipient was accepted, quoting the first refusal. */
static void fail_all_rcpts(smtp_session *s, size_t first, size_t count)
{
	const smtp_rcpt_result *r = &s->res->rcpts[first];
	char srv[1200];

	snprintf(srv, sizeof(srv), "%d%s%s %s", r->code, r->enhanced[0] ? " " : "", r->enhanced,
	         r->message ? r->message : "");
	if (count == 1) {
		smtp_result_set_error(s->res, SMTP_STAGE_RCPT, r->code, r->enhanced, r->message,
		                      "SMTP RCPT TO <%.320s> refused: %s", r->address, srv);
	} else {
		smtp_result_set_error(s->res, SMTP_STAGE_RCPT, r->code, r->enhanced, r->message,
		                      "SMTP RCPT TO refused for all %zu recipients, <%.320s> first: %s", count, r->address,
		                      srv);
	}
}

/* After a refusal: RSET so the session can be used again. */
static void reset_transaction(smtp_session *s)
{
	if (!s->conn || s->state != SMTP_S_READY) {
		return;
	}
	if (send_cmd(s, SMTP_STAGE_DONE, "RSET", NULL, "RSET") != 0 || read_reply(s, SMTP_STAGE_DONE, "RSET") != 0) {
		return; /* BROKEN now; the first error stands */
	}
	if (s->reply.code != 250) {
		log_note(s, "RSET refused; closing the connection");
		quit_conn(s);
		s->state = SMTP_S_BROKEN;
	}
}

/* The server said 354 although the transaction cannot go on (every recipient refused, in a
 * pipelined batch): an empty message ends it (RFC 2920 section 3.1). */
static void abort_data(smtp_session *s)
{
	static const char dot[] = ".\r\n";

	log_line(s, 'C', ".");
	if (write_raw(s, SMTP_STAGE_DATA, dot, sizeof(dot) - 1, "end of data") == 0) {
		read_reply(s, SMTP_STAGE_DATA, "end of data");
	}
}

/* The wire buffer's writer: the message goes out with write_raw (which records a failure). */
static int write_message(void *ctx, const char *p, size_t n)
{
	return write_raw((smtp_session *)ctx, SMTP_STAGE_DATA, p, n, "DATA (sending the message)");
}

/* The message streams from where it lies through the fixed wire buffer: line endings made CRLF
 * and dot-stuffed on the fly, never copied whole. */
static int send_message(smtp_session *s, const smtp_message *msg)
{
	smtp_body body;
	smtp_wbuf w;
	size_t n = 0;
	char note[64], err[256];
	int rc;

	smtp_message_reader(msg, &body);
	err[0] = '\0';
	if (smtp_data_size(&body, &n, err, sizeof(err)) != 0 || smtp_wbuf_init(&w, write_message, s) != 0) {
		smtp_result_set_error(s->res, SMTP_STAGE_DATA, 0, NULL, NULL, "SMTP DATA failed: %s",
		                      err[0] ? err : "out of memory preparing the message");
		/* the server waits for data: end the transaction cleanly */
		abort_data(s);
		reset_transaction(s);
		return -1;
	}
	snprintf(note, sizeof(note), "<message: %zu bytes>", n);
	log_line(s, 'C', note);
	rc = smtp_data_put(&body, &w, err, sizeof(err));
	if (rc == 0) {
		rc = smtp_wbuf_flush(&w);
	}
	if (rc != 0 && !w.failed) {
		/* the message could not be read: part of it is out, so the transaction cannot end cleanly */
		smtp_result_set_error(s->res, SMTP_STAGE_DATA, 0, NULL, NULL, "SMTP DATA failed: %s", err);
		log_note(s, "%s", s->res->error ? s->res->error : "failure");
		close_conn(s, SMTP_S_BROKEN);
	}
	smtp_wbuf_free(&w);
	if (rc != 0 || read_reply(s, SMTP_STAGE_DATA, "DATA (end of message)") != 0) {
		return -1;
	}
	if (s->reply.code < 200 || s->reply.code >= 300) {
		fail_reply(s, SMTP_STAGE_DATA, "SMTP message refused after DATA: %s", s->srv);
		reset_transaction(s);
		return -1;
	}
	return 0;
}

static int check_message(smtp_session *s, const smtp_message *msg)
{
	const char *sender = msg->sender ? msg->sender : "";
	size_t i;

	if (*sender && !smtp_address_valid(sender, strlen(sender))) {
		smtp_result_set_error(s->res, SMTP_STAGE_MAIL, 0, NULL, NULL,
		                      "SMTP MAIL FROM not sent: the sender address <%.320s> is not valid", sender);
		return -1;
	}
	if (msg->rcpts.count == 0) {
		smtp_result_set_error(s->res, SMTP_STAGE_RCPT, 0, NULL, NULL,
		                      "SMTP RCPT TO not sent: the message has no recipients");
		return -1;
	}
	for (i = 0; i < msg->rcpts.count; i++) {
		const char *a = msg->rcpts.items[i];
		if (!smtp_address_valid(a, strlen(a))) {
			smtp_result_set_error(s->res, SMTP_STAGE_RCPT, 0, NULL, NULL,
			                      "SMTP RCPT TO not sent: the recipient address <%.320s> is not valid", a);
			return -1;
		}
	}
	if (msg->utf8_addrs && !s->cap_smtputf8) {
		smtp_result_set_error(s->res, SMTP_STAGE_MAIL, 0, NULL, NULL,
		                      "SMTP MAIL FROM not sent: the message has internationalized (UTF-8) addresses and "
		                      "the server %s does not offer SMTPUTF8",
		                      s->host);
		return -1;
	}
	if (s->cap_size && (unsigned long long)msg->size > s->cap_size) {
		smtp_result_set_error(s->res, SMTP_STAGE_MAIL, 0, NULL, NULL,
		                      "SMTP MAIL FROM not sent: the message (%zu bytes) is larger than the server %s "
		                      "accepts (SIZE %llu)",
		                      msg->size, s->host, s->cap_size);
		return -1;
	}
	return 0;
}

/* PIPELINING (RFC 2920): MAIL, the RCPTs and DATA leave in one write and the replies are read in
 * order. With more than SMTP_PIPELINE_WINDOW commands the batch goes in windows, each window's
 * replies read before the next is written, so neither side can fill its buffers while the other
 * waits for it (RFC 2920 section 3.1): the window is a few kilobytes, far below any socket buffer. */
#define SMTP_PIPELINE_WINDOW 100

static int envelope_pipelined(smtp_session *s, const smtp_message *msg, size_t first)
{
	smtp_buf batch, line;
	size_t i, from, next = 0, accepted = 0;
	int mail_ok = 0, data_code = 0, with_mail = 1, with_data = 0;
	char what[360];

	smtp_buf_init(&batch, 0);
	smtp_buf_init(&line, 0);
	while (!with_data) {
		smtp_buf_reset(&batch);
		smtp_buf_reset(&line);
		if (with_mail && (build_mail(s, msg, &line) != 0 || queue_cmd(s, &batch, &line) != 0)) {
			goto oom;
		}
		from = next;
		while (next < msg->rcpts.count && (size_t)with_mail + (next - from) < SMTP_PIPELINE_WINDOW) {
			smtp_buf_reset(&line);
			if (build_rcpt(msg->rcpts.items[next], &line) != 0 || queue_cmd(s, &batch, &line) != 0) {
				goto oom;
			}
			next++;
		}
		with_data = next == msg->rcpts.count;
		if (with_data) {
			smtp_buf_reset(&line);
			if (smtp_buf_puts(&line, "DATA") != 0 || queue_cmd(s, &batch, &line) != 0) {
				goto oom;
			}
		}
		if (write_raw(s, with_mail ? SMTP_STAGE_MAIL : SMTP_STAGE_RCPT, batch.data, batch.len,
		              with_mail ? "MAIL FROM" : "RCPT TO")
		    != 0) {
			goto fail;
		}
		if (with_mail) {
			snprintf(what, sizeof(what), "MAIL FROM <%.320s>", msg->sender ? msg->sender : "");
			if (read_reply(s, SMTP_STAGE_MAIL, what) != 0) {
				goto fail;
			}
			mail_ok = handle_mail_reply(s, msg) == 0;
			with_mail = 0;
		}
		for (i = from; i < next; i++) {
			snprintf(what, sizeof(what), "RCPT TO <%.320s>", msg->rcpts.items[i]);
			if (read_reply(s, SMTP_STAGE_RCPT, what) != 0) {
				goto fail;
			}
			accepted += (size_t)handle_rcpt_reply(s, msg->rcpts.items[i]);
		}
		if (!with_data && !mail_ok) {
			/* refused sender: no point in sending the other windows */
			smtp_buf_free(&line);
			smtp_buf_free(&batch);
			reset_transaction(s);
			return -1;
		}
	}
	smtp_buf_free(&line);
	smtp_buf_free(&batch);

	if (read_reply(s, SMTP_STAGE_DATA, "DATA") != 0) {
		return -1;
	}
	data_code = s->reply.code;
	if (!mail_ok || accepted == 0) {
		if (mail_ok) {
			fail_all_rcpts(s, first, msg->rcpts.count);
		}
		if (data_code == 354) {
			abort_data(s);
		}
		reset_transaction(s);
		return -1;
	}
	if (data_code != 354) {
		fail_reply(s, SMTP_STAGE_DATA, "SMTP DATA refused: %s", s->srv);
		reset_transaction(s);
		return -1;
	}
	return 0;

oom:
	smtp_result_set_error(s->res, SMTP_STAGE_MAIL, 0, NULL, NULL, "SMTP MAIL FROM failed: out of memory");
fail:
	smtp_buf_free(&line);
	smtp_buf_free(&batch);
	return -1;
}

/* One command at a time: MAIL, each RCPT, DATA. */
static int envelope_serial(smtp_session *s, const smtp_message *msg, size_t first)
{
	smtp_buf line;
	size_t i, accepted = 0;
	char what[360];

	smtp_buf_init(&line, 0);
	snprintf(what, sizeof(what), "MAIL FROM <%.320s>", msg->sender ? msg->sender : "");
	if (build_mail(s, msg, &line) != 0) {
		smtp_buf_free(&line);
		smtp_result_set_error(s->res, SMTP_STAGE_MAIL, 0, NULL, NULL, "SMTP MAIL FROM failed: out of memory");
		return -1;
	}
	if (send_cmd(s, SMTP_STAGE_MAIL, line.data, NULL, what) != 0 || read_reply(s, SMTP_STAGE_MAIL, what) != 0) {
		smtp_buf_free(&line);
		return -1;
	}
	if (handle_mail_reply(s, msg) != 0) {
		smtp_buf_free(&line);
		reset_transaction(s);
		return -1;
	}
	for (i = 0; i < msg->rcpts.count; i++) {
		smtp_buf_reset(&line);
		snprintf(what, sizeof(what), "RCPT TO <%.320s>", msg->rcpts.items[i]);
		if (build_rcpt(msg->rcpts.items[i], &line) != 0) {
			smtp_buf_free(&line);
			smtp_result_set_error(s->res, SMTP_STAGE_RCPT, 0, NULL, NULL, "SMTP RCPT TO failed: out of memory");
			return -1;
		}
		if (send_cmd(s, SMTP_STAGE_RCPT, line.data, NULL, what) != 0 || read_reply(s, SMTP_STAGE_RCPT, what) != 0) {
			smtp_buf_free(&line);
			return -1;
		}
		accepted += (size_t)handle_rcpt_reply(s, msg->rcpts.items[i]);
	}
	smtp_buf_free(&line);
	if (accepted == 0) {
		fail_all_rcpts(s, first, msg->rcpts.count);
		reset_transaction(s);
		return -1;
	}
	if (send_cmd(s, SMTP_STAGE_DATA, "DATA", NULL, "DATA") != 0 || read_reply(s, SMTP_STAGE_DATA, "DATA") != 0) {
		return -1;
	}
	if (s->reply.code != 354) {
		fail_reply(s, SMTP_STAGE_DATA, "SMTP DATA refused: %s", s->srv);
		reset_transaction(s);
		return -1;
	}
	return 0;
}

int smtp_session_send(smtp_session *s, const smtp_message *msg)
{
	double t0 = smtp_now_precise_ms();
	size_t first;
	int rc;

	if (!s || !msg) {
		return -1;
	}
	if (s->state != SMTP_S_READY || !s->conn) {
		smtp_result_set_error(s->res, SMTP_STAGE_MAIL, 0, NULL, NULL,
		                      "SMTP MAIL FROM not sent: the session is not open");
		return -1;
	}
	if (s->sends++ > 0) {
		/* A later message on the same connection is a new attempt: a budget of its own, and its
		 * outcome replaces the previous message's (the transcript goes on). */
		int timeout = s->cfg->timeout_ms > 0 ? s->cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
		smtp_result *r = s->res;
		size_t i;
		s->deadline = smtp_now_ms() + timeout;
		free(r->error);
		free(r->hint);
		free(r->message);
		r->error = r->hint = r->message = NULL;
		r->code = 0;
		r->enhanced[0] = '\0';
		for (i = 0; i < r->rcpt_count; i++) {
			free(r->rcpts[i].address);
			free(r->rcpts[i].message);
		}
		free(r->rcpts);
		r->rcpts = NULL;
		r->rcpt_count = 0;
	}
	s->dl = s->deadline;
	s->res->ok = 0;
	if (check_message(s, msg) != 0) {
		return -1;
	}
	first = s->res->rcpt_count;
	rc = s->cap_pipelining ? envelope_pipelined(s, msg, first) : envelope_serial(s, msg, first);
	if (rc == 0) {
		rc = send_message(s, msg);
	}
	s->res->t_send += smtp_now_precise_ms() - t0;
	s->res->t_total = (smtp_now_precise_ms() - s->t_start_precise);
	if (rc != 0) {
		return -1;
	}
	/* accepted: the final reply is the result's reply */
	s->res->ok = 1;
	s->res->stage = SMTP_STAGE_DONE;
	s->res->code = s->reply.code;
	smtp_copy_str(s->res->enhanced, sizeof(s->res->enhanced), s->reply.enhanced);
	free(s->res->message);
	s->res->message = reply_text_oneline(&s->reply);
	return 0;
}

/* ---- quit ---------------------------------------------------------------------------------- */

void smtp_session_quit(smtp_session *s)
{
	if (!s) {
		return;
	}
	if (s->conn) {
		quit_conn(s);
	}
	s->state = SMTP_S_CLOSED;
	if (s->t_start) {
		s->res->t_total = (smtp_now_precise_ms() - s->t_start_precise);
	}
}

smtp_session_state smtp_session_state_get(const smtp_session *s)
{
	return s ? s->state : SMTP_S_CLOSED;
}

void smtp_session_free(smtp_session *s)
{
	if (!s) {
		return;
	}
	smtp_conn_close(s->conn);
	smtp_reply_free(&s->reply);
	free(s);
}

/* One whole session: open, then send msg (or, for a check, nothing), then QUIT. */
static int run_session(const smtp_config *cfg, const smtp_message *msg, smtp_result *res)
{
	smtp_session *s = smtp_session_new(cfg, res);
	int rc;

	if (!s) {
		smtp_result_set_error(res, SMTP_STAGE_CONNECT, 0, NULL, NULL, "SMTP connect failed: out of memory");
		return -1;
	}
	rc = smtp_session_open(s);
	if (rc == 0 && msg) {
		rc = smtp_session_send(s, msg);
	} else if (rc == 0) {
		/* a check: the last reply before QUIT (AUTH's 235 or EHLO's 250) */
		res->ok = 1;
		res->stage = SMTP_STAGE_DONE;
		res->code = s->reply.code;
		smtp_copy_str(res->enhanced, sizeof(res->enhanced), s->reply.enhanced);
		free(res->message);
		res->message = reply_text_oneline(&s->reply);
	}
	smtp_session_quit(s);
	smtp_session_free(s);
	return rc;
}

int smtp_submit(const smtp_config *cfg, const smtp_message *msg, smtp_result *res)
{
	return run_session(cfg, msg, res);
}

int smtp_check_connection(const smtp_config *cfg, smtp_result *res)
{
	return run_session(cfg, NULL, res);
}
