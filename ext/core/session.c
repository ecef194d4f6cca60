/* One connection and its SMTP state. Pure C.
 *
 *   smtp_session_open: connect -> [implicit TLS] -> greeting -> EHLO (HELO fallback)
 *                      -> [STARTTLS -> EHLO] -> [AUTH]                              => READY
 *   (transaction.c:    MAIL, RCPT..., DATA or BDAT                                  => READY / BROKEN)
 *   smtp_session_quit: QUIT, close                                                  => CLOSED
 *
 * Time: every call brings an absolute deadline. Opening has two: connect, TLS and greeting must be
 * done by the greet deadline (route.c's share of the time when other hosts are left to try), the
 * rest by the call's deadline. */
#include "session.h"

#include "auth.h"
#include "sasl.h"

#define SMTP_TOKEN_LIMIT 16384 /* an access token handed to XOAUTH2 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <sys/types.h>

struct smtp_session {
	smtp_chat chat;
	smtp_session_state state;
	char host[256];
	int port;
	smtp_encryption enc; /* the mode for this host: AUTO resolved to SSL on port 465 */
	char helo[256];
	smtp_caps caps;
	int messages;            /* handed to this connection */
	int64_t opened_at;       /* smtp_now_ms() when it became READY */
	int64_t last_used;       /* when the last call on it ended */
	long pid;                /* the process that opened it (a fork must not use it) */
	int credentials;         /* it authenticated (a username was set) */
	char auth_mech[16];      /* the mechanism it authenticated with */
	smtp_strlist caps_lines; /* the last EHLO's lines, told again on reuse */
	smtp_err err;            /* the last failure of the current call */
	char srv[1024];          /* the last reply, "550 5.1.1 User unknown" */
	int oauth_refreshed;     /* this open already asked the token endpoint again after a refusal */
	int oauth_reconnect;     /* the server closed after refusing the token: retry on a new connection */
};

const char *smtp_session_state_name(smtp_session_state st)
{
	switch (st) {
	case SMTP_S_READY:
		return "ready";
	case SMTP_S_BROKEN:
		return "broken";
	default:
		return "closed";
	}
}

/* ---- a call's scope and its failures --------------------------------------------------------- */

void smtp_session_begin(smtp_session *s, int64_t deadline, const smtp_observer *obs)
{
	s->chat.obs = obs;
	s->chat.deadline = deadline;
}

void smtp_session_end(smtp_session *s)
{
	s->chat.obs = NULL;
	s->last_used = smtp_now_ms();
}

smtp_chat *smtp_session_chat(smtp_session *s)
{
	return &s->chat;
}

void smtp_session_clear_error(smtp_session *s)
{
	smtp_err_clear(&s->err);
}

const smtp_err *smtp_session_error(const smtp_session *s)
{
	return &s->err;
}

const char *smtp_session_reply_line(const smtp_session *s)
{
	return s->srv;
}

smtp_session_state smtp_session_state_get(const smtp_session *s)
{
	return s ? s->state : SMTP_S_CLOSED;
}

const smtp_caps *smtp_session_caps(const smtp_session *s)
{
	return &s->caps;
}

const char *smtp_session_host(const smtp_session *s)
{
	return s->host;
}

int smtp_session_port(const smtp_session *s)
{
	return s->port;
}

void smtp_session_count_message(smtp_session *s)
{
	s->messages++;
}

int smtp_session_tls_resumed(const smtp_session *s)
{
	return s->chat.conn && smtp_tls_resumed(s->chat.conn);
}

int smtp_session_messages(const smtp_session *s)
{
	return s->messages;
}

void smtp_session_break(smtp_session *s)
{
	smtp_conn_close(s->chat.conn);
	s->chat.conn = NULL;
	s->state = SMTP_S_BROKEN;
}

void smtp_session_fail_err(smtp_session *s, const smtp_err *e, const smtp_reply *reply, const char *sentence)
{
	smtp_event ev;

	s->err = *e;
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_ERROR;
	ev.err = e;
	ev.text = sentence;
	ev.len = strlen(sentence);
	ev.reply = reply;
	smtp_chat_emit(&s->chat, &ev);
}

/* Tells the observer; with_reply: the last reply is the server's words. */
static void emit_error(smtp_session *s, const smtp_err *e, int with_reply, const char *sentence)
{
	smtp_session_fail_err(s, e, with_reply ? &s->chat.reply : NULL, sentence);
}

void smtp_session_fail(smtp_session *s, smtp_stage stage, smtp_cause cause, const char *fmt, ...)
{
	char sentence[1600];
	smtp_err e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sentence, sizeof(sentence), fmt, ap);
	va_end(ap);
	smtp_err_clear(&e);
	smtp_err_set(&e, stage, smtp_cause_class(cause), cause, 0, NULL);
	emit_error(s, &e, 0, sentence);
}

void smtp_session_fail_reply(smtp_session *s, smtp_stage stage, const char *fmt, ...)
{
	char sentence[1600];
	smtp_err e;
	smtp_cause cause = s->chat.reply.code == 421 ? SMTP_CAUSE_SERVER_CLOSING : SMTP_CAUSE_REPLY;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sentence, sizeof(sentence), fmt, ap);
	va_end(ap);
	smtp_err_clear(&e);
	smtp_err_set(&e, stage, SMTP_ERR_REPLY, cause, s->chat.reply.code, s->chat.reply.enhanced);
	emit_error(s, &e, 1, sentence);
}

