/* Unit tests of ext/core/bdat.c: BDAT framing (RFC 3030): "BDAT n LAST\r\n" and exactly n bytes. */
#include "unit.h"
#include "bdat.h"
#include "data.h"
#include "buf.h"

static char err[256];

static int collect(void *ctx, const char *p, size_t n)
{
	return smtp_buf_append(ctx, p, n);
}

static int bdat(smtp_body *b, size_t size, smtp_buf *out)
{
	smtp_wbuf w;
	int rc;
	smtp_buf_reset(out);
	if (smtp_wbuf_init(&w, collect, out) != 0) return -1;
	err[0] = '\0';
	rc = smtp_bdat_put(b, size, &w, err, sizeof err);
	if (smtp_wbuf_flush(&w) != 0) rc = -1;
	smtp_wbuf_free(&w);
	return rc;
}

/* a reader of one-byte pieces: every byte position a piece boundary */
static ssize_t one_next(smtp_body *b, const char **p, size_t max, char *e, size_t elen)
{
	(void)max;
	(void)e;
	(void)elen;
	if (b->off >= b->seg[0].len) return 0;
	*p = b->seg[0].p + b->off++;
	return 1;
}

static int one_rewind(smtp_body *b)
{
	b->off = 0;
	return 0;
}

static void test_command(void)
{
	char buf[64];
	CHECK(smtp_bdat_command(5, 1, buf, sizeof buf) == 13);
	CHECK_STR(buf, "BDAT 5 LAST\r\n");
	CHECK(smtp_bdat_command(0, 1, buf, sizeof buf) == 13);
	CHECK_STR(buf, "BDAT 0 LAST\r\n");
	CHECK(smtp_bdat_command(26214400, 0, buf, sizeof buf) == 15);
	CHECK_STR(buf, "BDAT 26214400\r\n");
	/* too small a buffer: 0 and an empty string, never a cut command */
	CHECK(smtp_bdat_command(5, 1, buf, 13) == 0);
	CHECK_STR(buf, "");
	CHECK(smtp_bdat_command(5, 1, buf, 14) == 13);
	CHECK(smtp_bdat_command(5, 1, NULL, 0) == 0);
}

static void test_framing(void)
{
	static const char *const bodies[] = {
		"Subject: x\r\n\r\nhello\r\n", "Subject: x\n\n.dot\n.\n", "a\rb", "", "\r\n.\r\n", "no final line end",
	};
	smtp_buf out;
	size_t t, size, cmdlen;
	char cmd[64];

	smtp_buf_init(&out, 0);
	for (t = 0; t < sizeof bodies / sizeof bodies[0]; t++) {
		smtp_body b;
		const char *in = bodies[t];
		smtp_buf want;
		smtp_wbuf w;

		smtp_body_from_memory(&b, in, strlen(in));
		CHECK(smtp_wire_size(&b, &size, err, sizeof err) == 0);
		/* what smtp_crlf_put gives: the payload */
		smtp_buf_init(&want, 0);
		CHECK(smtp_wbuf_init(&w, collect, &want) == 0);
		CHECK(smtp_crlf_put(&b, &w, err, sizeof err) == 0 && smtp_wbuf_flush(&w) == 0);
		smtp_wbuf_free(&w);
		CHECK(want.len == size);

		CHECK(bdat(&b, size, &out) == 0);
		cmdlen = smtp_bdat_command(size, 1, cmd, sizeof cmd);
		/* exactly the command and then exactly size bytes: no dot-stuffing, no ".\r\n" */
		CHECK(out.len == cmdlen + size);
		CHECK(memcmp(out.data, cmd, cmdlen) == 0);
		CHECK(size == 0 || memcmp(out.data + cmdlen, want.data, size) == 0);

		/* the same in one-byte pieces */
		b.next = one_next;
		b.rewind = one_rewind;
		CHECK(bdat(&b, size, &out) == 0);
		CHECK(out.len == cmdlen + size && (size == 0 || memcmp(out.data + cmdlen, want.data, size) == 0));
		smtp_buf_free(&want);
	}
	smtp_buf_free(&out);
}

static void test_mismatch(void)
{
	smtp_buf out;
	smtp_body b;
	static const char in[] = "line\nline\n"; /* 12 bytes on the wire */
	size_t size;

	smtp_buf_init(&out, 0);
	smtp_body_from_memory(&b, in, sizeof in - 1);
	CHECK(smtp_wire_size(&b, &size, err, sizeof err) == 0 && size == 12);
	/* announced fewer bytes than the message has: never a byte more than announced is put */
	CHECK(bdat(&b, 10, &out) == -1);
	CHECK(strstr(err, "longer") != NULL);
	CHECK(out.len <= 14 + 10);
	CHECK(memcmp(out.data, "BDAT 10 LAST\r\n", 14) == 0);
	CHECK(bdat(&b, 0, &out) == -1);
	CHECK(out.len == 13);
	/* announced more: detected at the end */
	CHECK(bdat(&b, 13, &out) == -1);
	CHECK(strstr(err, "12 bytes, not the 13") != NULL);
	/* exactly: fine */
	CHECK(bdat(&b, 12, &out) == 0);
	CHECK_MEM(out.data, out.len, "BDAT 12 LAST\r\nline\r\nline\r\n");
	/* one-byte pieces: the same limit */
	b.next = one_next;
	b.rewind = one_rewind;
	CHECK(bdat(&b, 11, &out) == -1);
	CHECK(out.len <= 14 + 11 && out.len >= 14 + 10);
	smtp_buf_free(&out);
}

static void run_tests(void)
{
	test_command();
	test_framing();
	test_mismatch();
}
