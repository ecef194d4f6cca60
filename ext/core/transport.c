/* One connection: non-blocking TCP (IPv4/IPv6) and TLS with OpenSSL, every call bounded by an
 * absolute deadline (smtp_now_ms() based, CLOCK_MONOTONIC). Pure C.
 *
 * No call here can raise SIGPIPE: plain writes use send(MSG_NOSIGNAL), and OpenSSL talks to the
 * socket through a small BIO of our own that does the same (OpenSSL's socket BIO uses write()). */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* BSD/macOS: SO_NOSIGPIPE is set on the socket instead */
#endif

/* One reply at its largest plus the start of the next: anything longer is refused by the parser
 * before the buffer fills up. */
#define CONN_INBUF (SMTP_REPLY_MAX_BYTES + SMTP_REPLY_MAX_LINE + 1)

/* The BIO type of our socket BIO (a source/sink, not a descriptor BIO, so OpenSSL never goes
 * around it to the file descriptor). */
#define SMTP_BIO_TYPE (BIO_TYPE_SOURCE_SINK | 0xE5)

struct smtp_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	BIO_METHOD *biom;
	int tls_up;    /* handshake completed */
	int tls_fatal; /* a fatal TLS error happened: no close_notify */
	int tls_verified;
	int sys_errno; /* last errno seen inside the BIO */
	char address[INET6_ADDRSTRLEN + 16];
	char tls_protocol[32];
	char tls_cipher[96];
	char *in; /* received, not yet consumed */
	size_t in_len;
	smtp_buf last_raw; /* the bytes of the last reply returned */
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}


/* Before waiting for a reply: acknowledge what arrives at once instead of after the delayed-ACK
 * timer (40 ms on Linux). A server whose socket has Nagle on (Postfix's smtpd does) holds a short
 * reply back until its previous segment is acknowledged, e.g. the TLS 1.3 session tickets sent just
 * before the 220 greeting on port 465: measured 48 ms per message without this, 4 ms with it.
 * Linux clears the flag by itself, hence setting it again before every wait. */
static void quick_ack(int fd)
{
#ifdef TCP_QUICKACK
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#else
	(void)fd;
#endif
}

/* Waits until fd is ready for `events` or the deadline passes. POLLERR/POLLHUP count as ready:
 * the next I/O call reports what happened. */
static smtp_io_status wait_fd(int fd, short events, int64_t deadline, char *err, size_t errlen)
{
	for (;;) {
		int64_t left = deadline - smtp_now_ms();
		struct pollfd p;
		int rc;

		if (left <= 0) {
			return SMTP_IO_TIMEOUT;
		}
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		if (events & POLLIN) {
			quick_ack(fd);
		}
		rc = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (rc > 0) {
			return SMTP_IO_OK;
		}
		if (rc < 0 && errno != EINTR) {
			seterr(err, errlen, "poll failed: %s", strerror(errno));
			return SMTP_IO_ERROR;
		}
	}
}

static int is_ip_literal(const char *host)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	return host && (inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1);
}

int smtp_host_is_loopback(const char *host, const char *numeric_address)
{
	const char *a = (numeric_address && *numeric_address) ? numeric_address : host;
	struct in_addr v4;
	struct in6_addr v6;

	if (!a || !*a) {
		return 0;
	}
	if (inet_pton(AF_INET, a, &v4) == 1) {
		return (ntohl(v4.s_addr) >> 24) == 127;
	}
	if (inet_pton(AF_INET6, a, &v6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&v6)) {
			return 1;
		}
		return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
	}
	if (a != host) {
		return 0; /* the connected address is what counts; it is not a loopback one */
	}
	/* No connection yet: judge the name. Only the exact name "localhost" (RFC 6761). */
	return strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0;
}

/* ---- our socket BIO ---------------------------------------------------------------------- */

static int bio_sock_write(BIO *b, const char *data, int len)
{
	smtp_conn *c = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (len <= 0) {
		return 0;
	}
	do {
		n = send(c->fd, data, (size_t)len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			BIO_set_retry_write(b);
		} else {
			c->sys_errno = errno;
		}
		return -1;
	}
	return (int)n;
}

static int bio_sock_read(BIO *b, char *data, int len)
{
	smtp_conn *c = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (len <= 0) {
		return 0;
	}
	do {
		n = recv(c->fd, data, (size_t)len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			BIO_set_retry_read(b);
		} else {
			c->sys_errno = errno;
		}
		return -1;
	}
	if (n == 0) {
		c->sys_errno = 0;
	}
	return (int)n;
}

