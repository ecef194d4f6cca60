/* mail()'s fifth argument: the sendmail command-line options PHP would pass to sendmail, after
 * php_escape_shell_cmd(). Only -f (envelope sender) has a meaning for SMTP. Pure C. */
#ifndef SMTP_CORE_SENDMAIL_ARGS_H
#define SMTP_CORE_SENDMAIL_ARGS_H

#include <stddef.h>

/* Splits args the way /bin/sh would (whitespace, '...', "...", backslash escapes) and looks for
 * "-f addr" or "-faddr" (the last one wins, like sendmail). On success *sender is a malloc'd
 * copy of the address (possibly "" for -f '' or -f '<>'), or NULL when there is no -f.
 * Returns 0, or -1 with a sentence in err (unterminated quote, -f without an address, too long). */
int smtp_sendmail_args_sender(const char *args, char **sender, char *err, size_t errlen);

#endif
