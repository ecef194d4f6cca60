/* The session state machine against scripted fake SMTP servers (plain TCP on 127.0.0.1).
 * Each fake server is a forked child that accepts one connection and plays a script of expected
 * client lines and canned replies; any deviation makes it exit non-zero with a message on stderr.
 * Children are bounded by alarm(); the client by its timeout. The server is fake_server.c. */
#include "unit.h"
#include "session.h"
#include "route.h"
#include "submit.h"
#include "transaction.h"
#include "sasl.h"
#include "fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the fake server (fake_server.c) --------------------------------------------------------- */

#define GREET        SEND("220 fake.example ESMTP ready\r\n")
#define EHLO         EXPECT("EHLO client.example.org")
#define CAPS_PIPE    SEND("250-fake.example greets you\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250 8BITMIME\r\n")
#define CAPS_PLAIN   SEND("250-fake.example greets you\r\n250 8BITMIME\r\n")
#define QUIT_BYE     LINE("QUIT"), SEND("221 2.0.0 bye\r\n")

/* A port nobody listens on. */
#define closed_port fake_closed_port

/* ---- the client side ------------------------------------------------------------------------ */

static char hosts_buf[256];

static void cfg_init(smtp_config *c, const fake *f)
{
	memset(c, 0, sizeof(*c));
	snprintf(hosts_buf, sizeof(hosts_buf), "127.0.0.1:%d", f ? f->port : 1);
	c->hosts = hosts_buf;
	c->encryption = SMTP_ENC_NONE;
	c->auth = SMTP_AUTH_AUTO;
	c->helo = "client.example.org";
	c->timeout_ms = 5000;
	c->verify_peer = 1;
}

static void msg_init(smtp_message *m, const char *from, const char *to1, const char *to2, const char *data)
{
	smtp_message_init(m);
	m->sender = smtp_strdup(from);
	smtp_strlist_add(&m->rcpts, to1, strlen(to1));
	if (to2) smtp_strlist_add(&m->rcpts, to2, strlen(to2));
	smtp_buf_puts(&m->headers, data); /* the whole message, CRLF lines: as the header section */
	m->size = m->headers.len;
}

static int contains(const smtp_buf *b, const char *needle)
{
	return b->data && strstr(b->data, needle) != NULL;
}

