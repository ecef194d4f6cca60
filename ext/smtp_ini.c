/* The smtp.* ini settings. Invalid values are refused with a warning that names the valid ones;
 * with smtp.allow_runtime_config=0 (php.ini only) every runtime change is refused. */
#include "php.h"
#include "php_ini.h"
#include "SAPI.h"
#include "ext/standard/info.h"
#include "php_smtp.h"
#include "smtp_ini.h"
#include "core/buf.h"

#include <stdio.h>
#include <strings.h>
#include <string.h>
#include <errno.h>

/* PHP's ini parser reads an unquoted `none` as an empty string, so "" means none for the
 * settings that have a `none` value. */
const char *smtp_ini_none_if_empty(const char *v)
{
	return (v == NULL || *v == '\0') ? "none" : v;
}

/* Refuses a change made by a script (ini_set, ini_restore, .htaccess) when the host locked
 * the settings. php.ini, the SAPI's pool settings and the end-of-request restore pass. */
static bool smtp_ini_change_allowed(zend_ini_entry *entry, int stage)
{
	if ((stage == ZEND_INI_STAGE_RUNTIME || stage == ZEND_INI_STAGE_HTACCESS)
			&& !SMTP_G(allow_runtime_config)) {
		php_error_docref(NULL, E_WARNING,
			"%s cannot be changed at runtime: smtp.allow_runtime_config is off in php.ini",
			ZSTR_VAL(entry->name));
		return false;
	}
	return true;
}

#define SMTP_LOCKED_HANDLER(name, base) \
	static ZEND_INI_MH(name) \
	{ \
		if (!smtp_ini_change_allowed(entry, stage)) { \
			return FAILURE; \
		} \
		return base(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage); \
	}

SMTP_LOCKED_HANDLER(OnUpdateSmtpString, OnUpdateString)
SMTP_LOCKED_HANDLER(OnUpdateSmtpBool, OnUpdateBool)

static ZEND_INI_MH(OnUpdateSmtpEncryption)
{
	smtp_encryption e;
	if (!smtp_ini_change_allowed(entry, stage)) {
		return FAILURE;
	}
	if (smtp_encryption_parse(smtp_ini_none_if_empty(ZSTR_VAL(new_value)), &e) != 0) {
		php_error_docref(NULL, E_WARNING,
			"smtp.encryption must be one of auto, tls, ssl, none (aliases: starttls, smtps, implicit), \"%s\" given",
			ZSTR_VAL(new_value));
		return FAILURE;
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static ZEND_INI_MH(OnUpdateSmtpAuth)
{
	smtp_auth_mech m;
	if (!smtp_ini_change_allowed(entry, stage)) {
		return FAILURE;
	}
	if (smtp_auth_parse(smtp_ini_none_if_empty(ZSTR_VAL(new_value)), &m) != 0) {
		php_error_docref(NULL, E_WARNING,
			"smtp.auth must be one of auto, plain, login, cram-md5, xoauth2, none, \"%s\" given",
			ZSTR_VAL(new_value));
		return FAILURE;
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

/* A whole decimal number within [min, max]. */
static bool smtp_ini_parse_range(zend_string *v, zend_long min, zend_long max, zend_long *out)
{
	const char *s = ZSTR_VAL(v);
	zend_long n = 0;
	size_t i, len = ZSTR_LEN(v);

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
		len--;
	}
	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++);
	if (i == len) {
		return false;
	}
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || n > max) {
			return false;
		}
		n = n * 10 + (s[i] - '0');
	}
	if (n < min || n > max) {
		return false;
	}
	*out = n;
	return true;
}

static ZEND_INI_MH(OnUpdateSmtpPort)
{
	zend_long n;
	if (!smtp_ini_change_allowed(entry, stage)) {
		return FAILURE;
	}
	if (!smtp_ini_parse_range(new_value, 0, 65535, &n)) {
		php_error_docref(NULL, E_WARNING,
			"smtp.port must be a number from 1 to 65535, or 0 for the default (465 with ssl, else 587), \"%s\" given",
			ZSTR_VAL(new_value));
		return FAILURE;
	}
	SMTP_G(port) = n;
	return SUCCESS;
}

static ZEND_INI_MH(OnUpdateSmtpTimeout)
{
	zend_long n;
	if (!smtp_ini_change_allowed(entry, stage)) {
		return FAILURE;
	}
	if (!smtp_ini_parse_range(new_value, 1, 3600, &n)) {
		php_error_docref(NULL, E_WARNING,
			"smtp.timeout must be a number of seconds from 1 to 3600, \"%s\" given", ZSTR_VAL(new_value));
		return FAILURE;
	}
	SMTP_G(timeout) = n;
	return SUCCESS;
}

static ZEND_INI_MH(OnUpdateSmtpHost)
{
	smtp_host_entry hosts[16];
	char err[256];
	if (!smtp_ini_change_allowed(entry, stage)) {
		return FAILURE;
	}
	if (ZSTR_LEN(new_value) > 0
			&& smtp_host_list_parse(ZSTR_VAL(new_value), hosts, 16, err, sizeof(err)) < 0) {
		php_error_docref(NULL, E_WARNING,
			"smtp.host must be a host name or address, or a comma-separated list of them, each optionally "
			"with :port ([v6addr]:port for IPv6): %s", err);
		return FAILURE;
	}
	return OnUpdateString(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

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
			zend_string *esc = php_info_html_esc(ZSTR_VAL(v));
			PHPWRITE(ZSTR_VAL(esc), ZSTR_LEN(esc));
			zend_string_release(esc);
		}
	} else {
		PUTS("********");
	}
}

PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("smtp.host", "", PHP_INI_ALL, OnUpdateSmtpHost, host, zend_smtp_globals, smtp_globals)
	PHP_INI_ENTRY("smtp.port", "0", PHP_INI_ALL, OnUpdateSmtpPort)
	STD_PHP_INI_ENTRY("smtp.encryption", "auto", PHP_INI_ALL, OnUpdateSmtpEncryption, encryption, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.username", "", PHP_INI_ALL, OnUpdateSmtpString, username, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY_EX("smtp.password", "", PHP_INI_ALL, OnUpdateSmtpString, password, zend_smtp_globals, smtp_globals, smtp_password_displayer)
	STD_PHP_INI_ENTRY("smtp.auth", "auto", PHP_INI_ALL, OnUpdateSmtpAuth, auth, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.from", "", PHP_INI_ALL, OnUpdateSmtpString, from, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.from_name", "", PHP_INI_ALL, OnUpdateSmtpString, from_name, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_BOOLEAN("smtp.force_from", "0", PHP_INI_ALL, OnUpdateSmtpBool, force_from, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.helo", "", PHP_INI_ALL, OnUpdateSmtpString, helo, zend_smtp_globals, smtp_globals)
	PHP_INI_ENTRY("smtp.timeout", "15", PHP_INI_ALL, OnUpdateSmtpTimeout)
	STD_PHP_INI_BOOLEAN("smtp.verify_peer", "1", PHP_INI_ALL, OnUpdateSmtpBool, verify_peer, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_ENTRY("smtp.cafile", "", PHP_INI_ALL, OnUpdateSmtpString, cafile, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_BOOLEAN("smtp.allow_insecure_auth", "0", PHP_INI_ALL, OnUpdateSmtpBool, allow_insecure_auth, zend_smtp_globals, smtp_globals)
	STD_PHP_INI_BOOLEAN("smtp.allow_runtime_config", "1", PHP_INI_SYSTEM, OnUpdateBool, allow_runtime_config, zend_smtp_globals, smtp_globals)
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

zend_result smtp_ini_resolve_secret(const char *value, char **secret, char *err, size_t errlen)
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
			snprintf(err, errlen, "smtp.password refers to the environment variable %s, which is not set or empty", name);
			if (v) {
				efree(v);
			}
			return FAILURE;
		}
		if (strlen(use) > SMTP_SECRET_MAX) {
			snprintf(err, errlen, "smtp.password: the environment variable %s is longer than %d bytes", name, SMTP_SECRET_MAX);
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
			snprintf(err, errlen, "smtp.password refers to the file %s, which cannot be read: %s", path, strerror(errno));
			return FAILURE;
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		n = strcspn(buf, "\r\n");   /* the first line */
		if (n == 0 || n > SMTP_SECRET_MAX) {
			snprintf(err, errlen, n ? "smtp.password: the first line of %s is longer than %d bytes"
				: "smtp.password: the first line of %s is empty", path, SMTP_SECRET_MAX);
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

void smtp_ini_secret_free(char **secret)
{
	if (*secret) {
		smtp_memzero(*secret, strlen(*secret));
		efree(*secret);
		*secret = NULL;
	}
}

static const char *smtp_ini_str(const char *s)
{
	return s ? s : "";
}

void smtp_ini_config_base(smtp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hosts = smtp_ini_str(SMTP_G(host));
	cfg->port = (int) SMTP_G(port);
	if (smtp_encryption_parse(smtp_ini_none_if_empty(SMTP_G(encryption)), &cfg->encryption) != 0) {
		cfg->encryption = SMTP_ENC_AUTO;
	}
	cfg->username = smtp_ini_str(SMTP_G(username));
	if (smtp_auth_parse(smtp_ini_none_if_empty(SMTP_G(auth)), &cfg->auth) != 0) {
		cfg->auth = SMTP_AUTH_AUTO;
	}
	cfg->helo = smtp_ini_str(SMTP_G(helo));
	cfg->timeout_ms = (int) (SMTP_G(timeout) > 0 ? SMTP_G(timeout) : 15) * 1000;
	cfg->verify_peer = SMTP_G(verify_peer);
	cfg->cafile = smtp_ini_str(SMTP_G(cafile));
	if (!*cfg->cafile) {
		/* PHP's own CA setting for stream TLS, when set. */
		const char *php_ca = INI_STR("openssl.cafile");
		cfg->cafile = php_ca ? php_ca : "";
	}
	cfg->allow_insecure_auth = SMTP_G(allow_insecure_auth);
	cfg->password = "";
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

zend_result smtp_ini_config(smtp_config *cfg, char **secret, char *err, size_t errlen)
{
	smtp_ini_config_base(cfg);
	return smtp_ini_config_secret(cfg, SMTP_G(password), secret, err, errlen);
}
