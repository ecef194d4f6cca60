/* libFuzzer harness: the message on the wire (ext/core/data.c, bdat.c), split invariance.
 * The first byte chooses how the body is cut into pieces: the next (byte & 15) bytes are the piece
 * sizes, cycled (0: pieces of 1 byte, every byte position a boundary); the rest is the body.
 * Checks: DATA, the CRLF payload and BDAT give the same bytes from one piece, from the fuzzed
 * pieces and from four memory segments cut at fuzzed positions; they equal a plain reference
 * (every CRLF, LF and bare CR becomes CRLF, a final CRLF when missing, '.' doubled at the start of
 * a line, ".\r\n" at the end); smtp_wire_size and smtp_data_size give the lengths put; the DATA
 * bytes contain CRLF.CRLF only at their end and no bare CR or LF; a BDAT size one short fails
 * without putting a byte more than announced. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bdat.h"
#include "buf.h"
#include "data.h"

typedef struct {
	const char *data;
	size_t len, pos, k;
	const unsigned char *sizes;
	size_t nsizes;
} pieces;

static ssize_t pieces_next(smtp_body *b, const char **p, size_t max, char *err, size_t errlen)
{
	pieces *c = b->ctx;
	size_t n = c->nsizes ? c->sizes[c->k++ % c->nsizes] : 1;
	(void)err;
	(void)errlen;
	if (n == 0) n = 1;
	if (n > max) n = max;
	if (n > c->len - c->pos) n = c->len - c->pos;
	*p = c->data + c->pos;
	c->pos += n;
	return (ssize_t)n;
}

static int pieces_rewind(smtp_body *b)
{
	pieces *c = b->ctx;
	c->pos = 0;
	c->k = 0;
	return 0;
}

static int collect(void *ctx, const char *p, size_t n)
{
	return smtp_buf_append(ctx, p, n);
}

enum { DATA, CRLF, BDAT };

static void run(smtp_body *b, int what, size_t size, smtp_buf *out, int want_rc)
{
	smtp_wbuf w;
	char err[256];
	int rc;
	smtp_buf_reset(out);
	if (smtp_wbuf_init(&w, collect, out) != 0) abort();
	rc = what == DATA   ? smtp_data_put(b, &w, err, sizeof err)
	     : what == CRLF ? smtp_crlf_put(b, &w, err, sizeof err)
	                    : smtp_bdat_put(b, size, &w, err, sizeof err);
	if (smtp_wbuf_flush(&w) != 0) abort();
	smtp_wbuf_free(&w);
	if (rc != want_rc) abort();
}

static void reference(const char *in, size_t n, smtp_buf *crlf, smtp_buf *data)
{
	size_t i, ls = 0;
	smtp_buf_reset(crlf);
	smtp_buf_reset(data);
	for (i = 0; i < n; i++) {
		if (in[i] == '\r' || in[i] == '\n') {
			smtp_buf_append(crlf, "\r\n", 2);
			if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n') i++;
		} else {
			smtp_buf_putc(crlf, in[i]);
		}
	}
	if (n > 0 && in[n - 1] != '\r' && in[n - 1] != '\n') smtp_buf_append(crlf, "\r\n", 2);
	for (i = 0; i + 1 < crlf->len; i++) {
		if (crlf->data[i] == '\r' && crlf->data[i + 1] == '\n') {
			if (i > ls && crlf->data[ls] == '.') smtp_buf_putc(data, '.');
			smtp_buf_append(data, crlf->data + ls, i + 2 - ls);
			ls = ++i + 1;
		}
	}
	smtp_buf_append(data, ".\r\n", 3);
}

static int same(const smtp_buf *a, const smtp_buf *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static smtp_buf want_crlf, want_data, got, bdat_want;
	smtp_body one, cut, seg;
	pieces pc;
	size_t ns, n, ws, ds, i, s[3];
	const char *body;
	char err[256], cmd[64];

	if (size < 1) return 0;
	ns = data[0] & 15;
	if (ns > size - 1) ns = size - 1;
	body = (const char *)data + 1 + ns;
	n = size - 1 - ns;
	reference(body, n, &want_crlf, &want_data);

	smtp_body_from_memory(&one, body, n);
	memset(&pc, 0, sizeof pc);
	pc.data = body;
	pc.len = n;
	pc.sizes = data + 1;
	pc.nsizes = ns;
	memset(&cut, 0, sizeof cut);
	cut.next = pieces_next;
	cut.rewind = pieces_rewind;
	cut.ctx = &pc;
	/* four segments cut where the piece sizes say */
	for (i = 0; i < 3; i++) {
		size_t at = ns > i ? data[1 + i] : (i + 1) * n / 4;
		s[i] = at > n ? n : at;
		if (i > 0 && s[i] < s[i - 1]) s[i] = s[i - 1];
	}
	smtp_body_from_memory(&seg, body, s[0]);
	if (smtp_body_add_memory(&seg, body + s[0], s[1] - s[0]) != 0 || smtp_body_add_memory(&seg, body + s[1], s[2] - s[1]) != 0
	    || smtp_body_add_memory(&seg, body + s[2], n - s[2]) != 0) {
		abort();
	}

	smtp_body *readers[] = {&one, &cut, &seg};
	for (i = 0; i < 3; i++) {
		smtp_body *b = readers[i];
		run(b, DATA, 0, &got, 0);
		if (!same(&got, &want_data)) abort();
		run(b, CRLF, 0, &got, 0);
		if (!same(&got, &want_crlf)) abort();
		if (smtp_wire_size(b, &ws, err, sizeof err) != 0 || ws != want_crlf.len) abort();
		if (smtp_data_size(b, &ds, err, sizeof err) != 0 || ds != want_data.len) abort();
		/* BDAT: the command, then exactly ws bytes */
		smtp_buf_reset(&bdat_want);
		smtp_buf_append(&bdat_want, cmd, smtp_bdat_command(ws, 1, cmd, sizeof cmd));
		smtp_buf_append(&bdat_want, want_crlf.data, want_crlf.len);
		run(b, BDAT, ws, &got, 0);
		if (!same(&got, &bdat_want)) abort();
		if (ws > 0) {
			size_t cl = smtp_bdat_command(ws - 1, 1, cmd, sizeof cmd);
			run(b, BDAT, ws - 1, &got, -1);
			if (got.len > cl + ws - 1) abort();
		}
		run(b, BDAT, ws + 1, &got, -1);
	}
	/* DATA: no bare CR or LF, and CRLF.CRLF (or a leading .CRLF) only at the end */
	{
		const char *d = want_data.data;
		size_t m = want_data.len;
		for (i = 0; i < m; i++) {
			if (d[i] == '\r' && (i + 1 >= m || d[i + 1] != '\n')) abort();
			if (d[i] == '\n' && (i == 0 || d[i - 1] != '\r')) abort();
		}
		if (m >= 3 && memcmp(d, ".\r\n", 3) == 0 && m != 3) abort();
		for (i = 0; i + 5 <= m; i++) {
			if (memcmp(d + i, "\r\n.\r\n", 5) == 0 && i + 5 != m) abort();
		}
	}
	return 0;
}