static int bio_sock_puts(BIO *b, const char *s)
{
	size_t n = strlen(s);
	return bio_sock_write(b, s, n > INT_MAX ? INT_MAX : (int)n);
}

static long bio_sock_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1; /* send() does not buffer */
	default:
		return 0;
	}
}

static int bio_sock_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static int bio_sock_destroy(BIO *b)
{
	(void)b;
	return 1; /* the socket belongs to the smtp_conn */
}

static BIO_METHOD *bio_sock_method(void)
{
	BIO_METHOD *m = BIO_meth_new(SMTP_BIO_TYPE, "smtp socket");

	if (!m) {
		return NULL;
	}
	if (!BIO_meth_set_write(m, bio_sock_write) || !BIO_meth_set_read(m, bio_sock_read)
	    || !BIO_meth_set_puts(m, bio_sock_puts) || !BIO_meth_set_ctrl(m, bio_sock_ctrl)
	    || !BIO_meth_set_create(m, bio_sock_create) || !BIO_meth_set_destroy(m, bio_sock_destroy)) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

/* ---- connect ------------------------------------------------------------------------------- */

static smtp_conn *conn_new(void)
{
	smtp_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		return NULL;
	}
	c->fd = -1;
	c->in = malloc(CONN_INBUF);
	if (!c->in) {
		free(c);
		return NULL;
	}
	smtp_buf_init(&c->last_raw, 0);
	return c;
}

/* Connects one address by the sub-deadline. Returns the socket, or -1 with status and errno set. */
static int connect_one(const struct addrinfo *ai, int64_t deadline, smtp_io_status *status, int *eno)
{
	int fd, flags, one = 1, so_err = 0;
	socklen_t sl = sizeof(so_err);

	*eno = 0;
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0) {
		*eno = errno;
		*status = SMTP_IO_ERROR;
		return -1;
	}
	flags = fcntl(fd, F_GETFL, 0);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		*eno = errno;
		*status = SMTP_IO_ERROR;
		close(fd);
		return -1;
	}
#ifdef SO_NOSIGPIPE
	setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS && errno != EINTR) {
			*eno = errno;
			*status = (errno == ECONNREFUSED) ? SMTP_IO_REFUSED : SMTP_IO_ERROR;
			close(fd);
			return -1;
		}
		*status = wait_fd(fd, POLLOUT, deadline, NULL, 0);
		if (*status != SMTP_IO_OK) {
			*eno = (*status == SMTP_IO_TIMEOUT) ? ETIMEDOUT : errno;
			close(fd);
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_err, &sl) != 0) {
			so_err = errno;
		}
		if (so_err != 0) {
			*eno = so_err;
			*status = (so_err == ECONNREFUSED) ? SMTP_IO_REFUSED : SMTP_IO_ERROR;
			close(fd);
			return -1;
		}
	}
	/* Commands and the message leave in large writes; no Nagle delay on the last segment. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*status = SMTP_IO_OK;
	return fd;
}

smtp_io_status smtp_conn_open(smtp_conn **out, const char *host, int port, int64_t deadline, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16], first_msg[160] = "", list[512] = "";
	int rc, n = 0, tried = 0, all_same = 1, any_timeout = 0, all_refused = 1;
	smtp_conn *c;

	*out = NULL;
	if (!host || !*host) {
		seterr(err, errlen, "no host name given");
		return SMTP_IO_RESOLVE;
	}
	if (port <= 0 || port > 65535) {
		seterr(err, errlen, "invalid port %d", port);
		return SMTP_IO_ERROR;
	}
	snprintf(portstr, sizeof(portstr), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV | (is_ip_literal(host) ? AI_NUMERICHOST : 0);
	/* getaddrinfo() itself cannot be bounded portably; the deadline is checked right after. */
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		seterr(err, errlen, "cannot resolve %s: %s", host, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return SMTP_IO_RESOLVE;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		n++;
	}
	c = conn_new();
	if (!c) {
		freeaddrinfo(res);
		seterr(err, errlen, "out of memory");
		return SMTP_IO_ERROR;
	}
	/* Every address in turn. An address that is not the last one gets a fair share of the time
	 * left (at least 1 s, or everything when less is left), so one black hole does not use up
	 * the whole budget; refusals cost nothing and move straight on. */
	for (ai = res; ai; ai = ai->ai_next, tried++) {
		int64_t now = smtp_now_ms(), left = deadline - now, sub;
		smtp_io_status st;
		char addr[sizeof(c->address)] = "?", msg[160];
		int eno, fd;

		if (left <= 0) {
			any_timeout = 1;
			all_refused = 0;
			break;
		}
		sub = left;
		if (n - tried > 1) {
			sub = left / (n - tried);
			if (sub < 1000) {
				sub = left < 1000 ? left : 1000;
			}
		}
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0) {
			snprintf(addr, sizeof(addr), "?");
		}
		fd = connect_one(ai, now + sub, &st, &eno);
		if (fd >= 0) {
			c->fd = fd;
			memcpy(c->address, addr, sizeof(c->address));
			freeaddrinfo(res);
			*out = c;
			return SMTP_IO_OK;
		}
		if (st == SMTP_IO_TIMEOUT) {
			any_timeout = 1;
			snprintf(msg, sizeof(msg), "timed out");
		} else {
			smtp_copy_str(msg, sizeof(msg), strerror(eno ? eno : EIO));
		}
		if (st != SMTP_IO_REFUSED) {
			all_refused = 0;
		}
		if (tried == 0) {
			smtp_copy_str(first_msg, sizeof(first_msg), msg);
		} else if (strcmp(first_msg, msg) != 0) {
			all_same = 0;
		}
		{
			size_t l = strlen(list);
			if (l < sizeof(list) - 1) {
				snprintf(list + l, sizeof(list) - l, "%s%s: %s", l ? "; " : "", addr, msg);
			}
		}
	}
	freeaddrinfo(res);
	smtp_conn_close(c);
	if (tried == 0 || (any_timeout && deadline - smtp_now_ms() <= 0 && all_same)) {
		seterr(err, errlen, "timed out");
		return SMTP_IO_TIMEOUT;
	}
	if (tried == 1 || all_same) {
		seterr(err, errlen, "%s", first_msg);
	} else {
		seterr(err, errlen, "%s", list);
	}
	if (all_refused && tried == n) {
		return SMTP_IO_REFUSED;
	}
	return any_timeout && deadline - smtp_now_ms() <= 0 ? SMTP_IO_TIMEOUT : SMTP_IO_ERROR;
}

