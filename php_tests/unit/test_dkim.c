/* Unit tests of ext/core/dkim.c: the relaxed canonicalisations (RFC 6376 3.4.2, 3.4.4 and the example
 * of 3.4.5), the body canonicalisation fed in pieces of every size, the header selection and the key
 * checks (type, size, count, PEM). The signatures themselves are verified by python3-dkim in
 * php_tests/dkim/. */
#include "unit.h"
#include "dkim.h"
#include "buf.h"
#include "error.h"
#include "hint.h"
#include "message.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>

static void collect(void *ctx, const char *p, size_t n)
{
	smtp_buf_append(ctx, p, n);
}

/* The relaxed body canonicalisation of in, fed in pieces of step bytes (0: one piece). */
static void body_canon(const char *in, size_t step, smtp_buf *out)
{
	smtp_dkim_body_canon c;
	size_t n = strlen(in), i;

	smtp_buf_reset(out);
	smtp_buf_append(out, "", 0);
	smtp_dkim_body_init(&c, collect, out);
	if (step == 0) {
		step = n ? n : 1;
	}
	for (i = 0; i < n; i += step) {
		smtp_dkim_body_feed(&c, in + i, n - i < step ? n - i : step);
	}
	smtp_dkim_body_end(&c);
}

static void check_body(const char *in, const char *want)
{
	smtp_buf out;
	size_t step, n = strlen(in);
	int same = 1;

	smtp_buf_init(&out, 0);
	body_canon(in, 0, &out);
	CHECK_MEM(out.data, out.len, want);
	for (step = 1; step <= n; step++) {
		body_canon(in, step, &out);
		if (out.len != strlen(want) || memcmp(out.data, want, out.len) != 0) {
			same = 0;
		}
	}
	CHECK(same);
	smtp_buf_free(&out);
}

static void check_header(const char *in, int crlf, const char *want)
{
	smtp_buf out;
	smtp_buf_init(&out, 0);
	CHECK(smtp_dkim_canon_header(in, strlen(in), crlf, &out) == 0);
	CHECK_MEM(out.data, out.len, want);
	smtp_buf_free(&out);
}

/* A PEM private key made here: "rsa" with bits, "ed25519", "ec". */
static char *make_pem(const char *type, int bits, size_t *len)
{
	EVP_PKEY *k = NULL;
	EVP_PKEY_CTX *c = NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	if (strcmp(type, "rsa") == 0) {
		c = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
		EVP_PKEY_keygen_init(c);
		EVP_PKEY_CTX_set_rsa_keygen_bits(c, bits);
	} else if (strcmp(type, "ed25519") == 0) {
		c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
		EVP_PKEY_keygen_init(c);
	} else {
		c = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
		EVP_PKEY_keygen_init(c);
		EVP_PKEY_CTX_set_ec_paramgen_curve_nid(c, NID_X9_62_prime256v1);
	}
	EVP_PKEY_keygen(c, &k);
	PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(bio, &p);
	out = malloc((size_t)n + 1);
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	BIO_free(bio);
	EVP_PKEY_free(k);
	EVP_PKEY_CTX_free(c);
	return out;
}

static int load(const char *domain, const char *sel, const char *pem, size_t len, char *err, size_t errlen)
{
	smtp_dkim_key_text k = {pem, len, "/etc/dkim/test.pem"};
	smtp_dkim_signer *s;

	err[0] = '\0';
	s = smtp_dkim_signer_new(domain, sel, &k, 1, err, errlen);
	smtp_dkim_signer_free(s);
	return s != NULL;
}

