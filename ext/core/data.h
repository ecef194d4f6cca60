/* The message on the wire for DATA (RFC 5321 4.5.2): every line ending written as CRLF (a bare CR or
 * LF never reaches the wire), dot-stuffing, and the final ".\r\n", done on the fly from a body reader
 * into the wire buffer: the message is never copied whole. Pure C. */
#ifndef SMTP_CORE_DATA_H
#define SMTP_CORE_DATA_H

#include <stddef.h>
#include "body.h"
#include "wbuf.h"

/* The size of the message after line endings become CRLF, with a final CRLF added when it does not
 * end with one (the SIZE= parameter and the BDAT count); dot-stuffing not counted. Reads b once and
 * rewinds it. 0, or -1 with a sentence in err. */
int smtp_wire_size(smtp_body *b, size_t *size, char *err, size_t errlen);

/* Puts the whole message into w as DATA content: CRLF line endings, a final CRLF when missing,
 * dot-stuffed, then ".\r\n". The same bytes whatever pieces the reader returns. 0, or -1 (a read
 * error: err says it; a flush error: the writer recorded it). */
int smtp_data_put(smtp_body *b, smtp_wbuf *w, char *err, size_t errlen);

/* The same line-ending normalisation without dot-stuffing and without ".\r\n": the BDAT payload
 * (exactly smtp_wire_size bytes). */
int smtp_crlf_put(smtp_body *b, smtp_wbuf *w, char *err, size_t errlen);

/* Added to the contract: */

/* The size of what smtp_data_put puts (dot-stuffing and ".\r\n" counted): the transcript's
 * "<message: N bytes>". Reads b once and rewinds it. 0, or -1 with a sentence in err. */
int smtp_data_size(smtp_body *b, size_t *size, char *err, size_t errlen);

/* smtp_crlf_put that puts at most size bytes and fails when the message is not exactly size
 * bytes (err says which way): never a byte more than announced reaches w (what BDAT needs, where
 * one byte too many would be read as a command). Shorter: the bytes put are short of size, the
 * connection is out of step and must be closed. */
int smtp_crlf_put_exact(smtp_body *b, size_t size, smtp_wbuf *w, char *err, size_t errlen);

/* Every function here reads b from its first byte: it rewinds b first (a reader without rewind is
 * read from where it is). The pieces the reader returns may be of any size: the output is the
 * same byte for byte. */

#endif