/* ---- TLS ------------------------------------------------------------------------------------- */

/* The reason of the last OpenSSL error ("wrong version number"), or NULL. */
static const char *ssl_reason(unsigned long e)
{
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	return r;
}

static void describe_cert_error(long vr, const char *host, char *err, size_t errlen)
{
	const char *why = X509_verify_cert_error_string(vr);

	switch (vr) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		seterr(err, errlen, "the server certificate is self-signed and not trusted (%s)", why);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		seterr(err, errlen, "the server certificate was issued by an unknown certificate authority (%s)", why);
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		seterr(err, errlen, "the server certificate is not valid for the name %s (%s)", host, why);
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		seterr(err, errlen, "the server certificate has expired (%s)", why);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		seterr(err, errlen, "the server certificate is not valid yet (%s)", why);
		break;
	default:
		seterr(err, errlen, "the server certificate could not be verified (%s)", why);
		break;
	}
}

/* Turns a failed SSL call into a status and a sentence. `what` names the operation. */
static smtp_io_status tls_failure(smtp_conn *c, int sslerr, const char *what, char *err, size_t errlen)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = ssl_reason(e);

	c->tls_fatal = 1;
	if (sslerr == SSL_ERROR_ZERO_RETURN) {
		seterr(err, errlen, "the server closed the TLS connection during the %s", what);
		ERR_clear_error();
		return SMTP_IO_CLOSED;
	}
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
	if (e && ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		seterr(err, errlen, "the server closed the connection during the %s", what);
		ERR_clear_error();
		return SMTP_IO_CLOSED;
	}
#endif
	if (sslerr == SSL_ERROR_SYSCALL && !e) {
		if (c->sys_errno) {
			seterr(err, errlen, "%s during the %s", strerror(c->sys_errno), what);
			ERR_clear_error();
			return (c->sys_errno == ECONNRESET || c->sys_errno == EPIPE) ? SMTP_IO_CLOSED : SMTP_IO_ERROR;
		}
		seterr(err, errlen, "the server closed the connection during the %s", what);
		ERR_clear_error();
		return SMTP_IO_CLOSED;
	}
	seterr(err, errlen, "%s error: %s", what, reason ? reason : "unknown error");
	ERR_clear_error();
	return SMTP_IO_ERROR;
}

