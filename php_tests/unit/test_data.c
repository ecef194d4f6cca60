/* Unit tests of ext/core/data.c: the message on the wire, normalised and dot-stuffed on the fly.
 * The key property: whatever pieces the reader returns (split at every byte position, one byte at
 * a time, in many segments), the wire bytes are the same as from one piece, and they equal a
 * plain reference implementation written here; the sizes match what is put. */
#include "unit.h"
#include "data.h"
#include "buf.h"

#include <stdlib.h>
#include <time.h>

/* ---- a plain reference: normalise, then stuff, each in its own obvious loop ---- */

static void ref_crlf(const char *in, size_t n, smtp_buf *out)
{
	size_t i;
	smtp_buf_reset(out);
	smtp_buf_append(out, "", 0);
	for (i = 0; i < n; i++) {
		if (in[i] == '\r') {
			smtp_buf_append(out, "\r\n", 2);
			if (i + 1 < n && in[i + 1] == '\n') i++;
		} else if (in[i] == '\n') {
			smtp_buf_append(out, "\r\n", 2);
		} else {
			smtp_buf_putc(out, in[i]);
		}
	}
	if (n > 0 && in[n - 1] != '\r' && in[n - 1] != '\n') smtp_buf_append(out, "\r\n", 2);
}

static void ref_data(const char *in, size_t n, smtp_buf *out)
{
	smtp_buf crlf;
	size_t i, ls = 0;
	smtp_buf_init(&crlf, 0);
	ref_crlf(in, n, &crlf);
	smtp_buf_reset(out);
	smtp_buf_append(out, "", 0);
	/* crlf is lines, each ending in CRLF */
	for (i = 0; i + 1 < crlf.len; i++) {
		if (crlf.data[i] == '\r' && crlf.data[i + 1] == '\n') {
			if (crlf.data[ls] == '.' && i > ls) smtp_buf_putc(out, '.');
			smtp_buf_append(out, crlf.data + ls, i + 2 - ls);
			i++;
			ls = i + 1;
		}
	}
	smtp_buf_append(out, ".\r\n", 3);
	smtp_buf_free(&crlf);
}

/* ---- a reader of fixed-size pieces (or of sizes from a pattern) ---- */

typedef struct {
	const char *data;
	size_t len, pos, piece;
	const unsigned char *pattern; /* piece sizes cycled from here (0: piece) */
	size_t npattern, k;
	int fail_after; /* fail on this call (1-based), 0: never */
	int calls;
} chunked;

static ssize_t chunk_next(smtp_body *b, const char **p, size_t max, char *err, size_t errlen)
{
	chunked *c = b->ctx;
	size_t n = c->piece;
	c->calls++;
	if (c->fail_after && c->calls >= c->fail_after) {
		snprintf(err, errlen, "the disk is on fire");
		return -1;
	}
	if (c->npattern) n = 1 + c->pattern[c->k++ % c->npattern] % 97;
	if (n > max) n = max;
	if (n > c->len - c->pos) n = c->len - c->pos;
	*p = c->data + c->pos;
	c->pos += n;
	return (ssize_t)n;
}

static int chunk_rewind(smtp_body *b)
{
	chunked *c = b->ctx;
	c->pos = 0;
	c->k = 0;
	return 0;
}

static void chunked_reader(smtp_body *b, chunked *c, const char *data, size_t len, size_t piece)
{
	memset(b, 0, sizeof *b);
	memset(c, 0, sizeof *c);
	c->data = data;
	c->len = len;
	c->piece = piece;
	b->next = chunk_next;
	b->rewind = chunk_rewind;
	b->ctx = c;
}

/* ---- running data.c ---- */

static int collect(void *ctx, const char *p, size_t n)
{
	return smtp_buf_append(ctx, p, n);
}

enum { DATA, CRLF };

