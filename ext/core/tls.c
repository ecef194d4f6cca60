/* TLS with OpenSSL over a net.c connection: the context cache, the handshake, and the io table that
 * replaces the plain one once the handshake is done. Pure C.
 *
 * No call here can raise SIGPIPE: OpenSSL talks to the socket through a small BIO of our own that
 * sends with MSG_NOSIGNAL (OpenSSL's socket BIO uses write()). */
#include "tls.h"
#include "buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* BSD/macOS: net.c sets SO_NOSIGPIPE on the socket instead */
#endif

/* The BIO type of our socket BIO (a source/sink, not a descriptor BIO, so OpenSSL never goes
 * around it to the file descriptor). */
#define SMTP_BIO_TYPE (BIO_TYPE_SOURCE_SINK | 0xE5)

/* Contexts kept per cache: one per (verify, cafile) in use; a process rarely has more than two. */
#define TLS_CACHE_MAX    8
#define TLS_SESSIONS_MAX 16 /* resumable sessions kept per context, by peer */
#define TLS_PEER_ID_MAX  300
/* The largest plaintext handed to one SSL_write_ex (the same (p, n) is passed again after WANT_*:
 * net.c passes what is left, and the cap is applied the same way each time). */
#define TLS_WRITE_CHUNK (1u << 20)

/* A session the server gave us (a TLS 1.3 ticket, or a TLS 1.2 session), to resume the next handshake
 * with the same peer: one round trip and no certificate chain to verify again. */
typedef struct {
	char id[TLS_PEER_ID_MAX]; /* "host:port" (the name the certificate was checked against) */
	SSL_SESSION *sess;
	unsigned long used; /* for eviction: a counter, not a clock */
} tls_resume;

struct smtp_tls_ctx {
	SSL_CTX *ctx;
	tls_resume sessions[TLS_SESSIONS_MAX];
	int nsessions;
	unsigned long tick;
	int verify;
	char *cafile; /* "" for the system store (or no verification) */
	int have_stat;
	dev_t dev;
	ino_t ino;
	time_t mtime;
	long mtime_ns;
	off_t size;
};

struct smtp_tls_cache {
	smtp_tls_ctx *items[TLS_CACHE_MAX];
	int n;
};

/* The io table's state (the connection's io_ctx while TLS is on). */
typedef struct {
	smtp_conn *conn;
	SSL *ssl;
	BIO_METHOD *biom;
	int fd;
	int fatal;     /* a fatal TLS error happened: no close_notify */
	int verify;    /* the context verified the peer */
	int verified;  /* ... and the verification passed */
	int sys_errno; /* last errno seen inside the BIO */
	char protocol[32];
	char cipher[96];
	int resumed;                   /* the handshake resumed a kept session */
	char peer_id[TLS_PEER_ID_MAX]; /* where a new session from the server is kept ("" : nowhere) */
} tls_state;

static const smtp_io_ops tls_ops;

static int is_ip_literal(const char *host)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	return host && (inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1);
}

/* The reason of an OpenSSL error ("wrong version number"), or NULL. */
static const char *ssl_reason(unsigned long e)
{
	return e ? ERR_reason_error_string(e) : NULL;
}

/* ---- the context cache ------------------------------------------------------------------- */

static void ctx_free(smtp_tls_ctx *t)
{
	int i;

	if (!t) {
		return;
	}
	for (i = 0; i < t->nsessions; i++) {
		SSL_SESSION_free(t->sessions[i].sess);
	}
	if (t->ctx) {
		SSL_CTX_set_app_data(t->ctx, NULL);
	}
	SSL_CTX_free(t->ctx);
	free(t->cafile);
	free(t);
}

static void ctx_stat(smtp_tls_ctx *t, const char *cafile)
{
	struct stat st;

	t->have_stat = 0;
	if (!cafile || !*cafile || stat(cafile, &st) != 0) {
		return;
	}
	t->have_stat = 1;
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	t->mtime = st.st_mtime;
#if defined(__APPLE__)
	t->mtime_ns = (long)st.st_mtimespec.tv_nsec;
#else
	t->mtime_ns = (long)st.st_mtim.tv_nsec;
#endif
	t->size = st.st_size;
}

