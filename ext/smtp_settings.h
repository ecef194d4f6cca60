/* The settings table: one row per smtp.* setting, from which everything about a setting is made.
 *
 *   the module globals             php_smtp.h       (SMTP_G(name), of the kind's C type)
 *   the ini entries                smtp_ini.c       ("smtp." #name, default, access, the kind's handler)
 *   the settings -> smtp_config    smtp_ini.c       (smtp_ini_config_base(): rows whose target is cfg)
 *   the per-call options           smtp_functions.c (smtp_test_send()/smtp_check() $options, the
 *                                                    "known: ..." list of the unknown-option error)
 *   the docs drift check           php_tests/packaging/drift_ini.py (reads the rows of this file)
 *
 * A row is X(name, kind, default, access, option, target, field):
 *   name     the setting is smtp.<name>; its global is SMTP_G(name); its option key is "name"
 *   kind     the kind of value (below): its C type, its ini handler, and its one rule, which both the
 *            ini warning and the option exception come from (smtp_settings.c)
 *   default  the ini default, a string
 *   access   ALL: php.ini and scripts, unless smtp.allow_runtime_config=0 locks it;
 *            SYSTEM: php.ini only, never locked
 *   option   NO: not a per-call option; CONN: an option of smtp_test_send() and smtp_check(), refused
 *            when smtp.allow_runtime_config=0; MSG: about the test message, smtp_test_send() only,
 *            allowed when locked
 *   target   where the value goes for the core: cfg (smtp_config.<field>, filled from the setting by
 *            smtp_ini_config_base()), call (smtp_call_options.<field>, the raw setting, resolved by
 *            the caller), global (nowhere: read with SMTP_G() where it is used)
 *   field    the field of the target (`_` for global)
 *
 * Order matters: it is the order of phpinfo() and of the "known: ..." list.
 * To add a setting: a row here, a row in docs/configuration.md, and the field in core/settings.h
 * when the engine needs it (target cfg). A new kind of value: its C type below, its handler in
 * smtp_ini.c, its rule in smtp_settings.c. */
#ifndef SMTP_SETTINGS_H
#define SMTP_SETTINGS_H

#include "php.h"
#include "core/settings.h"

#define SMTP_SETTINGS(X) \
	X(host,                 HOSTS,      "",     ALL,    CONN, cfg,    hosts) \
	X(port,                 PORT,       "0",    ALL,    CONN, cfg,    port) \
	X(encryption,           ENCRYPTION, "auto", ALL,    CONN, cfg,    encryption) \
	X(username,             LINE,       "",     ALL,    CONN, cfg,    username) \
	X(password,             SECRET,     "",     ALL,    CONN, call,   password_value) \
	X(auth,                 AUTH,       "auto", ALL,    CONN, cfg,    auth) \
	X(from,                 ADDRESS,    "",     ALL,    MSG,  call,   from) \
	X(from_name,            LINE,       "",     ALL,    MSG,  call,   from_name) \
	X(force_from,           FLAG,       "0",    ALL,    NO,   global, _) \
	X(helo,                 LINE,       "",     ALL,    CONN, cfg,    helo) \
	X(timeout,              TIMEOUT,    "15",   ALL,    CONN, cfg,    timeout_ms) \
	X(verify_peer,          FLAG,       "1",    ALL,    CONN, cfg,    verify_peer) \
	X(cafile,               CAFILE,     "",     ALL,    CONN, cfg,    cafile) \
	X(allow_insecure_auth,  FLAG,       "0",    ALL,    NO,   cfg,    allow_insecure_auth) \
	X(persistent,           FLAG,       "1",    ALL,    NO,   global, _) \
	X(idle_timeout,         SECONDS,    "30",   ALL,    NO,   cfg,    idle_timeout_ms) \
	X(max_messages,         COUNT,      "100",  ALL,    NO,   cfg,    max_messages) \
	X(max_connection_age,   SECONDS,    "300",  ALL,    NO,   cfg,    max_age_ms) \
	X(allow_runtime_config, FLAG,       "1",    SYSTEM, NO,   global, _) \
	/* OAuth (issue 11): XOAUTH2 with the access token fetched by the engine (ext/smtp_oauth.c) */ \
	X(oauth_provider,       PROVIDER,   "",     ALL,    CONN, call,   oauth.provider) \
	X(oauth_client_id,      LINE,       "",     ALL,    CONN, call,   oauth.client_id) \
	X(oauth_client_secret,  SECRET,     "",     ALL,    CONN, call,   oauth.client_secret) \
	X(oauth_refresh_token,  SECRET,     "",     ALL,    CONN, call,   oauth.refresh_token) \
	X(oauth_token_url,      LINE,       "",     ALL,    CONN, call,   oauth.token_url) \
	X(oauth_tenant,         LINE,       "",     ALL,    CONN, call,   oauth.tenant) \
	X(oauth_scope,          LINE,       "",     ALL,    CONN, call,   oauth.scope) \
	X(oauth_grant,          GRANT,      "refresh_token", ALL, CONN, call, oauth.grant) \
	/* the spool, deferred delivery and the submission log (issue 10) */ \
	X(spool_dir,            PATH,       "",       ALL,  NO,   global, _) \
	X(spool_max_age,        COUNT,      "432000", ALL,  NO,   global, _) \
	X(deferred,             FLAG,       "0",      ALL,  NO,   global, _) \
	X(log,                  PATH,       "",       ALL,  NO,   global, _) \
	/* DKIM signing (issue 11): read by smtp_dkim.c, which keeps the loaded keys */ \
	X(dkim_domain,          LINE,       "",     ALL,    NO,   global, _) \
	X(dkim_selector,        LINE,       "",     ALL,    NO,   global, _) \
	X(dkim_private_key,     KEYFILE,    "",     ALL,    NO,   global, _)

