/* What a submission needs beyond smtp_config's settings, prepared in one place for mail(),
 * smtp_test_send(), smtp_check() and the spool's flush: the password (or access token) resolved, the
 * XOAUTH2 token source with its secrets, the DKIM keys. A setting that needs preparing is added here
 * once, with its cleanup. */
#ifndef SMTP_PREPARE_H
#define SMTP_PREPARE_H

#include "php.h"
#include "core/error.h"
#include "core/settings.h"
#include "smtp_oauth.h"

typedef struct {
	char *secret;         /* the resolved password (emalloc'd, wiped by smtp_prepared_free) */
	smtp_oauth_call oauth; /* the token source and its secrets */
} smtp_prepared;

/* Prepares cfg (already filled by smtp_ini_config_base() and any call options) for a submission:
 * password_value is the raw password (smtp.password or a call's option), oauth the raw smtp.oauth_*
 * values. FAILURE: err holds the sentence (no secret in it), *stage and *cause say what could not be
 * used (auth/config, oauth/config, dkim/dkim). smtp_prepared_free() is due in both cases. */
zend_result smtp_prepare(smtp_prepared *p, smtp_config *cfg, const char *password_value, const smtp_oauth_values *oauth,
	smtp_stage *stage, smtp_cause *cause, char *err, size_t errlen);
void smtp_prepared_free(smtp_prepared *p);

#endif
