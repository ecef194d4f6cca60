/* DKIM signing (RFC 6376, RFC 8463). Pure C + OpenSSL (EVP).
 *
 * The body hash is computed over the body exactly as data.c/bdat.c transmit it: the body pieces are
 * read where they lie (never copied whole), smtp_crlf_put() turns every line ending into CRLF and adds
 * the final CRLF into a 64 KiB buffer whose flush feeds the relaxed body canonicalisation, whose output
 * feeds SHA-256. Dot-stuffing is transport framing, undone by the receiver: it is not hashed. The
 * signature covers the header section message.c rebuilt (the bytes transmitted). */
#include "dkim.h"

#include "base64.h"
#include "data.h"
#include "settings.h"
#include "wbuf.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SELECTOR_MAX 64

typedef struct {
	EVP_PKEY *pkey;
	int ed25519; /* else RSA */
	int bits;
	char selector[SELECTOR_MAX];
} dkim_key;

struct smtp_dkim_signer {
	char domain[254];
	dkim_key keys[SMTP_DKIM_MAX_KEYS];
	int nkeys;
};

/* The header fields signed (RFC 6376 5.4.1), each as many times as it appears; From once more. */
static const char *const signed_names[] = {
    "from",
    "reply-to",
    "subject",
    "date",
    "to",
    "cc",
    "resent-date",
    "resent-from",
    "resent-to",
    "resent-cc",
    "in-reply-to",
    "references",
    "list-id",
    "list-help",
    "list-unsubscribe",
    "list-subscribe",
    "list-post",
    "list-owner",
    "list-archive",
    "list-unsubscribe-post",
    "message-id",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-id",
    "content-description",
    "sender",
    "resent-sender",
    "resent-message-id",
};
#define NSIGNED (sizeof(signed_names) / sizeof(signed_names[0]))

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
}

/* ------------------------------------------------------------------ keys */

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return 0;
}

static int contains(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++) {
		if (memcmp(p + i, needle, k) == 0) {
			return 1;
		}
	}
	return 0;
}

