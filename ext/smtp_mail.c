/* The mail() replacement. Argument parsing, validation, mail.log and mail.add_x_header follow the
 * running PHP's own mail() (ext/standard/mail.c) step by step, so that a script sees the same
 * exceptions, warnings and return values; only the transport differs: instead of writing the
 * message to `sendmail -t -i` we hand the very same byte stream to the core, which does what
 * sendmail does with it and submits it over SMTP. With smtp.host empty the original runs. */
#include "php.h"
#include "php_ini.h"
#include "SAPI.h"
#include "ext/standard/php_mail.h"
#include "ext/standard/php_string.h"
#include "ext/standard/basic_functions.h"
#include "ext/standard/exec.h"
#include "ext/standard/pageinfo.h"
#include "ext/date/php_date.h"
#include "main/php_syslog.h"
#include "zend_smart_str.h"

#include "php_smtp.h"
#include "php_smtp_compat.h"
#include "smtp_ini.h"
#include "smtp_mail.h"
#include "smtp_prepare.h"
#include "smtp_array.h"
#include "core/message.h"
#include "core/submit.h"
#include "core/sendmail_args.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/spool.h"
#include "smtp_spool.h"

#include <ctype.h>
#include <syslog.h>

static zif_handler smtp_orig_mail_handler = NULL;

/* Same as mail(): trailing white space dropped, control characters turned into spaces except
 * CRLF + WSP folding sequences. */
char *smtp_mail_clean_field(const char *in, size_t len)
{
	char *s = estrndup(in, len);
	size_t i;

	for (; len; len--) {
		if (!isspace((unsigned char) s[len - 1])) {
			break;
		}
		s[len - 1] = '\0';
	}
	for (i = 0; s[i]; i++) {
		if (iscntrl((unsigned char) s[i])) {
			if (s[i] == '\r' && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t')) {
				i += 2;
				while (s[i + 1] == ' ' || s[i + 1] == '\t') {
					i++;
				}
				continue;
			}
			s[i] = ' ';
		}
	}
	return s;
}

/* mail()'s check of the additional headers (static in ext/standard/mail.c). */
static bool smtp_mail_multiple_crlf(const char *hdr)
{
	if (!hdr || !*hdr) {
		return false;
	}
	if (*hdr < 33 || *hdr > 126 || *hdr == ':') {
		return true;
	}
	while (*hdr) {
		if (*hdr == '\r') {
			if (hdr[1] == '\0' || hdr[1] == '\r' || (hdr[1] == '\n' && (hdr[2] == '\0' || hdr[2] == '\n' || hdr[2] == '\r'))) {
				return true;
			}
			hdr += 2;
		} else if (*hdr == '\n') {
			if (hdr[1] == '\0' || hdr[1] == '\r' || hdr[1] == '\n') {
				return true;
			}
			hdr += 2;
		} else {
			hdr++;
		}
	}
	return false;
}

/* mail.log, in mail()'s format. */
static void smtp_mail_log(const char *to, const char *hdr, const char *subject)
{
	const char *mail_log = smtp_compat_ini_str("mail.log");
	char *logline, *p;

	if (!mail_log || !*mail_log) {
		return;
	}
	spprintf(&logline, 0, "mail() on [%s:%d]: To: %s -- Headers: %s -- Subject: %s",
		zend_get_executed_filename(), zend_get_executed_lineno(), to, hdr ? hdr : "", subject);
	if (hdr) {
		for (p = logline; (p = strpbrk(p, "\r\n")); ) {
			*p = ' ';
		}
	}
	if (!strcmp(mail_log, "syslog")) {
		php_syslog(LOG_NOTICE, "%s", logline);
	} else {
		time_t now = time(NULL);
		zend_string *date = php_format_date("d-M-Y H:i:s e", 13, now, 1);
		char *line;
		size_t len = spprintf(&line, 0, "[%s] %s%s", ZSTR_VAL(date), logline, PHP_EOL);
		php_stream *stream = php_stream_open_wrapper(mail_log, "a", REPORT_ERRORS | STREAM_DISABLE_OPEN_BASEDIR, NULL);
		if (stream) {
			php_stream_write(stream, line, len);
			php_stream_close(stream);
		}
		zend_string_free(date);
		efree(line);
	}
	efree(logline);
}

