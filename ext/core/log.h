/* The submission log (smtp.log): one JSON line per submission attempt, appended to a file or sent to
 * syslog. A line holds the envelope's shape and the server's answer, never a secret and never the
 * body. Pure C. */
#ifndef SMTP_CORE_LOG_H
#define SMTP_CORE_LOG_H

#include <stddef.h>
#include "buf.h"
#include "event.h"
#include "result.h"

#define SMTP_LOG_MAX_LINE  4096 /* one line, "\n" included: a longer one has its reply and error cut */
#define SMTP_LOG_MAX_FIELD 1024 /* one string value, before escaping */

typedef struct {
	long long time_ms;      /* Unix time in ms */
	const char *message_id; /* or NULL */
	const char *from;
	size_t rcpts;
	const char *host; /* NULL when no host was tried */
	int port;
	const char *result; /* "sent", "queued", "failed" */
	const char *stage;  /* "connect" ... "done", "spool" */
	int code;           /* 0: none (null) */
	const char *enhanced;
	const char *reply; /* the server's text, or NULL */
	const char *error; /* our sentence, or NULL */
	double duration_ms;
	int attempt;          /* 1 for the first */
	int reused;           /* the connection came from the pool */
	const char *tls;      /* "TLSv1.3", or NULL (false) */
	const char *spool_id; /* or NULL */
	int maybe_sent;
	const char *source; /* who made the attempt: "mail" (NULL: the same), "spool", "test" */
} smtp_log_record;

/* The record as one JSON object and "\n" appended to out: time in ISO 8601 UTC with milliseconds,
 * strings escaped for any bytes (a byte that is not part of valid UTF-8 is written as \u00XX, its
 * value), each string value cut at SMTP_LOG_MAX_FIELD and the line at SMTP_LOG_MAX_LINE. 0, or -1. */
int smtp_log_line(const smtp_log_record *r, smtp_buf *out);

/* Appends line[0..len) to target: "syslog" (LOG_MAIL, LOG_INFO, one message a line), or a file
 * opened for each line with O_APPEND (created 0600) and written with one write(), so concurrent
 * processes never interleave and a rotated file is followed at once. 0, or -1 with a sentence. */
int smtp_log_write(const char *target, const char *line, size_t len, char *err, size_t errlen);

/* The server-side fields of a record from a result (host, port, stage, code, enhanced, reply, error,
 * tls, duration); the pointers point into res. */
void smtp_log_from_result(smtp_log_record *r, const smtp_result *res);

/* A listener that passes every event on and notes what the log needs beyond the result: a reused
 * connection, and the message gone out before the line was lost. */
typedef struct {
	const smtp_observer *next;
	int reused;
	int data_sent;
} smtp_log_tap;
void smtp_log_tap_observer(smtp_log_tap *t, const smtp_observer *next, smtp_observer *out);

/* The message went out and no final reply came (the line was lost): it may have been delivered. */
int smtp_log_maybe_sent(const smtp_log_tap *t, const smtp_result *res);

#endif
