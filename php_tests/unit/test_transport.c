/* The adapter (transport.c): the old connection API over net.c and tls.c that session.c still
 * uses: replies read and parsed from its buffer, the sentences the session and the .phpt tests
 * match, the statuses it returns (a resolver that did not answer is RESOLVE here), and sessions
 * over TLS (implicit and STARTTLS, certificate checks). net.c and tls.c themselves: test_net.c,
 * test_tls.c. Against the fake server (fake_server.c). */
#include "unit.h"
#include "transport.h"
#include "session.h"
#include "fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static fake_certs C;

#define GREET    SEND("220 fake.example ESMTP\r\n")
#define QUIT_BYE EXPECT("QUIT"), SEND("221 bye\r\n")

/* ---- plain transport ---------------------------------------------------------------------- */

static void test_plain_io(int family, const char *host)
{
	static const step script[] = {
		SEND("220 first\r\n250-second\r\n250 second end\r\n"), EXPECT("PING"), SEND("250 pong\r\n"), EXPECT_EOF, END
	};
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "";

	CHECK(fake_start_ex(&f, family, script, NULL, NULL) == 0);
	smtp_reply_init(&r);
	CHECK(smtp_conn_open(&c, host, f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	if (c) {
		CHECK_STR(smtp_conn_address(c), family == AF_INET6 ? "::1" : "127.0.0.1");
		CHECK(smtp_conn_is_tls(c) == 0);
		CHECK_STR(smtp_conn_tls_protocol(c), "");
		CHECK(smtp_conn_tls_peer_subject(c) == NULL);
		CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(r.code == 220);
		/* the second reply came in the same segment: it waits in the buffer */
		CHECK(smtp_conn_pending(c) == strlen("250-second\r\n250 second end\r\n"));
		{
			size_t n;
			const char *raw = smtp_conn_last_reply_raw(c, &n);
			CHECK_MEM(raw, n, "220 first\r\n");
		}
		CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(r.code == 250 && r.lines.count == 2);
		CHECK(smtp_conn_pending(c) == 0);
		CHECK(smtp_conn_write(c, "PING\r\n", 6, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(r.code == 250);
	}
	smtp_conn_close(c);
	smtp_reply_free(&r);
	CHECK(fake_finish(&f));
}

static void test_read_timeout_and_close(void)
{
	static const step silent[] = { SILENT, END };
	static const step closing[] = { SEND("250-partial\r\n"), END };
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "";
	int64_t t0, el;

	smtp_reply_init(&r);
	CHECK(fake_start_ex(&f, AF_INET, silent, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	t0 = smtp_now_ms();
	CHECK(smtp_conn_read_reply(c, &r, t0 + 200, err, sizeof(err)) == SMTP_IO_TIMEOUT);
	el = smtp_now_ms() - t0;
	CHECK(el >= 195 && el < 2700);  /* slack for a loaded machine */
	CHECK_STR(err, "timed out waiting for a reply");
	/* a deadline already past fails at once */
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() - 1, err, sizeof(err)) == SMTP_IO_TIMEOUT);
	smtp_conn_close(c);
	c = NULL;
	CHECK(fake_finish(&f));

	CHECK(fake_start_ex(&f, AF_INET, closing, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_CLOSED);
	CHECK_STR(err, "the server closed the connection in the middle of a reply");
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
	smtp_reply_free(&r);
}

/* Writing to a connection the server has closed: an error, never SIGPIPE (which is left at
 * its default action in this process, so it would kill the test). */
static void test_no_sigpipe(int tls)
{
	static const step plain_close[] = { END };
	static const step tls_close[] = { TLS_ON, END };
	fake f;
	smtp_conn *c = NULL;
	char err[256] = "";
	static char big[1 << 20];
	smtp_io_status st = SMTP_IO_OK;
	int i;

	if (tls && !C.ok) {
		CHECK(C.ok);
		return;
	}
	memset(big, 'x', sizeof(big));
	CHECK(fake_start_ex(&f, AF_INET, tls ? tls_close : plain_close, C.srv_pem, C.srv_key) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	if (tls) {
		CHECK(smtp_conn_start_tls(c, "localhost", 1, C.ca_pem, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	}
	CHECK(fake_finish(&f));   /* the server has closed its end */
	usleep(50 * 1000);
	for (i = 0; i < 5 && st == SMTP_IO_OK; i++) {
		st = smtp_conn_write(c, big, sizeof(big), smtp_now_ms() + 3000, err, sizeof(err));
	}
	CHECK(st == SMTP_IO_CLOSED || st == SMTP_IO_ERROR);
	smtp_conn_close(c);
}

static void test_connect_errors(void)
{
	smtp_conn *c = NULL;
	char err[256] = "";
	int64_t t0, el;
	fake_blackhole bh;

	CHECK(smtp_conn_open(&c, "", 25, smtp_now_ms() + 1000, err, sizeof(err)) == SMTP_IO_RESOLVE);
	CHECK(smtp_conn_open(&c, "127.0.0.1", 0, smtp_now_ms() + 1000, err, sizeof(err)) == SMTP_IO_ERROR);
	CHECK(smtp_conn_open(&c, "127.0.0.1", 70000, smtp_now_ms() + 1000, err, sizeof(err)) == SMTP_IO_ERROR);
	/* NXDOMAIN, or a resolver that does not answer here: RESOLVE either way for the session */
	CHECK(smtp_conn_open(&c, "no-such-host.invalid", 25, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_RESOLVE);
	CHECK(strstr(err, "cannot resolve no-such-host.invalid") != NULL);
	CHECK(c == NULL);
	CHECK(smtp_conn_open(&c, "127.0.0.1", fake_closed_port(), smtp_now_ms() + 1000, err, sizeof(err)) == SMTP_IO_REFUSED);
	CHECK_STR(err, "Connection refused");

	/* A listener whose queue is full drops new SYNs: connect has to wait, and the deadline ends it. */
	CHECK(fake_blackhole_open(&bh) != 0);
	t0 = smtp_now_ms();
	CHECK(smtp_conn_open(&c, "127.0.0.1", bh.port, t0 + 300, err, sizeof(err)) == SMTP_IO_TIMEOUT);
	el = smtp_now_ms() - t0;
	CHECK(el >= 290 && el < 2900);
	CHECK_STR(err, "timed out");
	CHECK(c == NULL);
	smtp_conn_close(c);
	fake_blackhole_close(&bh);
}

/* ---- TLS ---------------------------------------------------------------------------------- */

static void test_tls_ok(const char *host, int family)
{
	static const step script[] = { TLS_ON, SEND("220 over tls\r\n"), EXPECT("NOOP"), SEND("250 ok\r\n"), EXPECT_EOF, END };
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "", *subj;

	CHECK(fake_start_ex(&f, family, script, C.srv_pem, C.srv_key) == 0);
	smtp_reply_init(&r);
	CHECK(smtp_conn_open(&c, host, f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_start_tls(c, host, 1, C.ca_pem, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	if (err[0]) fprintf(stderr, "  TLS to %s: %s\n", host, err);
	CHECK(smtp_conn_is_tls(c));
	CHECK(smtp_conn_tls_verified(c));
	CHECK(strcmp(smtp_conn_tls_protocol(c), "TLSv1.3") == 0 || strcmp(smtp_conn_tls_protocol(c), "TLSv1.2") == 0);
	CHECK(smtp_conn_tls_cipher(c)[0] != '\0');
	subj = smtp_conn_tls_peer_subject(c);
	CHECK_STR(subj, "CN=localhost");
	free(subj);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(r.code == 220);
	CHECK(smtp_conn_write(c, "NOOP\r\n", 6, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(r.code == 250);
	smtp_conn_close(c);
	smtp_reply_free(&r);
	CHECK(fake_finish(&f));
}

static void cert_failure(const char *cert, const char *key, const char *host, const char *cafile,
                         const char *needle)
{
	static const step script[] = { TLS_TRY, END };
	fake f;
	smtp_conn *c = NULL;
	char err[256] = "";

	CHECK(fake_start_ex(&f, AF_INET, script, cert, key) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_start_tls(c, host, 1, cafile, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_CERT);
	CHECK(strstr(err, needle) != NULL);
	if (getenv("UNIT_VERBOSE")) fprintf(stderr, "  certificate error: %s\n", err);
	if (!strstr(err, needle)) fprintf(stderr, "  got: %s\n  want: ...%s...\n", err, needle);
	CHECK(!smtp_conn_is_tls(c));
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

static void test_cert_failures(void)
{
	cert_failure(C.self_pem, C.self_key, "localhost", C.ca_pem, "self-signed");
	cert_failure(C.srv_pem, C.srv_key, "localhost", C.self_pem, "unknown certificate authority");
	cert_failure(C.other_pem, C.other_key, "localhost", C.ca_pem, "not valid for the name localhost");
	cert_failure(C.other_pem, C.other_key, "127.0.0.1", C.ca_pem, "not valid for the name 127.0.0.1");
	/* the system store does not know our test CA */
	cert_failure(C.srv_pem, C.srv_key, "localhost", NULL, "unknown certificate authority");

	/* an unreadable CA file is reported as such */
	{
		static const step script[] = { DRAIN, END };
		fake f;
		smtp_conn *c = NULL;
		char err[256] = "";
		CHECK(fake_start_ex(&f, AF_INET, script, NULL, NULL) == 0);
		CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(smtp_conn_start_tls(c, "localhost", 1, "/nonexistent/ca.pem", smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_CERT);
		CHECK(strstr(err, "cannot load the CA file /nonexistent/ca.pem (smtp.cafile): ") != NULL);
		CHECK(smtp_conn_last_cause(c) == SMTP_CAUSE_CAFILE);
		smtp_conn_close(c);
		CHECK(fake_finish(&f));
	}

	/* verify off: the self-signed certificate is accepted, and reported as not verified */
	{
		static const step script[] = { TLS_ON, SEND("220 hi\r\n"), EXPECT_EOF, END };
		fake f;
		smtp_conn *c = NULL;
		smtp_reply r;
		char err[256] = "";
		smtp_reply_init(&r);
		CHECK(fake_start_ex(&f, AF_INET, script, C.self_pem, C.self_key) == 0);
		CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(smtp_conn_start_tls(c, "localhost", 0, NULL, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(smtp_conn_is_tls(c));
		CHECK(!smtp_conn_tls_verified(c));
		CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		smtp_conn_close(c);
		smtp_reply_free(&r);
		CHECK(fake_finish(&f));
	}
}

/* TLS to a server that talks plain SMTP: a clear error, quickly. The server reads the ClientHello
 * before it speaks: a greeting sent at once could arrive before the pre-handshake check, and the
 * injection guard would answer instead of the handshake. */
static void test_tls_to_plain_server(void)
{
	static const step script[] = { HELLO, GREET, DRAIN, END };
	fake f;
	smtp_conn *c = NULL;
	char err[256] = "";
	smtp_io_status st;

	CHECK(fake_start_ex(&f, AF_INET, script, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	st = smtp_conn_start_tls(c, "localhost", 1, C.ca_pem, smtp_now_ms() + 3000, err, sizeof(err));
	CHECK(st == SMTP_IO_ERROR);
	CHECK(strstr(err, "TLS handshake error: wrong version number") != NULL);
	CHECK(smtp_conn_last_cause(c) == SMTP_CAUSE_PLAIN_ON_TLS_PORT);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* A server that accepts and never answers the ClientHello: the deadline ends the handshake. */
static void test_tls_handshake_timeout(void)
{
	static const step script[] = { DRAIN, END };
	fake f;
	smtp_conn *c = NULL;
	char err[256] = "";
	int64_t t0, el;

	CHECK(fake_start_ex(&f, AF_INET, script, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	t0 = smtp_now_ms();
	CHECK(smtp_conn_start_tls(c, "localhost", 1, C.ca_pem, t0 + 250, err, sizeof(err)) == SMTP_IO_TIMEOUT);
	el = smtp_now_ms() - t0;
	CHECK(el >= 245 && el < 2800);
	CHECK_STR(err, "the TLS handshake timed out");
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* ---- sessions over TLS ---------------------------------------------------------------------- */

static char hosts_buf[128];

static void cfg_init(smtp_config *c, const char *host, int port)
{
	memset(c, 0, sizeof(*c));
	snprintf(hosts_buf, sizeof(hosts_buf), "%s:%d", host, port);
	c->hosts = hosts_buf;
	c->encryption = SMTP_ENC_AUTO;
	c->auth = SMTP_AUTH_AUTO;
	c->helo = "client.example.org";
	c->timeout_ms = 5000;
	c->verify_peer = 1;
	c->cafile = C.ca_pem;
}

static void test_session_implicit_tls(void)
{
	static const step script[] = {
		TLS_ON, GREET, EXPECT("EHLO client.example.org"),
		SEND("250-fake.example\r\n250-AUTH PLAIN LOGIN\r\n250 PIPELINING\r\n"),
		EXPECT("AUTH PLAIN AHVzZXIAcGFzcw=="), SEND("235 2.7.0 ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start_ex(&f, AF_INET, script, C.srv_pem, C.srv_key) == 0);
	cfg_init(&cfg, "localhost", f.port);
	cfg.encryption = SMTP_ENC_SSL;
	cfg.username = "user";
	cfg.password = "pass";
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	if (r.error) fprintf(stderr, "  implicit TLS: %s\n", r.error);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK_STR(r.encryption, "ssl");
	CHECK(r.tls_active == 1);
	CHECK(r.tls_verified == 1);
	CHECK_STR(r.tls_peer_subject, "CN=localhost");
	CHECK(r.tls_protocol[0] != '\0');
	if (getenv("UNIT_VERBOSE")) fprintf(stderr, "%s", r.transcript.data);
	CHECK_STR(r.auth_mech, "PLAIN");
	CHECK(r.t_tls > 0);
	CHECK(strstr(r.transcript.data, "*: TLS established: ") != NULL);
	smtp_result_free(&r);
}

static void test_session_starttls(void)
{
	static const step script[] = {
		GREET, EXPECT("EHLO client.example.org"),
		SEND("250-fake.example\r\n250-STARTTLS\r\n250 X-BEFORE-TLS\r\n"),
		EXPECT("STARTTLS"), SEND("220 2.0.0 Ready to start TLS\r\n"),
		TLS_ON,
		EXPECT("EHLO client.example.org"),
		SEND("250-fake.example\r\n250-AUTH LOGIN\r\n250 SIZE 1000\r\n"),
		EXPECT("AUTH LOGIN"), SEND("334 VXNlcm5hbWU6\r\n"),
		EXPECT("dXNlcg=="), SEND("334 UGFzc3dvcmQ6\r\n"),
		EXPECT("cGFzcw=="), SEND("235 2.7.0 ok\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;
	size_t i;
	int before = 0;

	CHECK(fake_start_ex(&f, AF_INET, script, C.srv_pem, C.srv_key) == 0);
	cfg_init(&cfg, "localhost", f.port);
	cfg.username = "user";
	cfg.password = "pass";
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == 0);
	if (r.error) fprintf(stderr, "  STARTTLS: %s\n", r.error);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK_STR(r.encryption, "tls");
	CHECK(r.tls_active && r.tls_verified);
	CHECK_STR(r.auth_mech, "LOGIN");
	/* only what the server said over TLS counts */
	for (i = 0; i < r.capabilities.count; i++) {
		if (strcmp(r.capabilities.items[i], "X-BEFORE-TLS") == 0) before = 1;
	}
	CHECK(!before);
	CHECK(r.capabilities.count == 2);
	CHECK(strstr(r.transcript.data, "pass") == NULL);
	smtp_result_free(&r);
}

static void test_session_cert_error(void)
{
	static const step script[] = {
		GREET, EXPECT("EHLO client.example.org"),
		SEND("250-fake.example\r\n250 STARTTLS\r\n"),
		EXPECT("STARTTLS"), SEND("220 go ahead\r\n"),
		TLS_TRY, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start_ex(&f, AF_INET, script, C.self_pem, C.self_key) == 0);
	cfg_init(&cfg, "localhost", f.port);
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_TLS);
	CHECK(r.error && strstr(r.error, "SMTP STARTTLS failed: the server certificate is self-signed"));
	CHECK(r.hint && strstr(r.hint, "smtp.cafile"));
	smtp_result_free(&r);
}

/* smtp.encryption=ssl against a port that talks plain SMTP: the hint names the fix. */
static void test_session_wrong_pairing(void)
{
	static const step script[] = { GREET, DRAIN, END };
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start_ex(&f, AF_INET, script, NULL, NULL) == 0);
	cfg_init(&cfg, "127.0.0.1", f.port);
	cfg.encryption = SMTP_ENC_SSL;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_TLS);
	CHECK(r.error && strstr(r.error, "SMTP TLS connection to 127.0.0.1:"));
	CHECK(r.hint && strstr(r.hint, "smtp.encryption=tls"));
	if (getenv("UNIT_VERBOSE")) fprintf(stderr, "  %s\n  hint: %s\n%s", r.error, r.hint ? r.hint : "", r.transcript.data);
	smtp_result_free(&r);
}

/* A 3 MB message over STARTTLS with PIPELINING: large TLS writes, replies read in order. */
static void test_session_send_over_tls(void)
{
	static char wire_len[32];
	static step script[] = {
		GREET, EXPECT("EHLO client.example.org"),
		SEND("250-fake.example\r\n250-STARTTLS\r\n250 PIPELINING\r\n"),
		EXPECT("STARTTLS"), SEND("220 go ahead\r\n"), TLS_ON,
		EXPECT("EHLO client.example.org"),
		SEND("250-fake.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
		EXPECT("MAIL FROM:<a@example.org>"), EXPECT("RCPT TO:<b@example.org>"), EXPECT("DATA"),
		SEND("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"),
		DATA_LEN(wire_len), SEND("250 2.0.0 queued\r\n"),
		QUIT_BYE, END
	};
	fake f;
	smtp_config cfg;
	smtp_message m;
	smtp_result r;
	size_t i, dots = 0;
	char line[100];

	smtp_message_init(&m);
	m.sender = smtp_strdup("a@example.org");
	smtp_strlist_add(&m.rcpts, "b@example.org", 13);
	smtp_buf_puts(&m.headers, "Subject: big over TLS\r\n\r\n");
	for (i = 0; m.headers.len < 3 * 1024 * 1024; i++) {
		if (i % 40 == 0) {
			snprintf(line, sizeof(line), ".%zu\r\n", i);
			dots++;
		} else {
			snprintf(line, sizeof(line), "line %zu: the quick brown fox jumps over the lazy dog\r\n", i);
		}
		smtp_buf_puts(&m.headers, line);
	}
	m.size = m.headers.len;
	snprintf(wire_len, sizeof(wire_len), "%zu", m.size + dots + 3);
	CHECK(fake_start_ex(&f, AF_INET, script, C.srv_pem, C.srv_key) == 0);
	cfg_init(&cfg, "localhost", f.port);
	smtp_result_init(&r);
	CHECK(smtp_submit(&cfg, &m, &r) == 0);
	if (r.error) fprintf(stderr, "  send over TLS: %s\n", r.error);
	CHECK(fake_finish(&f));
	CHECK(r.ok == 1);
	CHECK_STR(r.encryption, "tls");
	/* greeting, EHLO, STARTTLS, EHLO, MAIL+RCPT+DATA, message, QUIT */
	CHECK(r.round_trips == 7);
	smtp_result_free(&r);
	smtp_message_free(&m);
}

/* Plain bytes after STARTTLS's 220 in a segment of their own: refused before the handshake. */
static void test_injection_before_handshake(void)
{
	static const step script[] = { SEND("220 2.0.0 go ahead\r\n"), SLEEP("50"), SEND("250 forged\r\n"), DRAIN, END };
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "";

	smtp_reply_init(&r);
	CHECK(fake_start_ex(&f, AF_INET, script, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(r.code == 220);
	CHECK(smtp_conn_pending(c) == 0);
	usleep(250 * 1000);
	CHECK(smtp_conn_start_tls(c, "localhost", 1, C.ca_pem, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_PROTOCOL);
	CHECK(strstr(err, "response injection") != NULL);
	CHECK(smtp_conn_last_cause(c) == SMTP_CAUSE_INJECTION);
	CHECK(!smtp_conn_is_tls(c));
	smtp_conn_close(c);
	smtp_reply_free(&r);
	CHECK(fake_finish(&f));
}

/* Plain bytes after STARTTLS's 220 in the same segment: they sit in the adapter's buffer, and the
 * handshake is refused with their count. */
static void test_injection_buffered(void)
{
	static const step script[] = { SEND("220 2.0.0 go ahead\r\n250 forged\r\n"), DRAIN, END };
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "";

	smtp_reply_init(&r);
	CHECK(fake_start(&f, script) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(r.code == 220);
	CHECK(smtp_conn_pending(c) == 12);
	CHECK(smtp_conn_start_tls(c, "localhost", 1, C.ca_pem, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_PROTOCOL);
	CHECK_STR(err, "the server sent 12 unexpected bytes before the TLS handshake (possible response injection)");
	CHECK(smtp_conn_last_cause(c) == SMTP_CAUSE_INJECTION);
	smtp_conn_close(c);
	smtp_reply_free(&r);
	CHECK(fake_finish(&f));
}

/* Replies longer than the buffer, malformed replies: PROTOCOL, the parser's sentence. */
static void test_reply_errors(void)
{
	static const step bad[] = { SEND("hello there\r\n"), DRAIN, END };
	static const step big[] = { BIGLINE, DRAIN, END };
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "";

	smtp_reply_init(&r);
	CHECK(fake_start(&f, bad) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_PROTOCOL);
	CHECK(err[0] != '\0');
	CHECK(smtp_conn_last_cause(c) == SMTP_CAUSE_MALFORMED);
	smtp_conn_close(c);
	c = NULL;
	CHECK(fake_finish(&f));

	CHECK(fake_start(&f, big) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_PROTOCOL);
	CHECK(smtp_conn_last_cause(c) == SMTP_CAUSE_MALFORMED);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
	smtp_reply_free(&r);
}

static void run_tests(void)
{
	fake_certs_make(&C);
	CHECK(C.ok);
	test_plain_io(AF_INET, "127.0.0.1");
	test_plain_io(AF_INET6, "::1");
	test_read_timeout_and_close();
	test_no_sigpipe(0);
	test_connect_errors();
	test_reply_errors();
	if (C.ok) {
		test_no_sigpipe(1);
		test_tls_ok("localhost", AF_INET);
		test_tls_ok("127.0.0.1", AF_INET);
		test_tls_ok("::1", AF_INET6);
		test_cert_failures();
		test_tls_to_plain_server();
		test_injection_before_handshake();
		test_injection_buffered();
		test_tls_handshake_timeout();
		test_session_implicit_tls();
		test_session_starttls();
		test_session_cert_error();
		test_session_wrong_pairing();
		test_session_send_over_tls();
	}
	fake_certs_remove(&C);
}
