/* The kinds of value of the settings table (smtp_settings.h): one rule each, reported two ways, as
 * the warning of a refused ini value (smtp_ini_check_<kind>) and as the exception of a refused
 * option of smtp_test_send()/smtp_check() (smtp_option_<kind>); and what the core takes from a
 * setting's value (smtp_config_<kind>). The wording of every message is pinned by php_tests/ini/,
 * php_tests/api/options_errors.phpt and php_tests/args/functions_options.phpt. */
#include "php.h"
#include "php_ini.h"
#include "fopen_wrappers.h"
#include "zend_exceptions.h"
#include "php_smtp_compat.h"

#include "smtp_settings.h"
#include "core/oauth.h"
#include "core/address.h"

#include <string.h>

const char *smtp_ini_none_if_empty(const char *v)
{
	return (v == NULL || *v == '\0') ? "none" : v;
}

/* An ini value as a whole decimal number (blanks around it allowed). Large enough numbers fail
 * here already, so the kinds' ranges never see an overflow. */
static bool smtp_ini_number(zend_string *v, zend_long *out)
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
		if (s[i] < '0' || s[i] > '9' || n > 100000000) {
			return false;
		}
		n = n * 10 + (s[i] - '0');
	}
	*out = n;
	return true;
}

/* The option's PHP type; a TypeError naming the key when it is another. */
static zend_result smtp_option_type(uint32_t arg, const char *key, zval *v, int type)
{
	bool ok = type == _IS_BOOL ? (Z_TYPE_P(v) == IS_TRUE || Z_TYPE_P(v) == IS_FALSE) : Z_TYPE_P(v) == type;
	if (!ok) {
		zend_argument_type_error(arg, "option \"%s\" must be of type %s, %s given", key,
			type == IS_STRING ? "string" : type == IS_LONG ? "int" : "bool", zend_zval_type_name(v));
		return FAILURE;
	}
	return SUCCESS;
}

bool smtp_one_line(zend_string *s)
{
	return strpbrk(ZSTR_VAL(s), "\r\n") == NULL && strlen(ZSTR_VAL(s)) == ZSTR_LEN(s);
}

/* A string option that goes into a command line or a header: no CR, LF or NUL. */
static zend_result smtp_option_one_line(uint32_t arg, const char *key, zval *v)
{
	if (smtp_option_type(arg, key, v, IS_STRING) != SUCCESS) {
		return FAILURE;
	}
	if (!smtp_one_line(Z_STR_P(v))) {
		zend_argument_value_error(arg, "option \"%s\" must not contain line breaks or NUL bytes", key);
		return FAILURE;
	}
	return SUCCESS;
}

/* HOSTS: the failover list, parsed the way the core will. */
static bool smtp_hosts_ok(const char *s, char *err, size_t errlen)
{
	smtp_host_entry hosts[16];
	return smtp_host_list_parse(s, hosts, 16, err, errlen) >= 0;
}

bool smtp_ini_check_HOSTS(zend_string *name, zend_string *value)
{
	char err[256];
	if (ZSTR_LEN(value) == 0 || smtp_hosts_ok(ZSTR_VAL(value), err, sizeof(err))) {
		return true;   /* empty: the extension stays out of the way */
	}
	php_error_docref(NULL, E_WARNING,
		"%s must be a host name or address, or a comma-separated list of them, each optionally "
		"with :port ([v6addr]:port for IPv6): %s", ZSTR_VAL(name), err);
	return false;
}

zend_result smtp_option_HOSTS(uint32_t arg, const char *key, zval *v, const char **out)
{
	char err[256];
	if (smtp_option_one_line(arg, key, v) != SUCCESS) {
		return FAILURE;
	}
	if (Z_STRLEN_P(v) == 0 || !smtp_hosts_ok(Z_STRVAL_P(v), err, sizeof(err))) {
		zend_argument_value_error(arg, "option \"%s\" must be a host name or address, or a comma-separated "
			"list of them, each optionally with :port", key);
		return FAILURE;
	}
	*out = Z_STRVAL_P(v);
	return SUCCESS;
}

const char *smtp_config_HOSTS(const char *v)
{
	return smtp_config_LINE(v);
}

/* PORT: 0 for the default, else the TCP port. */
static bool smtp_port_ok(zend_long n)
{
	return n >= 0 && n <= 65535;
}

bool smtp_ini_check_PORT(zend_string *name, zend_string *value, zend_long *out)
{
	if (smtp_ini_number(value, out) && smtp_port_ok(*out)) {
		return true;
	}
	php_error_docref(NULL, E_WARNING,
		"%s must be a number from 1 to 65535, or 0 for the default (465 with ssl, else 587), \"%s\" given",
		ZSTR_VAL(name), ZSTR_VAL(value));
	return false;
}