void smtp_session_fail_io(smtp_session *s, smtp_stage stage, const char *what)
{
	char sentence[1600], secs[32], *t = s->chat.err.text;
	size_t n = strlen(t);
	smtp_cause cause = s->chat.err.cause;
	smtp_err e;

	/* the parser's sentences end with a period; ours add their own context */
	if (n > 0 && t[n - 1] == '.') {
		t[n - 1] = '\0';
	}
	if (cause == SMTP_CAUSE_NONE) {
		cause = s->chat.status == SMTP_IO_TIMEOUT    ? SMTP_CAUSE_TIMEOUT
		        : s->chat.status == SMTP_IO_CLOSED   ? SMTP_CAUSE_CLOSED
		        : s->chat.status == SMTP_IO_PROTOCOL ? SMTP_CAUSE_MALFORMED
		                                             : SMTP_CAUSE_IO;
	}
	/* a wait that ran out is told with its length; a failure with its own words (a DNS server that did
	 * not answer says so: its cause is not TIMEOUT) */
	if (s->chat.status == SMTP_IO_TIMEOUT && (cause == SMTP_CAUSE_TIMEOUT || cause == SMTP_CAUSE_SILENT)) {
		smtp_fmt_secs(smtp_now_ms() - s->chat.t_wait, secs, sizeof(secs));
		snprintf(sentence, sizeof(sentence), "SMTP %s timed out after %s s", what, secs);
	} else {
		snprintf(sentence, sizeof(sentence), "SMTP %s failed: %s", what, t[0] ? t : "input/output error");
	}
	smtp_err_clear(&e);
	smtp_err_set(&e, stage, smtp_cause_class(cause), cause, 0, NULL);
	emit_error(s, &e, 0, sentence);
	smtp_chat_note(&s->chat, "%s", sentence);
	smtp_session_break(s);
}

int smtp_session_command(smtp_session *s, smtp_stage stage, const char *line, const char *what)
{
	if (!s->chat.conn) {
		smtp_session_fail(s, stage, SMTP_CAUSE_NOT_OPEN, "SMTP %s failed: not connected", what);
		return -1;
	}
	if (smtp_chat_put_command(&s->chat, line, NULL) != 0) {
		smtp_session_fail_io(s, stage, what);
		return -1;
	}
	return 0;
}

int smtp_session_flush(smtp_session *s, smtp_stage stage, const char *what)
{
	if (!s->chat.conn) {
		smtp_session_fail(s, stage, SMTP_CAUSE_NOT_OPEN, "SMTP %s failed: not connected", what);
		return -1;
	}
	if (smtp_chat_flush(&s->chat) != 0) {
		smtp_session_fail_io(s, stage, what);
		return -1;
	}
	return 0;
}

int smtp_session_read(smtp_session *s, smtp_stage stage, const char *what)
{
	if (!s->chat.conn) {
		smtp_session_fail(s, stage, SMTP_CAUSE_NOT_OPEN, "SMTP %s failed: not connected", what);
		return -1;
	}
	if (smtp_chat_read_reply(&s->chat) != 0) {
		smtp_session_fail_io(s, stage, what);
		return -1;
	}
	smtp_chat_reply_line(&s->chat, s->srv, sizeof(s->srv));
	if (s->chat.reply.code == 421) {
		smtp_session_fail_reply(s, stage, "SMTP %s failed, the server is closing the session: %s", what, s->srv);
		smtp_session_break(s);
		return -1;
	}
	return 0;
}

/* A command and its reply. */
static int ask(smtp_session *s, smtp_stage stage, const char *line, const char *what)
{
	return smtp_session_command(s, stage, line, what) == 0 && smtp_session_read(s, stage, what) == 0 ? 0 : -1;
}

static void emit_timing(smtp_session *s, int which, double ms)
{
	smtp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_TIMING;
	ev.num = which;
	ev.ms = ms;
	smtp_chat_emit(&s->chat, &ev);
}

/* ---- EHLO ---------------------------------------------------------------------------------- */

static void set_caps(smtp_session *s, int from_ehlo)
{
	smtp_event ev;

	smtp_strlist_free(&s->caps_lines);
	smtp_strlist_init(&s->caps_lines);
	if (from_ehlo) {
		size_t i;
		smtp_caps_parse(&s->chat.reply, &s->caps);
		for (i = 0; i < s->chat.reply.lines.count; i++) {
			const char *l = s->chat.reply.lines.items[i];
			smtp_strlist_add(&s->caps_lines, l, strlen(l));
		}
	} else {
		smtp_caps_clear(&s->caps);
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_CAPS;
	ev.reply = from_ehlo ? &s->chat.reply : NULL;
	smtp_chat_emit(&s->chat, &ev);
}

static int do_ehlo(smtp_session *s)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "EHLO %s", s->helo);
	if (ask(s, SMTP_STAGE_EHLO, cmd, "EHLO") != 0) {
		return -1;
	}
	if (s->chat.reply.code == 250) {
		set_caps(s, 1);
		return 0;
	}
	if (s->chat.reply.code >= 500 && !smtp_tls_active(s->chat.conn)) {
		/* an old server without ESMTP: plain HELO, no extensions */
		snprintf(cmd, sizeof(cmd), "HELO %s", s->helo);
		if (ask(s, SMTP_STAGE_EHLO, cmd, "HELO") != 0) {
			return -1;
		}
		if (s->chat.reply.code == 250) {
			set_caps(s, 0);
			return 0;
		}
		smtp_session_fail_reply(s, SMTP_STAGE_EHLO, "SMTP HELO %s refused: %s", s->helo, s->srv);
		return -1;
	}
	smtp_session_fail_reply(s, SMTP_STAGE_EHLO, "SMTP EHLO %s refused: %s", s->helo, s->srv);
	return -1;
}