static int load_key(dkim_key *k, const smtp_dkim_key_text *t, char *err, size_t errlen)
{
	const char *src = t->source ? t->source : "the key";
	BIO *bio;
	EVP_PKEY *pkey;
	int id;

	if (t->pem == NULL || t->len == 0) {
		say(err, errlen, "smtp.dkim_private_key: %s is empty", src);
		return -1;
	}
	if (t->len > SMTP_DKIM_MAX_KEY_BYTES) {
		say(err, errlen, "smtp.dkim_private_key: %s is larger than 64 KiB: not a private key", src);
		return -1;
	}
	bio = BIO_new_mem_buf(t->pem, (int)t->len);
	if (bio == NULL) {
		say(err, errlen, "smtp.dkim_private_key: out of memory reading %s", src);
		return -1;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (pkey == NULL) {
		if (contains(t->pem, t->len, "ENCRYPTED")) {
			say(err, errlen,
			    "smtp.dkim_private_key: %s is encrypted with a passphrase: store the key without one "
			    "(openssl pkey -in key.pem -out plain.pem) and protect the file by its permissions",
			    src);
		} else if (contains(t->pem, t->len, "PUBLIC KEY")) {
			say(err, errlen, "smtp.dkim_private_key: %s holds a public key: give the private key (PEM)", src);
		} else {
			say(err, errlen,
			    "smtp.dkim_private_key: %s is not a private key in PEM format (\"-----BEGIN PRIVATE KEY-----\")", src);
		}
		return -1;
	}
	id = EVP_PKEY_base_id(pkey);
	if (id == EVP_PKEY_RSA) {
		k->bits = EVP_PKEY_bits(pkey);
		if (k->bits < SMTP_DKIM_MIN_RSA_BITS || k->bits > SMTP_DKIM_MAX_RSA_BITS) {
			say(err, errlen,
			    k->bits < SMTP_DKIM_MIN_RSA_BITS
			        ? "smtp.dkim_private_key: %s is a %d-bit RSA key: DKIM needs at least 1024 bits (2048 recommended)"
			        : "smtp.dkim_private_key: %s is a %d-bit RSA key: receivers verify at most 4096 bits, this "
			          "signer takes at most 8192 (2048 recommended)",
			    src, k->bits);
			EVP_PKEY_free(pkey);
			return -1;
		}
		k->ed25519 = 0;
	} else if (id == EVP_PKEY_ED25519) {
		k->bits = 256;
		k->ed25519 = 1;
	} else {
		const char *type = id == EVP_PKEY_EC      ? "an EC (ECDSA)"
		                   : id == EVP_PKEY_ED448 ? "an Ed448"
		                   : id == EVP_PKEY_DSA   ? "a DSA"
		                                          : "another type of";
		say(err, errlen,
		    "smtp.dkim_private_key: %s is %s key: DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)", src,
		    type);
		EVP_PKEY_free(pkey);
		return -1;
	}
	k->pkey = pkey;
	return 0;
}

/* The next comma-separated item of *p, white space around it removed, into out; *p moves past it.
 * -1 when it does not fit. */
static int next_item(const char **p, char *out, size_t outlen)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	e = strchr(s, ',');
	n = e ? (size_t)(e - s) : strlen(s);
	*p = e ? e + 1 : s + n;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
		n--;
	}
	if (n >= outlen) {
		return -1;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* The comma-separated selectors into sel[]; the count, or -1 with err set. */
static int split_selectors(const char *list, char sel[][SELECTOR_MAX], char *err, size_t errlen)
{
	const char *p = list;
	int n = 0;

	while (*p != '\0') {
		char one[SELECTOR_MAX];
		int rc = next_item(&p, one, sizeof(one));
		if (rc == 0 && one[0] == '\0') {
			continue; /* an empty item (", ," or a trailing comma), as for the keys */
		}
		if (n >= SMTP_DKIM_MAX_KEYS) {
			say(err, errlen, "smtp.dkim_selector: more than 8 selectors");
			return -1;
		}
		if (rc != 0 || !smtp_domain_valid(one)) {
			say(err, errlen,
			    "smtp.dkim_selector: \"%.64s\" is not a valid selector (letters, digits, hyphens and dots, "
			    "as in the DNS name <selector>._domainkey.<domain>)",
			    rc == 0 ? one : "(longer than 63 characters)");
			return -1;
		}
		memcpy(sel[n++], one, sizeof(one));
	}
	return n;
}

smtp_dkim_signer *smtp_dkim_signer_new(const char *domain, const char *selectors, const smtp_dkim_key_text *keys, int n,
                                       char *err, size_t errlen)
{
	smtp_dkim_signer *s;
	char sel[SMTP_DKIM_MAX_KEYS][SELECTOR_MAX];
	int nsel, i;

	if (domain == NULL || *domain == '\0') {
		say(err, errlen, "smtp.dkim_domain is empty: set it to the domain of the DKIM key's DNS record (d=)");
		return NULL;
	}
	if (strlen(domain) >= sizeof(s->domain) || !smtp_domain_valid(domain)) {
		say(err, errlen, "smtp.dkim_domain \"%.100s\" is not a valid domain name", domain);
		return NULL;
	}
	if (selectors == NULL || *selectors == '\0') {
		say(err, errlen,
		    "smtp.dkim_selector is empty: set it to the selector of the key's DNS record "
		    "(<selector>._domainkey.%.100s)",
		    domain);
		return NULL;
	}
	if (n <= 0) {
		say(err, errlen, "smtp.dkim_private_key is empty: set it to the path of the PEM private key");
		return NULL;
	}
	if (n > SMTP_DKIM_MAX_KEYS) {
		say(err, errlen, "smtp.dkim_private_key: more than 8 keys");
		return NULL;
	}
	nsel = split_selectors(selectors, sel, err, errlen);
	if (nsel < 0) {
		return NULL;
	}
	if (nsel != n) {
		say(err, errlen,
		    "smtp.dkim_selector names %d selector%s but smtp.dkim_private_key %d key%s: give one selector per key, in "
		    "the same order",
		    nsel, nsel == 1 ? "" : "s", n, n == 1 ? "" : "s");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		say(err, errlen, "DKIM: out of memory");
		return NULL;
	}
	smtp_copy_str(s->domain, sizeof(s->domain), domain);
	for (i = 0; i < n; i++) {
		if (load_key(&s->keys[i], &keys[i], err, errlen) != 0) {
			smtp_dkim_signer_free(s);
			return NULL;
		}
		memcpy(s->keys[i].selector, sel[i], SELECTOR_MAX);
		s->nkeys++;
	}
	return s;
}

void smtp_dkim_signer_free(smtp_dkim_signer *s)
{
	int i;

	if (s == NULL) {
		return;
	}
	for (i = 0; i < s->nkeys; i++) {
		EVP_PKEY_free(s->keys[i].pkey); /* OpenSSL clears the private key material as it frees it */
	}
	smtp_memzero(s, sizeof(*s));
	free(s);
}

void smtp_dkim_signer_describe(const smtp_dkim_signer *s, char *out, size_t outlen)
{
	size_t used;
	int i;

	if (outlen == 0) {
		return;
	}
	snprintf(out, outlen, "d=%s:", s->domain);
	for (i = 0; i < s->nkeys; i++) {
		used = strlen(out);
		if (s->keys[i].ed25519) {
			snprintf(out + used, outlen - used, "%s s=%s (ed25519-sha256)", i ? "," : "", s->keys[i].selector);
		} else {
			snprintf(out + used, outlen - used, "%s s=%s (rsa-sha256, %d bits)", i ? "," : "", s->keys[i].selector,
			         s->keys[i].bits);
		}
	}
}

/* ------------------------------------------------------------------ canonicalisation */

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

int smtp_dkim_canon_header(const char *field, size_t len, int crlf, smtp_buf *out)
{
	size_t i = 0, start = out->len;
	int wsp = 0, value = 0;

	/* the name, lower-cased, without the white space before the colon */
	while (i < len && field[i] != ':') {
		char c = field[i++];
		if (is_wsp(c) || c == '\r' || c == '\n') {
			continue;
		}
		if (c >= 'A' && c <= 'Z') {
			c = (char)(c + ('a' - 'A'));
		}
		if (smtp_buf_putc(out, c) != 0) {
			return -1;
		}
	}
	if (i >= len) {
		return -1; /* not a header field */
	}
	if (smtp_buf_putc(out, ':') != 0) {
		return -1;
	}
	i++;
	/* the value: unfolded, runs of white space as one SP, none at the start or the end */
	for (; i < len; i++) {
		char c = field[i];
		if (c == '\r' || c == '\n') {
			continue; /* unfolding: the CRLF goes, the white space after it stays as white space */
		}
		if (is_wsp(c)) {
			wsp = 1;
			continue;
		}
		if (wsp && value && smtp_buf_putc(out, ' ') != 0) {
			return -1;
		}
		wsp = 0;
		value = 1;
		if (smtp_buf_putc(out, c) != 0) {
			return -1;
		}
	}
	if (crlf && smtp_buf_append(out, "\r\n", 2) != 0) {
		out->len = start;
		return -1;
	}
	return 0;
}

static void body_flush(smtp_dkim_body_canon *c)
{
	if (c->npend > 0) {
		c->out(c->ctx, c->pend, c->npend);
		c->npend = 0;
	}
}

static void body_put(smtp_dkim_body_canon *c, const char *p, size_t n)
{
	if (n > sizeof(c->pend) - c->npend) {
		body_flush(c);
		if (n > sizeof(c->pend)) {
			c->out(c->ctx, p, n);
			return;
		}
	}
	memcpy(c->pend + c->npend, p, n);
	c->npend += n;
}

void smtp_dkim_body_init(smtp_dkim_body_canon *c, void (*out)(void *ctx, const char *p, size_t n), void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->ctx = ctx;
}

void smtp_dkim_body_feed(smtp_dkim_body_canon *c, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		char ch = p[i];
		size_t j;
		if (ch == '\n') {
			if (c->content) {
				body_put(c, "\r\n", 2);
			} else {
				c->empty_lines++; /* held back: trailing empty lines are dropped */
			}
			c->content = 0;
			c->wsp = 0;
			i++;
			continue;
		}
		if (ch == '\r') {
			i++; /* the input's line endings are CRLF: the LF ends the line */
			continue;
		}
		if (is_wsp(ch)) {
			c->wsp = 1;
			i++;
			continue;
		}
		/* content: the held-back empty lines were not trailing after all */
		for (; c->empty_lines > 0; c->empty_lines--) {
			body_put(c, "\r\n", 2);
		}
		if (c->wsp) {
			body_put(c, " ", 1);
			c->wsp = 0;
		}
		c->content = 1;
		/* a run of plain bytes at once */
		for (j = i; j < n && p[j] != '\n' && p[j] != '\r' && !is_wsp(p[j]); j++) {
		}
		body_put(c, p + i, j - i);
		i = j;
	}
}

