/* The fake SMTP server of the C unit tests (see fake_server.h). */
#include "fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static char rbuf[256 * 1024];
static size_t rlen;
static SSL *c_ssl;
static SSL_CTX *c_ctx;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fake server: %s%s%.200s\n", what, detail ? ": " : "", detail ? detail : "");
	_exit(2);
}

/* One read (waiting up to 5 s), plain or TLS. Returns bytes read, 0 at EOF or on an error. */
static ssize_t recv_some(int fd)
{
	struct pollfd p;
	ssize_t n;

	if (rlen >= sizeof(rbuf)) {
		die("receive buffer full", NULL);
	}
	if (!c_ssl || SSL_pending(c_ssl) == 0) {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 5000) <= 0) {
			die("the client sent nothing within 5 s", NULL);
		}
	}
	if (c_ssl) {
		size_t got = 0;
		if (SSL_read_ex(c_ssl, rbuf + rlen, sizeof(rbuf) - rlen, &got) != 1) {
			return 0;
		}
		rlen += got;
		return (ssize_t)got;
	}
	n = recv(fd, rbuf + rlen, sizeof(rbuf) - rlen, 0);
	if (n < 0) {
		return 0;
	}
	rlen += (size_t)n;
	return n;
}

static void consume(size_t n)
{
	memmove(rbuf, rbuf + n, rlen - n);
	rlen -= n;
}

static void read_line(int fd, char *out, size_t outlen)
{
	for (;;) {
		char *nl = memchr(rbuf, '\n', rlen);
		if (nl) {
			size_t n = (size_t)(nl - rbuf) + 1, k = n;
			if (k < 2 || rbuf[k - 2] != '\r') {
				die("a line without CRLF", rbuf);
			}
			k -= 2;
			if (k >= outlen) {
				k = outlen - 1;
			}
			memcpy(out, rbuf, k);
			out[k] = '\0';
			consume(n);
			return;
		}
		if (recv_some(fd) == 0) {
			die("the client closed the connection, a line was expected", NULL);
		}
	}
}

static void send_all(int fd, const char *p, size_t n)
{
	if (c_ssl) {
		size_t w = 0;
		if (n) {
			(void)SSL_write_ex(c_ssl, p, n, &w);
		}
		return;
	}
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0) {
			if (w < 0 && errno == EINTR) {
				continue;
			}
			return; /* the client went away: that is its business */
		}
		p += w;
		n -= (size_t)w;
	}
}

static void tls_end(int fatal)
{
	if (c_ssl) {
		if (!fatal) {
			SSL_shutdown(c_ssl);
		}
		SSL_free(c_ssl);
		c_ssl = NULL;
	}
	SSL_CTX_free(c_ctx);
	c_ctx = NULL;
}