smtp_io_status smtp_conn_start_tls(smtp_conn *c, const char *host, int verify, const char *cafile, int64_t deadline,
                                   char *err, size_t errlen)
{
	BIO *bio;
	int ip = is_ip_literal(host);

	if (!c || c->fd < 0) {
		seterr(err, errlen, "not connected");
		return SMTP_IO_ERROR;
	}
	if (c->ssl) {
		seterr(err, errlen, "TLS is already active");
		return SMTP_IO_ERROR;
	}
	if (c->in_len > 0) {
		/* Bytes received in plain text would be read as if they came over TLS. */
		seterr(err, errlen,
		       "the server sent %zu unexpected bytes before the TLS handshake "
		       "(possible response injection)",
		       c->in_len);
		return SMTP_IO_PROTOCOL;
	}
	{
		/* A server speaks first in TLS only after our ClientHello: bytes already waiting in the
		 * socket were sent in plain text after the 220 (injection in a separate segment). */
		struct pollfd p;
		char peek[1];
		p.fd = c->fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && recv(c->fd, peek, 1, MSG_PEEK) == 1) {
			seterr(err, errlen,
			       "the server sent unexpected bytes before the TLS handshake "
			       "(possible response injection)");
			return SMTP_IO_PROTOCOL;
		}
	}
	ERR_clear_error();
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx) {
		seterr(err, errlen, "cannot create a TLS context: %s",
		       ssl_reason(ERR_peek_last_error()) ? ssl_reason(ERR_peek_last_error()) : "unknown error");
		ERR_clear_error();
		return SMTP_IO_ERROR;
	}
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(c->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	if (verify) {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
		if (cafile && *cafile) {
			if (SSL_CTX_load_verify_locations(c->ctx, cafile, NULL) != 1) {
				const char *r = ssl_reason(ERR_peek_last_error());
				seterr(err, errlen, "cannot load the CA file %s (smtp.cafile): %s", cafile,
				       r ? r : "unreadable or not PEM");
				ERR_clear_error();
				return SMTP_IO_CERT;
			}
		} else if (SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
			seterr(err, errlen, "cannot load the system's certificate store");
			ERR_clear_error();
			return SMTP_IO_CERT;
		}
	} else {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	}
	c->ssl = SSL_new(c->ctx);
	c->biom = bio_sock_method();
	if (!c->ssl || !c->biom) {
		seterr(err, errlen, "cannot create a TLS session");
		ERR_clear_error();
		return SMTP_IO_ERROR;
	}
	if (!ip && host && *host) {
		SSL_set_tlsext_host_name(c->ssl, host); /* SNI: names only (RFC 6066 section 3) */
	}
	if (verify && host && *host) {
		X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
		int ok;
		if (ip) {
			ok = X509_VERIFY_PARAM_set1_ip_asc(param, host);
		} else {
			X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			ok = X509_VERIFY_PARAM_set1_host(param, host, 0);
		}
		if (ok != 1) {
			seterr(err, errlen, "cannot check the certificate against the name %s", host);
			ERR_clear_error();
			return SMTP_IO_ERROR;
		}
	}
	bio = BIO_new(c->biom);
	if (!bio) {
		seterr(err, errlen, "cannot create a TLS session");
		ERR_clear_error();
		return SMTP_IO_ERROR;
	}
	BIO_set_data(bio, c);
	SSL_set_bio(c->ssl, bio, bio);
	SSL_set_connect_state(c->ssl);

	for (;;) {
		int rc, e;
		smtp_io_status st;

		ERR_clear_error();
		c->sys_errno = 0;
		rc = SSL_connect(c->ssl);
		if (rc == 1) {
			break;
		}
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			st = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, err, errlen);
			if (st == SMTP_IO_TIMEOUT) {
				seterr(err, errlen, "the TLS handshake timed out");
				c->tls_fatal = 1;
				return st;
			}
			if (st != SMTP_IO_OK) {
				c->tls_fatal = 1;
				return st;
			}
			continue;
		}
		if (verify) {
			long vr = SSL_get_verify_result(c->ssl);
			if (vr != X509_V_OK) {
				c->tls_fatal = 1;
				describe_cert_error(vr, host ? host : "", err, errlen);
				ERR_clear_error();
				return SMTP_IO_CERT;
			}
		}
		return tls_failure(c, e, "TLS handshake", err, errlen);
	}
	c->tls_up = 1;
	c->tls_verified = verify && SSL_get_verify_result(c->ssl) == X509_V_OK;
	smtp_copy_str(c->tls_protocol, sizeof(c->tls_protocol), SSL_get_version(c->ssl));
	{
		const char *name = SSL_get_cipher_name(c->ssl);
		smtp_copy_str(c->tls_cipher, sizeof(c->tls_cipher), name ? name : "");
	}
	ERR_clear_error();
	return SMTP_IO_OK;
}

