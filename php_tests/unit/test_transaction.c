/* Unit tests of transaction.c against the fake server: BDAT with and without PIPELINING (framing,
 * one write, round trips), every recipient refused in a BDAT group, a message refused after BDAT,
 * a 1 MB message as one chunk, DATA's round trips, and a listener that is not a result. */
#include "unit.h"
#include "fake_server.h"
#include "route.h"
#include "submit.h"
#include "transaction.h"

#include <stdlib.h>
#include <string.h>

#define GREET       SEND("220 fake.example ESMTP ready\r\n")
#define EHLO        EXPECT("EHLO client.example.org")
#define CAPS_CHUNK  SEND("250-fake.example\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SIZE 10000000\r\n")
#define CAPS_CHUNK1 SEND("250-fake.example\r\n250-CHUNKING\r\n250 8BITMIME\r\n")
#define QUIT_BYE    LINE("QUIT"), SEND("221 2.0.0 bye\r\n")

#define BODY     "Subject: test\r\n\r\nHello\r\n.hidden dot\r\nbye\r\n"
#define BODY_LEN "42"

static char hosts_buf[64];

static void cfg_init(smtp_config *c, const fake *f)
{
	memset(c, 0, sizeof(*c));
	snprintf(hosts_buf, sizeof(hosts_buf), "127.0.0.1:%d", f->port);
	c->hosts = hosts_buf;
	c->encryption = SMTP_ENC_NONE;
	c->auth = SMTP_AUTH_AUTO;
	c->helo = "client.example.org";
	c->timeout_ms = 5000;
	c->verify_peer = 1;
}

/* A message whose whole text (CRLF lines) is given; read in place, not copied. */
static int msg_prepare(smtp_message *m, const char *from, const char *to, const char *text, size_t len)
{
	static char head[512];
	smtp_message_input in;
	char err[200];

	snprintf(head, sizeof(head), "To: %s\r\n", to);
	memset(&in, 0, sizeof(in));
	in.raw = head;
	in.raw_len = strlen(head);
	in.more[0] = text;
	in.more_len[0] = len;
	in.envelope_from = from;
	in.msgid_domain = "example.org";
	in.now = 1764547200;
	smtp_message_init(m);
	return smtp_message_prepare(&in, m, err, sizeof(err));
}

static int contains(const smtp_buf *b, const char *needle)
{
	return b->data && strstr(b->data, needle) != NULL;
}

static void test_bdat_pipelined(void)
{
	static char batch[512];
	static step script[] = {GREET, EHLO, CAPS_CHUNK, BATCH(batch), SEND("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 queued\r\n"),
	                        QUIT_BYE, END};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;
	smtp_body b;
	char wire[400];
	const char *p;
	ssize_t n;
	size_t w = 0;
	char err[100];

	CHECK(msg_prepare(&m, "a@example.org", "b@example.org", BODY, strlen(BODY)) == 0);
	/* the exact bytes of the message: the header section the preparation wrote, then the body */
	smtp_message_reader(&m, &b);
	while ((n = b.next(&b, &p, sizeof(wire) - w, err, sizeof(err))) > 0) {
		memcpy(wire + w, p, (size_t)n);
		w += (size_t)n;
	}
	wire[w] = '\0';
	CHECK(w == m.size);
	snprintf(batch, sizeof(batch), "MAIL FROM:<a@example.org> SIZE=%zu\r\nRCPT TO:<b@example.org>\r\nBDAT %zu LAST\r\n%s",
	         m.size, m.size, wire);
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1 && r.code == 250);
	CHECK_STR(r.message, "queued");
	/* greeting, EHLO, the whole transaction, QUIT */
	CHECK(r.round_trips == 4);
	{
		char line[64];
		snprintf(line, sizeof(line), "C: BDAT %zu LAST\n", m.size);
		CHECK(contains(&r.transcript, line));
		snprintf(line, sizeof(line), "C: <message: %zu bytes>\n", m.size);
		CHECK(contains(&r.transcript, line));
	}
	CHECK(!contains(&r.transcript, "C: DATA"));
	CHECK(!contains(&r.transcript, "hidden dot"));
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_bdat_all_refused(void)
{
	static char size[16];
	static step script[] = {GREET,
	                        EHLO,
	                        CAPS_CHUNK,
	                        EXPECT("MAIL FROM:<a@example.org>"),
	                        EXPECT("RCPT TO:<b@example.org>"),
	                        EXPECT("RCPT TO:<c@example.org>"),
	                        EXPECT("BDAT "),
	                        RAW_LEN(size),
	                        SEND("250 2.1.0 Ok\r\n550 5.1.1 no\r\n550 5.1.1 nor you\r\n554 5.5.1 no valid recipients\r\n"),
	                        LINE("RSET"),
	                        SEND("250 2.0.0 Ok\r\n"),
	                        QUIT_BYE,
	                        END};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(msg_prepare(&m, "a@example.org", "b@example.org, c@example.org", BODY, strlen(BODY)) == 0);
	snprintf(size, sizeof(size), "%zu", m.size);
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_RCPT && r.code == 550);
	CHECK(r.err.cause == SMTP_CAUSE_REPLY);
	CHECK_STR(r.error, "SMTP RCPT TO refused for all 2 recipients, <b@example.org> first: 550 5.1.1 no");
	CHECK(r.rcpt_count == 2);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_bdat_serial_refused_after(void)
{
	static char size[16];
	static step script[] = {GREET,
	                        EHLO,
	                        CAPS_CHUNK1,
	                        BATCH("MAIL FROM:<a@example.org>\r\n"),
	                        SEND("250 Ok\r\n"),
	                        BATCH("RCPT TO:<b@example.org>\r\n"),
	                        SEND("250 Ok\r\n"),
	                        EXPECT("BDAT "),
	                        RAW_LEN(size),
	                        SEND("451 4.3.0 try later\r\n"),
	                        LINE("RSET"),
	                        SEND("250 Ok\r\n"),
	                        QUIT_BYE,
	                        END};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(msg_prepare(&m, "a@example.org", "b@example.org", BODY, strlen(BODY)) == 0);
	snprintf(size, sizeof(size), "%zu", m.size);
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_DATA && r.code == 451);
	CHECK(smtp_err_is_transient(&r.err));
	CHECK_STR(r.error, "SMTP message refused after BDAT: 451 4.3.0 try later");
	/* greeting, EHLO, MAIL, RCPT, BDAT, RSET, QUIT */
	CHECK(r.round_trips == 7);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

