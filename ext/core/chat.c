/* The command/reply exchange. Pure C. */
#include "chat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One reply at its largest plus the start of the next: anything longer is refused by the parser
 * before the buffer fills up. */
#define CHAT_INBUF (SMTP_REPLY_MAX_BYTES + SMTP_REPLY_MAX_LINE + 1)

static int chat_write(void *ctx, const char *p, size_t n)
{
	smtp_chat *ch = ctx;
	smtp_io_status st;

	if (!ch->conn) {
		ch->status = SMTP_IO_ERROR;
		ch->err.cause = SMTP_CAUSE_NOT_OPEN;
		snprintf(ch->err.text, sizeof(ch->err.text), "not connected");
		return -1;
	}
	st = smtp_conn_write(ch->conn, p, n, ch->deadline, &ch->err);
	if (st != SMTP_IO_OK) {
		ch->status = st;
		return -1;
	}
	ch->sent += n;
	ch->rt_pending = 1;
	return 0;
}

int smtp_chat_init(smtp_chat *ch, smtp_conn *conn)
{
	memset(ch, 0, sizeof(*ch));
	ch->conn = conn;
	smtp_reply_init(&ch->reply);
	ch->in = malloc(CHAT_INBUF);
	if (!ch->in || smtp_wbuf_init(&ch->out, chat_write, ch) != 0) {
		free(ch->in);
		ch->in = NULL;
		return -1;
	}
	return 0;
}

void smtp_chat_free(smtp_chat *ch)
{
	smtp_conn_close(ch->conn);
	ch->conn = NULL;
	if (ch->out.buf) {
		smtp_memzero(ch->out.buf, SMTP_WBUF_SIZE);
	}
	smtp_wbuf_free(&ch->out);
	free(ch->in);
	ch->in = NULL;
	smtp_reply_free(&ch->reply);
}

void smtp_chat_emit(smtp_chat *ch, const smtp_event *ev)
{
	smtp_observe(ch->obs, ev);
}

void smtp_chat_emit_text(smtp_chat *ch, smtp_event_kind kind, const char *text)
{
	smtp_observe_text(ch->obs, kind, NULL, text);
}

