/* The entry points: one submission (route -> transaction -> QUIT) and one check (route -> QUIT,
 * never pooled: a check must really connect), each told to a result (result.c) or to any observer.
 * Pure C. */
#ifndef SMTP_CORE_SUBMIT_H
#define SMTP_CORE_SUBMIT_H

#include "event.h"
#include "message.h"
#include "pool.h"
#include "result.h"
#include "settings.h"

/* One whole submission within cfg->timeout_ms. 0 when the server accepted the message for at least
 * one recipient; res->ok, res->stage ... filled in. */
int smtp_submit(const smtp_config *cfg, const smtp_message *msg, smtp_result *res);
/* A check: connect, TLS, EHLO, AUTH, QUIT; sends nothing. */
int smtp_check_connection(const smtp_config *cfg, smtp_result *res);
/* A check that also asks whether this login may send as from (and to rcpt, NULL: no RCPT): after AUTH,
 * MAIL FROM, RCPT TO and RSET (transaction.h smtp_transaction_probe); never DATA. The caller fills
 * res->probe.asked, .from and .rcpt; the replies' codes land there. from NULL: a plain check. */
int smtp_check_sender(const smtp_config *cfg, const char *from, const char *rcpt, smtp_result *res);

/* With cfg->pool, a submission takes a kept session for its settings' key when there is one (no
 * connection, greeting, EHLO, TLS or AUTH: the message is the first thing sent) and gives the session
 * back afterwards; when the kept session turns out to be gone at its first command, before the server
 * accepted anything, the message goes once more on a new connection. A check never uses the pool. */
#define SMTP_POOL_PROBE_AFTER_MS 10000 /* a kept session idle longer answers RSET before it is used */
#define SMTP_POOL_PROBE_MS       2000  /* ... within this, or a new connection is opened */

/* The same with any observer (msg NULL: a check); err gets the typed error on failure. */
int smtp_submit_observed(const smtp_config *cfg, const smtp_message *msg, const smtp_observer *obs, smtp_err *err);

/* The pool limits cfg asks for (the binding's end-of-request reap uses them too). */
void smtp_submit_limits(const smtp_config *cfg, smtp_pool_limits *lim);

#endif
