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
#include "smtp_arginfo.h"
#include "core/tls.h"

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
}

static PHP_GSHUTDOWN_FUNCTION(smtp)
{
	smtp_tls_cache_free(smtp_globals->tls_cache);
	smtp_globals->tls_cache = NULL;
}

static PHP_MINIT_FUNCTION(smtp)
{
	smtp_ini_register(type, module_number);
	smtp_mail_install();
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(smtp)
{
	smtp_mail_uninstall();
	smtp_ini_unregister(type, module_number);
	return SUCCESS;
}

static PHP_RINIT_FUNCTION(smtp)
{
#if defined(COMPILE_DL_SMTP) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	ZVAL_NULL(&SMTP_G(last_error));
	return SUCCESS;
}

static PHP_RSHUTDOWN_FUNCTION(smtp)
{
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
	php_info_print_table_end();
	DISPLAY_INI_ENTRIES();
}

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

zend_module_entry smtp_module_entry = {
	STANDARD_MODULE_HEADER,
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
