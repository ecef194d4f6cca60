/* The one place that knows which PHP it is built against (PHP_VERSION_ID): each PHP API that moved
 * between the PHP versions we support (8.2, 8.4, 8.5, 8.6; 8.3 shares 8.2's and 8.4's API but is
 * untested) gets one spelling here, a small inline function with a comment naming the version and
 * the change. The rest of the binding calls these and never tests a version itself.
 * (c-ares needs no entry: core/net.c uses the socket-state callback, which every c-ares from 1.18
 * to 1.34 has, instead of ares_getsock(), deprecated in 1.34.) */
#ifndef PHP_SMTP_COMPAT_H
#define PHP_SMTP_COMPAT_H

#include "php.h"
#include "ext/standard/exec.h"
#include "ext/standard/html.h"

/* HTML escaping for phpinfo(). php_info_html_esc() is gone from PHP 8.4's headers; it was
 * php_escape_html_entities() with ENT_QUOTES, which every version has. */
static zend_always_inline zend_string *smtp_compat_html_esc(const char *s)
{
	return php_escape_html_entities((const unsigned char *)s, strlen(s), 0, ENT_QUOTES, NULL);
}

/* Shell escaping of mail()'s fifth argument (what php_mail() would hand to sendmail, and what
 * the -f sender is read from). PHP 8.4 (php-src PR 14353): php_escape_shell_cmd() takes a
 * zend_string; before, a NUL-terminated char *. */
static zend_always_inline zend_string *smtp_compat_escape_shell_cmd(const char *s, size_t len)
{
#if PHP_VERSION_ID >= 80400
	zend_string *in = zend_string_init(s, len, 0);
	zend_string *out = php_escape_shell_cmd(in);
	zend_string_release_ex(in, 0);
	return out;
#else
	(void)len;
	return php_escape_shell_cmd(s);
#endif
}

/* The current value of one of PHP's own ini settings (mail.log, sendmail_from, openssl.cafile ...),
 * NULL when it does not exist. PHP 8.6: the INI_STR() macro is gone and zend_ini_string_ex()
 * returns const char *; zend_ini_string_ex() itself is in every version. */
static zend_always_inline const char *smtp_compat_ini_str(const char *name)
{
	return zend_ini_string_ex(name, strlen(name), 0, NULL);
}

#endif
