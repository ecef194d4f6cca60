/* The entry points: one submission (route -> transaction -> QUIT) and one check (route -> QUIT,
 * never pooled: a check must really connect), each told to a result (result.c) or to any observer.
 * Pure C. */
#ifndef SMTP_CORE_SUBMIT_H
#define SMTP_CORE_SUBMIT_H

#include "event.h"
#include "message.h"
#include "result.h"
#include "settings.h"

/* One whole submission within cfg->timeout_ms. 0 when the server accepted the message for at least
 * one recipient; res->ok, res->stage ... filled in. */
int smtp_submit(const smtp_config *cfg, const smtp_message *msg, smtp_result *res);
/* A check: connect, TLS, EHLO, AUTH, QUIT; sends nothing. */
int smtp_check_connection(const smtp_config *cfg, smtp_result *res);

/* The same with any observer (msg NULL: a check); err gets the typed error on failure. */
int smtp_submit_observed(const smtp_config *cfg, const smtp_message *msg, const smtp_observer *obs, smtp_err *err);

#endif
