/* What a submission tells its listeners: the result summary (result.c), the transcript and, later,
 * the JSON log all hear the same events, in order. No secret ever reaches an event: commands that
 * carry one are masked before they are emitted. Pure C (header only). */
#ifndef SMTP_CORE_EVENT_H
#define SMTP_CORE_EVENT_H

#include <stddef.h>
#include <string.h>
#include "error.h"
#include "reply.h"
#include "settings.h"

typedef enum {
	SMTP_EV_HOST,        /* an attempt on a host begins: text = host, num = port, mode = its encryption,
	                      * flag = credentials set. Forget what the previous host's attempt left. */
	SMTP_EV_CONNECT,     /* connected: text = the numeric address */
	SMTP_EV_TLS,         /* TLS established: tls = the details */
	SMTP_EV_ENCRYPTION,  /* what the session uses from now on: text = "tls", "ssl" or "none" */
	SMTP_EV_CAPS,        /* the last EHLO's keywords: reply (lines after the first) or NULL after HELO */
	SMTP_EV_AUTH,        /* AUTH begins: text = the mechanism ("PLAIN") */
	SMTP_EV_COMMAND,     /* a command line as it appears in the transcript (masked) */
	SMTP_EV_REPLY,       /* a reply: text/len = its raw bytes, reply = parsed, flag = it cost a round trip */
	SMTP_EV_NOTE,        /* a note for the transcript ("TLS established ...") */
	SMTP_EV_RCPT,        /* a recipient's reply: text = address, reply = the reply */
	SMTP_EV_ERROR,       /* a failure: err, text = the sentence, reply = the server's reply or NULL */
	SMTP_EV_ALSO_FAILED, /* after failover: text = "host:port, host:port" tried before the last one */
	SMTP_EV_TIMING,      /* ms spent in a phase: num = SMTP_TIMING_* */
	SMTP_EV_REUSE,       /* an open (pooled) session is used again: as SMTP_EV_HOST; the session's address,
	                      * TLS, encryption, capabilities and AUTH events follow as if it had just opened */
	SMTP_EV_DONE,        /* success: reply = the final reply (the message accepted, or a check's last) */
	SMTP_EV_PORTS,       /* after a failed connect: ports = which of 465, 587, 2525 and the port answer */
	SMTP_EV_PROBE        /* smtp_check()'s sender probe: num = SMTP_STAGE_MAIL or SMTP_STAGE_RCPT, text = the
	                      * address, reply = the server's reply to it (NULL: not sent) */
} smtp_event_kind;

enum { SMTP_TIMING_CONNECT = 0, SMTP_TIMING_TLS, SMTP_TIMING_AUTH, SMTP_TIMING_SEND, SMTP_TIMING_TOTAL };

typedef struct {
	const char *protocol; /* "TLSv1.3" */
	const char *cipher;
	const char *peer_subject; /* or NULL */
	int verified;
	int verify_asked; /* smtp.verify_peer */
} smtp_tls_info;

typedef struct {
	smtp_event_kind kind;
	const char *text;
	size_t len; /* of text */
	int num;
	int flag;
	smtp_encryption mode;
	double ms;
	const smtp_reply *reply;
	const smtp_err *err;
	const smtp_tls_info *tls;
	const char *peer_text; /* SMTP_EV_ERROR without a reply: the other side's own words (the OAuth token
	                        * endpoint's "invalid_grant: ..."), or NULL */
	const smtp_port_report *ports;
} smtp_event;

typedef struct {
	void (*on_event)(void *ctx, const smtp_event *ev);
	void *ctx;
} smtp_observer;

/* Tells obs (NULL, or one without a callback: nobody listens). */
static inline void smtp_observe(const smtp_observer *obs, const smtp_event *ev)
{
	if (obs && obs->on_event) {
		obs->on_event(obs->ctx, ev);
	}
}

/* An event that carries a text (and, for SMTP_EV_ERROR, the typed error). */
static inline void smtp_observe_text(const smtp_observer *obs, smtp_event_kind kind, const smtp_err *err,
                                     const char *text)
{
	smtp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.err = err;
	ev.text = text;
	ev.len = strlen(text);
	smtp_observe(obs, &ev);
}

/* A failure of our own, before or without a session: the typed error (copied to *out when out is
 * not NULL) and its sentence, told as SMTP_EV_ERROR. */
static inline void smtp_observe_failure(const smtp_observer *obs, smtp_stage stage, smtp_cause cause,
                                        const char *sentence, smtp_err *out)
{
	smtp_err e;

	smtp_err_clear(&e);
	smtp_err_set(&e, stage, smtp_cause_class(cause), cause, 0, NULL);
	if (out) {
		*out = e;
	}
	smtp_observe_text(obs, SMTP_EV_ERROR, &e, sentence);
}

#endif