static int ctx_same_file(const smtp_tls_ctx *a, const smtp_tls_ctx *b)
{
	if (a->have_stat != b->have_stat) {
		return 0;
	}
	return !a->have_stat
	       || (a->dev == b->dev && a->ino == b->ino && a->mtime == b->mtime && a->mtime_ns == b->mtime_ns
	           && a->size == b->size);
}

/* OpenSSL hands over a new session (during the handshake for TLS 1.2, in a ticket after it for
 * TLS 1.3): keep it for the peer, replacing the one kept before; the least recently kept makes room. */
static int new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	tls_state *s = SSL_get_app_data(ssl);
	/* through the SSL_CTX, whose reference the SSL holds: a kept connection may outlive the cache entry
	 * (ctx_free clears this pointer first), and a ticket may come late */
	smtp_tls_ctx *t = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	int i, slot = -1;

	if (!t || !s->peer_id[0] || !SSL_SESSION_is_resumable(sess)) {
		return 0; /* not kept: OpenSSL frees it */
	}
	for (i = 0; i < t->nsessions; i++) {
		if (strcmp(t->sessions[i].id, s->peer_id) == 0) {
			slot = i;
			break;
		}
	}
	if (slot < 0 && t->nsessions < TLS_SESSIONS_MAX) {
		slot = t->nsessions++;
		t->sessions[slot].sess = NULL;
	} else if (slot < 0) {
		slot = 0;
		for (i = 1; i < t->nsessions; i++) {
			if (t->sessions[i].used < t->sessions[slot].used) {
				slot = i;
			}
		}
	}
	SSL_SESSION_free(t->sessions[slot].sess);
	smtp_copy_str(t->sessions[slot].id, sizeof(t->sessions[slot].id), s->peer_id);
	t->sessions[slot].sess = sess;
	t->sessions[slot].used = ++t->tick;
	return 1; /* ours now */
}

static SSL_SESSION *kept_session(smtp_tls_ctx *t, const char *id)
{
	int i;

	for (i = 0; id && *id && i < t->nsessions; i++) {
		if (strcmp(t->sessions[i].id, id) == 0) {
			t->sessions[i].used = ++t->tick;
			return t->sessions[i].sess;
		}
	}
	return NULL;
}

static smtp_tls_ctx *ctx_build(int verify, const char *cafile, const smtp_tls_ctx *probe, smtp_io_err *e)
{
	smtp_tls_ctx *t = calloc(1, sizeof(*t));

	if (!t || !(t->cafile = smtp_strdup(cafile))) {
		free(t);
		smtp_io_seterr(e, SMTP_CAUSE_NOMEM, "out of memory");
		return NULL;
	}
	t->verify = verify;
	t->have_stat = probe->have_stat;
	t->dev = probe->dev;
	t->ino = probe->ino;
	t->mtime = probe->mtime;
	t->mtime_ns = probe->mtime_ns;
	t->size = probe->size;
	ERR_clear_error();
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx) {
		const char *r = ssl_reason(ERR_peek_last_error());
		smtp_io_seterr(e, SMTP_CAUSE_TLS_HANDSHAKE, "cannot create a TLS context: %s", r ? r : "unknown error");
		ERR_clear_error();
		ctx_free(t);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	/* client-side session cache of our own (new_session_cb), by peer */
	SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(t->ctx, new_session_cb);
	SSL_CTX_set_app_data(t->ctx, t);
	if (verify) {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
		if (*cafile) {
			if (SSL_CTX_load_verify_locations(t->ctx, cafile, NULL) != 1) {
				const char *r = ssl_reason(ERR_peek_last_error());
				smtp_io_seterr(e, SMTP_CAUSE_CAFILE, "cannot load the CA file %s (smtp.cafile): %s", cafile,
				               r ? r : "unreadable or not PEM");
				ERR_clear_error();
				ctx_free(t);
				return NULL;
			}
		} else if (SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
			smtp_io_seterr(e, SMTP_CAUSE_CA_STORE, "cannot load the system's certificate store");
			ERR_clear_error();
			ctx_free(t);
			return NULL;
		}
	} else {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	}
	ERR_clear_error();
	return t;
}

