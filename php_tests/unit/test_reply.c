/* Unit tests of ext/core/reply.c: the SMTP reply parser. */
#include "unit.h"
#include "reply.h"

#include <stdlib.h>

static char err[256];
static smtp_reply R;
static size_t used;

static int P(const char *s)
{
	err[0] = '\0';
	used = 12345;
	return smtp_reply_parse(s, strlen(s), &used, &R, err, sizeof err);
}

static void test_single(void)
{
	CHECK(P("220 mx.example.org ESMTP ready\r\n") == 1);
	CHECK(R.code == 220);
	CHECK(R.lines.count == 1);
	CHECK_STR(R.lines.items[0], "mx.example.org ESMTP ready");
	CHECK(used == 32);
	CHECK_STR(R.enhanced, "");

	CHECK(P("250 OK\n") == 1);           /* bare LF accepted */
	CHECK(used == 7);
	CHECK_STR(R.lines.items[0], "OK");

	CHECK(P("250\r\n") == 1);            /* code alone */
	CHECK(R.code == 250 && R.lines.count == 1);
	CHECK_STR(R.lines.items[0], "");

	CHECK(P("354 \r\n") == 1);
	CHECK(R.code == 354);
	CHECK_STR(R.lines.items[0], "");

	CHECK(P("221 2.0.0 Bye\r\n") == 1);
	CHECK_STR(R.enhanced, "2.0.0");
	CHECK_STR(R.lines.items[0], "Bye");

	CHECK(P("550 5.1.1 <x@example.org>: Recipient address rejected: User unknown\r\n") == 1);
	CHECK(R.code == 550);
	CHECK_STR(R.enhanced, "5.1.1");
	CHECK_STR(R.lines.items[0], "<x@example.org>: Recipient address rejected: User unknown");

	CHECK(P("535 5.7.139 Authentication unsuccessful\r\n") == 1);
	CHECK_STR(R.enhanced, "5.7.139");
	CHECK(P("550 5.7.30 Basic authentication is not supported\r\n") == 1);
	CHECK_STR(R.enhanced, "5.7.30");
	CHECK(P("451 4.3.0 Try again\r\n") == 1);
	CHECK_STR(R.enhanced, "4.3.0");
	CHECK(P("250 2.1.5\r\n") == 1);
	CHECK_STR(R.enhanced, "2.1.5");
	CHECK_STR(R.lines.items[0], "");
	CHECK(P("250 2.1.5  Ok spaced\r\n") == 1);
	CHECK_STR(R.lines.items[0], "Ok spaced");
	/* class digit differs from the reply: not an enhanced code, text untouched */
	CHECK(P("550 2.1.1 odd\r\n") == 1);
	CHECK_STR(R.enhanced, "");
	CHECK_STR(R.lines.items[0], "2.1.1 odd");
	/* not enhanced codes */
	CHECK(P("250 5.0 text\r\n") == 1);
	CHECK_STR(R.enhanced, "");
	CHECK(P("550 5.1.1000 text\r\n") == 1);
	CHECK_STR(R.enhanced, "");
	CHECK(P("550 5.1.1x text\r\n") == 1);
	CHECK_STR(R.enhanced, "");
	CHECK_STR(R.lines.items[0], "5.1.1x text");
	CHECK(P("250 2.0.0.1 x\r\n") == 1);
	CHECK_STR(R.enhanced, "");
	/* code range bounds */
	CHECK(P("200 ok\r\n") == 1);
	CHECK(P("559 no\r\n") == 1);
	CHECK(R.code == 559);
}

