/* One connection and its SMTP state: connect -> [implicit TLS] -> greeting -> EHLO (HELO fallback)
 * -> [STARTTLS -> EHLO] -> [AUTH] => READY. A session belongs to whoever opened it (route.c) and
 * keeps nothing of a request between calls: each call brings its deadline and its observer (event.h),
 * and every failure is told to that observer as an SMTP_EV_ERROR with the typed error. The mail
 * transaction on a READY session is transaction.c's. Pure C. */
#ifndef SMTP_CORE_SESSION_H
#define SMTP_CORE_SESSION_H

#include <stdint.h>
#include "chat.h"
#include "ehlo.h"
#include "error.h"
#include "event.h"
#include "settings.h"
#include "tls.h"

typedef struct smtp_session smtp_session;

typedef enum {
	SMTP_S_CLOSED = 0, /* no connection */
	SMTP_S_READY,      /* greeted, EHLO done, TLS/AUTH done as configured: can send */
	SMTP_S_BROKEN      /* connection unusable (I/O error, 421, protocol error) */
} smtp_session_state;

const char *smtp_session_state_name(smtp_session_state st); /* "closed", "ready", "broken" */

typedef struct {
	smtp_tls_cache *tls;    /* where STARTTLS and implicit TLS get their context */
	const char *helo;       /* the EHLO name; "" or NULL: our address literal */
	int64_t greet_deadline; /* connect, TLS and greeting by then (failover's share) */
	int tls_resume;         /* offer the TLS session of an earlier connection to this host */
	int probe_ports;        /* a check: when the connect fails (refused, timeout, unreachable), find which of
	                         * 465, 587, 2525 and the port accept connections (SMTP_EV_PORTS); the connect
	                         * leaves SMTP_PORTS_PROBE_MS of the deadline for that */
} smtp_open_params;

/* The probe of the ports after a failed connect takes at most this long, and at most a fifth of
 * smtp.timeout (the connect keeps the rest): refusals answer at once, so the wait is the time a
 * dropped port is given to answer, a few round trips even to another continent. */
#define SMTP_PORTS_PROBE_MS 3000

/* smtp.encryption=auto on a port other than 25, 587, 2525 (and 465, which is implicit TLS from the
 * start): when no byte of a greeting arrives within this wait (and at most a fifth of smtp.timeout),
 * the port is taken for implicit TLS and a second connection tries a TLS handshake. The first
 * connection stays open meanwhile: a server that greets later than this in plain text is still used
 * (smtp_auto_detects_tls() in settings.h says which ports). */
#define SMTP_AUTO_GREETING_WAIT_MS 2000

/* Opens a session to one host (cfg's port and encryption apply unless the entry has its own port).
 * The secret in cfg is used for AUTH here and not kept. NULL on failure, with err set and the
 * failure told to obs. */
smtp_session *smtp_session_open(const smtp_config *cfg, const smtp_host_entry *host, const smtp_open_params *p,
                                int64_t deadline, const smtp_observer *obs, smtp_err *err);

/* RSET: ends a transaction (or checks the connection): 0 when READY after it, -1 (BROKEN). */
int smtp_session_reset(smtp_session *s, int64_t deadline, const smtp_observer *obs);

/* QUIT (best effort, bounded by the deadline, never an error) and close. The session stays to be
 * freed. */
void smtp_session_quit(smtp_session *s, int64_t deadline, const smtp_observer *obs);
/* Closes without QUIT and frees. NULL is fine. */
void smtp_session_free(smtp_session *s);
/* Frees without sending a byte, TLS close_notify included: a session inherited across fork(). */
void smtp_session_abandon(smtp_session *s);

/* ---- for pool.c: the age, the owner and the health of an idle session ------------------------ */

int64_t smtp_session_opened_at(const smtp_session *s);
int64_t smtp_session_last_used(const smtp_session *s);
long smtp_session_pid(const smtp_session *s);
/* Without waiting: 1 when the idle session is READY and nothing is waiting on its socket (a byte
 * there is a 421 sent while idle, an EOF or a reset). */
int smtp_session_idle_ok(smtp_session *s);
/* Tells obs what a listener would have heard when the session was opened (SMTP_EV_REUSE with host,
 * port and mode, then the address, TLS, encryption, capabilities and AUTH mechanism): a reused
 * session's result looks like a fresh one's. */
void smtp_session_replay(smtp_session *s, const smtp_observer *obs);

smtp_session_state smtp_session_state_get(const smtp_session *s);
const smtp_caps *smtp_session_caps(const smtp_session *s);
const char *smtp_session_host(const smtp_session *s);
int smtp_session_port(const smtp_session *s);

/* ---- for transaction.c: one call's scope, commands, replies and failures --------------------- */

/* Every call on a session starts with begin (its deadline and observer) and ends with end. */
void smtp_session_begin(smtp_session *s, int64_t deadline, const smtp_observer *obs);
void smtp_session_end(smtp_session *s);
smtp_chat *smtp_session_chat(smtp_session *s);
/* Forgets the previous call's failure. */
void smtp_session_clear_error(smtp_session *s);
/* The last failure of this call (valid after a -1). */
const smtp_err *smtp_session_error(const smtp_session *s);
/* The last reply, "250 2.0.0 Ok" (bounded). */
const char *smtp_session_reply_line(const smtp_session *s);

/* Puts a command (written at the next read, or when the wire buffer is full); 0 or -1 (recorded). */
int smtp_session_command(smtp_session *s, smtp_stage stage, const char *line, const char *what);
/* Writes out what is buffered; 0 or -1 (recorded, BROKEN). */
int smtp_session_flush(smtp_session *s, smtp_stage stage, const char *what);
/* Reads one reply (a 421 is recorded and closes the session); 0 or -1. */
int smtp_session_read(smtp_session *s, smtp_stage stage, const char *what);
/* Records an I/O failure of the chat (ch->status, ch->err) and closes the connection (BROKEN). */
void smtp_session_fail_io(smtp_session *s, smtp_stage stage, const char *what);
/* Records a refusal: the last reply is the server's words. */
void smtp_session_fail_reply(smtp_session *s, smtp_stage stage, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Records a failure of our own (no reply). */
void smtp_session_fail(smtp_session *s, smtp_stage stage, smtp_cause cause, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Records a failure described in full (the reply may be one kept from earlier, or NULL). */
void smtp_session_fail_err(smtp_session *s, const smtp_err *e, const smtp_reply *reply, const char *sentence);
/* The connection cannot be used any more (closes it). */
void smtp_session_break(smtp_session *s);
/* One more message was handed to this connection. */
void smtp_session_count_message(smtp_session *s);
int smtp_session_messages(const smtp_session *s);
/* Its TLS handshake resumed a session of an earlier connection to the same host and port. */
int smtp_session_tls_resumed(const smtp_session *s);

#endif
