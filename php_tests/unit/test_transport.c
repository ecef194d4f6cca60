/* The transport: TCP over IPv4 and IPv6, deadlines, pipelined replies, no SIGPIPE, and TLS
 * (implicit and STARTTLS, certificate checks) against a forked OpenSSL server using
 * certificates made by the openssl command at test time in a temporary directory. */
#include "unit.h"
#include "transport.h"
#include "session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static char dir[64];
static char ca_pem[128], srv_pem[128], srv_key[128], other_pem[128], other_key[128], self_pem[128], self_key[128];
static int have_certs;

/* ---- certificates ----------------------------------------------------------------------- */

static int sh(const char *cmd)
{
	char full[2048];
	snprintf(full, sizeof(full), "cd %s && %s >/dev/null 2>&1", dir, cmd);
	return system(full) == 0;
}

static void make_certs(void)
{
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/smtp-unit-tls-XXXXXX");
	if (!mkdtemp(dir)) {
		return;
	}
	snprintf(ca_pem, sizeof(ca_pem), "%s/ca.pem", dir);
	snprintf(srv_pem, sizeof(srv_pem), "%s/srv.pem", dir);
	snprintf(srv_key, sizeof(srv_key), "%s/srv.key", dir);
	snprintf(other_pem, sizeof(other_pem), "%s/other.pem", dir);
	snprintf(other_key, sizeof(other_key), "%s/other.key", dir);
	snprintf(self_pem, sizeof(self_pem), "%s/self.pem", dir);
	snprintf(self_key, sizeof(self_key), "%s/self.key", dir);
	{
		char p[160];
		snprintf(p, sizeof(p), "%s/srv.ext", dir);
		f = fopen(p, "w");
		if (!f) return;
		fputs("subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n", f);
		fclose(f);
		snprintf(p, sizeof(p), "%s/other.ext", dir);
		f = fopen(p, "w");
		if (!f) return;
		fputs("subjectAltName=DNS:other.example\n", f);
		fclose(f);
	}
	have_certs =
		sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem "
		   "-days 2 -subj '/CN=smtp unit test CA' -addext basicConstraints=critical,CA:TRUE "
		   "-addext keyUsage=critical,keyCertSign,cRLSign")
		&& sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key -out srv.csr "
		      "-subj '/CN=localhost'")
		&& sh("openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 "
		      "-extfile srv.ext")
		&& sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other.key -out other.csr "
		      "-subj '/CN=other.example'")
		&& sh("openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out other.pem -days 2 "
		      "-extfile other.ext")
		&& sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout self.key "
		      "-out self.pem -days 2 -subj '/CN=localhost' -addext subjectAltName=DNS:localhost");
}

static void remove_certs(void)
{
	char cmd[160];
	if (dir[0] && strncmp(dir, "/tmp/smtp-unit-tls-", 19) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0) {
			fprintf(stderr, "could not remove %s\n", dir);
		}
	}
}

/* ---- the fake server: a script over plain TCP, TLS once 'T' has run ------------------- */

typedef struct {
	char        op;
	const char *arg;
} step;

#define SEND(x)    { 'S', x }
#define EXPECT(x)  { 'E', x }
#define TLS_ON     { 'T', NULL }   /* SSL_accept with the certificate given to fake_start */
#define TLS_TRY    { 't', NULL }   /* SSL_accept that may fail (the client rejects the certificate) */
#define EXPECT_EOF { 'F', NULL }
#define SILENT     { 'N', NULL }
#define SLEEP50    { 'W', NULL }   /* 50 ms */
#define DRAIN      { 'D', NULL }   /* read and drop everything until the client closes */
#define DATA_LEN(n) { 'd', n }     /* read a message up to CRLF.CRLF, discarding it: it must be n bytes */
#define END        { 0, NULL }

static SSL   *c_ssl;
static char   rbuf[65536];
static size_t rlen;

static void die(const char *what)
{
	fprintf(stderr, "fake TLS server: %s\n", what);
	_exit(2);
}

static ssize_t srv_recv(int fd, char *p, size_t n)
{
	if (c_ssl) {
		size_t got = 0;
		if (SSL_read_ex(c_ssl, p, n, &got) != 1) return 0;
		return (ssize_t)got;
	}
	return recv(fd, p, n, 0);
}

static void srv_send(int fd, const char *p, size_t n)
{
	if (c_ssl) {
		size_t w = 0;
		if (n) SSL_write_ex(c_ssl, p, n, &w);
		return;
	}
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0) return;
		p += w;
		n -= (size_t)w;
	}
}

