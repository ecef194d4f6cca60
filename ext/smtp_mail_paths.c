/* The two other callers of PHP's internal php_mail(): mb_send_mail() and error_log($msg, 1, $to).
 *
 * php_mail() itself cannot be replaced (PHP binds its own calls to it), so, as for mail(), the two
 * functions' handlers are swapped at MINIT. With smtp.host empty the original handler runs and
 * nothing changes. With smtp.host set:
 * - error_log() parses its arguments as PHP does; types other than 1 go to PHP's own error_log()
 *   with the same arguments; type 1 hands smtp_mail_send() what PHP's error_log() hands php_mail():
 *   the destination as given, the subject "PHP error_log message", the message, the headers.
 * - mb_send_mail() does what mbstring's mb_send_mail() does before it calls php_mail() — the same
 *   argument checks, the header scan for Content-Type (charset), Content-Transfer-Encoding and
 *   MIME-Version, the language's mail charset and encodings, the encoded Subject, the converted
 *   and encoded body, the MIME headers added — using mbstring's own public functions for the
 *   charset work (mb_get_info, mb_encode_mimeheader, mb_convert_encoding), then smtp_mail_send().
 *   docs/mail-compatibility.md says where this can differ. */
#include "php.h"
#include "ext/standard/php_mail.h"
#include "ext/standard/php_string.h"
#include "ext/standard/basic_functions.h"
#include "ext/standard/exec.h"
#include "ext/standard/base64.h"
#include "zend_exceptions.h"
#include "zend_smart_str.h"

#include "php_smtp.h"
#include "php_smtp_compat.h"
#include "smtp_mail.h"

static zif_handler smtp_orig_mb_send_mail = NULL;
static zif_handler smtp_orig_error_log = NULL;