#define BODY      "Subject: test\r\n\r\nHello\r\n.hidden dot\r\nbye\r\n"
#define BODY_WIRE "Subject: test\r\n\r\nHello\r\n..hidden dot\r\nbye\r\n.\r\n"
#define BODY_LEN  "42"

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_pipelined_send(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PIPE,
		BATCH("MAIL FROM:<a@example.org> SIZE=" BODY_LEN "\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n"),
		SEND("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"),
		DATA(BODY_WIRE),
		SEND("250 2.0.0 Ok: queued as ABC123\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;
	int rc;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", "c@example.org", BODY);
	smtp_result_init(&r);
	rc = smtp_submit(&cfg, &m, &r);
	CHECK(fake_finish(&f));
	CHECK(rc == 0);
	CHECK(r.ok == 1);
	CHECK(r.stage == SMTP_STAGE_DONE);
	CHECK(r.error == NULL);
	CHECK(r.code == 250);
	CHECK_STR(r.enhanced, "2.0.0");
	CHECK_STR(r.message, "Ok: queued as ABC123");
	CHECK(r.rcpt_count == 2);
	CHECK(r.rcpt_count == 2 && r.rcpts[0].code == 250 && r.rcpts[1].code == 250);
	CHECK_STR(r.rcpt_count ? r.rcpts[0].address : "", "b@example.org");
	CHECK_STR(r.host, "127.0.0.1");
	CHECK(r.port == f.port);
	CHECK_STR(r.address, "127.0.0.1");
	CHECK_STR(r.encryption, "none");
	CHECK(r.tls_active == 0);
	CHECK_STR(r.auth_mech, "");
	CHECK(r.capabilities.count == 3);
	CHECK_STR(r.capabilities.count ? r.capabilities.items[0] : "", "PIPELINING");
	/* greeting, EHLO, MAIL+RCPT+RCPT+DATA, message, QUIT */
	CHECK(r.round_trips == 5);
	CHECK(contains(&r.transcript, "C: MAIL FROM:<a@example.org> SIZE=" BODY_LEN "\n"));
	CHECK(contains(&r.transcript, "C: RCPT TO:<c@example.org>\n"));
	CHECK(contains(&r.transcript, "S: 354 End data with <CR><LF>.<CR><LF>\n"));
	CHECK(contains(&r.transcript, "C: <message: 46 bytes>\n"));
	CHECK(contains(&r.transcript, "S: 250-PIPELINING\n"));
	CHECK(!contains(&r.transcript, "hidden dot"));
	CHECK(r.t_total >= r.t_send && r.t_send > 0);
	CHECK(r.t_connect >= 0);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_serial_send(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PLAIN,
		BATCH("MAIL FROM:<a@example.org>\r\n"), SEND("250 2.1.0 Ok\r\n"),
		BATCH("RCPT TO:<b@example.org>\r\n"), SEND("250 2.1.5 Ok\r\n"),
		BATCH("DATA\r\n"), SEND("354 go ahead\r\n"),
		DATA(BODY_WIRE),
		SEND("250 2.0.0 queued\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK(r.stage == SMTP_STAGE_DONE);
	/* greeting, EHLO, MAIL, RCPT, DATA, message, QUIT */
	CHECK(r.round_trips == 7);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_eight_bit_params(void)
{
	static const step script[] = {
		GREET, EHLO,
		SEND("250-fake.example\r\n250-PIPELINING\r\n250-SIZE\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"),
		BATCH("MAIL FROM:<j\xc3\xb6rg@example.org> BODY=8BITMIME SMTPUTF8\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"),
		SEND("250 Ok\r\n250 Ok\r\n354 go\r\n"),
		DATA(NULL), SEND("250 queued\r\n"), QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "j\xc3\xb6rg@example.org", "b@example.org", NULL, "Subject: \xc3\xa9t\xc3\xa9\r\n\r\nx\r\n");
	m.eight_bit = 1;
	m.utf8_addrs = 1;
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);   /* "SIZE" without a number: no SIZE= parameter */
	CHECK(fake_finish(&f));
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_utf8_without_smtputf8(void)
{
	static const step script[] = { GREET, EHLO, CAPS_PIPE, QUIT_BYE, END };
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "j\xc3\xb6rg@example.org", NULL, "Subject: x\r\n\r\nx\r\n");
	m.utf8_addrs = 1;
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_MAIL);
	CHECK(r.error && strstr(r.error, "does not offer SMTPUTF8"));
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_size_limit(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 SIZE 10\r\n"), QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_MAIL);
	CHECK(r.error && strstr(r.error, "larger than the server") && strstr(r.error, "SIZE 10"));
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_partial_refusal(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PIPE,
		BATCH("MAIL FROM:<a@example.org> SIZE=" BODY_LEN "\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<x@example.org>\r\nDATA\r\n"),
		SEND("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <x@example.org>: Recipient address rejected: User unknown\r\n354 go\r\n"),
		DATA(BODY_WIRE), SEND("250 2.0.0 queued\r\n"), QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", "x@example.org", BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK(r.rcpt_count == 2);
	if (r.rcpt_count == 2) {
		CHECK(r.rcpts[0].code == 250);
		CHECK_STR(r.rcpts[1].address, "x@example.org");
		CHECK(r.rcpts[1].code == 550);
		CHECK_STR(r.rcpts[1].enhanced, "5.1.1");
		CHECK_STR(r.rcpts[1].message, "<x@example.org>: Recipient address rejected: User unknown");
	}
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_all_refused_pipelined(void)
{
	/* A pipelining server may answer DATA with 354 even though no recipient was accepted:
	 * the client must end the empty transaction with a dot, then RSET (RFC 2920 3.1). */
	static const step script[] = {
		GREET, EHLO, CAPS_PIPE,
		BATCH("MAIL FROM:<a@example.org> SIZE=" BODY_LEN "\r\nRCPT TO:<x@example.org>\r\nRCPT TO:<y@example.org>\r\nDATA\r\n"),
		SEND("250 2.1.0 Ok\r\n550 5.1.1 User unknown\r\n550 5.1.1 No such user\r\n354 go\r\n"),
		LINE("."), SEND("554 5.5.1 Error: no valid recipients\r\n"),
		LINE("RSET"), SEND("250 2.0.0 Ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "x@example.org", "y@example.org", BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 0);
	CHECK(r.stage == SMTP_STAGE_RCPT);
	CHECK(r.code == 550);
	CHECK_STR(r.enhanced, "5.1.1");
	CHECK_STR(r.error, "SMTP RCPT TO refused for all 2 recipients, <x@example.org> first: 550 5.1.1 User unknown");
	CHECK(r.rcpt_count == 2);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_one_refused_serial(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PLAIN,
		LINE("MAIL FROM:<a@example.org>"), SEND("250 2.1.0 Ok\r\n"),
		LINE("RCPT TO:<x@example.org>"), SEND("550 5.1.1 User unknown\r\n"),
		LINE("RSET"), SEND("250 2.0.0 Ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "x@example.org", NULL, BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK_STR(r.error, "SMTP RCPT TO <x@example.org> refused: 550 5.1.1 User unknown");
	CHECK_STR(r.message, "User unknown");
	CHECK(r.stage == SMTP_STAGE_RCPT);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_421_closes(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PLAIN,
		LINE("MAIL FROM:<a@example.org>"), SEND("250 2.1.0 Ok\r\n"),
		LINE("RCPT TO:<b@example.org>"), SEND("421 4.7.0 fake.example Service not available, closing channel\r\n"),
		EXPECT_EOF, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;
	smtp_session *s;
	smtp_observer obs;
	smtp_tls_cache *tls = smtp_tls_cache_new();
	smtp_err e;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
	smtp_result_init(&r);
	smtp_result_observer(&r, &obs);
	s = smtp_route_open(&cfg, tls, "client.example.org", smtp_now_ms() + 5000, &obs, &e);
	CHECK(s != NULL);
	CHECK(smtp_session_state_get(s) == SMTP_S_READY);
	CHECK(smtp_transaction_send(s, &m, smtp_now_ms() + 5000, &obs, &e) == -1);
	CHECK(e.stage == SMTP_STAGE_RCPT && e.cause == SMTP_CAUSE_SERVER_CLOSING && e.code == 421);
	CHECK(smtp_err_is_transient(&e));
	CHECK(smtp_session_state_get(s) == SMTP_S_BROKEN);
	smtp_session_quit(s, smtp_now_ms() + 5000, &obs); /* no QUIT on a dead session: the fake server expects EOF */
	smtp_session_free(s);
	smtp_tls_cache_free(tls);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_RCPT);
	CHECK(r.code == 421);
	CHECK(r.error && strstr(r.error, "RCPT TO <b@example.org>") && strstr(r.error, "421 4.7.0"));
	smtp_result_free(&r);
	smtp_message_free(&m);
}

/* MAIL refused, RSET, and the same session sends the next message. */
static void test_mail_refused_then_reuse(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PLAIN,
		LINE("MAIL FROM:<bad@example.org>"), SEND("553 5.7.1 <bad@example.org>: Sender address rejected: not owned by user\r\n"),
		LINE("RSET"), SEND("250 2.0.0 Ok\r\n"),
		LINE("MAIL FROM:<a@example.org>"), SEND("250 2.1.0 Ok\r\n"),
		LINE("RCPT TO:<b@example.org>"), SEND("250 2.1.5 Ok\r\n"),
		LINE("DATA"), SEND("354 go\r\n"),
		DATA(BODY_WIRE), SEND("250 2.0.0 queued\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m1, m2;
	smtp_result r1, r2;
	smtp_session *s;
	smtp_observer o1, o2;
	smtp_tls_cache *tls = smtp_tls_cache_new();
	smtp_err e;

	msg_init(&m1, "bad@example.org", "b@example.org", NULL, BODY);
	msg_init(&m2, "a@example.org", "b@example.org", NULL, BODY);
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r1);
	smtp_result_init(&r2);
	smtp_result_observer(&r1, &o1);
	smtp_result_observer(&r2, &o2);
	s = smtp_route_open(&cfg, tls, "client.example.org", smtp_now_ms() + 5000, &o1, &e);
	CHECK(s != NULL);
	CHECK(smtp_transaction_send(s, &m1, smtp_now_ms() + 5000, &o1, &e) == -1);
	CHECK(smtp_session_state_get(s) == SMTP_S_READY);
	CHECK(e.stage == SMTP_STAGE_MAIL && e.cause == SMTP_CAUSE_REPLY && e.code == 553);
	CHECK(!smtp_err_is_transient(&e));
	CHECK(r1.stage == SMTP_STAGE_MAIL);
	CHECK_STR(r1.error, "SMTP MAIL FROM <bad@example.org> refused: 553 5.7.1 <bad@example.org>: Sender address rejected: not owned by user");
	CHECK(r1.rcpt_count == 0);
	/* the next message goes out on the same connection, told to another listener: the session keeps
	 * nothing of the previous call */
	CHECK(smtp_transaction_send(s, &m2, smtp_now_ms() + 5000, &o2, &e) == 0);
	CHECK(r2.error == NULL);
	CHECK(r2.rcpt_count == 1);
	CHECK(r1.rcpt_count == 0);
	CHECK(strstr(r2.transcript.data, "MAIL FROM:<a@example.org>") != NULL);
	CHECK(strstr(r1.transcript.data, "MAIL FROM:<a@example.org>") == NULL);
	CHECK(smtp_session_messages(s) == 2);
	CHECK(smtp_session_state_get(s) == SMTP_S_READY);
	smtp_session_quit(s, smtp_now_ms() + 5000, &o2);
	CHECK(smtp_session_state_get(s) == SMTP_S_CLOSED);
	CHECK(smtp_transaction_send(s, &m2, smtp_now_ms() + 5000, &o2, &e) == -1); /* closed: refused, no crash */
	CHECK(e.cause == SMTP_CAUSE_NOT_OPEN);
	smtp_session_free(s);
	smtp_tls_cache_free(tls);
	CHECK(fake_finish(&f));
	smtp_result_free(&r1);
	smtp_result_free(&r2);
	smtp_message_free(&m1);
	smtp_message_free(&m2);
}

static void test_data_refused(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PLAIN,
		LINE("MAIL FROM:<a@example.org>"), SEND("250 Ok\r\n"),
		LINE("RCPT TO:<b@example.org>"), SEND("250 Ok\r\n"),
		LINE("DATA"), SEND("554 5.3.0 Data not accepted now\r\n"),
		LINE("RSET"), SEND("250 Ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_DATA);
	CHECK_STR(r.error, "SMTP DATA refused: 554 5.3.0 Data not accepted now");
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_refused_after_dot(void)
{
	static const step script[] = {
		GREET, EHLO, CAPS_PIPE,
		BATCH("MAIL FROM:<a@example.org> SIZE=" BODY_LEN "\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"),
		SEND("250 Ok\r\n250 Ok\r\n354 go\r\n"),
		DATA(BODY_WIRE), SEND("554 5.7.1 Message rejected as spam\r\n"),
		LINE("RSET"), SEND("250 Ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 0);
	CHECK(r.stage == SMTP_STAGE_DATA);
	CHECK(r.code == 554);
	CHECK_STR(r.enhanced, "5.7.1");
	CHECK_STR(r.error, "SMTP message refused after DATA: 554 5.7.1 Message rejected as spam");
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_helo_fallback(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("502 5.5.1 Command not implemented\r\n"),
		LINE("HELO client.example.org"), SEND("250 fake.example\r\n"),
		LINE("MAIL FROM:<a@example.org>"), SEND("250 Ok\r\n"),
		LINE("RCPT TO:<b@example.org>"), SEND("250 Ok\r\n"),
		LINE("DATA"), SEND("354 go\r\n"),
		DATA(BODY_WIRE), SEND("250 queued\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK(r.capabilities.count == 0);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_greeting_554(void)
{
	static const step script[] = {
		SEND("554 5.7.1 fake.example: your IP is blocked\r\n"), LINE("QUIT"), SEND("221 bye\r\n"), END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_GREETING);
	CHECK(r.code == 554);
	CHECK_STR(r.error, "SMTP greeting from 127.0.0.1: the server refused the session: 554 5.7.1 fake.example: your IP is blocked");
	smtp_result_free(&r);
}

static void test_check_connection(void)
{
	static const step script[] = { GREET, EHLO, CAPS_PIPE, QUIT_BYE, END };
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK(r.stage == SMTP_STAGE_DONE);
	CHECK(r.code == 250);
	CHECK(r.capabilities.count == 3);
	CHECK(contains(&r.transcript, "C: QUIT\nS: 221 2.0.0 bye\n"));
	smtp_result_free(&r);
}

static const char *secret = "s3cr3t-P@ss";

static void check_no_secret(const smtp_result *r)
{
	smtp_buf b64;
	smtp_buf_init(&b64, 0);
	smtp_base64_encode((const unsigned char *)secret, strlen(secret), &b64);
	CHECK(!contains(&r->transcript, secret));
	CHECK(!contains(&r->transcript, b64.data));
	CHECK(!contains(&r->transcript, "AHVzZXJAZXhhbXBsZS5vcmcA"));   /* base64 of the PLAIN prefix */
	CHECK(!r->error || !strstr(r->error, secret));
	smtp_buf_free(&b64);
}

static void test_auth_plain(void)
{
	/* base64("\0user@example.org\0s3cr3t-P@ss") */
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250-AUTH LOGIN PLAIN\r\n250 PIPELINING\r\n"),
		LINE("AUTH PLAIN AHVzZXJAZXhhbXBsZS5vcmcAczNjcjN0LVBAc3M="), SEND("235 2.7.0 Authentication successful\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "user@example.org";
	cfg.password = secret;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);   /* loopback: AUTH allowed without TLS */
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK_STR(r.auth_mech, "PLAIN");
	CHECK(contains(&r.transcript, "C: AUTH PLAIN ********\n"));
	CHECK(r.t_auth > 0);
	check_no_secret(&r);
	smtp_result_free(&r);
}

static void test_auth_login(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 AUTH=LOGIN\r\n"),
		LINE("AUTH LOGIN"), SEND("334 VXNlcm5hbWU6\r\n"),
		LINE("dXNlckBleGFtcGxlLm9yZw=="), SEND("334 UGFzc3dvcmQ6\r\n"),
		LINE("czNjcjN0LVBAc3M="), SEND("235 2.7.0 Accepted\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "user@example.org";
	cfg.password = secret;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK_STR(r.auth_mech, "LOGIN");
	CHECK(contains(&r.transcript, "C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ********\nS: 334 UGFzc3dvcmQ6\nC: ********\nS: 235"));
	CHECK(!contains(&r.transcript, "dXNlckBleGFtcGxlLm9yZw=="));
	check_no_secret(&r);
	smtp_result_free(&r);
}

static void test_auth_cram_md5(void)
{
	/* RFC 2195's example exchange */
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 AUTH PLAIN LOGIN CRAM-MD5\r\n"),
		LINE("AUTH CRAM-MD5"), SEND("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"),
		LINE("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"), SEND("235 2.7.0 ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "tim";
	cfg.password = "tanstaaftanstaaf";
	cfg.auth = SMTP_AUTH_CRAM_MD5; /* auto would take PLAIN on this protected (loopback) link */
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK_STR(r.auth_mech, "CRAM-MD5");
	CHECK(!contains(&r.transcript, "dGltIGI5MTNh"));
	CHECK(!contains(&r.transcript, "tanstaaf"));
	smtp_result_free(&r);
}

/* smtp.auth=auto on a protected link (TLS, or loopback as here) with every mechanism offered:
 * PLAIN with an initial response, one round trip. */
static void test_auth_auto_plain_one_round_trip(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 AUTH CRAM-MD5 LOGIN PLAIN\r\n"),
		LINE("AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"), SEND("235 2.7.0 ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "tim";
	cfg.password = "tanstaaftanstaaf";
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK_STR(r.auth_mech, "PLAIN");
	/* greeting, EHLO, AUTH, QUIT */
	CHECK(r.round_trips == 4);
	CHECK(contains(&r.transcript, "C: AUTH PLAIN ********\nS: 235"));
	smtp_result_free(&r);
}

static void test_auth_refused(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("250-smtp.gmail.com at your service\r\n250 AUTH LOGIN PLAIN XOAUTH2\r\n"),
		EXPECT("AUTH PLAIN "),
		SEND("535-5.7.8 Username and Password not accepted. For more information, go to\r\n"
		     "535 5.7.8  https://support.google.com/mail/?p=BadCredentials x1-20020a gsmtp\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;
	smtp_message m;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "user@example.org";
	cfg.password = secret;
	msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 0);
	CHECK(r.stage == SMTP_STAGE_AUTH);
	CHECK(r.code == 535);
	CHECK_STR(r.enhanced, "5.7.8");
	CHECK_STR(r.error, "SMTP AUTH PLAIN refused: 535 5.7.8 Username and Password not accepted. For more information, go to "
	          "https://support.google.com/mail/?p=BadCredentials x1-20020a gsmtp");
	CHECK(r.hint && strstr(r.hint, "app password"));
	check_no_secret(&r);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_auth_not_offered(void)
{
	static const step script[] = { GREET, EHLO, CAPS_PIPE, QUIT_BYE, END };
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "user";
	cfg.password = secret;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_AUTH);
	CHECK(r.error && strstr(r.error, "does not offer authentication"));
	smtp_result_free(&r);
}

static void test_auth_mech_not_offered(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 AUTH PLAIN\r\n"), QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "user";
	cfg.password = secret;
	cfg.auth = SMTP_AUTH_CRAM_MD5;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_AUTH);
	CHECK_STR(r.error, "SMTP AUTH failed: the server does not offer cram-md5 (smtp.auth); it offers PLAIN");
	smtp_result_free(&r);
}

/* auto + credentials: STARTTLS is required; tls: always required. Neither falls back to plain. */
static void test_starttls_required(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 AUTH PLAIN\r\n"), QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.encryption = SMTP_ENC_AUTO;
	cfg.username = "user";
	cfg.password = secret;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_TLS);
	CHECK(r.error && strstr(r.error, "does not offer STARTTLS"));
	CHECK(!contains(&r.transcript, "C: AUTH"));
	smtp_result_free(&r);

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.encryption = SMTP_ENC_TLS;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_TLS);
	CHECK(r.error && strstr(r.error, "does not offer STARTTLS (smtp.encryption=tls requires it)"));
	smtp_result_free(&r);

	/* auto without credentials and without STARTTLS: plain is fine */
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.encryption = SMTP_ENC_AUTO;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK_STR(r.encryption, "none");
	smtp_result_free(&r);
}

static void test_starttls_refused(void)
{
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 STARTTLS\r\n"),
		LINE("STARTTLS"), SEND("454 4.7.0 TLS not available due to local problem\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.encryption = SMTP_ENC_AUTO;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);   /* offered, then failing: no silent downgrade */
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_TLS);
	CHECK_STR(r.error, "SMTP STARTTLS refused: 454 4.7.0 TLS not available due to local problem");
	smtp_result_free(&r);
}

static void test_starttls_injection(void)
{
	/* The 220 and a forged reply arrive together, before any TLS. */
	static const step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 STARTTLS\r\n"),
		LINE("STARTTLS"), SEND("220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\n"),
		EXPECT_EOF, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.encryption = SMTP_ENC_TLS;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_TLS);
	CHECK(r.error && strstr(r.error, "response injection"));
	smtp_result_free(&r);
}

static void test_loopback_rule(void)
{
	CHECK(smtp_host_is_loopback("localhost", NULL));
	CHECK(smtp_host_is_loopback("LOCALHOST", ""));
	CHECK(smtp_host_is_loopback("127.0.0.1", NULL));
	CHECK(smtp_host_is_loopback("127.1.2.3", NULL));
	CHECK(smtp_host_is_loopback("::1", NULL));
	CHECK(smtp_host_is_loopback("::ffff:127.0.0.1", NULL));
	CHECK(!smtp_host_is_loopback("128.0.0.1", NULL));
	CHECK(!smtp_host_is_loopback("mail.example.com", NULL));
	CHECK(!smtp_host_is_loopback("localhost.example.com", NULL));
	CHECK(!smtp_host_is_loopback("::2", NULL));
	CHECK(!smtp_host_is_loopback("", NULL));
	CHECK(!smtp_host_is_loopback(NULL, NULL));
	/* the address actually connected to decides */
	CHECK(smtp_host_is_loopback("mail.example.com", "127.0.0.1"));
	CHECK(!smtp_host_is_loopback("localhost", "192.0.2.10"));
	CHECK(!smtp_host_is_loopback("127.0.0.1", "2001:db8::1"));
}

static void test_bad_helo(void)
{
	smtp_config cfg;
	smtp_result r;

	cfg_init(&cfg, NULL);
	cfg.helo = "bad name\r\nMAIL FROM:<x>";
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(r.stage == SMTP_STAGE_EHLO);
	CHECK(r.error && strstr(r.error, "smtp.helo"));
	CHECK(r.transcript.len == 0);   /* nothing was sent */
	smtp_result_free(&r);
}

static void test_connect_refused(void)
{
	smtp_config cfg;
	smtp_result r;
	char want[128];
	int port = closed_port();

	cfg_init(&cfg, NULL);
	snprintf(hosts_buf, sizeof(hosts_buf), "127.0.0.1:%d", port);
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	snprintf(want, sizeof(want), "SMTP connect to 127.0.0.1:%d failed: Connection refused", port);
	CHECK_STR(r.error, want);
	CHECK(r.stage == SMTP_STAGE_CONNECT);
	CHECK(r.hint != NULL);
	smtp_result_free(&r);
}

static void test_failover(void)
{
	static const step bad[] = { SEND("554 5.3.2 fake.example: not accepting mail\r\n"), LINE("QUIT"), SEND("221 bye\r\n"), END };
	static const step good[] = { GREET, EHLO, CAPS_PIPE, QUIT_BYE, END };
	fake f1, f2;
	smtp_config cfg;
	smtp_result r;
	static char hosts[200];
	int dead = closed_port();

	CHECK(fake_start(&f1, bad) == 0);
	CHECK(fake_start(&f2, good) == 0);
	cfg_init(&cfg, NULL);
	snprintf(hosts, sizeof(hosts), "127.0.0.1:%d, 127.0.0.1:%d, localhost:%d", dead, f1.port, f2.port);
	cfg.hosts = hosts;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f1));
	CHECK(fake_finish(&f2));
	CHECK(r.ok == 1);
	CHECK(r.error == NULL);
	CHECK_STR(r.host, "localhost");
	CHECK(r.port == f2.port);
	CHECK(contains(&r.transcript, "Connection refused; trying the next host, 127.0.0.1"));
	CHECK(contains(&r.transcript, "not accepting mail; trying the next host, localhost"));
	smtp_result_free(&r);

	/* every host fails: the last error, naming the others */
	cfg_init(&cfg, NULL);
	snprintf(hosts, sizeof(hosts), "127.0.0.1:%d,[::1]:%d", dead, dead);
	cfg.hosts = hosts;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(r.stage == SMTP_STAGE_CONNECT);
	CHECK(r.error && strstr(r.error, "SMTP connect to [::1]:") && strstr(r.error, "(also failed: 127.0.0.1:"));
	smtp_result_free(&r);
}

/* ---- hostile servers ---------------------------------------------------------------------- */

static void hostile(const step *script, int timeout_ms, smtp_stage stage, const char *needle, int64_t max_ms)
{
	fake f;
	smtp_config cfg;
	smtp_result r;
	int64_t t0, el;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.timeout_ms = timeout_ms;
	smtp_result_init(&r);
	t0 = smtp_now_ms();
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	el = smtp_now_ms() - t0;
	CHECK(fake_finish(&f));
	CHECK(r.ok == 0);
	CHECK(r.stage == stage);
	CHECK(r.error && strstr(r.error, needle));
	if (!(r.error && strstr(r.error, needle))) {
		fprintf(stderr, "  error was: %s\n", r.error ? r.error : "(null)");
	}
	CHECK(el <= max_ms);
	CHECK(r.transcript.len <= SMTP_TRANSCRIPT_LIMIT + 64);
	smtp_result_free(&r);
}

static void test_hostile_servers(void)
{
	static const step garbage[] = { SEND("HELLO I am not an SMTP server\r\n"), EXPECT_EOF, END };
	static const step bigline[] = { BIGLINE, SILENT, END };
	static const step endless[] = { ENDLESS, SILENT, END };
	static const step silent[] = { SILENT, END };
	static const step midreply[] = { SEND("220-fake.example first line\r\n220-second"), CLOSE, END };
	static const step ehlo_garbage[] = { GREET, EHLO, SEND("250-fake.example\r\n2x0 PIPELINING\r\n"), EXPECT_EOF, END };
	static const step nul[] = { { 'U', NULL }, EXPECT_EOF, END };
	fake f;
	smtp_config cfg;
	smtp_result r;
	int64_t t0, el;

	hostile(garbage, 5000, SMTP_STAGE_GREETING, "Malformed reply", 2000);
	hostile(bigline, 5000, SMTP_STAGE_GREETING, "longer than 2048 bytes", 2000);
	hostile(endless, 5000, SMTP_STAGE_GREETING, "more than 256 lines", 2000);
	hostile(midreply, 5000, SMTP_STAGE_GREETING, "closed the connection in the middle of a reply", 2000);
	hostile(ehlo_garbage, 5000, SMTP_STAGE_EHLO, "Malformed reply", 2000);

	hostile(nul, 5000, SMTP_STAGE_GREETING, "NUL byte", 2000);

	/* accepts and never speaks: the timeout bounds it */
	CHECK(fake_start(&f, silent) == 0);
	cfg_init(&cfg, &f);
	cfg.timeout_ms = 300;
	smtp_result_init(&r);
	t0 = smtp_now_ms();
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	el = smtp_now_ms() - t0;
	CHECK(fake_finish(&f));
	CHECK(el >= 290 && el < 3000);  /* bounded by the timeout; slack for a loaded machine */
	CHECK(r.stage == SMTP_STAGE_GREETING);
	{
		char want[128];
		snprintf(want, sizeof(want), "SMTP greeting from 127.0.0.1:%d timed out after 0.3 s", f.port);
		CHECK_STR(r.error, want);
	}
	smtp_result_free(&r);

	/* a server that stops in the middle of the transaction: the deadline still holds */
	{
		static const step stall[] = {
			GREET, EHLO, CAPS_PIPE, EXPECT("MAIL FROM"), SILENT, END
		};
		smtp_message m;
		CHECK(fake_start(&f, stall) == 0);
		cfg_init(&cfg, &f);
		cfg.timeout_ms = 400;
		msg_init(&m, "a@example.org", "b@example.org", NULL, BODY);
		smtp_result_init(&r);
		t0 = smtp_now_ms();
		CHECK(smtp_submit(&cfg, &m, &r) == -1);
		el = smtp_now_ms() - t0;
		CHECK(fake_finish(&f));
		CHECK(el >= 390 && el < 3200);
		CHECK(r.stage == SMTP_STAGE_MAIL);
		CHECK(r.error && strstr(r.error, "SMTP MAIL FROM <a@example.org> timed out after"));
		smtp_result_free(&r);
		smtp_message_free(&m);
	}
}

static void test_transcript_bounds(void)
{
	smtp_result r;
	char line[1000];
	int i;

	smtp_result_init(&r);
	smtp_result_log(&r, 'S', "250 ok\r\n", 8);
	CHECK_STR(r.transcript.data, "S: 250 ok\n");
	smtp_result_log(&r, 'S', "a\rb\nc\033[2Jd\x7f" "e\tf", 14);
	CHECK_STR(r.transcript.data, "S: 250 ok\nS: a?b?c?[2Jd?e f\n");
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 200; i++) {
		smtp_result_log(&r, 'C', line, strlen(line));
	}
	CHECK(r.transcript_truncated == 1);
	CHECK(r.transcript.len <= SMTP_TRANSCRIPT_LIMIT + 32);
	CHECK(contains(&r.transcript, "[transcript truncated]\n"));
	smtp_result_free(&r);

	/* the first error sentence stays */
	smtp_result_init(&r);
	{
		smtp_err e;
		smtp_err_clear(&e);
		smtp_err_set(&e, SMTP_STAGE_RCPT, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 550, "5.1.1");
		smtp_result_fail(&r, &e, "User unknown", "first %d", 1);
	}
	smtp_result_set_error(&r, SMTP_STAGE_DONE, SMTP_CAUSE_IO, "second");
	CHECK_STR(r.error, "first 1");
	CHECK(r.stage == SMTP_STAGE_RCPT);
	CHECK_STR(r.message, "User unknown");
	CHECK(smtp_result_add_rcpt(&r, "x@example.org", 550, "5.1.1", "User unknown") == 0);
	CHECK(r.rcpt_count == 1);
	CHECK_STR(smtp_stage_name(SMTP_STAGE_GREETING), "greeting");
	CHECK_STR(smtp_stage_name(SMTP_STAGE_DONE), "done");
	smtp_result_free(&r);

	/* hints for the known cases */
	{
		smtp_err e;
		smtp_result_init(&r);
		smtp_err_clear(&e);
		smtp_err_set(&e, SMTP_STAGE_AUTH, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 535, "5.7.139");
		smtp_result_fail(&r, &e, "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.", "x");
		CHECK(r.hint && strstr(r.hint, "Microsoft 365"));
		smtp_result_free(&r);
		smtp_result_init(&r);
		smtp_err_set(&e, SMTP_STAGE_AUTH, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 534, "5.7.9");
		smtp_result_fail(&r, &e, "Application-specific password required.", "x");
		CHECK(r.hint && strstr(r.hint, "app password"));
		smtp_result_free(&r);
	}
}

static void test_big_message(void)
{
	/* 4 MB with a dot line every 50 lines: written in large buffers, stuffed, intact in size */
	static char wire_len[32];
	static step script[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250-PIPELINING\r\n250 SIZE 52428800\r\n"),
		EXPECT("MAIL FROM:<a@example.org>"), EXPECT("RCPT TO:<b@example.org>"), EXPECT("DATA"),
		SEND("250 Ok\r\n250 Ok\r\n354 go\r\n"),
		DATA_LEN(wire_len), SEND("250 2.0.0 queued\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;
	size_t dots = 0, i;
	char line[80];

	cfg_init(&cfg, NULL);
	msg_init(&m, "a@example.org", "b@example.org", NULL, "Subject: big\r\n\r\n");
	for (i = 0; m.headers.len < 4 * 1024 * 1024; i++) {
		if (i % 50 == 0) {
			snprintf(line, sizeof(line), ".line %zu starts with a dot\r\n", i);
			dots++;
		} else {
			snprintf(line, sizeof(line), "line %zu of the big message, some padding to make it longer\r\n", i);
		}
		smtp_buf_puts(&m.headers, line);
	}
	m.size = m.headers.len;
	snprintf(wire_len, sizeof(wire_len), "%zu", m.size + dots + 3);
	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK(r.round_trips == 5);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

static void test_auth_xoauth2(void)
{
	static const step ok[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 AUTH LOGIN PLAIN XOAUTH2\r\n"),
		LINE("AUTH XOAUTH2 dXNlcj11c2VyQGV4YW1wbGUub3JnAWF1dGg9QmVhcmVyIHlhMjkudG9rZW4BAQ=="),
		SEND("235 2.7.0 Accepted\r\n"), QUIT_BYE, END
	};
	static const step bad[] = {
		GREET, EHLO, SEND("250-fake.example\r\n250 AUTH LOGIN PLAIN XOAUTH2\r\n"),
		EXPECT("AUTH XOAUTH2 "),
		SEND("334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==\r\n"),
		LINE(""), SEND("535-5.7.8 Username and Password not accepted.\r\n535 5.7.8 https://support.google.com/mail/?p=BadCredentials gsmtp\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start(&f, ok) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "user@example.org";
	cfg.password = "ya29.token";
	cfg.auth = SMTP_AUTH_XOAUTH2;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK_STR(r.auth_mech, "XOAUTH2");
	CHECK(contains(&r.transcript, "C: AUTH XOAUTH2 ********\n"));
	CHECK(!contains(&r.transcript, "ya29"));
	smtp_result_free(&r);

	CHECK(fake_start(&f, bad) == 0);
	cfg_init(&cfg, &f);
	cfg.username = "user@example.org";
	cfg.password = "ya29.token";
	cfg.auth = SMTP_AUTH_XOAUTH2;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_AUTH);
	CHECK(r.code == 535);
	CHECK(r.error && strncmp(r.error, "SMTP AUTH XOAUTH2 refused: 535 5.7.8", 36) == 0);
	smtp_result_free(&r);
}

/* No smtp.helo: the machine's fully qualified name, or our address literal when it has none. */
static void test_default_helo(void)
{
	static const step script[] = { GREET, EXPECT("EHLO "), CAPS_PIPE, QUIT_BYE, END };
	fake f;
	smtp_config cfg;
	smtp_result r;
	const char *p, *e;

	CHECK(fake_start(&f, script) == 0);
	cfg_init(&cfg, &f);
	cfg.helo = NULL;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	p = r.transcript.data ? strstr(r.transcript.data, "C: EHLO ") : NULL;
	CHECK(p != NULL);
	if (p) {
		p += 8;
		e = strchr(p, '\n');
		CHECK(e && e > p);
		if (e && *p == '[') {
			/* no fully qualified name here: our address literal (RFC 5321 4.1.4) */
			CHECK(e - p == (long)strlen("[127.0.0.1]") && strncmp(p, "[127.0.0.1]", (size_t)(e - p)) == 0);
		} else {
			/* a fully qualified domain name: letters, digits, '-', and at least one '.' */
			const char *q = p, *dot = NULL;
			for (; q && e && q < e; q++) {
				if (*q == '.') dot = q;
				if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-' || *q == '.')) {
					break;
				}
			}
			CHECK(q == e);
			CHECK(dot != NULL);
		}
	}
	smtp_result_free(&r);
}

static void run_tests(void)
{
	/* SIGPIPE keeps its default action here: a client write to a closed socket would kill the test. */
	test_transcript_bounds();
	test_loopback_rule();
	test_pipelined_send();
	test_serial_send();
	test_eight_bit_params();
	test_utf8_without_smtputf8();
	test_size_limit();
	test_partial_refusal();
	test_all_refused_pipelined();
	test_one_refused_serial();
	test_421_closes();
	test_mail_refused_then_reuse();
	test_data_refused();
	test_refused_after_dot();
	test_helo_fallback();
	test_greeting_554();
	test_check_connection();
	test_auth_plain();
	test_auth_login();
	test_auth_cram_md5();
	test_auth_auto_plain_one_round_trip();
	test_auth_refused();
	test_auth_not_offered();
	test_auth_mech_not_offered();
	test_starttls_required();
	test_starttls_refused();
	test_starttls_injection();
	test_bad_helo();
	test_connect_refused();
	test_failover();
	test_hostile_servers();
	test_big_message();
	test_auth_xoauth2();
	test_default_helo();
}