void smtp_dkim_body_end(smtp_dkim_body_canon *c)
{
	if (c->content) {
		body_put(c, "\r\n", 2); /* a last line without its CRLF (not after smtp_crlf_put) */
		c->content = 0;
	}
	body_flush(c);
	c->empty_lines = 0;
}

/* ------------------------------------------------------------------ signing */

typedef struct {
	EVP_MD_CTX *md;
	smtp_dkim_body_canon canon;
	int failed;
} body_hash;

static void hash_out(void *ctx, const char *p, size_t n)
{
	body_hash *h = ctx;
	if (EVP_DigestUpdate(h->md, p, n) != 1) {
		h->failed = 1;
	}
}

static int canon_flush(void *ctx, const char *p, size_t n)
{
	body_hash *h = ctx;
	smtp_dkim_body_feed(&h->canon, p, n);
	return h->failed ? -1 : 0;
}

/* base64 of the SHA-256 of the relaxed canonical body as transmitted, into bh. */
static int body_hash_b64(const smtp_message *m, smtp_buf *bh, char *err, size_t errlen)
{
	body_hash h;
	smtp_body b;
	smtp_wbuf w;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	char rerr[200];
	int i, rc = -1;

	memset(&h, 0, sizeof(h));
	h.md = EVP_MD_CTX_new();
	if (h.md == NULL || EVP_DigestInit_ex(h.md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(h.md);
		say(err, errlen, "DKIM: SHA-256 is not available");
		return -1;
	}
	smtp_dkim_body_init(&h.canon, hash_out, &h);
	if (smtp_wbuf_init(&w, canon_flush, &h) != 0) {
		EVP_MD_CTX_free(h.md);
		say(err, errlen, "DKIM: out of memory");
		return -1;
	}
	smtp_body_from_memory(&b, NULL, 0);
	for (i = 0; i < m->nbody && i < SMTP_MESSAGE_BODY_PIECES; i++) {
		smtp_body_add_memory(&b, m->body[i], m->body_len[i]);
	}
	rerr[0] = '\0';
	if (smtp_crlf_put(&b, &w, rerr, sizeof(rerr)) == 0 && smtp_wbuf_flush(&w) == 0) {
		smtp_dkim_body_end(&h.canon);
		if (!h.failed && EVP_DigestFinal_ex(h.md, dig, &dlen) == 1 && smtp_base64_encode(dig, dlen, bh) == 0) {
			rc = 0;
		}
	}
	if (rc != 0) {
		say(err, errlen, "DKIM: the body hash could not be computed%s%s", rerr[0] ? ": " : "", rerr);
	}
	smtp_wbuf_free(&w);
	EVP_MD_CTX_free(h.md);
	return rc;
}

typedef struct {
	const char *p;
	size_t len;
	size_t name_len;
} field;

/* The header fields of the header section (ends with the empty line). */
static int split_fields(const smtp_buf *hdr, field **out, size_t *count)
{
	const char *p = hdr->data, *end = hdr->data + hdr->len;
	size_t n = 0, cap = 64;
	field *f = malloc(cap * sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	while (p < end) {
		const char *q = p, *colon;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			break; /* the empty line */
		}
		/* one field: this line and the ones that start with white space */
		for (;;) {
			const char *lf = memchr(q, '\n', (size_t)(end - q));
			q = lf ? lf + 1 : end;
			if (q >= end || !is_wsp(*q)) {
				break;
			}
		}
		colon = memchr(p, ':', (size_t)(q - p));
		if (colon != NULL) {
			if (n == cap) {
				field *g = realloc(f, 2 * cap * sizeof(*f));
				if (g == NULL) {
					free(f);
					return -1;
				}
				f = g;
				cap *= 2;
			}
			f[n].p = p;
			f[n].len = (size_t)(q - p);
			f[n].name_len = (size_t)(colon - p);
			while (f[n].name_len > 0 && is_wsp(p[f[n].name_len - 1])) {
				f[n].name_len--;
			}
			n++;
		}
		p = q;
	}
	*out = f;
	*count = n;
	return 0;
}

static int name_is(const field *f, const char *name)
{
	size_t i, n = strlen(name);

	if (f->name_len != n) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		char c = f->p[i];
		if (c >= 'A' && c <= 'Z') {
			c = (char)(c + ('a' - 'A'));
		}
		if (c != name[i]) {
			return 0;
		}
	}
	return 1;
}

