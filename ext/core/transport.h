/* One connection: non-blocking TCP (IPv4/IPv6) and TLS with OpenSSL, every call bounded by
 * an absolute deadline. Pure C. */
#ifndef SMTP_CORE_TRANSPORT_H
#define SMTP_CORE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "clock.h"
#include "reply.h"

typedef struct smtp_conn smtp_conn;


typedef enum {
	SMTP_IO_OK = 0,
	SMTP_IO_TIMEOUT,  /* the deadline passed */
	SMTP_IO_CLOSED,   /* the peer closed the connection */
	SMTP_IO_ERROR,    /* system or TLS error (err says which) */
	SMTP_IO_PROTOCOL, /* a malformed reply (err quotes it) */
	SMTP_IO_REFUSED,  /* connect: every address refused */
	SMTP_IO_RESOLVE,  /* getaddrinfo failed */
	SMTP_IO_CERT      /* TLS: certificate not trusted or name mismatch (err says which) */
} smtp_io_status;

/* Resolves host (name, IPv4, or IPv6 without brackets) and tries every address in turn until
 * one connects or the deadline passes. Sets TCP_NODELAY. On success *out is the connection and
 * its numeric address is available from smtp_conn_address(). */
smtp_io_status smtp_conn_open(smtp_conn **out, const char *host, int port, int64_t deadline, char *err, size_t errlen);

/* TLS handshake on the open connection: TLS 1.2 minimum, SNI = host (unless it is an IP
 * literal), when verify: chain checked against cafile (or the system store) and the host name
 * (or IP) checked against the certificate. */
smtp_io_status smtp_conn_start_tls(smtp_conn *c, const char *host, int verify, const char *cafile, int64_t deadline,
                                   char *err, size_t errlen);

/* Writes all of data (one or a few large writes; never split per line by us). */
smtp_io_status smtp_conn_write(smtp_conn *c, const void *data, size_t len, int64_t deadline, char *err, size_t errlen);

/* Reads until one complete reply is buffered and parses it (reply.h); bytes after it stay
 * buffered for the next call. */
smtp_io_status smtp_conn_read_reply(smtp_conn *c, smtp_reply *r, int64_t deadline, char *err, size_t errlen);

/* Bytes received and not yet consumed by a reply (used to reject data after STARTTLS's 220). */
size_t smtp_conn_pending(const smtp_conn *c);

/* The raw bytes of the reply last returned by smtp_conn_read_reply (for the transcript);
 * *len = 0 before the first reply. Valid until the next read on the connection. */
const char *smtp_conn_last_reply_raw(const smtp_conn *c, size_t *len);

const char *smtp_conn_address(const smtp_conn *c); /* numeric peer address */
/* Our end of the connection as an RFC 5321 address literal: "[192.0.2.1]" or "[IPv6:2001:db8::1]".
 * 0 on success, -1 when it cannot be had. */
int smtp_conn_local_literal(const smtp_conn *c, char *out, size_t outlen);
int smtp_conn_is_tls(const smtp_conn *c);
/* TLS details after smtp_conn_start_tls (empty strings / NULL before). */
const char *smtp_conn_tls_protocol(const smtp_conn *c); /* "TLSv1.3" */
const char *smtp_conn_tls_cipher(const smtp_conn *c);
char *smtp_conn_tls_peer_subject(const smtp_conn *c); /* malloc'd one-line subject, or NULL */
int smtp_conn_tls_verified(const smtp_conn *c);

/* Closes (TLS close_notify best effort, no waiting) and frees. NULL is fine. */
void smtp_conn_close(smtp_conn *c);

/* Is this host name/IP a loopback address (localhost, 127.0.0.0/8, ::1)? */
int smtp_host_is_loopback(const char *host, const char *numeric_address);

#endif
