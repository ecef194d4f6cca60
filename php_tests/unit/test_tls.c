/* tls.c: the context cache, the handshake (implicit TLS over a net.c connection), the io table it
 * installs, the details, and the cause of every failure, against the fake server (fake_server.c)
 * with certificates made by the openssl command at test time. */
#include "unit.h"
#include "tls.h"
#include "fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static fake_certs C;
static smtp_io_err E;
static smtp_tls_cache *cache;

static void clear_err(void)
{
	memset(&E, 0, sizeof(E));
}

static int copy_file(const char *from, const char *to)
{
	char buf[8192];
	size_t n;
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	int ok = in && out;

	while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		ok = fwrite(buf, 1, n, out) == n;
	}
	if (in) {
		fclose(in);
	}
	if (out && fclose(out) != 0) {
		ok = 0;
	}
	return ok;
}

/* ---- the cache ------------------------------------------------------------------------------- */

static void test_cache(void)
{
	smtp_tls_cache *k = smtp_tls_cache_new();
	smtp_tls_ctx *a, *b, *sys, *noverify, *noverify2;
	char path[200];

	CHECK(k != NULL);
	a = smtp_tls_cache_get(k, 1, C.ca_pem, &E);
	CHECK(a != NULL);
	CHECK(smtp_tls_cache_get(k, 1, C.ca_pem, &E) == a); /* the same settings: the same context */
	b = smtp_tls_cache_get(k, 1, C.self_pem, &E);        /* another CA file: another context */
	CHECK(b != NULL && b != a);
	CHECK(smtp_tls_cache_get(k, 1, C.ca_pem, &E) == a);
	CHECK(smtp_tls_cache_get(k, 1, C.self_pem, &E) == b);
	sys = smtp_tls_cache_get(k, 1, NULL, &E); /* the system store */
	CHECK(sys != NULL && sys != a && sys != b);
	CHECK(smtp_tls_cache_get(k, 1, "", &E) == sys);
	noverify = smtp_tls_cache_get(k, 0, C.ca_pem, &E); /* no verification: the CA file plays no part */
	CHECK(noverify != NULL && noverify != a && noverify != sys);
	noverify2 = smtp_tls_cache_get(k, 0, NULL, &E);
	CHECK(noverify2 == noverify);
	CHECK(smtp_tls_cache_get(k, 0, "/nonexistent/ca.pem", &E) == noverify);

	/* an unreadable CA file: cause CAFILE, the setting named; not cached, so once the file is
	 * there, the next call builds the context */
	snprintf(path, sizeof(path), "%s/later.pem", C.dir);
	clear_err();
	CHECK(smtp_tls_cache_get(k, 1, path, &E) == NULL);
	CHECK(E.cause == SMTP_CAUSE_CAFILE);
	CHECK(strstr(E.text, "cannot load the CA file ") != NULL);
	CHECK(strstr(E.text, "(smtp.cafile)") != NULL);
	clear_err();
	CHECK(smtp_tls_cache_get(k, 1, path, &E) == NULL);
	CHECK(E.cause == SMTP_CAUSE_CAFILE);
	CHECK(copy_file(C.ca_pem, path));
	a = smtp_tls_cache_get(k, 1, path, &E);
	CHECK(a != NULL);
	CHECK(smtp_tls_cache_get(k, 1, path, &E) == a);
	/* a file that is not PEM */
	{
		char junk[200];
		FILE *f;
		snprintf(junk, sizeof(junk), "%s/junk.pem", C.dir);
		f = fopen(junk, "w");
		if (f) {
			fputs("not a certificate\n", f);
			fclose(f);
		}
		clear_err();
		CHECK(smtp_tls_cache_get(k, 1, junk, &E) == NULL);
		CHECK(E.cause == SMTP_CAUSE_CAFILE);
		CHECK(strstr(E.text, "(smtp.cafile)") != NULL);
	}
	/* a CA file that went away is reported, not served from the cache */
	CHECK(unlink(path) == 0);
	clear_err();
	CHECK(smtp_tls_cache_get(k, 1, path, &E) == NULL);
	CHECK(E.cause == SMTP_CAUSE_CAFILE);
	/* more settings than the cache keeps: the oldest go, every call still answers */
	{
		int i;
		for (i = 0; i < 12; i++) {
			char p[200];
			snprintf(p, sizeof(p), "%s/many%d.pem", C.dir, i);
			CHECK(copy_file(C.ca_pem, p));
			CHECK(smtp_tls_cache_get(k, 1, p, &E) != NULL);
		}
	}
	CHECK(smtp_tls_cache_get(NULL, 1, C.ca_pem, &E) == NULL);
	smtp_tls_cache_free(k);
	smtp_tls_cache_free(NULL);
}