/* Appends one name of the h= list (after a colon unless first), folding before it when the line would
 * pass 76 octets. */
static int put_folded_list(smtp_buf *out, size_t *col, const char *item, int first)
{
	size_t n = strlen(item) + 1;

	if (!first && *col + n > 76) {
		if (smtp_buf_puts(out, "\r\n\t ") != 0) {
			return -1;
		}
		*col = 2;
	}
	if (!first && smtp_buf_putc(out, ':') != 0) {
		return -1;
	}
	*col += n;
	return smtp_buf_puts(out, item);
}

static int sign_one(const dkim_key *k, const char *domain, time_t now, const smtp_buf *hdata, const char *hlist,
                    const char *bh, smtp_buf *out, char *err, size_t errlen)
{
	smtp_buf sig, data, b64;
	EVP_MD_CTX *ctx = NULL;
	unsigned char dig[EVP_MAX_MD_SIZE], sigbytes[1024];
	unsigned int dlen = 0;
	size_t slen = sizeof(sigbytes), i, col;
	const char *hl = hlist;
	int first = 1, rc = -1;
	const char *sigstart;

	smtp_buf_init(&sig, 0);
	smtp_buf_init(&data, 0);
	smtp_buf_init(&b64, 0);
	if (smtp_buf_printf(&sig, "DKIM-Signature: v=1; a=%s; c=relaxed/relaxed; d=%s; s=%s;\r\n\tt=%lld; h=",
	                    k->ed25519 ? "ed25519-sha256" : "rsa-sha256", domain, k->selector, (long long)now)
	    != 0) {
		goto done;
	}
	col = 16;
	while (*hl) {
		char name[64];
		size_t n = strcspn(hl, ":");
		if (n >= sizeof(name)) {
			goto done;
		}
		memcpy(name, hl, n);
		name[n] = '\0';
		if (put_folded_list(&sig, &col, name, first) != 0) {
			goto done;
		}
		first = 0;
		hl += n + (hl[n] == ':');
	}
	if (smtp_buf_printf(&sig, ";\r\n\tbh=%s;\r\n\tb=", bh) != 0) {
		goto done;
	}
	/* the signed data: the chosen header fields, then this field with an empty b= and no CRLF */
	if (smtp_buf_append(&data, hdata->data, hdata->len) != 0
	    || smtp_dkim_canon_header(sig.data, sig.len, 0, &data) != 0) {
		goto done;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL) {
		goto done;
	}
	if (k->ed25519) {
		/* RFC 8463 3: Ed25519 (PureEdDSA) over the SHA-256 of the canonical data */
		if (EVP_Digest(data.data, data.len, dig, &dlen, EVP_sha256(), NULL) != 1
		    || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) != 1
		    || EVP_DigestSign(ctx, sigbytes, &slen, dig, dlen) != 1) {
			goto done;
		}
	} else {
		size_t need = 0;
		if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1
		    || EVP_DigestSign(ctx, NULL, &need, (const unsigned char *)data.data, data.len) != 1
		    || need > sizeof(sigbytes)
		    || EVP_DigestSign(ctx, sigbytes, &slen, (const unsigned char *)data.data, data.len) != 1) {
			goto done;
		}
	}
	if (smtp_base64_encode(sigbytes, slen, &b64) != 0) {
		goto done;
	}
	/* the signature, folded in lines of 72 characters */
	sigstart = b64.data;
	for (i = 0; i < b64.len; i += 72) {
		size_t n = b64.len - i < 72 ? b64.len - i : 72;
		if ((i > 0 && smtp_buf_puts(&sig, "\r\n\t ") != 0) || smtp_buf_append(&sig, sigstart + i, n) != 0) {
			goto done;
		}
	}
	if (smtp_buf_puts(&sig, "\r\n") != 0 || smtp_buf_append(out, sig.data, sig.len) != 0) {
		goto done;
	}
	rc = 0;
