/* The old connection API (reply reading included) as a thin adapter over net.c and tls.c, kept
 * for session.c until the session moves onto net.h/tls.h directly; then this file goes. Pure C.
 *
 * Its names are the old ones for the files that include this header (session.c): they are macros
 * for the adapter's own symbols (smtp_tp_*), since net.h already has an smtp_conn, an
 * smtp_conn_open ... of its own. Include this header after any other wire header. */
#ifndef SMTP_CORE_TRANSPORT_H
#define SMTP_CORE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "clock.h"
#include "error.h"
#include "net.h" /* smtp_io_status, smtp_host_is_loopback */
#include "reply.h"

typedef struct smtp_tp_conn smtp_tp_conn;

/* Resolves host (name, IPv4, or IPv6 without brackets; within the deadline) and tries every
 * address in turn until one connects or the deadline passes. Sets TCP_NODELAY. On success *out
 * is the connection and its numeric address is available from smtp_conn_address(). A lookup the
 * DNS server did not answer is SMTP_IO_RESOLVE here ("cannot resolve x: the DNS server did not
 * answer within 2 s"), as getaddrinfo()'s EAI_AGAIN was. */
smtp_io_status smtp_tp_open(smtp_tp_conn **out, const char *host, int port, int64_t deadline, char *err, size_t errlen);

/* TLS handshake on the open connection: TLS 1.2 minimum, SNI = host (unless it is an IP
 * literal), when verify: chain checked against cafile (or the system store) and the host name
 * (or IP) checked against the certificate. The context is built for this connection. */
smtp_io_status smtp_tp_start_tls(smtp_tp_conn *c, const char *host, int verify, const char *cafile, int64_t deadline,
                                 char *err, size_t errlen);

/* Writes all of data (one or a few large writes; never split per line by us). */
smtp_io_status smtp_tp_write(smtp_tp_conn *c, const void *data, size_t len, int64_t deadline, char *err, size_t errlen);

/* Reads until one complete reply is buffered and parses it (reply.h); bytes after it stay
 * buffered for the next call. */
smtp_io_status smtp_tp_read_reply(smtp_tp_conn *c, smtp_reply *r, int64_t deadline, char *err, size_t errlen);

/* Bytes received and not yet consumed by a reply (used to reject data after STARTTLS's 220). */
size_t smtp_tp_pending(const smtp_tp_conn *c);

/* The raw bytes of the reply last returned by smtp_conn_read_reply (for the transcript);
 * *len = 0 before the first reply. Valid until the next read on the connection. */
const char *smtp_tp_last_reply_raw(const smtp_tp_conn *c, size_t *len);

/* The cause (error.h) of the last failure on this connection, SMTP_CAUSE_NONE before one. */
smtp_cause smtp_tp_last_cause(const smtp_tp_conn *c);

const char *smtp_tp_address(const smtp_tp_conn *c); /* numeric peer address */
/* Our end of the connection as an RFC 5321 address literal: "[192.0.2.1]" or "[IPv6:2001:db8::1]".
 * 0 on success, -1 when it cannot be had. */
int smtp_tp_local_literal(const smtp_tp_conn *c, char *out, size_t outlen);
int smtp_tp_is_tls(const smtp_tp_conn *c);
/* TLS details after smtp_conn_start_tls (empty strings / NULL before). */
const char *smtp_tp_tls_protocol(const smtp_tp_conn *c); /* "TLSv1.3" */
const char *smtp_tp_tls_cipher(const smtp_tp_conn *c);
char *smtp_tp_tls_peer_subject(const smtp_tp_conn *c); /* malloc'd one-line subject, or NULL */
int smtp_tp_tls_verified(const smtp_tp_conn *c);

/* Closes (TLS close_notify best effort, no waiting) and frees. NULL is fine. */
void smtp_tp_close(smtp_tp_conn *c);

/* The old names (transport.c itself defines SMTP_TRANSPORT_IMPL and uses net.h's). */
#ifndef SMTP_TRANSPORT_IMPL
#define smtp_conn                  smtp_tp_conn
#define smtp_conn_open             smtp_tp_open
#define smtp_conn_start_tls        smtp_tp_start_tls
#define smtp_conn_write            smtp_tp_write
#define smtp_conn_read_reply       smtp_tp_read_reply
#define smtp_conn_pending          smtp_tp_pending
#define smtp_conn_last_reply_raw   smtp_tp_last_reply_raw
#define smtp_conn_last_cause       smtp_tp_last_cause
#define smtp_conn_address          smtp_tp_address
#define smtp_conn_local_literal    smtp_tp_local_literal
#define smtp_conn_is_tls           smtp_tp_is_tls
#define smtp_conn_tls_protocol     smtp_tp_tls_protocol
#define smtp_conn_tls_cipher       smtp_tp_tls_cipher
#define smtp_conn_tls_peer_subject smtp_tp_tls_peer_subject
#define smtp_conn_tls_verified     smtp_tp_tls_verified
#define smtp_conn_close            smtp_tp_close
#endif

#endif
