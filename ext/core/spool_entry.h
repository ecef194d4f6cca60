/* One spooled message on disk: the entry format of the durable queue (spool.c). Pure C.
 *
 * An entry is self-checking, so a torn or damaged file is never delivered:
 *
 *   "SMTPSPOOL 1 <payload length: 20 digits> <SHA-256 of the payload: 64 hex digits>\n"   (98 bytes)
 *   payload: meta lines "key value\n" in this order, then an empty line, then the message:
 *     created <unix seconds>      when mail() was called
 *     next <unix seconds>         the next attempt, not before (0: at once)
 *     attempts <n>                attempts made so far
 *     maybe_sent <0|1>            an earlier attempt lost the line after the message went out
 *     message_id <Message-ID>     as in the header ("" when none)
 *     error <one line>            the last attempt's sentence ("" before any)
 *     from <envelope sender>      "" is the null sender
 *     rcpt <address>              one line per recipient still to deliver, at least one
 *   the message exactly as it goes on the wire before dot-stuffing: the header section as rebuilt
 *   (Message-ID included) and the body with CRLF line endings.
 *
 * No value holds CR, LF or NUL (the writer turns them into spaces). Nothing of the settings is in
 * an entry: no host, no user name, no secret; the process that delivers uses its own settings. */
#ifndef SMTP_CORE_SPOOL_ENTRY_H
#define SMTP_CORE_SPOOL_ENTRY_H

#include <stddef.h>
#include "buf.h"
#include "strlist.h"

#define SMTP_SPOOL_ENTRY_VERSION    1
#define SMTP_SPOOL_ENTRY_HEADER_LEN 98                /* the first line, "\n" included */
#define SMTP_SPOOL_ENTRY_MAX_META   (1 << 20)         /* the meta lines, at most */
#define SMTP_SPOOL_ENTRY_MAX_RCPTS  10000             /* recipients per entry */
#define SMTP_SPOOL_ENTRY_MAX_VALUE  4096              /* one meta value */
#define SMTP_SPOOL_ENTRY_MAX_SIZE   ((size_t)1 << 31) /* the whole payload */

typedef struct {
	long long created;
	long long next;
	int attempts;
	int maybe_sent;
	char *message_id; /* malloc'd, never NULL after a parse */
	char *error;      /* malloc'd, never NULL after a parse */
	char *sender;     /* malloc'd, never NULL after a parse */
	smtp_strlist rcpts;
	/* the message: points into the parsed buffer (not copied) */
	const unsigned char *message;
	size_t message_len;
} smtp_spool_entry;

void smtp_spool_entry_init(smtp_spool_entry *e);
void smtp_spool_entry_free(smtp_spool_entry *e);

/* The meta lines of e and the empty line after them, appended to out (values cleaned of CR, LF and
 * NUL, each cut at SMTP_SPOOL_ENTRY_MAX_VALUE). 0, or -1 when out of memory or e has no recipient. */
int smtp_spool_entry_meta(const smtp_spool_entry *e, smtp_buf *out);

/* The first line for a payload of len bytes whose SHA-256 is sha (32 bytes): exactly
 * SMTP_SPOOL_ENTRY_HEADER_LEN bytes into out, which must hold one more for the NUL. */
void smtp_spool_entry_header(size_t len, const unsigned char sha[32], char *out);

/* A whole entry in memory (tests, small rewrites): header, meta, message. 0, or -1. */
int smtp_spool_entry_encode(const smtp_spool_entry *e, const void *message, size_t len, smtp_buf *out);

/* Reads an entry from buf[0..len) (the whole file): the header, the length (exactly what follows),
 * the SHA-256, then every meta line. 0 with *out filled (message pointing into buf: buf must outlive
 * the use of out->message); -1 with one sentence in err (a torn write, a damaged or foreign file)
 * and *out left empty. Never reads outside buf; any bytes are a valid input. */
int smtp_spool_entry_parse(const unsigned char *buf, size_t len, smtp_spool_entry *out, char *err, size_t errlen);

/* The same without the checksum and the message, for a quick look at the schedule (status, the
 * choice of what is due) over the first bytes of a file: created, next and attempts only. 0, or -1.
 * What it says is not trusted for delivery: a claim is followed by a full parse. */
int smtp_spool_entry_peek(const unsigned char *buf, size_t len, long long *created, long long *next, int *attempts);

/* SHA-256 over pieces (the writer hashes while it writes). init: 0, or -1 when out of memory. */
typedef struct {
	void *md;
} smtp_sha256;
int smtp_sha256_init(smtp_sha256 *h);
void smtp_sha256_update(smtp_sha256 *h, const void *p, size_t n);
void smtp_sha256_final(smtp_sha256 *h, unsigned char out[32]); /* also frees h */

#endif