static void read_line(int fd, char *out, size_t outlen)
{
	for (;;) {
		char *nl = memchr(rbuf, '\n', rlen);
		ssize_t n;
		if (nl) {
			size_t len = (size_t)(nl - rbuf) + 1, k = len >= 2 ? len - 2 : 0;
			if (k >= outlen) k = outlen - 1;
			memcpy(out, rbuf, k);
			out[k] = '\0';
			memmove(rbuf, rbuf + len, rlen - len);
			rlen -= len;
			return;
		}
		if (rlen >= sizeof(rbuf)) die("line too long");
		n = srv_recv(fd, rbuf + rlen, sizeof(rbuf) - rlen);
		if (n <= 0) die("the client closed the connection, a line was expected");
		rlen += (size_t)n;
	}
}

static void play(int fd, const step *script, const char *cert, const char *key)
{
	char line[4096];
	const step *st;
	SSL_CTX *ctx = NULL;

	for (st = script; st->op; st++) {
		switch (st->op) {
		case 'S':
			srv_send(fd, st->arg, strlen(st->arg));
			break;
		case 'E':
			read_line(fd, line, sizeof(line));
			if (strncmp(line, st->arg, strlen(st->arg)) != 0) {
				fprintf(stderr, "fake TLS server: expected \"%s\", got \"%s\"\n", st->arg, line);
				_exit(3);
			}
			break;
		case 'T':
		case 't':
			if (rlen) die("plain bytes left before TLS");
			ctx = SSL_CTX_new(TLS_server_method());
			if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1
			    || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
				die("cannot load the certificate");
			}
			c_ssl = SSL_new(ctx);
			SSL_set_fd(c_ssl, fd);
			if (SSL_accept(c_ssl) != 1) {
				if (st->op == 't') {
					SSL_free(c_ssl);
					SSL_CTX_free(ctx);
					c_ssl = NULL;
					close(fd);
					return;   /* expected: the client refused us */
				}
				ERR_print_errors_fp(stderr);
				die("SSL_accept failed");
			}
			if (st->op == 't') {
				die("the client accepted a certificate it should have refused");
			}
			break;
		case 'd': {
			size_t total = 0, want = (size_t)atol(st->arg);
			for (;;) {
				size_t i, hit = (size_t)-1;
				ssize_t n;
				for (i = 0; i + 5 <= rlen; i++) {
					if (memcmp(rbuf + i, "\r\n.\r\n", 5) == 0) {
						hit = i + 5;
						break;
					}
				}
				if (hit != (size_t)-1) {
					total += hit;
					memmove(rbuf, rbuf + hit, rlen - hit);
					rlen -= hit;
					break;
				}
				if (rlen > 4) {
					total += rlen - 4;
					memmove(rbuf, rbuf + rlen - 4, 4);
					rlen = 4;
				}
				n = srv_recv(fd, rbuf + rlen, sizeof(rbuf) - rlen);
				if (n <= 0) die("the client closed the connection during the message");
				rlen += (size_t)n;
			}
			if (total != want) {
				fprintf(stderr, "fake TLS server: message of %zu bytes, %zu expected\n", total, want);
				_exit(5);
			}
			break;
		}
		case 'W':
			usleep(50 * 1000);
			break;
		case 'F': {
			char tmp[64];
			if (rlen > 0 || srv_recv(fd, tmp, sizeof(tmp)) > 0) die("expected the client to close");
			break;
		}
		case 'N':
		case 'D': {
			char tmp[4096];
			struct pollfd p;
			p.fd = fd;
			p.events = POLLIN;
			while (poll(&p, 1, 8000) > 0 && srv_recv(fd, tmp, sizeof(tmp)) > 0) {
			}
			break;
		}
		default:
			die("bad script");
		}
	}
	if (c_ssl) {
		SSL_shutdown(c_ssl);
		SSL_free(c_ssl);
		c_ssl = NULL;
	}
	SSL_CTX_free(ctx);
	close(fd);
}

typedef struct {
	pid_t pid;
	int   port;
} fake;