/* ---- handshakes ---------------------------------------------------------------------------- */

static smtp_conn *connect_to(const fake *f, const char *host)
{
	smtp_conn *c = NULL;
	CHECK(smtp_conn_open(&c, host, f->port, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	return c;
}

static void test_tls_ok(const char *host, int family)
{
	static const step script[] = {TLS_ON, SEND("220 over tls\r\n"), EXPECT("NOOP"), SEND("250 ok\r\n"), EXPECT_EOF, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);
	char buf[64], *subj;
	size_t got = 0, have = 0;

	CHECK(ctx != NULL);
	CHECK(fake_start_ex(&f, family, script, C.srv_pem, C.srv_key) == 0);
	c = connect_to(&f, host);
	CHECK(!smtp_tls_active(c));
	CHECK_STR(smtp_tls_protocol(c), "");
	CHECK_STR(smtp_tls_cipher(c), "");
	CHECK(smtp_tls_peer_subject(c) == NULL);
	CHECK(!smtp_tls_verified(c));
	clear_err();
	CHECK(smtp_tls_start(c, ctx, host, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	if (E.text[0]) {
		fprintf(stderr, "  TLS to %s: %s\n", host, E.text);
	}
	CHECK(smtp_tls_active(c));
	CHECK(smtp_tls_verified(c));
	CHECK(strcmp(smtp_tls_protocol(c), "TLSv1.3") == 0 || strcmp(smtp_tls_protocol(c), "TLSv1.2") == 0);
	CHECK(smtp_tls_cipher(c)[0] != '\0');
	subj = smtp_tls_peer_subject(c);
	CHECK_STR(subj, "CN=localhost");
	free(subj);
	/* a second handshake on the same connection is refused */
	CHECK(smtp_tls_start(c, ctx, host, smtp_now_ms() + 3000, &E) == SMTP_IO_ERROR);
	CHECK_STR(E.text, "TLS is already active");
	/* reads and writes now go through TLS */
	while (have < 14) {
		CHECK(smtp_conn_read(c, buf + have, sizeof(buf) - have, &got, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
		if (got == 0) {
			break;
		}
		have += got;
	}
	CHECK_MEM(buf, have, "220 over tls\r\n");
	CHECK(smtp_conn_write(c, "NOOP\r\n", 6, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_read(c, buf, sizeof(buf), &got, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(got >= 3 && memcmp(buf, "250", 3) == 0);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

static void cert_failure(const char *cert, const char *key, const char *host, const char *cafile, smtp_cause cause,
                         const char *needle)
{
	static const step script[] = {TLS_TRY, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, cafile, &E);

	CHECK(ctx != NULL);
	CHECK(fake_start_ex(&f, AF_INET, script, cert, key) == 0);
	c = connect_to(&f, "127.0.0.1");
	clear_err();
	CHECK(smtp_tls_start(c, ctx, host, smtp_now_ms() + 3000, &E) == SMTP_IO_CERT);
	CHECK(E.cause == cause);
	CHECK(strstr(E.text, needle) != NULL);
	if (!strstr(E.text, needle) || E.cause != cause) {
		fprintf(stderr, "  got: %s (%s)\n  want: ...%s... (%s)\n", E.text, smtp_cause_name(E.cause), needle,
		        smtp_cause_name(cause));
	}
	CHECK(!smtp_tls_active(c));
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

static void test_cert_failures(void)
{
	cert_failure(C.self_pem, C.self_key, "localhost", C.ca_pem, SMTP_CAUSE_CERT_SELF_SIGNED,
	             "the server certificate is self-signed and not trusted");
	cert_failure(C.srv_pem, C.srv_key, "localhost", C.self_pem, SMTP_CAUSE_CERT_UNKNOWN_CA,
	             "unknown certificate authority");
	cert_failure(C.other_pem, C.other_key, "localhost", C.ca_pem, SMTP_CAUSE_CERT_NAME,
	             "not valid for the name localhost");
	cert_failure(C.other_pem, C.other_key, "127.0.0.1", C.ca_pem, SMTP_CAUSE_CERT_NAME,
	             "not valid for the name 127.0.0.1");
	cert_failure(C.expired_pem, C.expired_key, "localhost", C.ca_pem, SMTP_CAUSE_CERT_DATES,
	             "the server certificate has expired");
	cert_failure(C.purpose_pem, C.purpose_key, "localhost", C.ca_pem, SMTP_CAUSE_CERT_OTHER,
	             "the server certificate could not be verified");
	/* the system store does not know our test CA */
	cert_failure(C.srv_pem, C.srv_key, "localhost", NULL, SMTP_CAUSE_CERT_UNKNOWN_CA, "unknown certificate authority");

	/* verify off: the self-signed certificate is accepted, and reported as not verified */
	{
		static const step script[] = {TLS_ON, SEND("220 hi\r\n"), EXPECT_EOF, END};
		fake f;
		smtp_conn *c;
		smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 0, NULL, &E);
		CHECK(fake_start_ex(&f, AF_INET, script, C.self_pem, C.self_key) == 0);
		c = connect_to(&f, "127.0.0.1");
		CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
		CHECK(smtp_tls_active(c));
		CHECK(!smtp_tls_verified(c));
		smtp_conn_close(c);
		CHECK(fake_finish(&f));
	}
}

/* A CA file that changed is loaded again: first it holds the wrong CA, then the right one. */
static void test_cafile_reload(void)
{
	static const step fail_script[] = {TLS_TRY, END};
	static const step ok_script[] = {TLS_ON, EXPECT_EOF, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx;
	char path[200];

	snprintf(path, sizeof(path), "%s/changing.pem", C.dir);
	CHECK(copy_file(C.self_pem, path));
	ctx = smtp_tls_cache_get(cache, 1, path, &E);
	CHECK(fake_start_ex(&f, AF_INET, fail_script, C.srv_pem, C.srv_key) == 0);
	c = connect_to(&f, "127.0.0.1");
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_CERT);
	CHECK(E.cause == SMTP_CAUSE_CERT_UNKNOWN_CA);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));

	CHECK(copy_file(C.ca_pem, path)); /* another size (and mtime) */
	{
		struct stat a, b;
		CHECK(stat(path, &a) == 0 && stat(C.self_pem, &b) == 0);
	}
	ctx = smtp_tls_cache_get(cache, 1, path, &E);
	CHECK(ctx != NULL);
	CHECK(fake_start_ex(&f, AF_INET, ok_script, C.srv_pem, C.srv_key) == 0);
	c = connect_to(&f, "127.0.0.1");
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_tls_verified(c));
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* TLS to a server that talks plain SMTP (implicit TLS on a STARTTLS port): it answers our
 * ClientHello with its greeting. The server reads the ClientHello first, so the greeting cannot
 * reach us before the handshake starts (the injection guard would answer then). */
static void test_plain_on_tls_port(void)
{
	static const step script[] = {HELLO, SEND("220 fake.example ESMTP\r\n"), DRAIN, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);

	CHECK(fake_start(&f, script) == 0);
	c = connect_to(&f, "127.0.0.1");
	clear_err();
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_ERROR);
	CHECK(E.cause == SMTP_CAUSE_PLAIN_ON_TLS_PORT);
	CHECK(strstr(E.text, "TLS handshake error: wrong version number") != NULL);
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* Bytes waiting before the handshake: refused (STARTTLS response injection). */
static void test_injection(void)
{
	static const step script[] = {SEND("250 forged\r\n"), DRAIN, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);

	CHECK(fake_start(&f, script) == 0);
	c = connect_to(&f, "127.0.0.1");
	CHECK(smtp_conn_wait(c, POLLIN, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_readable_now(c) == 1);
	clear_err();
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_PROTOCOL);
	CHECK(E.cause == SMTP_CAUSE_INJECTION);
	CHECK_STR(E.text, "the server sent unexpected bytes before the TLS handshake (possible response injection)");
	CHECK(!smtp_tls_active(c));
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* A server that accepts and never answers the ClientHello: the deadline ends the handshake. */
static void test_handshake_timeout(void)
{
	static const step script[] = {DRAIN, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);
	int64_t t0, el;

	CHECK(fake_start(&f, script) == 0);
	c = connect_to(&f, "127.0.0.1");
	t0 = smtp_now_ms();
	clear_err();
	CHECK(smtp_tls_start(c, ctx, "localhost", t0 + 250, &E) == SMTP_IO_TIMEOUT);
	el = smtp_now_ms() - t0;
	CHECK(el >= 245 && el < 2800);
	CHECK(E.cause == SMTP_CAUSE_TIMEOUT);
	CHECK_STR(E.text, "the TLS handshake timed out");
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* The server reads the ClientHello and closes: CLOSED. */
static void test_handshake_closed(void)
{
	static const step script[] = {HELLO, CLOSE, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);

	CHECK(fake_start(&f, script) == 0);
	c = connect_to(&f, "127.0.0.1");
	clear_err();
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_CLOSED);
	CHECK(E.cause == SMTP_CAUSE_CLOSED);
	CHECK(strstr(E.text, "during the TLS handshake") != NULL);
	if (getenv("UNIT_VERBOSE")) {
		fprintf(stderr, "  closed: %s\n", E.text);
	}
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* The server answers the ClientHello with a fatal alert (handshake_failure): another handshake
 * failure, not plain text. */
static void test_handshake_alert(void)
{
	static const step script[] = {HELLO, SEND_HEX("15 0303 0002 02 28"), DRAIN, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);

	CHECK(fake_start(&f, script) == 0);
	c = connect_to(&f, "127.0.0.1");
	clear_err();
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_ERROR);
	CHECK(E.cause == SMTP_CAUSE_TLS_HANDSHAKE);
	CHECK(strstr(E.text, "TLS handshake error: ") != NULL);
	if (getenv("UNIT_VERBOSE")) {
		fprintf(stderr, "  alert: %s\n", E.text);
	}
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

static void test_bad_calls(void)
{
	static const step script[] = {DRAIN, END};
	fake f;
	smtp_conn *c;

	clear_err();
	CHECK(smtp_tls_start(NULL, NULL, "localhost", smtp_now_ms() + 100, &E) == SMTP_IO_ERROR);
	CHECK(E.cause == SMTP_CAUSE_NOT_OPEN);
	CHECK(fake_start(&f, script) == 0);
	c = connect_to(&f, "127.0.0.1");
	CHECK(smtp_tls_start(c, NULL, "localhost", smtp_now_ms() + 100, &E) == SMTP_IO_ERROR);
	CHECK(!smtp_tls_active(c));
	CHECK(!smtp_tls_active(NULL));
	CHECK_STR(smtp_tls_protocol(NULL), "");
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

/* Writing over TLS to a server that has gone: an error, never SIGPIPE. */
static void test_no_sigpipe(void)
{
	static const step script[] = {TLS_ON, END};
	static char big[1 << 20];
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);
	smtp_io_status st = SMTP_IO_OK;
	int i;

	memset(big, 'x', sizeof(big));
	CHECK(fake_start_ex(&f, AF_INET, script, C.srv_pem, C.srv_key) == 0);
	c = connect_to(&f, "127.0.0.1");
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(fake_finish(&f));
	usleep(50 * 1000);
	clear_err();
	for (i = 0; i < 5 && st == SMTP_IO_OK; i++) {
		st = smtp_conn_write(c, big, sizeof(big), smtp_now_ms() + 3000, &E);
	}
	CHECK(st == SMTP_IO_CLOSED || st == SMTP_IO_ERROR);
	CHECK(E.cause == SMTP_CAUSE_CLOSED || E.cause == SMTP_CAUSE_IO);
	smtp_conn_close(c);
}

/* Bytes TLS has decrypted and we have not read count as readable. */
static void test_readable_after_tls(void)
{
	static const step script[] = {TLS_ON, SEND("250 one\r\n250 two\r\n"), EXPECT_EOF, END};
	fake f;
	smtp_conn *c;
	smtp_tls_ctx *ctx = smtp_tls_cache_get(cache, 1, C.ca_pem, &E);
	char one[4];
	size_t got = 0;

	CHECK(fake_start_ex(&f, AF_INET, script, C.srv_pem, C.srv_key) == 0);
	c = connect_to(&f, "127.0.0.1");
	CHECK(smtp_tls_start(c, ctx, "localhost", smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(smtp_conn_read(c, one, sizeof(one), &got, smtp_now_ms() + 3000, &E) == SMTP_IO_OK);
	CHECK(got == 4);
	CHECK(smtp_conn_readable_now(c) == 1); /* the rest of the record waits in OpenSSL's buffer */
	smtp_conn_close(c);
	CHECK(fake_finish(&f));
}

static void run_tests(void)
{
	fake_certs_make(&C);
	CHECK(C.ok);
	if (C.ok) {
		cache = smtp_tls_cache_new();
		test_cache();
		test_tls_ok("localhost", AF_INET);
		test_tls_ok("127.0.0.1", AF_INET);
		test_tls_ok("::1", AF_INET6);
		test_cert_failures();
		test_cafile_reload();
		test_plain_on_tls_port();
		test_injection();
		test_handshake_timeout();
		test_handshake_closed();
		test_handshake_alert();
		test_bad_calls();
		test_no_sigpipe();
		test_readable_after_tls();
		smtp_tls_cache_free(cache);
	}
	fake_certs_remove(&C);
}
