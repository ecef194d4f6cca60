/* SMTP replies (RFC 5321 4.2, RFC 3463 enhanced codes). Pure C. */
#ifndef SMTP_CORE_REPLY_H
#define SMTP_CORE_REPLY_H

#include <stddef.h>
#include "strlist.h"

#define SMTP_REPLY_MAX_LINE  2048  /* bytes in one reply line, CRLF included */
#define SMTP_REPLY_MAX_LINES 256   /* lines in one (multi-line) reply */
#define SMTP_REPLY_MAX_BYTES 65536 /* bytes in one reply */

typedef struct {
	int code;           /* 200..599 */
	char enhanced[16];  /* "5.7.8", or "" when the server gave none */
	smtp_strlist lines; /* each line's text after "NNN-"/"NNN " and after the enhanced
	                             * code when that line carries the same one */
} smtp_reply;

void smtp_reply_init(smtp_reply *r);
void smtp_reply_free(smtp_reply *r);

/* Looks for one complete reply at the start of buf[0..len).
 * Returns  1: a reply was parsed into *r (which is first freed/reset), *consumed = its bytes
 *             (bytes after it, e.g. the next pipelined reply, are left for the next call);
 *          0: no complete reply yet and nothing wrong so far: read more;
 *         -1: protocol error (err: one sentence quoting up to 60 bytes of the bad line):
 *             a line that does not start with three digits [2-5][0-5][0-9] followed by ' ', '-'
 *             or the line end; a continuation line with a different code; a line longer than
 *             SMTP_REPLY_MAX_LINE; more than SMTP_REPLY_MAX_LINES lines or SMTP_REPLY_MAX_BYTES
 *             bytes; a NUL byte.
 * Lines end in CRLF; a bare LF is accepted as a line end too. */
int smtp_reply_parse(const char *buf, size_t len, size_t *consumed, smtp_reply *r, char *err, size_t errlen);

/* "550 5.1.1 User unknown" with the lines joined by a space; into out (always terminated). */
void smtp_reply_format(const smtp_reply *r, char *out, size_t outlen);
/* The text only (lines joined by "\n"), malloc'd. */
char *smtp_reply_text(const smtp_reply *r);

#endif
