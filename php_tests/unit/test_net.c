/* net.c: TCP over IPv4 and IPv6, name resolution (c-ares: /etc/hosts, names under .invalid), the
 * causes of every failure, deadlines, no SIGPIPE, smtp_conn_readable_now, smtp_local_fqdn. Against
 * the fake server (fake_server.c) on loopback. The unanswered DNS server is tested end to end in a
 * network namespace (php_tests/netns/run.bash). */
#include "unit.h"
#include "net.h"
#include "fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static smtp_io_err E;

static void clear_err(void)
{
	memset(&E, 0, sizeof(E));
}

static void test_plain_io(int family, const char *host)
{
	static const step script[] = {SEND("220 first\r\n"), EXPECT("PING"), SEND("250 pong\r\n"), EXPECT_EOF, END};
	fake f;
	smtp_conn *c = NULL;
	char buf[256], lit[64];
	size_t got = 0, have = 0;

	CHECK(fake_start_ex(&f, family, script, NULL, NULL) == 0);
	clear_err();
	CHECK(smtp_conn_open(&c, host, f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	if (c) {
		CHECK_STR(smtp_conn_address(c), family == AF_INET6 ? "::1" : "127.0.0.1");
		CHECK(smtp_conn_fd(c) >= 0);
		CHECK(smtp_conn_io(c) != NULL && smtp_conn_io_ctx(c) == NULL);
		CHECK(smtp_conn_local_literal(c, lit, sizeof(lit)) == 0);
		CHECK_STR(lit, family == AF_INET6 ? "[IPv6:::1]" : "[127.0.0.1]");
		CHECK(smtp_conn_local_literal(c, lit, 4) == -1); /* does not fit */
		while (have < 11) {
			CHECK(smtp_conn_read(c, buf + have, sizeof(buf) - have, &got, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
			if (got == 0) {
				break;
			}
			have += got;
		}
		CHECK_MEM(buf, have, "220 first\r\n");
		CHECK(smtp_conn_write(c, "PING\r\n", 6, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
		CHECK(smtp_conn_read(c, buf, sizeof(buf), &got, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
		CHECK(got > 0 && memcmp(buf, "250", 3) == 0);
	}
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

static void test_read_timeout_and_close(void)
{
	static const step silent[] = {SILENT, END};
	static const step closing[] = {SEND("250-partial\r\n"), END};
	fake f;
	smtp_conn *c = NULL;
	char buf[64];
	size_t got = 0;
	int64_t t0, el;

	CHECK(fake_start(&f, silent) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	t0 = smtp_now_ms();
	clear_err();
	CHECK(smtp_conn_read(c, buf, sizeof(buf), &got, t0 + 200, &E) == SMTP_IO_TIMEOUT);
	el = smtp_now_ms() - t0;
	CHECK(el >= 195 && el < 2700); /* slack for a loaded machine */
	CHECK(E.cause == SMTP_CAUSE_TIMEOUT);
	CHECK_STR(E.text, "timed out while receiving");
	CHECK(got == 0);
	/* a deadline already past fails at once */
	CHECK(smtp_conn_read(c, buf, sizeof(buf), &got, smtp_now_ms() - 1, &E) == SMTP_IO_TIMEOUT);
	smtp_conn_close(c);
	c = NULL;
	CHECK(fake_finish(&f));

	CHECK(fake_start(&f, closing) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_read(c, buf, sizeof(buf), &got, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(got == 13);
	clear_err();
	CHECK(smtp_conn_read(c, buf, sizeof(buf), &got, smtp_now_ms() + 3000, &E) == SMTP_IO_CLOSED);
	CHECK(E.cause == SMTP_CAUSE_CLOSED);
	CHECK_STR(E.text, "the server closed the connection");
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* Writing to a connection the server has closed: an error, never SIGPIPE (which is left at its
 * default action in this process, so it would kill the test). */
static void test_no_sigpipe(void)
{
	static const step plain_close[] = {END};
	static char big[1 << 20];
	fake f;
	smtp_conn *c = NULL;
	smtp_io_status st = SMTP_IO_OK;
	int i;

	memset(big, 'x', sizeof(big));
	CHECK(fake_start(&f, plain_close) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(fake_finish(&f)); /* the server has closed its end */
	usleep(50 * 1000);
	clear_err();
	for (i = 0; i < 5 && st == SMTP_IO_OK; i++) {
		st = smtp_conn_write(c, big, sizeof(big), smtp_now_ms() + 3000, &E);
	}
	CHECK(st == SMTP_IO_CLOSED);
	CHECK(E.cause == SMTP_CAUSE_CLOSED);
	CHECK(strstr(E.text, "the server closed the connection (") != NULL);
	smtp_conn_close(c);
}

static void test_connect_causes(void)
{
	smtp_conn *c = NULL;
	fake_blackhole bh;
	char longname[300];
	int64_t t0, el;
	int port;

	clear_err();
	CHECK(smtp_conn_open(&c, "", 25, smtp_now_ms() + 1000, &E) == SMTP_IO_RESOLVE);
	CHECK(E.cause == SMTP_CAUSE_CONFIG);
	CHECK(smtp_conn_open(&c, NULL, 25, smtp_now_ms() + 1000, &E) == SMTP_IO_RESOLVE);
	clear_err();
	CHECK(smtp_conn_open(&c, "127.0.0.1", 0, smtp_now_ms() + 1000, &E) == SMTP_IO_ERROR);
	CHECK(E.cause == SMTP_CAUSE_CONFIG);
	CHECK(smtp_conn_open(&c, "127.0.0.1", 70000, smtp_now_ms() + 1000, &E) == SMTP_IO_ERROR);
	CHECK_STR(E.text, "invalid port 70000");

	/* refused: nothing listens */
	port = fake_closed_port();
	clear_err();
	CHECK(smtp_conn_open(&c, "127.0.0.1", port, smtp_now_ms() + 2000, &E) == SMTP_IO_REFUSED);
	CHECK(E.cause == SMTP_CAUSE_REFUSED);
	CHECK_STR(E.text, "Connection refused");
	CHECK(c == NULL);

	/* a name that cannot exist (RFC 6761): NXDOMAIN, or no DNS at all here; never an address */
	clear_err();
	t0 = smtp_now_ms();
	{
		smtp_io_status st = smtp_conn_open(&c, "no-such-host.invalid", 25, t0 + 3000, &E);
		CHECK(st == SMTP_IO_RESOLVE || st == SMTP_IO_TIMEOUT);
		if (st == SMTP_IO_RESOLVE) {
			CHECK(E.cause == SMTP_CAUSE_RESOLVE || E.cause == SMTP_CAUSE_DNS_FAILURE);
		} else {
			CHECK(E.cause == SMTP_CAUSE_DNS_TIMEOUT);
			CHECK(strstr(E.text, "the DNS server did not answer within") != NULL);
		}
	}
	CHECK(strncmp(E.text, "cannot resolve no-such-host.invalid: ", 37) == 0);
	CHECK(smtp_now_ms() - t0 < 3900);
	CHECK(c == NULL);
	if (getenv("UNIT_VERBOSE")) {
		fprintf(stderr, "  .invalid: %s (%s)\n", E.text, smtp_cause_name(E.cause));
	}

	/* a name longer than DNS allows is refused without a lookup */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	clear_err();
	CHECK(smtp_conn_open(&c, longname, 25, smtp_now_ms() + 1000, &E) == SMTP_IO_RESOLVE);
	CHECK(E.cause == SMTP_CAUSE_RESOLVE);
	CHECK(strstr(E.text, "longer than 253") != NULL);

	/* a black hole: connect waits, and the deadline ends it */
	CHECK(fake_blackhole_open(&bh) != 0);
	t0 = smtp_now_ms();
	clear_err();
	CHECK(smtp_conn_open(&c, "127.0.0.1", bh.port, t0 + 300, &E) == SMTP_IO_TIMEOUT);
	el = smtp_now_ms() - t0;
	CHECK(el >= 290 && el < 2900);
	CHECK(E.cause == SMTP_CAUSE_TIMEOUT);
	CHECK_STR(E.text, "timed out");
	CHECK(c == NULL);
	/* a deadline already past: no attempt at all */
	CHECK(smtp_conn_open(&c, "127.0.0.1", bh.port, smtp_now_ms() - 1, &E) == SMTP_IO_TIMEOUT);
	fake_blackhole_close(&bh);
}

/* Names from /etc/hosts (c-ares reads it first): localhost is there on every test machine. */
static void test_hosts_file(void)
{
	static const step script[] = {SEND("220 hi\r\n"), EXPECT_EOF, END};
	fake f;
	smtp_conn *c = NULL;
	int64_t t0 = smtp_now_ms();

	CHECK(fake_start(&f, script) == 0);
	clear_err();
	CHECK(smtp_conn_open(&c, "localhost", f.port, t0 + 3000, &E) == SMTP_IO_OK);
	if (!c) {
		fprintf(stderr, "  localhost: %s\n", E.text);
	}
	CHECK(smtp_now_ms() - t0 < 2000);
	CHECK(c && strcmp(smtp_conn_address(c), "127.0.0.1") == 0);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

static void test_readable_now(void)
{
	static const step quiet[] = {LINE("GO"), SILENT, END};
	static const step talk[] = {SEND("220 hi\r\n"), SILENT, END};
	static const step bye[] = {CLOSE, END};
	fake f;
	smtp_conn *c = NULL;
	char buf[32];
	size_t got;

	CHECK(smtp_conn_readable_now(NULL) == 0);

	/* nothing there */
	CHECK(fake_start(&f, quiet) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	usleep(50 * 1000);
	CHECK(smtp_conn_readable_now(c) == 0);
	CHECK(smtp_conn_write(c, "GO\r\n", 4, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_readable_now(c) == 0);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));

	/* bytes waiting: readable, and readable_now does not consume them */
	CHECK(fake_start(&f, talk) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_wait(c, POLLIN, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_readable_now(c) == 1);
	CHECK(smtp_conn_readable_now(c) == 1);
	CHECK(smtp_conn_read(c, buf, sizeof(buf), &got, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK_MEM(buf, got, "220 hi\r\n");
	CHECK(smtp_conn_readable_now(c) == 0);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));

	/* EOF waiting: readable too (a pooled connection the server closed) */
	CHECK(fake_start(&f, bye) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(fake_finish(&f));
	CHECK(smtp_conn_wait(c, POLLIN, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_readable_now(c) == 1);
	smtp_conn_close(c);
}

static void test_wait_timeout(void)
{
	static const step quiet[] = {SILENT, END};
	fake f;
	smtp_conn *c = NULL;
	int64_t t0;

	clear_err();
	CHECK(smtp_conn_wait(NULL, POLLIN, smtp_now_ms() + 100, &E) == SMTP_IO_ERROR);
	CHECK(E.cause == SMTP_CAUSE_NOT_OPEN);
	CHECK(fake_start(&f, quiet) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	t0 = smtp_now_ms();
	clear_err();
	CHECK(smtp_conn_wait(c, POLLIN, t0 + 100, &E) == SMTP_IO_TIMEOUT);
	CHECK(smtp_now_ms() - t0 >= 95);
	CHECK(E.cause == SMTP_CAUSE_TIMEOUT);
	CHECK(smtp_conn_wait(c, POLLOUT, smtp_now_ms() + 1000, &E) == SMTP_IO_OK);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
	/* NULL and a closed-at-once connection are fine for close */
	smtp_conn_close(NULL);
}

static void test_local_fqdn(void)
{
	char out[256], small[2];
	int64_t t0 = smtp_now_ms();
	int rc = smtp_local_fqdn(t0 + 1500, out, sizeof(out));

	CHECK(smtp_now_ms() - t0 < 2500);
	if (rc == 0) {
		CHECK(strchr(out, '.') != NULL);
	} else {
		CHECK(rc == -1);
		CHECK(strchr(out, '.') == NULL);
	}
	if (getenv("UNIT_VERBOSE")) {
		fprintf(stderr, "  local fqdn: %d \"%s\"\n", rc, out);
	}
	/* a deadline already past: at once, and /etc/hosts still answers (no waiting needed) */
	t0 = smtp_now_ms();
	rc = smtp_local_fqdn(t0 - 1, out, sizeof(out));
	CHECK(smtp_now_ms() - t0 < 500);
	CHECK(rc == 0 || rc == -1);
	CHECK(smtp_local_fqdn(t0 + 1000, small, sizeof(small)) == -1 || strlen(small) < sizeof(small));
	CHECK(smtp_local_fqdn(t0 + 1000, NULL, 0) == -1);
}

static void test_loopback(void)
{
	CHECK(smtp_host_is_loopback("localhost", NULL));
	CHECK(smtp_host_is_loopback("LOCALHOST.", ""));
	CHECK(smtp_host_is_loopback("127.0.0.1", NULL));
	CHECK(smtp_host_is_loopback("127.255.0.9", NULL));
	CHECK(smtp_host_is_loopback("::1", NULL));
	CHECK(smtp_host_is_loopback("::ffff:127.0.0.1", NULL));
	CHECK(!smtp_host_is_loopback("localhost.example.com", NULL));
	CHECK(!smtp_host_is_loopback("128.0.0.1", NULL));
	CHECK(!smtp_host_is_loopback("localhost", "192.0.2.1")); /* the connected address counts */
	CHECK(smtp_host_is_loopback("mail.example.com", "127.0.0.1"));
	CHECK(!smtp_host_is_loopback("", NULL));
	CHECK(!smtp_host_is_loopback(NULL, NULL));
}

static void test_seterr(void)
{
	smtp_io_err e;
	char big[600];

	smtp_io_seterr(NULL, SMTP_CAUSE_IO, "nothing %d", 1); /* NULL is fine */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	smtp_io_seterr(&e, SMTP_CAUSE_IO, "%s", big);
	CHECK(e.cause == SMTP_CAUSE_IO);
	CHECK(strlen(e.text) == sizeof(e.text) - 1);
}

/* After a failed connect: which ports answer, all at once. A listener (open), a closed port
 * (refused) and a full accept queue (timeout) on the same address; the failed connect's address. */
static void test_probe_ports(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	fake_blackhole bh;
	smtp_port_report r;
	smtp_conn *c = NULL;
	int ls, open_port, closed, i;
	int64_t t0, el;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(ls >= 0 && bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(ls, 8) == 0);
	CHECK(getsockname(ls, (struct sockaddr *)&sa, &sl) == 0);
	open_port = ntohs(sa.sin_port);
	closed = fake_closed_port();
	CHECK(fake_blackhole_open(&bh) != 0);

	/* the address of the failed connect is kept for the probe */
	clear_err();
	CHECK(smtp_conn_open(&c, "localhost", closed, smtp_now_ms() + 2000, &E) == SMTP_IO_REFUSED);
	CHECK(E.address[0] != '\0');
	CHECK(strcmp(E.address, "127.0.0.1") == 0 || strcmp(E.address, "::1") == 0);
	clear_err();
	CHECK(smtp_conn_open(&c, "127.0.0.1", closed, smtp_now_ms() + 2000, &E) == SMTP_IO_REFUSED);
	CHECK_STR(E.address, "127.0.0.1");

	memset(&r, 0, sizeof(r));
	r.n = 3;
	r.port[0] = open_port;
	r.port[1] = closed;
	r.port[2] = bh.port;
	t0 = smtp_now_ms();
	smtp_net_probe_ports("127.0.0.1", &r, t0 + 400);
	el = smtp_now_ms() - t0;
	CHECK(r.state[0] == SMTP_PORT_OPEN);
	CHECK(r.state[1] == SMTP_PORT_REFUSED);
	CHECK(r.state[2] == SMTP_PORT_TIMEOUT);
	CHECK(el >= 390 && el < 3000); /* in parallel: one wait for the dropped one, bounded by the deadline */

	/* without a dropped port it ends as soon as every port has answered */
	r.n = 2;
	t0 = smtp_now_ms();
	smtp_net_probe_ports("127.0.0.1", &r, t0 + 5000);
	CHECK(smtp_now_ms() - t0 < 2000);
	CHECK(r.state[0] == SMTP_PORT_OPEN && r.state[1] == SMTP_PORT_REFUSED);

	/* not an address: nothing probed, no lookup */
	r.n = 2;
	smtp_net_probe_ports("localhost", &r, smtp_now_ms() + 1000);
	CHECK(r.state[0] == SMTP_PORT_UNKNOWN && r.state[1] == SMTP_PORT_UNKNOWN);
	smtp_net_probe_ports("", &r, smtp_now_ms() + 1000);
	CHECK(r.state[0] == SMTP_PORT_UNKNOWN);

	/* the report's own list, on IPv6 loopback: every port gets a state */
	smtp_port_report_init(&r, closed);
	smtp_net_probe_ports("::1", &r, smtp_now_ms() + 1000);
	for (i = 0; i < r.n; i++) {
		CHECK(r.state[i] != SMTP_PORT_UNKNOWN);
	}
	CHECK(smtp_port_report_get(&r, closed) == SMTP_PORT_REFUSED || smtp_port_report_get(&r, closed) == SMTP_PORT_UNREACHABLE);

	fake_blackhole_close(&bh);
	close(ls);
}

static void run_tests(void)
{
	test_probe_ports();
	test_seterr();
	test_loopback();
	test_plain_io(AF_INET, "127.0.0.1");
	test_plain_io(AF_INET6, "::1");
	test_read_timeout_and_close();
	test_no_sigpipe();
	test_connect_causes();
	test_hosts_file();
	test_readable_now();
	test_wait_timeout();
	test_local_fqdn();
}
