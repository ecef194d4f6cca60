/* The spool's binding (smtp_spool.h): PHP values in and out; the queue itself is core/spool.c. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "SAPI.h"
#include "php_smtp.h"
#include "smtp_ini.h"
#include "smtp_prepare.h"
#include "smtp_spool.h"
#include "core/clock.h"
#include "core/spool.h"

#include <time.h>
#include <unistd.h>

/* The end-of-request drain: entries and time at most, so a request's end is bounded. */
#define SMTP_DRAIN_LIMIT 50
#define SMTP_DRAIN_MIN_MS 30000

bool smtp_spool_enabled(void)
{
	return SMTP_G(spool_dir) && *SMTP_G(spool_dir);
}

zend_result smtp_spool_put(const smtp_message *msg, const smtp_strlist *rcpts, int attempts, long long next,
	const char *error, int maybe_sent, int *held, char *id, char *err, size_t errlen)
{
	smtp_spool sp;
	smtp_spool_entry e;
	smtp_body b;
	char msgid[SMTP_SPOOL_ENTRY_MAX_VALUE];
	int rc;

	if (smtp_spool_open(&sp, SMTP_G(spool_dir), err, errlen) != 0) {
		return FAILURE;
	}
	smtp_message_id(msg, msgid, sizeof(msgid));
	smtp_spool_entry_init(&e);
	e.created = (long long) time(NULL);
	e.next = next;
	e.attempts = attempts;
	e.maybe_sent = maybe_sent;
	e.message_id = msgid;
	e.error = (char *) (error ? error : "");
	e.sender = msg->sender ? msg->sender : (char *) "";
	e.rcpts = *rcpts; /* lent, not freed here */
	smtp_message_reader(msg, &b);
	rc = smtp_spool_enqueue_held(&sp, &e, &b, id, held, err, errlen);
	smtp_spool_close(&sp);
	return rc == 0 ? SUCCESS : FAILURE;
}

void smtp_spool_log(const smtp_log_record *r)
{
	smtp_buf line;
	char err[300];

	if (!SMTP_G(log) || !*SMTP_G(log)) {
		return;
	}
	smtp_buf_init(&line, 0);
	if (smtp_log_line(r, &line) == 0 && smtp_log_write(SMTP_G(log), line.data, line.len, err, sizeof(err)) != 0
			&& !SMTP_G(log_warned)) {
		SMTP_G(log_warned) = true;
		php_error_docref(NULL, E_WARNING, "%s", err);
	}
	smtp_buf_free(&line);
}

void smtp_log_submission(const smtp_message *msg, const smtp_result *res, const char *result, const char *source,
	long long started, int reused, const char *spool_id, int maybe_sent)
{
	smtp_log_record rec;
	char msgid[512];

	if (!SMTP_G(log) || !*SMTP_G(log)) {
		return;
	}
	memset(&rec, 0, sizeof(rec));
	smtp_message_id(msg, msgid, sizeof(msgid));
	rec.time_ms = started;
	rec.message_id = msgid;
	rec.from = msg->sender;
	rec.rcpts = msg->rcpts.count;
	smtp_log_from_result(&rec, res);
	rec.result = result;
	rec.attempt = 1;
	rec.reused = reused;
	rec.spool_id = spool_id;
	rec.maybe_sent = maybe_sent;
	rec.source = source;
	smtp_spool_log(&rec);
}

typedef struct {
	bool warn; /* smtp_spool_flush() called by the script: warnings for what went wrong for good */
} flush_ctx;

static void on_report(void *ctx, const smtp_log_record *r)
{
	flush_ctx *f = ctx;

	smtp_spool_log(r);
	/* failed for good, or an entry the spool itself could not keep up to date (stage spool) */
	if (f->warn && r->result && (strcmp(r->result, "failed") == 0 || (r->stage && strcmp(r->stage, "spool") == 0))) {
		php_error_docref(NULL, E_WARNING, "spooled message %s%s%s: %s", r->spool_id ? r->spool_id : "",
			r->message_id && *r->message_id ? " " : "", r->message_id ? r->message_id : "",
			r->error ? r->error : "failed");
	}
}

