/* Base64 (RFC 4648). Pure C. */
#include "base64.h"

#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Every function here builds its output in one malloc'd block and appends it to `out` with a
 * single call: a buffer that grows by realloc would leave copies of secrets in freed memory. */
static int append_wiped(smtp_buf *out, unsigned char *tmp, size_t n, size_t cap)
{
	int rc = smtp_buf_append(out, tmp, n);
	smtp_memzero(tmp, cap);
	free(tmp);
	return rc;
}

int smtp_base64_encode(const unsigned char *in, size_t len, smtp_buf *out)
{
	unsigned char *tmp;
	size_t i, o = 0, cap;

	if (len > ((size_t)-1) / 2 - 8) {
		return -1;
	}
	cap = 4 * ((len + 2) / 3) + 1;
	tmp = malloc(cap);
	if (!tmp) {
		return -1;
	}
	for (i = 0; i + 3 <= len; i += 3) {
		unsigned long v = ((unsigned long)in[i] << 16) | ((unsigned long)in[i + 1] << 8) | in[i + 2];
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 18) & 63];
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 12) & 63];
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 6) & 63];
		tmp[o++] = (unsigned char)b64_alphabet[v & 63];
		v = 0;
	}
	if (len - i == 1) {
		unsigned long v = (unsigned long)in[i] << 16;
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 18) & 63];
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 12) & 63];
		tmp[o++] = '=';
		tmp[o++] = '=';
	} else if (len - i == 2) {
		unsigned long v = ((unsigned long)in[i] << 16) | ((unsigned long)in[i + 1] << 8);
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 18) & 63];
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 12) & 63];
		tmp[o++] = (unsigned char)b64_alphabet[(v >> 6) & 63];
		tmp[o++] = '=';
	}
	return append_wiped(out, tmp, o, cap);
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

/* Strict RFC 4648 decoding; the final padding may be left out. */
int smtp_base64_decode(const char *in, size_t len, smtp_buf *out)
{
	unsigned char *tmp;
	size_t i, o = 0, pad = 0, cap;
	unsigned long v = 0;
	int n = 0;

	while (pad < 2 && len > 0 && in[len - 1] == '=') {
		len--;
		pad++;
	}
	if (len % 4 == 1 || (pad && (len + pad) % 4 != 0)) {
		return -1;
	}
	cap = len / 4 * 3 + 3;
	tmp = malloc(cap);
	if (!tmp) {
		return -1;
	}
	for (i = 0; i < len; i++) {
		int d = b64_value((unsigned char)in[i]);
		if (d < 0) {
			goto fail;
		}
		v = (v << 6) | (unsigned long)d;
		if (++n == 4) {
			tmp[o++] = (unsigned char)(v >> 16);
			tmp[o++] = (unsigned char)(v >> 8);
			tmp[o++] = (unsigned char)v;
			v = 0;
			n = 0;
		}
	}
	if (n == 2) {
		if (v & 0xf) { /* non-canonical: bits left over */
			goto fail;
		}
		tmp[o++] = (unsigned char)(v >> 4);
	} else if (n == 3) {
		if (v & 0x3) {
			goto fail;
		}
		tmp[o++] = (unsigned char)(v >> 10);
		tmp[o++] = (unsigned char)(v >> 2);
	}
	v = 0;
	return append_wiped(out, tmp, o, cap);

fail:
	v = 0;
	smtp_memzero(tmp, cap);
	free(tmp);
	return -1;
}