done:
	ERR_clear_error();
	if (rc != 0) {
		say(err, errlen, "DKIM signing with the key of selector %s failed", k->selector);
	}
	EVP_MD_CTX_free(ctx);
	smtp_buf_free(&sig);
	smtp_buf_free(&data);
	smtp_buf_free(&b64);
	return rc;
}

int smtp_dkim_sign(const smtp_dkim_signer *s, const smtp_message *m, time_t now, smtp_buf *out, char *err,
                   size_t errlen)
{
	smtp_buf bh, hdata, hlist;
	field *f = NULL;
	size_t nf = 0, i;
	int k, rc = -1;

	smtp_buf_init(&bh, 0);
	smtp_buf_init(&hdata, 0);
	smtp_buf_init(&hlist, 0);
	if (body_hash_b64(m, &bh, err, errlen) != 0) {
		goto done;
	}
	if (split_fields(&m->headers, &f, &nf) != 0) {
		say(err, errlen, "DKIM: out of memory");
		goto done;
	}
	/* h=: each recommended field as many times as it appears, from the last instance up (RFC 6376
	 * 5.4.2), From once more (an added From would break the signature) */
	for (i = 0; i < NSIGNED; i++) {
		size_t j = nf;
		while (j-- > 0) {
			if (!name_is(&f[j], signed_names[i])) {
				continue;
			}
			if ((hlist.len && smtp_buf_putc(&hlist, ':') != 0) || smtp_buf_puts(&hlist, signed_names[i]) != 0
			    || smtp_dkim_canon_header(f[j].p, f[j].len, 1, &hdata) != 0) {
				say(err, errlen, "DKIM: out of memory");
				goto done;
			}
		}
		if (i == 0 && ((hlist.len && smtp_buf_putc(&hlist, ':') != 0) || smtp_buf_puts(&hlist, "from") != 0)) {
			say(err, errlen, "DKIM: out of memory");
			goto done;
		}
	}
	for (k = 0; k < s->nkeys; k++) {
		if (sign_one(&s->keys[k], s->domain, now, &hdata, hlist.data, bh.data, out, err, errlen) != 0) {
			goto done;
		}
	}
	rc = 0;
done:
	free(f);
	smtp_buf_free(&bh);
	smtp_buf_free(&hdata);
	smtp_buf_free(&hlist);
	return rc;
}
