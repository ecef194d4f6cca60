/* Unit tests of pool.c against the fake server: a session is handed out only under its key, within
 * max_messages and the idle limit (the reap QUITs it), after a probe (RSET) when it idled long, and
 * never when something is waiting on its socket (a 421 sent while idle). */
#include "unit.h"
#include "fake_server.h"
#include "pool.h"
#include "route.h"
#include "submit.h"
#include "transaction.h"

#include <string.h>
#include <unistd.h>

#define GREET    SEND("220 fake ESMTP\r\n")
#define EHLO     EXPECT("EHLO client.example.org"), SEND("250 fake\r\n")
#define QUIT_BYE LINE("QUIT"), SEND("221 bye\r\n")

static char hosts_buf[64];

static smtp_session *open_to(const fake *f, smtp_tls_cache *tls)
{
	smtp_config cfg;
	smtp_err e;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(hosts_buf, sizeof(hosts_buf), "127.0.0.1:%d", f->port);
	cfg.hosts = hosts_buf;
	cfg.encryption = SMTP_ENC_NONE;
	cfg.helo = "client.example.org";
	cfg.timeout_ms = 3000;
	return smtp_route_open(&cfg, tls, "client.example.org", smtp_now_ms() + 3000, NULL, &e);
}

static void limits(smtp_pool_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_messages = 100;
	l->idle_timeout_ms = 30000;
	l->max_age_ms = 300000;
}

