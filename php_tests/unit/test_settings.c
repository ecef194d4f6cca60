/* Unit tests of ext/core/config.c: setting names and the smarthost list. */
#include "unit.h"
#include "settings.h"

static char err[256];
static smtp_host_entry H[8];

static int L(const char *s)
{
	err[0] = '\0';
	memset(H, 0x55, sizeof H);
	return smtp_host_list_parse(s, H, 8, err, sizeof err);
}

static void test_encryption(void)
{
	smtp_encryption e = SMTP_ENC_NONE;
	CHECK(smtp_encryption_parse("auto", &e) == 0 && e == SMTP_ENC_AUTO);
	CHECK(smtp_encryption_parse("tls", &e) == 0 && e == SMTP_ENC_TLS);
	CHECK(smtp_encryption_parse("starttls", &e) == 0 && e == SMTP_ENC_TLS);
	CHECK(smtp_encryption_parse("STARTTLS", &e) == 0 && e == SMTP_ENC_TLS);
	CHECK(smtp_encryption_parse("ssl", &e) == 0 && e == SMTP_ENC_SSL);
	CHECK(smtp_encryption_parse("SSL", &e) == 0 && e == SMTP_ENC_SSL);
	CHECK(smtp_encryption_parse("smtps", &e) == 0 && e == SMTP_ENC_SSL);
	CHECK(smtp_encryption_parse("Implicit", &e) == 0 && e == SMTP_ENC_SSL);
	CHECK(smtp_encryption_parse("none", &e) == 0 && e == SMTP_ENC_NONE);
	CHECK(smtp_encryption_parse(" Tls ", &e) == 0 && e == SMTP_ENC_TLS);
	e = SMTP_ENC_TLS;
	CHECK(smtp_encryption_parse("tls1.2", &e) == -1);
	CHECK(e == SMTP_ENC_TLS);                 /* untouched on failure */
	CHECK(smtp_encryption_parse("", &e) == -1);
	CHECK(smtp_encryption_parse("yes", &e) == -1);
	CHECK(smtp_encryption_parse("ssltls", &e) == -1);
	CHECK(smtp_encryption_parse(NULL, &e) == -1);
	CHECK_STR(smtp_encryption_name(SMTP_ENC_AUTO), "auto");
	CHECK_STR(smtp_encryption_name(SMTP_ENC_TLS), "tls");
	CHECK_STR(smtp_encryption_name(SMTP_ENC_SSL), "ssl");
	CHECK_STR(smtp_encryption_name(SMTP_ENC_NONE), "none");
	/* every name parses back to itself */
	{
		int i;
		for (i = SMTP_ENC_AUTO; i <= SMTP_ENC_NONE; i++) {
			CHECK(smtp_encryption_parse(smtp_encryption_name((smtp_encryption)i), &e) == 0 && (int)e == i);
		}
	}
}

static void test_auth(void)
{
	smtp_auth_mech m = SMTP_AUTH_NONE;
	int i;
	CHECK(smtp_auth_parse("auto", &m) == 0 && m == SMTP_AUTH_AUTO);
	CHECK(smtp_auth_parse("PLAIN", &m) == 0 && m == SMTP_AUTH_PLAIN);
	CHECK(smtp_auth_parse("login", &m) == 0 && m == SMTP_AUTH_LOGIN);
	CHECK(smtp_auth_parse("CRAM-MD5", &m) == 0 && m == SMTP_AUTH_CRAM_MD5);
	CHECK(smtp_auth_parse("cram_md5", &m) == 0 && m == SMTP_AUTH_CRAM_MD5);
	CHECK(smtp_auth_parse("XOAUTH2", &m) == 0 && m == SMTP_AUTH_XOAUTH2);
	CHECK(smtp_auth_parse("none", &m) == 0 && m == SMTP_AUTH_NONE);
	CHECK(smtp_auth_parse("digest-md5", &m) == -1);
	CHECK(smtp_auth_parse("", &m) == -1);
	CHECK(smtp_auth_parse(NULL, &m) == -1);
	CHECK_STR(smtp_auth_name(SMTP_AUTH_CRAM_MD5), "cram-md5");
	CHECK_STR(smtp_auth_name(SMTP_AUTH_XOAUTH2), "xoauth2");
	CHECK_STR(smtp_auth_name(SMTP_AUTH_PLAIN), "plain");
	CHECK_STR(smtp_auth_name(SMTP_AUTH_LOGIN), "login");
	CHECK_STR(smtp_auth_name(SMTP_AUTH_AUTO), "auto");
	CHECK_STR(smtp_auth_name(SMTP_AUTH_NONE), "none");
	for (i = SMTP_AUTH_AUTO; i <= SMTP_AUTH_NONE; i++) {
		CHECK(smtp_auth_parse(smtp_auth_name((smtp_auth_mech)i), &m) == 0 && (int)m == i);
	}
}

