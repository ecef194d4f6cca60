/* Settings: names of the encryption and AUTH choices, and the smarthost list. Pure C. */
#include "settings.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <openssl/evp.h>

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Case-insensitive comparison of s (surrounding white space ignored) with a lower-case name. */
static int name_is(const char *s, const char *name)
{
	size_t n, i, k;
	while (is_ws((unsigned char)*s)) {
		s++;
	}
	n = strlen(s);
	while (n > 0 && is_ws((unsigned char)s[n - 1])) {
		n--;
	}
	k = strlen(name);
	if (n != k) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (lower((unsigned char)s[i]) != name[i]) {
			return 0;
		}
	}
	return 1;
}

int smtp_encryption_parse(const char *s, smtp_encryption *out)
{
	smtp_encryption e;
	if (s == NULL) {
		return -1;
	}
	if (name_is(s, "auto")) {
		e = SMTP_ENC_AUTO;
	} else if (name_is(s, "tls") || name_is(s, "starttls")) {
		e = SMTP_ENC_TLS;
	} else if (name_is(s, "ssl") || name_is(s, "smtps") || name_is(s, "implicit")) {
		e = SMTP_ENC_SSL;
	} else if (name_is(s, "none")) {
		e = SMTP_ENC_NONE;
	} else {
		return -1;
	}
	if (out) {
		*out = e;
	}
	return 0;
}

const char *smtp_encryption_name(smtp_encryption e)
{
	switch (e) {
	case SMTP_ENC_AUTO:
		return "auto";
	case SMTP_ENC_TLS:
		return "tls";
	case SMTP_ENC_SSL:
		return "ssl";
	case SMTP_ENC_NONE:
		return "none";
	}
	return "auto";
}

int smtp_auth_parse(const char *s, smtp_auth_mech *out)
{
	smtp_auth_mech m;
	if (s == NULL) {
		return -1;
	}
	if (name_is(s, "auto")) {
		m = SMTP_AUTH_AUTO;
	} else if (name_is(s, "plain")) {
		m = SMTP_AUTH_PLAIN;
	} else if (name_is(s, "login")) {
		m = SMTP_AUTH_LOGIN;
	} else if (name_is(s, "cram-md5") || name_is(s, "cram_md5")) {
		m = SMTP_AUTH_CRAM_MD5;
	} else if (name_is(s, "xoauth2")) {
		m = SMTP_AUTH_XOAUTH2;
	} else if (name_is(s, "none")) {
		m = SMTP_AUTH_NONE;
	} else {
		return -1;
	}
	if (out) {
		*out = m;
	}
	return 0;
}

const char *smtp_auth_name(smtp_auth_mech m)
{
	switch (m) {
	case SMTP_AUTH_AUTO:
		return "auto";
	case SMTP_AUTH_PLAIN:
		return "plain";
	case SMTP_AUTH_LOGIN:
		return "login";
	case SMTP_AUTH_CRAM_MD5:
		return "cram-md5";
	case SMTP_AUTH_XOAUTH2:
		return "xoauth2";
	case SMTP_AUTH_NONE:
		return "none";
	}
	return "auto";
}

/* The entry text, bounded and with control bytes shown as '?', for error sentences. */
static void quote(char *q, size_t qlen, const char *p, size_t n)
{
	size_t i, k = 0;
	for (i = 0; i < n && k + 4 < qlen && i < 60; i++) {
		unsigned char c = (unsigned char)p[i];
		q[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (i < n && k + 4 <= qlen) {
		memcpy(q + k, "...", 3);
		k += 3;
	}
	q[k] = '\0';
}

/* Port digits p[0..n): 1..65535, digits only. -1 if not. */
static int parse_port(const char *p, size_t n)
{
	size_t i;
	long v = 0;
	if (n == 0 || n > 5) {
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9') {
			return -1;
		}
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535) {
		return -1;
	}
	return (int)v;
}

/* A host name or address: printable, no white space, no brackets, commas or '/'. */
static int host_chars_ok(const char *p, size_t n, int ipv6)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c == 0x7f || c == '[' || c == ']' || c == ',' || c == '/' || c == '@') {
			return 0;
		}
		if (c == ':' && !ipv6) {
			return 0;
		}
	}
	return 1;
}

