/* libFuzzer harness: base64 (ext/core/base64.c) and the SASL encodings (ext/core/sasl.c) as a server
 * drives them. Byte 0 chooses what the rest is:
 *   0  a server's challenge for CRAM-MD5 (the text after "334 "), answered as user "u@example.org"
 *   1  base64 text to decode, as a LOGIN prompt or an XOAUTH2 error report (base64 of JSON) is
 *   2  bytes to encode (a user name and a secret of any content, cut at the first NUL)
 *   3  an AUTH capability list for smtp_sasl_choose()
 * Beyond "no crash, no leak": decoding is strict and exact (what decodes re-encodes to the same
 * text up to the padding, and encoding always decodes back); a CRAM-MD5 answer is
 * base64("u@example.org " 32 lowercase hex digits) and exists exactly when the challenge decodes;
 * PLAIN and XOAUTH2 decode to their RFC layouts; the chosen mechanism is one that was asked for
 * and is offered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base64.h"
#include "buf.h"
#include "sasl.h"

#define USER "u@example.org"

static void decode_exact(const char *in, size_t len)
{
	smtp_buf d, e;
	size_t t = len;

	smtp_buf_init(&d, 0);
	smtp_buf_init(&e, 0);
	if (smtp_base64_decode(in, len, &d) == 0) {
		if (d.len > (len / 4) * 3 + 3) abort();
		if (smtp_base64_encode((const unsigned char *)(d.data ? d.data : ""), d.len, &e) != 0) abort();
		/* the encoding is canonical with padding; the input may have left the padding out */
		while (t > 0 && in[t - 1] == '=') t--;
		{
			size_t u = e.len;
			while (u > 0 && e.data[u - 1] == '=') u--;
			if (u != t || (t && memcmp(e.data, in, t) != 0)) abort();
		}
	}
	smtp_buf_free(&d);
	smtp_buf_free(&e);
}

static void roundtrip(const unsigned char *p, size_t n)
{
	smtp_buf e, d;

	smtp_buf_init(&e, 0);
	smtp_buf_init(&d, 0);
	if (smtp_base64_encode(p, n, &e) != 0) abort();
	if (e.len != (n + 2) / 3 * 4) abort();
	if (smtp_base64_decode(e.data ? e.data : "", e.len, &d) != 0) abort();
	if (d.len != n || (n && memcmp(d.data, p, n) != 0)) abort();
	smtp_buf_free(&e);
	smtp_buf_free(&d);
}

static void cram(const char *chal, size_t len)
{
	smtp_buf out, dec, probe;
	int rc, valid;
	size_t i, ul = strlen(USER);

	smtp_buf_init(&out, 0);
	smtp_buf_init(&dec, 0);
	smtp_buf_init(&probe, 0);
	valid = smtp_base64_decode(chal, len, &probe) == 0;
	rc = smtp_sasl_cram_md5(USER, "pw", chal, len, &out);
	if ((rc == 0) != valid) abort();
	if (rc == 0) {
		if (smtp_base64_decode(out.data, out.len, &dec) != 0) abort();
		if (dec.len != ul + 1 + 32 || memcmp(dec.data, USER " ", ul + 1) != 0) abort();
		for (i = ul + 1; i < dec.len; i++) {
			char c = dec.data[i];
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) abort();
		}
	}
	smtp_buf_wipe(&out);
	smtp_buf_wipe(&dec);
	smtp_buf_wipe(&probe);
}

static void encodings(const uint8_t *p, size_t n)
{
	/* user NUL secret: both C strings */
	char *s = malloc(n + 2);
	const char *user, *secret;
	size_t ul, sl;
	smtp_buf out, dec;

	if (!s) return;
	memcpy(s, p, n);
	s[n] = '\0';
	s[n + 1] = '\0';
	user = s;
	ul = strlen(user);
	secret = s + ul + (ul < n ? 1 : 0);
	sl = strlen(secret);
	roundtrip(p, n);

	smtp_buf_init(&out, 0);
	smtp_buf_init(&dec, 0);
	if (smtp_sasl_plain(user, secret, &out) != 0) abort();
	if (smtp_base64_decode(out.data, out.len, &dec) != 0) abort();
	if (dec.len != 2 + ul + sl || dec.data[0] != '\0' || memcmp(dec.data + 1, user, ul) != 0 || dec.data[1 + ul] != '\0'
	    || memcmp(dec.data + 2 + ul, secret, sl) != 0)
		abort();
	smtp_buf_wipe(&out);
	smtp_buf_wipe(&dec);

	if (smtp_sasl_xoauth2(user, secret, &out) != 0) abort();
	if (smtp_base64_decode(out.data, out.len, &dec) != 0) abort();
	if (dec.len != 5 + ul + 13 + sl + 2 || memcmp(dec.data, "user=", 5) != 0 || memcmp(dec.data + 5, user, ul) != 0
	    || memcmp(dec.data + 5 + ul, "\001auth=Bearer ", 13) != 0 || memcmp(dec.data + 18 + ul, secret, sl) != 0
	    || memcmp(dec.data + 18 + ul + sl, "\001\001", 2) != 0)
		abort();
	smtp_buf_wipe(&out);
	smtp_buf_wipe(&dec);
	free(s);
}

/* the reference: is mech one of the words (SP, TAB or "=" between) of offered? */
static int offered_ref(const char *offered, const char *mech)
{
	size_t ml = strlen(mech);
	const char *p = offered;

	while (*p) {
		size_t n;
		p += strspn(p, " \t=");
		n = strcspn(p, " \t");
		if (n == ml && strncasecmp(p, mech, n) == 0) return 1;
		p += n;
	}
	return 0;
}

static void choose(const uint8_t *p, size_t n)
{
	static const char *const names[] = {"", "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", ""};
	char *s = malloc(n + 1);
	int m, prot;

	if (!s) return;
	memcpy(s, p, n);
	s[n] = '\0';
	for (m = SMTP_AUTH_AUTO; m <= SMTP_AUTH_NONE; m++) {
		for (prot = 0; prot < 2; prot++) {
			smtp_auth_mech got = smtp_sasl_choose((smtp_auth_mech)m, s, prot);
			if (got == SMTP_AUTH_NONE) {
				if (m != SMTP_AUTH_AUTO && m != SMTP_AUTH_NONE && offered_ref(s, names[m])) abort();
				if (m == SMTP_AUTH_AUTO && (offered_ref(s, "PLAIN") || offered_ref(s, "LOGIN") || offered_ref(s, "CRAM-MD5")))
					abort();
				continue;
			}
			if (got == SMTP_AUTH_AUTO || got > SMTP_AUTH_XOAUTH2) abort();
			if (m != SMTP_AUTH_AUTO && got != (smtp_auth_mech)m) abort();
			if (m == SMTP_AUTH_AUTO && got == SMTP_AUTH_XOAUTH2) abort(); /* only on request */
			if (!offered_ref(s, names[got])) abort();
		}
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) return 0;
	switch (data[0] & 3) {
	case 0:
		cram((const char *)data + 1, size - 1);
		decode_exact((const char *)data + 1, size - 1);
		break;
	case 1:
		decode_exact((const char *)data + 1, size - 1);
		break;
	case 2:
		encodings(data + 1, size - 1);
		break;
	default:
		choose(data + 1, size - 1);
		break;
	}
	return 0;
}