/* One flush with the settings of this process. FAILURE with a warning when it cannot run. */
static zend_result run_flush(int limit, bool force, int64_t deadline, bool warn, smtp_spool_counts *c)
{
	smtp_spool sp;
	smtp_spool_flush_opts o;
	smtp_config cfg;
	smtp_oauth_values oauth_values;
	smtp_prepared prep;
	smtp_stage fail_stage;
	smtp_cause fail_cause;
	flush_ctx f;
	smtp_spool_stats st;
	char err[512];
	zend_result rc = SUCCESS;

	memset(c, 0, sizeof(*c));
	if (!smtp_spool_enabled()) {
		if (warn) {
			php_error_docref(NULL, E_WARNING, "smtp.spool_dir is empty: there is no spool to deliver");
		}
		return FAILURE;
	}
	if (smtp_spool_open(&sp, SMTP_G(spool_dir), err, sizeof(err)) != 0) {
		if (warn) {
			php_error_docref(NULL, E_WARNING, "SMTP spool: %s", err);
		}
		return FAILURE;
	}
	/* This process's settings, as mail() has them: the connection and its secret, the XOAUTH2 token
	 * source, the DKIM keys that sign each message as for a first attempt. */
	memset(&prep, 0, sizeof(prep));
	if (!SMTP_G(host) || !*SMTP_G(host)) {
		snprintf(err, sizeof(err), "smtp.host is empty");
		goto not_delivered;
	}
	smtp_oauth_values_from_settings(&oauth_values);
	smtp_ini_config_base(&cfg);
	if (smtp_prepare(&prep, &cfg, SMTP_G(password), &oauth_values, &fail_stage, &fail_cause, err, sizeof(err))
			!= SUCCESS) {
		goto not_delivered;
	}
	memset(&o, 0, sizeof(o));
	f.warn = warn;
	o.cfg = &cfg;
	o.limit = limit;
	o.force = force;
	o.deadline_ms = deadline;
	o.max_age = (long long) SMTP_G(spool_max_age);
	o.report = on_report;
	o.ctx = &f;
	if (smtp_spool_flush(&sp, &o, c) != 0) {
		if (warn) {
			php_error_docref(NULL, E_WARNING, "SMTP spool: cannot read %s", SMTP_G(spool_dir));
		}
		rc = FAILURE;
	}
	if (warn && c->corrupt > 0) {
		php_error_docref(NULL, E_WARNING, "SMTP spool: %ld damaged entr%s set aside in %s/bad (never delivered)",
			c->corrupt, c->corrupt == 1 ? "y" : "ies", SMTP_G(spool_dir));
	}
	smtp_prepared_free(&prep);
	smtp_spool_close(&sp);
	return rc;

not_delivered: /* nothing was tried: every entry is still waiting */
	if (warn) {
		php_error_docref(NULL, E_WARNING, "SMTP spool not delivered: %s", err);
	}
	if (smtp_spool_status(&sp, &st) == 0) {
		c->remaining = st.count;
	}
	smtp_prepared_free(&prep);
	smtp_spool_close(&sp);
	return FAILURE;
}

/* php-fpm: the response is finished (fastcgi_finish_request()) before the queue is delivered, so the
 * client never waits for SMTP. Output is already flushed when RSHUTDOWN runs. */
static void finish_response(void)
{
	zval fn, ret;

	if (!sapi_module.name || strcmp(sapi_module.name, "fpm-fcgi") != 0
			|| !zend_hash_str_exists(CG(function_table), "fastcgi_finish_request", sizeof("fastcgi_finish_request") - 1)) {
		return;
	}
	ZVAL_STRING(&fn, "fastcgi_finish_request");
	ZVAL_UNDEF(&ret);
	call_user_function(CG(function_table), NULL, &fn, &ret, 0, NULL);
	zval_ptr_dtor(&ret);
	zval_ptr_dtor(&fn);
}