/* ---- I/O ----------------------------------------------------------------------------------- */

smtp_io_status smtp_conn_write(smtp_conn *c, const void *data, size_t len, int64_t deadline, char *err, size_t errlen)
{
	const char *p = data;
	size_t left = len;

	if (!c || c->fd < 0) {
		seterr(err, errlen, "not connected");
		return SMTP_IO_ERROR;
	}
	while (left > 0) {
		smtp_io_status st;
		short want = POLLOUT;

		if (c->ssl) {
			/* The same (p, chunk) is passed again after WANT_*, as OpenSSL requires. */
			size_t chunk = left > (1u << 20) ? (1u << 20) : left, w = 0;
			int rc, e;

			ERR_clear_error();
			c->sys_errno = 0;
			rc = SSL_write_ex(c->ssl, p, chunk, &w);
			if (rc == 1) {
				p += w;
				left -= w;
				continue;
			}
			e = SSL_get_error(c->ssl, rc);
			if (e == SSL_ERROR_WANT_READ) {
				want = POLLIN;
			} else if (e != SSL_ERROR_WANT_WRITE) {
				return tls_failure(c, e, "write", err, errlen);
			}
		} else {
			ssize_t n = send(c->fd, p, left, MSG_NOSIGNAL);
			if (n > 0) {
				p += n;
				left -= (size_t)n;
				continue;
			}
			if (n < 0 && errno == EINTR) {
				continue;
			}
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
				int eno = errno;
				if (eno == EPIPE || eno == ECONNRESET) {
					seterr(err, errlen, "the server closed the connection (%s)", strerror(eno));
					return SMTP_IO_CLOSED;
				}
				seterr(err, errlen, "write failed: %s", strerror(eno));
				return SMTP_IO_ERROR;
			}
		}
		st = wait_fd(c->fd, want, deadline, err, errlen);
		if (st == SMTP_IO_TIMEOUT) {
			seterr(err, errlen, "timed out while sending");
		}
		if (st != SMTP_IO_OK) {
			return st;
		}
	}
	return SMTP_IO_OK;
}

/* Reads what is available (waiting for at least one byte) into the input buffer. */
static smtp_io_status fill(smtp_conn *c, int64_t deadline, char *err, size_t errlen)
{
	size_t space = CONN_INBUF - c->in_len;

	if (space == 0) {
		seterr(err, errlen, "the server's reply is longer than %d bytes", SMTP_REPLY_MAX_BYTES);
		return SMTP_IO_PROTOCOL;
	}
	for (;;) {
		smtp_io_status st;
		short want = POLLIN;

		if (c->ssl) {
			size_t n = 0;
			int rc, e;

			ERR_clear_error();
			c->sys_errno = 0;
			rc = SSL_read_ex(c->ssl, c->in + c->in_len, space, &n);
			if (rc == 1) {
				c->in_len += n;
				return SMTP_IO_OK;
			}
			e = SSL_get_error(c->ssl, rc);
			if (e == SSL_ERROR_WANT_WRITE) {
				want = POLLOUT;
			} else if (e != SSL_ERROR_WANT_READ) {
				return tls_failure(c, e, "read", err, errlen);
			}
		} else {
			ssize_t n = recv(c->fd, c->in + c->in_len, space, 0);
			if (n > 0) {
				c->in_len += (size_t)n;
				return SMTP_IO_OK;
			}
			if (n == 0) {
				seterr(err, errlen, "the server closed the connection");
				return SMTP_IO_CLOSED;
			}
			if (errno == EINTR) {
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				int eno = errno;
				seterr(err, errlen, "read failed: %s", strerror(eno));
				return eno == ECONNRESET ? SMTP_IO_CLOSED : SMTP_IO_ERROR;
			}
		}
		st = wait_fd(c->fd, want, deadline, err, errlen);
		if (st != SMTP_IO_OK) {
			return st;
		}
	}
}

