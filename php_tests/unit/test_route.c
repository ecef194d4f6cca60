/* Unit tests of route.c: failover along the host list (only at connect, TLS or greeting), the note
 * that names the next host, the "also failed" summary, and a bad host list. */
#include "unit.h"
#include "fake_server.h"
#include "route.h"
#include "submit.h"

#include <string.h>

static char hosts_buf[256];

static void cfg_hosts(smtp_config *c, const char *hosts)
{
	memset(c, 0, sizeof(*c));
	snprintf(hosts_buf, sizeof(hosts_buf), "%s", hosts);
	c->hosts = hosts_buf;
	c->encryption = SMTP_ENC_NONE;
	c->auth = SMTP_AUTH_AUTO;
	c->helo = "client.example.org";
	c->timeout_ms = 5000;
}

static int contains(const smtp_buf *b, const char *needle)
{
	return b->data && strstr(b->data, needle) != NULL;
}

static void test_next_host_greets(void)
{
	static const step script[] = {SEND("220 second ESMTP\r\n"), EXPECT("EHLO client.example.org"), SEND("250 second\r\n"),
	                              LINE("QUIT"), SEND("221 bye\r\n"), END};
	fake f;
	smtp_config cfg;
	smtp_result r;
	char hosts[128], note[200];
	int closed = fake_closed_port();

	CHECK(fake_start(&f, script) == 0);
	snprintf(hosts, sizeof(hosts), "127.0.0.1:%d, 127.0.0.1:%d", closed, f.port);
	cfg_hosts(&cfg, hosts);
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK(r.port == f.port);
	CHECK(r.error == NULL); /* the first host's failure is forgotten once the next one greets */
	snprintf(note, sizeof(note), "*: SMTP connect to 127.0.0.1:%d failed: Connection refused; trying the next host, 127.0.0.1\n",
	         closed);
	CHECK(contains(&r.transcript, note));
	smtp_result_free(&r);
}

static void test_all_fail(void)
{
	static const step greet554[] = {SEND("554 5.7.1 go away\r\n"), LINE("QUIT"), SEND("221 bye\r\n"), END};
	fake f;
	smtp_config cfg;
	smtp_result r;
	char hosts[128], want[300];
	int closed = fake_closed_port();

	CHECK(fake_start(&f, greet554) == 0);
	snprintf(hosts, sizeof(hosts), "127.0.0.1:%d,127.0.0.1:%d", f.port, closed);
	cfg_hosts(&cfg, hosts);
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_CONNECT);
	CHECK(r.err.cause == SMTP_CAUSE_REFUSED);
	snprintf(want, sizeof(want), "SMTP connect to 127.0.0.1:%d failed: Connection refused (also failed: 127.0.0.1:%d)",
	         closed, f.port);
	CHECK_STR(r.error, want);
	CHECK(r.port == closed);
	smtp_result_free(&r);
}

static void test_no_failover_after_greeting(void)
{
	static const step first[] = {SEND("220 first\r\n"), EXPECT("EHLO"), SEND("550 5.7.1 not you\r\n"), EXPECT("HELO"),
	                             SEND("550 5.7.1 not you either\r\n"), LINE("QUIT"), SEND("221 bye\r\n"), END};
	static const step second[] = {EXPECT_EOF, END};
	fake f1, f2;
	smtp_config cfg;
	smtp_result r;
	char hosts[128];

	CHECK(fake_start(&f1, first) == 0);
	CHECK(fake_start(&f2, second) == 0);
	snprintf(hosts, sizeof(hosts), "127.0.0.1:%d,127.0.0.1:%d", f1.port, f2.port);
	cfg_hosts(&cfg, hosts);
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f1));
	CHECK(r.stage == SMTP_STAGE_EHLO && r.code == 550);
	CHECK(r.port == f1.port);
	CHECK(strstr(r.error, "also failed") == NULL);
	/* the second server was never asked: kill its wait by connecting and closing */
	{
		smtp_conn *c = NULL;
		smtp_io_err e;
		if (smtp_conn_open(&c, "127.0.0.1", f2.port, smtp_now_ms() + 2000, &e) == SMTP_IO_OK) {
			smtp_conn_close(c);
		}
	}
	CHECK(fake_finish(&f2));
	smtp_result_free(&r);
}

static void test_bad_lists(void)
{
	smtp_config cfg;
	smtp_result r;
	smtp_session *s;
	smtp_err e;

	cfg_hosts(&cfg, "");
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK_STR(r.error, "SMTP connect failed: no host is configured (smtp.host is empty)");
	CHECK(r.err.cause == SMTP_CAUSE_CONFIG && !smtp_err_is_transient(&r.err));
	smtp_result_free(&r);

	cfg_hosts(&cfg, "[::1");
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(r.error && strncmp(r.error, "SMTP connect failed: smtp.host: ", 32) == 0);
	smtp_result_free(&r);

	cfg_hosts(&cfg, "a.example");
	cfg.helo = "not a name";
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(r.stage == SMTP_STAGE_EHLO && r.err.cause == SMTP_CAUSE_CONFIG);
	smtp_result_free(&r);

	/* route itself with no observer at all */
	cfg_hosts(&cfg, "");
	s = smtp_route_open(&cfg, NULL, "", smtp_now_ms() + 1000, NULL, &e);
	CHECK(s == NULL && e.cause == SMTP_CAUSE_CONFIG);
}

static void run_tests(void)
{
	test_next_host_greets();
	test_all_fail();
	test_no_failover_after_greeting();
	test_bad_lists();
}
