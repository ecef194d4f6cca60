/* The smtp.* ini settings: table, validation, runtime lock, and the secret's resolution. */
#ifndef SMTP_INI_H
#define SMTP_INI_H

#include "php.h"
#include "core/settings.h"

void smtp_ini_register(int type, int module_number);
void smtp_ini_unregister(int type, int module_number);

/* Fills cfg from the current settings. The password is resolved (literal, env:NAME or
 * file:/path) into *secret (emalloc'd; the caller wipes and frees it with smtp_ini_secret_free).
 * Returns SUCCESS, or FAILURE with a sentence in err (the secret is never quoted). */
zend_result smtp_ini_config(smtp_config *cfg, char **secret, char *err, size_t errlen);
void smtp_ini_secret_free(char **secret);

/* The two halves of smtp_ini_config, for callers that override settings in between: every setting
 * but the password, then the password (password_value: literal, env:NAME or file:/path) resolved
 * when cfg->username is set. */
void smtp_ini_config_base(smtp_config *cfg);
zend_result smtp_ini_config_secret(smtp_config *cfg, const char *password_value, char **secret,
                                   char *err, size_t errlen);

/* Resolves a password setting value (literal, env:NAME, file:/path). Exposed for the functions
 * that take a password option. */
zend_result smtp_ini_resolve_secret(const char *value, char **secret, char *err, size_t errlen);
/* The same for any secret setting (smtp.oauth_client_secret ...), named in the sentences. */
zend_result smtp_ini_resolve_named_secret(const char *setting, const char *value, char **secret, char *err,
                                          size_t errlen);

#endif