static void play(int fd, const step *script, const char *cert, const char *key)
{
	char line[8192];
	const step *st;

	for (st = script; st->op; st++) {
		switch (st->op) {
		case 'S':
			send_all(fd, st->arg, strlen(st->arg));
			break;
		case 'E':
			read_line(fd, line, sizeof(line));
			if (strncmp(line, st->arg, strlen(st->arg)) != 0) {
				fprintf(stderr, "fake server: expected \"%s...\", got \"%s\"\n", st->arg, line);
				_exit(3);
			}
			break;
		case 'L':
			read_line(fd, line, sizeof(line));
			if (strcmp(line, st->arg) != 0) {
				fprintf(stderr, "fake server: expected \"%s\", got \"%s\"\n", st->arg, line);
				_exit(3);
			}
			break;
		case 'B': {
			size_t want = strlen(st->arg);
			if (rlen == 0 && recv_some(fd) == 0) {
				die("the client closed the connection, commands were expected", NULL);
			}
			if (rlen != want || memcmp(rbuf, st->arg, want) != 0) {
				fprintf(stderr, "fake server: one segment should hold exactly:\n%s---- got %zu bytes:\n%.*s----\n",
				        st->arg, rlen, (int)(rlen > 2000 ? 2000 : rlen), rbuf);
				_exit(4);
			}
			consume(want);
			break;
		}
		case 'D': {
			char *end;
			for (;;) {
				if (rlen >= 3 && memcmp(rbuf, ".\r\n", 3) == 0) {
					end = rbuf;
					break;
				}
				end = NULL;
				if (rlen >= 5) {
					size_t i;
					for (i = 0; i + 5 <= rlen; i++) {
						if (memcmp(rbuf + i, "\r\n.\r\n", 5) == 0) {
							end = rbuf + i + 2;
							break;
						}
					}
				}
				if (end) {
					break;
				}
				if (recv_some(fd) == 0) {
					die("the client closed the connection during the message", NULL);
				}
			}
			{
				size_t n = (size_t)(end - rbuf) + 3;
				if (st->arg && (n != strlen(st->arg) || memcmp(rbuf, st->arg, n) != 0)) {
					fprintf(stderr, "fake server: message differs; got %zu bytes:\n%.*s----\n", n,
					        (int)(n > 2000 ? 2000 : n), rbuf);
					_exit(5);
				}
				consume(n);
			}
			break;
		}
		case 'd': {
			size_t total = 0, want = (size_t)atol(st->arg);
			for (;;) {
				char *hit = NULL;
				size_t i;
				for (i = 0; i + 5 <= rlen; i++) {
					if (memcmp(rbuf + i, "\r\n.\r\n", 5) == 0) {
						hit = rbuf + i;
						break;
					}
				}
				if (hit) {
					size_t n = (size_t)(hit - rbuf) + 5;
					total += n;
					consume(n);
					break;
				}
				if (rlen > 4) { /* keep a possible partial terminator */
					total += rlen - 4;
					consume(rlen - 4);
				}
				if (recv_some(fd) == 0) {
					die("the client closed the connection during the message", NULL);
				}
			}
			if (total != want) {
				fprintf(stderr, "fake server: message of %zu bytes, %zu expected\n", total, want);
				_exit(5);
			}
			break;
		}
		case 'K': { /* exactly n bytes (a BDAT chunk), discarded */
			size_t left = (size_t)atol(st->arg);
			while (left > 0) {
				size_t take;
				if (rlen == 0 && recv_some(fd) == 0) {
					die("the client closed the connection during the chunk", NULL);
				}
				take = rlen < left ? rlen : left;
				consume(take);
				left -= take;
			}
			break;
		}
		case 'C':
			tls_end(0);
			close(fd);
			return;
		case 'F':
			if (rlen > 0 || recv_some(fd) != 0) {
				fprintf(stderr, "fake server: expected the client to close, got \"%.*s\"\n", (int)rlen, rbuf);
				_exit(6);
			}
			break;
		case 'W':
			usleep((useconds_t)atoi(st->arg) * 1000);
			break;
		case 'G': {
			static char big[100 * 1024];
			memset(big, 'a', sizeof(big));
			memcpy(big, "220 ", 4);
			send_all(fd, big, sizeof(big));
			send_all(fd, "\r\n", 2);
			break;
		}
		case 'U': {
			static const char withnul[] = "220 fake\0.example\r\n";
			send_all(fd, withnul, sizeof(withnul) - 1);
			break;
		}
		case 'R': {
			int i;
			for (i = 0; i < 200000; i++) {
				static const char l[] = "220-and more and more and more\r\n";
				ssize_t w = send(fd, l, sizeof(l) - 1, MSG_NOSIGNAL);
				if (w <= 0) {
					break;
				}
			}
			break;
		}
		case 'N': {
			struct pollfd p;
			p.fd = fd;
			p.events = POLLIN;
			p.revents = 0;
			for (;;) {
				if (!(c_ssl && SSL_pending(c_ssl) > 0) && poll(&p, 1, 8000) <= 0) {
					break;
				}
				rlen = 0;
				if (recv_some(fd) <= 0) {
					break;
				}
			}
			rlen = 0;
			break;
		}
		case 'X': {
			char bytes[512];
			size_t n = 0;
			const char *h;
			for (h = st->arg; *h && n < sizeof(bytes);) {
				unsigned v;
				if (*h == ' ') {
					h++;
					continue;
				}
				if (sscanf(h, "%2x", &v) != 1 || !h[1]) {
					die("bad hex in the script", st->arg);
				}
				bytes[n++] = (char)v;
				h += 2;
			}
			send_all(fd, bytes, n);
			break;
		}
		case 'H':
			if (rlen == 0 && recv_some(fd) == 0) {
				die("the client closed the connection, a ClientHello was expected", NULL);
			}
			rlen = 0;
			break;
		case 'T':
		case 't':
			if (rlen) {
				die("plain bytes left before TLS", NULL);
			}
			c_ctx = SSL_CTX_new(TLS_server_method());
			if (!c_ctx || !cert || !key || SSL_CTX_use_certificate_chain_file(c_ctx, cert) != 1
			    || SSL_CTX_use_PrivateKey_file(c_ctx, key, SSL_FILETYPE_PEM) != 1) {
				die("cannot load the certificate", cert);
			}
			c_ssl = SSL_new(c_ctx);
			SSL_set_fd(c_ssl, fd);
			if (SSL_accept(c_ssl) != 1) {
				if (st->op == 't') {
					tls_end(1);
					close(fd);
					return; /* expected: the client refused us */
				}
				ERR_print_errors_fp(stderr);
				die("SSL_accept failed", NULL);
			}
			if (st->op == 't') {
				die("the client accepted a certificate it should have refused", NULL);
			}
			break;
		default:
			die("bad script", NULL);
		}
	}
	tls_end(0);
	close(fd);
}