/* 1 MB of text with LF endings as one chunk: its size is the CRLF size, announced before a byte of it. */
static void test_bdat_big(void)
{
	static char size[16];
	static step script[] = {GREET, EHLO, CAPS_CHUNK, EXPECT("MAIL FROM:"), EXPECT("RCPT TO:"), EXPECT("BDAT "),
	                        RAW_LEN(size), SEND("250 Ok\r\n250 Ok\r\n250 2.0.0 queued\r\n"), QUIT_BYE, END};
	size_t len = 1024 * 1024, i;
	char *text = malloc(len);
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(text != NULL);
	if (!text) {
		return;
	}
	memcpy(text, "Subject: big\n\n", 14);
	for (i = 14; i < len; i++) {
		text[i] = (i % 77 == 76) ? '\n' : (i % 77 == 0) ? '.' : 'x';
	}
	CHECK(msg_prepare(&m, "a@example.org", "b@example.org", text, len) == 0);
	CHECK(m.size > len); /* LF became CRLF */
	snprintf(size, sizeof(size), "%zu", m.size);
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK(r.round_trips == 4);
	smtp_result_free(&r);
	smtp_message_free(&m);
	free(text);
}

/* Any listener: the events of one submission, in order, with no result involved. */
typedef struct {
	int hosts, connects, errors, dones, rcpts, commands, replies;
	char order[64];
} tally;

static void count(void *ctx, const smtp_event *ev)
{
	tally *t = ctx;
	size_t l = strlen(t->order);
	char c = '?';

	switch (ev->kind) {
	case SMTP_EV_HOST:
		t->hosts++;
		c = 'H';
		break;
	case SMTP_EV_CONNECT:
		t->connects++;
		c = 'N';
		break;
	case SMTP_EV_ERROR:
		t->errors++;
		c = 'E';
		break;
	case SMTP_EV_DONE:
		t->dones++;
		c = 'D';
		break;
	case SMTP_EV_RCPT:
		t->rcpts++;
		c = 'R';
		break;
	case SMTP_EV_COMMAND:
		t->commands++;
		return;
	case SMTP_EV_REPLY:
		t->replies++;
		return;
	default:
		return;
	}
	if (l + 1 < sizeof(t->order)) {
		t->order[l] = c;
		t->order[l + 1] = '\0';
	}
}

static void test_observer(void)
{
	static step script[] = {GREET, EHLO, CAPS_CHUNK, EXPECT("MAIL FROM:"), EXPECT("RCPT TO:"), EXPECT("BDAT "),
	                        RAW_LEN("0"), SEND("250 Ok\r\n250 Ok\r\n250 2.0.0 queued\r\n"), QUIT_BYE, END};
	static char size[16];
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_observer obs;
	tally t;
	smtp_err e;

	memset(&t, 0, sizeof(t));
	CHECK(msg_prepare(&m, "a@example.org", "b@example.org", BODY, strlen(BODY)) == 0);
	snprintf(size, sizeof(size), "%zu", m.size);
	script[6].arg = size;
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	obs.on_event = count;
	obs.ctx = &t;
	CHECK(smtp_submit_observed(&cfg, &m, &obs, &e) == 0);
	CHECK(fake_finish(&f));
	CHECK_STR(t.order, "HNRD");
	CHECK(t.errors == 0);
	/* EHLO, MAIL, RCPT, BDAT, <message>, QUIT / greeting, EHLO, MAIL, RCPT, BDAT, QUIT */
	CHECK(t.commands == 6);
	CHECK(t.replies == 6);
	smtp_message_free(&m);
}

