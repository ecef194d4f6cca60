/* One connection: non-blocking TCP (IPv4/IPv6), name resolution with c-ares driven by poll() against
 * the absolute deadline, reads and writes through the connection's io table (plain here, TLS once
 * tls.c has installed its own). Pure C; no OpenSSL here.
 *
 * No call here can raise SIGPIPE: plain writes use send(MSG_NOSIGNAL) (SO_NOSIGPIPE where there is
 * no MSG_NOSIGNAL), and tls.c's BIO does the same.
 *
 * c-ares: ares_library_init() is process-wide and not thread-safe by itself; it is called once,
 * under pthread_once(), and never undone (ares_library_cleanup() would pull the library from under
 * another thread's lookup, or another extension's). On Linux and the BSDs it does nothing but count;
 * it matters on Windows only. Each lookup has its own channel (resolv.conf and /etc/hosts are read
 * for it), destroyed before the call returns: nothing outlives a request. */
#include "net.h"

#include "settings.h"
#include "buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <ares.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* BSD/macOS: SO_NOSIGPIPE is set on the socket instead */
#endif

/* Addresses tried per name at most: with a fair share of at least 1 s each, more would never be
 * reached within any sensible timeout. */
#define NET_MAX_ADDRS 16
/* A DNS name is at most 253 characters (255 octets on the wire). */
#define NET_MAX_NAME 253

struct smtp_conn {
	int fd;
	const smtp_io_ops *ops;
	void *io_ctx;
	int abandoned; /* closed without a word: the socket is shared with another process (fork) */
	char address[INET6_ADDRSTRLEN + 16];
};