static const char KEY_A[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char KEY_B[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char KEY_0[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void test_keys_and_reap(void)
{
	static const step script[] = {GREET, EHLO, QUIT_BYE, END};
	smtp_tls_cache *tls = smtp_tls_cache_new();
	smtp_pool *p = smtp_pool_new();
	smtp_pool_limits lim;
	smtp_session *s;
	fake f;

	limits(&lim);
	CHECK(fake_start(&f, script) == 0);
	s = open_to(&f, tls);
	CHECK(s != NULL);
	smtp_pool_put(p, KEY_A, s, &lim, smtp_now_ms() + 1000);
	CHECK(smtp_pool_idle(p) == 1);
	CHECK(smtp_pool_take(p, KEY_B, &lim, NULL) == NULL); /* never under another key */
	CHECK(smtp_pool_take(p, KEY_0, &lim, NULL) == NULL); /* nor under the key of a failed digest */
	CHECK(smtp_pool_idle(p) == 1);
	s = smtp_pool_take(p, KEY_A, &lim, NULL);
	CHECK(s != NULL && smtp_pool_idle(p) == 0);
	CHECK(smtp_pool_stats_of(p)->reused == 1);
	smtp_pool_put(p, KEY_A, s, &lim, smtp_now_ms() + 1000);
	/* idle past the limit: the reap QUITs it */
	lim.idle_timeout_ms = 50;
	usleep(80 * 1000);
	smtp_pool_reap(p, &lim, smtp_now_ms() + 1000);
	CHECK(smtp_pool_idle(p) == 0);
	CHECK(smtp_pool_stats_of(p)->dropped == 1);
	CHECK(fake_finish(&f));
	smtp_pool_free(p, smtp_now_ms() + 1000);
	smtp_tls_cache_free(tls);
}

static void test_max_messages(void)
{
	static const step script[] = {GREET, EHLO, EXPECT("MAIL FROM:"), SEND("250 ok\r\n"), EXPECT("RCPT TO:"),
	                              SEND("250 ok\r\n"), LINE("DATA"), SEND("354 go\r\n"), DATA(NULL), SEND("250 queued\r\n"),
	                              QUIT_BYE, END};
	smtp_tls_cache *tls = smtp_tls_cache_new();
	smtp_pool *p = smtp_pool_new();
	smtp_pool_limits lim;
	smtp_session *s;
	smtp_message m;
	smtp_err e;
	fake f;

	limits(&lim);
	lim.max_messages = 1;
	smtp_message_init(&m);
	m.sender = smtp_strdup("a@example.org");
	smtp_strlist_add(&m.rcpts, "b@example.org", 13);
	smtp_buf_puts(&m.headers, "Subject: x\r\n\r\nhi\r\n");
	m.size = m.headers.len;
	CHECK(fake_start(&f, script) == 0);
	s = open_to(&f, tls);
	CHECK(s != NULL);
	CHECK(s && smtp_transaction_send(s, &m, smtp_now_ms() + 3000, NULL, &e) == 0);
	smtp_pool_put(p, KEY_A, s, &lim, smtp_now_ms() + 1000); /* its one message is used up: QUIT */
	CHECK(smtp_pool_idle(p) == 0);
	CHECK(fake_finish(&f));
	smtp_message_free(&m);
	smtp_pool_free(p, smtp_now_ms() + 1000);
	smtp_tls_cache_free(tls);
}

static void test_probe_and_stray_bytes(void)
{
	static const step probed[] = {GREET, EHLO, LINE("RSET"), SEND("250 ok\r\n"), QUIT_BYE, END};
	static const step said421[] = {GREET, EHLO, SLEEP("100"), SEND("421 4.4.2 idle too long\r\n"), CLOSE, END};
	smtp_tls_cache *tls = smtp_tls_cache_new();
	smtp_pool *p = smtp_pool_new();
	smtp_pool_limits lim;
	smtp_session *s;
	fake f;

	limits(&lim);
	lim.probe_after_ms = 20;
	lim.probe_ms = 1000;
	CHECK(fake_start(&f, probed) == 0);
	s = open_to(&f, tls);
	smtp_pool_put(p, KEY_A, s, &lim, smtp_now_ms() + 1000);
	usleep(40 * 1000);
	s = smtp_pool_take(p, KEY_A, &lim, NULL); /* idled past probe_after: RSET first */
	CHECK(s != NULL);
	CHECK(smtp_pool_stats_of(p)->probes == 1);
	smtp_session_quit(s, smtp_now_ms() + 1000, NULL);
	smtp_session_free(s);
	CHECK(fake_finish(&f));

	/* the server said 421 while the session was idle: not handed out, no round trip spent on it */
	limits(&lim);
	CHECK(fake_start(&f, said421) == 0);
	s = open_to(&f, tls);
	smtp_pool_put(p, KEY_A, s, &lim, smtp_now_ms() + 1000);
	usleep(250 * 1000);
	CHECK(smtp_pool_take(p, KEY_A, &lim, NULL) == NULL);
	CHECK(smtp_pool_idle(p) == 0);
	CHECK(fake_finish(&f));
	smtp_pool_free(p, smtp_now_ms() + 1000);
	smtp_tls_cache_free(tls);
}

static void test_config_key(void)
{
	smtp_config a, b;
	char ka[65], kb[65];

	memset(&a, 0, sizeof(a));
	a.hosts = "smtp.example.org";
	a.username = "u";
	a.password = "secret-1";
	b = a;
	smtp_config_key(&a, "h.example", ka);
	smtp_config_key(&b, "h.example", kb);
	CHECK(strlen(ka) == 64 && strcmp(ka, kb) == 0);
	b.password = "secret-2";
	smtp_config_key(&b, "h.example", kb);
	CHECK(strcmp(ka, kb) != 0);
	CHECK(strstr(ka, "secret") == NULL);
	b = a;
	smtp_config_key(&b, "other.example", kb);
	CHECK(strcmp(ka, kb) != 0);
	b = a;
	b.verify_peer = 1;
	smtp_config_key(&b, "h.example", kb);
	CHECK(strcmp(ka, kb) != 0);
}

static void run_tests(void)
{
	test_keys_and_reap();
	test_max_messages();
	test_probe_and_stray_bytes();
	test_config_key();
	smtp_pool_free(NULL, 0);
	CHECK(smtp_pool_idle(NULL) == 0);
}
