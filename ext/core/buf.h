/* A growable byte buffer with a hard size limit. Pure C: no PHP header. */
#ifndef SMTP_CORE_BUF_H
#define SMTP_CORE_BUF_H

#include <stddef.h>
#include <stdarg.h>

typedef struct {
	char *data; /* always NUL-terminated when non-NULL (the NUL is not counted in len) */
	size_t len;
	size_t cap;
	size_t limit; /* 0: no limit beyond SIZE_MAX/2; otherwise appends that would pass it fail */
} smtp_buf;

void smtp_buf_init(smtp_buf *b, size_t limit);
/* 0 on success, -1 when out of memory or over the limit (the buffer is left unchanged). */
int smtp_buf_append(smtp_buf *b, const void *p, size_t n);
int smtp_buf_puts(smtp_buf *b, const char *s);
int smtp_buf_putc(smtp_buf *b, char c);
/* Makes room for `extra` more bytes without changing the content (same limit rules as append):
 * lets a caller that knows the final size avoid repeated reallocations. */
int smtp_buf_reserve(smtp_buf *b, size_t extra);
int smtp_buf_printf(smtp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int smtp_buf_vprintf(smtp_buf *b, const char *fmt, va_list ap);
void smtp_buf_reset(smtp_buf *b);
/* Hands the storage to the caller (malloc'd, NUL-terminated, never NULL unless out of memory). */
char *smtp_buf_detach(smtp_buf *b, size_t *len);
void smtp_buf_free(smtp_buf *b);
/* Zeroes the storage before freeing it: for anything that held a secret. */
void smtp_buf_wipe(smtp_buf *b);

/* Overwrites n bytes with zeros in a way the compiler cannot drop. */
void smtp_memzero(void *p, size_t n);
/* Copies src (NULL: "") into dst[size], truncating to fit; dst is always terminated. */
void smtp_copy_str(char *dst, size_t size, const char *src);
/* strdup/strndup on malloc. */
char *smtp_strndup(const char *s, size_t n);
char *smtp_strdup(const char *s);

#endif
