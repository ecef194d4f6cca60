/* The mail transaction on a READY session (RFC 5321 3.3): MAIL, RCPT..., then DATA (RFC 5321 4.5)
 * or BDAT (RFC 3030, when CHUNKING is offered), pipelined when PIPELINING is offered (RFC 2920):
 * with CHUNKING and PIPELINING, MAIL, every RCPT, the BDAT command and the message's first bytes
 * leave in one write and the whole transaction costs one round trip; with DATA, two. The message
 * streams from its reader through the wire buffer: it is never copied whole. Pure C. */
#ifndef SMTP_CORE_TRANSACTION_H
#define SMTP_CORE_TRANSACTION_H

#include "message.h"
#include "session.h"

/* Sends msg. 0 when the server accepted it for at least one recipient (every recipient's reply is
 * told to obs as SMTP_EV_RCPT), -1 otherwise (err set, the failure told to obs). After a refusal with
 * the connection still sound the session sends RSET and stays READY; otherwise it is BROKEN. */
int smtp_transaction_send(smtp_session *s, const smtp_message *msg, int64_t deadline, const smtp_observer *obs,
                          smtp_err *err);

/* smtp_check()'s sender probe on a READY session: MAIL FROM:<from>, RCPT TO:<rcpt> (NULL: none), then
 * RSET; never DATA (pipelined when offered: one round trip). Each reply is told to obs as SMTP_EV_PROBE.
 * 0 when the server accepted both; -1 when it refused one (err set, the failure told to obs: stage mail
 * or rcpt, the server's code and words) or the connection failed. The session stays READY after a
 * refusal. */
int smtp_transaction_probe(smtp_session *s, const char *from, const char *rcpt, int64_t deadline,
                           const smtp_observer *obs, smtp_err *err);

#endif
