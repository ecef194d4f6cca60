/* Sessions over TLS against the fake server (fake_server.c): implicit TLS and STARTTLS with AUTH,
 * certificate failures with their causes, the wrong port/encryption pairing, a message over TLS and
 * the STARTTLS response-injection defence. net.c and tls.c themselves: test_net.c, test_tls.c. */
#include "unit.h"
#include "session.h"
#include "submit.h"
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

/* Plain bytes after STARTTLS's 220 in the same segment: the session refuses the handshake with their
 * count and closes (response injection). */
static void test_session_injection(void)
{
	static const step script[] = {
		GREET, EXPECT("EHLO client.example.org"),
		SEND("250-fake.example\r\n250 STARTTLS\r\n"),
		EXPECT("STARTTLS"), SEND("220 2.0.0 go ahead\r\n250 forged\r\n"),
		EXPECT_EOF, END
	};
	fake f;
	smtp_config cfg;
	smtp_result r;

	CHECK(fake_start_ex(&f, AF_INET, script, C.srv_pem, C.srv_key) == 0);
	cfg_init(&cfg, "localhost", f.port);
	cfg.encryption = SMTP_ENC_TLS;
	smtp_result_init(&r);
	CHECK(smtp_check_connection(&cfg, &r) == -1);
	CHECK(fake_finish(&f));
	CHECK(r.stage == SMTP_STAGE_TLS);
	CHECK(r.err.cause == SMTP_CAUSE_INJECTION);
	CHECK_STR(r.error, "SMTP STARTTLS failed: the server sent 12 bytes after its 220 reply, before the TLS handshake "
	                   "(possible response injection); connection closed");
	smtp_result_free(&r);
}

static void run_tests(void)
{
	fake_certs_make(&C);
	CHECK(C.ok);
	if (C.ok) {
		test_session_implicit_tls();
		test_session_starttls();
		test_session_cert_error();
		test_session_wrong_pairing();
		test_session_send_over_tls();
		test_session_injection();
	}
	fake_certs_remove(&C);
}