zend_result smtp_option_PORT(uint32_t arg, const char *key, zval *v, int *out)
{
	if (smtp_option_type(arg, key, v, IS_LONG) != SUCCESS) {
		return FAILURE;
	}
	if (!smtp_port_ok(Z_LVAL_P(v))) {
		zend_argument_value_error(arg, "option \"%s\" must be between 0 and 65535", key);
		return FAILURE;
	}
	*out = smtp_config_PORT(Z_LVAL_P(v));
	return SUCCESS;
}

int smtp_config_PORT(zend_long v)
{
	return (int) v;
}

/* TIMEOUT: seconds, the whole budget of one submission. */
static bool smtp_timeout_ok(zend_long n)
{
	return n >= 1 && n <= 3600;
}

bool smtp_ini_check_TIMEOUT(zend_string *name, zend_string *value, zend_long *out)
{
	if (smtp_ini_number(value, out) && smtp_timeout_ok(*out)) {
		return true;
	}
	php_error_docref(NULL, E_WARNING,
		"%s must be a number of seconds from 1 to 3600, \"%s\" given", ZSTR_VAL(name), ZSTR_VAL(value));
	return false;
}

zend_result smtp_option_TIMEOUT(uint32_t arg, const char *key, zval *v, int *out_ms)
{
	if (smtp_option_type(arg, key, v, IS_LONG) != SUCCESS) {
		return FAILURE;
	}
	if (!smtp_timeout_ok(Z_LVAL_P(v))) {
		zend_argument_value_error(arg, "option \"%s\" must be between 1 and 3600 seconds", key);
		return FAILURE;
	}
	*out_ms = smtp_config_TIMEOUT(Z_LVAL_P(v));
	return SUCCESS;
}

int smtp_config_TIMEOUT(zend_long seconds)
{
	return (int) (smtp_timeout_ok(seconds) ? seconds : 15) * 1000;
}

/* SECONDS: a duration of the pool (idle timeout, connection age), 0 to a day. */
static bool smtp_seconds_ok(zend_long n)
{
	return n >= 0 && n <= 86400;
}

bool smtp_ini_check_SECONDS(zend_string *name, zend_string *value, zend_long *out)
{
	if (smtp_ini_number(value, out) && smtp_seconds_ok(*out)) {
		return true;
	}
	php_error_docref(NULL, E_WARNING,
		"%s must be a number of seconds from 0 to 86400, \"%s\" given", ZSTR_VAL(name), ZSTR_VAL(value));
	return false;
}

int smtp_config_SECONDS(zend_long seconds)
{
	return (int) (smtp_seconds_ok(seconds) ? seconds : 0) * 1000;
}

/* COUNT: how many (messages per connection). */
static bool smtp_count_ok(zend_long n)
{
	return n >= 1 && n <= 1000000;
}

bool smtp_ini_check_COUNT(zend_string *name, zend_string *value, zend_long *out)
{
	if (smtp_ini_number(value, out) && smtp_count_ok(*out)) {
		return true;
	}
	php_error_docref(NULL, E_WARNING,
		"%s must be a whole number from 1 to 1000000, \"%s\" given", ZSTR_VAL(name), ZSTR_VAL(value));
	return false;
}

int smtp_config_COUNT(zend_long n)
{
	return (int) (smtp_count_ok(n) ? n : 1);
}

/* ENCRYPTION: the names of core/settings.c; empty is none. */
static bool smtp_encryption_ok(const char *s, smtp_encryption *out)
{
	return smtp_encryption_parse(smtp_ini_none_if_empty(s), out) == 0;
}

bool smtp_ini_check_ENCRYPTION(zend_string *name, zend_string *value)
{
	smtp_encryption e;
	if (smtp_encryption_ok(ZSTR_VAL(value), &e)) {
		return true;
	}
	php_error_docref(NULL, E_WARNING,
		"%s must be one of auto, tls, ssl, none (aliases: starttls, smtps, implicit), \"%s\" given",
		ZSTR_VAL(name), ZSTR_VAL(value));
	return false;
}

zend_result smtp_option_ENCRYPTION(uint32_t arg, const char *key, zval *v, smtp_encryption *out)
{
	if (smtp_option_one_line(arg, key, v) != SUCCESS) {
		return FAILURE;
	}
	if (!smtp_encryption_ok(Z_STRVAL_P(v), out)) {
		zend_argument_value_error(arg, "option \"%s\" must be one of auto, tls, ssl, none (aliases: starttls, smtps, implicit)", key);
		return FAILURE;
	}
	return SUCCESS;
}