void smtp_io_seterr(smtp_io_err *e, smtp_cause cause, const char *fmt, ...)
{
	va_list ap;

	if (!e) {
		return;
	}
	e->cause = cause;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
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

static int poll_ms(int64_t left)
{
	return left > INT_MAX ? INT_MAX : (left < 0 ? 0 : (int)left);
}

/* Waits until fd is ready for `events` or the deadline passes. POLLERR/POLLHUP count as ready:
 * the next I/O call reports what happened. */
static smtp_io_status wait_fd(int fd, short events, int64_t deadline, smtp_io_err *e)
{
	for (;;) {
		int64_t left = deadline - smtp_now_ms();
		struct pollfd p;
		int rc;

		if (left <= 0) {
			smtp_io_seterr(e, SMTP_CAUSE_TIMEOUT, "timed out");
			return SMTP_IO_TIMEOUT;
		}
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		if (events & POLLIN) {
			quick_ack(fd);
		}
		rc = poll(&p, 1, poll_ms(left));
		if (rc > 0) {
			return SMTP_IO_OK;
		}
		if (rc < 0 && errno != EINTR) {
			smtp_io_seterr(e, SMTP_CAUSE_IO, "poll failed: %s", strerror(errno));
			return SMTP_IO_ERROR;
		}
	}
}

smtp_io_status smtp_conn_wait(smtp_conn *c, short events, int64_t deadline, smtp_io_err *e)
{
	if (!c || c->fd < 0) {
		smtp_io_seterr(e, SMTP_CAUSE_NOT_OPEN, "not connected");
		return SMTP_IO_ERROR;
	}
	return wait_fd(c->fd, events, deadline, e);
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

/* ---- the plain io table ------------------------------------------------------------------ */

static ssize_t plain_read(smtp_conn *c, void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e)
{
	for (;;) {
		ssize_t got = recv(c->fd, p, n, 0);
		int eno;

		if (got > 0) {
			return got;
		}
		if (got == 0) {
			smtp_io_seterr(e, SMTP_CAUSE_CLOSED, "the server closed the connection");
			*st = SMTP_IO_CLOSED;
			return -1;
		}
		eno = errno;
		if (eno == EINTR) {
			continue;
		}
		if (eno == EAGAIN || eno == EWOULDBLOCK) {
			*want = POLLIN;
			return 0;
		}
		smtp_io_seterr(e, eno == ECONNRESET ? SMTP_CAUSE_CLOSED : SMTP_CAUSE_IO, "read failed: %s", strerror(eno));
		*st = eno == ECONNRESET ? SMTP_IO_CLOSED : SMTP_IO_ERROR;
		return -1;
	}
}

static ssize_t plain_write(smtp_conn *c, const void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e)
{
	for (;;) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		int eno;

		if (w > 0) {
			return w;
		}
		eno = w < 0 ? errno : EAGAIN;
		if (eno == EINTR) {
			continue;
		}
		if (eno == EAGAIN || eno == EWOULDBLOCK) {
			*want = POLLOUT;
			return 0;
		}
		if (eno == EPIPE || eno == ECONNRESET) {
			smtp_io_seterr(e, SMTP_CAUSE_CLOSED, "the server closed the connection (%s)", strerror(eno));
			*st = SMTP_IO_CLOSED;
			return -1;
		}
		smtp_io_seterr(e, SMTP_CAUSE_IO, "write failed: %s", strerror(eno));
		*st = SMTP_IO_ERROR;
		return -1;
	}
}

static size_t plain_buffered(smtp_conn *c)
{
	(void)c;
	return 0;
}

static void plain_close(smtp_conn *c)
{
	(void)c;
}

static const smtp_io_ops plain_ops = {plain_read, plain_write, plain_buffered, plain_close};

void smtp_conn_set_io(smtp_conn *c, const smtp_io_ops *ops, void *io_ctx)
{
	if (!c) {
		return;
	}
	c->ops = ops ? ops : &plain_ops;
	c->io_ctx = ops ? io_ctx : NULL;
}

const smtp_io_ops *smtp_conn_io(const smtp_conn *c)
{
	return c ? c->ops : NULL;
}

void *smtp_conn_io_ctx(const smtp_conn *c)
{
	return c ? c->io_ctx : NULL;
}

int smtp_conn_fd(const smtp_conn *c)
{
	return c ? c->fd : -1;
}

/* ---- name resolution (c-ares) ------------------------------------------------------------ */

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_rc = ARES_SUCCESS; /* written once, under ares_once */

static void ares_init_once(void)
{
	ares_init_rc = ares_library_init(ARES_LIB_INIT_ALL);
}

typedef struct {
	struct sockaddr_storage ss[NET_MAX_ADDRS];
	socklen_t len[NET_MAX_ADDRS];
	int n;
} addr_list;

/* The resolver's sockets and what it waits for on each, kept by its socket-state callback
 * (ARES_OPT_SOCK_STATE_CB: c-ares 1.34 deprecates ares_getsock(); the callback exists in every
 * version we build with, 1.18 on). c-ares opens one socket per server and protocol in use; more
 * than fit here is an error, not a silent omission. */
#define LOOKUP_MAX_SOCKS 16

typedef struct {
	int done;
	int status;
	struct ares_addrinfo *res;
	int nsocks;
	int overflow;
	struct pollfd socks[LOOKUP_MAX_SOCKS];
} lookup;

static void on_sock_state(void *arg, ares_socket_t fd, int readable, int writable)
{
	lookup *l = arg;
	short ev = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
	int i;

	for (i = 0; i < l->nsocks; i++) {
		if (l->socks[i].fd == (int)fd) {
			break;
		}
	}
	if (ev == 0) { /* closed, or nothing more to wait for on it */
		if (i < l->nsocks) {
			l->socks[i] = l->socks[--l->nsocks];
		}
		return;
	}
	if (i == l->nsocks) {
		if (l->nsocks == LOOKUP_MAX_SOCKS) {
			l->overflow = 1;
			return;
		}
		l->nsocks++;
	}
	l->socks[i].fd = (int)fd;
	l->socks[i].events = ev;
	l->socks[i].revents = 0;
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	lookup *l = arg;

	(void)timeouts;
	if (l->done) { /* cannot happen: one query, one answer */
		ares_freeaddrinfo(res);
		return;
	}
	l->done = 1;
	l->status = status;
	l->res = res;
}

static void add_addr(addr_list *out, const struct sockaddr *sa, socklen_t len, int port)
{
	if (out->n >= NET_MAX_ADDRS || len > (socklen_t)sizeof(out->ss[0])) {
		return;
	}
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in *in = (struct sockaddr_in *)&out->ss[out->n];
		memcpy(in, sa, sizeof(*in));
		in->sin_port = htons((uint16_t)port);
		out->len[out->n++] = sizeof(*in);
	} else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->ss[out->n];
		memcpy(in6, sa, sizeof(*in6));
		in6->sin6_port = htons((uint16_t)port);
		out->len[out->n++] = sizeof(*in6);
	}
}

