/* smtp_test_send() and smtp_check(): the diagnostics an admin screen calls. They take the current
 * settings, override them with the options given for this call only, run the core, and return its
 * result array. An SMTP failure is reported in the array, never thrown; a wrong option (unknown
 * key, wrong type, invalid value) is a programming error and throws, naming the key. */
#include "php.h"
#include "php_ini.h"
#include "ext/standard/info.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "php_smtp.h"
#include "php_smtp_compat.h"
#include "smtp_ini.h"
#include "smtp_settings.h"
#include "smtp_array.h"
#include "smtp_oauth.h"
#include "smtp_prepare.h"
#include "smtp_spool.h"
#include "core/clock.h"
#include "core/message.h"
#include "core/submit.h"
#include "core/address.h"

typedef struct {
	smtp_config cfg;
	const char *password_value;   /* NULL: the setting's */
	const char *from;
	const char *from_name;
	const char *subject;
	const char *body;
	smtp_oauth_values oauth; /* the smtp.oauth_* settings, raw (resolved by smtp_oauth_call_prepare) */
	const char *probe_from;       /* smtp_check(): the sender probe */
	const char *probe_rcpt;
} smtp_call_options;

/* The options, in the order of smtp_settings.h: the settings that are options, then the message
 * options. */
typedef enum {
#define SMTP_OPTION_ID(name, kind, def, access, option, target, field) SMTP_OPTION_##option(SMTP_OPT_##name,)
	SMTP_SETTINGS(SMTP_OPTION_ID)
#undef SMTP_OPTION_ID
#define SMTP_OPTION_ID(name, kind, option, target, field) SMTP_OPT_##name,
	SMTP_MESSAGE_OPTIONS(SMTP_OPTION_ID)
	SMTP_CHECK_OPTIONS(SMTP_OPTION_ID)
#undef SMTP_OPTION_ID
	SMTP_OPT_COUNT
} smtp_option_id;

static const struct {
	const char *name;
	bool        message;   /* no connection setting: allowed when locked */
	bool        send;      /* smtp_test_send() takes it */
	bool        check;     /* smtp_check() takes it */
} smtp_known_options[] = {
#define SMTP_OPTION_ROW(name, kind, def, access, option, target, field) \
	SMTP_OPTION_##option({#name, SMTP_OPTION_IS_MESSAGE_##option, true, !SMTP_OPTION_IS_MESSAGE_##option},)
	SMTP_SETTINGS(SMTP_OPTION_ROW)
#undef SMTP_OPTION_ROW
#define SMTP_OPTION_ROW(name, kind, option, target, field) {#name, true, true, false},
	SMTP_MESSAGE_OPTIONS(SMTP_OPTION_ROW)
#undef SMTP_OPTION_ROW
#define SMTP_OPTION_ROW(name, kind, option, target, field) {#name, true, false, true},
	SMTP_CHECK_OPTIONS(SMTP_OPTION_ROW)
#undef SMTP_OPTION_ROW
};

/* The "known: ..." lists of the unknown-option error, each starting with ", ". */
#define SMTP_OPTION_KNOWN_CHECK_CONN(name) ", " #name
#define SMTP_OPTION_KNOWN_CHECK_MSG(name)
#define SMTP_OPTION_KNOWN_CHECK_NO(name)
#define SMTP_OPTION_KNOWN(name, kind, def, access, option, target, field) SMTP_OPTION_##option(", " #name)
#define SMTP_OPTION_KNOWN_CHECK(name, kind, def, access, option, target, field) SMTP_OPTION_KNOWN_CHECK_##option(name)
#define SMTP_OPTION_KNOWN_MESSAGE(name, kind, option, target, field) ", " #name
static const char smtp_known_send[] = "" SMTP_SETTINGS(SMTP_OPTION_KNOWN) SMTP_MESSAGE_OPTIONS(SMTP_OPTION_KNOWN_MESSAGE);
static const char smtp_known_check[] = "" SMTP_SETTINGS(SMTP_OPTION_KNOWN_CHECK) SMTP_CHECK_OPTIONS(SMTP_OPTION_KNOWN_MESSAGE);

/* No CR, LF or NUL: the value goes into a command line or a header. */
static bool smtp_opt_one_line(zend_string *s)
{
	return smtp_one_line(s);
}

