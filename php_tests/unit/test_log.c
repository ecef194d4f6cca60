/* Unit tests of ext/core/log.c: the JSON line (escaping for any bytes, bounds, time format) and the
 * file writer. */
#include "unit.h"
#include "log.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void rec(smtp_log_record *r)
{
	memset(r, 0, sizeof *r);
	r->time_ms = 1796126400123LL; /* 2026-12-01T12:00:00.123Z */
	r->message_id = "<a@b>";
	r->from = "s@example.org";
	r->rcpts = 3;
	r->host = "smtp.example.org";
	r->port = 587;
	r->result = "queued";
	r->stage = "data";
	r->code = 451;
	r->enhanced = "4.3.0";
	r->reply = "Try later";
	r->attempt = 2;
	r->duration_ms = 12.25;
}

static void test_line(void)
{
	smtp_log_record r;
	smtp_buf b;

	rec(&r);
	smtp_buf_init(&b, 0);
	CHECK(smtp_log_line(&r, &b) == 0);
	CHECK_STR(b.data, "{\"time\":\"2026-12-01T12:00:00.123Z\",\"message_id\":\"<a@b>\",\"from\":\"s@example.org\","
	                  "\"rcpts\":3,\"host\":\"smtp.example.org\",\"port\":587,\"result\":\"queued\",\"stage\":\"data\","
	                  "\"code\":451,\"enhanced\":\"4.3.0\",\"reply\":\"Try later\",\"error\":null,\"duration_ms\":12.2,"
	                  "\"attempt\":2,\"reused\":false,\"tls\":false,\"spool_id\":null,\"maybe_sent\":false,"
	                  "\"source\":\"mail\"}\n");
	r.source = "test";
	smtp_buf_reset(&b);
	CHECK(smtp_log_line(&r, &b) == 0);
	CHECK(strstr(b.data, ",\"maybe_sent\":false,\"source\":\"test\"}\n") != NULL);
	smtp_buf_free(&b);
}

static void test_escaping(void)
{
	smtp_log_record r;
	smtp_buf b;

	rec(&r);
	/* quotes, backslash, controls, valid UTF-8 (2, 3, 4 bytes) kept, invalid bytes as \u00XX: a lone
	 * continuation byte, an overlong form, a surrogate, a cut sequence at the end */
	r.reply = "a\"b\\c\r\n\t\x01\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7 \x80 \xc0\xaf \xed\xa0\x80 \xe2\x82";
	smtp_buf_init(&b, 0);
	CHECK(smtp_log_line(&r, &b) == 0);
	CHECK(strstr(b.data, "\"reply\":\"a\\\"b\\\\c\\r\\n\\t\\u0001\\u007f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7 "
	                     "\\u0080 \\u00c0\\u00af \\u00ed\\u00a0\\u0080 \\u00e2\\u0082\"")
	      != NULL);
	smtp_buf_free(&b);
}

static void test_bounds(void)
{
	smtp_log_record r;
	smtp_buf b;
	char *big = malloc(100000);

	memset(big, '\x01', 99999); /* each byte becomes 6: the worst case */
	big[99999] = '\0';
	rec(&r);
	r.reply = big;
	r.error = big;
	r.message_id = big;
	r.from = big;
	smtp_buf_init(&b, 0);
	CHECK(smtp_log_line(&r, &b) == 0);
	CHECK(b.len <= SMTP_LOG_MAX_LINE && b.data[b.len - 1] == '\n' && b.data[b.len - 2] == '}');
	smtp_buf_free(&b);
	free(big);
}

static void test_write(void)
{
	char path[128], err[300], buf[64];
	struct stat st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/tmp/smtp-unit-log-%ld", (long)getpid());
	unlink(path);
	CHECK(smtp_log_write(path, "one\n", 4, err, sizeof err) == 0);
	CHECK(smtp_log_write(path, "two\n", 4, err, sizeof err) == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[n] = '\0';
	if (f) {
		fclose(f);
	}
	CHECK_STR(buf, "one\ntwo\n");
	unlink(path);
	/* a rotated (renamed) file is let go: the next line makes a new one */
	CHECK(smtp_log_write("/proc/nonexistent/x.log", "a\n", 2, err, sizeof err) == -1 && strstr(err, "smtp.log") != NULL);
	CHECK(smtp_log_write("", "a\n", 2, err, sizeof err) == 0);
}

static void test_maybe_sent(void)
{
	smtp_log_tap t;
	smtp_result r;

	smtp_result_init(&r);
	memset(&t, 0, sizeof t);
	smtp_err_set(&r.err, SMTP_STAGE_DATA, SMTP_ERR_NET, SMTP_CAUSE_CLOSED, 0, NULL);
	CHECK(smtp_log_maybe_sent(&t, &r) == 0); /* the message had not gone out */
	t.data_sent = 1;
	CHECK(smtp_log_maybe_sent(&t, &r) == 1);
	smtp_err_set(&r.err, SMTP_STAGE_DATA, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 451, "4.3.0");
	CHECK(smtp_log_maybe_sent(&t, &r) == 0); /* a clear answer */
	smtp_result_free(&r);
}

static void run_tests(void)
{
	test_line();
	test_escaping();
	test_bounds();
	test_write();
	test_maybe_sent();
}
