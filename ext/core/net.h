/* One connection: non-blocking TCP (IPv4/IPv6), name resolution bounded by the deadline, every call
 * bounded by an absolute deadline (clock.h). Bytes only: no SMTP, no OpenSSL here. TLS (tls.c)
 * replaces the connection's io table after its handshake. Pure C. */
#ifndef SMTP_CORE_NET_H
#define SMTP_CORE_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "clock.h"
#include "error.h"

typedef struct smtp_conn smtp_conn;

typedef enum {
	SMTP_IO_OK = 0,
	SMTP_IO_TIMEOUT,  /* the deadline passed */
	SMTP_IO_CLOSED,   /* the peer closed or reset the connection */
	SMTP_IO_ERROR,    /* system or TLS error (the sentence says which) */
	SMTP_IO_PROTOCOL, /* bytes that must not be there (before a TLS handshake) */
	SMTP_IO_REFUSED,  /* connect: every address refused */
	SMTP_IO_RESOLVE,  /* the name does not resolve */
	SMTP_IO_CERT      /* TLS: certificate not trusted or not for this name */
} smtp_io_status;

/* What went wrong in the last failing call: one sentence without a final period (the caller adds
 * its context, "SMTP connect to x:587 failed: <text>"), and the cause (error.h). */
typedef struct {
	smtp_cause cause;
	char text[512];
	char address[64]; /* smtp_conn_open: the numeric address it tried first ("" when none) */
} smtp_io_err;

/* The transport under a connection: plain send()/recv() at first, TLS after tls.c's handshake.
 * read/write return bytes moved (> 0), 0 for "would block" with *want set to POLLIN or POLLOUT,
 * or -1 with e filled (cause, sentence) and the status in *st. */
typedef struct {
	ssize_t (*read)(smtp_conn *c, void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e);
	ssize_t (*write)(smtp_conn *c, const void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e);
	size_t (*buffered)(smtp_conn *c); /* bytes decrypted and not yet read (TLS) */
	void (*close)(smtp_conn *c);      /* before the socket is closed (close_notify) */
} smtp_io_ops;

/* Resolves host (a name, an IPv4 literal, or an IPv6 literal without brackets) within the deadline
 * (c-ares: /etc/hosts, then DNS as resolv.conf says; an unanswered lookup ends at the deadline with
 * SMTP_IO_TIMEOUT / SMTP_CAUSE_TIMEOUT) and tries every address in turn until one connects: an
 * address that is not the last gets a fair share of the time left (smtp_share_deadline). Sets
 * TCP_NODELAY, O_NONBLOCK, FD_CLOEXEC; never raises SIGPIPE. */
smtp_io_status smtp_conn_open(smtp_conn **out, const char *host, int port, int64_t deadline, smtp_io_err *e);

/* Connects to every port of r (smtp_port_report_init) on the numeric address at once, each a
 * non-blocking connect, until each has answered or the deadline passes, and fills r->state: open,
 * refused, unreachable, or timeout for those still waiting at the deadline. Each connection is closed
 * as soon as it is made: not a byte is sent. */
void smtp_net_probe_ports(const char *address, smtp_port_report *r, int64_t deadline);

/* Writes all of p[0..n) (a few large writes), waiting as needed up to the deadline. */
smtp_io_status smtp_conn_write(smtp_conn *c, const void *p, size_t n, int64_t deadline, smtp_io_err *e);
/* Reads what is there, waiting until at least one byte arrives or the deadline passes: *got > 0 on
 * SMTP_IO_OK. */
smtp_io_status smtp_conn_read(smtp_conn *c, void *p, size_t cap, size_t *got, int64_t deadline, smtp_io_err *e);
/* Without waiting: 1 when a read would not block (bytes, EOF or an error are waiting in the socket
 * or in TLS's buffers), 0 when nothing is there. Used before a TLS handshake (nothing may be there)
 * and, later, to check an idle pooled connection. */
int smtp_conn_readable_now(smtp_conn *c);

/* The io table and its state (tls.c). */
void smtp_conn_set_io(smtp_conn *c, const smtp_io_ops *ops, void *io_ctx);
void *smtp_conn_io_ctx(const smtp_conn *c);
int smtp_conn_fd(const smtp_conn *c);
/* Waits until the socket is ready for `events` (POLLIN/POLLOUT) or the deadline passes. */
smtp_io_status smtp_conn_wait(smtp_conn *c, short events, int64_t deadline, smtp_io_err *e);

const char *smtp_conn_address(const smtp_conn *c); /* numeric peer address */
/* Our end as an RFC 5321 address literal: "[192.0.2.1]" or "[IPv6:2001:db8::1]"; 0, or -1. */
int smtp_conn_local_literal(const smtp_conn *c, char *out, size_t outlen);

/* Closes (the io table's close first, no waiting) and frees. NULL is fine. */
void smtp_conn_close(smtp_conn *c);
/* Closes and frees without sending a byte (no TLS close_notify): for a connection inherited across
 * fork(), whose socket the parent still uses. */
void smtp_conn_abandon(smtp_conn *c);
int smtp_conn_is_abandoned(const smtp_conn *c);

/* Fills e (NULL is fine): the cause and one sentence. For net.c, tls.c and their io tables. */
void smtp_io_seterr(smtp_io_err *e, smtp_cause cause, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The io table in use (tls.c tells its own from the plain one). */
const smtp_io_ops *smtp_conn_io(const smtp_conn *c);

/* Is this host name/IP a loopback address (localhost, 127.0.0.0/8, ::1)? */
int smtp_host_is_loopback(const char *host, const char *numeric_address);

/* This machine's fully qualified name for EHLO: gethostname(), then its canonical name looked up
 * within the deadline (c-ares, /etc/hosts first). 0 with out set to a name that contains a dot and
 * is a valid domain; -1 when there is none (out then holds the bare host name, or ""). */
int smtp_local_fqdn(int64_t deadline, char *out, size_t outlen);

#endif