/* ---- TLS ----------------------------------------------------------------------------------- */

/* The TLS context, got before the connection or the STARTTLS command so that the handshake follows
 * at once (loading a CA store takes a while; a server that speaks first must not be kept waiting).
 * NULL with s->chat.err set when it cannot be built. */
static smtp_tls_ctx *tls_context(smtp_session *s, const smtp_config *cfg, smtp_tls_cache *cache)
{
	if (!cache) {
		smtp_io_seterr(&s->chat.err, SMTP_CAUSE_NOMEM, "no TLS context (out of memory)");
		return NULL;
	}
	return smtp_tls_cache_get(cache, cfg->verify_peer, cfg->cafile, &s->chat.err);
}

/* The handshake on the session's connection; st and chat.err tell a failure (nothing recorded). */
static smtp_io_status handshake(smtp_session *s, smtp_tls_ctx *ctx, int resume)
{
	double t0 = smtp_now_precise_ms();
	smtp_io_status st;
	char peer[300];

	s->chat.t_wait = smtp_now_ms();
	snprintf(peer, sizeof(peer), "%s:%d", s->host, s->port);
	st =
	    ctx ? smtp_tls_start_resumable(s->chat.conn, ctx, s->host, resume ? peer : NULL, s->chat.deadline, &s->chat.err)
	        : SMTP_IO_CERT;
	emit_timing(s, SMTP_TIMING_TLS, smtp_now_precise_ms() - t0);
	return st;
}

/* Tells the observer about the TLS session just established. */
static void tls_established(smtp_session *s, const smtp_config *cfg)
{
	smtp_tls_info info;
	smtp_event ev;
	char *subject = smtp_tls_peer_subject(s->chat.conn);

	info.protocol = smtp_tls_protocol(s->chat.conn);
	info.cipher = smtp_tls_cipher(s->chat.conn);
	info.peer_subject = subject;
	info.verified = smtp_tls_verified(s->chat.conn);
	info.verify_asked = cfg->verify_peer;
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_TLS;
	ev.tls = &info;
	smtp_chat_emit(&s->chat, &ev);
	smtp_chat_note(&s->chat, "TLS established: %s, %s, certificate %.300s, %s%s", info.protocol, info.cipher,
	               subject ? subject : "(none)",
	               info.verified ? "verified"
	                             : (cfg->verify_peer ? "not verified" : "not checked (smtp.verify_peer=0)"),
	               smtp_tls_resumed(s->chat.conn) ? ", session resumed" : "");
	free(subject);
}

static int do_handshake(smtp_session *s, const smtp_config *cfg, smtp_tls_ctx *ctx, int resume, const char *what)
{
	smtp_io_status st = handshake(s, ctx, resume);

	if (st != SMTP_IO_OK) {
		s->chat.status = st;
		if (s->enc == SMTP_ENC_SSL && st == SMTP_IO_PROTOCOL) {
			/* Implicit TLS: the server spoke first, in plain text (its 220 greeting arrived before
			 * our ClientHello). That is a plaintext or STARTTLS port, not response injection. */
			snprintf(
			    s->chat.err.text, sizeof(s->chat.err.text),
			    "the server sent plain text before the TLS handshake, so it does not use implicit TLS on this port");
			s->chat.err.cause = SMTP_CAUSE_PLAIN_ON_TLS_PORT;
		}
		smtp_session_fail_io(s, SMTP_STAGE_TLS, what);
		return -1;
	}
	tls_established(s, cfg);
	return 0;
}

static int do_starttls(smtp_session *s, const smtp_config *cfg, smtp_tls_cache *cache, int resume)
{
	smtp_tls_ctx *ctx;

	if (!s->caps.starttls) {
		smtp_session_fail(s, SMTP_STAGE_TLS, SMTP_CAUSE_NO_STARTTLS,
		                  s->enc == SMTP_ENC_TLS
		                      ? "SMTP STARTTLS failed: the server %s does not offer STARTTLS (smtp.encryption=tls "
		                        "requires it)"
		                      : "SMTP STARTTLS failed: the server %s does not offer STARTTLS, which "
		                        "smtp.encryption=auto requires when a username is set",
		                  s->host);
		return -1;
	}
	ctx = tls_context(s, cfg, cache);
	if (!ctx) {
		s->chat.status = SMTP_IO_CERT;
		smtp_session_fail_io(s, SMTP_STAGE_TLS, "STARTTLS");
		return -1;
	}
	if (ask(s, SMTP_STAGE_TLS, "STARTTLS", "STARTTLS") != 0) {
		return -1;
	}
	if (s->chat.reply.code != 220) {
		smtp_session_fail_reply(s, SMTP_STAGE_TLS, "SMTP STARTTLS refused: %s", s->srv);
		return -1;
	}
	if (smtp_chat_pending(&s->chat) > 0) {
		/* Anything after the 220 was sent before TLS and would be taken as the answer to what
		 * we say over TLS (response injection, CVE-2011-0411 and kin). */
		char sentence[300];
		snprintf(sentence, sizeof(sentence),
		         "SMTP STARTTLS failed: the server sent %zu bytes after its 220 reply, before the TLS handshake "
		         "(possible response injection); connection closed",
		         smtp_chat_pending(&s->chat));
		smtp_session_fail(s, SMTP_STAGE_TLS, SMTP_CAUSE_INJECTION, "%s", sentence);
		smtp_chat_note(&s->chat, "%s", sentence);
		smtp_session_break(s);
		return -1;
	}
	if (do_handshake(s, cfg, ctx, resume, "STARTTLS") != 0) {
		return -1;
	}
	/* What the server said before TLS cannot be trusted: ask again. */
	smtp_caps_clear(&s->caps);
	return do_ehlo(s);
}

