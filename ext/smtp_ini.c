/* The smtp.* ini settings. Invalid values are refused with a warning that names the valid ones;
 * with smtp.allow_runtime_config=0 (php.ini only) every runtime change is refused. */
#include "php.h"
#include "php_ini.h"
#include "SAPI.h"
#include "ext/standard/info.h"
#include "php_smtp.h"
#include "php_smtp_compat.h"
#include "smtp_ini.h"
#include "smtp_settings.h"
#include "core/buf.h"

#include <stdio.h>
#include <strings.h>
#include <string.h>
#include <errno.h>

/* Refuses a change made by a script (ini_set, ini_restore, .htaccess) when the host locked the
 * settings. php.ini, the SAPI's pool settings and the end-of-request restore pass, and so does
 * every change of a SYSTEM setting (PHP refuses those at runtime itself). */
static bool smtp_ini_change_allowed(zend_ini_entry *entry, int stage)
{
	if ((stage == ZEND_INI_STAGE_RUNTIME || stage == ZEND_INI_STAGE_HTACCESS)
			&& entry->modifiable != PHP_INI_SYSTEM && !SMTP_G(allow_runtime_config)) {
		php_error_docref(NULL, E_WARNING,
			"%s cannot be changed at runtime: smtp.allow_runtime_config is off in php.ini",
			ZSTR_VAL(entry->name));
		return false;
	}
	return true;
}

/* One handler per kind of value (smtp_settings.h): the lock, the kind's rule (smtp_settings.c),
 * then the value is stored in the setting's global. */
#define SMTP_INI_STRING_HANDLER(kind, check) \
	static ZEND_INI_MH(smtp_ini_on_##kind) \
	{ \
		if (!smtp_ini_change_allowed(entry, stage) || !(check)) { \
			return FAILURE; \
		} \
		return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage); \
	}

