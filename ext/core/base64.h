/* Base64 (RFC 4648, no line breaks). Pure C. Every temporary is wiped: the data is often a secret. */
#ifndef SMTP_CORE_BASE64_H
#define SMTP_CORE_BASE64_H

#include <stddef.h>
#include "buf.h"

/* Appends the encoding of in[0..len) to out. 0, or -1 when out of memory or over out's limit. */
int smtp_base64_encode(const unsigned char *in, size_t len, smtp_buf *out);
/* Strict decoding (the final padding may be left out); -1 on invalid input. */
int smtp_base64_decode(const char *in, size_t len, smtp_buf *out);

#endif