smtp_io_status smtp_conn_read_reply(smtp_conn *c, smtp_reply *r, int64_t deadline, char *err, size_t errlen)
{
	if (!c || c->fd < 0) {
		seterr(err, errlen, "not connected");
		return SMTP_IO_ERROR;
	}
	for (;;) {
		smtp_io_status st;

		if (c->in_len > 0) {
			size_t consumed = 0;
			char perr[160] = "";
			int rc = smtp_reply_parse(c->in, c->in_len, &consumed, r, perr, sizeof(perr));
			if (rc == 1) {
				if (consumed > c->in_len) {
					consumed = c->in_len;
				}
				smtp_buf_reset(&c->last_raw);
				smtp_buf_append(&c->last_raw, c->in, consumed);
				memmove(c->in, c->in + consumed, c->in_len - consumed);
				c->in_len -= consumed;
				return SMTP_IO_OK;
			}
			if (rc < 0) {
				seterr(err, errlen, "%s", perr[0] ? perr : "malformed reply");
				return SMTP_IO_PROTOCOL;
			}
		}
		st = fill(c, deadline, err, errlen);
		if (st == SMTP_IO_TIMEOUT) {
			seterr(err, errlen, c->in_len ? "timed out in the middle of a reply" : "timed out waiting for a reply");
		} else if (st == SMTP_IO_CLOSED && c->in_len > 0) {
			seterr(err, errlen, "the server closed the connection in the middle of a reply");
		}
		if (st != SMTP_IO_OK) {
			return st;
		}
	}
}

size_t smtp_conn_pending(const smtp_conn *c)
{
	return c ? c->in_len : 0;
}

const char *smtp_conn_last_reply_raw(const smtp_conn *c, size_t *len)
{
	if (!c || !c->last_raw.data) {
		*len = 0;
		return "";
	}
	*len = c->last_raw.len;
	return c->last_raw.data;
}

int smtp_conn_local_literal(const smtp_conn *c, char *out, size_t outlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char ip[INET6_ADDRSTRLEN];

	if (c == NULL || outlen == 0 || getsockname(c->fd, (struct sockaddr *)&ss, &len) != 0) {
		return -1;
	}
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
		if (!inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip))) {
			return -1;
		}
		return snprintf(out, outlen, "[%s]", ip) < (int)outlen ? 0 : -1;
	}
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			if (!inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], ip, sizeof(ip))) {
				return -1;
			}
			return snprintf(out, outlen, "[%s]", ip) < (int)outlen ? 0 : -1;
		}
		if (!inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip))) {
			return -1;
		}
		return snprintf(out, outlen, "[IPv6:%s]", ip) < (int)outlen ? 0 : -1;
	}
	return -1;
}

const char *smtp_conn_address(const smtp_conn *c)
{
	return c ? c->address : "";
}

int smtp_conn_is_tls(const smtp_conn *c)
{
	return c && c->tls_up;
}

const char *smtp_conn_tls_protocol(const smtp_conn *c)
{
	return c && c->tls_up ? c->tls_protocol : "";
}

const char *smtp_conn_tls_cipher(const smtp_conn *c)
{
	return c && c->tls_up ? c->tls_cipher : "";
}

char *smtp_conn_tls_peer_subject(const smtp_conn *c)
{
	X509 *cert;
	BIO *mem;
	char *out = NULL, *p = NULL;
	long n;

	if (!c || !c->tls_up) {
		return NULL;
	}
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	cert = SSL_get1_peer_certificate(c->ssl);
#else
	cert = SSL_get_peer_certificate(c->ssl);
#endif
	if (!cert) {
		return NULL;
	}
	mem = BIO_new(BIO_s_mem());
	if (mem && X509_NAME_print_ex(mem, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(mem, &p);
		if (n > 0 && p) {
			if (n > 1024) {
				n = 1024;
			}
			out = smtp_strndup(p, (size_t)n);
		}
	}
	BIO_free(mem);
	X509_free(cert);
	ERR_clear_error();
	return out;
}

int smtp_conn_tls_verified(const smtp_conn *c)
{
	return c && c->tls_up && c->tls_verified;
}

void smtp_conn_close(smtp_conn *c)
{
	if (!c) {
		return;
	}
	if (c->ssl) {
		if (c->tls_up && !c->tls_fatal) {
			SSL_shutdown(c->ssl); /* close_notify, best effort: the socket is non-blocking */
		}
		SSL_free(c->ssl); /* frees the BIO */
	}
	SSL_CTX_free(c->ctx);
	BIO_meth_free(c->biom);
	ERR_clear_error();
	if (c->fd >= 0) {
		close(c->fd);
	}
	free(c->in);
	smtp_buf_free(&c->last_raw);
	free(c);
}