smtp_encryption smtp_config_ENCRYPTION(const char *v)
{
	smtp_encryption e;
	return smtp_encryption_ok(v, &e) ? e : SMTP_ENC_AUTO;
}

/* AUTH: the mechanisms of core/settings.c; empty is none. */
static bool smtp_auth_ok(const char *s, smtp_auth_mech *out)
{
	return smtp_auth_parse(smtp_ini_none_if_empty(s), out) == 0;
}

bool smtp_ini_check_AUTH(zend_string *name, zend_string *value)
{
	smtp_auth_mech m;
	if (smtp_auth_ok(ZSTR_VAL(value), &m)) {
		return true;
	}
	php_error_docref(NULL, E_WARNING,
		"%s must be one of auto, plain, login, cram-md5, xoauth2, none, \"%s\" given",
		ZSTR_VAL(name), ZSTR_VAL(value));
	return false;
}

zend_result smtp_option_AUTH(uint32_t arg, const char *key, zval *v, smtp_auth_mech *out)
{
	if (smtp_option_one_line(arg, key, v) != SUCCESS) {
		return FAILURE;
	}
	if (!smtp_auth_ok(Z_STRVAL_P(v), out)) {
		zend_argument_value_error(arg, "option \"%s\" must be one of auto, plain, login, cram-md5, xoauth2, none", key);
		return FAILURE;
	}
	return SUCCESS;
}

smtp_auth_mech smtp_config_AUTH(const char *v)
{
	smtp_auth_mech m;
	return smtp_auth_ok(v, &m) ? m : SMTP_AUTH_AUTO;
}

/* PROVIDER and GRANT (OAuth): the names of core/oauth.c. */
#define SMTP_NAMED_KIND(kind, parse, type, names) \
	static bool smtp_##kind##_ok(const char *s) \
	{ \
		type t; \
		return parse(s, &t) == 0; \
	} \
	bool smtp_ini_check_##kind(zend_string *name, zend_string *value) \
	{ \
		if (smtp_##kind##_ok(ZSTR_VAL(value))) { \
			return true; \
		} \
		php_error_docref(NULL, E_WARNING, "%s must be one of " names ", \"%s\" given", ZSTR_VAL(name), \
			ZSTR_VAL(value)); \
		return false; \
	} \
	zend_result smtp_option_##kind(uint32_t arg, const char *key, zval *v, const char **out) \
	{ \
		if (smtp_option_one_line(arg, key, v) != SUCCESS) { \
			return FAILURE; \
		} \
		if (!smtp_##kind##_ok(Z_STRVAL_P(v))) { \
			zend_argument_value_error(arg, "option \"%s\" must be one of " names, key); \
			return FAILURE; \
		} \
		*out = Z_STRVAL_P(v); \
		return SUCCESS; \
	}

SMTP_NAMED_KIND(PROVIDER, smtp_oauth_provider_parse, smtp_oauth_provider, "google, microsoft, custom or empty")
SMTP_NAMED_KIND(GRANT, smtp_oauth_grant_parse, smtp_oauth_grant, "refresh_token, client_credentials")

/* ---- paths and open_basedir ---------------------------------------------------------------- */

const char *smtp_keyfile_next(const char **p, size_t *len)
{
	const char *s = *p, *e;
	size_t n;

	if (!s || !*s) {
		return NULL;
	}
	e = strchr(s, ',');
	n = e ? (size_t) (e - s) : strlen(s);
	*p = e ? e + 1 : s + n;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
		n--;
	}
	*len = n;
	return s;
}

/* Whether path may be used under open_basedir (always, without it). */
static bool smtp_path_allowed(const char *path)
{
	if (!path || !*path || !PG(open_basedir) || !*PG(open_basedir)) {
		return true;
	}
	return php_check_open_basedir_ex(path, 0) == 0;
}

/* The first path in v (of the kind) that open_basedir forbids, copied into out; false when none. */
static bool smtp_forbidden_path(smtp_paths_kind kind, const char *v, char *out, size_t outlen)
{
	const char *p = v, *s;
	size_t len;

	if (kind == SMTP_PATHS_PLAIN) {
		if (smtp_path_allowed(v)) {
			return false;
		}
		snprintf(out, outlen, "%s", v);
		return true;
	}
	if (kind == SMTP_PATHS_SECRET) {
		if (strncmp(v, "file:", 5) != 0 || smtp_path_allowed(v + 5)) {
			return false;
		}
		snprintf(out, outlen, "%s", v + 5);
		return true;
	}
	/* KEYFILE: each source as smtp_dkim.c reads it */
	while ((s = smtp_keyfile_next(&p, &len)) != NULL) {
		if (len > 0 && strncmp(s, "env:", 4) != 0 && strncmp(s, "-----", 5) != 0) {
			char *src = estrndup(s, len);
			const char *path = strncmp(src, "file:", 5) == 0 ? src + 5 : src;
			bool ok = smtp_path_allowed(path);
			if (!ok) {
				snprintf(out, outlen, "%s", path);
			}
			efree(src);
			if (!ok) {
				return true;
			}
		}
	}
	return false;
}