/* The uid mail.add_x_header reports: the owner of the main script (php_getuid()). */
static zend_long smtp_mail_script_uid(void)
{
	php_statpage();
	return BG(page_uid);
}

static void smtp_mail_remember(const smtp_result *res)
{
	zval_ptr_dtor(&SMTP_G(last_error));
	smtp_result_to_array(res, &SMTP_G(last_error));
}

/* Records a failure that happened before any connection (bad parameters, bad headers). */
static void smtp_mail_fail_early(smtp_stage stage, smtp_cause cause, const char *sentence)
{
	smtp_result res;
	smtp_result_init(&res);
	smtp_result_set_error(&res, stage, cause, "%s", sentence);
	smtp_mail_remember(&res);
	smtp_result_free(&res);
	php_error_docref(NULL, E_WARNING, "%s", sentence);
}

/* sendmail_from when it was changed after startup (ini_set(), .htaccess), non-empty; NULL otherwise. */
static const char *smtp_mail_runtime_sendmail_from(void)
{
	zend_ini_entry *e = zend_hash_str_find_ptr(EG(ini_directives), "sendmail_from", sizeof("sendmail_from") - 1);
	if (e && e->modified && e->value && ZSTR_LEN(e->value) > 0) {
		return ZSTR_VAL(e->value);
	}
	return NULL;
}

/* The domain part of an address, or NULL. */
static const char *smtp_mail_domain(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	return at && at[1] ? at + 1 : NULL;
}

/* php_mail() with SMTP as the transport. Returns true when the server accepted the message for
 * at least one recipient. */