/* Options of smtp_test_send() that are no setting: X(name, kind, option, target, field), the
 * columns of the table above. They follow the settings' options in the "known: ..." list. */
#define SMTP_MESSAGE_OPTIONS(X) \
	X(subject, LINE,      MSG, call, subject) \
	X(body,    MULTILINE, MSG, call, body)

/* Options of smtp_check() only, no setting either (the sender probe): the same columns. They follow
 * the message options. */
#define SMTP_CHECK_OPTIONS(X) \
	X(probe_from, ADDRESS, CHECK, call, probe_from) \
	X(probe_rcpt, ADDRESS, CHECK, call, probe_rcpt)

/* The kinds of value. SMTP_KIND_CTYPE_<kind> is the type of the global; the rule of each kind,
 * its ini warning and its option exception are in smtp_settings.c, its ini handler in smtp_ini.c.
 *   HOSTS       "a.example, b.example:2525, [::1]:587"; empty (ini only): the extension is off
 *   PORT        0-65535, 0 the default (465 with ssl, else 587)
 *   TIMEOUT     seconds, 1-3600
 *   SECONDS     seconds, 0-86400 (the core takes milliseconds)
 *   COUNT       a whole number, 1-1000000
 *   ENCRYPTION  auto, tls, ssl, none and aliases; empty is none (the ini parser's quirk)
 *   AUTH        auto, plain, login, cram-md5, xoauth2, none; empty is none
 *   LINE        any text (an option: one line, no NUL)
 *   ADDRESS     an address (an option: one line, empty or an address; the ini value is not checked)
 *   SECRET      a LINE: literal, env:NAME or file:/path; phpinfo() shows ******** for a literal
 *   CAFILE      a LINE: a path; an empty setting means openssl.cafile, then the system store
 *   PATH        a LINE: a file or directory path (smtp.log: or "syslog")
 *   KEYFILE     a LINE: comma-separated key sources, each a path, file:/path or env:NAME; phpinfo()
 *               shows it, except a value that looks like key material itself
 *   FLAG        a boolean
 *   PROVIDER    google, microsoft, custom, or empty (OAuth off: the password is the access token)
 *   GRANT       refresh_token, client_credentials
 *   MULTILINE   any text without NUL (options only) */
#define SMTP_KIND_CTYPE_HOSTS      char *
#define SMTP_KIND_CTYPE_PORT       zend_long
#define SMTP_KIND_CTYPE_TIMEOUT    zend_long
#define SMTP_KIND_CTYPE_SECONDS    zend_long
#define SMTP_KIND_CTYPE_COUNT      zend_long
#define SMTP_KIND_CTYPE_ENCRYPTION char *
#define SMTP_KIND_CTYPE_AUTH       char *
#define SMTP_KIND_CTYPE_LINE       char *
#define SMTP_KIND_CTYPE_ADDRESS    char *
#define SMTP_KIND_CTYPE_SECRET     char *
#define SMTP_KIND_CTYPE_CAFILE     char *
#define SMTP_KIND_CTYPE_KEYFILE    char *
#define SMTP_KIND_CTYPE_PATH       char *
#define SMTP_KIND_CTYPE_FLAG       bool
#define SMTP_KIND_CTYPE_PROVIDER   char *
#define SMTP_KIND_CTYPE_GRANT      char *

/* The module globals of the table, for ZEND_BEGIN_MODULE_GLOBALS. */
#define SMTP_SETTINGS_GLOBAL(name, kind, def, access, option, target, field) SMTP_KIND_CTYPE_##kind name;
#define SMTP_SETTINGS_GLOBALS SMTP_SETTINGS(SMTP_SETTINGS_GLOBAL)