/* {{{ error_log() */
static PHP_FUNCTION(smtp_error_log)
{
	zend_string *message, *opt = NULL, *headers = NULL;
	zend_long erropt = 0;

	if (!smtp_mail_engine_on()) {
		smtp_orig_error_log(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}

	ZEND_PARSE_PARAMETERS_START(1, 4)
		Z_PARAM_STR(message)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(erropt)
		Z_PARAM_PATH_STR_OR_NULL(opt)
		Z_PARAM_STR_OR_NULL(headers)
	ZEND_PARSE_PARAMETERS_END();

	if ((int) erropt != 1) {
		/* not mail: PHP's own error_log() with the same arguments (its internal helper changed
		 * signature in PHP 8.6, the function did not) */
		smtp_orig_error_log(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}
	/* php_mail() prints a missing destination the way printf() does: To: (null) */
	RETURN_BOOL(smtp_mail_send(opt ? ZSTR_VAL(opt) : "(null)", "PHP error_log message", ZSTR_VAL(message),
		headers ? ZSTR_VAL(headers) : NULL, NULL));
}
/* }}} */

/* ---- mb_send_mail() ---- */

/* The mbstring functions the reproduction calls; when one is missing (disable_functions), the
 * original mb_send_mail() runs. */
static const char *const smtp_mb_needed[] = {
	"mb_get_info", "mb_encode_mimeheader", "mb_convert_encoding", "mb_preferred_mime_name",
	"mb_substitute_character", "mb_encoding_aliases",
};

static bool smtp_mb_available(void)
{
	size_t i;
	for (i = 0; i < sizeof(smtp_mb_needed) / sizeof(smtp_mb_needed[0]); i++) {
		if (!zend_hash_str_exists(EG(function_table), smtp_mb_needed[i], strlen(smtp_mb_needed[i]))) {
			return false;
		}
	}
	return true;
}

/* Calls the internal function NAME; false (and *ret undefined or null) when it threw. */
static bool smtp_mb_call(const char *name, zval *ret, uint32_t argc, zval *argv)
{
	zend_function *fn = zend_hash_str_find_ptr(EG(function_table), name, strlen(name));

	ZVAL_UNDEF(ret);
	if (!fn) {
		return false;
	}
	zend_call_known_function(fn, NULL, NULL, ret, argc, argv, NULL);
	return !EG(exception);
}

/* mb_get_info(KEY) as a string, or NULL. */
static zend_string *smtp_mb_info(const char *key)
{
	zval arg, ret;
	ZVAL_STRING(&arg, key);
	if (smtp_mb_call("mb_get_info", &ret, 1, &arg) && Z_TYPE(ret) == IS_STRING) {
		zval_ptr_dtor(&arg);
		return Z_STR(ret);
	}
	zval_ptr_dtor(&arg);
	zval_ptr_dtor(&ret);
	return NULL;
}

/* Whether mbstring knows the encoding NAME (by name, MIME name or alias); never leaves an exception. */
static bool smtp_mb_known(const char *name)
{
	zval arg, ret;
	bool ok;
	ZVAL_STRING(&arg, name);
	ok = smtp_mb_call("mb_encoding_aliases", &ret, 1, &arg);
	if (EG(exception)) {
		zend_clear_exception();
	}
	zval_ptr_dtor(&arg);
	zval_ptr_dtor(&ret);
	return ok;
}

/* The header fields mb_send_mail() looks at in the additional headers. */
typedef struct {
	zend_string *content_type;
	zend_string *transfer_encoding;
	bool mime_version;
} smtp_mb_fields;

static void smtp_mb_keep(smtp_mb_fields *f, const char *name, size_t name_len, const char *val, size_t val_len)
{
	zend_string **slot = NULL;

	if (!name || !val || val_len == 0) {
		return;
	}
	if (name_len == sizeof("content-type") - 1 && !strncasecmp(name, "content-type", name_len)) {
		slot = &f->content_type;
	} else if (name_len == sizeof("content-transfer-encoding") - 1
			&& !strncasecmp(name, "content-transfer-encoding", name_len)) {
		slot = &f->transfer_encoding;
	} else if (name_len == sizeof("mime-version") - 1 && !strncasecmp(name, "mime-version", name_len)) {
		f->mime_version = true;
		return;
	}
	if (slot) {
		if (*slot) {
			zend_string_release(*slot);
		}
		*slot = zend_string_init(val, val_len, 0);
	}
}

/* mb_send_mail()'s scan of the additional headers, state for state, so that the same fields (and
 * the same values, including how folded lines and stray CRs are counted) are found: a field is
 * recorded when the next field begins or at the end; a line starting with white space continues a
 * value, or, anywhere else, stops the scan of further fields; an empty line ends it. */
enum { MB_START, MB_NAME, MB_COLON, MB_VALUE, MB_FOLD, MB_STUCK };
enum { MB_LINE_START = -1, MB_IN_LINE = 0, MB_AFTER_CR = 1 };

static void smtp_mb_scan_headers(const char *s, size_t len, smtp_mb_fields *f)
{
	int st = MB_START, at = MB_LINE_START;
	const char *tok = NULL, *name = NULL;
	size_t n = 0, name_len = 0, i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == ':') {
			if (at == MB_AFTER_CR) {
				n++;
			}
			if (st == MB_START || st == MB_NAME) {
				if (tok && n > 0) {
					name = tok;
					name_len = n;
				}
				st = MB_COLON;
			} else {
				n++;
			}
			at = MB_IN_LINE;
		} else if (c == '\n') {
			if (at == MB_LINE_START) {
				break;
			}
			at = MB_LINE_START;
		} else if (c == '\r') {
			if (at == MB_AFTER_CR) {
				n++;
			} else {
				at = MB_AFTER_CR;
			}
		} else if (c == ' ' || c == '\t') {
			if (at == MB_LINE_START) {
				st = st == MB_VALUE ? MB_FOLD : MB_STUCK;
			} else {
				if (at == MB_AFTER_CR) {
					n++;
				}
				if (st == MB_NAME || st == MB_VALUE) {
					n++;
				}
			}
			at = MB_IN_LINE;
		} else {
			if (st == MB_START) {
				tok = s + i;
				n = 0;
				st = MB_NAME;
			} else if (st == MB_COLON && at != MB_LINE_START) {
				tok = s + i;
				n = 0;
				st = MB_VALUE;
			} else if ((st == MB_COLON || st == MB_VALUE) && at == MB_LINE_START) {
				smtp_mb_keep(f, name, name_len, tok, tok && n > 0 ? n : 0);
				name = NULL;
				tok = s + i;
				n = 0;
				st = MB_NAME;
			} else if (st == MB_FOLD) {
				n++;
				st = MB_VALUE;
			}
			if (at == MB_AFTER_CR) {
				n++;
			}
			n++;
			at = MB_IN_LINE;
		}
	}
	if (st == MB_COLON) {
		tok = "";
		n = 0;
		st = MB_VALUE;
	}
	if (st == MB_VALUE) {
		smtp_mb_keep(f, name, name_len, tok, tok && n > 0 ? n : 0);
	}
}