static int run(smtp_body *b, int what, smtp_buf *out, char *err, size_t errlen)
{
	smtp_wbuf w;
	int rc;
	smtp_buf_reset(out);
	smtp_buf_append(out, "", 0);
	if (smtp_wbuf_init(&w, collect, out) != 0) return -1;
	rc = what == DATA ? smtp_data_put(b, &w, err, errlen) : smtp_crlf_put(b, &w, err, errlen);
	if (rc == 0) rc = smtp_wbuf_flush(&w);
	smtp_wbuf_free(&w);
	return rc;
}

static int same(const smtp_buf *a, const smtp_buf *b)
{
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static smtp_buf want_data, want_crlf, got;
static char err[256];

/* Every way of reading `in` gives the reference's bytes. Returns the number of mismatches. */
static int check_body(const char *in, size_t n, int every_split)
{
	smtp_body b;
	chunked c;
	size_t i, j, size;
	int bad = 0;
	static const unsigned char pattern[] = {0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 44, 96, 7};

	ref_data(in, n, &want_data);
	ref_crlf(in, n, &want_crlf);

	/* one piece */
	smtp_body_from_memory(&b, in, n);
	if (run(&b, DATA, &got, err, sizeof err) != 0 || !same(&got, &want_data)) bad++;
	if (run(&b, CRLF, &got, err, sizeof err) != 0 || !same(&got, &want_crlf)) bad++;
	if (smtp_wire_size(&b, &size, err, sizeof err) != 0 || size != want_crlf.len) bad++;
	if (smtp_data_size(&b, &size, err, sizeof err) != 0 || size != want_data.len) bad++;
	/* pieces of every size up to 64 (1: a split at every byte position; for a big body only some
	 * of them), and some larger ones */
	for (i = 1; i <= n + 1 && i <= 64; i++) {
		if (!every_split && i != 1 && i != 2 && i != 3 && i != 7 && i != 64) continue;
		chunked_reader(&b, &c, in, n, i);
		if (run(&b, DATA, &got, err, sizeof err) != 0 || !same(&got, &want_data)) bad++;
		if (run(&b, CRLF, &got, err, sizeof err) != 0 || !same(&got, &want_crlf)) bad++;
		if (smtp_wire_size(&b, &size, err, sizeof err) != 0 || size != want_crlf.len) bad++;
	}
	for (i = 4093; i < n && i < 70000; i = i * 2 + 1) {
		chunked_reader(&b, &c, in, n, i);
		if (run(&b, DATA, &got, err, sizeof err) != 0 || !same(&got, &want_data)) bad++;
	}
	/* pieces of irregular sizes */
	chunked_reader(&b, &c, in, n, 1);
	c.pattern = pattern;
	c.npattern = sizeof pattern;
	if (run(&b, DATA, &got, err, sizeof err) != 0 || !same(&got, &want_data)) bad++;
	if (smtp_wire_size(&b, &size, err, sizeof err) != 0 || size != want_crlf.len) bad++;
	if (smtp_data_size(&b, &size, err, sizeof err) != 0 || size != want_data.len) bad++;
	if (!every_split) return bad;
	/* two and three segments of the memory reader, split at every pair of positions */
	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			smtp_body_from_memory(&b, in, i);
			smtp_body_add_memory(&b, in + i, j - i);
			smtp_body_add_memory(&b, in + j, n - j);
			if (run(&b, DATA, &got, err, sizeof err) != 0 || !same(&got, &want_data)) bad++;
			if (run(&b, CRLF, &got, err, sizeof err) != 0 || !same(&got, &want_crlf)) bad++;
			if (smtp_wire_size(&b, &size, err, sizeof err) != 0 || size != want_crlf.len) bad++;
		}
	}
	return bad;
}

#define BODY(lit) check_body(lit, sizeof(lit) - 1, 1)

