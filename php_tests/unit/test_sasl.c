/* SASL: base64 (RFC 4648 vectors), PLAIN (RFC 4616), CRAM-MD5 (RFC 2195), XOAUTH2, choose(). */
#include "unit.h"
#include "sasl.h"

static void check_encode(const char *in, const char *want)
{
	smtp_buf b;
	smtp_buf_init(&b, 0);
	CHECK(smtp_base64_encode((const unsigned char *)in, strlen(in), &b) == 0);
	CHECK_MEM(b.data ? b.data : "", b.len, want);
	smtp_buf_free(&b);
}

static void check_decode(const char *in, const char *want)
{
	smtp_buf b;
	smtp_buf_init(&b, 0);
	CHECK(smtp_base64_decode(in, strlen(in), &b) == 0);
	CHECK_MEM(b.data ? b.data : "", b.len, want);
	smtp_buf_free(&b);
}

static int decode_fails(const char *in)
{
	smtp_buf b;
	int rc;
	smtp_buf_init(&b, 0);
	rc = smtp_base64_decode(in, strlen(in), &b);
	smtp_buf_free(&b);
	return rc == -1;
}

static void test_base64(void)
{
	/* RFC 4648 section 10 */
	check_encode("", "");
	check_encode("f", "Zg==");
	check_encode("fo", "Zm8=");
	check_encode("foo", "Zm9v");
	check_encode("foob", "Zm9vYg==");
	check_encode("fooba", "Zm9vYmE=");
	check_encode("foobar", "Zm9vYmFy");
	check_decode("", "");
	check_decode("Zg==", "f");
	check_decode("Zm8=", "fo");
	check_decode("Zm9v", "foo");
	check_decode("Zm9vYg==", "foob");
	check_decode("Zm9vYmE=", "fooba");
	check_decode("Zm9vYmFy", "foobar");
	check_decode("Zm9vYg", "foob");        /* padding left out */
	check_decode("VXNlcm5hbWU6", "Username:");
	check_decode("UGFzc3dvcmQ6", "Password:");

	/* binary, all byte values round trip */
	{
		unsigned char all[256];
		smtp_buf e, d;
		int i;
		for (i = 0; i < 256; i++) all[i] = (unsigned char)i;
		smtp_buf_init(&e, 0);
		smtp_buf_init(&d, 0);
		CHECK(smtp_base64_encode(all, sizeof(all), &e) == 0);
		CHECK(e.len == 344);
		CHECK(smtp_base64_decode(e.data, e.len, &d) == 0);
		CHECK(d.len == 256 && memcmp(d.data, all, 256) == 0);
		smtp_buf_free(&e);
		smtp_buf_free(&d);
	}
	/* appends to what is there */
	{
		smtp_buf b;
		smtp_buf_init(&b, 0);
		smtp_buf_puts(&b, "AUTH PLAIN ");
		CHECK(smtp_base64_encode((const unsigned char *)"foo", 3, &b) == 0);
		CHECK_STR(b.data, "AUTH PLAIN Zm9v");
		smtp_buf_free(&b);
	}

	CHECK(decode_fails("Z"));            /* one leftover character */
	CHECK(decode_fails("Zm9v!"));
	CHECK(decode_fails("Zm 9v"));
	CHECK(decode_fails("Zm9vYg=")); /* wrong padding */
	CHECK(decode_fails("Zh=="));    /* non-canonical trailing bits */
	CHECK(decode_fails("Zm=9v"));
	CHECK(decode_fails("===="));
	/* a failed decode leaves the buffer as it was */
	{
		smtp_buf b;
		smtp_buf_init(&b, 0);
		smtp_buf_puts(&b, "keep");
		CHECK(smtp_base64_decode("Zm9v*m9v", 8, &b) == -1);
		CHECK_STR(b.data, "keep");
		smtp_buf_free(&b);
	}
	/* a buffer limit is honoured */
	{
		smtp_buf b;
		smtp_buf_init(&b, 3);
		CHECK(smtp_base64_encode((const unsigned char *)"foob", 4, &b) == -1);
		CHECK(b.len == 0);
		smtp_buf_free(&b);
	}
}

