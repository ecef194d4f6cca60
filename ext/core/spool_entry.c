/* The spool's entry format (spool_entry.h). Pure C. */
#include "spool_entry.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "SMTPSPOOL 1 "

static void set_err(char *err, size_t errlen, const char *s)
{
	if (err && errlen) {
		smtp_copy_str(err, errlen, s);
	}
}

int smtp_sha256_init(smtp_sha256 *h)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	h->md = NULL;
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return -1;
	}
	h->md = md;
	return 0;
}

void smtp_sha256_update(smtp_sha256 *h, const void *p, size_t n)
{
	if (h->md && n > 0) {
		EVP_DigestUpdate((EVP_MD_CTX *)h->md, p, n);
	}
}

void smtp_sha256_final(smtp_sha256 *h, unsigned char out[32])
{
	unsigned int n = 0;

	memset(out, 0, 32);
	if (h->md) {
		EVP_DigestFinal_ex((EVP_MD_CTX *)h->md, out, &n);
		EVP_MD_CTX_free((EVP_MD_CTX *)h->md);
		h->md = NULL;
	}
}

void smtp_spool_entry_init(smtp_spool_entry *e)
{
	memset(e, 0, sizeof(*e));
	smtp_strlist_init(&e->rcpts);
}

void smtp_spool_entry_free(smtp_spool_entry *e)
{
	free(e->message_id);
	free(e->error);
	free(e->sender);
	smtp_strlist_free(&e->rcpts);
	smtp_spool_entry_init(e);
}

/* "key value\n" with CR, LF and NUL turned into spaces, the value cut at the bound. */
static int put_line(smtp_buf *out, const char *key, const char *v)
{
	size_t i, n = v ? strlen(v) : 0;

	if (n > SMTP_SPOOL_ENTRY_MAX_VALUE) {
		n = SMTP_SPOOL_ENTRY_MAX_VALUE;
	}
	if (smtp_buf_puts(out, key) != 0 || smtp_buf_putc(out, ' ') != 0) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		char c = v[i];
		if (smtp_buf_putc(out, (c == '\r' || c == '\n') ? ' ' : c) != 0) {
			return -1;
		}
	}
	return smtp_buf_putc(out, '\n');
}

int smtp_spool_entry_meta(const smtp_spool_entry *e, smtp_buf *out)
{
	size_t i;

	if (e->rcpts.count == 0 || e->rcpts.count > SMTP_SPOOL_ENTRY_MAX_RCPTS) {
		return -1;
	}
	if (smtp_buf_printf(out, "created %lld\nnext %lld\nattempts %d\nmaybe_sent %d\n", e->created, e->next, e->attempts,
	                    e->maybe_sent ? 1 : 0)
	        != 0
	    || put_line(out, "message_id", e->message_id) != 0 || put_line(out, "error", e->error) != 0
	    || put_line(out, "from", e->sender) != 0) {
		return -1;
	}
	for (i = 0; i < e->rcpts.count; i++) {
		if (put_line(out, "rcpt", e->rcpts.items[i]) != 0) {
			return -1;
		}
	}
	return smtp_buf_putc(out, '\n');
}

void smtp_spool_entry_header(size_t len, const unsigned char sha[32], char *out)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	snprintf(out, SMTP_SPOOL_ENTRY_HEADER_LEN + 1, MAGIC "%020llu ", (unsigned long long)len);
	for (i = 0; i < 32; i++) {
		out[33 + 2 * i] = hex[sha[i] >> 4];
		out[34 + 2 * i] = hex[sha[i] & 15];
	}
	out[97] = '\n';
	out[98] = '\0';
}

int smtp_spool_entry_encode(const smtp_spool_entry *e, const void *message, size_t len, smtp_buf *out)
{
	smtp_buf meta;
	smtp_sha256 h;
	unsigned char sha[32];
	char head[SMTP_SPOOL_ENTRY_HEADER_LEN + 1];
	int rc = -1;

	smtp_buf_init(&meta, 0);
	if (smtp_spool_entry_meta(e, &meta) == 0 && smtp_sha256_init(&h) == 0) {
		smtp_sha256_update(&h, meta.data, meta.len);
		smtp_sha256_update(&h, message, len);
		smtp_sha256_final(&h, sha);
		smtp_spool_entry_header(meta.len + len, sha, head);
		rc = (smtp_buf_append(out, head, SMTP_SPOOL_ENTRY_HEADER_LEN) == 0
		      && smtp_buf_append(out, meta.data, meta.len) == 0 && smtp_buf_append(out, message, len) == 0)
		         ? 0
		         : -1;
	}
	smtp_buf_free(&meta);
	return rc;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* The first line: the payload's length and hash. 0, or -1. */
static int parse_header(const unsigned char *buf, size_t len, size_t *plen, unsigned char sha[32])
{
	unsigned long long n = 0;
	int i;

	if (len < SMTP_SPOOL_ENTRY_HEADER_LEN || memcmp(buf, MAGIC, strlen(MAGIC)) != 0 || buf[32] != ' '
	    || buf[97] != '\n') {
		return -1;
	}
	for (i = 12; i < 32; i++) {
		if (buf[i] < '0' || buf[i] > '9') {
			return -1;
		}
		n = n * 10 + (unsigned long long)(buf[i] - '0');
		if (n > SMTP_SPOOL_ENTRY_MAX_SIZE) {
			return -1;
		}
	}
	for (i = 0; i < 32; i++) {
		int hi = hexval(buf[33 + 2 * i]), lo = hexval(buf[34 + 2 * i]);
		if (hi < 0 || lo < 0) {
			return -1;
		}
		if (sha) {
			sha[i] = (unsigned char)(hi << 4 | lo);
		}
	}
	*plen = (size_t)n;
	return 0;
}

/* A meta line at *pos within [0, end): "key value\n"; the key must be want. On success (v, vlen)
 * is the value and *pos moves past the line. */
static int meta_line(const unsigned char *p, size_t end, size_t *pos, const char *want, const unsigned char **v,
                     size_t *vlen)
{
	size_t k = strlen(want), i = *pos;
	const unsigned char *nl;

	if (i >= end || end - i < k + 2 || memcmp(p + i, want, k) != 0 || p[i + k] != ' ') {
		return -1;
	}
	i += k + 1;
	nl = memchr(p + i, '\n', end - i);
	if (!nl || (size_t)(nl - (p + i)) > SMTP_SPOOL_ENTRY_MAX_VALUE) {
		return -1;
	}
	*v = p + i;
	*vlen = (size_t)(nl - (p + i));
	if (memchr(*v, '\0', *vlen) || memchr(*v, '\r', *vlen)) {
		return -1;
	}
	*pos = (size_t)(nl - p) + 1;
	return 0;
}

static int meta_num(const unsigned char *p, size_t end, size_t *pos, const char *want, long long max, long long *out)
{
	const unsigned char *v;
	size_t n, i;
	long long x = 0;

	if (meta_line(p, end, pos, want, &v, &n) != 0 || n == 0 || n > 19) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			return -1;
		}
		x = x * 10 + (v[i] - '0');
		if (x > max) {
			return -1;
		}
	}
	*out = x;
	return 0;
}

