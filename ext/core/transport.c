/* The old connection API over net.c and tls.c (see transport.h): a net.h connection, a private TLS
 * context cache (one context per connection, built at STARTTLS, as before the split), and the
 * input buffer that replies are parsed from. Pure C. */
#define SMTP_TRANSPORT_IMPL
#include "transport.h"
#include "tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One reply at its largest plus the start of the next: anything longer is refused by the parser
 * before the buffer fills up. */
#define CONN_INBUF (SMTP_REPLY_MAX_BYTES + SMTP_REPLY_MAX_LINE + 1)

struct smtp_tp_conn {
	smtp_conn *net;
	smtp_tls_cache *tls; /* built at the first STARTTLS */
	char *in;            /* received, not yet consumed */
	size_t in_len;
	smtp_buf last_raw; /* the bytes of the last reply returned */
	smtp_cause cause;  /* of the last failure */
};

/* Copies e's sentence into the caller's buffer. */
static void put_err(const smtp_io_err *e, char *err, size_t errlen)
{
	if (err && errlen > 0) {
		smtp_copy_str(err, errlen, e->text);
	}
}

static smtp_io_status fail(smtp_tp_conn *c, smtp_io_status st, smtp_cause cause, const char *text, char *err,
                           size_t errlen)
{
	if (c) {
		c->cause = cause;
	}
	if (err && errlen > 0) {
		smtp_copy_str(err, errlen, text);
	}
	return st;
}

smtp_io_status smtp_tp_open(smtp_tp_conn **out, const char *host, int port, int64_t deadline, char *err, size_t errlen)
{
	smtp_io_err e;
	smtp_io_status st;
	smtp_tp_conn *c;
	smtp_conn *net = NULL;

	*out = NULL;
	memset(&e, 0, sizeof(e));
	st = smtp_conn_open(&net, host, port, deadline, &e);
	if (st != SMTP_IO_OK) {
		put_err(&e, err, errlen);
		/* A resolver that did not answer: for the session a name that cannot be resolved (its
		 * sentence and hint say so), as getaddrinfo()'s EAI_AGAIN was before. */
		if (st == SMTP_IO_TIMEOUT && strncmp(e.text, "cannot resolve ", 15) == 0) {
			return SMTP_IO_RESOLVE;
		}
		return st;
	}
	c = calloc(1, sizeof(*c));
	if (c) {
		c->in = malloc(CONN_INBUF);
	}
	if (!c || !c->in) {
		free(c);
		smtp_conn_close(net);
		return fail(NULL, SMTP_IO_ERROR, SMTP_CAUSE_NOMEM, "out of memory", err, errlen);
	}
	c->net = net;
	smtp_buf_init(&c->last_raw, 0);
	*out = c;
	return SMTP_IO_OK;
}

smtp_io_status smtp_tp_start_tls(smtp_tp_conn *c, const char *host, int verify, const char *cafile, int64_t deadline,
                                 char *err, size_t errlen)
{
	smtp_io_err e;
	smtp_tls_ctx *ctx;
	smtp_io_status st;

	if (!c || !c->net) {
		return fail(c, SMTP_IO_ERROR, SMTP_CAUSE_NOT_OPEN, "not connected", err, errlen);
	}
	if (smtp_tls_active(c->net)) {
		return fail(c, SMTP_IO_ERROR, SMTP_CAUSE_TLS_HANDSHAKE, "TLS is already active", err, errlen);
	}
	if (c->in_len > 0) {
		/* Bytes received in plain text would be read as if they came over TLS. */
		char text[160];
		snprintf(text, sizeof(text),
		         "the server sent %zu unexpected bytes before the TLS handshake "
		         "(possible response injection)",
		         c->in_len);
		return fail(c, SMTP_IO_PROTOCOL, SMTP_CAUSE_INJECTION, text, err, errlen);
	}
	memset(&e, 0, sizeof(e));
	if (!c->tls && !(c->tls = smtp_tls_cache_new())) {
		return fail(c, SMTP_IO_ERROR, SMTP_CAUSE_NOMEM, "out of memory", err, errlen);
	}
	ctx = smtp_tls_cache_get(c->tls, verify, cafile, &e);
	if (!ctx) {
		c->cause = e.cause;
		put_err(&e, err, errlen);
		return (e.cause == SMTP_CAUSE_CAFILE || e.cause == SMTP_CAUSE_CA_STORE) ? SMTP_IO_CERT : SMTP_IO_ERROR;
	}
	st = smtp_tls_start(c->net, ctx, host, deadline, &e);
	if (st != SMTP_IO_OK) {
		c->cause = e.cause;
		put_err(&e, err, errlen);
	}
	return st;
}