/* ---- AUTH ---------------------------------------------------------------------------------- */

static int has_user(const smtp_config *cfg)
{
	return cfg->username && cfg->username[0] && cfg->auth != SMTP_AUTH_NONE;
}

/* An access token from cfg's token source (oauth.c); a failure is told at stage oauth with the
 * endpoint's words. */
static int fetch_token(smtp_session *s, const smtp_config *cfg, int force, smtp_buf *tok)
{
	smtp_token_failure f;
	char note[600];
	smtp_event ev;
	smtp_err e;
	int rc = cfg->token_source->token(cfg->token_source->ctx, force, s->chat.deadline, tok, &f, note, sizeof(note));

	if (note[0]) {
		smtp_chat_note(&s->chat, "%s", note);
	}
	if (rc == 0) {
		return 0;
	}
	smtp_err_clear(&e);
	smtp_err_set(&e, SMTP_STAGE_OAUTH, smtp_cause_class(f.cause), f.cause, 0, NULL);
	s->err = e;
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_ERROR;
	ev.err = &e;
	ev.text = f.sentence;
	ev.len = strlen(f.sentence);
	ev.peer_text = f.words[0] ? f.words : NULL;
	smtp_chat_emit(&s->chat, &ev);
	return -1;
}

/* XOAUTH2 with a fetched token: the cached (or a new) one; refused with 535 (after the 334 error
 * challenge, which smtp_auth_run answers with an empty line), a new token from the endpoint and one
 * more AUTH on the same connection. When the server closed the connection after its refusal
 * (Microsoft and Gmail may), the retry cannot go there: oauth_reconnect asks smtp_session_open for
 * one new connection, which uses the refreshed token (cached) and does not refresh again. Exactly one
 * refresh and one retry per open. cause TOKEN: the failure is already told (stage oauth). */
static smtp_auth_outcome xoauth2_with_source(smtp_session *s, const smtp_config *cfg, smtp_cause *cause, char *why,
                                             size_t whylen)
{
	smtp_buf tok;
	smtp_auth_outcome out;
	int retry = 0;

	smtp_buf_init(&tok, SMTP_TOKEN_LIMIT);
	for (;;) {
		if (fetch_token(s, cfg, retry, &tok) != 0) {
			smtp_buf_wipe(&tok);
			*cause = SMTP_CAUSE_TOKEN;
			return SMTP_AUTH_LOCAL_FAILED;
		}
		out = smtp_auth_run(&s->chat, SMTP_AUTH_XOAUTH2, cfg->username, tok.data ? tok.data : "", cause, why, whylen);
		smtp_buf_wipe(&tok);
		if (retry && (out == SMTP_AUTH_IO_FAILED || (out == SMTP_AUTH_REFUSED && s->chat.reply.code == 421))) {
			/* the refusal ended the session: the new token goes on a new connection */
			s->oauth_reconnect = 1;
			return out;
		}
		if (retry || s->oauth_refreshed || out != SMTP_AUTH_REFUSED || s->chat.reply.code != 535) {
			return out;
		}
		smtp_chat_reply_line(&s->chat, s->srv, sizeof(s->srv));
		smtp_chat_note(&s->chat,
		               "the server refused the access token (%.200s): asking the token endpoint for a new "
		               "one and trying AUTH once more",
		               s->srv);
		s->oauth_refreshed = 1;
		retry = 1;
	}
}

