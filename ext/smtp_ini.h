/* The smtp.* ini settings: table, validation, runtime lock, and the secret's resolution. */
#ifndef SMTP_INI_H
#define SMTP_INI_H

#include "php.h"
#include "core/settings.h"

void smtp_ini_register(int type, int module_number);
void smtp_ini_unregister(int type, int module_number);

/* Wipes and frees a secret resolved by smtp_ini_config_secret() or smtp_ini_resolve_secret(). */
void smtp_ini_secret_free(char **secret);

/* Fills cfg from the current settings, every setting but the password (callers may override settings
 * after it); then the password (password_value: literal, env:NAME or file:/path) resolved into *secret
 * (emalloc'd) when cfg->username is set: FAILURE with a sentence in err (the secret is never quoted).
 * smtp_prepare() (smtp_prepare.h) does the second half with the rest of a submission's preparation. */
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