static void test_multi(void)
{
	CHECK(P("250-PIPELINING\r\n250 SIZE 100\r\n") == 1);
	CHECK(R.code == 250);
	CHECK(R.lines.count == 2);
	CHECK_STR(R.lines.items[0], "PIPELINING");
	CHECK_STR(R.lines.items[1], "SIZE 100");
	CHECK(used == strlen("250-PIPELINING\r\n250 SIZE 100\r\n"));

	CHECK(P("250-mx.example.org Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n"
	        "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n") == 1);
	CHECK(R.lines.count == 8);
	CHECK_STR(R.lines.items[4], "AUTH PLAIN LOGIN");
	CHECK_STR(R.lines.items[7], "SMTPUTF8");

	/* enhanced code on every line is stripped from every line */
	CHECK(P("550-5.7.1 line one\r\n550-5.7.1 line two\r\n550 5.7.1 line three\r\n") == 1);
	CHECK_STR(R.enhanced, "5.7.1");
	CHECK(R.lines.count == 3);
	CHECK_STR(R.lines.items[0], "line one");
	CHECK_STR(R.lines.items[1], "line two");
	CHECK_STR(R.lines.items[2], "line three");
	/* a line with a different enhanced code keeps it */
	CHECK(P("550-5.7.1 one\r\n550 5.7.2 two\r\n") == 1);
	CHECK_STR(R.enhanced, "5.7.1");
	CHECK_STR(R.lines.items[1], "5.7.2 two");
	/* Gmail-style: the code appears on the later lines too */
	CHECK(P("534-5.7.9 Application-specific password required. Learn more at\r\n"
	        "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor\r\n") == 1);
	CHECK(R.code == 534);
	CHECK_STR(R.enhanced, "5.7.9");
	CHECK_STR(R.lines.items[1], "https://support.google.com/mail/?p=InvalidSecondFactor");
	/* mixed LF and CRLF line ends */
	CHECK(P("250-a\n250-b\r\n250 c\n") == 1);
	CHECK(R.lines.count == 3);
	CHECK_STR(R.lines.items[1], "b");
	CHECK(used == 19);
	/* a "250-" line with empty text */
	CHECK(P("250-\r\n250 end\r\n") == 1);
	CHECK(R.lines.count == 2);
	CHECK_STR(R.lines.items[0], "");
}

static void test_partial_and_pipelined(void)
{
	const char *two = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n";
	size_t off = 0;
	int n = 0;

	CHECK(P("") == 0);
	CHECK(P("2") == 0);
	CHECK(P("25") == 0);
	CHECK(P("250") == 0);
	CHECK(P("250 O") == 0);
	CHECK(P("250 OK\r") == 0);
	CHECK(P("250\r") == 0);                  /* the CR of "250\r\n" */
	CHECK(P("250-a\r\n250\r") == 0);
	CHECK(P("250\rX") == -1);
	CHECK(P("250-PIPELINING\r\n") == 0);
	CHECK(P("250-PIPELINING\r\n250") == 0);
	CHECK(P("250-PIPELINING\r\n250 SIZE") == 0);
	CHECK(used == 0);

	/* pipelined: each call takes one reply */
	while (off < strlen(two) && n < 10) {
		size_t c = 0;
		int rc = smtp_reply_parse(two + off, strlen(two) - off, &c, &R, err, sizeof err);
		if (rc != 1) break;
		n++;
		if (n == 1) { CHECK(R.code == 250); CHECK(c == 14); CHECK_STR(R.enhanced, "2.1.0"); }
		if (n == 2) { CHECK(R.code == 250); CHECK_STR(R.enhanced, "2.1.5"); }
		if (n == 3) { CHECK(R.code == 354); CHECK_STR(R.lines.items[0], "End data with <CR><LF>.<CR><LF>"); }
		off += c;
	}
	CHECK(n == 3);
	CHECK(off == strlen(two));

	/* a reply followed by garbage: the reply is returned; the garbage is found on the next call */
	CHECK(P("250 ok\r\nHTTP/1.1 400 Bad\r\n") == 1);
	CHECK(used == 8);
	CHECK(P("HTTP/1.1 400 Bad\r\n") == -1);

	/* bytes are never read past len */
	{
		const char s[] = "250 ok\r\n";
		size_t c = 0;
		CHECK(smtp_reply_parse(s, 6, &c, &R, err, sizeof err) == 0);
		CHECK(smtp_reply_parse(s, 7, &c, &R, err, sizeof err) == 0);
		CHECK(smtp_reply_parse(s, 8, &c, &R, err, sizeof err) == 1);
	}
	/* r is untouched when there is no complete reply */
	CHECK(P("250 keep\r\n") == 1);
	CHECK(P("250 partial") == 0);
	CHECK_STR(R.lines.items[0], "keep");
}