static void test_plain(void)
{
	smtp_buf b;

	/* RFC 4616 section 4 (and RFC 4954's example): authcid tim, password tanstaaftanstaaf */
	smtp_buf_init(&b, 0);
	CHECK(smtp_sasl_plain("tim", "tanstaaftanstaaf", &b) == 0);
	CHECK_STR(b.data, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	smtp_buf_free(&b);

	smtp_buf_init(&b, 0);
	CHECK(smtp_sasl_plain("user@example.org", "p@ss w:rd", &b) == 0);
	{
		smtp_buf d;
		smtp_buf_init(&d, 0);
		CHECK(smtp_base64_decode(b.data, b.len, &d) == 0);
		CHECK(d.len == 1 + 16 + 1 + 9);
		CHECK(d.data[0] == '\0');
		CHECK(memcmp(d.data + 1, "user@example.org\0p@ss w:rd", 26) == 0);
		smtp_buf_free(&d);
	}
	smtp_buf_free(&b);

	/* empty password still gives the two separators */
	smtp_buf_init(&b, 0);
	CHECK(smtp_sasl_plain("a", "", &b) == 0);
	CHECK_STR(b.data, "AGEA");
	smtp_buf_free(&b);
}

static void test_cram_md5(void)
{
	smtp_buf b;
	smtp_buf chal;
	const char *challenge = "<1896.697170952@postoffice.reston.mci.net>";

	/* RFC 2195 section 2: the server's challenge in base64, the client's answer */
	smtp_buf_init(&chal, 0);
	CHECK(smtp_base64_encode((const unsigned char *)challenge, strlen(challenge), &chal) == 0);
	CHECK_STR(chal.data, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");

	smtp_buf_init(&b, 0);
	CHECK(smtp_sasl_cram_md5("tim", "tanstaaftanstaaf", chal.data, chal.len, &b) == 0);
	CHECK_STR(b.data, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	{
		smtp_buf d;
		smtp_buf_init(&d, 0);
		CHECK(smtp_base64_decode(b.data, b.len, &d) == 0);
		CHECK_STR(d.data, "tim b913a602c7eda7a495b4e6e7334d3890");
		smtp_buf_free(&d);
	}
	smtp_buf_free(&b);
	smtp_buf_free(&chal);

	/* an invalid challenge is refused */
	smtp_buf_init(&b, 0);
	CHECK(smtp_sasl_cram_md5("tim", "x", "not base64!", 11, &b) == -1);
	CHECK(b.len == 0);
	smtp_buf_free(&b);

	/* a password longer than the HMAC block (64 bytes) is hashed first: still works */
	smtp_buf_init(&b, 0);
	CHECK(smtp_sasl_cram_md5("u", "0123456789012345678901234567890123456789012345678901234567890123456789",
	                         "PDE+", 4, &b) == 0);
	CHECK(b.len > 0);
	smtp_buf_free(&b);
}

static void test_xoauth2(void)
{
	smtp_buf b, d;
	smtp_buf_init(&b, 0);
	smtp_buf_init(&d, 0);
	CHECK(smtp_sasl_xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", &b) == 0);
	/* the example of Google's XOAUTH2 documentation */
	CHECK_STR(b.data, "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
	CHECK(smtp_base64_decode(b.data, b.len, &d) == 0);
	CHECK_STR(d.data, "user=someuser@example.com\001auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\001\001");
	smtp_buf_free(&b);
	smtp_buf_free(&d);
}

static void test_choose(void)
{
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "PLAIN LOGIN", 1) == SMTP_AUTH_PLAIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "LOGIN PLAIN CRAM-MD5", 0) == SMTP_AUTH_CRAM_MD5);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "LOGIN PLAIN CRAM-MD5", 1) == SMTP_AUTH_PLAIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "LOGIN CRAM-MD5", 1) == SMTP_AUTH_LOGIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "CRAM-MD5", 1) == SMTP_AUTH_CRAM_MD5);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "LOGIN CRAM-MD5", 0) == SMTP_AUTH_CRAM_MD5);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "LOGIN", 1) == SMTP_AUTH_LOGIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "login plain", 1) == SMTP_AUTH_PLAIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "XOAUTH2", 1) == SMTP_AUTH_NONE);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "XOAUTH2 OAUTHBEARER LOGIN", 1) == SMTP_AUTH_LOGIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "GSSAPI NTLM", 1) == SMTP_AUTH_NONE);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "", 1) == SMTP_AUTH_NONE);
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, NULL, 1) == SMTP_AUTH_NONE);
	/* words, not substrings */
	CHECK(smtp_sasl_choose(SMTP_AUTH_AUTO, "PLAINX XLOGIN CRAM-MD5X", 1) == SMTP_AUTH_NONE);
	CHECK(smtp_sasl_choose(SMTP_AUTH_PLAIN, "PLAINTEXT", 1) == SMTP_AUTH_NONE);
	/* an explicit choice is honoured only when offered */
	CHECK(smtp_sasl_choose(SMTP_AUTH_LOGIN, "PLAIN LOGIN CRAM-MD5", 1) == SMTP_AUTH_LOGIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_LOGIN, "PLAIN CRAM-MD5", 1) == SMTP_AUTH_NONE);
	CHECK(smtp_sasl_choose(SMTP_AUTH_PLAIN, "LOGIN\tPLAIN", 1) == SMTP_AUTH_PLAIN);
	CHECK(smtp_sasl_choose(SMTP_AUTH_CRAM_MD5, "cram-md5", 1) == SMTP_AUTH_CRAM_MD5);
	CHECK(smtp_sasl_choose(SMTP_AUTH_XOAUTH2, "PLAIN XOAUTH2", 1) == SMTP_AUTH_XOAUTH2);
	CHECK(smtp_sasl_choose(SMTP_AUTH_XOAUTH2, "PLAIN LOGIN", 1) == SMTP_AUTH_NONE);
	CHECK(smtp_sasl_choose(SMTP_AUTH_NONE, "PLAIN LOGIN", 1) == SMTP_AUTH_NONE);
}

static void run_tests(void)
{
	test_base64();
	test_plain();
	test_cram_md5();
	test_xoauth2();
	test_choose();
}
