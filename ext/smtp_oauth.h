/* OAuth in the binding: the smtp.oauth_* settings (or a call's options) turned into the core's
 * smtp_oauth_config with the secrets resolved, and smtp_oauth_status() / smtp_oauth_exchange(). */
#ifndef SMTP_OAUTH_BINDING_H
#define SMTP_OAUTH_BINDING_H

#include "php.h"
#include "core/oauth.h"
#include "core/settings.h"

/* The raw values of the smtp.oauth_* settings (a call's options may replace any). */
typedef struct {
	const char *provider, *client_id, *client_secret, *refresh_token, *token_url, *tenant, *scope, *grant;
} smtp_oauth_values;

/* What one call keeps while it runs: the core's view, the token source, the resolved secrets. */
typedef struct {
	smtp_oauth_config o;
	smtp_oauth_source_ctx src_ctx;
	smtp_token_source src;
	char *client_secret; /* emalloc'd, wiped by smtp_oauth_call_free */
	char *refresh_token;
	char *refresh_file;
	char key[65];
	bool active;
} smtp_oauth_call;

void smtp_oauth_values_from_settings(smtp_oauth_values *v);

/* With cfg->auth xoauth2 and a provider: resolves the secrets, points cfg->token_source at the
 * process's token cache and sets cfg->oauth_key. Nothing to do otherwise (SUCCESS, c->active false).
 * FAILURE with a sentence in err (an unset env: variable, an unreadable file:). */
zend_result smtp_oauth_call_prepare(smtp_oauth_call *c, smtp_config *cfg, const smtp_oauth_values *v, char *err,
                                    size_t errlen);
void smtp_oauth_call_free(smtp_oauth_call *c);

#endif
