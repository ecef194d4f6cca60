/* Unit tests of ext/core/address.c: RFC 5322 address lists and envelope addresses. */
#include "unit.h"
#include "address.h"

#include <stdlib.h>

static char errbuf[256];

/* Parses `in` into a fresh list and returns the addresses joined by '|' (or "ERR" on -1). */
static const char *parse(const char *in)
{
	static char joined[4096];
	smtp_strlist l;
	size_t i, k = 0;
	int n;

	smtp_strlist_init(&l);
	errbuf[0] = 'x';
	errbuf[1] = '\0';
	n = smtp_address_list_parse(in, strlen(in), &l, errbuf, sizeof errbuf);
	if (n < 0) {
		smtp_strlist_free(&l);
		return "ERR";
	}
	joined[0] = '\0';
	if ((size_t)n != l.count) {
		smtp_strlist_free(&l);
		return "COUNT MISMATCH";
	}
	for (i = 0; i < l.count; i++) {
		k += (size_t)snprintf(joined + k, sizeof joined - k, "%s%s", i ? "|" : "", l.items[i]);
		if (k >= sizeof joined) break;
	}
	smtp_strlist_free(&l);
	return joined;
}

static int count(const char *in)
{
	smtp_strlist l;
	int n;
	smtp_strlist_init(&l);
	n = smtp_address_list_parse(in, strlen(in), &l, errbuf, sizeof errbuf);
	smtp_strlist_free(&l);
	return n;
}