smtp_tls_cache *smtp_tls_cache_new(void)
{
	return calloc(1, sizeof(smtp_tls_cache));
}

smtp_tls_ctx *smtp_tls_cache_get(smtp_tls_cache *cache, int verify, const char *cafile, smtp_io_err *e)
{
	smtp_tls_ctx probe, *t;
	int i;

	if (!cache) {
		smtp_io_seterr(e, SMTP_CAUSE_NOMEM, "no TLS context cache");
		return NULL;
	}
	verify = verify ? 1 : 0;
	if (!verify || !cafile) {
		cafile = ""; /* without verification no CA is loaded; without a file, the system store */
	}
	memset(&probe, 0, sizeof(probe));
	ctx_stat(&probe, cafile);
	for (i = 0; i < cache->n; i++) {
		t = cache->items[i];
		if (t->verify != verify || strcmp(t->cafile, cafile) != 0) {
			continue;
		}
		if (ctx_same_file(t, &probe)) {
			return t;
		}
		/* the file changed (or went away): load it again */
		ctx_free(t);
		memmove(&cache->items[i], &cache->items[i + 1], (size_t)(cache->n - i - 1) * sizeof(cache->items[0]));
		cache->n--;
		break;
	}
	t = ctx_build(verify, cafile, &probe, e);
	if (!t) {
		return NULL; /* not cached: the next call tries again */
	}
	if (cache->n == TLS_CACHE_MAX) {
		ctx_free(cache->items[0]); /* the oldest */
		memmove(&cache->items[0], &cache->items[1], (size_t)(cache->n - 1) * sizeof(cache->items[0]));
		cache->n--;
	}
	cache->items[cache->n++] = t;
	return t;
}

void smtp_tls_cache_free(smtp_tls_cache *cache)
{
	int i;

	if (!cache) {
		return;
	}
	for (i = 0; i < cache->n; i++) {
		ctx_free(cache->items[i]);
	}
	free(cache);
}

/* ---- our socket BIO ---------------------------------------------------------------------- */

static int bio_sock_write(BIO *b, const char *data, int len)
{
	tls_state *s = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (len <= 0) {
		return 0;
	}
	do {
		n = send(s->fd, data, (size_t)len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			BIO_set_retry_write(b);
		} else {
			s->sys_errno = errno;
		}
		return -1;
	}
	return (int)n;
}

static int bio_sock_read(BIO *b, char *data, int len)
{
	tls_state *s = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	if (len <= 0) {
		return 0;
	}
	do {
		n = recv(s->fd, data, (size_t)len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			BIO_set_retry_read(b);
		} else {
			s->sys_errno = errno;
		}
		return -1;
	}
	if (n == 0) {
		s->sys_errno = 0;
	}
	return (int)n;
}

static int bio_sock_puts(BIO *b, const char *str)
{
	size_t n = strlen(str);
	return bio_sock_write(b, str, n > INT_MAX ? INT_MAX : (int)n);
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

/* ---- failures ------------------------------------------------------------------------------ */

static void describe_cert_error(long vr, const char *host, smtp_io_err *e)
{
	const char *why = X509_verify_cert_error_string(vr);

	switch (vr) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		smtp_io_seterr(e, SMTP_CAUSE_CERT_SELF_SIGNED, "the server certificate is self-signed and not trusted (%s)",
		               why);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		smtp_io_seterr(e, SMTP_CAUSE_CERT_UNKNOWN_CA,
		               "the server certificate was issued by an unknown certificate authority (%s)", why);
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		smtp_io_seterr(e, SMTP_CAUSE_CERT_NAME, "the server certificate is not valid for the name %s (%s)", host, why);
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		smtp_io_seterr(e, SMTP_CAUSE_CERT_DATES, "the server certificate has expired (%s)", why);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		smtp_io_seterr(e, SMTP_CAUSE_CERT_DATES, "the server certificate is not valid yet (%s)", why);
		break;
	default:
		smtp_io_seterr(e, SMTP_CAUSE_CERT_OTHER, "the server certificate could not be verified (%s)", why);
		break;
	}
}