/* Where an option's value goes: a field of the core's config or of the call. */
#define SMTP_OPTION_TARGET_cfg(o, field)  (o)->cfg.field
#define SMTP_OPTION_TARGET_call(o, field) (o)->field

/* Applies one option to o with its kind's rule (smtp_settings.c). Throws and returns FAILURE on a
 * wrong type or value. */
static zend_result smtp_apply_option(smtp_call_options *o, uint32_t arg, smtp_option_id id, zval *v)
{
	switch (id) {
#define SMTP_OPTION_APPLY(name, kind, def, access, option, target, field) SMTP_OPTION_##option( \
	case SMTP_OPT_##name: \
		return smtp_option_##kind(arg, #name, v, &SMTP_OPTION_TARGET_##target(o, field));)
	SMTP_SETTINGS(SMTP_OPTION_APPLY)
#undef SMTP_OPTION_APPLY
#define SMTP_OPTION_APPLY(name, kind, option, target, field) \
	case SMTP_OPT_##name: \
		return smtp_option_##kind(arg, #name, v, &SMTP_OPTION_TARGET_##target(o, field));
	SMTP_MESSAGE_OPTIONS(SMTP_OPTION_APPLY)
	SMTP_CHECK_OPTIONS(SMTP_OPTION_APPLY)
#undef SMTP_OPTION_APPLY
	case SMTP_OPT_COUNT:
		break;
	}
	return FAILURE;
}

/* Options about the test message, which smtp_check() does not take. */
static bool smtp_option_is_message(smtp_option_id id)
{
	return smtp_known_options[id].message;
}

/* The call's own copies of the settings whose target is call (the rest is in cfg). */
#define SMTP_OPTION_LOAD_cfg(o, name, field)
#define SMTP_OPTION_LOAD_global(o, name, field)
#define SMTP_OPTION_LOAD_call(o, name, field) (o)->field = SMTP_G(name);
#define SMTP_OPTION_LOAD(name, kind, def, access, option, target, field) SMTP_OPTION_LOAD_##target(o, name, field)

/* The current settings overridden by `options`. Throws and returns FAILURE on a bad option.
 * With smtp.allow_runtime_config off, an option that overrides a connection setting (anything but
 * the message's from, from_name, subject and body) is refused like ini_set() would be: *locked is
 * set to its name and the call must not connect (else a script could send the php.ini credentials
 * to a server of its choosing). */
