/* The smtp extension: module globals and version. */
#ifndef PHP_SMTP_H
#define PHP_SMTP_H

#include "smtp_settings.h"

extern zend_module_entry smtp_module_entry;
#define phpext_smtp_ptr &smtp_module_entry

#define PHP_SMTP_VERSION "0.2.0"

ZEND_BEGIN_MODULE_GLOBALS(smtp)
	SMTP_SETTINGS_GLOBALS   /* one per row of smtp_settings.h: SMTP_G(host), SMTP_G(port) ... */
	zval last_error;        /* array of the last failed or partly failed mail(), or IS_NULL */
	/* process-lifetime state (per thread under ZTS), made in GINIT and freed in GSHUTDOWN: */
	struct smtp_tls_cache *tls_cache;  /* TLS contexts by (verify_peer, cafile), built once */
	smtp_local_name local_name;        /* this machine's EHLO name, looked up at the first submission */
	struct smtp_pool *pool;            /* connections kept for the next mail() (smtp.persistent) */
	struct smtp_token_cache *token_cache; /* OAuth access tokens until shortly before they expire */
	/* per request: */
	zend_long spool_due;               /* messages this request spooled to deliver at its end */
	bool log_warned;                   /* smtp.log could not be written (warned once a request) */
	struct smtp_dkim_signer *dkim;     /* DKIM keys loaded from smtp.dkim_* (smtp_dkim.c), or NULL */
	char *dkim_id;                     /* the settings they were loaded from (malloc'd), dkim_id_len bytes */
	size_t dkim_id_len;
ZEND_END_MODULE_GLOBALS(smtp)

ZEND_EXTERN_MODULE_GLOBALS(smtp)
#define SMTP_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(smtp, v)

#if defined(ZTS) && defined(COMPILE_DL_SMTP)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
