/* Growable byte buffer with a hard limit. Pure C. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void smtp_buf_init(smtp_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

static size_t buf_max(const smtp_buf *b)
{
	size_t hard = SIZE_MAX / 2;
	if (b->limit != 0 && b->limit < hard) {
		return b->limit;
	}
	return hard;
}

/* Makes room for `extra` more bytes plus the terminating NUL. */
int smtp_buf_reserve(smtp_buf *b, size_t extra)
{
	size_t max = buf_max(b);
	size_t need, ncap;
	char *nd;

	if (extra > max || b->len > max - extra) {
		return -1;
	}
	need = b->len + extra + 1;
	if (b->data != NULL && need <= b->cap) {
		return 0;
	}
	ncap = b->cap ? b->cap : 64;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 4) {
			ncap = need;
			break;
		}
		ncap *= 2;
	}
	nd = realloc(b->data, ncap);
	if (nd == NULL) {
		return -1;
	}
	if (b->data == NULL) {
		nd[0] = '\0';
	}
	b->data = nd;
	b->cap = ncap;
	return 0;
}

int smtp_buf_append(smtp_buf *b, const void *p, size_t n)
{
	if (smtp_buf_reserve(b, n) != 0) {
		return -1;
	}
	if (n > 0) {
		memcpy(b->data + b->len, p, n);
	}
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int smtp_buf_puts(smtp_buf *b, const char *s)
{
	return smtp_buf_append(b, s, strlen(s));
}

int smtp_buf_putc(smtp_buf *b, char c)
{
	return smtp_buf_append(b, &c, 1);
}

int smtp_buf_vprintf(smtp_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char small[256];

	va_copy(cp, ap);
	n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n < 0) {
		return -1;
	}
	if ((size_t)n < sizeof small) {
		return smtp_buf_append(b, small, (size_t)n);
	}
	if (smtp_buf_reserve(b, (size_t)n) != 0) {
		return -1;
	}
	va_copy(cp, ap);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, cp);
	va_end(cp);
	b->len += (size_t)n;
	b->data[b->len] = '\0';
	return 0;
}

int smtp_buf_printf(smtp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = smtp_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void smtp_buf_reset(smtp_buf *b)
{
	b->len = 0;
	if (b->data != NULL) {
		b->data[0] = '\0';
	}
}

char *smtp_buf_detach(smtp_buf *b, size_t *len)
{
	char *p;

	if (b->data == NULL) {
		p = malloc(1);
		if (p == NULL) {
			return NULL;
		}
		p[0] = '\0';
		if (len) {
			*len = 0;
		}
		return p;
	}
	p = b->data;
	if (len) {
		*len = b->len;
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

void smtp_buf_free(smtp_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void smtp_buf_wipe(smtp_buf *b)
{
	if (b->data != NULL) {
		smtp_memzero(b->data, b->cap);
	}
	smtp_buf_free(b);
}

void smtp_memzero(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--) {
		*v++ = 0;
	}
}

char *smtp_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p == NULL) {
		return NULL;
	}
	if (n > 0) {
		memcpy(p, s, n);
	}
	p[n] = '\0';
	return p;
}

char *smtp_strdup(const char *s)
{
	return smtp_strndup(s, strlen(s));
}

void smtp_copy_str(char *dst, size_t size, const char *src)
{
	size_t n;

	if (size == 0) {
		return;
	}
	n = src ? strlen(src) : 0;
	if (n > size - 1) {
		n = size - 1;
	}
	if (n) {
		memcpy(dst, src, n);
	}
	dst[n] = '\0';
}
