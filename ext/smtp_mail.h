/* mail(), mb_send_mail() and error_log($m, 1, ...) over SMTP: the handlers swapped in at MINIT. */
#ifndef SMTP_MAIL_H
#define SMTP_MAIL_H

#include "php.h"

/* Installs our handlers in place of mail()'s, mb_send_mail()'s and error_log()'s (once, at MINIT)
 * and puts the originals back. */
void smtp_mail_install(void);
void smtp_mail_uninstall(void);

/* smtp_mail_paths.c: mb_send_mail() and error_log(). */
void smtp_mail_paths_install(void);
void smtp_mail_paths_uninstall(void);

/* true when smtp.host is set: the engine carries the mail; otherwise PHP's own handlers run. */
bool smtp_mail_engine_on(void);

/* Swaps the handler of the internal function NAME for OURS, keeping the original in *ORIG (nothing
 * happens when the function does not exist, e.g. mbstring not loaded); restore puts it back. */
void smtp_handler_swap(const char *name, zif_handler ours, zif_handler *orig);
void smtp_handler_restore(const char *name, zif_handler ours, zif_handler *orig);

/* What php_mail() does, with SMTP as the transport: mail.log, mail.add_x_header, the header check,
 * the stream stock PHP writes to sendmail, submitted. HEADERS and EXTRA_CMD may be NULL. True when
 * the server accepted the message for at least one recipient. */
bool smtp_mail_send(const char *to, const char *subject, const char *message, const char *headers,
                    const char *extra_cmd);

/* The additional headers argument of mail() and mb_send_mail() made one string, as PHP does: a
 * string must hold no NUL (ValueError) and is trimmed at the end, an array is built with
 * php_mail_build_headers(). *STR becomes a new string owned by the caller (or stays NULL); false
 * when an exception was thrown. */
bool smtp_mail_headers_arg(zend_string **str, HashTable *ht);

/* The fifth argument as PHP passes it to sendmail: mail.force_extra_parameters when set, else the
 * argument, shell-escaped; NULL when neither. Owned by the caller. */
zend_string *smtp_mail_extra_cmd(const zend_string *given);

/* mail()'s cleaning of To and Subject (trailing white space dropped, control characters turned
 * into spaces except CRLF + WSP folding); the result is emalloc'ed. */
char *smtp_mail_clean_field(const char *in, size_t len);

#endif