static int fake_start(fake *f, int family, const step *script, const char *cert, const char *key)
{
	struct sockaddr_storage ss;
	socklen_t al = sizeof(ss);
	int ls = socket(family, SOCK_STREAM, 0), one = 1;

	f->pid = -1;
	f->port = 0;
	if (ls < 0) return -1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		al = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		al = sizeof(*a);
	}
	if (bind(ls, (struct sockaddr *)&ss, al) != 0 || listen(ls, 4) != 0
	    || getsockname(ls, (struct sockaddr *)&ss, &al) != 0) {
		close(ls);
		return -1;
	}
	f->port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
	fflush(NULL);
	f->pid = fork();
	if (f->pid < 0) {
		close(ls);
		return -1;
	}
	if (f->pid == 0) {
		int fd;
		struct pollfd p;
		alarm(10);
		signal(SIGPIPE, SIG_IGN);
		p.fd = ls;
		p.events = POLLIN;
		if (poll(&p, 1, 8000) <= 0) die("nobody connected");
		fd = accept(ls, NULL, NULL);
		if (fd < 0) die("accept failed");
		close(ls);
		play(fd, script, cert, key);
		_exit(0);
	}
	close(ls);
	return 0;
}

static int fake_finish(fake *f)
{
	int status = 0;
	if (f->pid <= 0) return 0;
	if (waitpid(f->pid, &status, 0) != f->pid) return 0;
	f->pid = -1;
	if (!WIFEXITED(status)) fprintf(stderr, "fake server died (signal %d)\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#define GREET     SEND("220 fake.example ESMTP\r\n")
#define QUIT_BYE  EXPECT("QUIT"), SEND("221 bye\r\n")

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

	CHECK(fake_start(&f, family, script, NULL, NULL) == 0);
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
	CHECK(fake_start(&f, AF_INET, silent, NULL, NULL) == 0);
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

	CHECK(fake_start(&f, AF_INET, closing, NULL, NULL) == 0);
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

	if (tls && !have_certs) {
		CHECK(have_certs);
		return;
	}
	memset(big, 'x', sizeof(big));
	CHECK(fake_start(&f, AF_INET, tls ? tls_close : plain_close, srv_pem, srv_key) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	if (tls) {
		CHECK(smtp_conn_start_tls(c, "localhost", 1, ca_pem, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
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
	int ls, i, fds[8], nfds = 0, port;
	struct sockaddr_in a;
	socklen_t al = sizeof(a);

	CHECK(smtp_conn_open(&c, "", 25, smtp_now_ms() + 1000, err, sizeof(err)) == SMTP_IO_RESOLVE);
	CHECK(smtp_conn_open(&c, "127.0.0.1", 0, smtp_now_ms() + 1000, err, sizeof(err)) == SMTP_IO_ERROR);
	CHECK(smtp_conn_open(&c, "127.0.0.1", 70000, smtp_now_ms() + 1000, err, sizeof(err)) == SMTP_IO_ERROR);
	CHECK(smtp_conn_open(&c, "no-such-host.invalid", 25, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_RESOLVE);
	CHECK(strstr(err, "cannot resolve no-such-host.invalid") != NULL);
	CHECK(c == NULL);

	/* A listener whose queue is full drops new SYNs: connect has to wait, and the deadline ends it. */
	ls = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(ls, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(ls, 0) == 0
	      && getsockname(ls, (struct sockaddr *)&a, &al) == 0);
	port = ntohs(a.sin_port);
	for (i = 0; i < 8; i++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (s < 0) break;
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0 && errno != EINPROGRESS) {
			close(s);
			break;
		}
		fds[nfds++] = s;
	}
	usleep(50 * 1000);
	t0 = smtp_now_ms();
	CHECK(smtp_conn_open(&c, "127.0.0.1", port, t0 + 300, err, sizeof(err)) == SMTP_IO_TIMEOUT);
	el = smtp_now_ms() - t0;
	CHECK(el >= 290 && el < 2900);
	CHECK_STR(err, "timed out");
	CHECK(c == NULL);
	smtp_conn_close(c);
	for (i = 0; i < nfds; i++) close(fds[i]);
	close(ls);
}

/* ---- TLS ---------------------------------------------------------------------------------- */

static void test_tls_ok(const char *host, int family)
{
	static const step script[] = { TLS_ON, SEND("220 over tls\r\n"), EXPECT("NOOP"), SEND("250 ok\r\n"), EXPECT_EOF, END };
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "", *subj;

	CHECK(fake_start(&f, family, script, srv_pem, srv_key) == 0);
	smtp_reply_init(&r);
	CHECK(smtp_conn_open(&c, host, f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_start_tls(c, host, 1, ca_pem, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
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

	CHECK(fake_start(&f, AF_INET, script, cert, key) == 0);
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
	cert_failure(self_pem, self_key, "localhost", ca_pem, "self-signed");
	cert_failure(srv_pem, srv_key, "localhost", self_pem, "unknown certificate authority");
	cert_failure(other_pem, other_key, "localhost", ca_pem, "not valid for the name localhost");
	cert_failure(other_pem, other_key, "127.0.0.1", ca_pem, "not valid for the name 127.0.0.1");
	/* the system store does not know our test CA */
	cert_failure(srv_pem, srv_key, "localhost", NULL, "unknown certificate authority");

	/* an unreadable CA file is reported as such */
	{
		static const step script[] = { DRAIN, END };
		fake f;
		smtp_conn *c = NULL;
		char err[256] = "";
		CHECK(fake_start(&f, AF_INET, script, NULL, NULL) == 0);
		CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
		CHECK(smtp_conn_start_tls(c, "localhost", 1, "/nonexistent/ca.pem", smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_CERT);
		CHECK(strstr(err, "cannot load the CA file /nonexistent/ca.pem") != NULL);
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
		CHECK(fake_start(&f, AF_INET, script, self_pem, self_key) == 0);
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

/* TLS to a server that talks plain SMTP: a clear error, quickly. */
static void test_tls_to_plain_server(void)
{
	static const step script[] = { GREET, DRAIN, END };
	fake f;
	smtp_conn *c = NULL;
	char err[256] = "";
	smtp_io_status st;

	CHECK(fake_start(&f, AF_INET, script, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	st = smtp_conn_start_tls(c, "localhost", 1, ca_pem, smtp_now_ms() + 3000, err, sizeof(err));
	CHECK(st == SMTP_IO_ERROR);
	CHECK(strstr(err, "TLS handshake error: wrong version number") != NULL);
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

	CHECK(fake_start(&f, AF_INET, script, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	t0 = smtp_now_ms();
	CHECK(smtp_conn_start_tls(c, "localhost", 1, ca_pem, t0 + 250, err, sizeof(err)) == SMTP_IO_TIMEOUT);
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
	c->cafile = ca_pem;
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

	CHECK(fake_start(&f, AF_INET, script, srv_pem, srv_key) == 0);
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

	CHECK(fake_start(&f, AF_INET, script, srv_pem, srv_key) == 0);
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

	CHECK(fake_start(&f, AF_INET, script, self_pem, self_key) == 0);
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

	CHECK(fake_start(&f, AF_INET, script, NULL, NULL) == 0);
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
	CHECK(fake_start(&f, AF_INET, script, srv_pem, srv_key) == 0);
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
	static const step script[] = { SEND("220 2.0.0 go ahead\r\n"), SLEEP50, SEND("250 forged\r\n"), DRAIN, END };
	fake f;
	smtp_conn *c = NULL;
	smtp_reply r;
	char err[256] = "";

	smtp_reply_init(&r);
	CHECK(fake_start(&f, AF_INET, script, NULL, NULL) == 0);
	CHECK(smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(smtp_conn_read_reply(c, &r, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_OK);
	CHECK(r.code == 220);
	CHECK(smtp_conn_pending(c) == 0);
	usleep(250 * 1000);
	CHECK(smtp_conn_start_tls(c, "localhost", 1, ca_pem, smtp_now_ms() + 3000, err, sizeof(err)) == SMTP_IO_PROTOCOL);
	CHECK(strstr(err, "response injection") != NULL);
	CHECK(!smtp_conn_is_tls(c));
	smtp_conn_close(c);
	smtp_reply_free(&r);
	CHECK(fake_finish(&f));
}

static void run_tests(void)
{
	make_certs();
	CHECK(have_certs);
	test_plain_io(AF_INET, "127.0.0.1");
	test_plain_io(AF_INET6, "::1");
	test_read_timeout_and_close();
	test_no_sigpipe(0);
	test_connect_errors();
	if (have_certs) {
		test_no_sigpipe(1);
		test_tls_ok("localhost", AF_INET);
		test_tls_ok("127.0.0.1", AF_INET);
		test_tls_ok("::1", AF_INET6);
		test_cert_failures();
		test_tls_to_plain_server();
		test_injection_before_handshake();
		test_tls_handshake_timeout();
		test_session_implicit_tls();
		test_session_starttls();
		test_session_cert_error();
		test_session_wrong_pairing();
		test_session_send_over_tls();
	}
	remove_certs();
}
