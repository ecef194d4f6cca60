/* DKIM signing (RFC 6376; Ed25519: RFC 8463) of a message exactly as it goes on the wire: the body hash
 * over the body as data.c/bdat.c transmit it (CRLF line endings, the final CRLF added), read in pieces
 * where it lies, and the signature over the header section message.c rebuilt. relaxed/relaxed
 * canonicalisation, the header fields RFC 6376 5.4.1 recommends, From signed once more than it appears.
 * Pure C + OpenSSL (EVP). */
#ifndef SMTP_CORE_DKIM_H
#define SMTP_CORE_DKIM_H

#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "message.h"

#define SMTP_DKIM_MAX_KEYS      8     /* signatures per message */
#define SMTP_DKIM_MAX_KEY_BYTES 65536 /* one PEM key */
#define SMTP_DKIM_MIN_RSA_BITS  1024
#define SMTP_DKIM_MAX_RSA_BITS  8192 /* the signature buffer's size; RFC 8301: verifiers go to 4096 */

typedef struct smtp_dkim_signer smtp_dkim_signer;

/* One private key as given: its PEM text and where it came from (a path, "env:NAME"), for sentences. */
typedef struct {
	const char *pem;
	size_t len;
	const char *source;
} smtp_dkim_key_text;

/* Loads n keys (1..SMTP_DKIM_MAX_KEYS) for domain, one per selector of the comma-separated selectors
 * list (same count, same order). The algorithm comes from each key: RSA (at least 1024 bits):
 * rsa-sha256; Ed25519: ed25519-sha256. NULL with one sentence in err (no secret in it) when the domain
 * or a selector is missing or not valid, the counts differ, a key is not a PEM private key, encrypted,
 * too short or of another type. The PEM texts are not kept (the caller wipes them). */
smtp_dkim_signer *smtp_dkim_signer_new(const char *domain, const char *selectors, const smtp_dkim_key_text *keys, int n,
                                       char *err, size_t errlen);
void smtp_dkim_signer_free(smtp_dkim_signer *s);
/* "d=example.com: s=mail (rsa-sha256, 2048 bits), s=ed (ed25519-sha256)" */
void smtp_dkim_signer_describe(const smtp_dkim_signer *s, char *out, size_t outlen);

/* Appends to out one DKIM-Signature header field per key (CRLF-terminated, folded), to be put before
 * m->headers. t= is now. 0, or -1 with one sentence in err. */
int smtp_dkim_sign(const smtp_dkim_signer *s, const smtp_message *m, time_t now, smtp_buf *out, char *err,
                   size_t errlen);

/* The canonicalisations, for the unit tests and the signer. */

/* relaxed header canonicalisation (RFC 6376 3.4.2) of one header field (name, colon, value, folded
 * lines, with or without its final CRLF): appends "name:value\r\n" with crlf set, else without. */
int smtp_dkim_canon_header(const char *field, size_t len, int crlf, smtp_buf *out);

/* relaxed body canonicalisation (RFC 6376 3.4.4) on a stream of CRLF-terminated lines given in pieces of
 * any size: feed them in order, then end; the canonical bytes go to out(ctx, p, n). */
typedef struct {
	void (*out)(void *ctx, const char *p, size_t n);
	void *ctx;
	size_t empty_lines; /* empty lines held back: dropped at the end, written before the next content */
	int wsp;            /* white space seen since the last content byte of this line */
	int content;        /* this line has content */
	char pend[256];     /* canonical bytes not yet given to out */
	size_t npend;
} smtp_dkim_body_canon;

void smtp_dkim_body_init(smtp_dkim_body_canon *c, void (*out)(void *ctx, const char *p, size_t n), void *ctx);
void smtp_dkim_body_feed(smtp_dkim_body_canon *c, const char *p, size_t n);
void smtp_dkim_body_end(smtp_dkim_body_canon *c);

#endif