static void run_tests(void)
{
	char err[400], desc[400];
	size_t rlen = 0, elen = 0, clen = 0, slen = 0;
	char *rsa, *ed, *ec, *small;

	/* the typed error of a DKIM failure: its stage and cause, not worth a retry, a hint naming the settings */
	{
		smtp_err e;
		smtp_hint_facts f;
		char h[512];
		memset(&f, 0, sizeof f);
		smtp_err_set(&e, SMTP_STAGE_DKIM, smtp_cause_class(SMTP_CAUSE_DKIM), SMTP_CAUSE_DKIM, 0, NULL);
		CHECK_STR(smtp_stage_name(SMTP_STAGE_DKIM), "dkim");
		CHECK_STR(smtp_cause_name(SMTP_CAUSE_DKIM), "dkim");
		CHECK(e.cls == SMTP_ERR_LOCAL);
		CHECK(!smtp_err_is_transient(&e));
		smtp_hint(&e, "", &f, h, sizeof h);
		CHECK(strstr(h, "smtp.dkim_private_key") != NULL && strstr(h, "Nothing was sent") == h);
	}
	/* RFC 6376 3.4.5 */
	check_header("A: X\r\n", 1, "a:X\r\n");
	check_header("B : Y\t\r\n\tZ  \r\n", 1, "b:Y Z\r\n");
	check_body(" C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n");
	/* header: case of the value kept, white space before and after the colon, folds */
	check_header("SUBJECT:   Hello \t  World  ", 0, "subject:Hello World");
	check_header("To: a@example.org,\r\n b@example.org\r\n", 1, "to:a@example.org, b@example.org\r\n");
	check_header("X-Empty:\r\n", 1, "x-empty:\r\n");
	check_header("X-Empty:   \r\n", 1, "x-empty:\r\n");
	/* body: empty, only empty lines, white-space-only lines, a missing last CRLF, 8-bit bytes */
	check_body("", "");
	check_body("\r\n\r\n\r\n", "");
	check_body("  \r\n\t\r\n", "");
	check_body("a\r\n \r\n\r\nb\r\n\r\n", "a\r\n\r\n\r\nb\r\n");
	check_body("no end", "no end\r\n");
	check_body("\xc3\xa4  \xff\t\r\n.dot\r\n..\r\n", "\xc3\xa4 \xff\r\n.dot\r\n..\r\n");
	check_body("\tlead\r\n", " lead\r\n");

	/* keys */
	rsa = make_pem("rsa", 2048, &rlen);
	ed = make_pem("ed25519", 0, &elen);
	ec = make_pem("ec", 0, &clen);
	small = make_pem("rsa", 512, &slen);
	CHECK(load("example.com", "s1", rsa, rlen, err, sizeof err));
	CHECK(load("example.com", "s1", ed, elen, err, sizeof err));
	CHECK(!load("example.com", "s1", ec, clen, err, sizeof err));
	CHECK_STR(err, "smtp.dkim_private_key: /etc/dkim/test.pem is an EC (ECDSA) key: DKIM signs with RSA "
	               "(rsa-sha256) or Ed25519 (ed25519-sha256)");
	CHECK(!load("example.com", "s1", small, slen, err, sizeof err));
	CHECK_STR(err, "smtp.dkim_private_key: /etc/dkim/test.pem is a 512-bit RSA key: DKIM needs at least 1024 "
	               "bits (2048 recommended)");
	CHECK(!load("example.com", "s1", "not a key\n", 10, err, sizeof err));
	CHECK(strstr(err, "is not a private key in PEM format") != NULL);
	CHECK(!load("example.com", "s1", rsa, rlen / 2, err, sizeof err)); /* cut short */
	CHECK(strstr(err, "is not a private key in PEM format") != NULL);
	CHECK(!load("", "s1", rsa, rlen, err, sizeof err));
	CHECK(strstr(err, "smtp.dkim_domain is empty") == err);
	CHECK(!load("example.com", "", rsa, rlen, err, sizeof err));
	CHECK(strstr(err, "smtp.dkim_selector is empty") == err);
	CHECK(!load("exa mple.com", "s1", rsa, rlen, err, sizeof err));
	CHECK(strstr(err, "is not a valid domain name") != NULL);
	CHECK(!load("example.com", "s_1", rsa, rlen, err, sizeof err));
	CHECK(strstr(err, "\"s_1\" is not a valid selector") != NULL);
	CHECK(!load("example.com", "s1, s2", rsa, rlen, err, sizeof err));
	CHECK_STR(err, "smtp.dkim_selector names 2 selectors but smtp.dkim_private_key 1 key: give one selector "
	               "per key, in the same order");
	{
		smtp_dkim_key_text k[2] = {{rsa, rlen, "a.pem"}, {ed, elen, "b.pem"}};
		smtp_dkim_signer *s = smtp_dkim_signer_new("example.com", " rsa1 ,ed1", k, 2, err, sizeof err);
		smtp_message_input in;
		smtp_message m;
		smtp_buf sig;
		const char *raw = "To: a@example.org\r\nSubject: x\r\nFrom: b@example.com\r\nCc: c@example.org\r\n"
		                  "X-Other: not signed\r\nReceived: not signed\r\n\r\nbody\n";

		CHECK(s != NULL);
		smtp_dkim_signer_describe(s, desc, sizeof desc);
		CHECK_STR(desc, "d=example.com: s=rsa1 (rsa-sha256, 2048 bits), s=ed1 (ed25519-sha256)");
		memset(&in, 0, sizeof in);
		in.raw = raw;
		in.raw_len = strlen(raw);
		in.msgid_domain = "example.com";
		in.now = 1700000000;
		smtp_message_init(&m);
		CHECK(smtp_message_prepare(&in, &m, err, sizeof err) == 0);
		smtp_buf_init(&sig, 0);
		CHECK(smtp_dkim_sign(s, &m, 1700000000, &sig, err, sizeof err) == 0);
		{
			static const char head[] = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=rsa1;\r\n"
			                           "\tt=1700000000; h=from:from:subject:date:to:cc:message-id;\r\n\tbh=";
			CHECK(strncmp(sig.data, head, sizeof(head) - 1) == 0);
		}
		CHECK(strstr(sig.data, "\r\nDKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; "
		                       "s=ed1;\r\n")
		      != NULL);
		/* relaxed body hash of "body\r\n" */
		CHECK(strstr(sig.data, "bh=Ck5SoRNWUpSR4X0COv7R5ub2pUTtl6xz4dTFz++ji4M=;") != NULL);
		CHECK(strstr(sig.data, "x-other") == NULL && strstr(sig.data, "received") == NULL);
		CHECK(sig.len > 2 && memcmp(sig.data + sig.len - 2, "\r\n", 2) == 0);
		smtp_buf_free(&sig);
		smtp_message_free(&m);
		smtp_dkim_signer_free(s);
	}
	free(rsa);
	free(ed);
	free(ec);
	free(small);
}