static void test_garbage(void)
{
	CHECK(P("55O oops\r\n") == -1);
	CHECK(strstr(err, "55O oops") != NULL);
	CHECK(P("55O") == -1);                     /* rejected before the line ends */
	CHECK(P("x") == -1);
	CHECK(P("HTTP/1.1 200 OK\r\n") == -1);
	CHECK(strstr(err, "HTTP/1.1 200 OK") != NULL);
	CHECK(P("SSH-2.0-OpenSSH_9.2\r\n") == -1);
	CHECK(P("\r\n") == -1);                    /* empty line */
	CHECK(P("\n") == -1);
	CHECK(P("25\r\n") == -1);
	CHECK(P("2500 x\r\n") == -1);
	CHECK(P("250x\r\n") == -1);
	CHECK(P("250_x\r\n") == -1);
	CHECK(P("150 x\r\n") == -1);
	CHECK(P("650 x\r\n") == -1);
	CHECK(P("260 x\r\n") == -1);
	CHECK(P("25a x\r\n") == -1);
	CHECK(P(" 250 x\r\n") == -1);
	CHECK(P("250-a\r\n251 b\r\n") == -1);       /* continuation with another code */
	CHECK(strstr(err, "different reply code") != NULL);
	CHECK(P("250-a\r\n251") == -1);             /* ... found before the line ends */
	CHECK(P("250-a\r\nfoo\r\n") == -1);
	CHECK(P("250-a\r\n\r\n") == -1);
	{
		const char s[] = "250 a\0b\r\n";
		size_t c;
		CHECK(smtp_reply_parse(s, sizeof s - 1, &c, &R, err, sizeof err) == -1);
		CHECK(strstr(err, "NUL") != NULL);
		CHECK(smtp_reply_parse(s, 6, &c, &R, err, sizeof err) == -1);   /* partial with NUL */
	}
	/* error text: control bytes escaped, bounded */
	CHECK(P("\x1b[31mred\r\n") == -1);
	CHECK(strstr(err, "\x1b") == NULL);
	CHECK(strlen(err) < 200);
	{
		char small[10];
		size_t c;
		memset(small, 'x', sizeof small);
		CHECK(smtp_reply_parse("bad\r\n", 5, &c, &R, small, sizeof small) == -1);
		CHECK(memchr(small, '\0', sizeof small) != NULL);
		CHECK(smtp_reply_parse("bad\r\n", 5, &c, &R, NULL, 0) == -1);
	}
}