/* SMTP_OPTION_<option>(...): its arguments for a row that is an option, nothing for one that is not. */
#define SMTP_OPTION_NO(...)
#define SMTP_OPTION_CONN(...) __VA_ARGS__
#define SMTP_OPTION_MSG(...)  __VA_ARGS__
#define SMTP_OPTION_CHECK(...) __VA_ARGS__
#define SMTP_OPTION_IS_MESSAGE_CONN  false
#define SMTP_OPTION_IS_MESSAGE_MSG   true
#define SMTP_OPTION_IS_MESSAGE_CHECK true /* no connection setting: allowed when locked */

/* The rules of the kinds (smtp_settings.c), for smtp_ini.c and smtp_functions.c.
 *
 * smtp_ini_check_<kind>(entry name, value, out): the ini side. Returns true, with the parsed value in
 * *out for the kinds that have one; false after a warning naming the setting and the value given.
 * smtp_option_<kind>(arg, key, value, out): the option side. Checks the zval's type and the value,
 * stores what the core needs in *out and returns SUCCESS; throws naming the key and returns FAILURE. */
bool smtp_ini_check_HOSTS(zend_string *name, zend_string *value);
bool smtp_ini_check_PORT(zend_string *name, zend_string *value, zend_long *out);
bool smtp_ini_check_TIMEOUT(zend_string *name, zend_string *value, zend_long *out);
bool smtp_ini_check_SECONDS(zend_string *name, zend_string *value, zend_long *out);
bool smtp_ini_check_COUNT(zend_string *name, zend_string *value, zend_long *out);
bool smtp_ini_check_ENCRYPTION(zend_string *name, zend_string *value);
bool smtp_ini_check_AUTH(zend_string *name, zend_string *value);
bool smtp_ini_check_PROVIDER(zend_string *name, zend_string *value);
bool smtp_ini_check_GRANT(zend_string *name, zend_string *value);

/* The kinds that name files (PATH, CAFILE, a SECRET's file:, each KEYFILE source but env:): a value a
 * script sets (ini_set(), .htaccess) must name paths within open_basedir, as PHP's own error_log and
 * mail.log must; php.ini's values, and a script restoring them, are the administrator's and pass.
 * false after a warning naming the setting. */
typedef enum { SMTP_PATHS_PLAIN, SMTP_PATHS_SECRET, SMTP_PATHS_KEYFILE } smtp_paths_kind;
/* The next comma-separated source of a KEYFILE value at *p, trimmed of spaces and tabs (*len 0 for an
 * empty one); NULL at the end. *p moves past it and its comma. */
const char *smtp_keyfile_next(const char **p, size_t *len);
bool smtp_ini_check_paths(zend_ini_entry *entry, zend_string *value, int stage, smtp_paths_kind kind);

zend_result smtp_option_HOSTS(uint32_t arg, const char *key, zval *v, const char **out);
zend_result smtp_option_PORT(uint32_t arg, const char *key, zval *v, int *out);
zend_result smtp_option_TIMEOUT(uint32_t arg, const char *key, zval *v, int *out_ms);
zend_result smtp_option_ENCRYPTION(uint32_t arg, const char *key, zval *v, smtp_encryption *out);
zend_result smtp_option_AUTH(uint32_t arg, const char *key, zval *v, smtp_auth_mech *out);
zend_result smtp_option_LINE(uint32_t arg, const char *key, zval *v, const char **out);
zend_result smtp_option_ADDRESS(uint32_t arg, const char *key, zval *v, const char **out);
zend_result smtp_option_FLAG(uint32_t arg, const char *key, zval *v, int *out);
zend_result smtp_option_MULTILINE(uint32_t arg, const char *key, zval *v, const char **out);
zend_result smtp_option_PROVIDER(uint32_t arg, const char *key, zval *v, const char **out);
zend_result smtp_option_GRANT(uint32_t arg, const char *key, zval *v, const char **out);
/* SECRET and CAFILE options: a LINE whose file (file:/path, the CA file) is within open_basedir. */
zend_result smtp_option_SECRET(uint32_t arg, const char *key, zval *v, const char **out);
zend_result smtp_option_CAFILE(uint32_t arg, const char *key, zval *v, const char **out);

/* smtp_config_<kind>(setting's value): what the core takes (smtp_ini_config_base()). */
const char *smtp_config_HOSTS(const char *v);
int smtp_config_PORT(zend_long v);
int smtp_config_TIMEOUT(zend_long seconds);
int smtp_config_SECONDS(zend_long seconds);
int smtp_config_COUNT(zend_long n);
smtp_encryption smtp_config_ENCRYPTION(const char *v);
smtp_auth_mech smtp_config_AUTH(const char *v);
const char *smtp_config_LINE(const char *v);
const char *smtp_config_CAFILE(const char *v);
int smtp_config_FLAG(bool v);

/* No CR, LF or NUL: a value that goes into a command line or a header (every string option but
 * a MULTILINE one). */
bool smtp_one_line(zend_string *s);

/* PHP's ini parser reads an unquoted `none` as an empty string, so "" means none for the
 * ENCRYPTION and AUTH kinds. */
const char *smtp_ini_none_if_empty(const char *v);

#endif
