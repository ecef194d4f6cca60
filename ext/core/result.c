/* The outcome of one submission or check. Pure C. */
#include "result.h"
#include "hint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void smtp_result_init(smtp_result *r)
{
	memset(r, 0, sizeof(*r));
	r->stage = SMTP_STAGE_CONNECT;
	smtp_err_clear(&r->err);
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
	free(r->probe.from);
	free(r->probe.rcpt);
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

/* ---- failures ----------------------------------------------------------------------------- */

static void set_hint(smtp_result *r)
{
	char hint[1024];
	smtp_hint_facts f;

	if (r->hint) {
		return;
	}
	f.host = r->host;
	f.port = r->port;
	f.mode = r->mode;
	f.credentials = r->credentials;
	f.tls_active = r->tls_active;
	f.starttls_offered = r->starttls_offered;
	f.auth_mech = r->auth_mech;
	f.ports = r->ports.n ? &r->ports : NULL;
	smtp_hint(&r->err, r->message, &f, hint, sizeof(hint));
	if (hint[0]) {
		r->hint = smtp_strdup(hint);
	}
}

static void record(smtp_result *r, const smtp_err *e, const char *server_text, const char *fmt, va_list ap)
{
	smtp_buf b;

	if (r->error) {
		return; /* the first failure is the one that explains the others */
	}
	r->ok = 0;
	r->err = *e;
	r->stage = e->stage;
	r->code = e->code;
	copy_enhanced(r->enhanced, e->enhanced);
	free(r->message);
	r->message = server_text ? smtp_strdup(server_text) : NULL;

	smtp_buf_init(&b, 4096);
	if (smtp_buf_vprintf(&b, fmt, ap) != 0) {
		smtp_buf_reset(&b);
		smtp_buf_puts(&b, "SMTP error (the description did not fit)");
	}
	r->error = smtp_buf_detach(&b, NULL);
	set_hint(r);
}

void smtp_result_fail(smtp_result *r, const smtp_err *e, const char *server_text, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(r, e, server_text, fmt, ap);
	va_end(ap);
}

void smtp_result_set_error(smtp_result *r, smtp_stage stage, smtp_cause cause, const char *fmt, ...)
{
	smtp_err e;
	va_list ap;

	smtp_err_clear(&e);
	smtp_err_set(&e, stage, smtp_cause_class(cause), cause, 0, NULL);
	va_start(ap, fmt);
	record(r, &e, NULL, fmt, ap);
	va_end(ap);
}

/* Forgets what the previous host's attempt left (failover): the next host's story starts clean. */
static void reset_attempt(smtp_result *r)
{
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
	r->starttls_offered = 0;
	memset(&r->ports, 0, sizeof(r->ports));
	smtp_err_clear(&r->err);
	smtp_strlist_free(&r->capabilities);
	smtp_strlist_init(&r->capabilities);
}

/* The reply's text with its lines joined by a space (res->message, per recipient). */
static char *reply_oneline(const smtp_reply *rep)
{
	char *t = smtp_reply_text(rep);
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

/* The raw bytes of a reply, one transcript line per line. */
static void log_raw(smtp_result *r, const char *raw, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (raw[i] == '\n') {
			smtp_result_log(r, 'S', raw + start, i - start);
			start = i + 1;
		}
	}
	if (start < len) {
		smtp_result_log(r, 'S', raw + start, len - start);
	}
}

static void on_event(void *ctx, const smtp_event *ev)
{
	smtp_result *r = ctx;
	size_t i;

	switch (ev->kind) {
	case SMTP_EV_HOST:
	case SMTP_EV_REUSE:
		reset_attempt(r);
		smtp_copy_str(r->host, sizeof(r->host), ev->text);
		r->port = ev->num;
		r->mode = ev->mode;
		r->credentials = ev->flag;
		snprintf(r->encryption, sizeof(r->encryption), "none");
		break;
	case SMTP_EV_CONNECT:
		smtp_copy_str(r->address, sizeof(r->address), ev->text);
		break;
	case SMTP_EV_TLS:
		r->tls_active = 1;
		smtp_copy_str(r->tls_protocol, sizeof(r->tls_protocol), ev->tls->protocol);
		smtp_copy_str(r->tls_cipher, sizeof(r->tls_cipher), ev->tls->cipher);
		r->tls_verified = ev->tls->verified;
		free(r->tls_peer_subject);
		r->tls_peer_subject = ev->tls->peer_subject ? smtp_strdup(ev->tls->peer_subject) : NULL;
		break;
	case SMTP_EV_ENCRYPTION:
		smtp_copy_str(r->encryption, sizeof(r->encryption), ev->text);
		break;
	case SMTP_EV_CAPS:
		smtp_strlist_free(&r->capabilities);
		smtp_strlist_init(&r->capabilities);
		r->starttls_offered = 0;
		if (ev->reply) {
			for (i = 1; i < ev->reply->lines.count; i++) {
				const char *l = ev->reply->lines.items[i];
				smtp_strlist_add(&r->capabilities, l, strlen(l));
				if (strncasecmp(l, "STARTTLS", 8) == 0 && (l[8] == '\0' || l[8] == ' ')) {
					r->starttls_offered = 1;
				}
			}
		}
		break;
	case SMTP_EV_AUTH:
		smtp_copy_str(r->auth_mech, sizeof(r->auth_mech), ev->text);
		break;
	case SMTP_EV_COMMAND:
		smtp_result_log(r, 'C', ev->text, ev->len);
		break;
	case SMTP_EV_REPLY:
		log_raw(r, ev->text, ev->len);
		if (ev->flag) {
			r->round_trips++;
		}
		break;
	case SMTP_EV_NOTE:
		smtp_result_log(r, '*', ev->text, ev->len);
		break;
	case SMTP_EV_RCPT: {
		char *text = ev->reply ? reply_oneline(ev->reply) : NULL;
		smtp_result_add_rcpt(r, ev->text, ev->reply ? ev->reply->code : 0, ev->reply ? ev->reply->enhanced : "", text);
		free(text);
		break;
	}
	case SMTP_EV_ERROR: {
		char *text = ev->reply ? reply_oneline(ev->reply) : ev->peer_text ? smtp_strdup(ev->peer_text) : NULL;
		smtp_result_fail(r, ev->err, text, "%s", ev->text ? ev->text : "SMTP failure");
		free(text);
		break;
	}
	case SMTP_EV_ALSO_FAILED:
		if (r->error && ev->text && ev->text[0]) {
			smtp_buf b;
			smtp_buf_init(&b, 0);
			if (smtp_buf_printf(&b, "%s (also failed: %s)", r->error, ev->text) == 0) {
				free(r->error);
				r->error = smtp_buf_detach(&b, NULL);
			} else {
				smtp_buf_free(&b);
			}
		}
		break;
	case SMTP_EV_TIMING:
		switch (ev->num) {
		case SMTP_TIMING_CONNECT:
			r->t_connect += ev->ms;
			break;
		case SMTP_TIMING_TLS:
			r->t_tls += ev->ms;
			break;
		case SMTP_TIMING_AUTH:
			r->t_auth += ev->ms;
			break;
		case SMTP_TIMING_TOTAL:
			r->t_total = ev->ms;
			break;
		default:
			r->t_send += ev->ms;
			break;
		}
		break;
	case SMTP_EV_PORTS:
		if (ev->ports) {
			r->ports = *ev->ports;
		}
		break;
	case SMTP_EV_PROBE:
		if (ev->num == SMTP_STAGE_MAIL) {
			r->probe.mail_code = ev->reply ? ev->reply->code : 0;
		} else {
			r->probe.rcpt_code = ev->reply ? ev->reply->code : 0;
		}
		break;
	case SMTP_EV_DONE: {
		r->ok = 1;
		r->stage = SMTP_STAGE_DONE;
		smtp_err_clear(&r->err);
		r->err.stage = SMTP_STAGE_DONE;
		if (ev->reply) {
			r->code = ev->reply->code;
			copy_enhanced(r->enhanced, ev->reply->enhanced);
			free(r->message);
			r->message = reply_oneline(ev->reply);
		}
	} break;
	}
}

void smtp_result_observer(smtp_result *r, smtp_observer *out)
{
	out->on_event = on_event;
	out->ctx = r;
}

int smtp_result_add_rcpt(smtp_result *r, const char *address, int code, const char *enhanced, const char *text)
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
	need = len + 4; /* "C: " + text + "\n" */
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