static int do_auth(smtp_session *s, const smtp_config *cfg)
{
	double t0 = smtp_now_precise_ms();
	int tls = smtp_tls_active(s->chat.conn);
	int loopback = smtp_host_is_loopback(s->host, smtp_conn_address(s->chat.conn));
	smtp_auth_mech mech;
	smtp_auth_outcome out;
	smtp_cause cause;
	char why[200], what[32];

	if (!tls && !loopback && !cfg->allow_insecure_auth) {
		smtp_session_fail(s, SMTP_STAGE_AUTH, SMTP_CAUSE_INSECURE_AUTH,
		                  "SMTP AUTH not attempted: the connection to %s is not encrypted and the password would "
		                  "cross the network in clear text (set smtp.encryption to tls or ssl, or "
		                  "smtp.allow_insecure_auth=1 for a trusted network)",
		                  s->host);
		return -1;
	}
	if (!s->caps.auth[0]) {
		smtp_session_fail(s, SMTP_STAGE_AUTH, SMTP_CAUSE_NO_AUTH,
		                  "SMTP AUTH failed: the server %s does not offer authentication (no AUTH in its %s reply)",
		                  s->host, s->caps.esmtp ? "EHLO" : "HELO");
		return -1;
	}
	mech = smtp_sasl_choose(cfg->auth, s->caps.auth, tls || loopback);
	if (mech == SMTP_AUTH_NONE) {
		if (cfg->auth == SMTP_AUTH_AUTO) {
			smtp_session_fail(s, SMTP_STAGE_AUTH, SMTP_CAUSE_NO_MECH,
			                  "SMTP AUTH failed: the server offers no mechanism this client supports (it offers "
			                  "%.200s; supported: CRAM-MD5, PLAIN, LOGIN, and XOAUTH2 when smtp.auth=xoauth2)",
			                  s->caps.auth);
		} else {
			smtp_session_fail(s, SMTP_STAGE_AUTH, SMTP_CAUSE_NO_MECH,
			                  "SMTP AUTH failed: the server does not offer %s (smtp.auth); it offers %.200s",
			                  smtp_auth_name(cfg->auth), s->caps.auth);
		}
		return -1;
	}
	smtp_chat_emit_text(&s->chat, SMTP_EV_AUTH, smtp_auth_wire_name(mech));
	smtp_copy_str(s->auth_mech, sizeof(s->auth_mech), smtp_auth_wire_name(mech));
	snprintf(what, sizeof(what), "AUTH %s", smtp_auth_wire_name(mech));
	if (mech == SMTP_AUTH_XOAUTH2 && cfg->token_source) {
		out = xoauth2_with_source(s, cfg, &cause, why, sizeof(why));
		if (out == SMTP_AUTH_LOCAL_FAILED && cause == SMTP_CAUSE_TOKEN) {
			return -1; /* told at stage oauth */
		}
		if (s->oauth_reconnect) {
			smtp_chat_note(&s->chat, "the server closed the connection after refusing the access token: trying "
			                         "the new token on a new connection");
			return -1; /* smtp_session_open connects again */
		}
	} else {
		out = smtp_auth_run(&s->chat, mech, cfg->username, cfg->password, &cause, why, sizeof(why));
	}
	emit_timing(s, SMTP_TIMING_AUTH, smtp_now_precise_ms() - t0);
	switch (out) {
	case SMTP_AUTH_ACCEPTED:
		smtp_chat_reply_line(&s->chat, s->srv, sizeof(s->srv));
		return 0;
	case SMTP_AUTH_REFUSED:
		smtp_chat_reply_line(&s->chat, s->srv, sizeof(s->srv));
		if (s->chat.reply.code == 421) {
			smtp_session_fail_reply(s, SMTP_STAGE_AUTH, "SMTP %s failed, the server is closing the session: %s", what,
			                        s->srv);
			smtp_session_break(s);
			return -1;
		}
		smtp_session_fail_reply(s, SMTP_STAGE_AUTH, "SMTP %s refused: %s", what, s->srv);
		return -1;
	case SMTP_AUTH_IO_FAILED:
		smtp_session_fail_io(s, SMTP_STAGE_AUTH, what);
		return -1;
	default:
		smtp_session_fail(s, SMTP_STAGE_AUTH, cause, "SMTP %s failed: %s", what, why);
		return -1;
	}
}

/* ---- open ---------------------------------------------------------------------------------- */

/* SMTP_EV_HOST (an attempt on a new connection) or SMTP_EV_REUSE (on a kept one). */
static void emit_attempt(smtp_session *s, smtp_event_kind kind)
{
	smtp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.text = s->host;
	ev.len = strlen(s->host);
	ev.num = s->port;
	ev.mode = s->enc;
	ev.flag = s->credentials;
	smtp_chat_emit(&s->chat, &ev);
}

static const char *enc_used_name(const smtp_session *s)
{
	if (s->chat.conn && smtp_tls_active(s->chat.conn)) {
		return s->enc == SMTP_ENC_SSL ? "ssl" : "tls";
	}
	return "none";
}

/* After a failed connect (p->probe_ports): which of 465, 587, 2525 and the port accept a connection
 * on the address the connect tried, all at once, within the time the connect left (SMTP_EV_PORTS). */
static void probe_ports(smtp_session *s, int64_t deadline)
{
	smtp_port_report r;
	smtp_event ev;
	smtp_buf b;
	int64_t until = smtp_now_ms() + SMTP_PORTS_PROBE_MS;
	int i;

	if (!s->chat.err.address[0] || deadline - smtp_now_ms() <= 0) {
		return;
	}
	smtp_port_report_init(&r, s->port);
	smtp_net_probe_ports(s->chat.err.address, &r, until < deadline ? until : deadline);
	smtp_buf_init(&b, 0);
	for (i = 0; i < r.n; i++) {
		smtp_buf_printf(&b, "%s%d %s", i ? ", " : "", r.port[i], smtp_port_state_name(r.state[i]));
	}
	smtp_chat_note(&s->chat, "ports of %s: %s", s->chat.err.address, b.data ? b.data : "");
	smtp_buf_free(&b);
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_PORTS;
	ev.ports = &r;
	smtp_chat_emit(&s->chat, &ev);
}

/* How long smtp.encryption=auto waits for the first byte of a greeting on a port that may be
 * implicit TLS: SMTP_AUTO_GREETING_WAIT_MS, at most a fifth of the timeout. */
static int64_t greeting_wait_ms(const smtp_config *cfg)
{
	int64_t fifth = (cfg->timeout_ms > 0 ? cfg->timeout_ms : 15000) / 5;

	return fifth < SMTP_AUTO_GREETING_WAIT_MS ? fifth : SMTP_AUTO_GREETING_WAIT_MS;
}

/* smtp.encryption=auto, nothing said on the connection within the wait: a second connection tries
 * implicit TLS. 1: TLS is up on it (the session uses it from now on, as ssl); 0: it is not TLS, the
 * session goes on waiting for a greeting on the first connection, which was kept open (a server
 * that greets late); -1: the server speaks TLS but the handshake failed (certificate ...), recorded. */
