/* CHUNKING (RFC 3030): the message as BDAT chunks. Pure C. */
#ifndef SMTP_CORE_BDAT_H
#define SMTP_CORE_BDAT_H

#include <stddef.h>
#include "body.h"
#include "wbuf.h"

/* "BDAT <size> LAST\r\n" into buf (for the transcript too); returns its length. */
size_t smtp_bdat_command(size_t size, int last, char *buf, size_t buflen);

/* Puts "BDAT <size> LAST\r\n" and then the size bytes of the message (CRLF line endings, no
 * dot-stuffing) into w. size must be smtp_wire_size() of b. 0, or -1 (a read error, or the reader
 * gave a different number of bytes than size: err says which). Never a byte past size is put: after
 * a mismatch the connection is out of step and must be closed. */
int smtp_bdat_put(smtp_body *b, size_t size, smtp_wbuf *w, char *err, size_t errlen);

#endif