/* What OpenSSL says when the server answers a ClientHello in plain text (an SMTP greeting). */
static int plain_text_reason(unsigned long e)
{
	const char *r = ssl_reason(e);

	if (!r) {
		return 0;
	}
	return strstr(r, "wrong version number") || strstr(r, "packet length too long") || strstr(r, "record layer failure")
	       || strstr(r, "unknown protocol");
}

/* Turns a failed SSL call into a status and a sentence. `what` names the operation. */
static smtp_io_status tls_failure(tls_state *s, int sslerr, const char *what, int handshake, smtp_io_err *e)
{
	unsigned long err = ERR_peek_last_error();
	const char *reason = ssl_reason(err);

	s->fatal = 1;
	if (sslerr == SSL_ERROR_ZERO_RETURN) {
		smtp_io_seterr(e, SMTP_CAUSE_CLOSED, "the server closed the TLS connection during the %s", what);
		ERR_clear_error();
		return SMTP_IO_CLOSED;
	}
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
	if (err && ERR_GET_LIB(err) == ERR_LIB_SSL && ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		smtp_io_seterr(e, SMTP_CAUSE_CLOSED, "the server closed the connection during the %s", what);
		ERR_clear_error();
		return SMTP_IO_CLOSED;
	}
#endif
	if (sslerr == SSL_ERROR_SYSCALL && !err) {
		if (s->sys_errno) {
			int closed = s->sys_errno == ECONNRESET || s->sys_errno == EPIPE;
			smtp_io_seterr(e, closed ? SMTP_CAUSE_CLOSED : SMTP_CAUSE_IO, "%s during the %s", strerror(s->sys_errno),
			               what);
			ERR_clear_error();
			return closed ? SMTP_IO_CLOSED : SMTP_IO_ERROR;
		}
		smtp_io_seterr(e, SMTP_CAUSE_CLOSED, "the server closed the connection during the %s", what);
		ERR_clear_error();
		return SMTP_IO_CLOSED;
	}
	smtp_io_seterr(e,
	               !handshake               ? SMTP_CAUSE_IO
	               : plain_text_reason(err) ? SMTP_CAUSE_PLAIN_ON_TLS_PORT
	                                        : SMTP_CAUSE_TLS_HANDSHAKE,
	               "%s error: %s", what, reason ? reason : "unknown error");
	ERR_clear_error();
	return SMTP_IO_ERROR;
}

/* ---- the TLS io table -------------------------------------------------------------------- */

static void state_free(tls_state *s)
{
	if (!s) {
		return;
	}
	SSL_free(s->ssl); /* frees the BIO */
	BIO_meth_free(s->biom);
	ERR_clear_error();
	free(s);
}

/* The outcome of one SSL_read_ex/SSL_write_ex: bytes moved, 0 with *want for "try again when ready",
 * or -1 with the failure. */
static ssize_t tls_io_result(tls_state *s, int rc, size_t done, const char *what, short *want, smtp_io_status *st,
                             smtp_io_err *e)
{
	int err;

	if (rc == 1) {
		return (ssize_t)done;
	}
	err = SSL_get_error(s->ssl, rc);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		*want = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return 0;
	}
	*st = tls_failure(s, err, what, 0, e);
	return -1;
}

static ssize_t tls_read(smtp_conn *c, void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e)
{
	tls_state *s = smtp_conn_io_ctx(c);
	size_t got = 0;
	int rc;

	ERR_clear_error();
	s->sys_errno = 0;
	rc = SSL_read_ex(s->ssl, p, n, &got);
	return tls_io_result(s, rc, got, "read", want, st, e);
}