bool smtp_mail_send(const char *to, const char *subject, const char *message,
                    const char *headers, const char *extra_cmd)
{
	const char *hdr = headers;
	char *ahdr = NULL;
	const char *line_sep;
	char *lf_message = NULL;
	smart_str raw = {0};
	char *sender_arg = NULL;
	smtp_oauth_values oauth_values;
	smtp_prepared prep;
	smtp_stage fail_stage;
	smtp_cause fail_cause;
	const char *envelope_from = NULL;
	smtp_config cfg;
	smtp_message_input in;
	smtp_message msg;
	smtp_result res;
	smtp_observer robs, obs;
	smtp_log_tap tap;
	char err[512], spool_err[512], spool_id[SMTP_SPOOL_ID_MAX];
	bool ok = false, queued = false, spool_failed = false;
	int maybe_sent = 0, held = -1;
	long long started;
	size_t i;

	smtp_mail_log(to, hdr, subject);
	if (EG(exception)) {
		return false;
	}
	line_sep = smtp_compat_mail_line_sep();
	if (smtp_compat_mail_message_lf() && strstr(message, "\r\n")) {
		/* PHP 8.5's mail.cr_lf_mode=lf: the message goes to sendmail with every CRLF an LF (a copy
		 * in this mode only; otherwise the message is read where it lies) */
		size_t j = 0;
		lf_message = emalloc(strlen(message) + 1);
		for (i = 0; message[i]; i++) {
			if (!(message[i] == '\r' && message[i + 1] == '\n')) {
				lf_message[j++] = message[i];
			}
		}
		lf_message[j] = '\0';
		message = lf_message;
	}
	if (PG(mail_x_header)) {
		const char *file = zend_get_executed_filename();
		zend_string *base = php_basename(file, strlen(file), NULL, 0);
		if (headers != NULL && *headers) {
			spprintf(&ahdr, 0, "X-PHP-Originating-Script: " ZEND_LONG_FMT ":%s%s%s",
				smtp_mail_script_uid(), ZSTR_VAL(base), line_sep, headers);
		} else {
			spprintf(&ahdr, 0, "X-PHP-Originating-Script: " ZEND_LONG_FMT ":%s",
				smtp_mail_script_uid(), ZSTR_VAL(base));
		}
		hdr = ahdr;
		zend_string_release_ex(base, 0);
	}
	if (hdr && smtp_mail_multiple_crlf(hdr)) {
		php_error_docref(NULL, E_WARNING, "Multiple or malformed newlines found in additional_header");
		goto out;
	}

	/* Envelope sender: -f (or mail.force_extra_parameters), then a sendmail_from changed in this
	 * request (PHPMailer sets it for a Sender it will not pass as -f), then smtp.from, then php.ini's
	 * sendmail_from, then the From: header. */
	if (smtp_sendmail_args_sender(extra_cmd, &sender_arg, err, sizeof(err)) != 0) {
		smtp_mail_fail_early(SMTP_STAGE_MAIL, SMTP_CAUSE_INPUT, err);
		goto out;
	}
	if (sender_arg) {
		envelope_from = sender_arg;
	} else if (smtp_mail_runtime_sendmail_from()) {
		envelope_from = smtp_mail_runtime_sendmail_from();
	} else if (SMTP_G(from) && *SMTP_G(from)) {
		envelope_from = SMTP_G(from);
	} else if (smtp_compat_ini_str("sendmail_from") && *smtp_compat_ini_str("sendmail_from")) {
		envelope_from = smtp_compat_ini_str("sendmail_from");
	}

	/* Exactly what mail() writes to sendmail, in three pieces: the header lines and the empty line
	 * (built here, small), the message argument where it lies (never copied: the body streams
	 * from it to the socket), and the final line separator. */
	smart_str_appends(&raw, "To: ");
	smart_str_appends(&raw, to);
	smart_str_appends(&raw, line_sep);
	smart_str_appends(&raw, "Subject: ");
	smart_str_appends(&raw, subject);
	smart_str_appends(&raw, line_sep);
	if (hdr) {
		smart_str_appends(&raw, hdr);
		smart_str_appends(&raw, line_sep);
	}
	smart_str_appends(&raw, line_sep);
	smart_str_0(&raw);

	memset(&in, 0, sizeof(in));
	in.raw = ZSTR_VAL(raw.s);
	in.raw_len = ZSTR_LEN(raw.s);
	in.more[0] = message;
	in.more_len[0] = strlen(message);
	in.more[1] = line_sep;
	in.more_len[1] = strlen(line_sep);
	in.envelope_from = envelope_from;
	/* A message without From: gets smtp.from — unless mail() named the sender with -f: then,
	 * as with sendmail, From: is that sender (smtp.force_from still rewrites to smtp.from). */
	in.from_addr = (SMTP_G(from) && *SMTP_G(from) && (!sender_arg || SMTP_G(force_from))) ? SMTP_G(from) : NULL;
	in.from_name = SMTP_G(from_name);
	in.force_from = SMTP_G(force_from);
	in.msgid_domain = (SMTP_G(helo) && *SMTP_G(helo)) ? SMTP_G(helo) : smtp_mail_domain(envelope_from);
	in.now = time(NULL);

	smtp_message_init(&msg);
	if (smtp_message_prepare(&in, &msg, err, sizeof(err)) != 0) {
		smtp_message_free(&msg);
		smtp_mail_fail_early(SMTP_STAGE_MAIL, SMTP_CAUSE_INPUT, err);
		goto out;
	}

	if (SMTP_G(deferred)) {
		/* smtp.deferred: spooled now, delivered at the end of the request (after the response) */
		if (!smtp_spool_enabled()) {
			php_error_docref(NULL, E_WARNING, "smtp.deferred=1 needs smtp.spool_dir: the message is sent now");
		} else if (smtp_spool_put(&msg, &msg.rcpts, 0, 0, NULL, 0, NULL, spool_id, err, sizeof(err)) == SUCCESS) {
			SMTP_G(spool_due)++;
			smtp_message_free(&msg);
			ok = true;
			goto out;
		} else {
			php_error_docref(NULL, E_WARNING, "smtp.deferred: the spool cannot be written (%s): the message is sent now", err);
		}
	}

	smtp_ini_config_base(&cfg);
	smtp_oauth_values_from_settings(&oauth_values);
	if (smtp_prepare(&prep, &cfg, SMTP_G(password), &oauth_values, &fail_stage, &fail_cause, err, sizeof(err))
			!= SUCCESS) {
		/* a setting that cannot be used (the secret, the token source, the DKIM keys): nothing was tried */
		smtp_prepared_free(&prep);
		smtp_result_init(&res);
		smtp_result_set_error(&res, fail_stage, fail_cause, "%s", err);
		smtp_log_submission(&msg, &res, "failed", "mail", smtp_wall_ms(), 0, NULL, 0);
		smtp_result_free(&res);
		smtp_message_free(&msg);
		smtp_mail_fail_early(fail_stage, fail_cause, err);
		goto out;
	}

	smtp_result_init(&res);
	smtp_result_observer(&res, &robs);
	smtp_log_tap_observer(&tap, &robs, &obs);
	started = smtp_wall_ms();
	smtp_submit_observed(&cfg, &msg, &obs, NULL);
	smtp_prepared_free(&prep);

	/* A transient failure (or recipients refused for now) with a spool: the message is kept for those
	 * still to deliver and mail() says true, as sendmail does. A spool that cannot be written: false. */
	maybe_sent = smtp_log_maybe_sent(&tap, &res);
	if (smtp_spool_enabled()) {
		smtp_strlist pending;
		smtp_strlist_init(&pending);
		if (smtp_spool_pending(&res, &msg.rcpts, &pending) == 0 && pending.count > 0) {
			long long next = (long long) time(NULL)
				+ smtp_spool_backoff(1, (unsigned) ((unsigned long long) (smtp_now_precise_ms() * 1000.0) ^ (unsigned) getpid()));
			if (smtp_spool_put(&msg, &pending, 1, next, res.error ? res.error : "some recipients were refused for now",
					maybe_sent, &held, spool_id, spool_err, sizeof(spool_err)) == SUCCESS) {
				queued = true;
			} else {
				spool_failed = true;
			}
		}
		smtp_strlist_free(&pending);
	}
	smtp_log_submission(&msg, &res, queued ? "queued" : res.ok ? "sent" : "failed", "mail", started, tap.reused,
		queued ? spool_id : NULL, maybe_sent);
	/* the entry was held until this attempt's line is written: a flush running meanwhile (another
	 * process) left it alone, so its line for the next attempt comes after this one */
	smtp_spool_release(held);
	smtp_message_free(&msg);

	if (res.ok || queued) {
		bool partial = false;
		ok = true;
		for (i = 0; i < res.rcpt_count; i++) {
			const smtp_rcpt_result *r = &res.rcpts[i];
			if (r->code < 200 || r->code >= 300) {
				partial = true;
				if (queued && (r->code < 500 || (!res.ok && res.err.stage < SMTP_STAGE_RCPT))) {
					continue; /* kept in the spool for a later attempt (a reply to RCPT after a refused
					           * MAIL says nothing of the recipient) */
				}
				char *text = estrdup(r->message ? r->message : "");
				char *p;
				for (p = text; (p = strpbrk(p, "\r\n")); ) {
					*p = ' ';
				}
				php_error_docref(NULL, E_WARNING, "SMTP RCPT TO <%s> refused: %d%s%s%s%s",
					r->address, r->code, r->enhanced[0] ? " " : "", r->enhanced, *text ? " " : "", text);
				efree(text);
			}
		}
		if (partial || queued) {
			smtp_mail_remember(&res);
		}
		if (queued && Z_TYPE(SMTP_G(last_error)) == IS_ARRAY) {
			add_assoc_bool(&SMTP_G(last_error), "queued", true);
			add_assoc_string(&SMTP_G(last_error), "spool_id", spool_id);
			add_assoc_bool(&SMTP_G(last_error), "maybe_sent", maybe_sent);
		}
	} else if (spool_failed) {
		php_error_docref(NULL, E_WARNING, "%s; the message could not be spooled for a later attempt: %s",
			res.error ? res.error : "SMTP submission failed", spool_err);
		smtp_mail_remember(&res);
	} else {
		php_error_docref(NULL, E_WARNING, "%s", res.error ? res.error : "SMTP submission failed");
		smtp_mail_remember(&res);
	}
	smtp_result_free(&res);

out:
	smart_str_free(&raw);
	free(sender_arg);
	if (lf_message) {
		efree(lf_message);
	}
	if (ahdr) {
		efree(ahdr);
	}
	return ok;
}