static void test_hosts(void)
{
	CHECK(L("smtp.gmail.com") == 1);
	CHECK_STR(H[0].host, "smtp.gmail.com");
	CHECK(H[0].port == 0);

	CHECK(L("a.example, b.example:2525, [::1]:587") == 3);
	CHECK_STR(H[0].host, "a.example");
	CHECK(H[0].port == 0);
	CHECK_STR(H[1].host, "b.example");
	CHECK(H[1].port == 2525);
	CHECK_STR(H[2].host, "::1");
	CHECK(H[2].port == 587);

	CHECK(L("  127.0.0.1:25  ,\t[2001:db8::1]  ") == 2);
	CHECK_STR(H[0].host, "127.0.0.1");
	CHECK(H[0].port == 25);
	CHECK_STR(H[1].host, "2001:db8::1");
	CHECK(H[1].port == 0);

	CHECK(L("::1") == 1);                         /* bare IPv6: host, no port */
	CHECK_STR(H[0].host, "::1");
	CHECK(H[0].port == 0);
	CHECK(L("2001:db8::25") == 1);
	CHECK_STR(H[0].host, "2001:db8::25");
	CHECK(H[0].port == 0);
	CHECK(L("fe80::1%eth0") == 1);

	CHECK(L("h:1") == 1 && H[0].port == 1);
	CHECK(L("h:65535") == 1 && H[0].port == 65535);
	CHECK(L("") == 0);
	CHECK(L("   ") == 0);
	CHECK(smtp_host_list_parse(NULL, H, 8, err, sizeof err) == 0);
}

static int E(const char *s, const char *needle)
{
	return L(s) == -1 && strstr(err, needle) != NULL;
}

static void test_host_errors(void)
{
	char big[400];
	CHECK(E("h:0", "Invalid port"));
	CHECK(E("h:65536", "Invalid port"));
	CHECK(E("h:99999999999", "Invalid port"));
	CHECK(E("h:-1", "Invalid port"));
	CHECK(E("h:+25", "Invalid port"));
	CHECK(E("h:25x", "Invalid port"));
	CHECK(E("h: 25", "Invalid port"));
	CHECK(E("h:", "Missing port"));
	CHECK(E("[::1]:", "Missing port"));
	CHECK(E("[::1]:0", "Invalid port"));
	CHECK(E("[::1", "Unclosed '['"));
	CHECK(E("[::1]x", "Unexpected text after ']'"));
	CHECK(E("[]:25", "Missing host"));
	CHECK(E(":25", "Missing host"));
	CHECK(E("a, ,b", "empty entry"));
	CHECK(E("a,", "empty entry"));
	CHECK(E(",a", "empty entry"));
	CHECK(E("a b", "Invalid character"));
	CHECK(E("a\nb", "Invalid character"));
	CHECK(E("user@host", "Invalid character"));
	CHECK(E("h:25", "x") == 0);
	memset(big, 'a', sizeof big);
	big[256] = '\0';
	CHECK(E(big, "longer than 255"));
	CHECK(strlen(err) < 200);
	big[255] = '\0';
	CHECK(L(big) == 1);
	CHECK(strlen(H[0].host) == 255);
	/* more entries than room */
	CHECK(smtp_host_list_parse("a,b,c", H, 2, err, sizeof err) == -1);
	CHECK(strstr(err, "more than 2") != NULL);
	CHECK(smtp_host_list_parse("a,b", H, 2, err, sizeof err) == 2);
	CHECK(E("good:25, bad:0", "\"bad:0\""));       /* names the bad entry */
}

static void test_auto_detects_tls(void)
{
	CHECK(!smtp_auto_detects_tls(25) && !smtp_auto_detects_tls(587) && !smtp_auto_detects_tls(2525));
	CHECK(!smtp_auto_detects_tls(465)); /* implicit TLS from the start */
	CHECK(smtp_auto_detects_tls(10465) && smtp_auto_detects_tls(4650) && smtp_auto_detects_tls(8025));
	CHECK(!smtp_auto_detects_tls(0) && !smtp_auto_detects_tls(-1));
}

static void run_tests(void)
{
	test_auto_detects_tls();
	test_encryption();
	test_auth();
	test_hosts();
	test_host_errors();
}
