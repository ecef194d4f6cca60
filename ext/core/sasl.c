/* SASL mechanisms for SMTP AUTH: PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), XOAUTH2.
 * Every temporary that held a secret is wiped before it is released. */
#include "sasl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

/* Is `mech` one of the space-separated words in `offered` (case-insensitive)? */
static int offers(const char *offered, const char *mech)
{
	size_t mlen = strlen(mech);
	const char *p = offered;

	if (!p) {
		return 0;
	}
	while (*p) {
		size_t n;
		while (*p == ' ' || *p == '\t' || *p == '=') {
			p++;
		}
		n = 0;
		while (p[n] && p[n] != ' ' && p[n] != '\t') {
			n++;
		}
		if (n == mlen && strncasecmp(p, mech, n) == 0) {
			return 1;
		}
		p += n;
	}
	return 0;
}

smtp_auth_mech smtp_sasl_choose(smtp_auth_mech wanted, const char *offered, int protected_link)
{
	switch (wanted) {
	case SMTP_AUTH_AUTO:
		/* Over TLS (or to loopback) the link protects the password: PLAIN with an initial response
		 * takes one round trip, LOGIN three, CRAM-MD5 two. Only on a link without TLS (allowed by
		 * smtp.allow_insecure_auth) does CRAM-MD5's challenge-response come first. */
		if (!protected_link && offers(offered, "CRAM-MD5")) {
			return SMTP_AUTH_CRAM_MD5;
		}
		if (offers(offered, "PLAIN")) {
			return SMTP_AUTH_PLAIN;
		}
		if (offers(offered, "LOGIN")) {
			return SMTP_AUTH_LOGIN;
		}
		if (offers(offered, "CRAM-MD5")) {
			return SMTP_AUTH_CRAM_MD5;
		}
		return SMTP_AUTH_NONE; /* XOAUTH2 needs a token, never a password: only on request */
	case SMTP_AUTH_PLAIN:
		return offers(offered, "PLAIN") ? SMTP_AUTH_PLAIN : SMTP_AUTH_NONE;
	case SMTP_AUTH_LOGIN:
		return offers(offered, "LOGIN") ? SMTP_AUTH_LOGIN : SMTP_AUTH_NONE;
	case SMTP_AUTH_CRAM_MD5:
		return offers(offered, "CRAM-MD5") ? SMTP_AUTH_CRAM_MD5 : SMTP_AUTH_NONE;
	case SMTP_AUTH_XOAUTH2:
		return offers(offered, "XOAUTH2") ? SMTP_AUTH_XOAUTH2 : SMTP_AUTH_NONE;
	case SMTP_AUTH_NONE:
	default:
		return SMTP_AUTH_NONE;
	}
}

int smtp_sasl_plain(const char *user, const char *pass, smtp_buf *out)
{
	size_t ulen = user ? strlen(user) : 0, plen = pass ? strlen(pass) : 0, n;
	unsigned char *raw;
	int rc;

	if (ulen > 65536 || plen > 65536) {
		return -1;
	}
	/* authzid empty, NUL, authcid, NUL, passwd (RFC 4616 section 2) */
	n = 2 + ulen + plen;
	raw = malloc(n);
	if (!raw) {
		return -1;
	}
	raw[0] = '\0';
	if (ulen) {
		memcpy(raw + 1, user, ulen);
	}
	raw[1 + ulen] = '\0';
	if (plen) {
		memcpy(raw + 2 + ulen, pass, plen);
	}
	rc = smtp_base64_encode(raw, n, out);
	smtp_memzero(raw, n);
	free(raw);
	return rc;
}

int smtp_sasl_cram_md5(const char *user, const char *pass, const char *challenge_b64, size_t len, smtp_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	smtp_buf challenge;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, i;
	size_t passlen = pass ? strlen(pass) : 0, ulen = user ? strlen(user) : 0, n = 0;
	unsigned char *resp = NULL;
	int rc = -1;

	smtp_buf_init(&challenge, 0);
	if (passlen > 65536 || ulen > 65536) {
		return -1;
	}
	if (smtp_base64_decode(challenge_b64, len, &challenge) != 0) {
		goto done;
	}
	if (!HMAC(EVP_md5(), pass ? pass : "", (int)passlen, (const unsigned char *)(challenge.data ? challenge.data : ""),
	          challenge.len, mac, &maclen)
	    || maclen > sizeof(mac)) {
		goto done;
	}
	/* "user" SP 32 lowercase hex digits (RFC 2195 section 2) */
	n = ulen + 1 + 2 * (size_t)maclen;
	resp = malloc(n);
	if (!resp) {
		goto done;
	}
	if (ulen) {
		memcpy(resp, user, ulen);
	}
	resp[ulen] = ' ';
	for (i = 0; i < maclen; i++) {
		resp[ulen + 1 + 2 * i] = (unsigned char)hex[mac[i] >> 4];
		resp[ulen + 2 + 2 * i] = (unsigned char)hex[mac[i] & 15];
	}
	rc = smtp_base64_encode(resp, n, out);

done:
	smtp_memzero(mac, sizeof(mac));
	if (resp) {
		smtp_memzero(resp, n);
		free(resp);
	}
	smtp_buf_wipe(&challenge);
	return rc;
}

int smtp_sasl_xoauth2(const char *user, const char *token, smtp_buf *out)
{
	static const char a[] = "user=", b[] = "\001auth=Bearer ", c[] = "\001\001";
	size_t ulen = user ? strlen(user) : 0, tlen = token ? strlen(token) : 0, n, o = 0;
	unsigned char *raw;
	int rc;

	if (ulen > 65536 || tlen > 65536) {
		return -1;
	}
	n = (sizeof(a) - 1) + ulen + (sizeof(b) - 1) + tlen + (sizeof(c) - 1);
	raw = malloc(n);
	if (!raw) {
		return -1;
	}
	memcpy(raw + o, a, sizeof(a) - 1);
	o += sizeof(a) - 1;
	if (ulen) {
		memcpy(raw + o, user, ulen);
		o += ulen;
	}
	memcpy(raw + o, b, sizeof(b) - 1);
	o += sizeof(b) - 1;
	if (tlen) {
		memcpy(raw + o, token, tlen);
		o += tlen;
	}
	memcpy(raw + o, c, sizeof(c) - 1);
	rc = smtp_base64_encode(raw, n, out);
	smtp_memzero(raw, n);
	free(raw);
	return rc;
}
