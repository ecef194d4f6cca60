/* The outcome of one submission or check, as docs/api.md describes the result array. Pure C. */
#ifndef SMTP_CORE_RESULT_H
#define SMTP_CORE_RESULT_H

#include <stddef.h>
#include "buf.h"
#include "error.h"
#include "event.h"
#include "strlist.h"


typedef struct {
	char *address;
	int code; /* 0 when no reply (e.g. never sent) */
	char enhanced[16];
	char *message; /* server text */
} smtp_rcpt_result;

typedef struct {
	int ok;           /* accepted for at least one recipient (send) / whole check passed */
	smtp_stage stage; /* where it stopped ("done" on success) */
	int code;         /* last relevant server code, 0 if none */
	char enhanced[16];
	char *message; /* server text of that reply, or NULL */
	char *error;   /* one sentence naming the stage and quoting the server, or NULL */
	char *hint;    /* what to do, for known cases, or NULL */

	char host[256]; /* host of the last attempt */
	int port;
	char address[64];   /* numeric IP connected to, "" if none */
	char encryption[8]; /* "tls","ssl","none": what the session actually used */

	int tls_active;
	char tls_protocol[32];
	char tls_cipher[96];
	char *tls_peer_subject;
	int tls_verified;

	char auth_mech[16];        /* "PLAIN","LOGIN","CRAM-MD5", "" when no AUTH */
	smtp_strlist capabilities; /* EHLO keywords of the final EHLO, e.g. "PIPELINING","SIZE 10240000" */

	smtp_rcpt_result *rcpts;
	size_t rcpt_count;

	double t_connect, t_tls, t_auth, t_send, t_total; /* milliseconds */

	smtp_buf transcript; /* "C: ...\n" / "S: ...\n" lines, bounded, secrets replaced by ******** */
	int transcript_truncated;

	int round_trips; /* replies waited for (for tests and benchmarks) */

	smtp_err err; /* the typed error (stage, class, cause, code, enhanced) when !ok */

	smtp_port_report ports; /* after a failed connect of a check (SMTP_EV_PORTS): n = 0 when not probed */
	struct {
		int asked;     /* smtp_check() with probe_from / probe_rcpt: the result has a probe */
		char *from;    /* the sender probed (set by the caller) */
		char *rcpt;    /* the recipient probed (set by the caller) */
		int mail_code; /* the reply to MAIL FROM, 0 when it was not sent */
		int rcpt_code; /* the reply to RCPT TO, 0 when it was not sent */
	} probe;

	/* what the hint needs to know of the attempt (from the events) */
	smtp_encryption mode; /* the encryption mode tried for this host */
	int credentials;      /* a user name was set */
	int starttls_offered;
} smtp_result;

#define SMTP_TRANSCRIPT_LIMIT (64 * 1024)

void smtp_result_init(smtp_result *r);
void smtp_result_free(smtp_result *r);

/* The result as a listener of a submission's events (event.h): it keeps the summary, the typed error
 * with its hint, the per-recipient replies, the timings and the bounded transcript. */
void smtp_result_observer(smtp_result *r, smtp_observer *out);

/* Records a failure: the typed error, the server's text (or NULL) and one sentence (printf-style).
 * Keeps the first failure if called again (the first explains the others). Sets r->hint from
 * hint.c for the known cases. */
void smtp_result_fail(smtp_result *r, const smtp_err *e, const char *server_text, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The same for a failure of our own before anything was sent (bad settings or input): stage and
 * cause, no reply. */
void smtp_result_set_error(smtp_result *r, smtp_stage stage, smtp_cause cause, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Adds a per-recipient entry. -1 on out of memory. */
int smtp_result_add_rcpt(smtp_result *r, const char *address, int code, const char *enhanced, const char *text);

/* Transcript lines. `dir` is 'C' or 'S' (or '*' for a note such as "TLS established: ...").
 * The text must already be redacted by the caller; past SMTP_TRANSCRIPT_LIMIT a single
 * "[transcript truncated]" line is written and the rest dropped. */
void smtp_result_log(smtp_result *r, char dir, const char *text, size_t len);

#endif