/* The charset parameter of a Content-Type value, as mb_send_mail() reads it: only the first
 * parameter after the first ';' is looked at. NULL when there is none or it has no value (the
 * charset then stays the language's); emalloc'ed. */
static char *smtp_mb_charset_param(const zend_string *ct)
{
	char *copy = estrndup(ZSTR_VAL(ct), ZSTR_LEN(ct));
	char *p = strchr(copy, ';'), *tmp = NULL, *param, *cs, *out = NULL;

	if (p) {
		do {
			p++;
		} while (*p == ' ' || *p == '\t');
		if (*p && (param = php_strtok_r(p, "= ", &tmp)) != NULL && !strcasecmp(param, "charset")) {
			cs = php_strtok_r(NULL, "= \"", &tmp);
			out = cs ? estrdup(cs) : NULL;
		}
	}
	efree(copy);
	return out;
}

/* The body's transfer encoding as mbstring's mail functions name them: base64, 7bit or 8bit. */
typedef enum { MB_BODY_BASE64, MB_BODY_7BIT, MB_BODY_8BIT } smtp_mb_body_enc;

static bool smtp_mb_body_enc_of(const char *name, smtp_mb_body_enc *out)
{
	if (!strcasecmp(name, "base64")) {
		*out = MB_BODY_BASE64;
	} else if (!strcasecmp(name, "7bit")) {
		*out = MB_BODY_7BIT;
	} else if (!strcasecmp(name, "8bit") || !strcasecmp(name, "binary")) {
		*out = MB_BODY_8BIT;
	} else {
		return false;
	}
	return true;
}

static const char *smtp_mb_body_enc_name(smtp_mb_body_enc e)
{
	return e == MB_BODY_BASE64 ? "BASE64" : e == MB_BODY_7BIT ? "7bit" : "8bit";
}

/* The body in the transfer encoding: base64 in lines of 76 joined by CRLF (no CRLF after the last),
 * 7bit with every octet over 127 replaced by '?', 8bit as it is. */
static zend_string *smtp_mb_transfer_encode(zend_string *in, smtp_mb_body_enc e)
{
	zend_string *b64, *out;
	size_t i, lines;
	char *w;

	if (e == MB_BODY_8BIT) {
		return zend_string_copy(in);
	}
	if (e == MB_BODY_7BIT) {
		out = zend_string_init(ZSTR_VAL(in), ZSTR_LEN(in), 0);
		for (i = 0; i < ZSTR_LEN(out); i++) {
			if ((unsigned char) ZSTR_VAL(out)[i] > 0x7f) {
				ZSTR_VAL(out)[i] = '?';
			}
		}
		return out;
	}
	b64 = php_base64_encode((const unsigned char *) ZSTR_VAL(in), ZSTR_LEN(in));
	lines = ZSTR_LEN(b64) ? (ZSTR_LEN(b64) + 75) / 76 : 0;
	out = zend_string_alloc(ZSTR_LEN(b64) + (lines ? (lines - 1) * 2 : 0), 0);
	w = ZSTR_VAL(out);
	for (i = 0; i < ZSTR_LEN(b64); i += 76) {
		size_t take = ZSTR_LEN(b64) - i < 76 ? ZSTR_LEN(b64) - i : 76;
		if (i) {
			*w++ = '\r';
			*w++ = '\n';
		}
		memcpy(w, ZSTR_VAL(b64) + i, take);
		w += take;
	}
	*w = '\0';
	ZSTR_LEN(out) = (size_t) (w - ZSTR_VAL(out));
	zend_string_release(b64);
	return out;
}

/* The subject as mb_send_mail() encodes it: mb_encode_mimeheader() in the mail charset and the
 * header encoding (B or Q), SEP between encoded words, the first line's indent being that of
 * "Subject: [PHP-jp nnnnnnnn]" plus SEP (28 with CRLF, 27 with LF). NULL when mbstring refused. */