static void test_split_invariance(void)
{
	static const char *const bodies[] = {
		"", "a", "a\n", "a\r\n", "a\r", ".", "..", "...", ".\r\n", ".\n", ".\r", "\r", "\n", "\r\n",
		"\r\r", "\n\n", "\r\n\r\n", "\n\r", "\r\r\n\n", ".\r\n.\r\n.", "..\n.\n", "\r\n.\r\n", "\r.\r.\n.",
		"line1\nline2", "line1\r\nline2\r\n", "a\rb\rc", "mixed\r\nlf\nbare cr\rend", "x\r\n.\r\n.\r\n",
		"no dot. here\r\n", "ends in dot\r\n.", ".leading\r\n", "\xc3\xa9t\xc3\xa9\n.\xff\x80\r\n\xfe",
		"\r\n\r\n\r\n", "...\r\n..\n.\r", "a\r\n\r\n.b\r\r.c\n\n.d", " .\n\t.\n",
	};
	size_t t;
	int bad;
	for (t = 0; t < sizeof bodies / sizeof bodies[0]; t++) {
		bad = check_body(bodies[t], strlen(bodies[t]), 1);
		if (bad) fprintf(stderr, "  body %zu: %d mismatches\n", t, bad);
		CHECK(bad == 0);
	}
	/* a NUL byte is a byte like any other here */
	CHECK(BODY("a\0b\n.\0") == 0);
}

static void test_known(void)
{
	smtp_body b;
#define DATA_IS(lit, want) do { \
		smtp_body_from_memory(&b, lit, sizeof(lit) - 1); \
		CHECK(run(&b, DATA, &got, err, sizeof err) == 0); \
		CHECK_MEM(got.data, got.len, want); \
	} while (0)
#define CRLF_IS(lit, want) do { \
		smtp_body_from_memory(&b, lit, sizeof(lit) - 1); \
		CHECK(run(&b, CRLF, &got, err, sizeof err) == 0); \
		CHECK_MEM(got.data, got.len, want); \
	} while (0)
	DATA_IS("", ".\r\n");
	DATA_IS("a", "a\r\n.\r\n");
	DATA_IS(".", "..\r\n.\r\n");
	DATA_IS("\r\n", "\r\n.\r\n");
	DATA_IS("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n");
	DATA_IS("..two\r\n", "...two\r\n.\r\n");
	DATA_IS("a\n.b\n", "a\r\n..b\r\n.\r\n");
	DATA_IS("a\r.b\r", "a\r\n..b\r\n.\r\n"); /* a bare CR is a line ending too */
	DATA_IS("a\r\r\nb", "a\r\n\r\nb\r\n.\r\n");
	DATA_IS("ends in dot\r\n.", "ends in dot\r\n..\r\n.\r\n");
	CRLF_IS("", "");
	CRLF_IS("a", "a\r\n");
	CRLF_IS(".\n", ".\r\n");
	CRLF_IS("a\rb\nc\r\nd", "a\r\nb\r\nc\r\nd\r\n");
	CRLF_IS("\n\r", "\r\n\r\n");
	/* segments: the CR that ends one and the LF that starts the next are one line ending, and a
	 * '.' that starts a segment after a line ending is stuffed */
	smtp_body_from_memory(&b, "a\r", 2);
	smtp_body_add_memory(&b, "\n.b", 3);
	CHECK(run(&b, DATA, &got, err, sizeof err) == 0);
	CHECK_MEM(got.data, got.len, "a\r\n..b\r\n.\r\n");
	smtp_body_from_memory(&b, "a\r\n", 3);
	smtp_body_add_memory(&b, "", 0);
	smtp_body_add_memory(&b, ".", 1);
	CHECK(run(&b, DATA, &got, err, sizeof err) == 0);
	CHECK_MEM(got.data, got.len, "a\r\n..\r\n.\r\n");
	smtp_body_from_memory(&b, "a\r", 2);
	smtp_body_add_memory(&b, "\r", 1);
	smtp_body_add_memory(&b, "\n", 1);
	CHECK(run(&b, CRLF, &got, err, sizeof err) == 0);
	CHECK_MEM(got.data, got.len, "a\r\n\r\n");
}