static void test_bounds(void)
{
	char *big = malloc(200000);
	size_t c, i, k;

	/* a 100 KB line: rejected as soon as 2048 bytes have come without a line end */
	memcpy(big, "250 ", 4);
	memset(big + 4, 'A', 100 * 1024);
	CHECK(smtp_reply_parse(big, 2047, &c, &R, err, sizeof err) == 0);
	CHECK(smtp_reply_parse(big, 2048, &c, &R, err, sizeof err) == -1);
	CHECK(strstr(err, "longer than 2048") != NULL);
	CHECK(strlen(err) < 200);
	CHECK(smtp_reply_parse(big, 100 * 1024 + 4, &c, &R, err, sizeof err) == -1);
	memcpy(big + 100 * 1024 + 4, "\r\n", 2);
	CHECK(smtp_reply_parse(big, 100 * 1024 + 6, &c, &R, err, sizeof err) == -1);

	/* exactly 2048 bytes with CRLF is allowed, 2049 is not */
	memcpy(big, "250 ", 4);
	memset(big + 4, 'B', 2042);
	memcpy(big + 2046, "\r\n", 2);
	CHECK(smtp_reply_parse(big, 2048, &c, &R, err, sizeof err) == 1);
	CHECK(c == 2048 && strlen(R.lines.items[0]) == 2042);
	memset(big + 4, 'B', 2043);
	memcpy(big + 2047, "\r\n", 2);
	CHECK(smtp_reply_parse(big, 2049, &c, &R, err, sizeof err) == -1);

	/* 256 lines are fine, 257 are not */
	k = 0;
	for (i = 0; i < 255; i++) { memcpy(big + k, "250-x\r\n", 7); k += 7; }
	memcpy(big + k, "250 y\r\n", 7); k += 7;
	CHECK(smtp_reply_parse(big, k, &c, &R, err, sizeof err) == 1);
	CHECK(R.lines.count == 256);
	k = 0;
	for (i = 0; i < 256; i++) { memcpy(big + k, "250-x\r\n", 7); k += 7; }
	memcpy(big + k, "250 y\r\n", 7); k += 7;
	CHECK(smtp_reply_parse(big, k, &c, &R, err, sizeof err) == -1);
	CHECK(strstr(err, "256 lines") != NULL);

	/* endless continuation lines: -1 once past the limit, without the final line */
	k = 0;
	for (i = 0; i < 1000; i++) { memcpy(big + k, "250-xxxxxxxx\r\n", 14); k += 14; }
	CHECK(smtp_reply_parse(big, k, &c, &R, err, sizeof err) == -1);
	CHECK(smtp_reply_parse(big, 14 * 256, &c, &R, err, sizeof err) == 0);
	CHECK(smtp_reply_parse(big, 14 * 257, &c, &R, err, sizeof err) == -1);

	/* more than 65536 bytes in fewer than 256 lines */
	k = 0;
	for (i = 0; i < 40; i++) {
		memcpy(big + k, "250-", 4);
		memset(big + k + 4, 'z', 2000);
		memcpy(big + k + 2004, "\r\n", 2);
		k += 2006;
	}
	CHECK(smtp_reply_parse(big, k, &c, &R, err, sizeof err) == -1);
	CHECK(strstr(err, "65536") != NULL);
	CHECK(smtp_reply_parse(big, 32 * 2006, &c, &R, err, sizeof err) == 0);
	CHECK(smtp_reply_parse(big, 32 * 2006 + 1500, &c, &R, err, sizeof err) == -1);
	free(big);
}

static void test_format(void)
{
	char out[256];
	char *t;

	CHECK(P("550-5.1.1 The email account that you tried to reach does not exist.\r\n"
	        "550 5.1.1 Please try again.\r\n") == 1);
	smtp_reply_format(&R, out, sizeof out);
	CHECK_STR(out, "550 5.1.1 The email account that you tried to reach does not exist. Please try again.");
	t = smtp_reply_text(&R);
	CHECK_STR(t, "The email account that you tried to reach does not exist.\nPlease try again.");
	free(t);

	CHECK(P("250 Ok\r\n") == 1);
	smtp_reply_format(&R, out, sizeof out);
	CHECK_STR(out, "250 Ok");
	CHECK(P("250\r\n") == 1);
	smtp_reply_format(&R, out, sizeof out);
	CHECK_STR(out, "250");
	t = smtp_reply_text(&R);
	CHECK_STR(t, "");
	free(t);
	CHECK(P("250 2.0.0\r\n") == 1);
	smtp_reply_format(&R, out, sizeof out);
	CHECK_STR(out, "250 2.0.0");

	CHECK(P("550 5.1.1 User unknown\r\n") == 1);
	smtp_reply_format(&R, out, 10);
	CHECK_STR(out, "550 5.1.1");
	smtp_reply_format(&R, out, 1);
	CHECK_STR(out, "");
	smtp_reply_format(&R, out, 0);   /* nothing written, no crash */

	{
		smtp_reply e;
		smtp_reply_init(&e);
		t = smtp_reply_text(&e);
		CHECK_STR(t, "");
		free(t);
		smtp_reply_free(&e);
		smtp_reply_free(&e);
	}
}

static void run_tests(void)
{
	smtp_reply_init(&R);
	test_single();
	test_multi();
	test_partial_and_pipelined();
	test_garbage();
	test_bounds();
	test_format();
	smtp_reply_free(&R);
}
