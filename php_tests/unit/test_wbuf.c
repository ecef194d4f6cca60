/* Unit tests of ext/core/wbuf.c: the fixed wire buffer. */
#include "unit.h"
#include "wbuf.h"
#include "buf.h"

#include <stdlib.h>

typedef struct {
	smtp_buf got;
	int calls;
	size_t biggest;
	int fail_at; /* the call (1-based) that fails; 0: none */
} sink;

static int sink_flush(void *ctx, const char *p, size_t n)
{
	sink *s = ctx;
	s->calls++;
	if (n > s->biggest) s->biggest = n;
	if (s->fail_at && s->calls >= s->fail_at) return -1;
	return smtp_buf_append(&s->got, p, n);
}

static void sink_init(sink *s, int fail_at)
{
	smtp_buf_init(&s->got, 0);
	s->calls = 0;
	s->biggest = 0;
	s->fail_at = fail_at;
}

static void test_small(void)
{
	smtp_wbuf w;
	sink s;
	sink_init(&s, 0);
	CHECK(smtp_wbuf_init(&w, sink_flush, &s) == 0);
	CHECK(w.buf != NULL && w.len == 0 && !w.failed);
	CHECK(smtp_wbuf_put(&w, "MAIL FROM:<a@b>\r\n", 17) == 0);
	CHECK(smtp_wbuf_put(&w, "RCPT TO:<c@d>\r\n", 15) == 0);
	CHECK(s.calls == 0); /* nothing leaves before a flush */
	CHECK(smtp_wbuf_flush(&w) == 0);
	CHECK(s.calls == 1); /* one write */
	CHECK_MEM(s.got.data, s.got.len, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n");
	CHECK(smtp_wbuf_flush(&w) == 0); /* nothing buffered: no write */
	CHECK(s.calls == 1);
	CHECK(smtp_wbuf_put(&w, "", 0) == 0);
	CHECK(smtp_wbuf_flush(&w) == 0 && s.calls == 1);
	smtp_wbuf_free(&w);
	CHECK(w.buf == NULL);
	smtp_wbuf_free(&w); /* twice is harmless */
	smtp_buf_free(&s.got);
}

static void test_full(void)
{
	size_t n = 5 * SMTP_WBUF_SIZE + 123, i;
	char *data = malloc(n);
	smtp_wbuf w;
	sink s;

	for (i = 0; i < n; i++) data[i] = (char)(i % 251);
	/* exactly full: stays until it is needed or flushed */
	sink_init(&s, 0);
	CHECK(smtp_wbuf_init(&w, sink_flush, &s) == 0);
	CHECK(smtp_wbuf_put(&w, data, SMTP_WBUF_SIZE) == 0);
	CHECK(s.calls == 0 && w.len == SMTP_WBUF_SIZE);
	CHECK(smtp_wbuf_put(&w, data + SMTP_WBUF_SIZE, 1) == 0);
	CHECK(s.calls == 1 && s.got.len == SMTP_WBUF_SIZE && w.len == 1);
	CHECK(smtp_wbuf_flush(&w) == 0);
	CHECK(s.got.len == SMTP_WBUF_SIZE + 1 && memcmp(s.got.data, data, SMTP_WBUF_SIZE + 1) == 0);
	smtp_wbuf_free(&w);
	smtp_buf_free(&s.got);

	/* one big put: written in full buffers, never more than SMTP_WBUF_SIZE at a time */
	sink_init(&s, 0);
	CHECK(smtp_wbuf_init(&w, sink_flush, &s) == 0);
	CHECK(smtp_wbuf_put(&w, data, n) == 0);
	CHECK(s.calls == 5 && s.biggest == SMTP_WBUF_SIZE);
	CHECK(smtp_wbuf_flush(&w) == 0);
	CHECK(s.calls == 6 && s.got.len == n && memcmp(s.got.data, data, n) == 0);
	smtp_wbuf_free(&w);
	smtp_buf_free(&s.got);

	/* many small puts give the same bytes */
	sink_init(&s, 0);
	CHECK(smtp_wbuf_init(&w, sink_flush, &s) == 0);
	{
		int fails = 0;
		for (i = 0; i < n; i += 7) {
			fails += smtp_wbuf_put(&w, data + i, n - i < 7 ? n - i : 7) != 0;
		}
		CHECK(fails == 0);
	}
	CHECK(smtp_wbuf_flush(&w) == 0);
	CHECK(s.got.len == n && memcmp(s.got.data, data, n) == 0 && s.biggest == SMTP_WBUF_SIZE);
	smtp_wbuf_free(&w);
	smtp_buf_free(&s.got);
	free(data);
}

static void test_failure(void)
{
	static char data[3 * SMTP_WBUF_SIZE];
	smtp_wbuf w;
	sink s;
	size_t room;

	/* the second write fails: the put fails, and everything after it fails at once */
	sink_init(&s, 2);
	CHECK(smtp_wbuf_init(&w, sink_flush, &s) == 0);
	CHECK(smtp_wbuf_put(&w, data, sizeof data) == -1);
	CHECK(w.failed);
	CHECK(s.calls == 2);
	CHECK(smtp_wbuf_put(&w, "x", 1) == -1);
	CHECK(smtp_wbuf_flush(&w) == -1);
	CHECK(smtp_wbuf_space(&w, &room) == NULL && room == 0);
	CHECK(s.calls == 2); /* no more writes were tried */
	smtp_wbuf_free(&w);
	smtp_buf_free(&s.got);

	/* a failing flush */
	sink_init(&s, 1);
	CHECK(smtp_wbuf_init(&w, sink_flush, &s) == 0);
	CHECK(smtp_wbuf_put(&w, "abc", 3) == 0);
	CHECK(smtp_wbuf_flush(&w) == -1 && w.failed);
	CHECK(smtp_wbuf_put(&w, "abc", 3) == -1);
	smtp_wbuf_free(&w);
	smtp_buf_free(&s.got);

	/* no writer */
	CHECK(smtp_wbuf_init(&w, NULL, NULL) == 0);
	CHECK(smtp_wbuf_put(&w, "abc", 3) == 0);
	CHECK(smtp_wbuf_flush(&w) == -1);
	smtp_wbuf_free(&w);
}

static void test_space(void)
{
	smtp_wbuf w;
	sink s;
	size_t room, i;
	char *p;

	sink_init(&s, 0);
	CHECK(smtp_wbuf_init(&w, sink_flush, &s) == 0);
	p = smtp_wbuf_space(&w, &room);
	CHECK(p == w.buf && room == SMTP_WBUF_SIZE);
	memcpy(p, "BDAT 3 LAST\r\n", 13);
	smtp_wbuf_commit(&w, 13);
	CHECK(w.len == 13);
	CHECK(smtp_wbuf_put(&w, "abc", 3) == 0);
	p = smtp_wbuf_space(&w, &room);
	CHECK(p == w.buf + 16 && room == SMTP_WBUF_SIZE - 16);
	/* fill it up: the next space() flushes first */
	memset(p, 'z', room);
	smtp_wbuf_commit(&w, room);
	CHECK(s.calls == 0);
	p = smtp_wbuf_space(&w, &room);
	CHECK(s.calls == 1 && p == w.buf && room == SMTP_WBUF_SIZE);
	CHECK(s.got.len == SMTP_WBUF_SIZE && memcmp(s.got.data, "BDAT 3 LAST\r\nabczz", 18) == 0);
	/* commit is bounded by the buffer */
	smtp_wbuf_commit(&w, SMTP_WBUF_SIZE + 100);
	CHECK(w.len == SMTP_WBUF_SIZE);
	for (i = 0; i < 3; i++) {
		smtp_wbuf_commit(&w, 1);
	}
	CHECK(w.len == SMTP_WBUF_SIZE);
	CHECK(smtp_wbuf_flush(&w) == 0 && s.calls == 2 && w.len == 0);
	smtp_wbuf_free(&w);
	smtp_buf_free(&s.got);
}

static void run_tests(void)
{
	test_small();
	test_full();
	test_failure();
	test_space();
}
