/* The one place that knows which PHP it is built against (PHP_VERSION_ID): each PHP API that moved
 * between the PHP versions we support (8.2, 8.4, 8.5, 8.6; 8.3 shares 8.2's and 8.4's API but is
 * untested) gets one spelling here, a small inline function with a comment naming the version and
 * the change. The rest of the binding calls these and never tests a version itself.
 * (c-ares needs no entry: core/net.c uses the socket-state callback, which every c-ares from 1.18
 * to 1.34 has, instead of ares_getsock(), deprecated in 1.34.) */
#ifndef PHP_SMTP_COMPAT_H
#define PHP_SMTP_COMPAT_H

#include "php.h"
#include "php_globals.h"
#include "ext/standard/exec.h"
#include "ext/standard/html.h"
#include "ext/standard/basic_functions.h"

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

/* The line separator php_mail() writes after To:, Subject:, the additional headers, the empty line and
 * the message (and between X-PHP-Originating-Script and the headers). "\r\n" unless:
 * PHP 8.2.4 (GH-8086): mail.mixed_lf_and_crlf=1 makes it "\n";
 * PHP 8.5 (GH-19188): mail.cr_lf_mode = lf, mixed or os (on a system other than Windows) makes it
 * "\n"; crlf (the default) leaves it to mail.mixed_lf_and_crlf. */
static zend_always_inline const char *smtp_compat_mail_line_sep(void)
{
#if PHP_VERSION_ID >= 80500
	const zend_string *mode = PG(mail_cr_lf_mode);
	if (mode && ZSTR_LEN(mode) > 0 && !zend_string_equals_literal(mode, "crlf")) {
		if (zend_string_equals_literal(mode, "lf") || zend_string_equals_literal(mode, "mixed")) {
			return "\n";
		}
		if (zend_string_equals_literal(mode, "os")) {
#ifdef PHP_WIN32
			return "\r\n";
#else
			return "\n";
#endif
		}
	}
#endif
#if PHP_VERSION_ID >= 80204
	if (PG(mail_mixed_lf_and_crlf)) {
		return "\n";
	}
#endif
	return "\r\n";
}

/* Whether php_mail() turns every CRLF of the message into LF before writing it (what dos2unix does;
 * the headers stay as given). PHP 8.5 (GH-19188): with mail.cr_lf_mode=lf. Before 8.5: never. */
static zend_always_inline bool smtp_compat_mail_message_lf(void)
{
#if PHP_VERSION_ID >= 80500
	const zend_string *mode = PG(mail_cr_lf_mode);
	return mode && zend_string_equals_literal(mode, "lf");
#else
	return false;
#endif
}

/* The line separator mb_send_mail() puts between the header fields it adds and between the encoded
 * words of the Subject (whose first line's indent is that of "Subject: [PHP-jp nnnnnnnn]" plus this
 * separator). PHP 8.2.4 (GH-8086): "\n" with mail.mixed_lf_and_crlf=1, else "\r\n". */
static zend_always_inline const char *smtp_compat_mb_line_sep(void)
{
#if PHP_VERSION_ID >= 80204
	if (PG(mail_mixed_lf_and_crlf)) {
		return "\n";
	}
#endif
	return "\r\n";
}

/* The current value of one of PHP's own ini settings (mail.log, sendmail_from, openssl.cafile ...),
 * NULL when it does not exist. PHP 8.6: the INI_STR() macro is gone and zend_ini_string_ex()
 * returns const char *; zend_ini_string_ex() itself is in every version. */
static zend_always_inline const char *smtp_compat_ini_str(const char *name)
{
	return zend_ini_string_ex(name, strlen(name), 0, NULL);
}

#endif
