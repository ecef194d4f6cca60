/* The smtp extension: module entry, lifecycle, phpinfo() and the PHP functions. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "ext/standard/info.h"
#include "php_smtp.h"
#include "smtp_ini.h"
#include "smtp_mail.h"
#include "smtp_array.h"
#include "smtp_spool.h"
#include "smtp_arginfo.h"
#include "core/tls.h"
#include "core/pool.h"
#include "core/submit.h"
#include "core/oauth.h"

#include <openssl/opensslv.h>

ZEND_DECLARE_MODULE_GLOBALS(smtp)

static PHP_GINIT_FUNCTION(smtp)
{
#if defined(COMPILE_DL_SMTP) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(smtp_globals, 0, sizeof(*smtp_globals));
	ZVAL_NULL(&smtp_globals->last_error);
	/* TLS contexts live as long as the process (the thread under ZTS), like ext/curl's persistent
	 * share handles: the CA store is loaded once, not for every mail(). NULL when out of memory:
	 * each call then makes its own. */
	smtp_globals->tls_cache = smtp_tls_cache_new();
	/* The pool lives as long as the process too; under php-fpm the workers are forked after this, each
	 * with an empty pool of its own. NULL when out of memory: no connection is then kept. */
	smtp_globals->pool = smtp_pool_new();
	/* OAuth access tokens, beside the pool; NULL when out of memory: every mail() asks the endpoint */
	smtp_globals->token_cache = smtp_token_cache_new();
}

static PHP_GSHUTDOWN_FUNCTION(smtp)
{
	/* QUIT every kept connection, a second at most each; another process's are dropped silently */
	smtp_pool_free(smtp_globals->pool, smtp_now_ms() + 1000);
	smtp_globals->pool = NULL;
	smtp_tls_cache_free(smtp_globals->tls_cache);
	smtp_globals->tls_cache = NULL;
	smtp_token_cache_free(smtp_globals->token_cache); /* wipes the tokens */
	smtp_globals->token_cache = NULL;
}

