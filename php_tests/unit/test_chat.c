/* Unit tests of chat.c: commands into the wire buffer (a pipelined group in one write), replies read
 * and parsed from the bounded input buffer (a second reply in the same segment stays buffered),
 * every failure with its status and cause, and the events the transcript is made of. */
#include "unit.h"
#include "chat.h"
#include "fake_server.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	char log[8192];
	int  round_trips;
	int  replies;
} seen;

static void on_event(void *ctx, const smtp_event *ev)
{
	seen *s = ctx;
	size_t l = strlen(s->log);

	if (ev->kind == SMTP_EV_COMMAND) {
		snprintf(s->log + l, sizeof(s->log) - l, "C:%.*s|", (int)ev->len, ev->text);
	} else if (ev->kind == SMTP_EV_REPLY) {
		snprintf(s->log + l, sizeof(s->log) - l, "S:%d|", ev->reply->code);
		s->replies++;
		s->round_trips += ev->flag;
	}
}

static int open_chat(smtp_chat *ch, const fake *f, const smtp_observer *obs)
{
	smtp_conn *c = NULL;
	smtp_io_err e;

	memset(&e, 0, sizeof(e));
	if (smtp_conn_open(&c, "127.0.0.1", f->port, smtp_now_ms() + 3000, &e) != SMTP_IO_OK) {
		return -1;
	}
	if (smtp_chat_init(ch, c) != 0) {
		smtp_conn_close(c);
		return -1;
	}
	ch->obs = obs;
	ch->deadline = smtp_now_ms() + 3000;
	ch->rt_pending = 1; /* the greeting */
	return 0;
}