bool smtp_mail_headers_arg(zend_string **str, HashTable *ht)
{
	if (*str) {
		if (strlen(ZSTR_VAL(*str)) != ZSTR_LEN(*str)) {
			zend_argument_value_error(4, "must not contain any null bytes");
			return false;
		}
		*str = php_trim(*str, NULL, 0, 2);
	} else if (ht) {
		*str = php_mail_build_headers(ht);
		if (EG(exception)) {
			if (*str) {
				zend_string_release_ex(*str, 0);
				*str = NULL;
			}
			return false;
		}
	}
	return true;
}

zend_string *smtp_mail_extra_cmd(const zend_string *given)
{
	const char *force_extra_parameters = smtp_compat_ini_str("mail.force_extra_parameters");

	if (force_extra_parameters) {
		return smtp_compat_escape_shell_cmd(force_extra_parameters, strlen(force_extra_parameters));
	}
	return given ? smtp_compat_escape_shell_cmd(ZSTR_VAL(given), ZSTR_LEN(given)) : NULL;
}

/* {{{ mail() */
static PHP_FUNCTION(smtp_mail)
{
	char *to = NULL, *message = NULL, *subject = NULL;
	zend_string *extra_cmd = NULL, *headers_str = NULL;
	HashTable *headers_ht = NULL;
	size_t to_len, message_len, subject_len;
	char *to_r, *subject_r;

	if (!smtp_mail_engine_on()) {
		smtp_orig_mail_handler(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_PATH(to, to_len)
		Z_PARAM_PATH(subject, subject_len)
		Z_PARAM_PATH(message, message_len)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(headers_ht, headers_str)
		Z_PARAM_PATH_STR(extra_cmd)
	ZEND_PARSE_PARAMETERS_END();

	if (!smtp_mail_headers_arg(&headers_str, headers_ht)) {
		RETURN_THROWS();
	}

	to_r = smtp_mail_clean_field(to, to_len);
	subject_r = smtp_mail_clean_field(subject, subject_len);

	extra_cmd = smtp_mail_extra_cmd(extra_cmd);

	RETVAL_BOOL(smtp_mail_send(to_r, subject_r, message,
		headers_str && ZSTR_LEN(headers_str) ? ZSTR_VAL(headers_str) : NULL,
		extra_cmd ? ZSTR_VAL(extra_cmd) : NULL));

	if (headers_str) {
		zend_string_release_ex(headers_str, 0);
	}
	if (extra_cmd) {
		zend_string_release_ex(extra_cmd, 0);
	}
	efree(to_r);
	efree(subject_r);
}
/* }}} */

bool smtp_mail_engine_on(void)
{
	return SMTP_G(host) && *SMTP_G(host);
}

void smtp_handler_swap(const char *name, zif_handler ours, zif_handler *orig)
{
	zend_function *fn = zend_hash_str_find_ptr(CG(function_table), name, strlen(name));
	if (fn && fn->type == ZEND_INTERNAL_FUNCTION && *orig == NULL) {
		*orig = fn->internal_function.handler;
		fn->internal_function.handler = ours;
	}
}

void smtp_handler_restore(const char *name, zif_handler ours, zif_handler *orig)
{
	zend_function *fn = zend_hash_str_find_ptr(CG(function_table), name, strlen(name));
	if (fn && fn->type == ZEND_INTERNAL_FUNCTION && *orig && fn->internal_function.handler == ours) {
		fn->internal_function.handler = *orig;
	}
	*orig = NULL;
}

void smtp_mail_install(void)
{
	smtp_handler_swap("mail", ZEND_FN(smtp_mail), &smtp_orig_mail_handler);
	smtp_mail_paths_install();
}

void smtp_mail_uninstall(void)
{
	smtp_mail_paths_uninstall();
	smtp_handler_restore("mail", ZEND_FN(smtp_mail), &smtp_orig_mail_handler);
}