static ssize_t tls_write(smtp_conn *c, const void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e)
{
	tls_state *s = smtp_conn_io_ctx(c);
	size_t chunk = n > TLS_WRITE_CHUNK ? TLS_WRITE_CHUNK : n, w = 0;
	int rc;

	ERR_clear_error();
	s->sys_errno = 0;
	rc = SSL_write_ex(s->ssl, p, chunk, &w);
	return tls_io_result(s, rc, w, "write", want, st, e);
}

static size_t tls_buffered(smtp_conn *c)
{
	tls_state *s = smtp_conn_io_ctx(c);
	int n = s ? SSL_pending(s->ssl) : 0;

	return n > 0 ? (size_t)n : 0;
}

static void tls_close(smtp_conn *c)
{
	tls_state *s = smtp_conn_io_ctx(c);

	if (!s) {
		return;
	}
	if (!s->fatal && !smtp_conn_is_abandoned(c)) {
		SSL_shutdown(s->ssl); /* close_notify, best effort: the socket is non-blocking */
	}
	state_free(s);
	smtp_conn_set_io(c, NULL, NULL);
}

static const smtp_io_ops tls_ops = {tls_read, tls_write, tls_buffered, tls_close};

static tls_state *tls_of(const smtp_conn *c)
{
	return smtp_conn_io(c) == &tls_ops ? smtp_conn_io_ctx(c) : NULL;
}

/* ---- the handshake ------------------------------------------------------------------------- */

smtp_io_status smtp_tls_start(smtp_conn *c, smtp_tls_ctx *ctx, const char *host, int64_t deadline, smtp_io_err *e)
{
	return smtp_tls_start_resumable(c, ctx, host, NULL, deadline, e);
}