void smtp_chat_note(smtp_chat *ch, const char *fmt, ...)
{
	char buf[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	smtp_chat_emit_text(ch, SMTP_EV_NOTE, buf);
}

static void fail_local(smtp_chat *ch, smtp_cause cause, const char *what)
{
	ch->status = SMTP_IO_ERROR;
	ch->err.cause = cause;
	snprintf(ch->err.text, sizeof(ch->err.text), "%s", what);
}

int smtp_chat_put_command(smtp_chat *ch, const char *line, const char *logtext)
{
	size_t n = strlen(line);

	smtp_chat_emit_text(ch, SMTP_EV_COMMAND, logtext ? logtext : line);
	if (ch->out.failed) {
		return -1;
	}
	if (smtp_wbuf_put(&ch->out, line, n) != 0 || smtp_wbuf_put(&ch->out, "\r\n", 2) != 0) {
		return -1;
	}
	return 0;
}

int smtp_chat_put_secret(smtp_chat *ch, const char *prefix, const char *payload, size_t len, const char *logtext)
{
	size_t pl = strlen(prefix);
	int rc;

	if (smtp_chat_flush(ch) != 0) {
		return -1;
	}
	if (pl + len + 2 > SMTP_WBUF_SIZE) {
		fail_local(ch, SMTP_CAUSE_INPUT, "the user name or secret is too long");
		return -1;
	}
	smtp_chat_emit_text(ch, SMTP_EV_COMMAND, logtext);
	/* The buffer is empty now: the whole line fits, is written at once, and is wiped after. */
	rc = smtp_wbuf_put(&ch->out, prefix, pl) == 0 && smtp_wbuf_put(&ch->out, payload, len) == 0
	             && smtp_wbuf_put(&ch->out, "\r\n", 2) == 0 && smtp_wbuf_flush(&ch->out) == 0
	         ? 0
	         : -1;
	smtp_memzero(ch->out.buf, SMTP_WBUF_SIZE);
	return rc;
}

int smtp_chat_flush(smtp_chat *ch)
{
	if (ch->out.failed) {
		return -1;
	}
	if (ch->out.len == 0) {
		return 0;
	}
	ch->t_wait = smtp_now_ms();
	return smtp_wbuf_flush(&ch->out);
}

/* The raw bytes of the reply just parsed go to the transcript, one line each. */
static void emit_reply(smtp_chat *ch, size_t consumed, int round_trip)
{
	smtp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_REPLY;
	ev.text = ch->in;
	ev.len = consumed;
	ev.reply = &ch->reply;
	ev.flag = round_trip;
	smtp_chat_emit(ch, &ev);
}

int smtp_chat_read_reply(smtp_chat *ch)
{
	int round_trip;

	if (smtp_chat_flush(ch) != 0) {
		return -1;
	}
	if (!ch->conn) {
		fail_local(ch, SMTP_CAUSE_NOT_OPEN, "not connected");
		return -1;
	}
	if (!ch->rt_pending) {
		ch->t_wait = smtp_now_ms();
	}
	round_trip = ch->rt_pending;
	ch->got_bytes = ch->in_len > 0;
	for (;;) {
		smtp_io_status st;
		size_t got = 0;

		if (ch->in_len > 0) {
			size_t consumed = 0;
			char perr[160] = "";
			int rc = smtp_reply_parse(ch->in, ch->in_len, &consumed, &ch->reply, perr, sizeof(perr));
			if (rc == 1) {
				if (consumed > ch->in_len) {
					consumed = ch->in_len;
				}
				ch->rt_pending = 0;
				ch->round_trips += (unsigned long)round_trip;
				emit_reply(ch, consumed, round_trip);
				memmove(ch->in, ch->in + consumed, ch->in_len - consumed);
				ch->in_len -= consumed;
				return 0;
			}
			if (rc < 0) {
				size_t n = strlen(perr);
				if (n > 0 && perr[n - 1] == '.') {
					perr[n - 1] = '\0';
				}
				ch->status = SMTP_IO_PROTOCOL;
				ch->err.cause = SMTP_CAUSE_MALFORMED;
				snprintf(ch->err.text, sizeof(ch->err.text), "%s", perr[0] ? perr : "malformed reply");
				return -1;
			}
		}
		if (ch->in_len >= CHAT_INBUF) {
			ch->status = SMTP_IO_PROTOCOL;
			ch->err.cause = SMTP_CAUSE_MALFORMED;
			snprintf(ch->err.text, sizeof(ch->err.text), "the server's reply is longer than %d bytes",
			         SMTP_REPLY_MAX_BYTES);
			return -1;
		}
		st = smtp_conn_read(ch->conn, ch->in + ch->in_len, CHAT_INBUF - ch->in_len, &got, ch->deadline, &ch->err);
		if (st != SMTP_IO_OK) {
			ch->status = st;
			if (st == SMTP_IO_TIMEOUT) {
				ch->err.cause = ch->got_bytes ? SMTP_CAUSE_TIMEOUT : SMTP_CAUSE_SILENT;
				snprintf(ch->err.text, sizeof(ch->err.text), "%s",
				         ch->in_len ? "timed out in the middle of a reply" : "timed out waiting for a reply");
			} else if (st == SMTP_IO_CLOSED && ch->in_len > 0) {
				snprintf(ch->err.text, sizeof(ch->err.text),
				         "the server closed the connection in the middle of a reply");
			}
			return -1;
		}
		ch->in_len += got;
		ch->received += got;
		ch->got_bytes = 1;
	}
}

size_t smtp_chat_pending(const smtp_chat *ch)
{
	return ch->in_len;
}

void smtp_chat_reply_line(const smtp_chat *ch, char *out, size_t outlen)
{
	smtp_reply_format(&ch->reply, out, outlen);
}
