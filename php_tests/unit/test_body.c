/* Unit tests of ext/core/body.c: the memory reader (segments read in order, not copied). */
#include "unit.h"
#include "body.h"

static char err[200];

/* Reads b to its end with pieces of at most max bytes into out; returns the length or -1. Each
 * piece must point into one of the reader's segments (nothing is copied). */
static long read_all(smtp_body *b, size_t max, char *out, size_t outlen, int *pieces, int *copied)
{
	size_t k = 0;
	const char *p;
	ssize_t n;
	*pieces = 0;
	*copied = 0;
	while ((n = b->next(b, &p, max, err, sizeof err)) > 0) {
		int s, inside = 0;
		if ((size_t)n > max || k + (size_t)n > outlen) return -1;
		for (s = 0; s < b->nseg; s++) {
			if (p >= b->seg[s].p && p + n <= b->seg[s].p + b->seg[s].len) inside = 1;
		}
		if (!inside) *copied = 1;
		memcpy(out + k, p, (size_t)n);
		k += (size_t)n;
		(*pieces)++;
	}
	return n < 0 ? -1 : (long)k;
}

static void test_one_segment(void)
{
	smtp_body b;
	char out[64];
	int pieces, copied;
	const char *p;

	smtp_body_from_memory(&b, "hello world", 11);
	CHECK(read_all(&b, 100, out, sizeof out, &pieces, &copied) == 11);
	CHECK(pieces == 1 && !copied && memcmp(out, "hello world", 11) == 0);
	/* at the end: 0, again and again */
	CHECK(b.next(&b, &p, 100, err, sizeof err) == 0);
	CHECK(b.next(&b, &p, 100, err, sizeof err) == 0);
	/* max is honoured */
	CHECK(b.rewind(&b) == 0);
	CHECK(read_all(&b, 3, out, sizeof out, &pieces, &copied) == 11);
	CHECK(pieces == 4 && !copied && memcmp(out, "hello world", 11) == 0);
	CHECK(b.rewind(&b) == 0);
	CHECK(read_all(&b, 1, out, sizeof out, &pieces, &copied) == 11);
	CHECK(pieces == 11 && !copied);
	/* max 0 is a caller's error */
	CHECK(b.rewind(&b) == 0);
	err[0] = '\0';
	CHECK(b.next(&b, &p, 0, err, sizeof err) == -1);
	CHECK(err[0] != '\0');
	CHECK(b.next(&b, &p, 0, NULL, 0) == -1);
	/* the reader points at the data itself */
	CHECK(b.next(&b, &p, 5, err, sizeof err) == 5);
	CHECK(b.seg[0].p == p);
}

static void test_segments(void)
{
	static const char a[] = "first ", c[] = "third";
	smtp_body b;
	char out[64];
	int pieces, copied;
	size_t max;

	smtp_body_from_memory(&b, a, strlen(a));
	CHECK(smtp_body_add_memory(&b, "", 0) == 0); /* empty segments are skipped */
	CHECK(smtp_body_add_memory(&b, NULL, 5) == 0);
	CHECK(smtp_body_add_memory(&b, c, strlen(c)) == 0);
	CHECK(smtp_body_add_memory(&b, "x", 1) == -1); /* SMTP_BODY_MAX_SEGMENTS */
	CHECK(b.nseg == SMTP_BODY_MAX_SEGMENTS);
	for (max = 1; max < 14; max++) {
		CHECK(b.rewind(&b) == 0);
		CHECK(read_all(&b, max, out, sizeof out, &pieces, &copied) == 11);
		CHECK(!copied && memcmp(out, "first third", 11) == 0);
	}
	/* a piece never spans two segments */
	CHECK(b.rewind(&b) == 0);
	CHECK(read_all(&b, 100, out, sizeof out, &pieces, &copied) == 11);
	CHECK(pieces == 2);
}

static void test_empty(void)
{
	smtp_body b;
	const char *p = "x";
	smtp_body_from_memory(&b, NULL, 10);
	CHECK(b.next(&b, &p, 10, err, sizeof err) == 0);
	smtp_body_from_memory(&b, "abc", 0);
	CHECK(b.next(&b, &p, 10, err, sizeof err) == 0);
	CHECK(b.rewind(&b) == 0);
	CHECK(b.next(&b, &p, 10, err, sizeof err) == 0);
}

static void test_big(void)
{
	static char big[3 * 1000 * 1000];
	smtp_body b;
	const char *p;
	ssize_t n;
	size_t total = 0, i;
	int ok = 1;

	for (i = 0; i < sizeof big; i++) big[i] = (char)(i * 7);
	smtp_body_from_memory(&b, big, 1000 * 1000);
	CHECK(smtp_body_add_memory(&b, big + 1000 * 1000, 2 * 1000 * 1000) == 0);
	while ((n = b.next(&b, &p, 65536, err, sizeof err)) > 0) {
		if (p != big + total) ok = 0;
		total += (size_t)n;
	}
	CHECK(n == 0 && ok && total == sizeof big);
}

static void run_tests(void)
{
	test_one_segment();
	test_segments();
	test_empty();
	test_big();
}