static zend_string *smtp_mb_subject(const char *subject, size_t len, const char *charset, const char *head_enc,
                                    const char *sep)
{
	zval args[5], ret;
	zend_string *out = NULL;

	ZVAL_STRINGL(&args[0], subject, len);
	ZVAL_STRING(&args[1], charset);
	ZVAL_STRING(&args[2], head_enc);
	ZVAL_STRING(&args[3], sep);
	ZVAL_LONG(&args[4], (zend_long) (sizeof("Subject: [PHP-jp nnnnnnnn]") - 1 + strlen(sep)));
	if (smtp_mb_call("mb_encode_mimeheader", &ret, 5, args) && Z_TYPE(ret) == IS_STRING) {
		out = zend_string_copy(Z_STR(ret));
	}
	zval_ptr_dtor(&ret);
	zval_ptr_dtor(&args[0]);
	zval_ptr_dtor(&args[1]);
	zval_ptr_dtor(&args[2]);
	zval_ptr_dtor(&args[3]);
	return out;
}

/* The body converted from the internal encoding to CHARSET with '?' for what it cannot hold (as
 * mb_send_mail() does, whatever mb_substitute_character() says). NULL when mbstring refused. */
static zend_string *smtp_mb_convert(const char *message, size_t len, const char *charset)
{
	zval args[2], ret, old, q, ignore;
	zend_string *out = NULL;

	ZVAL_UNDEF(&old);
	smtp_mb_call("mb_substitute_character", &old, 0, NULL);
	ZVAL_LONG(&q, '?');
	smtp_mb_call("mb_substitute_character", &ignore, 1, &q);
	zval_ptr_dtor(&ignore);

	ZVAL_STRINGL(&args[0], message, len);
	ZVAL_STRING(&args[1], charset);
	if (smtp_mb_call("mb_convert_encoding", &ret, 2, args) && Z_TYPE(ret) == IS_STRING) {
		out = zend_string_copy(Z_STR(ret));
	}
	zval_ptr_dtor(&ret);
	zval_ptr_dtor(&args[0]);
	zval_ptr_dtor(&args[1]);
	if (EG(exception)) {
		zend_clear_exception();
	}
	if (Z_TYPE(old) == IS_LONG || Z_TYPE(old) == IS_STRING) {
		smtp_mb_call("mb_substitute_character", &ignore, 1, &old);
		zval_ptr_dtor(&ignore);
	}
	zval_ptr_dtor(&old);
	return out;
}