smtp_io_status smtp_tp_write(smtp_tp_conn *c, const void *data, size_t len, int64_t deadline, char *err, size_t errlen)
{
	smtp_io_err e;
	smtp_io_status st;

	if (!c || !c->net) {
		return fail(c, SMTP_IO_ERROR, SMTP_CAUSE_NOT_OPEN, "not connected", err, errlen);
	}
	memset(&e, 0, sizeof(e));
	st = smtp_conn_write(c->net, data, len, deadline, &e);
	if (st != SMTP_IO_OK) {
		c->cause = e.cause;
		put_err(&e, err, errlen);
	}
	return st;
}

/* Reads what is available (waiting for at least one byte) into the input buffer. */
static smtp_io_status fill(smtp_tp_conn *c, int64_t deadline, char *err, size_t errlen)
{
	size_t space = CONN_INBUF - c->in_len, got = 0;
	smtp_io_err e;
	smtp_io_status st;

	if (space == 0) {
		char text[96];
		snprintf(text, sizeof(text), "the server's reply is longer than %d bytes", SMTP_REPLY_MAX_BYTES);
		return fail(c, SMTP_IO_PROTOCOL, SMTP_CAUSE_MALFORMED, text, err, errlen);
	}
	memset(&e, 0, sizeof(e));
	st = smtp_conn_read(c->net, c->in + c->in_len, space, &got, deadline, &e);
	if (st == SMTP_IO_OK) {
		c->in_len += got;
		return st;
	}
	c->cause = e.cause;
	if (st != SMTP_IO_TIMEOUT) { /* the caller words a timeout */
		put_err(&e, err, errlen);
	}
	return st;
}

smtp_io_status smtp_tp_read_reply(smtp_tp_conn *c, smtp_reply *r, int64_t deadline, char *err, size_t errlen)
{
	if (!c || !c->net) {
		return fail(c, SMTP_IO_ERROR, SMTP_CAUSE_NOT_OPEN, "not connected", err, errlen);
	}
	for (;;) {
		smtp_io_status st;

		if (c->in_len > 0) {
			size_t consumed = 0;
			char perr[160] = "";
			int rc = smtp_reply_parse(c->in, c->in_len, &consumed, r, perr, sizeof(perr));
			if (rc == 1) {
				if (consumed > c->in_len) {
					consumed = c->in_len;
				}
				smtp_buf_reset(&c->last_raw);
				smtp_buf_append(&c->last_raw, c->in, consumed);
				memmove(c->in, c->in + consumed, c->in_len - consumed);
				c->in_len -= consumed;
				return SMTP_IO_OK;
			}
			if (rc < 0) {
				return fail(c, SMTP_IO_PROTOCOL, SMTP_CAUSE_MALFORMED, perr[0] ? perr : "malformed reply", err, errlen);
			}
		}
		st = fill(c, deadline, err, errlen);
		if (st == SMTP_IO_TIMEOUT) {
			fail(c, st, c->in_len ? SMTP_CAUSE_TIMEOUT : SMTP_CAUSE_SILENT,
			     c->in_len ? "timed out in the middle of a reply" : "timed out waiting for a reply", err, errlen);
		} else if (st == SMTP_IO_CLOSED && c->in_len > 0) {
			fail(c, st, SMTP_CAUSE_CLOSED, "the server closed the connection in the middle of a reply", err, errlen);
		}
		if (st != SMTP_IO_OK) {
			return st;
		}
	}
}

size_t smtp_tp_pending(const smtp_tp_conn *c)
{
	return c ? c->in_len : 0;
}

const char *smtp_tp_last_reply_raw(const smtp_tp_conn *c, size_t *len)
{
	if (!c || !c->last_raw.data) {
		*len = 0;
		return "";
	}
	*len = c->last_raw.len;
	return c->last_raw.data;
}

smtp_cause smtp_tp_last_cause(const smtp_tp_conn *c)
{
	return c ? c->cause : SMTP_CAUSE_NONE;
}

const char *smtp_tp_address(const smtp_tp_conn *c)
{
	return c ? smtp_conn_address(c->net) : "";
}

int smtp_tp_local_literal(const smtp_tp_conn *c, char *out, size_t outlen)
{
	return c ? smtp_conn_local_literal(c->net, out, outlen) : -1;
}

int smtp_tp_is_tls(const smtp_tp_conn *c)
{
	return c && smtp_tls_active(c->net);
}

const char *smtp_tp_tls_protocol(const smtp_tp_conn *c)
{
	return c ? smtp_tls_protocol(c->net) : "";
}

const char *smtp_tp_tls_cipher(const smtp_tp_conn *c)
{
	return c ? smtp_tls_cipher(c->net) : "";
}

char *smtp_tp_tls_peer_subject(const smtp_tp_conn *c)
{
	return c ? smtp_tls_peer_subject(c->net) : NULL;
}

int smtp_tp_tls_verified(const smtp_tp_conn *c)
{
	return c && smtp_tls_verified(c->net);
}

void smtp_tp_close(smtp_tp_conn *c)
{
	if (!c) {
		return;
	}
	smtp_conn_close(c->net); /* TLS close_notify first, then the socket */
	smtp_tls_cache_free(c->tls);
	free(c->in);
	smtp_buf_free(&c->last_raw);
	free(c);
}