#define MAX_TIME 253402300799LL /* 9999-12-31 */

/* created, next, attempts: the fixed first lines. */
static int parse_schedule(const unsigned char *p, size_t end, size_t *pos, long long *created, long long *next,
                          int *attempts)
{
	long long a;

	if (meta_num(p, end, pos, "created", MAX_TIME, created) != 0 || meta_num(p, end, pos, "next", MAX_TIME, next) != 0
	    || meta_num(p, end, pos, "attempts", 1000000, &a) != 0) {
		return -1;
	}
	*attempts = (int)a;
	return 0;
}

int smtp_spool_entry_peek(const unsigned char *buf, size_t len, long long *created, long long *next, int *attempts)
{
	size_t plen, pos = SMTP_SPOOL_ENTRY_HEADER_LEN;

	if (parse_header(buf, len, &plen, NULL) != 0) {
		return -1;
	}
	return parse_schedule(buf, len, &pos, created, next, attempts);
}

static char *dup_value(const unsigned char *v, size_t n)
{
	return smtp_strndup((const char *)v, n);
}

int smtp_spool_entry_parse(const unsigned char *buf, size_t len, smtp_spool_entry *out, char *err, size_t errlen)
{
	unsigned char want[32], got[32];
	size_t plen, pos = SMTP_SPOOL_ENTRY_HEADER_LEN, end, vlen;
	const unsigned char *v;
	long long ms;
	smtp_sha256 h;

	smtp_spool_entry_init(out);
	if (!buf || parse_header(buf, len, &plen, want) != 0) {
		set_err(err, errlen, "not a spool entry (bad or missing header line)");
		return -1;
	}
	if (len - SMTP_SPOOL_ENTRY_HEADER_LEN != plen) {
		set_err(err, errlen,
		        len - SMTP_SPOOL_ENTRY_HEADER_LEN < plen ? "the entry is truncated (a torn write)"
		                                                 : "the entry is longer than its header says");
		return -1;
	}
	if (smtp_sha256_init(&h) != 0) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	smtp_sha256_update(&h, buf + pos, plen);
	smtp_sha256_final(&h, got);
	if (memcmp(want, got, 32) != 0) {
		set_err(err, errlen, "the entry's checksum does not match its content (damaged)");
		return -1;
	}
	end = len;
	if (parse_schedule(buf, end, &pos, &out->created, &out->next, &out->attempts) != 0
	    || meta_num(buf, end, &pos, "maybe_sent", 1, &ms) != 0) {
		goto bad;
	}
	out->maybe_sent = (int)ms;
	if (meta_line(buf, end, &pos, "message_id", &v, &vlen) != 0 || !(out->message_id = dup_value(v, vlen))
	    || meta_line(buf, end, &pos, "error", &v, &vlen) != 0 || !(out->error = dup_value(v, vlen))
	    || meta_line(buf, end, &pos, "from", &v, &vlen) != 0 || !(out->sender = dup_value(v, vlen))) {
		goto bad;
	}
	while (meta_line(buf, end, &pos, "rcpt", &v, &vlen) == 0) {
		if (vlen == 0 || out->rcpts.count >= SMTP_SPOOL_ENTRY_MAX_RCPTS
		    || smtp_strlist_add(&out->rcpts, (const char *)v, vlen) != 0) {
			goto bad;
		}
	}
	if (out->rcpts.count == 0 || pos >= end || buf[pos] != '\n'
	    || pos - SMTP_SPOOL_ENTRY_HEADER_LEN > SMTP_SPOOL_ENTRY_MAX_META) {
		goto bad;
	}
	pos++;
	out->message = buf + pos;
	out->message_len = end - pos;
	return 0;
bad:
	smtp_spool_entry_free(out);
	set_err(err, errlen, "the entry's meta lines are malformed");
	return -1;
}