smtp_io_status smtp_tls_start_resumable(smtp_conn *c, smtp_tls_ctx *ctx, const char *host, const char *peer_id,
                                        int64_t deadline, smtp_io_err *e)
{
	int fd = smtp_conn_fd(c), ip = is_ip_literal(host);
	tls_state *s;
	BIO *bio;

	if (!c || fd < 0) {
		smtp_io_seterr(e, SMTP_CAUSE_NOT_OPEN, "not connected");
		return SMTP_IO_ERROR;
	}
	if (tls_of(c)) {
		smtp_io_seterr(e, SMTP_CAUSE_TLS_HANDSHAKE, "TLS is already active");
		return SMTP_IO_ERROR;
	}
	if (!ctx || !ctx->ctx) {
		smtp_io_seterr(e, SMTP_CAUSE_TLS_HANDSHAKE, "no TLS context");
		return SMTP_IO_ERROR;
	}
	{
		/* A server speaks first in TLS only after our ClientHello: bytes already waiting in the
		 * socket were sent in plain text after the 220 (injection in a separate segment). */
		struct pollfd p;
		char peek[1];
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && recv(fd, peek, 1, MSG_PEEK) == 1) {
			smtp_io_seterr(e, SMTP_CAUSE_INJECTION,
			               "the server sent unexpected bytes before the TLS handshake "
			               "(possible response injection)");
			return SMTP_IO_PROTOCOL;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		smtp_io_seterr(e, SMTP_CAUSE_NOMEM, "out of memory");
		return SMTP_IO_ERROR;
	}
	s->conn = c;
	s->fd = fd;
	s->verify = ctx->verify;
	ERR_clear_error();
	s->ssl = SSL_new(ctx->ctx);
	s->biom = bio_sock_method();
	if (!s->ssl || !s->biom) {
		smtp_io_seterr(e, SMTP_CAUSE_TLS_HANDSHAKE, "cannot create a TLS session");
		state_free(s);
		return SMTP_IO_ERROR;
	}
	if (!ip && host && *host) {
		SSL_set_tlsext_host_name(s->ssl, host); /* SNI: names only (RFC 6066 section 3) */
	}
	if (s->verify && host && *host) {
		X509_VERIFY_PARAM *param = SSL_get0_param(s->ssl);
		int ok;
		if (ip) {
			ok = X509_VERIFY_PARAM_set1_ip_asc(param, host);
		} else {
			X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			ok = X509_VERIFY_PARAM_set1_host(param, host, 0);
		}
		if (ok != 1) {
			smtp_io_seterr(e, SMTP_CAUSE_TLS_HANDSHAKE, "cannot check the certificate against the name %s", host);
			state_free(s);
			return SMTP_IO_ERROR;
		}
	}
	bio = BIO_new(s->biom);
	if (!bio) {
		smtp_io_seterr(e, SMTP_CAUSE_TLS_HANDSHAKE, "cannot create a TLS session");
		state_free(s);
		return SMTP_IO_ERROR;
	}
	BIO_set_data(bio, s);
	SSL_set_bio(s->ssl, bio, bio);
	SSL_set_connect_state(s->ssl);
	smtp_copy_str(s->peer_id, sizeof(s->peer_id), peer_id);
	SSL_set_app_data(s->ssl, s);
	{
		SSL_SESSION *kept = kept_session(ctx, peer_id);
		if (kept) {
			SSL_set_session(s->ssl, kept); /* offered; the server may still want a full handshake */
		}
	}

	for (;;) {
		int rc, err;
		smtp_io_status st;

		ERR_clear_error();
		s->sys_errno = 0;
		rc = SSL_connect(s->ssl);
		if (rc == 1) {
			break;
		}
		err = SSL_get_error(s->ssl, rc);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			st = smtp_conn_wait(c, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, e);
			if (st == SMTP_IO_TIMEOUT) {
				smtp_io_seterr(e, SMTP_CAUSE_TIMEOUT, "the TLS handshake timed out");
			}
			if (st != SMTP_IO_OK) {
				state_free(s);
				return st;
			}
			continue;
		}
		if (s->verify) {
			long vr = SSL_get_verify_result(s->ssl);
			if (vr != X509_V_OK) {
				describe_cert_error(vr, host ? host : "", e);
				state_free(s);
				return SMTP_IO_CERT;
			}
		}
		st = tls_failure(s, err, "TLS handshake", 1, e);
		state_free(s);
		return st;
	}
	s->verified = s->verify && SSL_get_verify_result(s->ssl) == X509_V_OK;
	s->resumed = SSL_session_reused(s->ssl);
	smtp_copy_str(s->protocol, sizeof(s->protocol), SSL_get_version(s->ssl));
	{
		const char *name = SSL_get_cipher_name(s->ssl);
		smtp_copy_str(s->cipher, sizeof(s->cipher), name ? name : "");
	}
	ERR_clear_error();
	smtp_conn_set_io(c, &tls_ops, s);
	return SMTP_IO_OK;
}

/* ---- details ------------------------------------------------------------------------------- */

int smtp_tls_resumed(const smtp_conn *c)
{
	tls_state *s = tls_of(c);
	return s && s->resumed;
}

int smtp_tls_active(const smtp_conn *c)
{
	return tls_of(c) != NULL;
}

const char *smtp_tls_protocol(const smtp_conn *c)
{
	tls_state *s = tls_of(c);
	return s ? s->protocol : "";
}

const char *smtp_tls_cipher(const smtp_conn *c)
{
	tls_state *s = tls_of(c);
	return s ? s->cipher : "";
}

char *smtp_tls_peer_subject(const smtp_conn *c)
{
	tls_state *s = tls_of(c);
	X509 *cert;
	BIO *mem;
	char *out = NULL, *p = NULL;
	long n;

	if (!s) {
		return NULL;
	}
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	cert = SSL_get1_peer_certificate(s->ssl);
#else
	cert = SSL_get_peer_certificate(s->ssl);
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

int smtp_tls_verified(const smtp_conn *c)
{
	tls_state *s = tls_of(c);
	return s && s->verified;
}
