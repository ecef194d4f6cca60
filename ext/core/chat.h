/* The command/reply exchange over one connection (RFC 5321 4.2, RFC 2920): commands are put into
 * the wire buffer (one fixed 64 KiB buffer, so a pipelined group leaves in one write), replies are
 * read from a bounded input buffer and parsed (reply.c), and both are told to the call's observer
 * (the transcript). Knows bytes and replies, not what they mean. Pure C. */
#ifndef SMTP_CORE_CHAT_H
#define SMTP_CORE_CHAT_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "event.h"
#include "net.h"
#include "reply.h"
#include "wbuf.h"

typedef struct {
	smtp_conn *conn;
	char *in; /* received, not yet consumed (one reply at its largest, and a bit) */
	size_t in_len;
	smtp_wbuf out;
	smtp_reply reply;          /* the last reply read */
	const smtp_observer *obs;  /* of the current call, or NULL */
	int64_t deadline;          /* of the current step */
	int64_t t_wait;            /* when the current wait began ("timed out after N s") */
	int rt_pending;            /* written since the last reply: the next one costs a round trip */
	smtp_io_status status;     /* of the last failed call */
	smtp_io_err err;           /* its cause and sentence */
	size_t sent;               /* bytes written in all */
	size_t received;           /* bytes read in all */
	unsigned long round_trips; /* replies waited for, in all */
	int got_bytes;             /* the last wait received some bytes (a timeout after none is SILENT) */
} smtp_chat;

/* 0, or -1 when out of memory. The chat owns conn from then on (smtp_chat_free closes it). */
int smtp_chat_init(smtp_chat *ch, smtp_conn *conn);
void smtp_chat_free(smtp_chat *ch);

/* Emits an event to the call's observer (no-op without one). */
void smtp_chat_emit(smtp_chat *ch, const smtp_event *ev);
/* An event that carries only a text (SMTP_EV_NOTE, SMTP_EV_CONNECT ...). */
void smtp_chat_emit_text(smtp_chat *ch, smtp_event_kind kind, const char *text);
void smtp_chat_note(smtp_chat *ch, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Puts "line\r\n" into the wire buffer (written when full or at the next read); the transcript shows
 * logtext (or the line). 0, or -1 (status/err set). */
int smtp_chat_put_command(smtp_chat *ch, const char *line, const char *logtext);
/* prefix + payload + CRLF written at once and wiped from every buffer; the transcript shows logtext. */
int smtp_chat_put_secret(smtp_chat *ch, const char *prefix, const char *payload, size_t len, const char *logtext);
/* Writes out what the wire buffer holds. */
int smtp_chat_flush(smtp_chat *ch);
/* Flushes, then reads one complete reply into ch->reply (bytes after it stay for the next call).
 * 0, or -1 (status/err set: timeout, closed, a malformed reply). */
int smtp_chat_read_reply(smtp_chat *ch);
/* Bytes received and not yet consumed by a reply. */
size_t smtp_chat_pending(const smtp_chat *ch);
/* The reply as one line, "550 5.1.1 User unknown" (bounded). */
void smtp_chat_reply_line(const smtp_chat *ch, char *out, size_t outlen);

#endif