static void test_simple(void)
{
	CHECK_STR(parse("john@example.com"), "john@example.com");
	CHECK_STR(parse("  john@example.com  "), "john@example.com");
	CHECK_STR(parse("a@x.org, b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse("a@x.org,b@y.org,c@z.org"), "a@x.org|b@y.org|c@z.org");
	CHECK_STR(parse("<a@x.org>"), "a@x.org");
	CHECK_STR(parse("John <john@example.com>"), "john@example.com");
	CHECK_STR(parse("John Q. Public <jqp@example.com>"), "jqp@example.com");
	CHECK_STR(parse("< a@x.org >"), "a@x.org");
	CHECK_STR(parse("root"), "root");
	CHECK_STR(parse("first.last+tag@sub.example.co.uk"), "first.last+tag@sub.example.co.uk");
	CHECK_STR(parse("o'brien@example.ie"), "o'brien@example.ie");
	CHECK_STR(parse("user@[192.0.2.1]"), "user@[192.0.2.1]");
	CHECK_STR(parse("user@[IPv6:2001:db8::1]"), "user@[IPv6:2001:db8::1]");
	CHECK_STR(parse("John <user@[IPv6:2001:db8::1]>, x@y.z"), "user@[IPv6:2001:db8::1]|x@y.z");
	CHECK(count("") == 0);
	CHECK(count("   ") == 0);
	CHECK(smtp_address_list_parse(NULL, 0, NULL, errbuf, sizeof errbuf) == 0);
	CHECK(count("a@x.org, b@y.org") == 2);
}

static void test_display_names(void)
{
	/* the example a user checks first: a comma inside a quoted display name */
	CHECK(count("\"Doe, John\" <john@example.com>, =?UTF-8?B?w6k=?= <e@x.org>") == 2);
	CHECK_STR(parse("\"Doe, John\" <john@example.com>, =?UTF-8?B?w6k=?= <e@x.org>"),
	          "john@example.com|e@x.org");
	CHECK_STR(parse("\"Smith, Jane; CEO\" <jane@example.com>"), "jane@example.com");
	CHECK_STR(parse("\"a <b@c.d>\" <real@example.com>"), "real@example.com");
	CHECK_STR(parse("\"He said \\\"hi\\\"\" <q@example.com>"), "q@example.com");
	CHECK_STR(parse("\"back\\\\slash\" <b@example.com>"), "b@example.com");
	CHECK_STR(parse("\"\" <empty@example.com>"), "empty@example.com");
	CHECK_STR(parse("J\xc3\xa9r\xc3\xb4me <jerome@example.fr>"), "jerome@example.fr");
	CHECK_STR(parse("=?UTF-8?Q?J=C3=A9r=C3=B4me_Doe,_Jr?= <j@example.fr>"), "j@example.fr");
	CHECK_STR(parse("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"), "PIRARD@vm1.ulg.ac.be");
	CHECK_STR(parse("=?UTF-8?B?5bGx55Sw?= =?UTF-8?B?5aSq6YOO?= <yamada@example.jp>"), "yamada@example.jp");
	CHECK_STR(parse("user@example.com <other@example.com>"), "other@example.com");
	CHECK_STR(parse("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>"),
	          "mary@x.test|jdoe@example.org|one@y.test");
}

static void test_comments(void)
{
	CHECK_STR(parse("john@example.com (John Doe)"), "john@example.com");
	CHECK_STR(parse("(lead) john@example.com"), "john@example.com");
	CHECK_STR(parse("john(c)@(c)example.com"), "john@example.com");
	CHECK_STR(parse("John <john@example.com> (work, nested (deep) comment)"), "john@example.com");
	CHECK_STR(parse("a@x.org (a, b@c.d), b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse("a@x.org (escaped \\) paren), b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse("a@x.org (escaped \\( paren), b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>"), "pete@silly.test");
	CHECK_STR(parse("(only a comment)"), "");
}

static void test_groups(void)
{
	CHECK_STR(parse("undisclosed-recipients:;"), "");
	CHECK(count("undisclosed-recipients:;") == 0);
	CHECK_STR(parse("undisclosed-recipients: ;"), "");
	CHECK_STR(parse("team: a@x.org, b@y.org;"), "a@x.org|b@y.org");
	CHECK_STR(parse("team: a@x.org, b@y.org;, c@z.org"), "a@x.org|b@y.org|c@z.org");
	CHECK_STR(parse("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"),
	          "c@a.test|joe@where.test|jdoe@one.test");
	CHECK_STR(parse("\"My, Team\": \"Doe, J\" <j@x.org>; k@y.org"), "j@x.org|k@y.org");
	CHECK_STR(parse("empty:; full: f@x.org;"), "f@x.org");
	CHECK_STR(parse("open: a@x.org, b@y.org"), "a@x.org|b@y.org");   /* unterminated group */
	CHECK(count("g1: a@x.org, g2: b@y.org;") == -1);                 /* nested group */
}

static void test_obsolete_and_folding(void)
{
	CHECK_STR(parse("<@a.example,@b.example:u@d.example>"), "u@d.example");
	CHECK_STR(parse("Route <@relay.example:user@final.example>"), "user@final.example");
	CHECK(count("<@relay.example user@final.example>") == -1);
	CHECK_STR(parse("john . doe @ example . com"), "john.doe@example.com");
	CHECK_STR(parse("a@x.org,\r\n b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse("\"Doe,\r\n John\" <john@example.com>,\r\n\tc@z.org"), "john@example.com|c@z.org");
	CHECK_STR(parse("a@x.org,\n b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse("a@x.org,\nb@y.org"), "a@x.org|b@y.org");          /* bare LF */
	CHECK_STR(parse("a@x.org\r\n\t,b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse("Long\r\n Name\r\n <a@x.org>"), "a@x.org");
	CHECK_STR(parse("\"quoted\r\n fold\"@x.org"), "\"quoted fold\"@x.org");
	CHECK_STR(parse("a..b@docomo.ne.jp"), "a..b@docomo.ne.jp");       /* obs-local-part */
}

static void test_empty_members_and_duplicates(void)
{
	CHECK_STR(parse("a@x.org, , b@y.org"), "a@x.org|b@y.org");
	CHECK_STR(parse(", ,a@x.org,,,"), "a@x.org");
	CHECK_STR(parse(",,,"), "");
	CHECK_STR(parse("a@x.org; b@y.org"), "a@x.org|b@y.org");          /* Outlook-style ';' */
	CHECK_STR(parse("a@x.org, A <a@x.org>, a@X.ORG"), "a@x.org");
	CHECK(count("a@x.org, A <a@x.org>, a@X.ORG") == 1);
	CHECK_STR(parse("A@x.org, a@x.org"), "A@x.org|a@x.org");          /* local part is exact */

	/* duplicates of addresses already in the list are skipped and not counted */
	{
		smtp_strlist l;
		int n;
		smtp_strlist_init(&l);
		n = smtp_address_list_parse("a@x.org", 7, &l, errbuf, sizeof errbuf);
		CHECK(n == 1);
		n = smtp_address_list_parse("b@y.org, a@X.org, c@z.org", 25, &l, errbuf, sizeof errbuf);
		CHECK(n == 2);
		CHECK(l.count == 3);
		CHECK_STR(l.items[2], "c@z.org");
		smtp_strlist_free(&l);
	}
	/* len is honoured: nothing is read past it */
	{
		smtp_strlist l;
		const char in[] = "a@x.org, b@y.org";
		smtp_strlist_init(&l);
		CHECK(smtp_address_list_parse(in, 7, &l, errbuf, sizeof errbuf) == 1);
		CHECK(l.count == 1);
		smtp_strlist_free(&l);
	}
}

static void test_quoted_local_parts(void)
{
	CHECK_STR(parse("\"john doe\"@example.com"), "\"john doe\"@example.com");
	CHECK_STR(parse("<\"a,b\"@example.com>"), "\"a,b\"@example.com");
	CHECK_STR(parse("\"a\\\"b\"@example.com"), "\"a\\\"b\"@example.com");
	CHECK_STR(parse("Name <\"weird <x>\"@example.com>"), "\"weird <x>\"@example.com");
	CHECK_STR(parse("\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf\xe5\x91\x8a"),
	          "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf\xe5\x91\x8a");
}

static int err_has(const char *in, const char *needle)
{
	int n = count(in);
	return n == -1 && strstr(errbuf, needle) != NULL;
}

static void test_errors(void)
{
	char big[600];

	CHECK(err_has("\"Doe, John <john@example.com>", "Unclosed quoted string"));
	CHECK(err_has("\"Doe, John <john@example.com>", "\"Doe, John"));  /* quotes the part */
	CHECK(err_has("John <john@example.com", "Unclosed angle bracket"));
	/* a header injected into the To argument (mail() turns CRLF into spaces): not a group */
	CHECK(err_has("to@example.org  Bcc: victim@example.net", "An address followed by ':'"));
	CHECK(err_has("a@x.org, to@example.org Cc: v@y.org", "An address followed by ':'"));
	CHECK(err_has("John <john@example.com, b@y.org", "Unclosed angle bracket"));
	CHECK(err_has("john@example.com (unclosed", "Unclosed comment"));
	CHECK(err_has("john@example.com (a (b) c", "Unclosed comment"));
	CHECK(err_has("john@example.com (a \\)", "Unclosed comment"));
	CHECK(err_has("john@", "Missing domain after '@'"));
	CHECK(err_has("john@, b@y.org", "Missing domain after '@'"));
	CHECK(err_has("John <john@>", "Missing domain after '@'"));
	CHECK(err_has("John <john@>", "john@"));
	CHECK(err_has("@example.com", "Missing local part"));
	CHECK(err_has("a@b@c.org", "More than one '@'"));
	CHECK(err_has("a@x..org", "Malformed domain"));
	CHECK(err_has("a@x.org.", "Malformed domain"));
	CHECK(err_has("John Doe", "Malformed address"));
	CHECK(err_has("John Doe john@example.com", "Malformed address"));
	CHECK(err_has("<>", "Empty address"));
	CHECK(err_has("Name <>", "Empty address"));
	CHECK(err_has("<a@x.org> trailing", "Unexpected text after"));
	CHECK(err_has("a@x.org>", "Unexpected '>'"));
	CHECK(err_has("a@x.org)", "Unbalanced ')'"));
	CHECK(err_has("a@[1.2.3.4", "Unclosed domain literal"));
	CHECK(err_has("a@x.org\\", "Invalid character"));
	CHECK(err_has("a\x01@x.org", "Invalid character"));
	CHECK(err_has("\"a\x01\"@x.org", "Control character"));
	CHECK(count("a@x.org, \"unterminated") == -1);
	{
		/* NUL inside the given length */
		smtp_strlist l;
		smtp_strlist_init(&l);
		CHECK(smtp_address_list_parse("a@x\0.org", 8, &l, errbuf, sizeof errbuf) == -1);
		CHECK(strstr(errbuf, "NUL") != NULL);
		CHECK(l.count == 0);
		smtp_strlist_free(&l);
	}
	/* too long: 321 bytes */
	memset(big, 'a', sizeof big);
	big[310] = '@';
	memcpy(big + 311, "x.example", 9);
	big[320] = '\0';
	CHECK(count(big) == 1);                       /* 320 is the maximum */
	memcpy(big + 311, "xx.example", 10);
	big[321] = '\0';
	CHECK(err_has(big, "longer than 320"));
	CHECK(strlen(errbuf) < 200);                  /* the quote is bounded */
	CHECK(strstr(errbuf, "...") != NULL);
	/* error buffer is always terminated and bounded, even when tiny */
	{
		smtp_strlist l;
		char small[8];
		smtp_strlist_init(&l);
		memset(small, 'x', sizeof small);
		CHECK(smtp_address_list_parse("\"open", 5, &l, small, sizeof small) == -1);
		CHECK(memchr(small, '\0', sizeof small) != NULL);
		CHECK(smtp_address_list_parse("\"open", 5, &l, NULL, 0) == -1);
		smtp_strlist_free(&l);
	}
	/* a failed parse adds the addresses before the error but reports -1 */
	CHECK(count("ok@x.org, bad@") == -1);
}

static void test_many(void)
{
	/* a long list parses in one go */
	char *buf = malloc(2000 * 24);
	size_t k = 0;
	int i;
	smtp_strlist l;
	for (i = 0; i < 2000; i++) {
		k += (size_t)sprintf(buf + k, "%s\"U, %d\" <u%d@x.org>", i ? ", " : "", i, i);
	}
	smtp_strlist_init(&l);
	CHECK(smtp_address_list_parse(buf, k, &l, errbuf, sizeof errbuf) == 2000);
	CHECK(l.count == 2000);
	CHECK_STR(l.items[1999], "u1999@x.org");
	smtp_strlist_free(&l);
	free(buf);
}

static void test_valid(void)
{
#define V(s) smtp_address_valid(s, strlen(s))
	CHECK(V("a@x.org") == 1);
	CHECK(V("root") == 1);
	CHECK(V("\"john doe\"@x.org") == 1);
	CHECK(V("\"a<b>\"@x.org") == 1);
	CHECK(V("\"a\\\"b\"@x.org") == 1);
	CHECK(V("\xc3\xa9@x.org") == 1);
	CHECK(V("user@[192.0.2.1]") == 1);
	CHECK(V("") == 0);
	CHECK(V("a b@x.org") == 0);
	CHECK(V("a@x.org>") == 0);
	CHECK(V("<a@x.org") == 0);
	CHECK(V("a@x.org\r\nRCPT TO:<evil@x.org>") == 0);
	CHECK(V("a@x.org\n") == 0);
	CHECK(V("a\t@x.org") == 0);
	CHECK(V("a\x7f@x.org") == 0);
	CHECK(V("\"unclosed@x.org") == 0);
	CHECK(V("\"a\rb\"@x.org") == 0);
	CHECK(V("\"ok\"@x org") == 0);
	CHECK(smtp_address_valid("a\0b@x.org", 9) == 0);
	CHECK(smtp_address_valid(NULL, 0) == 0);
	{
		char big[400];
		memset(big, 'a', sizeof big);
		big[300] = '@';
		CHECK(smtp_address_valid(big, 320) == 1);
		CHECK(smtp_address_valid(big, 321) == 0);
	}
	CHECK(smtp_address_is_utf8("a@x.org", 7) == 0);
	CHECK(smtp_address_is_utf8("\xc3\xa9@x.org", 8) == 1);
	CHECK(smtp_address_is_utf8("a@x.\xe4\xbe\x8b", 7) == 1);
	CHECK(smtp_address_is_utf8("", 0) == 0);
#undef V
}

static void run_tests(void)
{
	test_simple();
	test_display_names();
	test_comments();
	test_groups();
	test_obsolete_and_folding();
	test_empty_members_and_duplicates();
	test_quoted_local_parts();
	test_errors();
	test_many();
	test_valid();
}