static PHP_MINIT_FUNCTION(smtp)
{
	smtp_ini_register(type, module_number);
	/* Feature markers for callers (the WordPress plugin) that must not pass an option an older build
	 * refuses: smtp_check() throws a ValueError for an option it does not know. */
	REGISTER_LONG_CONSTANT("SMTP_CHECK_PROBE", 1, CONST_PERSISTENT);
	/* libcurl's global state, once per process (OAuth; nothing without it) */
	smtp_oauth_global_init();
	smtp_mail_install();
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(smtp)
{
	smtp_mail_uninstall();
	smtp_oauth_global_cleanup();
	smtp_ini_unregister(type, module_number);
	return SUCCESS;
}

static PHP_RINIT_FUNCTION(smtp)
{
#if defined(COMPILE_DL_SMTP) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	ZVAL_NULL(&SMTP_G(last_error));
	SMTP_G(spool_due) = 0;
	SMTP_G(log_warned) = false;
	return SUCCESS;
}

static PHP_RSHUTDOWN_FUNCTION(smtp)
{
	/* the queue drains by itself: what is due (what smtp.deferred spooled in this request first) is
	 * delivered now, by one process at a time, after the response has gone (php-fpm) */
	smtp_spool_request_end();
	if (SMTP_G(pool)) {
		/* close what is past its limits now rather than at the next request */
		smtp_config cfg;
		smtp_pool_limits lim;
		smtp_ini_config_base(&cfg);
		smtp_submit_limits(&cfg, &lim);
		smtp_pool_reap(SMTP_G(pool), &lim, smtp_now_ms() + 1000);
	}
	zval_ptr_dtor(&SMTP_G(last_error));
	ZVAL_NULL(&SMTP_G(last_error));
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(smtp)
{
	php_info_print_table_start();
	php_info_print_table_header(2, "smtp support", "enabled");
	php_info_print_table_row(2, "Version", PHP_SMTP_VERSION);
	php_info_print_table_row(2, "mail() transport",
		SMTP_G(host) && *SMTP_G(host) ? "SMTP (smtp.host)" : "PHP's own (smtp.host is empty)");
	php_info_print_table_row(2, "OpenSSL", OPENSSL_VERSION_TEXT);
	php_info_print_table_row(2, "OAuth", smtp_oauth_built() ? smtp_oauth_library() : "not built");
	if (SMTP_G(pool)) {
		const smtp_pool_stats *st = smtp_pool_stats_of(SMTP_G(pool));
		char v[64];
		snprintf(v, sizeof(v), "%d", smtp_pool_idle(SMTP_G(pool)));
		php_info_print_table_row(2, "Kept connections now", v);
		snprintf(v, sizeof(v), "%llu opened (%llu with TLS resumed), %llu reused, %llu retried", st->opened,
			st->tls_resumed, st->reused, st->retries);
		php_info_print_table_row(2, "Connections of this process", v);
		snprintf(v, sizeof(v), "%llu messages, %llu recipients, %llu bytes", st->messages, st->recipients, st->bytes);
		php_info_print_table_row(2, "Sent by this process", v);
		snprintf(v, sizeof(v), "%llu", st->round_trips);
		php_info_print_table_row(2, "Round trips waited for", v);
	}
	php_info_print_table_end();
	DISPLAY_INI_ENTRIES();
}

/* {{{ smtp_stats(): array */
PHP_FUNCTION(smtp_stats)
{
	smtp_pool_stats zero, *st;

	ZEND_PARSE_PARAMETERS_NONE();
	memset(&zero, 0, sizeof(zero));
	st = SMTP_G(pool) ? smtp_pool_stats_of(SMTP_G(pool)) : &zero;
	array_init(return_value);
	add_assoc_long(return_value, "connections_opened", (zend_long) st->opened);
	add_assoc_long(return_value, "connections_reused", (zend_long) st->reused);
	add_assoc_long(return_value, "messages", (zend_long) st->messages);
	add_assoc_long(return_value, "recipients", (zend_long) st->recipients);
	add_assoc_long(return_value, "bytes", (zend_long) st->bytes);
	add_assoc_long(return_value, "round_trips", (zend_long) st->round_trips);
	add_assoc_long(return_value, "retries", (zend_long) st->retries);
	add_assoc_long(return_value, "probes", (zend_long) st->probes);
	add_assoc_long(return_value, "dropped", (zend_long) st->dropped);
	add_assoc_long(return_value, "tls_resumed", (zend_long) st->tls_resumed);
	add_assoc_long(return_value, "idle", (zend_long) smtp_pool_idle(SMTP_G(pool)));
	add_assoc_bool(return_value, "persistent", SMTP_G(persistent));
}
/* }}} */

/* {{{ smtp_last_error(): ?array */
PHP_FUNCTION(smtp_last_error)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (Z_TYPE(SMTP_G(last_error)) == IS_ARRAY) {
		RETURN_COPY(&SMTP_G(last_error));
	}
	RETURN_NULL();
}
/* }}} */

/* mbstring, when loaded, starts before us and stops after us: mb_send_mail()'s handler is swapped
 * at our MINIT and put back at our MSHUTDOWN while its function entry exists. */
static const zend_module_dep smtp_deps[] = {
	ZEND_MOD_OPTIONAL("mbstring")
	ZEND_MOD_END
};

zend_module_entry smtp_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	smtp_deps,
	"smtp",
	ext_functions,
	PHP_MINIT(smtp),
	PHP_MSHUTDOWN(smtp),
	PHP_RINIT(smtp),
	PHP_RSHUTDOWN(smtp),
	PHP_MINFO(smtp),
	PHP_SMTP_VERSION,
	PHP_MODULE_GLOBALS(smtp),
	PHP_GINIT(smtp),
	PHP_GSHUTDOWN(smtp),
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_SMTP
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(smtp)
#endif