#define SMTP_INI_NUMBER_HANDLER(kind) \
	static ZEND_INI_MH(smtp_ini_on_##kind) \
	{ \
		zend_long n; \
		if (!smtp_ini_change_allowed(entry, stage) || !smtp_ini_check_##kind(entry->name, new_value, &n)) { \
			return FAILURE; \
		} \
		*(zend_long *) ZEND_INI_GET_ADDR() = n; \
		return SUCCESS; \
	}

SMTP_INI_STRING_HANDLER(HOSTS, smtp_ini_check_HOSTS(entry->name, new_value))
SMTP_INI_STRING_HANDLER(ENCRYPTION, smtp_ini_check_ENCRYPTION(entry->name, new_value))
SMTP_INI_STRING_HANDLER(AUTH, smtp_ini_check_AUTH(entry->name, new_value))
SMTP_INI_STRING_HANDLER(LINE, true)
SMTP_INI_STRING_HANDLER(PROVIDER, smtp_ini_check_PROVIDER(entry->name, new_value))
SMTP_INI_STRING_HANDLER(GRANT, smtp_ini_check_GRANT(entry->name, new_value))
SMTP_INI_STRING_HANDLER(PATH, smtp_ini_check_paths(entry, new_value, stage, SMTP_PATHS_PLAIN))
SMTP_INI_STRING_HANDLER(CAFILE, smtp_ini_check_paths(entry, new_value, stage, SMTP_PATHS_PLAIN))
SMTP_INI_STRING_HANDLER(SECRET, smtp_ini_check_paths(entry, new_value, stage, SMTP_PATHS_SECRET))
SMTP_INI_STRING_HANDLER(KEYFILE, smtp_ini_check_paths(entry, new_value, stage, SMTP_PATHS_KEYFILE))
SMTP_INI_NUMBER_HANDLER(PORT)
SMTP_INI_NUMBER_HANDLER(TIMEOUT)
SMTP_INI_NUMBER_HANDLER(SECONDS)
SMTP_INI_NUMBER_HANDLER(COUNT)

static ZEND_INI_MH(smtp_ini_on_FLAG)
{
	if (!smtp_ini_change_allowed(entry, stage)) {
		return FAILURE;
	}
	return OnUpdateBool(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* The ini value of an address is not checked (mail() reports a bad one). */
#define smtp_ini_on_ADDRESS smtp_ini_on_LINE

/* The password is shown as a reference (env:NAME, file:/path) or as ********, never itself. */
static ZEND_INI_DISP(smtp_password_displayer)
{
	zend_string *v = (type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified)
		? ini_entry->orig_value : ini_entry->value;
	if (!v || ZSTR_LEN(v) == 0) {
		PUTS(sapi_module.phpinfo_as_text ? "no value" : "<i>no value</i>");
	} else if (strncmp(ZSTR_VAL(v), "env:", 4) == 0 || strncmp(ZSTR_VAL(v), "file:", 5) == 0) {
		if (sapi_module.phpinfo_as_text) {
			PHPWRITE(ZSTR_VAL(v), ZSTR_LEN(v));
		} else {
			zend_string *esc = smtp_compat_html_esc(ZSTR_VAL(v));
			PHPWRITE(ZSTR_VAL(esc), ZSTR_LEN(esc));
			zend_string_release(esc);
		}
	} else {
		PUTS("********");
	}
}

/* A key source is shown as it is (paths, env:NAME), unless it holds key material by mistake. */
static ZEND_INI_DISP(smtp_keyfile_displayer)
{
	zend_string *v = (type == ZEND_INI_DISPLAY_ORIG && ini_entry->modified)
		? ini_entry->orig_value : ini_entry->value;
	if (!v || ZSTR_LEN(v) == 0) {
		PUTS(sapi_module.phpinfo_as_text ? "no value" : "<i>no value</i>");
	} else if (strstr(ZSTR_VAL(v), "-----") != NULL) {
		PUTS("********");
	} else if (sapi_module.phpinfo_as_text) {
		PHPWRITE(ZSTR_VAL(v), ZSTR_LEN(v));
	} else {
		zend_string *esc = smtp_compat_html_esc(ZSTR_VAL(v));
		PHPWRITE(ZSTR_VAL(esc), ZSTR_LEN(esc));
		zend_string_release(esc);
	}
}

/* How phpinfo() shows each kind (NULL: as it is). */
#define SMTP_INI_DISPLAYER_HOSTS      NULL
#define SMTP_INI_DISPLAYER_PORT       NULL
#define SMTP_INI_DISPLAYER_TIMEOUT    NULL
#define SMTP_INI_DISPLAYER_SECONDS    NULL
#define SMTP_INI_DISPLAYER_COUNT      NULL
#define SMTP_INI_DISPLAYER_ENCRYPTION NULL
#define SMTP_INI_DISPLAYER_AUTH       NULL
#define SMTP_INI_DISPLAYER_LINE       NULL
#define SMTP_INI_DISPLAYER_ADDRESS    NULL
#define SMTP_INI_DISPLAYER_SECRET     smtp_password_displayer
#define SMTP_INI_DISPLAYER_CAFILE     NULL
#define SMTP_INI_DISPLAYER_KEYFILE    smtp_keyfile_displayer
#define SMTP_INI_DISPLAYER_PATH       NULL
#define SMTP_INI_DISPLAYER_FLAG       zend_ini_boolean_displayer_cb
#define SMTP_INI_DISPLAYER_PROVIDER   NULL
#define SMTP_INI_DISPLAYER_GRANT      NULL

#define SMTP_INI_ACCESS_ALL    PHP_INI_ALL
#define SMTP_INI_ACCESS_SYSTEM PHP_INI_SYSTEM

#define SMTP_INI_ENTRY(name, kind, def, access, option, target, field) \
	STD_PHP_INI_ENTRY_EX("smtp." #name, def, SMTP_INI_ACCESS_##access, smtp_ini_on_##kind, name, \
		zend_smtp_globals, smtp_globals, SMTP_INI_DISPLAYER_##kind)

PHP_INI_BEGIN()
	SMTP_SETTINGS(SMTP_INI_ENTRY)
PHP_INI_END()

void smtp_ini_register(int type, int module_number)
{
	REGISTER_INI_ENTRIES();
}

void smtp_ini_unregister(int type, int module_number)
{
	UNREGISTER_INI_ENTRIES();
}

#define SMTP_SECRET_MAX 4096

static char *smtp_secret_dup(const char *s, size_t n)
{
	char *out = emalloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

zend_result smtp_ini_resolve_named_secret(const char *setting, const char *value, char **secret, char *err,
                                          size_t errlen)
{
	*secret = NULL;
	if (value == NULL || *value == '\0') {
		*secret = smtp_secret_dup("", 0);
		return SUCCESS;
	}
	if (strncmp(value, "env:", 4) == 0) {
		const char *name = value + 4;
		char *v = sapi_getenv((char *) name, strlen(name));
		const char *use = v;
		if (!use) {
			use = getenv(name);
		}
		if (!use || !*use) {
			snprintf(err, errlen, "%s refers to the environment variable %s, which is not set or empty", setting, name);
			if (v) {
				efree(v);
			}
			return FAILURE;
		}
		if (strlen(use) > SMTP_SECRET_MAX) {
			snprintf(err, errlen, "%s: the environment variable %s is longer than %d bytes", setting, name, SMTP_SECRET_MAX);
			if (v) {
				smtp_memzero(v, strlen(v));
				efree(v);
			}
			return FAILURE;
		}
		*secret = smtp_secret_dup(use, strlen(use));
		if (v) {
			smtp_memzero(v, strlen(v));
			efree(v);
		}
		return SUCCESS;
	}
	if (strncmp(value, "file:", 5) == 0) {
		const char *path = value + 5;
		char buf[SMTP_SECRET_MAX + 2];
		size_t n;
		FILE *f = fopen(path, "rb");
		if (!f) {
			snprintf(err, errlen, "%s refers to the file %s, which cannot be read: %s", setting, path, strerror(errno));
			return FAILURE;
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		n = strcspn(buf, "\r\n");   /* the first line */
		if (n == 0 || n > SMTP_SECRET_MAX) {
			if (n) {
				snprintf(err, errlen, "%s: the first line of %s is longer than %d bytes", setting, path, SMTP_SECRET_MAX);
			} else {
				snprintf(err, errlen, "%s: the first line of %s is empty", setting, path);
			}
			smtp_memzero(buf, sizeof(buf));
			return FAILURE;
		}
		*secret = smtp_secret_dup(buf, n);
		smtp_memzero(buf, sizeof(buf));
		return SUCCESS;
	}
	*secret = smtp_secret_dup(value, strlen(value));
	return SUCCESS;
}

zend_result smtp_ini_resolve_secret(const char *value, char **secret, char *err, size_t errlen)
{
	return smtp_ini_resolve_named_secret("smtp.password", value, secret, err, errlen);
}

void smtp_ini_secret_free(char **secret)
{
	if (*secret) {
		smtp_memzero(*secret, strlen(*secret));
		efree(*secret);
		*secret = NULL;
	}
}

/* The rows whose target is cfg, converted by their kind. */
#define SMTP_INI_CONFIG_cfg(name, kind, field) cfg->field = smtp_config_##kind(SMTP_G(name));
#define SMTP_INI_CONFIG_call(name, kind, field)
#define SMTP_INI_CONFIG_global(name, kind, field)
#define SMTP_INI_CONFIG(name, kind, def, access, option, target, field) SMTP_INI_CONFIG_##target(name, kind, field)

void smtp_ini_config_base(smtp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	SMTP_SETTINGS(SMTP_INI_CONFIG)
	cfg->password = "";   /* smtp_ini_config_secret() resolves it */
	/* what this process keeps for every call (module globals, made in GINIT) */
	cfg->tls_cache = SMTP_G(tls_cache);
	cfg->local_name = &SMTP_G(local_name);
	cfg->pool = SMTP_G(pool);
	cfg->persistent = SMTP_G(persistent);
}

zend_result smtp_ini_config_secret(smtp_config *cfg, const char *password_value, char **secret,
                                   char *err, size_t errlen)
{
	*secret = NULL;
	if (cfg->username && *cfg->username) {
		if (smtp_ini_resolve_secret(password_value, secret, err, errlen) != SUCCESS) {
			return FAILURE;
		}
	} else {
		*secret = smtp_secret_dup("", 0);
	}
	cfg->password = *secret;
	return SUCCESS;
}