int fake_start_ex(fake *f, int family, const step *script, const char *cert, const char *key)
{
	struct sockaddr_storage ss;
	socklen_t al;
	int ls = socket(family, SOCK_STREAM, 0), one = 1;

	f->pid = -1;
	f->port = 0;
	if (ls < 0) {
		return -1;
	}
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
	f->port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                   : ((struct sockaddr_in *)&ss)->sin_port);
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
		rlen = 0;
		p.fd = ls;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 8000) <= 0) {
			die("nobody connected", NULL);
		}
		fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			die("accept failed", strerror(errno));
		}
		close(ls);
		play(fd, script, cert, key);
		_exit(0);
	}
	close(ls);
	return 0;
}

int fake_start(fake *f, const step *script)
{
	return fake_start_ex(f, AF_INET, script, NULL, NULL);
}

int fake_finish(fake *f)
{
	int status = 0;

	if (f->pid <= 0) {
		return 0;
	}
	if (waitpid(f->pid, &status, 0) != f->pid) {
		return 0;
	}
	f->pid = -1;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "fake server died (signal %d)\n", WTERMSIG(status));
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int fake_closed_port(void)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	if (s < 0) {
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 && getsockname(s, (struct sockaddr *)&a, &al) == 0) {
		port = ntohs(a.sin_port);
	}
	close(s);
	return port;
}

int fake_blackhole_open(fake_blackhole *b)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int i;

	memset(b, 0, sizeof(*b));
	b->ls = socket(AF_INET, SOCK_STREAM, 0);
	if (b->ls < 0) {
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(b->ls, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(b->ls, 0) != 0
	    || getsockname(b->ls, (struct sockaddr *)&a, &al) != 0) {
		close(b->ls);
		b->ls = -1;
		return 0;
	}
	/* Fill the queue (backlog 0 holds one): later SYNs are dropped, never answered. */
	for (i = 0; i < 8; i++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (s < 0) {
			break;
		}
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0 && errno != EINPROGRESS) {
			close(s);
			break;
		}
		b->fds[b->nfds++] = s;
	}
	usleep(50 * 1000);
	b->port = ntohs(a.sin_port);
	return b->port;
}

void fake_blackhole_close(fake_blackhole *b)
{
	int i;

	for (i = 0; i < b->nfds; i++) {
		close(b->fds[i]);
	}
	b->nfds = 0;
	if (b->ls >= 0) {
		close(b->ls);
	}
	b->ls = -1;
}

/* ---- certificates ------------------------------------------------------------------------ */

