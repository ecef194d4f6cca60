/* The smtp extension: module globals and version. */
#ifndef PHP_SMTP_H
#define PHP_SMTP_H

extern zend_module_entry smtp_module_entry;
#define phpext_smtp_ptr &smtp_module_entry

#define PHP_SMTP_VERSION "0.1.0"

ZEND_BEGIN_MODULE_GLOBALS(smtp)
	char      *host;
	zend_long  port;
	char      *encryption;
	char      *username;
	char      *password;
	char      *auth;
	char      *from;
	char      *from_name;
	bool       force_from;
	char      *helo;
	zend_long  timeout;
	bool       verify_peer;
	char      *cafile;
	bool       allow_insecure_auth;
	bool       allow_runtime_config;
	zval       last_error;   /* array of the last failed or partly failed mail(), or IS_NULL */
ZEND_END_MODULE_GLOBALS(smtp)

ZEND_EXTERN_MODULE_GLOBALS(smtp)
#define SMTP_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(smtp, v)

#if defined(ZTS) && defined(COMPILE_DL_SMTP)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