static void test_pipelined_group(void)
{
	static const step script[] = {SEND("220 a\r\n250 two replies in one segment\r\n"),
	                              BATCH("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
	                              SEND("250 ok\r\n250 ok\r\n354 go\r\n"), EXPECT_EOF, END};
	fake f;
	smtp_chat ch;
	seen s;
	smtp_observer obs = {on_event, &s};

	memset(&s, 0, sizeof(s));
	CHECK(fake_start(&f, script) == 0);
	CHECK(open_chat(&ch, &f, &obs) == 0);
	CHECK(smtp_chat_read_reply(&ch) == 0);
	CHECK(ch.reply.code == 220);
	CHECK(smtp_chat_pending(&ch) == strlen("250 two replies in one segment\r\n"));
	CHECK(smtp_chat_read_reply(&ch) == 0);
	CHECK(ch.reply.code == 250);
	CHECK(smtp_chat_pending(&ch) == 0);
	/* three commands, one write; nothing leaves before the read */
	CHECK(smtp_chat_put_command(&ch, "MAIL FROM:<a@x>", NULL) == 0);
	CHECK(smtp_chat_put_command(&ch, "RCPT TO:<b@y>", NULL) == 0);
	CHECK(smtp_chat_put_command(&ch, "DATA", NULL) == 0);
	CHECK(ch.sent == 0);
	CHECK(smtp_chat_read_reply(&ch) == 0 && ch.reply.code == 250);
	CHECK(ch.sent == strlen("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"));
	CHECK(smtp_chat_read_reply(&ch) == 0 && ch.reply.code == 250);
	CHECK(smtp_chat_read_reply(&ch) == 0 && ch.reply.code == 354);
	{
		char line[64];
		smtp_chat_reply_line(&ch, line, sizeof(line));
		CHECK_STR(line, "354 go");
	}
	smtp_chat_free(&ch);
	CHECK(fake_finish(&f));
	CHECK_STR(s.log, "S:220|S:250|C:MAIL FROM:<a@x>|C:RCPT TO:<b@y>|C:DATA|S:250|S:250|S:354|");
	/* the greeting and the group each cost one round trip; the replies read from the buffer none */
	CHECK(s.round_trips == 2);
	CHECK(s.replies == 5);
}

static void test_secret(void)
{
	static const step script[] = {SEND("220 a\r\n"), LINE("AUTH PLAIN c2VjcmV0"), SEND("235 ok\r\n"), EXPECT_EOF, END};
	fake f;
	smtp_chat ch;
	seen s;
	smtp_observer obs = {on_event, &s};
	size_t i;
	int clean = 1;

	memset(&s, 0, sizeof(s));
	CHECK(fake_start(&f, script) == 0);
	CHECK(open_chat(&ch, &f, &obs) == 0);
	CHECK(smtp_chat_read_reply(&ch) == 0);
	CHECK(smtp_chat_put_secret(&ch, "AUTH PLAIN ", "c2VjcmV0", 8, "AUTH PLAIN ********") == 0);
	for (i = 0; i < SMTP_WBUF_SIZE; i++) {
		clean &= ch.out.buf[i] == 0;
	}
	CHECK(clean); /* wiped once written */
	CHECK(smtp_chat_read_reply(&ch) == 0 && ch.reply.code == 235);
	smtp_chat_free(&ch);
	CHECK(fake_finish(&f));
	CHECK(strstr(s.log, "c2VjcmV0") == NULL);
	CHECK(strstr(s.log, "C:AUTH PLAIN ********|") != NULL);
}

/* One failing read: status, cause and sentence. */
static void failing_read(const step *script, int deadline_ms, smtp_io_status st, smtp_cause cause, const char *text)
{
	fake f;
	smtp_chat ch;

	CHECK(fake_start(&f, script) == 0);
	CHECK(open_chat(&ch, &f, NULL) == 0);
	ch.deadline = smtp_now_ms() + deadline_ms;
	CHECK(smtp_chat_read_reply(&ch) == -1);
	CHECK(ch.status == st);
	CHECK(ch.err.cause == cause);
	if (text) {
		CHECK_STR(ch.err.text, text);
	}
	smtp_chat_free(&ch);
	CHECK(fake_finish(&f));
}

static void test_failures(void)
{
	static const step garbage[] = {SEND("hello there\r\n"), DRAIN, END};
	static const step silent[] = {SILENT, END};
	static const step partial[] = {SEND("220-first line\r\n"), SILENT, END};
	static const step cut[] = {SEND("220-first line\r\n"), CLOSE, END};
	static const step closed[] = {CLOSE, END};
	static const step big[] = {BIGLINE, DRAIN, END};
	static const step endless[] = {ENDLESS, END};

	failing_read(garbage, 3000, SMTP_IO_PROTOCOL, SMTP_CAUSE_MALFORMED, NULL);
	failing_read(silent, 300, SMTP_IO_TIMEOUT, SMTP_CAUSE_SILENT, "timed out waiting for a reply");
	failing_read(partial, 300, SMTP_IO_TIMEOUT, SMTP_CAUSE_TIMEOUT, "timed out in the middle of a reply");
	failing_read(cut, 3000, SMTP_IO_CLOSED, SMTP_CAUSE_CLOSED, "the server closed the connection in the middle of a reply");
	failing_read(closed, 3000, SMTP_IO_CLOSED, SMTP_CAUSE_CLOSED, NULL);
	failing_read(big, 3000, SMTP_IO_PROTOCOL, SMTP_CAUSE_MALFORMED, NULL);
	failing_read(endless, 3000, SMTP_IO_PROTOCOL, SMTP_CAUSE_MALFORMED, NULL);
}

static void test_no_connection(void)
{
	smtp_chat ch;

	CHECK(smtp_chat_init(&ch, NULL) == 0);
	CHECK(smtp_chat_read_reply(&ch) == -1);
	CHECK(ch.err.cause == SMTP_CAUSE_NOT_OPEN);
	smtp_chat_free(&ch);
}

static void run_tests(void)
{
	test_pipelined_group();
	test_secret();
	test_failures();
	test_no_connection();
}