/* {{{ mb_send_mail() */
static PHP_FUNCTION(smtp_mb_send_mail)
{
	char *to, *subject, *message;
	size_t to_len, subject_len, message_len;
	zend_string *extra_cmd = NULL, *str_headers = NULL, *lang_cs, *lang_head, *lang_body;
	zend_string *enc_subject = NULL, *conv_body = NULL, *body = NULL, *mime_name = NULL;
	HashTable *headers_ht = NULL;
	char *to_r, *header_charset = NULL;
	const char *charset, *head_enc, *sep = smtp_compat_mb_line_sep();
	smtp_mb_fields fields = {NULL, NULL, false};
	smtp_mb_body_enc body_enc = MB_BODY_BASE64;
	smart_str hdr = {0};
	zval arg, ret;

	if (!smtp_mail_engine_on() || !smtp_mb_available()) {
		smtp_orig_mb_send_mail(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_PATH(to, to_len)
		Z_PARAM_PATH(subject, subject_len)
		Z_PARAM_PATH(message, message_len)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(headers_ht, str_headers)
		Z_PARAM_PATH_STR_OR_NULL(extra_cmd)
	ZEND_PARSE_PARAMETERS_END();

	if (!smtp_mail_headers_arg(&str_headers, headers_ht)) {
		RETURN_THROWS();
	}
	if (str_headers) {
		smtp_mb_scan_headers(ZSTR_VAL(str_headers), ZSTR_LEN(str_headers), &fields);
	}

	/* the language's mail charset and encodings (neutral: UTF-8, base64, base64) */
	lang_cs = smtp_mb_info("mail_charset");
	lang_head = smtp_mb_info("mail_header_encoding");
	lang_body = smtp_mb_info("mail_body_encoding");
	charset = lang_cs ? ZSTR_VAL(lang_cs) : "UTF-8";
	head_enc = lang_head ? ZSTR_VAL(lang_head) : "B";
	if (lang_body && !smtp_mb_body_enc_of(ZSTR_VAL(lang_body), &body_enc)) {
		body_enc = MB_BODY_8BIT;
	}

	if (fields.content_type) {
		header_charset = smtp_mb_charset_param(fields.content_type);
		if (header_charset) {
			if (smtp_mb_known(header_charset)) {
				charset = header_charset;
			} else {
				php_error_docref(NULL, E_WARNING, "Unsupported charset \"%s\" - will be regarded as ascii",
					header_charset);
				charset = "ASCII";
			}
		}
	}
	if (fields.transfer_encoding && !smtp_mb_body_enc_of(ZSTR_VAL(fields.transfer_encoding), &body_enc)) {
		php_error_docref(NULL, E_WARNING, "Unsupported transfer encoding \"%s\" - will be regarded as 8bit",
			ZSTR_VAL(fields.transfer_encoding));
		body_enc = MB_BODY_8BIT;
	}

	to_r = smtp_mail_clean_field(to, to_len);
	enc_subject = smtp_mb_subject(subject, subject_len, charset, head_enc, sep);
	conv_body = smtp_mb_convert(message, message_len, charset);
	if (conv_body) {
		body = smtp_mb_transfer_encode(conv_body, body_enc);
	}

	/* the headers: the caller's, then MIME-Version, Content-Type and Content-Transfer-Encoding
	 * unless the caller gave them, SEP between, none at the end */
	if (str_headers && ZSTR_LEN(str_headers)) {
		smart_str_append(&hdr, str_headers);
		if (ZSTR_VAL(str_headers)[ZSTR_LEN(str_headers) - 1] != '\n') {
			smart_str_appends(&hdr, sep);
		}
	}
	if (!fields.mime_version) {
		smart_str_appends(&hdr, "MIME-Version: 1.0");
		smart_str_appends(&hdr, sep);
	}
	if (!fields.content_type) {
		smart_str_appends(&hdr, "Content-Type: text/plain");
		ZVAL_STRING(&arg, charset);
		if (smtp_mb_call("mb_preferred_mime_name", &ret, 1, &arg) && Z_TYPE(ret) == IS_STRING) {
			mime_name = zend_string_copy(Z_STR(ret));
			smart_str_appends(&hdr, "; charset=");
			smart_str_append(&hdr, mime_name);
		}
		zval_ptr_dtor(&ret);
		zval_ptr_dtor(&arg);
		smart_str_appends(&hdr, sep);
	}
	if (!fields.transfer_encoding) {
		smart_str_appends(&hdr, "Content-Transfer-Encoding: ");
		smart_str_appends(&hdr, smtp_mb_body_enc_name(body_enc));
		smart_str_appends(&hdr, sep);
	}
	if (hdr.s) {
		ZSTR_LEN(hdr.s) -= ZSTR_LEN(hdr.s) >= strlen(sep) ? strlen(sep) : ZSTR_LEN(hdr.s);
	}
	smart_str_0(&hdr);

	extra_cmd = smtp_mail_extra_cmd(extra_cmd);

	if (EG(exception)) {
		RETVAL_FALSE;
	} else {
		RETVAL_BOOL(smtp_mail_send(to_r, enc_subject ? ZSTR_VAL(enc_subject) : subject,
			body ? ZSTR_VAL(body) : message, hdr.s ? ZSTR_VAL(hdr.s) : "",
			extra_cmd ? ZSTR_VAL(extra_cmd) : NULL));
	}

	smart_str_free(&hdr);
	efree(to_r);
	if (header_charset) {
		efree(header_charset);
	}
	{
		zend_string *owned[] = {extra_cmd, str_headers, fields.content_type, fields.transfer_encoding, mime_name,
			enc_subject, conv_body, body, lang_cs, lang_head, lang_body};
		size_t i;
		for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
			if (owned[i]) {
				zend_string_release(owned[i]);
			}
		}
	}
}
/* }}} */

void smtp_mail_paths_install(void)
{
	smtp_handler_swap("mb_send_mail", ZEND_FN(smtp_mb_send_mail), &smtp_orig_mb_send_mail);
	smtp_handler_swap("error_log", ZEND_FN(smtp_error_log), &smtp_orig_error_log);
}

void smtp_mail_paths_uninstall(void)
{
	smtp_handler_restore("error_log", ZEND_FN(smtp_error_log), &smtp_orig_error_log);
	smtp_handler_restore("mb_send_mail", ZEND_FN(smtp_mb_send_mail), &smtp_orig_mb_send_mail);
}
