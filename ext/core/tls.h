/* TLS with OpenSSL over a net.c connection: contexts built once per (verify_peer, cafile) and kept
 * by the caller, and the handshake that installs TLS as the connection's io table. Pure C; the only
 * wire file besides net.c that knows OpenSSL. */
#ifndef SMTP_CORE_TLS_H
#define SMTP_CORE_TLS_H

#include "net.h"

/* An SSL_CTX with its settings: TLS 1.2 minimum, no compression or renegotiation, and when verify is
 * set, the CA file (or the system store) loaded once. */
typedef struct smtp_tls_ctx smtp_tls_ctx;

/* Contexts by (verify, cafile, the CA file's mtime and size): a cafile that changed is loaded again.
 * Belongs to the caller (the binding keeps one per process in its module globals); not thread-safe
 * (one per thread under ZTS). */
typedef struct smtp_tls_cache smtp_tls_cache;

smtp_tls_cache *smtp_tls_cache_new(void);
/* The context for these settings, built on first use. NULL with e set (SMTP_CAUSE_CAFILE,
 * SMTP_CAUSE_CA_STORE ...) when it cannot be built; a failed build is not cached. The pointer is
 * valid until the next smtp_tls_cache_get() or smtp_tls_cache_free() on this cache (a connection
 * whose handshake it served keeps what it needs). */
smtp_tls_ctx *smtp_tls_cache_get(smtp_tls_cache *cache, int verify, const char *cafile, smtp_io_err *e);
void smtp_tls_cache_free(smtp_tls_cache *cache);

/* The handshake on an open connection: SNI = host (unless an IP literal); when the context
 * verifies, the chain and the host name (or IP) are checked. Refuses (SMTP_IO_PROTOCOL,
 * SMTP_CAUSE_INJECTION) when bytes are already waiting on the socket. On failure the cause says why:
 * SMTP_CAUSE_CERT_SELF_SIGNED, _UNKNOWN_CA, _NAME, _DATES, _OTHER, SMTP_CAUSE_PLAIN_ON_TLS_PORT
 * (the server answered in plain text: "wrong version number" and kin), SMTP_CAUSE_TIMEOUT,
 * SMTP_CAUSE_CLOSED, SMTP_CAUSE_TLS_HANDSHAKE. On success the connection's reads and writes go
 * through TLS. */
smtp_io_status smtp_tls_start(smtp_conn *c, smtp_tls_ctx *ctx, const char *host, int64_t deadline, smtp_io_err *e);

/* The same, resuming a session the server gave an earlier connection to peer_id ("host:port", the name
 * the certificate is checked against) when the context keeps one, and keeping the session this
 * connection gets for the next one (a TLS 1.3 ticket arrives after the handshake, with the first
 * reply). A resumed handshake is one round trip and skips the certificate chain; the server may
 * refuse to resume and do a full one. peer_id NULL: no resumption. */
smtp_io_status smtp_tls_start_resumable(smtp_conn *c, smtp_tls_ctx *ctx, const char *host, const char *peer_id,
                                        int64_t deadline, smtp_io_err *e);
/* The handshake resumed a kept session. */
int smtp_tls_resumed(const smtp_conn *c);

int smtp_tls_active(const smtp_conn *c);
const char *smtp_tls_protocol(const smtp_conn *c); /* "TLSv1.3", "" before */
const char *smtp_tls_cipher(const smtp_conn *c);
char *smtp_tls_peer_subject(const smtp_conn *c); /* malloc'd one-line subject, or NULL */
int smtp_tls_verified(const smtp_conn *c);

#endif
