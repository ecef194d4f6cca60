/* Unit tests of ehlo.c: the keywords of an EHLO reply. */
#include "unit.h"
#include "ehlo.h"

#include <stdio.h>
#include <string.h>

static void parse(const char *raw, smtp_caps *c)
{
	smtp_reply r;
	size_t used = 0;
	char err[200];

	smtp_reply_init(&r);
	CHECK(smtp_reply_parse(raw, strlen(raw), &used, &r, err, sizeof(err)) == 1);
	smtp_caps_parse(&r, c);
	smtp_reply_free(&r);
}

static void run_tests(void)
{
	smtp_caps c;

	parse("250-mx.example.org at your service\r\n250-PIPELINING\r\n250-SIZE 35882577\r\n250-8BITMIME\r\n"
	      "250-AUTH LOGIN PLAIN XOAUTH2\r\n250-AUTH=LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n"
	      "250-STARTTLS\r\n250 SMTPUTF8\r\n",
	      &c);
	CHECK(c.esmtp == 1);
	CHECK(c.pipelining && c.eightbitmime && c.chunking && c.starttls && c.smtputf8);
	CHECK(c.size == 35882577ULL);
	CHECK_STR(c.auth, "LOGIN PLAIN XOAUTH2 LOGIN");

	/* the greeting line is not a keyword; look-alikes are not keywords */
	parse("250-PIPELINING here\r\n250-PIPELININGX\r\n250-CHUNKINGS\r\n250 SIZE\r\n", &c);
	CHECK(!c.pipelining && !c.chunking);
	CHECK(c.size == 0);

	/* case does not matter; SIZE's number is bounded */
	parse("250-x\r\n250-pipelining\r\n250-size 99999999999999999999999999\r\n250 auth plain\r\n", &c);
	CHECK(c.pipelining);
	CHECK(c.size == 9999999999999999999ULL);
	CHECK_STR(c.auth, "plain");

	/* a one-line reply offers nothing */
	parse("250 mx.example.org\r\n", &c);
	CHECK(c.esmtp && !c.pipelining && !c.starttls && c.auth[0] == '\0');

	/* many AUTH lines never overflow */
	{
		char big[8192];
		size_t i, n = 0;
		n += (size_t)snprintf(big + n, sizeof(big) - n, "250-x\r\n");
		for (i = 0; i < 40; i++) {
			n += (size_t)snprintf(big + n, sizeof(big) - n, "250-AUTH SCRAM-SHA-256-PLUS XXXXXXXXXXXXXXXXXXXXXXXX\r\n");
		}
		snprintf(big + n, sizeof(big) - n, "250 OK\r\n");
		parse(big, &c);
		CHECK(strlen(c.auth) < sizeof(c.auth));
	}
	smtp_caps_clear(&c);
	CHECK(!c.esmtp && c.size == 0);
}