void smtp_spool_request_end(void)
{
	smtp_spool sp;
	smtp_spool_counts c;
	char err[300];
	int lock;
	int64_t budget, deadline;

	if (!smtp_spool_enabled() || !SMTP_G(host) || !*SMTP_G(host)) {
		return;
	}
	if (smtp_spool_open(&sp, SMTP_G(spool_dir), err, sizeof(err)) != 0) {
		return;
	}
	budget = 2 * (int64_t) SMTP_G(timeout) * 1000;
	if (budget < SMTP_DRAIN_MIN_MS) {
		budget = SMTP_DRAIN_MIN_MS;
	}
	/* what this request spooled goes whole: the bounds grow with it (1 s a message) */
	deadline = smtp_now_ms() + budget + 1000 * (int64_t) SMTP_G(spool_due);
	if (SMTP_G(spool_due)) {
		/* this request spooled (smtp.deferred): its messages must go now, so after the response it
		 * waits for a process that is draining to finish (that one may have listed the spool before
		 * they were written) */
		finish_response();
		while ((lock = smtp_spool_trylock(&sp)) < 0 && smtp_now_ms() < deadline) {
			usleep(50000);
		}
	} else {
		lock = smtp_spool_has_due(&sp) ? smtp_spool_trylock(&sp) : -1;
		if (lock >= 0) {
			finish_response();
		}
	}
	if (lock >= 0) {
		run_flush(SMTP_DRAIN_LIMIT + (int) MIN(SMTP_G(spool_due), 1000000), false, deadline, false, &c);
		smtp_spool_unlock(lock);
	}
	smtp_spool_close(&sp);
	SMTP_G(spool_due) = 0;
}

/* {{{ smtp_spool_flush(int $limit = 0, bool $force = false): array */
PHP_FUNCTION(smtp_spool_flush)
{
	zend_long limit = 0;
	bool force = false;
	smtp_spool_counts c;

	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(limit)
		Z_PARAM_BOOL(force)
	ZEND_PARSE_PARAMETERS_END();
	if (limit < 0 || limit > INT_MAX) {
		zend_argument_value_error(1, "must be between 0 and %d", INT_MAX);
		RETURN_THROWS();
	}
	run_flush((int) limit, force, 0, true, &c);
	array_init(return_value);
	add_assoc_long(return_value, "delivered", c.delivered);
	add_assoc_long(return_value, "failed", c.failed);
	add_assoc_long(return_value, "deferred", c.deferred);
	add_assoc_long(return_value, "expired", c.expired);
	add_assoc_long(return_value, "corrupt", c.corrupt);
	add_assoc_long(return_value, "remaining", c.remaining);
}
/* }}} */

/* {{{ smtp_spool_status(): array */
PHP_FUNCTION(smtp_spool_status)
{
	smtp_spool sp;
	smtp_spool_stats st;
	char err[300];
	bool ok = false;

	ZEND_PARSE_PARAMETERS_NONE();
	memset(&st, 0, sizeof(st));
	snprintf(err, sizeof(err), "cannot read the spool directory %s", SMTP_G(spool_dir) ? SMTP_G(spool_dir) : "");
	if (smtp_spool_enabled()) {
		if (smtp_spool_open(&sp, SMTP_G(spool_dir), err, sizeof(err)) == 0) {
			ok = smtp_spool_status(&sp, &st) == 0;
			smtp_spool_close(&sp);
		}
		if (!ok) {
			php_error_docref(NULL, E_WARNING, "SMTP spool: %s", err);
		}
	}
	array_init(return_value);
	add_assoc_bool(return_value, "enabled", smtp_spool_enabled());
	add_assoc_long(return_value, "count", st.count);
	add_assoc_long(return_value, "claimed", st.claimed);
	add_assoc_long(return_value, "corrupt", st.corrupt);
	if (st.oldest) {
		add_assoc_long(return_value, "oldest", (zend_long) st.oldest);
	} else {
		add_assoc_null(return_value, "oldest");
	}
	add_assoc_long(return_value, "bytes", (zend_long) st.bytes);
	if (st.count > st.claimed) {
		add_assoc_long(return_value, "next_attempt", (zend_long) st.next_attempt);
	} else {
		add_assoc_null(return_value, "next_attempt");
	}
}
/* }}} */