/* Runs one ares_getaddrinfo() for name to its end or to the deadline. family: AF_UNSPEC or one.
 * On SMTP_IO_OK *res is the answer (ares_freeaddrinfo it). */
static smtp_io_status ares_lookup(const char *name, int flags, int64_t deadline, struct ares_addrinfo **res,
                                  smtp_io_err *e)
{
	struct ares_options opts;
	struct ares_addrinfo_hints hints;
	ares_channel ch;
	lookup l;
	int rc;
	int64_t t0 = smtp_now_ms();
	char secs[32];

	*res = NULL;
	(void)pthread_once(&ares_once, ares_init_once);
	if (ares_init_rc != ARES_SUCCESS) {
		smtp_io_seterr(e, SMTP_CAUSE_IO, "cannot resolve %s: the resolver cannot start: %s", name,
		               ares_strerror(ares_init_rc));
		return SMTP_IO_ERROR;
	}
	memset(&l, 0, sizeof(l));
	memset(&opts, 0, sizeof(opts));
	opts.lookups = (char *)"fb"; /* /etc/hosts first, then DNS */
	opts.sock_state_cb = on_sock_state;
	opts.sock_state_cb_data = &l;
	rc = ares_init_options(&ch, &opts, ARES_OPT_LOOKUPS | ARES_OPT_SOCK_STATE_CB);
	if (rc != ARES_SUCCESS) {
		smtp_io_seterr(e, rc == ARES_ENOMEM ? SMTP_CAUSE_NOMEM : SMTP_CAUSE_IO,
		               "cannot resolve %s: the resolver cannot start: %s", name, ares_strerror(rc));
		return SMTP_IO_ERROR;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = flags;
	ares_getaddrinfo(ch, name, NULL, &hints, on_addrinfo, &l); /* /etc/hosts answers at once */
	while (!l.done) {
		struct pollfd pf[LOOKUP_MAX_SOCKS];
		struct timeval maxtv, tv, *tvp;
		int64_t left = deadline - smtp_now_ms(), wait_ms;
		int i, np, prc;

		if (left <= 0 || l.overflow) {
			break;
		}
		/* a copy: ares_process_fd() below changes the set through the callback */
		np = l.nsocks;
		memcpy(pf, l.socks, sizeof(pf[0]) * (size_t)np);
		maxtv.tv_sec = (time_t)(left / 1000);
		maxtv.tv_usec = (suseconds_t)((left % 1000) * 1000);
		tvp = ares_timeout(ch, &maxtv, &tv);
		wait_ms = (int64_t)tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;
		if (wait_ms > left) {
			wait_ms = left;
		}
		prc = poll(pf, (nfds_t)np, poll_ms(wait_ms));
		if (prc < 0 && errno != EINTR) {
			int eno = errno;
			ares_destroy(ch);
			ares_freeaddrinfo(l.res);
			smtp_io_seterr(e, SMTP_CAUSE_IO, "cannot resolve %s: poll failed: %s", name, strerror(eno));
			return SMTP_IO_ERROR;
		}
		if (prc <= 0) {
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* c-ares's own timeouts, retries */
			continue;
		}
		for (i = 0; i < np; i++) {
			if (pf[i].revents) {
				ares_process_fd(ch, (pf[i].revents & (POLLIN | POLLERR | POLLHUP)) ? pf[i].fd : ARES_SOCKET_BAD,
				                (pf[i].revents & POLLOUT) ? pf[i].fd : ARES_SOCKET_BAD);
			}
		}
	}
	if (!l.done && l.overflow) {
		ares_destroy(ch);
		ares_freeaddrinfo(l.res);
		smtp_io_seterr(e, SMTP_CAUSE_IO, "cannot resolve %s: the resolver opened more than %d sockets", name,
		               LOOKUP_MAX_SOCKS);
		return SMTP_IO_ERROR;
	}
	if (!l.done) {
		ares_destroy(ch); /* the callback runs with ARES_EDESTRUCTION */
		ares_freeaddrinfo(l.res);
		smtp_fmt_secs(smtp_now_ms() - t0, secs, sizeof(secs));
		smtp_io_seterr(e, SMTP_CAUSE_DNS_TIMEOUT, "cannot resolve %s: the DNS server did not answer within %s s", name,
		               secs);
		return SMTP_IO_TIMEOUT;
	}
	ares_destroy(ch);
	switch (l.status) {
	case ARES_SUCCESS:
		if (l.res && l.res->nodes) {
			*res = l.res;
			return SMTP_IO_OK;
		}
		ares_freeaddrinfo(l.res);
		smtp_io_seterr(e, SMTP_CAUSE_RESOLVE, "cannot resolve %s: the name has no address", name);
		return SMTP_IO_RESOLVE;
	case ARES_ETIMEOUT:
		ares_freeaddrinfo(l.res);
		smtp_fmt_secs(smtp_now_ms() - t0, secs, sizeof(secs));
		smtp_io_seterr(e, SMTP_CAUSE_DNS_TIMEOUT, "cannot resolve %s: the DNS server did not answer within %s s", name,
		               secs);
		return SMTP_IO_TIMEOUT;
	case ARES_ENOMEM:
		ares_freeaddrinfo(l.res);
		smtp_io_seterr(e, SMTP_CAUSE_NOMEM, "cannot resolve %s: out of memory", name);
		return SMTP_IO_ERROR;
	case ARES_ECONNREFUSED: /* "Could not contact DNS servers": the resolver is unreachable */
	case ARES_ESERVFAIL:    /* the DNS server failed: usually for a while */
	case ARES_EREFUSED:
		ares_freeaddrinfo(l.res);
		smtp_io_seterr(e, SMTP_CAUSE_DNS_FAILURE, "cannot resolve %s: %s", name, ares_strerror(l.status));
		return SMTP_IO_RESOLVE;
	default:
		ares_freeaddrinfo(l.res);
		smtp_io_seterr(e, SMTP_CAUSE_RESOLVE, "cannot resolve %s: %s", name, ares_strerror(l.status));
		return SMTP_IO_RESOLVE;
	}
}

/* host's addresses in out (port set), address literals without a lookup. */
static smtp_io_status resolve(const char *host, int port, int64_t deadline, addr_list *out, smtp_io_err *e)
{
	struct ares_addrinfo *res = NULL;
	struct ares_addrinfo_node *node;
	smtp_io_status st;

	out->n = 0;
	{
		/* An address literal (IPv6 with a %scope too): libc parses it without a lookup. */
		struct addrinfo hints, *lit = NULL, *ai;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_protocol = IPPROTO_TCP;
		hints.ai_flags = AI_NUMERICHOST;
		if (getaddrinfo(host, NULL, &hints, &lit) == 0) {
			for (ai = lit; ai; ai = ai->ai_next) {
				add_addr(out, ai->ai_addr, ai->ai_addrlen, port);
			}
			freeaddrinfo(lit);
			if (out->n > 0) {
				return SMTP_IO_OK;
			}
		}
	}
	if (strlen(host) > NET_MAX_NAME) {
		smtp_io_seterr(e, SMTP_CAUSE_RESOLVE, "cannot resolve %.64s...: the name is longer than %d characters", host,
		               NET_MAX_NAME);
		return SMTP_IO_RESOLVE;
	}
	st = ares_lookup(host, 0, deadline, &res, e);
	if (st != SMTP_IO_OK) {
		return st;
	}
	for (node = res->nodes; node; node = node->ai_next) {
		if (node->ai_addr) {
			add_addr(out, node->ai_addr, node->ai_addrlen, port);
		}
	}
	ares_freeaddrinfo(res);
	if (out->n == 0) {
		smtp_io_seterr(e, SMTP_CAUSE_RESOLVE, "cannot resolve %s: the name has no address", host);
		return SMTP_IO_RESOLVE;
	}
	return SMTP_IO_OK;
}

int smtp_local_fqdn(int64_t deadline, char *out, size_t outlen)
{
	char name[256];
	struct ares_addrinfo *res = NULL;
	smtp_io_err e;

	if (!out || outlen == 0) {
		return -1;
	}
	out[0] = '\0';
	if (gethostname(name, sizeof(name)) != 0) {
		return -1;
	}
	name[sizeof(name) - 1] = '\0';
	if (!smtp_domain_valid(name)) {
		return -1;
	}
	if (ares_lookup(name, ARES_AI_CANONNAME, deadline, &res, &e) == SMTP_IO_OK) {
		const char *canon = res->name;
		if (canon && strchr(canon, '.') && smtp_domain_valid(canon) && strlen(canon) < outlen) {
			smtp_copy_str(out, outlen, canon);
			ares_freeaddrinfo(res);
			return 0;
		}
		ares_freeaddrinfo(res);
	}
	if (strlen(name) >= outlen) {
		return -1;
	}
	smtp_copy_str(out, outlen, name);
	return strchr(name, '.') ? 0 : -1;
}

/* ---- connect ------------------------------------------------------------------------------- */

static smtp_cause connect_cause(int eno, smtp_io_status st)
{
	if (st == SMTP_IO_TIMEOUT || eno == ETIMEDOUT) {
		return SMTP_CAUSE_TIMEOUT;
	}
	switch (eno) {
	case ECONNREFUSED:
		return SMTP_CAUSE_REFUSED;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
#ifdef EHOSTDOWN
	case EHOSTDOWN:
#endif
	case EADDRNOTAVAIL:
		return SMTP_CAUSE_UNREACHABLE;
	default:
		return SMTP_CAUSE_IO;
	}
}

/* Connects one address by the sub-deadline. Returns the socket, or -1 with status and errno set. */
static int connect_one(const struct sockaddr *sa, socklen_t salen, int64_t deadline, smtp_io_status *status, int *eno)
{
	int fd, flags, one = 1, so_err = 0;
	socklen_t sl = sizeof(so_err);

	*eno = 0;
	fd = socket(sa->sa_family, SOCK_STREAM, IPPROTO_TCP);
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
	if (connect(fd, sa, salen) != 0) {
		if (errno != EINPROGRESS && errno != EINTR) {
			*eno = errno;
			*status = (errno == ECONNREFUSED) ? SMTP_IO_REFUSED : SMTP_IO_ERROR;
			close(fd);
			return -1;
		}
		*status = wait_fd(fd, POLLOUT, deadline, NULL);
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

smtp_io_status smtp_conn_open(smtp_conn **out, const char *host, int port, int64_t deadline, smtp_io_err *e)
{
	addr_list addrs;
	char first_msg[160] = "", list[512] = "";
	int i, tried = 0, all_same = 1, any_timeout = 0, all_refused = 1, any_refused = 0, any_unreach = 0;
	smtp_cause first_cause = SMTP_CAUSE_NONE;
	smtp_io_status st;
	smtp_conn *c;

	*out = NULL;
	if (e) {
		e->address[0] = '\0';
	}
	if (!host || !*host) {
		smtp_io_seterr(e, SMTP_CAUSE_CONFIG, "no host name given");
		return SMTP_IO_RESOLVE;
	}
	if (port <= 0 || port > 65535) {
		smtp_io_seterr(e, SMTP_CAUSE_CONFIG, "invalid port %d", port);
		return SMTP_IO_ERROR;
	}
	st = resolve(host, port, deadline, &addrs, e);
	if (st != SMTP_IO_OK) {
		return st;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		smtp_io_seterr(e, SMTP_CAUSE_NOMEM, "out of memory");
		return SMTP_IO_ERROR;
	}
	c->fd = -1;
	c->ops = &plain_ops;
	/* Every address in turn. An address that is not the last one gets a fair share of the time
	 * left (smtp_share_deadline), so one black hole does not use up the whole budget; refusals
	 * cost nothing and move straight on. */
	for (i = 0; i < addrs.n; i++, tried++) {
		const struct sockaddr *sa = (const struct sockaddr *)&addrs.ss[i];
		char addr[sizeof(c->address)] = "?", msg[160];
		smtp_cause cause;
		int eno, fd;

		if (deadline - smtp_now_ms() <= 0) {
			any_timeout = 1;
			all_refused = 0;
			break;
		}
		if (getnameinfo(sa, addrs.len[i], addr, sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0) {
			snprintf(addr, sizeof(addr), "?");
		}
		fd = connect_one(sa, addrs.len[i], smtp_share_deadline(deadline, addrs.n - i), &st, &eno);
		if (fd >= 0) {
			c->fd = fd;
			memcpy(c->address, addr, sizeof(c->address));
			*out = c;
			return SMTP_IO_OK;
		}
		cause = connect_cause(eno, st);
		if (st == SMTP_IO_TIMEOUT) {
			any_timeout = 1;
			snprintf(msg, sizeof(msg), "timed out");
		} else {
			smtp_copy_str(msg, sizeof(msg), strerror(eno ? eno : EIO));
		}
		if (st != SMTP_IO_REFUSED) {
			all_refused = 0;
		} else {
			any_refused = 1;
		}
		if (cause == SMTP_CAUSE_UNREACHABLE) {
			any_unreach = 1;
		}
		if (tried == 0) {
			if (e) {
				smtp_copy_str(e->address, sizeof(e->address), addr);
			}
			smtp_copy_str(first_msg, sizeof(first_msg), msg);
			first_cause = cause;
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
	smtp_conn_close(c);
	if (tried == 0 || (any_timeout && deadline - smtp_now_ms() <= 0 && all_same)) {
		smtp_io_seterr(e, SMTP_CAUSE_TIMEOUT, "timed out");
		return SMTP_IO_TIMEOUT;
	}
	if (all_refused && tried == addrs.n) {
		smtp_io_seterr(e, SMTP_CAUSE_REFUSED, "%s", (tried == 1 || all_same) ? first_msg : list);
		return SMTP_IO_REFUSED;
	}
	if (any_timeout && deadline - smtp_now_ms() <= 0) {
		smtp_io_seterr(e, SMTP_CAUSE_TIMEOUT, "%s", (tried == 1 || all_same) ? first_msg : list);
		return SMTP_IO_TIMEOUT;
	}
	/* Mixed failures: the one that says most about the host (it exists and refuses, or it cannot be
	 * reached) names the cause. */
	smtp_io_seterr(e,
	               all_same      ? first_cause
	               : any_refused ? SMTP_CAUSE_REFUSED
	               : any_unreach ? SMTP_CAUSE_UNREACHABLE
	               : any_timeout ? SMTP_CAUSE_TIMEOUT
	                             : first_cause,
	               "%s", (tried == 1 || all_same) ? first_msg : list);
	return SMTP_IO_ERROR;
}

/* ---- which ports answer ---------------------------------------------------------------------- */

/* The state a finished connect attempt tells: errno 0 is a connection. */
static smtp_port_state probe_state(int eno)
{
	switch (connect_cause(eno, SMTP_IO_ERROR)) {
	case SMTP_CAUSE_REFUSED:
		return SMTP_PORT_REFUSED;
	case SMTP_CAUSE_UNREACHABLE:
		return SMTP_PORT_UNREACHABLE;
	case SMTP_CAUSE_TIMEOUT:
		return SMTP_PORT_TIMEOUT;
	default:
		return eno == 0 ? SMTP_PORT_OPEN : SMTP_PORT_UNREACHABLE;
	}
}

void smtp_net_probe_ports(const char *address, smtp_port_report *r, int64_t deadline)
{
	struct addrinfo hints, *ai = NULL;
	struct pollfd pf[SMTP_PORTS_MAX];
	int idx[SMTP_PORTS_MAX];
	int i, np = 0;

	for (i = 0; i < r->n; i++) {
		r->state[i] = SMTP_PORT_UNKNOWN;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICHOST; /* never a lookup: the address the connect tried */
	if (!address || !*address || getaddrinfo(address, NULL, &hints, &ai) != 0 || !ai) {
		return;
	}
	for (i = 0; i < r->n && i < SMTP_PORTS_MAX; i++) {
		addr_list one;
		int fd, flags;

		one.n = 0;
		add_addr(&one, ai->ai_addr, ai->ai_addrlen, r->port[i]);
		if (one.n != 1) {
			continue;
		}
		fd = socket(ai->ai_family, SOCK_STREAM, IPPROTO_TCP);
		if (fd < 0) {
			continue;
		}
		flags = fcntl(fd, F_GETFL, 0);
		if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
			close(fd);
			continue;
		}
		if (connect(fd, (const struct sockaddr *)&one.ss[0], one.len[0]) == 0) {
			r->state[i] = SMTP_PORT_OPEN;
			close(fd);
			continue;
		}
		if (errno != EINPROGRESS && errno != EINTR) {
			r->state[i] = probe_state(errno);
			close(fd);
			continue;
		}
		pf[np].fd = fd;
		pf[np].events = POLLOUT;
		pf[np].revents = 0;
		idx[np++] = i;
	}
	freeaddrinfo(ai);
	while (np > 0) {
		int64_t left = deadline - smtp_now_ms();
		int rc, k;

		if (left <= 0) {
			break;
		}
		rc = poll(pf, (nfds_t)np, poll_ms(left));
		if (rc < 0 && errno != EINTR) {
			break;
		}
		for (k = 0; rc > 0 && k < np; k++) {
			int so_err = 0;
			socklen_t sl = sizeof(so_err);
			if (!pf[k].revents) {
				continue;
			}
			if (getsockopt(pf[k].fd, SOL_SOCKET, SO_ERROR, &so_err, &sl) != 0) {
				so_err = errno;
			}
			r->state[idx[k]] = probe_state(so_err);
			close(pf[k].fd);
			pf[k] = pf[np - 1];
			idx[k] = idx[np - 1];
			np--;
			k--;
		}
	}
	for (i = 0; i < np; i++) {
		r->state[idx[i]] = SMTP_PORT_TIMEOUT; /* still waiting at the deadline: dropped on the way */
		close(pf[i].fd);
	}
}

/* ---- I/O ----------------------------------------------------------------------------------- */

smtp_io_status smtp_conn_write(smtp_conn *c, const void *p, size_t n, int64_t deadline, smtp_io_err *e)
{
	const char *q = p;
	size_t left = n;

	if (!c || c->fd < 0) {
		smtp_io_seterr(e, SMTP_CAUSE_NOT_OPEN, "not connected");
		return SMTP_IO_ERROR;
	}
	while (left > 0) {
		smtp_io_status st = SMTP_IO_ERROR;
		short want = POLLOUT;
		ssize_t w = c->ops->write(c, q, left, &want, &st, e);

		if (w > 0) {
			q += w;
			left -= (size_t)w;
			continue;
		}
		if (w < 0) {
			return st;
		}
		st = wait_fd(c->fd, want, deadline, e);
		if (st == SMTP_IO_TIMEOUT) {
			smtp_io_seterr(e, SMTP_CAUSE_TIMEOUT, "timed out while sending");
		}
		if (st != SMTP_IO_OK) {
			return st;
		}
	}
	return SMTP_IO_OK;
}

smtp_io_status smtp_conn_read(smtp_conn *c, void *p, size_t cap, size_t *got, int64_t deadline, smtp_io_err *e)
{
	*got = 0;
	if (!c || c->fd < 0) {
		smtp_io_seterr(e, SMTP_CAUSE_NOT_OPEN, "not connected");
		return SMTP_IO_ERROR;
	}
	if (cap == 0) {
		smtp_io_seterr(e, SMTP_CAUSE_IO, "no room to read into");
		return SMTP_IO_ERROR;
	}
	for (;;) {
		smtp_io_status st = SMTP_IO_ERROR;
		short want = POLLIN;
		ssize_t n = c->ops->read(c, p, cap, &want, &st, e);

		if (n > 0) {
			*got = (size_t)n;
			return SMTP_IO_OK;
		}
		if (n < 0) {
			return st;
		}
		st = wait_fd(c->fd, want, deadline, e);
		if (st == SMTP_IO_TIMEOUT) {
			smtp_io_seterr(e, SMTP_CAUSE_TIMEOUT, "timed out while receiving");
		}
		if (st != SMTP_IO_OK) {
			return st;
		}
	}
}

int smtp_conn_readable_now(smtp_conn *c)
{
	struct pollfd p;
	int rc;

	if (!c || c->fd < 0) {
		return 0;
	}
	if (c->ops->buffered(c) > 0) {
		return 1;
	}
	p.fd = c->fd;
	p.events = POLLIN;
	p.revents = 0;
	do {
		rc = poll(&p, 1, 0);
	} while (rc < 0 && errno == EINTR);
	return rc > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
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

void smtp_conn_abandon(smtp_conn *c)
{
	if (c) {
		c->abandoned = 1;
		smtp_conn_close(c);
	}
}

int smtp_conn_is_abandoned(const smtp_conn *c)
{
	return c && c->abandoned;
}

void smtp_conn_close(smtp_conn *c)
{
	if (!c) {
		return;
	}
	if (c->ops && c->ops->close) {
		c->ops->close(c); /* frees the io table's state */
	}
	c->ops = &plain_ops;
	c->io_ctx = NULL;
	if (c->fd >= 0) {
		close(c->fd);
	}
	free(c);
}