bool smtp_ini_check_paths(zend_ini_entry *entry, zend_string *value, int stage, smtp_paths_kind kind)
{
	zend_string *admin; /* the value from php.ini (or the server configuration) */
	char bad[1024];

	if (stage != ZEND_INI_STAGE_RUNTIME && stage != ZEND_INI_STAGE_HTACCESS) {
		return true; /* php.ini, the SAPI's settings, the end-of-request restore */
	}
	admin = entry->modified ? entry->orig_value : entry->value;
	if (admin && zend_string_equals(value, admin)) {
		return true; /* ini_restore() or setting php.ini's own value again */
	}
	if (kind == SMTP_PATHS_PLAIN && zend_string_equals_literal(entry->name, "smtp.log")
			&& zend_string_equals_literal(value, "syslog")) {
		return true;
	}
	if (!smtp_forbidden_path(kind, ZSTR_VAL(value), bad, sizeof(bad))) {
		return true;
	}
	php_error_docref(NULL, E_WARNING, "%s cannot be set to the path %s: it is not within open_basedir", ZSTR_VAL(entry->name),
		bad);
	return false;
}

static zend_result smtp_option_path(uint32_t arg, const char *key, zval *v, const char **out, smtp_paths_kind kind)
{
	char bad[1024];

	if (smtp_option_LINE(arg, key, v, out) != SUCCESS) {
		return FAILURE;
	}
	if (smtp_forbidden_path(kind, *out, bad, sizeof(bad))) {
		zend_argument_value_error(arg, "option \"%s\" names the path %s, which is not within open_basedir", key, bad);
		return FAILURE;
	}
	return SUCCESS;
}

zend_result smtp_option_SECRET(uint32_t arg, const char *key, zval *v, const char **out)
{
	return smtp_option_path(arg, key, v, out, SMTP_PATHS_SECRET);
}

zend_result smtp_option_CAFILE(uint32_t arg, const char *key, zval *v, const char **out)
{
	return smtp_option_path(arg, key, v, out, SMTP_PATHS_PLAIN);
}

/* LINE (and SECRET, CAFILE): any text; an option is one line. */
zend_result smtp_option_LINE(uint32_t arg, const char *key, zval *v, const char **out)
{
	if (smtp_option_one_line(arg, key, v) != SUCCESS) {
		return FAILURE;
	}
	*out = Z_STRVAL_P(v);
	return SUCCESS;
}

const char *smtp_config_LINE(const char *v)
{
	return v ? v : "";
}

/* CAFILE as a setting: empty means PHP's own CA setting for stream TLS, when set (an empty option
 * means the system store). */
const char *smtp_config_CAFILE(const char *v)
{
	const char *php_ca;
	if (v && *v) {
		return v;
	}
	php_ca = smtp_compat_ini_str("openssl.cafile");
	return php_ca ? php_ca : "";
}

/* ADDRESS: an option is empty or an address. */
zend_result smtp_option_ADDRESS(uint32_t arg, const char *key, zval *v, const char **out)
{
	if (smtp_option_one_line(arg, key, v) != SUCCESS) {
		return FAILURE;
	}
	if (Z_STRLEN_P(v) && !smtp_address_valid(Z_STRVAL_P(v), Z_STRLEN_P(v))) {
		zend_argument_value_error(arg, "option \"%s\" must be an email address", key);
		return FAILURE;
	}
	*out = Z_STRVAL_P(v);
	return SUCCESS;
}

/* FLAG: true or false. */
zend_result smtp_option_FLAG(uint32_t arg, const char *key, zval *v, int *out)
{
	if (smtp_option_type(arg, key, v, _IS_BOOL) != SUCCESS) {
		return FAILURE;
	}
	*out = Z_TYPE_P(v) == IS_TRUE;
	return SUCCESS;
}

int smtp_config_FLAG(bool v)
{
	return v;
}

/* MULTILINE: any text but NUL. */
zend_result smtp_option_MULTILINE(uint32_t arg, const char *key, zval *v, const char **out)
{
	if (smtp_option_type(arg, key, v, IS_STRING) != SUCCESS) {
		return FAILURE;
	}
	if (strlen(Z_STRVAL_P(v)) != Z_STRLEN_P(v)) {
		zend_argument_value_error(arg, "option \"%s\" must not contain NUL bytes", key);
		return FAILURE;
	}
	*out = Z_STRVAL_P(v);
	return SUCCESS;
}
