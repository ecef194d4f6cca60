/* The kinds of value of the settings table (smtp_settings.h): one rule each, reported two ways, as
 * the warning of a refused ini value (smtp_ini_check_<kind>) and as the exception of a refused
 * option of smtp_test_send()/smtp_check() (smtp_option_<kind>); and what the core takes from a
 * setting's value (smtp_config_<kind>). The wording of every message is pinned by php_tests/ini/,
 * php_tests/api/options_errors.phpt and php_tests/args/functions_options.phpt. */
#include "php.h"
#include "php_ini.h"
#include "zend_exceptions.h"

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
	php_ca = INI_STR("openssl.cafile");
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