static int try_implicit_tls(smtp_session *s, const smtp_config *cfg, const smtp_open_params *p, int64_t waited)
{
	smtp_conn *plain = s->chat.conn, *conn = NULL;
	smtp_tls_ctx *ctx;
	smtp_io_status st;
	smtp_io_err e;
	double t0;
	char secs[32], what[320];

	smtp_fmt_secs(waited, secs, sizeof(secs));
	smtp_chat_note(&s->chat,
	               "no greeting within %s s on port %d: trying implicit TLS on a second connection "
	               "(smtp.encryption=auto)",
	               secs, s->port);
	memset(&e, 0, sizeof(e));
	ctx = tls_context(s, cfg, p->tls);
	if (!ctx) {
		s->chat.status = SMTP_IO_CERT;
		snprintf(what, sizeof(what), "TLS connection to %s:%d", s->host, s->port);
		smtp_session_fail_io(s, SMTP_STAGE_TLS, what);
		return -1;
	}
	t0 = smtp_now_precise_ms();
	st = smtp_conn_open(&conn, s->host, s->port, s->chat.deadline, &e);
	emit_timing(s, SMTP_TIMING_CONNECT, smtp_now_precise_ms() - t0);
	if (st != SMTP_IO_OK) {
		smtp_chat_note(&s->chat, "the second connection failed (%s): waiting for a greeting on the first", e.text);
		return 0;
	}
	s->chat.conn = conn;
	st = handshake(s, ctx, p->tls_resume);
	if (st == SMTP_IO_OK) {
		smtp_conn_close(plain);
		s->enc = SMTP_ENC_SSL;
		tls_established(s, cfg);
		smtp_chat_note(&s->chat,
		               "implicit TLS detected on port %d (smtp.encryption=auto): set smtp.encryption=ssl to skip "
		               "the wait",
		               s->port);
		return 1;
	}
	if (st == SMTP_IO_CERT) {
		/* it is TLS; the certificate is the problem */
		smtp_conn_close(plain);
		s->enc = SMTP_ENC_SSL;
		s->chat.status = st;
		snprintf(what, sizeof(what), "TLS connection to %s:%d", s->host, s->port);
		smtp_session_fail_io(s, SMTP_STAGE_TLS, what);
		return -1;
	}
	smtp_chat_note(&s->chat, "no TLS on the second connection (%s): waiting for a greeting on the first",
	               s->chat.err.text);
	smtp_conn_close(conn);
	s->chat.conn = plain;
	memset(&s->chat.err, 0, sizeof(s->chat.err));
	return 0;
}

/* connect, [implicit TLS], greeting */
static int open_host(smtp_session *s, const smtp_config *cfg, const smtp_open_params *p, int64_t deadline)
{
	smtp_io_status st;
	smtp_conn *conn = NULL;
	smtp_tls_ctx *ctx = NULL;
	int64_t connect_by = p->greet_deadline, t_first;
	double t0;
	char what[320];

	s->chat.deadline = p->greet_deadline;
	if (s->enc == SMTP_ENC_SSL) {
		ctx = tls_context(s, cfg, p->tls);
		if (!ctx) {
			snprintf(what, sizeof(what), "TLS connection to %s:%d", s->host, s->port);
			s->chat.status = SMTP_IO_CERT;
			smtp_session_fail_io(s, SMTP_STAGE_TLS, what);
			return -1;
		}
	}
	if (p->probe_ports) {
		/* leave the probe of the ports its time, should the connect run out of it */
		int64_t reserve = (cfg->timeout_ms > 0 ? cfg->timeout_ms : 15000) / 5;
		if (reserve > SMTP_PORTS_PROBE_MS) {
			reserve = SMTP_PORTS_PROBE_MS;
		}
		if (deadline - reserve < connect_by) {
			connect_by = deadline - reserve;
		}
	}
	t0 = smtp_now_precise_ms();
	s->chat.t_wait = smtp_now_ms();
	memset(&s->chat.err, 0, sizeof(s->chat.err));
	st = smtp_conn_open(&conn, s->host, s->port, connect_by, &s->chat.err);
	emit_timing(s, SMTP_TIMING_CONNECT, smtp_now_precise_ms() - t0);
	snprintf(what, sizeof(what), strchr(s->host, ':') ? "connect to [%s]:%d" : "connect to %s:%d", s->host, s->port);
	if (st != SMTP_IO_OK) {
		smtp_cause c = s->chat.err.cause;
		s->chat.status = st;
		if (p->probe_ports && (c == SMTP_CAUSE_REFUSED || c == SMTP_CAUSE_TIMEOUT || c == SMTP_CAUSE_UNREACHABLE)) {
			int64_t t_fail = smtp_now_ms();
			probe_ports(s, deadline);
			s->chat.t_wait += smtp_now_ms() - t_fail; /* the sentence tells the connect's own wait */
		}
		smtp_session_fail_io(s, SMTP_STAGE_CONNECT, what);
		return -1;
	}
	s->chat.conn = conn;
	smtp_chat_emit_text(&s->chat, SMTP_EV_CONNECT, smtp_conn_address(conn));
	smtp_chat_note(&s->chat, "connected to %s port %d (%s)", s->host, s->port, smtp_conn_address(conn));
	s->chat.rt_pending = 1; /* the greeting is one round trip */

	if (s->enc == SMTP_ENC_SSL) {
		snprintf(what, sizeof(what), "TLS connection to %s:%d", s->host, s->port);
		if (do_handshake(s, cfg, ctx, p->tls_resume, what) != 0) {
			return -1;
		}
		s->chat.rt_pending = 1;
	}

	snprintf(what, sizeof(what), "greeting from %s:%d", s->host, s->port);
	t_first = s->chat.t_wait = smtp_now_ms();
	if (s->enc == SMTP_ENC_AUTO && smtp_auto_detects_tls(s->port)) {
		/* Does this port speak first? An implicit-TLS port waits for our ClientHello, silent. */
		int64_t until = t_first + greeting_wait_ms(cfg);
		smtp_io_err e;
		if (until > p->greet_deadline) {
			until = p->greet_deadline;
		}
		if (smtp_conn_wait(conn, POLLIN, until, &e) == SMTP_IO_TIMEOUT && smtp_now_ms() < p->greet_deadline) {
			int rc = try_implicit_tls(s, cfg, p, smtp_now_ms() - t_first);
			if (rc < 0) {
				return -1;
			}
			s->chat.rt_pending = 1;
			s->chat.t_wait = t_first; /* a silence is told with its whole length */
		}
	}
	if (smtp_session_read(s, SMTP_STAGE_GREETING, what) != 0) {
		return -1; /* silence here on a non-TLS connection: the hint suggests implicit TLS */
	}
	if (s->chat.reply.code != 220) {
		if (s->chat.reply.code == 554) {
			smtp_session_fail_reply(s, SMTP_STAGE_GREETING, "SMTP greeting from %s: the server refused the session: %s",
			                        s->host, s->srv);
		} else {
			smtp_session_fail_reply(s, SMTP_STAGE_GREETING, "SMTP greeting from %s: unexpected reply %s", s->host,
			                        s->srv);
		}
		return -1;
	}
	return 0;
}