static zend_result smtp_call_options_load(smtp_call_options *o, HashTable *options, uint32_t arg, bool sending,
                                          const char **locked)
{
	zend_string *key;
	zend_ulong idx;
	zval *v;

	memset(o, 0, sizeof(*o));
	*locked = NULL;
	smtp_ini_config_base(&o->cfg);
	SMTP_SETTINGS(SMTP_OPTION_LOAD)
	if (!options) {
		return SUCCESS;
	}
	ZEND_HASH_FOREACH_KEY_VAL(options, idx, key, v) {
		int i;
		bool found = false;
		if (!key) {
			zend_argument_value_error(arg, "must only have string keys, " ZEND_ULONG_FMT " given", idx);
			return FAILURE;
		}
		ZVAL_DEREF(v);
		for (i = 0; i < SMTP_OPT_COUNT; i++) {
			if (zend_string_equals_cstr(key, smtp_known_options[i].name, strlen(smtp_known_options[i].name))) {
				found = true;
				if (!(sending ? smtp_known_options[i].send : smtp_known_options[i].check)) {
					found = false;   /* smtp_check() sends nothing; the probe is smtp_check()'s */
					break;
				}
				if (!SMTP_G(allow_runtime_config) && !smtp_option_is_message(i) && *locked == NULL) {
					*locked = smtp_known_options[i].name;
				}
				if (smtp_apply_option(o, arg, i, v) != SUCCESS) {
					return FAILURE;
				}
				break;
			}
		}
		if (!found) {
			zend_argument_value_error(arg, "contains unknown option \"%s\" (known: %s)", ZSTR_VAL(key),
				(sending ? smtp_known_send : smtp_known_check) + 2);
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

/* Fills res with a failure that happened before any connection. */
static void smtp_fail_at(smtp_result *res, smtp_stage stage, smtp_cause cause, const char *sentence,
	const smtp_config *cfg)
{
	smtp_result_set_error(res, stage, cause, "%s", sentence);
	if (cfg && cfg->hosts) {
		smtp_copy_str(res->host, sizeof(res->host), cfg->hosts);
	}
}

static void smtp_fail_before(smtp_result *res, smtp_stage stage, const char *sentence, const smtp_config *cfg)
{
	smtp_fail_at(res, stage, stage == SMTP_STAGE_CONNECT || stage == SMTP_STAGE_AUTH || stage == SMTP_STAGE_OAUTH
		? SMTP_CAUSE_CONFIG : SMTP_CAUSE_INPUT, sentence, cfg);
}

static void smtp_fail_locked(smtp_result *res, const char *option)
{
	char sentence[256];
	snprintf(sentence, sizeof(sentence), "The option \"%s\" cannot override the settings: "
		"smtp.allow_runtime_config is off in php.ini (nothing was sent)", option);
	smtp_fail_before(res, SMTP_STAGE_CONNECT, sentence, NULL);
	php_error_docref(NULL, E_WARNING, "%s", sentence);
}

/* The sender of a test message: the option, smtp.from, sendmail_from, or the user name when it is
 * an address. NULL when there is none. */
static const char *smtp_test_sender(const smtp_call_options *o)
{
	const char *sf = smtp_compat_ini_str("sendmail_from");
	if (o->from && *o->from) {
		return o->from;
	}
	if (sf && *sf) {
		return sf;
	}
	if (o->cfg.username && strchr(o->cfg.username, '@')
			&& smtp_address_valid(o->cfg.username, strlen(o->cfg.username))) {
		return o->cfg.username;
	}
	return NULL;
}

/* {{{ smtp_test_send(string $to, array $options = []): array */
PHP_FUNCTION(smtp_test_send)
{
	zend_string *to;
	HashTable *options = NULL;
	smtp_call_options o;
	smtp_result res;
	smtp_message msg;
	smtp_message_input in;
	smart_str raw = {0};
	char err[512], host[256] = "";
	const char *sender, *locked = NULL;
	smtp_prepared prep;
	smtp_stage fail_stage;
	smtp_cause fail_cause;
	long long started;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(to)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (!smtp_opt_one_line(to)) {
		zend_argument_value_error(1, "must not contain line breaks or NUL bytes");
		RETURN_THROWS();
	}
	if (smtp_call_options_load(&o, options, 2, true, &locked) != SUCCESS) {
		RETURN_THROWS();
	}

	smtp_result_init(&res);
	smtp_message_init(&msg);
	memset(&prep, 0, sizeof(prep));
	if (locked) {
		smtp_fail_locked(&res, locked);
		goto done;
	}
	if (!o.cfg.hosts || !*o.cfg.hosts) {
		smtp_fail_before(&res, SMTP_STAGE_CONNECT, "No SMTP server: smtp.host is empty and no \"host\" option was given", NULL);
		goto done;
	}
	sender = smtp_test_sender(&o);
	if (!sender) {
		smtp_fail_before(&res, SMTP_STAGE_MAIL, "No sender for the test message: set smtp.from or pass the \"from\" option", &o.cfg);
		goto done;
	}
	if (gethostname(host, sizeof(host) - 1) != 0) {
		host[0] = '\0';
	}

	/* A short plain-text message, built like mail() would be called with it. */
	smart_str_appends(&raw, "To: ");
	smart_str_append(&raw, to);
	smart_str_appends(&raw, "\r\nSubject: ");
	smart_str_appends(&raw, o.subject && *o.subject ? o.subject : "Test message from the smtp extension");
	smart_str_appends(&raw, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: 8bit\r\nX-Mailer: PHP smtp extension " PHP_SMTP_VERSION "\r\n\r\n");
	if (!o.body || !*o.body) {
		smart_str_appends(&raw, "This is a test message sent by smtp_test_send() from PHP " PHP_VERSION " on ");
		smart_str_appends(&raw, *host ? host : "this server");
		smart_str_appends(&raw, ".\r\nIf you can read it, this server can send mail over SMTP.\r\n");
	}
	smart_str_0(&raw);

	memset(&in, 0, sizeof(in));
	in.raw = ZSTR_VAL(raw.s);
	in.raw_len = ZSTR_LEN(raw.s);
	if (o.body && *o.body) {
		/* the body option is read where it lies, not copied */
		in.more[0] = o.body;
		in.more_len[0] = strlen(o.body);
	}
	in.envelope_from = sender;
	in.from_addr = sender;
	in.from_name = o.from_name;
	in.msgid_domain = o.cfg.helo && *o.cfg.helo ? o.cfg.helo : NULL;
	in.now = time(NULL);
	if (smtp_message_prepare(&in, &msg, err, sizeof(err)) != 0) {
		smtp_fail_before(&res, SMTP_STAGE_RCPT, err, &o.cfg);
		goto done;
	}
	if (smtp_prepare(&prep, &o.cfg, o.password_value, &o.oauth, &fail_stage, &fail_cause, err, sizeof(err))
			!= SUCCESS) {
		smtp_fail_at(&res, fail_stage, fail_cause, err, &o.cfg);
		smtp_log_submission(&msg, &res, "failed", "test", smtp_wall_ms(), 0, NULL, 0);
		goto done;
	}
	o.cfg.persistent = 0; /* a test shows the whole handshake: never a kept connection */
	o.cfg.probe_ports = 1; /* a failed connect says which ports answer */
	started = smtp_wall_ms();
	smtp_submit(&o.cfg, &msg, &res);
	smtp_log_submission(&msg, &res, res.ok ? "sent" : "failed", "test", started, 0, NULL, 0);

done:
	smtp_prepared_free(&prep);
	smtp_message_free(&msg);
	smart_str_free(&raw);
	smtp_result_to_array(&res, return_value);
	smtp_result_free(&res);
}
/* }}} */

/* smtp_check()'s probe: the sender is probe_from, else the test message's sender (smtp.from,
 * sendmail_from, the user name when it is an address); the recipient is probe_rcpt, else the sender. */
static void smtp_probe_setup(smtp_result *res, const smtp_call_options *o)
{
	const char *from = o->probe_from && *o->probe_from ? o->probe_from : NULL;
	const char *rcpt = o->probe_rcpt && *o->probe_rcpt ? o->probe_rcpt : NULL;

	if (!from && !rcpt) {
		return;
	}
	if (!from) {
		from = smtp_test_sender(o);
	}
	res->probe.asked = 1;
	res->probe.from = smtp_strdup(from ? from : "");
	res->probe.rcpt = smtp_strdup(rcpt ? rcpt : (from ? from : ""));
}

/* {{{ smtp_check(array $options = []): array */
PHP_FUNCTION(smtp_check)
{
	HashTable *options = NULL;
	smtp_call_options o;
	smtp_result res;
	char err[512];
	const char *locked = NULL;
	smtp_prepared prep;
	smtp_stage fail_stage;
	smtp_cause fail_cause;

	memset(&prep, 0, sizeof(prep));
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (smtp_call_options_load(&o, options, 1, false, &locked) != SUCCESS) {
		RETURN_THROWS();
	}
	smtp_result_init(&res);
	smtp_probe_setup(&res, &o);
	if (locked) {
		smtp_fail_locked(&res, locked);
	} else if (!o.cfg.hosts || !*o.cfg.hosts) {
		smtp_fail_before(&res, SMTP_STAGE_CONNECT, "No SMTP server: smtp.host is empty and no \"host\" option was given", NULL);
	} else if (res.probe.asked && (!res.probe.from || !*res.probe.from)) {
		smtp_fail_before(&res, SMTP_STAGE_MAIL, "No sender for the probe: pass the \"probe_from\" option or set smtp.from", &o.cfg);
	} else if (smtp_prepare(&prep, &o.cfg, o.password_value, &o.oauth, &fail_stage, &fail_cause, err, sizeof(err))
			!= SUCCESS) {
		smtp_fail_at(&res, fail_stage, fail_cause, err, &o.cfg); /* a check loads the DKIM keys too: a bad one
		                                                          * shows before the first send */
	} else {
		o.cfg.probe_ports = 1; /* a failed connect says which ports answer */
		smtp_check_sender(&o.cfg, res.probe.asked ? res.probe.from : NULL, res.probe.asked ? res.probe.rcpt : NULL, &res);
	}
	smtp_prepared_free(&prep);
	smtp_result_to_array(&res, return_value);
	smtp_result_free(&res);
}
/* }}} */