static int sh(const fake_certs *c, const char *cmd)
{
	char full[2048];
	snprintf(full, sizeof(full), "cd %s && %s >/dev/null 2>&1", c->dir, cmd);
	return system(full) == 0;
}

static int write_file(const fake_certs *c, const char *name, const char *text)
{
	char p[160];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", c->dir, name);
	f = fopen(p, "w");
	if (!f) {
		return 0;
	}
	fputs(text, f);
	return fclose(f) == 0;
}

#define EC "ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

void fake_certs_make(fake_certs *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "/tmp/smtp-unit-tls-XXXXXX");
	if (!mkdtemp(c->dir)) {
		c->dir[0] = '\0';
		return;
	}
	snprintf(c->ca_pem, sizeof(c->ca_pem), "%s/ca.pem", c->dir);
	snprintf(c->srv_pem, sizeof(c->srv_pem), "%s/srv.pem", c->dir);
	snprintf(c->srv_key, sizeof(c->srv_key), "%s/srv.key", c->dir);
	snprintf(c->other_pem, sizeof(c->other_pem), "%s/other.pem", c->dir);
	snprintf(c->other_key, sizeof(c->other_key), "%s/other.key", c->dir);
	snprintf(c->self_pem, sizeof(c->self_pem), "%s/self.pem", c->dir);
	snprintf(c->self_key, sizeof(c->self_key), "%s/self.key", c->dir);
	snprintf(c->expired_pem, sizeof(c->expired_pem), "%s/expired.pem", c->dir);
	snprintf(c->expired_key, sizeof(c->expired_key), "%s/expired.key", c->dir);
	snprintf(c->purpose_pem, sizeof(c->purpose_pem), "%s/purpose.pem", c->dir);
	snprintf(c->purpose_key, sizeof(c->purpose_key), "%s/purpose.key", c->dir);
	c->ok = write_file(c, "srv.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n")
	        && write_file(c, "other.ext", "subjectAltName=DNS:other.example\n")
	        && write_file(c, "expired.ext", "subjectAltName=DNS:localhost\n")
	        && write_file(c, "purpose.ext", "subjectAltName=DNS:localhost\nextendedKeyUsage=clientAuth\n")
	        && write_file(c, "ca.cnf",
	                      "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\n"
	                      "default_md=sha256\npolicy=p\nunique_subject=no\n[p]\ncommonName=supplied\n")
	        && write_file(c, "index.txt", "") && write_file(c, "serial", "1000\n")
	        && sh(c, "openssl req -x509 -newkey " EC " -keyout ca.key -out ca.pem -days 2 -subj '/CN=smtp unit test CA' "
	                 "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign")
	        && sh(c, "openssl req -newkey " EC " -keyout srv.key -out srv.csr -subj '/CN=localhost'")
	        && sh(c, "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 "
	                 "-extfile srv.ext")
	        && sh(c, "openssl req -newkey " EC " -keyout other.key -out other.csr -subj '/CN=other.example'")
	        && sh(c, "openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out other.pem -days 2 "
	                 "-extfile other.ext")
	        && sh(c, "openssl req -x509 -newkey " EC " -keyout self.key -out self.pem -days 2 -subj '/CN=localhost' "
	                 "-addext subjectAltName=DNS:localhost")
	        && sh(c, "openssl req -newkey " EC " -keyout expired.key -out expired.csr -subj '/CN=localhost'")
	        && sh(c, "openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem "
	                 "-startdate 20200101000000Z -enddate 20200102000000Z -extfile expired.ext -notext")
	        && sh(c, "openssl req -newkey " EC " -keyout purpose.key -out purpose.csr -subj '/CN=localhost'")
	        && sh(c, "openssl x509 -req -in purpose.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out purpose.pem "
	                 "-days 2 -extfile purpose.ext");
}

void fake_certs_remove(fake_certs *c)
{
	char cmd[160];

	if (c->dir[0] && strncmp(c->dir, "/tmp/smtp-unit-tls-", 19) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
		if (system(cmd) != 0) {
			fprintf(stderr, "could not remove %s\n", c->dir);
		}
	}
	c->dir[0] = '\0';
}