/* EHLO, [STARTTLS, EHLO], [AUTH] */
static int open_rest(smtp_session *s, const smtp_config *cfg, const smtp_open_params *p)
{
	if (do_ehlo(s) != 0) {
		return -1;
	}
	if (s->enc == SMTP_ENC_TLS
	    || (s->enc == SMTP_ENC_AUTO && (s->caps.starttls || (has_user(cfg) && !cfg->allow_insecure_auth)))) {
		if (do_starttls(s, cfg, p->tls, p->tls_resume) != 0) {
			return -1;
		}
	}
	smtp_chat_emit_text(&s->chat, SMTP_EV_ENCRYPTION, enc_used_name(s));
	if (has_user(cfg) && do_auth(s, cfg) != 0) {
		return -1;
	}
	return 0;
}

/* Drops the connection the server closed and clears what was learnt on it, for a new one. */
static int reconnect_reset(smtp_session *s)
{
	const smtp_observer *obs = s->chat.obs;
	int64_t deadline = s->chat.deadline;
	unsigned long rt = s->chat.round_trips;
	size_t sent = s->chat.sent, received = s->chat.received;

	smtp_chat_free(&s->chat);
	if (smtp_chat_init(&s->chat, NULL) != 0) {
		smtp_session_fail(s, SMTP_STAGE_CONNECT, SMTP_CAUSE_NOMEM, "out of memory");
		return -1;
	}
	s->chat.obs = obs;
	s->chat.deadline = deadline;
	s->chat.round_trips = rt;
	s->chat.sent = sent;
	s->chat.received = received;
	smtp_caps_clear(&s->caps);
	smtp_strlist_free(&s->caps_lines);
	smtp_strlist_init(&s->caps_lines);
	smtp_err_clear(&s->err);
	s->auth_mech[0] = '\0';
	return 0;
}

smtp_session *smtp_session_open(const smtp_config *cfg, const smtp_host_entry *host, const smtp_open_params *p,
                                int64_t deadline, const smtp_observer *obs, smtp_err *err)
{
	smtp_session *s = calloc(1, sizeof(*s));
	smtp_open_params again;

	if (err) {
		smtp_err_clear(err);
	}
	if (!s || smtp_chat_init(&s->chat, NULL) != 0) {
		free(s);
		if (err) {
			smtp_err_set(err, SMTP_STAGE_CONNECT, SMTP_ERR_LOCAL, SMTP_CAUSE_NOMEM, 0, NULL);
		}
		return NULL;
	}
	s->state = SMTP_S_CLOSED;
	s->pid = (long)getpid();
	s->credentials = has_user(cfg);
	smtp_strlist_init(&s->caps_lines);
	smtp_err_clear(&s->err);
	smtp_session_begin(s, deadline, obs);
	smtp_copy_str(s->host, sizeof(s->host), host->host);
	s->port = host->port ? host->port : cfg->port ? cfg->port : (cfg->encryption == SMTP_ENC_SSL ? 465 : 587);
	s->enc = cfg->encryption;
	if (s->enc == SMTP_ENC_AUTO && s->port == 465) {
		s->enc = SMTP_ENC_SSL;
	}
	smtp_copy_str(s->helo, sizeof(s->helo), p->helo ? p->helo : "");
	again = *p;

	for (;;) {
		emit_attempt(s, SMTP_EV_HOST);
		if (open_host(s, cfg, p, deadline) == 0) {
			s->chat.deadline = deadline;
			if (!s->helo[0]) {
				/* No fully qualified name for this machine: RFC 5321 4.1.4 wants an address literal
				 * then (servers with reject_non_fqdn_helo_hostname refuse a bare "vm" or "localhost"). */
				if (smtp_conn_local_literal(s->chat.conn, s->helo, sizeof(s->helo)) != 0) {
					smtp_copy_str(s->helo, sizeof(s->helo), "localhost");
				}
			}
			if (open_rest(s, cfg, p) == 0) {
				s->state = SMTP_S_READY;
				s->opened_at = s->last_used = smtp_now_ms();
				smtp_session_end(s);
				return s;
			}
		}
		if (!s->oauth_reconnect) {
			break;
		}
		/* once: the token refreshed after the server's refusal, on a new connection (oauth_refreshed
		 * stays set, so a refusal there is final) */
		s->oauth_reconnect = 0;
		if (reconnect_reset(s) != 0) {
			break;
		}
		p = &again;
		again.greet_deadline = deadline;
	}
	if (err) {
		*err = s->err;
	}
	s->chat.deadline = deadline;
	smtp_session_quit(s, deadline, obs);
	smtp_session_free(s);
	return NULL;
}

