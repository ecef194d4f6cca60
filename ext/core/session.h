/* The SMTP client session: an explicit state machine over one connection.
 *   open:  connect (failover along the host list) -> greeting -> EHLO (HELO fallback) ->
 *          STARTTLS -> EHLO -> AUTH
 *   send:  MAIL FROM, RCPT TO..., DATA (pipelined when PIPELINING is offered), message
 *   (repeat send on the same open session: it is ready for a connection pool)
 *   quit:  QUIT
 * Pure C. Everything observed goes into the smtp_result given at creation. */
#ifndef SMTP_CORE_SESSION_H
#define SMTP_CORE_SESSION_H

#include "settings.h"
#include "message.h"
#include "result.h"

typedef struct smtp_session smtp_session;

typedef enum {
	SMTP_S_CLOSED = 0, /* no connection */
	SMTP_S_READY,      /* greeted, EHLO done, TLS/AUTH done as configured: can send */
	SMTP_S_BROKEN      /* connection unusable (I/O error, 421, protocol error) */
} smtp_session_state;

/* cfg and res must outlive the session; cfg strings are not copied. */
smtp_session *smtp_session_new(const smtp_config *cfg, smtp_result *res);

/* Connects and prepares the session. Tries each host of cfg->hosts in order while the failure
 * is at connect, TLS or greeting; the deadline is now + cfg->timeout_ms for the whole attempt
 * (open + send). Returns 0 when READY, -1 on failure (res holds stage, reply and sentence). */
int smtp_session_open(smtp_session *s);

/* Sends one message on a READY session. Returns 0 when at least one recipient was accepted and
 * the final reply to the data was 2xx (res->rcpts holds every recipient's reply), -1 otherwise.
 * After a failure with the connection still sound the session issues RSET and stays READY. */
int smtp_session_send(smtp_session *s, const smtp_message *msg);

/* Sends QUIT (best effort, bounded by the deadline) and closes. */
void smtp_session_quit(smtp_session *s);
smtp_session_state smtp_session_state_get(const smtp_session *s);
void smtp_session_free(smtp_session *s);

/* One whole submission: new, open, send, quit, free. res->ok, res->stage ... filled in. */
int smtp_submit(const smtp_config *cfg, const smtp_message *msg, smtp_result *res);
/* A check: new, open, quit, free (connect, TLS, EHLO, AUTH; sends nothing). */
int smtp_check_connection(const smtp_config *cfg, smtp_result *res);

#endif