/* smtp_check()'s sender probe: MAIL, RCPT, RSET (pipelined: one write), never DATA; refusals at
 * MAIL and at RCPT with the server's code; serial without PIPELINING. */
static void test_probe(void)
{
	static const step ok_pipe[] = {GREET, EHLO, SEND("250-fake.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n"),
	                               BATCH("MAIL FROM:<me@example.org>\r\nRCPT TO:<you@example.org>\r\nRSET\r\n"),
	                               SEND("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 Ok\r\n"), QUIT_BYE, END};
	static const step mail_refused[] = {
	    GREET, EHLO, SEND("250-fake.example\r\n250 PIPELINING\r\n"),
	    BATCH("MAIL FROM:<boss@example.org>\r\nRCPT TO:<boss@example.org>\r\nRSET\r\n"),
	    SEND("550 5.7.60 SMTP; Client does not have permissions to send as this sender\r\n503 5.5.1 need MAIL\r\n"
	         "250 2.0.0 Ok\r\n"),
	    QUIT_BYE, END};
	static const step rcpt_refused_serial[] = {GREET, EHLO, SEND("250 fake.example\r\n"),
	                                           LINE("MAIL FROM:<me@example.org>"), SEND("250 2.1.0 Ok\r\n"),
	                                           LINE("RCPT TO:<x@other.example>"),
	                                           SEND("554 5.7.1 <x@other.example>: Relay access denied\r\n"),
	                                           LINE("RSET"), SEND("250 2.0.0 Ok\r\n"), QUIT_BYE, END};
	static const step mail_only[] = {GREET, EHLO, SEND("250 fake.example\r\n"), LINE("MAIL FROM:<me@example.org>"),
	                                 SEND("250 2.1.0 Ok\r\n"), LINE("RSET"), SEND("250 2.0.0 Ok\r\n"), QUIT_BYE, END};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, ok_pipe) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_check_sender(&cfg, "me@example.org", "you@example.org", &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1 && r.stage == SMTP_STAGE_DONE);
	CHECK(r.probe.mail_code == 250 && r.probe.rcpt_code == 250);
	CHECK(r.round_trips == 4); /* greeting, EHLO, the probe, QUIT */
	CHECK(!contains(&r.transcript, "DATA") && !contains(&r.transcript, "BDAT"));
	CHECK(r.rcpt_count == 0);
	smtp_result_free(&r);

	CHECK(fake_start(&f, mail_refused) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_check_sender(&cfg, "boss@example.org", "boss@example.org", &r) != 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 0 && r.stage == SMTP_STAGE_MAIL && r.code == 550);
	CHECK_STR(r.enhanced, "5.7.60");
	CHECK(r.probe.mail_code == 550 && r.probe.rcpt_code == 0); /* the 503 after a refused MAIL says nothing */
	CHECK_STR(r.error, "SMTP MAIL FROM <boss@example.org> refused: 550 5.7.60 SMTP; Client does not have permissions to "
	                   "send as this sender");
	CHECK(r.hint && strstr(r.hint, "Send As"));
	smtp_result_free(&r);

	CHECK(fake_start(&f, rcpt_refused_serial) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_check_sender(&cfg, "me@example.org", "x@other.example", &r) != 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 0 && r.stage == SMTP_STAGE_RCPT && r.code == 554);
	CHECK(r.probe.mail_code == 250 && r.probe.rcpt_code == 554);
	CHECK(r.hint && strstr(r.hint, "relays mail to other domains only"));
	smtp_result_free(&r);

	CHECK(fake_start(&f, mail_only) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_check_sender(&cfg, "me@example.org", NULL, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1 && r.probe.mail_code == 250 && r.probe.rcpt_code == 0);
	smtp_result_free(&r);

	/* an address that cannot go into a command: nothing sent for it */
	{
		static const step bad[] = {GREET, EHLO, SEND("250 fake.example\r\n"), QUIT_BYE, END};
		CHECK(fake_start(&f, bad) == 0);
		cfg_init(&cfg, &f);
		smtp_result_init(&r);
		CHECK(smtp_check_sender(&cfg, "not an address", NULL, &r) != 0);
		CHECK(fake_finish(&f));
		CHECK(r.stage == SMTP_STAGE_MAIL && r.err.cause == SMTP_CAUSE_INPUT && r.probe.mail_code == 0);
		smtp_result_free(&r);
	}
}

static void run_tests(void)
{
	test_probe();
	test_bdat_pipelined();
	test_bdat_all_refused();
	test_bdat_serial_refused_after();
	test_bdat_big();
	test_observer();
}