/* ---- reset and quit ------------------------------------------------------------------------ */

int smtp_session_reset(smtp_session *s, int64_t deadline, const smtp_observer *obs)
{
	int rc = -1;

	if (!s || !s->chat.conn || s->state != SMTP_S_READY) {
		return -1;
	}
	smtp_session_begin(s, deadline, obs);
	if (smtp_chat_put_command(&s->chat, "RSET", NULL) == 0 && smtp_chat_read_reply(&s->chat) == 0) {
		if (s->chat.reply.code == 250) {
			rc = 0;
		} else {
			smtp_chat_note(&s->chat, "RSET refused; closing the connection");
			smtp_session_quit(s, deadline, obs);
			s->state = SMTP_S_BROKEN;
		}
	} else {
		/* the first error stands: the connection is gone */
		smtp_session_break(s);
	}
	smtp_session_end(s);
	return rc;
}

void smtp_session_quit(smtp_session *s, int64_t deadline, const smtp_observer *obs)
{
	if (!s) {
		return;
	}
	s->chat.obs = obs;
	s->chat.deadline = deadline;
	if (s->chat.conn && s->state != SMTP_S_BROKEN && smtp_now_ms() < deadline) {
		if (smtp_chat_put_command(&s->chat, "QUIT", NULL) == 0) {
			smtp_chat_read_reply(&s->chat); /* best effort, never an error */
		}
	}
	smtp_conn_close(s->chat.conn);
	s->chat.conn = NULL;
	if (s->state != SMTP_S_BROKEN) {
		s->state = SMTP_S_CLOSED;
	}
	s->chat.obs = NULL;
}

void smtp_session_free(smtp_session *s)
{
	if (!s) {
		return;
	}
	smtp_chat_free(&s->chat);
	smtp_strlist_free(&s->caps_lines);
	free(s);
}

void smtp_session_abandon(smtp_session *s)
{
	if (!s) {
		return;
	}
	smtp_conn_abandon(s->chat.conn);
	s->chat.conn = NULL;
	smtp_session_free(s);
}

/* ---- reuse (pool.c) ------------------------------------------------------------------------ */

int64_t smtp_session_opened_at(const smtp_session *s)
{
	return s->opened_at;
}

int64_t smtp_session_last_used(const smtp_session *s)
{
	return s->last_used;
}

long smtp_session_pid(const smtp_session *s)
{
	return s->pid;
}

int smtp_session_idle_ok(smtp_session *s)
{
	/* An idle connection has nothing to say: a byte waiting is a 421 the server sent before closing,
	 * or its EOF, or a reset. Either way it cannot be used (and costs no round trip to find out). */
	return s && s->state == SMTP_S_READY && s->chat.conn && smtp_chat_pending(&s->chat) == 0
	       && !smtp_conn_readable_now(s->chat.conn);
}

void smtp_session_replay(smtp_session *s, const smtp_observer *obs)
{
	smtp_event ev;
	smtp_reply caps;
	smtp_tls_info info;
	char *subject = NULL;
	size_t i;

	s->chat.obs = obs;
	emit_attempt(s, SMTP_EV_REUSE);
	smtp_chat_emit_text(&s->chat, SMTP_EV_CONNECT, smtp_conn_address(s->chat.conn));
	smtp_chat_note(&s->chat, "reusing the connection to %s port %d (%s), message %d on it, idle %lld ms", s->host,
	               s->port, smtp_conn_address(s->chat.conn), s->messages + 1,
	               (long long)(smtp_now_ms() - s->last_used));
	if (smtp_tls_active(s->chat.conn)) {
		subject = smtp_tls_peer_subject(s->chat.conn);
		info.protocol = smtp_tls_protocol(s->chat.conn);
		info.cipher = smtp_tls_cipher(s->chat.conn);
		info.peer_subject = subject;
		info.verified = smtp_tls_verified(s->chat.conn);
		info.verify_asked = info.verified;
		memset(&ev, 0, sizeof(ev));
		ev.kind = SMTP_EV_TLS;
		ev.tls = &info;
		smtp_chat_emit(&s->chat, &ev);
		free(subject);
	}
	smtp_chat_emit_text(&s->chat, SMTP_EV_ENCRYPTION, enc_used_name(s));
	smtp_reply_init(&caps);
	caps.code = 250;
	for (i = 0; i < s->caps_lines.count; i++) {
		smtp_strlist_add(&caps.lines, s->caps_lines.items[i], strlen(s->caps_lines.items[i]));
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_CAPS;
	ev.reply = s->caps.esmtp ? &caps : NULL;
	smtp_chat_emit(&s->chat, &ev);
	smtp_reply_free(&caps);
	if (s->auth_mech[0]) {
		smtp_chat_emit_text(&s->chat, SMTP_EV_AUTH, s->auth_mech);
	}
	s->chat.obs = NULL;
}