static int parse_entry(const char *p, size_t n, smtp_host_entry *e, char *err, size_t errlen)
{
	char q[80];
	const char *host = p;
	size_t hn = n, colons = 0, i;
	const char *portp = NULL;
	size_t portn = 0;
	int ipv6 = 0;

	quote(q, sizeof q, p, n);
	if (n == 0) {
		if (err && errlen) {
			snprintf(err, errlen, "The host list has an empty entry.");
		}
		return -1;
	}
	if (p[0] == '[') {
		const char *rb = memchr(p, ']', n);
		if (rb == NULL) {
			if (err && errlen) {
				snprintf(err, errlen, "Unclosed '[' in host entry \"%s\".", q);
			}
			return -1;
		}
		host = p + 1;
		hn = (size_t)(rb - host);
		ipv6 = 1;
		i = (size_t)(rb - p) + 1;
		if (i < n) {
			if (p[i] != ':') {
				if (err && errlen) {
					snprintf(err, errlen, "Unexpected text after ']' in host entry \"%s\".", q);
				}
				return -1;
			}
			portp = p + i + 1;
			portn = n - i - 1;
			if (portn == 0) {
				if (err && errlen) {
					snprintf(err, errlen, "Missing port after ':' in host entry \"%s\".", q);
				}
				return -1;
			}
		}
	} else {
		for (i = 0; i < n; i++) {
			if (p[i] == ':') {
				colons++;
			}
		}
		if (colons == 1) {
			const char *c = memchr(p, ':', n);
			hn = (size_t)(c - p);
			portp = c + 1;
			portn = n - hn - 1;
			if (portn == 0) {
				if (err && errlen) {
					snprintf(err, errlen, "Missing port after ':' in host entry \"%s\".", q);
				}
				return -1;
			}
		} else if (colons > 1) {
			ipv6 = 1; /* a bare IPv6 literal: no port */
		}
	}
	if (hn == 0) {
		if (err && errlen) {
			snprintf(err, errlen, "Missing host name in host entry \"%s\".", q);
		}
		return -1;
	}
	if (hn >= sizeof e->host) {
		if (err && errlen) {
			snprintf(err, errlen, "Host name longer than 255 bytes in host entry \"%s\".", q);
		}
		return -1;
	}
	if (!host_chars_ok(host, hn, ipv6)) {
		if (err && errlen) {
			snprintf(err, errlen, "Invalid character in host entry \"%s\".", q);
		}
		return -1;
	}
	e->port = 0;
	if (portp != NULL) {
		int port = parse_port(portp, portn);
		if (port < 0) {
			if (err && errlen) {
				snprintf(err, errlen, "Invalid port in host entry \"%s\" (must be 1 to 65535).", q);
			}
			return -1;
		}
		e->port = port;
	}
	memcpy(e->host, host, hn);
	e->host[hn] = '\0';
	return 0;
}

int smtp_host_list_parse(const char *hosts, smtp_host_entry *out, int max, char *err, size_t errlen)
{
	const char *p = hosts;
	int count = 0;

	if (err && errlen) {
		err[0] = '\0';
	}
	if (hosts == NULL) {
		return 0;
	}
	/* an entirely blank list has no entries */
	while (*p && is_ws((unsigned char)*p)) {
		p++;
	}
	if (*p == '\0') {
		return 0;
	}

	p = hosts;
	for (;;) {
		const char *end = strchr(p, ',');
		const char *a = p, *b = end ? end : p + strlen(p);
		while (a < b && is_ws((unsigned char)*a)) {
			a++;
		}
		while (b > a && is_ws((unsigned char)b[-1])) {
			b--;
		}
		if (count >= max) {
			if (err && errlen) {
				snprintf(err, errlen, "The host list has more than %d entries.", max);
			}
			return -1;
		}
		if (parse_entry(a, (size_t)(b - a), &out[count], err, errlen) != 0) {
			return -1;
		}
		count++;
		if (end == NULL) {
			break;
		}
		p = end + 1;
	}
	return count;
}

int smtp_domain_valid(const char *d)
{
	size_t len = strlen(d), label = 0, i;

	if (len == 0 || len > 253) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		char c = d[i];
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-') {
				return 0;
			}
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
			return 0;
		}
		if (c == '-' && label == 0) {
			return 0;
		}
		if (++label > 63) {
			return 0;
		}
	}
	return label > 0 && d[len - 1] != '-';
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 section 4.1.3) */
static int valid_address_literal(const char *d)
{
	char inner[80];
	unsigned char tmp[sizeof(struct in6_addr)];
	size_t len = strlen(d);

	if (len < 3 || len - 2 >= sizeof(inner) || d[0] != '[' || d[len - 1] != ']') {
		return 0;
	}
	memcpy(inner, d + 1, len - 2);
	inner[len - 2] = '\0';
	if (strncasecmp(inner, "IPv6:", 5) == 0) {
		return inet_pton(AF_INET6, inner + 5, tmp) == 1;
	}
	return inet_pton(AF_INET, inner, tmp) == 1;
}

int smtp_helo_valid(const char *name)
{
	return name && (smtp_domain_valid(name) || valid_address_literal(name));
}

static void key_add(EVP_MD_CTX *md, const char *field, const char *v)
{
	v = v ? v : "";
	EVP_DigestUpdate(md, field, strlen(field) + 1);
	EVP_DigestUpdate(md, v, strlen(v) + 1);
}

void smtp_config_key(const smtp_config *cfg, const char *helo, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char num[64];
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	memset(out, '0', 64);
	out[64] = '\0';
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return; /* an all-zero key: every call still opens its own session (see pool.c) */
	}
	key_add(md, "hosts", cfg->hosts);
	snprintf(num, sizeof(num), "%d/%d/%d/%d/%d", cfg->port, (int)cfg->encryption, (int)cfg->auth, cfg->verify_peer,
	         cfg->allow_insecure_auth);
	key_add(md, "numbers", num);
	key_add(md, "username", cfg->username);
	key_add(md, "secret", cfg->password);
	key_add(md, "helo", helo);
	key_add(md, "cafile", cfg->cafile);
	key_add(md, "oauth", cfg->oauth_key);
	if (EVP_DigestFinal_ex(md, d, &n) == 1) {
		for (i = 0; i < n && i < 32; i++) {
			out[2 * i] = hex[d[i] >> 4];
			out[2 * i + 1] = hex[d[i] & 15];
		}
	}
	EVP_MD_CTX_free(md);
}

int smtp_auto_detects_tls(int port)
{
	return port > 0 && port != 25 && port != 465 && port != 587 && port != 2525;
}