static void test_random(void)
{
	size_t n = 1024 * 1024, i;
	char *in = malloc(n);
	unsigned long x = 12345;
	int bad;
	static const char alphabet[] = "abc def.\r\n\r\n..\n\n\r\x80\xff";

	for (i = 0; i < n; i++) {
		x = x * 1103515245ul + 12345ul;
		/* mostly text with some line endings and dots */
		in[i] = (x >> 16) % 4 ? (char)('a' + (x >> 8) % 26) : alphabet[(x >> 20) % (sizeof alphabet - 1)];
	}
	bad = check_body(in, n, 0);
	CHECK(bad == 0);
	/* and a smaller one split at every pair of positions */
	bad = check_body(in + 1000, 300, 1);
	CHECK(bad == 0);
	free(in);
}

static void test_errors(void)
{
	smtp_body b;
	chunked c;
	size_t size = 99;
	smtp_wbuf w;
	smtp_buf sinkbuf;

	/* a read error: -1 and the reader's sentence */
	chunked_reader(&b, &c, "abc\r\ndef", 8, 2);
	c.fail_after = 3;
	err[0] = '\0';
	CHECK(run(&b, DATA, &got, err, sizeof err) == -1);
	CHECK_STR(err, "the disk is on fire");
	chunked_reader(&b, &c, "abc\r\ndef", 8, 2);
	c.fail_after = 2;
	CHECK(smtp_wire_size(&b, &size, err, sizeof err) == -1);
	CHECK(size == 0);
	chunked_reader(&b, &c, "abc\r\ndef", 8, 2);
	c.fail_after = 1;
	CHECK(smtp_data_size(&b, &size, err, sizeof err) == -1);
	CHECK(run(&b, CRLF, &got, NULL, 0) == -1);
	/* a writer error */
	smtp_buf_init(&sinkbuf, 10);
	CHECK(smtp_wbuf_init(&w, collect, &sinkbuf) == 0);
	smtp_body_from_memory(&b, "0123456789abcdef", 16);
	CHECK(smtp_data_put(&b, &w, err, sizeof err) == 0); /* still in the buffer */
	CHECK(smtp_wbuf_flush(&w) == -1 && w.failed);
	CHECK(smtp_data_put(&b, &w, err, sizeof err) == -1);
	smtp_wbuf_free(&w);
	smtp_buf_free(&sinkbuf);
	/* a reader that cannot go back */
	chunked_reader(&b, &c, "abc", 3, 2);
	b.rewind = NULL;
	CHECK(run(&b, CRLF, &got, err, sizeof err) == 0);
	CHECK_MEM(got.data, got.len, "abc\r\n");
}

static void test_big_fast(void)
{
	/* 8 MB of LF lines, each 10th starting with '.': linear, and the wbuf writes full buffers */
	size_t n = 8 * 1024 * 1024, i, size;
	char *in = malloc(n);
	smtp_body b;
	clock_t t0;
	for (i = 0; i < n; i++) in[i] = (i % 80 == 79) ? '\n' : (i % 800 == 0) ? '.' : 'x';
	smtp_body_from_memory(&b, in, n);
	t0 = clock();
	CHECK(run(&b, DATA, &got, err, sizeof err) == 0);
	CHECK(smtp_wire_size(&b, &size, err, sizeof err) == 0);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	CHECK(size == n + n / 80 + 2); /* no LF at the very end: a final CRLF */
	CHECK(got.len == size + (n + 799) / 800 + 3);
	free(in);
	/* bare CRs and no LF at all: still linear */
	in = malloc(n);
	for (i = 0; i < n; i++) in[i] = (i % 2) ? '\r' : 'y';
	smtp_body_from_memory(&b, in, n);
	t0 = clock();
	CHECK(smtp_wire_size(&b, &size, err, sizeof err) == 0);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	CHECK(size == n / 2 * 3);
	free(in);
}

static void run_tests(void)
{
	smtp_buf_init(&want_data, 0);
	smtp_buf_init(&want_crlf, 0);
	smtp_buf_init(&got, 0);
	test_known();
	test_split_invariance();
	test_random();
	test_errors();
	test_big_fast();
	smtp_buf_free(&want_data);
	smtp_buf_free(&want_crlf);
	smtp_buf_free(&got);
}
