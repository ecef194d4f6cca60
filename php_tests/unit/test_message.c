/* Unit tests of ext/core/message.c: what `sendmail -t -i` does with mail()'s stream. */
#include "unit.h"
#include "message.h"
#include "data.h"

#include <stdlib.h>
#include <time.h>

static char err[512];
static smtp_message M;
static smtp_buf W; /* M as transmitted before dot-stuffing: its reader's bytes, line endings made CRLF */

static int collect(void *ctx, const char *p, size_t n)
{
	return smtp_buf_append(ctx, p, n);
}

/* Appends what b gives, normalised (and dot-stuffed with stuff set), to out. */
static int put_reader(smtp_body *b, int stuff, smtp_buf *out)
{
	smtp_wbuf w;
	char e[200];
	int rc;
	if (smtp_wbuf_init(&w, collect, out) != 0) return -1;
	rc = stuff ? smtp_data_put(b, &w, e, sizeof e) : smtp_crlf_put(b, &w, e, sizeof e);
	if (rc == 0) rc = smtp_wbuf_flush(&w);
	smtp_wbuf_free(&w);
	return rc;
}

static int wire_quiet, wire_bad; /* in loops: count failures instead of checking each */

/* W from M (after every prepare); the message's size is what its reader gives */
static int wire(int rc)
{
	smtp_body b;
	size_t n = 0;
	int ok;
	smtp_buf_reset(&W);
	if (rc != 0) return rc;
	smtp_message_reader(&M, &b);
	ok = put_reader(&b, 0, &W) == 0 && W.len == M.size && smtp_wire_size(&b, &n, err, sizeof err) == 0
	     && n == M.size;
	if (!wire_quiet) {
		CHECK(ok);
	} else if (!ok) {
		wire_bad++;
	}
	return rc;
}

static int prepare_m(const smtp_message_input *in)
{
	return wire(smtp_message_prepare(in, &M, err, sizeof err));
}

static int prep_full(const char *raw, size_t len, const char *env, const char *from_addr,
                     const char *from_name, int force)
{
	smtp_message_input in;
	memset(&in, 0, sizeof in);
	in.raw = raw;
	in.raw_len = len;
	in.envelope_from = env;
	in.from_addr = from_addr;
	in.from_name = from_name;
	in.force_from = force;
	in.msgid_domain = "mail.example.net";
	in.now = 1700000000;
	err[0] = '\0';
	return prepare_m(&in);
}

static int prep(const char *raw, const char *env)
{
	return prep_full(raw, strlen(raw), env, NULL, NULL, 0);
}

/* every CR is followed by LF, every LF preceded by CR, and the data ends with CRLF */
static int crlf_only(const char *d, size_t n)
{
	size_t i;
	if (n < 2 || d[n - 2] != '\r' || d[n - 1] != '\n') return 0;
	for (i = 0; i < n; i++) {
		if (d[i] == '\r' && (i + 1 >= n || d[i + 1] != '\n')) return 0;
		if (d[i] == '\n' && (i == 0 || d[i - 1] != '\r')) return 0;
	}
	return 1;
}

static const char *body_of(void)
{
	const char *p = W.data ? strstr(W.data, "\r\n\r\n") : NULL;
	return p ? p + 4 : "(no separator)";
}

/* the header section (up to and including the CRLF that ends the last field) */
static char *headers_of(void)
{
	static char h[8192];
	const char *p;
	if (W.data == NULL) return "";
	p = strstr(W.data, "\r\n\r\n");
	size_t n = p ? (size_t)(p - W.data) + 2 : 0;
	if (n >= sizeof h) n = sizeof h - 1;
	memcpy(h, W.data, n);
	h[n] = '\0';
	return h;
}

static int has_header_line(const char *line)
{
	const char *h = headers_of();
	size_t n = strlen(line);
	const char *p = h;
	while ((p = strstr(p, line)) != NULL) {
		if ((p == h || p[-1] == '\n') && (p[n] == '\r')) return 1;
		p += n;
	}
	return 0;
}

static int count_str(const char *hay, const char *needle)
{
	int c = 0;
	const char *p = hay;
	while ((p = strstr(p, needle)) != NULL) { c++; p += strlen(needle); }
	return c;
}

static void test_basic(void)
{
	CHECK(prep("To: a@x.org\r\nSubject: Hi\r\n\r\nHello\r\n", "s@y.org") == 0);
	CHECK_STR(M.sender, "s@y.org");
	CHECK(M.rcpts.count == 1);
	CHECK_STR(M.rcpts.items[0], "a@x.org");
	CHECK(strncmp(W.data, "To: a@x.org\r\nSubject: Hi\r\n", 26) == 0);
	CHECK(has_header_line("From: s@y.org"));
	CHECK(count_str(headers_of(), "\r\nDate: ") == 1);
	CHECK(count_str(headers_of(), "\r\nMessage-ID: <") == 1);
	CHECK(strstr(headers_of(), "@mail.example.net>\r\n") != NULL);
	CHECK_STR(body_of(), "Hello\r\n");
	CHECK(crlf_only(W.data, W.len));
	CHECK(M.eight_bit == 0);
	CHECK(M.utf8_addrs == 0);
	CHECK(strlen(W.data) == W.len);

	/* the order of added fields: after the given ones, before the empty line */
	{
		const char *h = headers_of();
		const char *mid = strstr(h, "Message-ID:"), *date = strstr(h, "Date:"), *from = strstr(h, "From:");
		const char *subj = strstr(h, "Subject:");
		CHECK(subj && mid && date && from && subj < mid && mid < date && date < from);
	}

	/* LF-only stream (mail.mixed_lf_and_crlf) */
	CHECK(prep("To: a@x.org\nSubject: Hi\n\nline1\nline2\n", "s@y.org") == 0);
	CHECK(strncmp(W.data, "To: a@x.org\r\nSubject: Hi\r\n", 26) == 0);
	CHECK_STR(body_of(), "line1\r\nline2\r\n");
	CHECK(crlf_only(W.data, W.len));

	/* a smtp_message can be prepared again: the previous content is replaced */
	CHECK(prep("To: b@x.org\r\nSubject: 2\r\n\r\nx\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 1);
	CHECK_STR(M.rcpts.items[0], "b@x.org");
}

static void test_recipients(void)
{
	CHECK(prep("To: \"Doe, John\" <john@example.com>, =?UTF-8?B?w6k=?= <e@x.org>\r\nSubject: s\r\n\r\nb\r\n",
	           "s@y.org") == 0);
	CHECK(M.rcpts.count == 2);
	CHECK_STR(M.rcpts.items[0], "john@example.com");
	CHECK_STR(M.rcpts.items[1], "e@x.org");

	CHECK(prep("To: a@x.org\r\nSubject: s\r\nCc: c@x.org, a@X.org\r\nBcc: b@x.org\r\ncc: d@x.org\r\n"
	           "BCC: e@x.org, c@x.org\r\n\r\nbody\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 5);
	CHECK_STR(M.rcpts.items[0], "a@x.org");
	CHECK_STR(M.rcpts.items[1], "c@x.org");
	CHECK_STR(M.rcpts.items[2], "b@x.org");
	CHECK_STR(M.rcpts.items[3], "d@x.org");
	CHECK_STR(M.rcpts.items[4], "e@x.org");
	/* Bcc never appears in the data; Cc does */
	CHECK(strstr(W.data, "b@x.org") == NULL);
	CHECK(strstr(W.data, "e@x.org") == NULL);
	CHECK(strstr(W.data, "Bcc") == NULL && strstr(W.data, "BCC") == NULL);
	CHECK(has_header_line("Cc: c@x.org, a@X.org"));
	CHECK(has_header_line("cc: d@x.org"));

	/* folded Bcc: the continuation lines go too */
	CHECK(prep("To: a@x.org\r\nBcc: hidden1@x.org,\r\n hidden2@x.org,\r\n\thidden3@x.org\r\nSubject: s\r\n\r\nb\r\n",
	           "s@y.org") == 0);
	CHECK(M.rcpts.count == 4);
	CHECK_STR(M.rcpts.items[3], "hidden3@x.org");
	CHECK(strstr(W.data, "hidden") == NULL);
	CHECK(strncmp(W.data, "To: a@x.org\r\nSubject: s\r\n", 25) == 0);

	/* empty Bcc: removed, no recipient */
	CHECK(prep("To: a@x.org\r\nBcc:\r\nSubject: s\r\n\r\nb\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 1);
	CHECK(strstr(W.data, "Bcc") == NULL);
	/* Resent-Bcc is blind too */
	CHECK(prep("To: a@x.org\r\nResent-Bcc: r@x.org\r\nSubject: s\r\n\r\nb\r\n", "s@y.org") == 0);
	CHECK(strstr(W.data, "r@x.org") == NULL);
	/* only Bcc: still sent, To: stays as given (empty) */
	CHECK(prep("To: \r\nSubject: s\r\nBcc: only@x.org\r\n\r\nb\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 1);
	CHECK_STR(M.rcpts.items[0], "only@x.org");
	/* groups and comments */
	CHECK(prep("To: undisclosed-recipients:;\r\nSubject: s\r\nBcc: a@x.org (A), team: b@x.org;\r\n\r\nb\r\n",
	           "s@y.org") == 0);
	CHECK(M.rcpts.count == 2);
	CHECK(has_header_line("To: undisclosed-recipients:;"));
	/* header names that only look alike are not recipients */
	CHECK(prep("To: a@x.org\r\nX-To: x@x.org\r\nTo-Do: t@x.org\r\nSubject: s\r\n\r\nb\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 1);
	/* the obsolete "Name :" form */
	CHECK(prep("To: a@x.org\r\nCc : c@x.org\r\nBcc\t: b@x.org\r\nSubject: s\r\n\r\nb\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 3);
	CHECK(strstr(W.data, "b@x.org") == NULL);
	/* "To:" in the body is not a recipient */
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n\r\nTo: body@x.org\r\nBcc: body2@x.org\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 1);
	CHECK_STR(body_of(), "To: body@x.org\r\nBcc: body2@x.org\r\n");
}

static void test_verbatim_headers(void)
{
	/* a folded To: and an odd Subject stay byte for byte, apart from line endings */
	const char *to = "To: \"Doe, John\" <john@example.com>,\r\n  \"Roe, Jane\"\r\n\t<jane@example.com>";
	const char *subj = "Subject:   =?UTF-8?Q?Caf=C3=A9?=  \t  x  ";
	char raw[1024];
	snprintf(raw, sizeof raw, "%s\r\n%s\r\nX-Mailer: PHP\r\n\r\nbody\r\n", to, subj);
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(strncmp(W.data, to, strlen(to)) == 0);
	CHECK(strstr(W.data, subj) != NULL);
	CHECK(M.rcpts.count == 2);
	CHECK_STR(M.rcpts.items[1], "jane@example.com");

	/* the same with LF-only and bare-CR line ends: only the line endings change */
	CHECK(prep("To: \"Doe, John\" <john@example.com>,\n  \"Roe, Jane\"\n\t<jane@example.com>\n"
	           "Subject:   =?UTF-8?Q?Caf=C3=A9?=  \t  x  \n\nbody\n", "s@y.org") == 0);
	CHECK(strncmp(W.data, to, strlen(to)) == 0);
	CHECK(strstr(W.data, subj) != NULL);
	CHECK(prep("To: \"Doe, John\" <john@example.com>,\r  \"Roe, Jane\"\r\t<jane@example.com>\r"
	           "Subject:   =?UTF-8?Q?Caf=C3=A9?=  \t  x  \r\rbody\r", "s@y.org") == 0);
	CHECK(strncmp(W.data, to, strlen(to)) == 0);
	CHECK(M.rcpts.count == 2);
	CHECK_STR(body_of(), "body\r\n");

	/* existing Date and Message-ID are kept, not duplicated (any case) */
	CHECK(prep("To: a@x.org\r\nSubject: s\r\ndate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
	           "MESSAGE-ID: <given@x.org>\r\nFrom: f@x.org\r\n\r\nb\r\n", "s@y.org") == 0);
	CHECK(count_str(W.data, "Date:") == 0);
	CHECK(count_str(W.data, "date:") == 1);
	CHECK(count_str(W.data, "Message-ID") == 0);
	CHECK(count_str(W.data, "MESSAGE-ID: <given@x.org>") == 1);
	CHECK(count_str(W.data, "From:") == 1);
	CHECK(strncmp(W.data, "To: a@x.org\r\nSubject: s\r\ndate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
	              "MESSAGE-ID: <given@x.org>\r\nFrom: f@x.org\r\n\r\nb\r\n", W.len) == 0);
}

/* the longest line of the data, CRLF excluded */
static size_t longest_line(void)
{
	size_t i, ls = 0, max = 0;
	for (i = 0; i + 1 < W.len; i++) {
		if (W.data[i] == '\r' && W.data[i + 1] == '\n') {
			if (i - ls > max) max = i - ls;
			ls = i + 2;
		}
	}
	return max;
}

/* The field that starts with `prefix` in the header section, with "\r\n" before WSP removed and
 * with undo_break, the SP after a Postfix-style break (a 998-octet line) removed too. */
static char *field_unfolded(const char *prefix, int undo_break)
{
	static char out[200000];
	const char *h = W.data, *p, *end;
	size_t k = 0;
	p = strstr(h, prefix);
	if (p == NULL) return NULL;
	end = p;
	for (;;) {
		end = strstr(end, "\r\n");
		if (end == NULL) return NULL;
		if (end[2] != ' ' && end[2] != '\t') break;
		end += 2;
	}
	{
		const char *ls = p;
		while (p < end && k < sizeof out - 1) {
			if (p[0] == '\r' && p[1] == '\n') {
				/* a Postfix-style break: a line of exactly 998 octets, then CRLF SP */
				int brk = undo_break && p - ls == 998 && p[2] == ' ';
				p += 2;
				ls = p;
				if (brk) p++;
				continue;
			}
			out[k++] = *p++;
		}
	}
	out[k] = '\0';
	return out;
}

static void test_long_header_lines(void)
{
	char *raw = malloc(300000), *val = malloc(200000);
	size_t k, i;

	/* 150 words on one line: folded before white space, nothing changed by unfolding */
	k = 0;
	for (i = 0; i < 150; i++) k += (size_t)sprintf(val + k, "%sabcdefg", i ? " " : "");
	sprintf(raw, "To: a@x.org\r\nSubject: s\r\nX-Long: %s\r\n\r\nbody\r\n", val);
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(longest_line() <= 998);
	CHECK(count_str(headers_of(), "\r\n ") >= 1);
	{
		char want[2000];
		snprintf(want, sizeof want, "X-Long: %s", val);
		CHECK_STR(field_unfolded("X-Long:", 0), want);
	}
	CHECK(crlf_only(W.data, W.len));

	/* exactly 998 octets: unchanged; 999: folded */
	memset(val, 'v', 998);
	memcpy(val, "X-Edge:", 7);
	for (i = 10; i < 998; i += 10) val[i] = ' ';
	val[998] = '\0';
	sprintf(raw, "To: a@x.org\r\n%s\r\n\r\nb\r\n", val);
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(strstr(W.data, val) != NULL);
	CHECK(longest_line() == 998);
	val[998] = 'w';
	val[999] = '\0';
	sprintf(raw, "To: a@x.org\r\n%s\r\n\r\nb\r\n", val);
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(longest_line() <= 997);
	CHECK_STR(field_unfolded("X-Edge:", 0), val);

	/* one 1500-octet word: broken after 998 octets with CRLF SP */
	memset(val, 'W', 1500);
	val[1500] = '\0';
	sprintf(raw, "To: a@x.org\r\nX-Word: %s\r\n\r\nb\r\n", val);
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(longest_line() == 998);
	{
		char want[1600];
		snprintf(want, sizeof want, "X-Word: %s", val);
		CHECK_STR(field_unfolded("X-Word:", 1), want);
	}
	/* 5000 octets of one word: every piece at most 998 octets */
	memset(val, 'Z', 5000);
	val[5000] = '\0';
	sprintf(raw, "To: a@x.org\r\nX-Word: %s\r\n\r\nb\r\n", val);
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(longest_line() == 998);
	CHECK(strlen(field_unfolded("X-Word:", 1)) == 5008);

	/* a long To: on one line: folded, every recipient still found, unfolding restores it */
	k = (size_t)sprintf(raw, "To: ");
	for (i = 0; i < 120; i++) k += (size_t)sprintf(raw + k, "%s\"User, %zu\" <user%zu@example.org>", i ? ", " : "", i, i);
	raw[k] = '\0';
	strcpy(val, raw);
	strcpy(raw + k, "\r\nSubject: s\r\n\r\nb\r\n");
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(M.rcpts.count == 120);
	CHECK(longest_line() <= 998);
	CHECK_STR(field_unfolded("To:", 0), val);
	/* continuation lines that are too long are folded too, white-space-only lines are not made */
	sprintf(raw, "To: a@x.org\r\nX-C: short\r\n%*s\r\n\r\nb\r\n", 1200, "tail");
	CHECK(prep(raw, "s@y.org") == 0);
	CHECK(longest_line() == 998);
	CHECK(strstr(W.data, "\r\n \r\n") == NULL);
	free(raw);
	free(val);
}

static void test_line_endings(void)
{
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n\r\nlf\ncrlf\r\ncr\rmixed\r\r\nend", "s@y.org") == 0);
	CHECK_STR(body_of(), "lf\r\ncrlf\r\ncr\r\nmixed\r\n\r\nend\r\n");
	CHECK(crlf_only(W.data, W.len));
	/* empty lines in every style */
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n\r\n\n\r\n\r\r\n", "s@y.org") == 0);
	CHECK_STR(body_of(), "\r\n\r\n\r\n\r\n");
	/* SMTP smuggling attempts: "\n.\r\n" and "\r.\r" become ordinary lines */
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n\r\nhi\n.\r\nMAIL FROM:<x@y>\r.\rz\r\n", "s@y.org") == 0);
	CHECK_STR(body_of(), "hi\r\n.\r\nMAIL FROM:<x@y>\r\n.\r\nz\r\n");
	CHECK(crlf_only(W.data, W.len));
	/* no body at all */
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n", "s@y.org") == 0);
	CHECK_STR(body_of(), "");
	CHECK(crlf_only(W.data, W.len));
	CHECK(prep("To: a@x.org\r\nSubject: s", "s@y.org") == 0);    /* no final line end */
	CHECK(has_header_line("Subject: s"));
	CHECK(crlf_only(W.data, W.len));
	/* a non-header line ends the header section; an empty line is put before it */
	CHECK(prep("To: a@x.org\r\nSubject: s\r\nthis is not a header\r\nBcc: b@x.org\r\n", "s@y.org") == 0);
	CHECK(M.rcpts.count == 1);
	CHECK_STR(body_of(), "this is not a header\r\nBcc: b@x.org\r\n");
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n: no name\r\n", "s@y.org") == 0);
	CHECK_STR(body_of(), ": no name\r\n");
}

#define PFL(lit, env, addr, name, force) prep_full(lit, sizeof(lit) - 1, env, addr, name, force)

static void test_from_rules(void)
{
	/* envelope sender from the first From: address when none is given */
	CHECK(prep("To: a@x.org\r\nFrom: \"Shop, Inc\" <shop@x.org>, other@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL) == 0);
	CHECK_STR(M.sender, "shop@x.org");
	CHECK(has_header_line("From: \"Shop, Inc\" <shop@x.org>, other@x.org"));
	/* the given envelope sender wins over From: */
	CHECK(prep("To: a@x.org\r\nFrom: f@x.org\r\nSubject: s\r\n\r\nb\r\n", "bounce@x.org") == 0);
	CHECK_STR(M.sender, "bounce@x.org");
	CHECK(has_header_line("From: f@x.org"));
	/* null sender */
	CHECK(prep("To: a@x.org\r\nFrom: f@x.org\r\nSubject: s\r\n\r\nb\r\n", "") == 0);
	CHECK_STR(M.sender, "");
	/* no From: header, no from_addr: From: is the envelope sender */
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", "env@x.org") == 0);
	CHECK(has_header_line("From: env@x.org"));
	/* no From: header, no from_addr (mail() with -f): the envelope sender with from_name, as sendmail */
	CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", "bounce@x.org", NULL, "root", 0) == 0);
	CHECK(has_header_line("From: root <bounce@x.org>"));
	CHECK_STR(M.sender, "bounce@x.org");
	/* Return-Path and Content-Length never leave (Postfix's message_drop_headers), with their folds */
	CHECK(prep("To: a@x.org\r\nReturn-Path: <elsewhere@x.org>\r\nContent-Length: 5\r\n 7\r\nX-Keep: 1\r\n\r\nb\r\n", "e@x.org") == 0);
	CHECK(strstr(W.data, "Return-Path") == NULL);
	CHECK(strstr(W.data, "Content-Length") == NULL);
	CHECK(strstr(W.data, " 7\r\n") == NULL);
	CHECK(has_header_line("X-Keep: 1"));
	CHECK(prep("To: a@x.org\r\nreturn-path: <elsewhere@x.org>\r\n\r\nb\r\n", "e@x.org") == 0);
	CHECK(strstr(W.data, "return-path") == NULL);
	/* no From: header: from_addr and from_name */
	CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", "env@x.org", "site@x.org", "My Site", 0) == 0);
	CHECK(has_header_line("From: My Site <site@x.org>"));
	CHECK_STR(M.sender, "env@x.org");
	CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL, "site@x.org", "Doe, John", 0) == 0);
	CHECK(has_header_line("From: \"Doe, John\" <site@x.org>"));
	CHECK_STR(M.sender, "site@x.org");
	CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL, "site@x.org", "Say \"hi\" \\o/", 0) == 0);
	CHECK(has_header_line("From: \"Say \\\"hi\\\" \\\\o/\" <site@x.org>"));
	CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL, "site@x.org", "Caf\xc3\xa9", 0) == 0);
	CHECK(has_header_line("From: =?UTF-8?B?Q2Fmw6k=?= <site@x.org>"));
	CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL, "site@x.org", "", 0) == 0);
	CHECK(has_header_line("From: site@x.org"));
	/* header injection through the name is neutralised */
	CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL, "site@x.org", "Evil\r\nBcc: v@x.org", 0) == 0);
	CHECK(count_str(W.data, "\r\nBcc:") == 0);
	CHECK(crlf_only(W.data, W.len));
	/* a long non-ASCII name: several encoded words, none over 75 bytes, no split character */
	{
		char name[400] = "";
		int i;
		const char *h, *p;
		for (i = 0; i < 40; i++) strcat(name, "\xc3\xa9t\xc3\xa9 ");
		CHECK(PFL("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL, "site@x.org", name, 0) == 0);
		h = headers_of();
		CHECK(count_str(h, "=?UTF-8?B?") > 3);
		CHECK(crlf_only(W.data, W.len));
		p = h;
		while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
			const char *e = strstr(p + 10, "?=");
			CHECK(e != NULL && (e + 2 - p) <= 75);
			p += 10;
		}
	}
	/* force_from: an existing From: is replaced in place, once */
	CHECK(prep_full("To: a@x.org\r\nFrom: user@evil.org\r\nSubject: s\r\nFrom: again@x.org\r\n\r\nb\r\n",
	                strlen("To: a@x.org\r\nFrom: user@evil.org\r\nSubject: s\r\nFrom: again@x.org\r\n\r\nb\r\n"),
	                "site@x.org", "site@x.org", "Site", 1) == 0);
	CHECK(strstr(W.data, "evil") == NULL);
	CHECK(count_str(W.data, "From:") == 1);
	CHECK(strncmp(W.data, "To: a@x.org\r\nFrom: Site <site@x.org>\r\nSubject: s\r\n", 48) == 0);
	/* force_from without from_addr: nothing changes */
	CHECK(PFL("To: a@x.org\r\nFrom: user@x.org\r\n\r\nb\r\n", "e@x.org", NULL, "Site", 1) == 0);
	CHECK(has_header_line("From: user@x.org"));
	/* without force_from an existing From: stays */
	CHECK(PFL("To: a@x.org\r\nFrom: user@x.org\r\n\r\nb\r\n", "e@x.org", "site@x.org", "Site", 0) == 0);
	CHECK(has_header_line("From: user@x.org"));
	CHECK(count_str(W.data, "From:") == 1);
	/* Message-ID domain falls back to the sender's domain when none is configured */
	{
		smtp_message_input in;
		memset(&in, 0, sizeof in);
		in.raw = "To: a@x.org\r\n\r\nb\r\n";
		in.raw_len = strlen(in.raw);
		in.envelope_from = "s@sender.example";
		in.now = 1700000000;
		CHECK(prepare_m(&in) == 0);
		CHECK(strstr(W.data, "@sender.example>\r\n") != NULL);
		in.msgid_domain = "bad domain>";
		CHECK(prepare_m(&in) == 0);
		CHECK(strstr(W.data, "@sender.example>\r\n") != NULL);
		in.envelope_from = "";
		in.from_addr = NULL;
		CHECK(prepare_m(&in) == 0);
		CHECK(strstr(W.data, "@localhost>\r\n") != NULL);
	}
}

static void test_msgid_unique(void)
{
	char first[200] = "", *p, *e;
	int i, same = 0;
	for (i = 0; i < 50; i++) {
		CHECK(prep("To: a@x.org\r\n\r\nb\r\n", "s@y.org") == 0);
		p = strstr(W.data, "Message-ID: <");
		e = p ? strstr(p, "\r\n") : NULL;
		if (!p || !e || (size_t)(e - p) >= sizeof first) { CHECK(0); return; }
		if (i == 0) { memcpy(first, p, (size_t)(e - p)); first[e - p] = '\0'; }
		else if (strncmp(first, p, (size_t)(e - p)) == 0) same++;
	}
	CHECK(same == 0);
	/* "<YYYYMMDDhhmmss.<16 hex>@domain>" for 2023-11-14 22:13:20 UTC */
	CHECK(strncmp(first, "Message-ID: <20231114221320.", 28) == 0);
	CHECK(strlen(first) == 28 + 16 + strlen("@mail.example.net>"));
}

static void test_flags(void)
{
	CHECK(prep("To: a@x.org\r\nSubject: s\r\n\r\ncaf\xc3\xa9\r\n", "s@y.org") == 0);
	CHECK(M.eight_bit == 1);
	CHECK(M.utf8_addrs == 0);
	CHECK(prep("To: \xc3\xa9l\xc3\xa8ve@\xc3\xa9" "cole.fr\r\nSubject: s\r\n\r\nascii\r\n", "s@y.org") == 0);
	CHECK(M.utf8_addrs == 1);
	CHECK(M.eight_bit == 1);     /* the To: header carries it */
	CHECK(prep("To: a@x.org\r\nFrom: f@x.org\r\nSubject: s\r\n\r\nascii\r\n", "\xc3\xa9@y.org") == 0);
	CHECK(M.utf8_addrs == 1);
	CHECK(M.eight_bit == 0);
	CHECK(prep("To: a@x.org\r\nBcc: \xc3\xa9@y.org\r\nSubject: s\r\n\r\nascii\r\n", "s@y.org") == 0);
	CHECK(M.utf8_addrs == 1);
	CHECK(M.eight_bit == 0);     /* the Bcc was removed */
}

static int fails_with(const char *raw, size_t len, const char *env, const char *needle)
{
	int rc = prep_full(raw, len, env, NULL, NULL, 0);
	if (rc != -1 || strstr(err, needle) == NULL) {
		fprintf(stderr, "  (rc=%d err=\"%s\", wanted \"%s\")\n", rc, err, needle);
		return 0;
	}
	return M.sender == NULL && M.rcpts.count == 0 && M.headers.len == 0 && M.nbody == 0 && M.size == 0;
}

#define FW(lit, env, needle) fails_with(lit, sizeof(lit) - 1, env, needle)

static void test_errors(void)
{
	char *big;
	size_t i, k;

	CHECK(FW("Subject: s\r\n\r\nb\r\n", "s@y.org", "No recipients"));
	CHECK(FW("To: \r\nSubject: s\r\n\r\nb\r\n", "s@y.org", "No recipients"));
	CHECK(FW("To: undisclosed-recipients:;\r\n\r\nb\r\n", "s@y.org", "No recipients"));
	CHECK(FW("", "s@y.org", "No recipients"));
	CHECK(FW("To: a@x.org\r\nCc: \"Doe, John <j@x.org>\r\n\r\nb\r\n", "s@y.org", "Invalid Cc: header"));
	CHECK(strstr(err, "Unclosed quoted string") != NULL);
	CHECK(FW("To: a@\r\n\r\nb\r\n", "s@y.org", "Invalid To: header"));
	CHECK(FW("To: a@x.org\r\nBcc: <b@x.org\r\n\r\nb\r\n", "s@y.org", "Invalid Bcc: header"));
	CHECK(FW("To: a@x.org\r\nSubject: s\r\n\r\nb\r\n", NULL, "No envelope sender"));
	CHECK(FW("To: a@x.org\r\nFrom: undisclosed:;\r\n\r\nb\r\n", NULL, "No envelope sender"));
	CHECK(FW("To: a@x.org\r\nFrom: \"broken\r\n\r\nb\r\n", NULL, "Invalid From: header"));
	CHECK(FW("To: a@x.org\r\n\r\nb\r\n", "bad sender@x.org", "Invalid envelope sender"));
	CHECK(FW("To: a@x.org\r\n\r\nb\r\n", "a@x.org\r\nRCPT TO:<v@x.org>", "Invalid envelope sender"));
	CHECK(strstr(err, "\r") == NULL && strstr(err, "\n") == NULL);
	CHECK(FW("To: a@x.org\r\n\r\nb\0c\r\n", "s@y.org", "NUL"));
	CHECK(PFL("To: a@x.org\r\n\r\nb\r\n", NULL, "bad addr", NULL, 0) == -1);
	CHECK(strstr(err, "Invalid From address") != NULL);

	/* a 1 MB header line: a clear error, no crash */
	big = malloc(2 * 1024 * 1024);
	k = (size_t)sprintf(big, "To: a@x.org\r\nSubject: ");
	memset(big + k, 'S', 1024 * 1024);
	k += 1024 * 1024;
	k += (size_t)sprintf(big + k, "\r\n\r\nbody\r\n");
	CHECK(fails_with(big, k, "s@y.org", "longer than 65536 bytes"));
	CHECK(strstr(err, "Subject: SSSS") != NULL);
	CHECK(strlen(err) < 200);
	/* the same via 1 MB of continuation lines */
	k = (size_t)sprintf(big, "To: a@x.org\r\nX-Long: start");
	for (i = 0; i < 20000; i++) k += (size_t)sprintf(big + k, "\r\n folded-line-%05zu", i);
	k += (size_t)sprintf(big + k, "\r\n\r\nbody\r\n");
	CHECK(fails_with(big, k, "s@y.org", "longer than 65536 bytes"));
	/* a 1 MB To: */
	k = (size_t)sprintf(big, "To: ");
	for (i = 0; i < 50000; i++) k += (size_t)sprintf(big + k, "u%zu@x.org, ", i);
	k += (size_t)sprintf(big + k, "\r\n\r\nbody\r\n");
	CHECK(fails_with(big, k, "s@y.org", "longer than 65536 bytes"));
	/* just under the limit is fine */
	k = (size_t)sprintf(big, "To: a@x.org\r\nX-Big: ");
	memset(big + k, 'b', 65536 - 7);
	k += 65536 - 7;
	k += (size_t)sprintf(big + k, "\r\n\r\nbody\r\n");
	CHECK(prep_full(big, k, "s@y.org", NULL, NULL, 0) == 0);
	/* a 1 MB body line is not a header: it is sent as is */
	k = (size_t)sprintf(big, "To: a@x.org\r\n\r\n");
	memset(big + k, 'L', 1024 * 1024);
	k += 1024 * 1024;
	CHECK(prep_full(big, k, "s@y.org", NULL, NULL, 0) == 0);
	CHECK(crlf_only(W.data, W.len));

	/* too many header fields */
	k = (size_t)sprintf(big, "To: a@x.org\r\n");
	for (i = 0; i < 1000; i++) k += (size_t)sprintf(big + k, "X-H%zu: v\r\n", i);
	k += (size_t)sprintf(big + k, "\r\nbody\r\n");
	CHECK(fails_with(big, k, "s@y.org", "more than 1000 header fields"));
	free(big);

	/* a tiny error buffer is still terminated */
	{
		smtp_message_input in;
		char small[12];
		memset(&in, 0, sizeof in);
		in.raw = "Subject: x\r\n\r\n";
		in.raw_len = strlen(in.raw);
		in.envelope_from = "s@y.org";
		memset(small, 'x', sizeof small);
		CHECK(smtp_message_prepare(&in, &M, small, sizeof small) == -1);
		CHECK(memchr(small, '\0', sizeof small) != NULL);
		CHECK(smtp_message_prepare(&in, &M, NULL, 0) == -1);
	}
}

static void test_big_body(void)
{
	const size_t body = 8 * 1024 * 1024;
	size_t k, i;
	char *raw = malloc(body + 256);
	clock_t t0;
	double secs;

	k = (size_t)sprintf(raw, "To: a@x.org\r\nSubject: big\r\n\r\n");
	for (i = 0; i < body; i++) {
		raw[k + i] = (i % 77 == 76) ? '\n' : (char)('a' + i % 26);   /* LF-only lines */
	}
	k += body;
	t0 = clock();
	CHECK(prep_full(raw, k, "s@y.org", NULL, NULL, 0) == 0);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(secs < 5.0);
	CHECK(crlf_only(W.data, W.len));
	/* the body is not copied: it is read where it lies, and only the header section is built */
	CHECK(M.nbody == 1 && M.body[0] == raw + 29 && M.body_len[0] == body);
	CHECK(M.joined.data == NULL);
	CHECK(M.headers.cap < 4096);
	CHECK(M.size == W.len);
	{
		smtp_buf out;
		smtp_body b;
		smtp_buf_init(&out, 0);
		smtp_message_reader(&M, &b);
		t0 = clock();
		CHECK(put_reader(&b, 1, &out) == 0);
		CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
		CHECK(out.len == W.len + 3);
		smtp_buf_free(&out);
	}
	free(raw);
}

static const char *stuff(const char *in)
{
	static smtp_buf out;
	static int init;
	if (!init) { smtp_buf_init(&out, 0); init = 1; }
	smtp_buf_reset(&out);
	if (in == NULL) { smtp_buf_free(&out); return NULL; }
	{
		smtp_body b;
		smtp_body_from_memory(&b, in, strlen(in));
		if (put_reader(&b, 1, &out) != 0) return "FAILED";
	}
	return out.data;
}

static void test_dot_stuff(void)
{
	CHECK_STR(stuff("a\r\n.\r\nb\r\n"), "a\r\n..\r\nb\r\n.\r\n");
	CHECK_STR(stuff(".leading\r\n"), "..leading\r\n.\r\n");
	CHECK_STR(stuff("..two\r\n"), "...two\r\n.\r\n");
	CHECK_STR(stuff("x\r\n.\r\n.\r\n"), "x\r\n..\r\n..\r\n.\r\n");
	CHECK_STR(stuff("no dot. here\r\n"), "no dot. here\r\n.\r\n");
	CHECK_STR(stuff("no final line end"), "no final line end\r\n.\r\n");
	CHECK_STR(stuff("ends in dot\r\n."), "ends in dot\r\n..\r\n.\r\n");
	CHECK_STR(stuff("."), "..\r\n.\r\n");
	CHECK_STR(stuff(""), ".\r\n");
	CHECK_STR(stuff("\r\n"), "\r\n.\r\n");
	/* lines after bare LF are stuffed as well (and the bare LF becomes CRLF) */
	CHECK_STR(stuff("a\n.b\r\n"), "a\r\n..b\r\n.\r\n");
	/* the prepared message, end to end: "\n.\n" lines come out stuffed */
	CHECK(prep("To: a@x.org\nSubject: s\n\nline\n.\nafter\n", "s@y.org") == 0);
	{
		smtp_buf out;
		smtp_body b;
		const char *p;
		smtp_buf_init(&out, 0);
		smtp_message_reader(&M, &b);
		CHECK(put_reader(&b, 1, &out) == 0);
		p = strstr(out.data, "\r\n\r\n");
		CHECK(p != NULL && strcmp(p + 4, "line\r\n..\r\nafter\r\n.\r\n") == 0);
		/* appends to what is already there */
		smtp_body_from_memory(&b, "x", 1);
		CHECK(put_reader(&b, 1, &out) == 0);
		CHECK(out.len > 3 && strcmp(out.data + out.len - 9, ".\r\nx\r\n.\r\n") == 0);
		smtp_buf_free(&out);
	}
	/* a writer that fails (here: over its limit) fails the put */
	{
		smtp_buf out;
		smtp_body b;
		smtp_buf_init(&out, 8);
		smtp_body_from_memory(&b, "0123456789\r\n", 12);
		CHECK(put_reader(&b, 1, &out) == -1);
		smtp_buf_free(&out);
	}
	stuff(NULL);
}

static void test_date(void)
{
	char d[64];
	setenv("TZ", "UTC0", 1);
	tzset();
	smtp_format_date(0, d, sizeof d);
	CHECK_STR(d, "Thu, 1 Jan 1970 00:00:00 +0000");
	smtp_format_date(1700000000, d, sizeof d);
	CHECK_STR(d, "Tue, 14 Nov 2023 22:13:20 +0000");
	setenv("TZ", "IST-5:30", 1);
	tzset();
	smtp_format_date(1700000000, d, sizeof d);
	CHECK_STR(d, "Wed, 15 Nov 2023 03:43:20 +0530");
	setenv("TZ", "EST5", 1);
	tzset();
	smtp_format_date(1700000000, d, sizeof d);
	CHECK_STR(d, "Tue, 14 Nov 2023 17:13:20 -0500");
	smtp_format_date(1704067199, d, sizeof d);   /* 2023-12-31 23:59:59 UTC: year boundary */
	CHECK_STR(d, "Sun, 31 Dec 2023 18:59:59 -0500");
	setenv("TZ", "XXX-14", 1);
	tzset();
	smtp_format_date(1704067199, d, sizeof d);
	CHECK_STR(d, "Mon, 1 Jan 2024 13:59:59 +1400");
	smtp_format_date(0, d, 10);
	CHECK(strlen(d) == 9);
	setenv("TZ", "UTC0", 1);
	tzset();
	/* the Date: header added to a message uses it */
	CHECK(prep("To: a@x.org\r\n\r\nb\r\n", "s@y.org") == 0);
	CHECK(has_header_line("Date: Tue, 14 Nov 2023 22:13:20 +0000"));
}

/* The input in pieces: every split into raw, more[0] and more[1] gives the same message as one
 * piece (Date and Message-ID given, so that nothing differs from one run to the next). */
typedef struct {
	int rc;
	char err[512];
	smtp_buf wire;
	size_t size;
	int eight_bit, utf8_addrs;
	char sender[128];
	char rcpts[512];
} outcome;

static void outcome_of(int rc, outcome *o)
{
	size_t i, k = 0;
	o->rc = rc;
	snprintf(o->err, sizeof o->err, "%s", rc == 0 ? "" : err);
	smtp_buf_reset(&o->wire);
	if (rc == 0) smtp_buf_append(&o->wire, W.data, W.len);
	o->size = M.size;
	o->eight_bit = M.eight_bit;
	o->utf8_addrs = M.utf8_addrs;
	snprintf(o->sender, sizeof o->sender, "%s", M.sender ? M.sender : "(none)");
	o->rcpts[0] = '\0';
	for (i = 0; i < M.rcpts.count && k + 1 < sizeof o->rcpts; i++) {
		int n = snprintf(o->rcpts + k, sizeof o->rcpts - k, "%s,", M.rcpts.items[i]);
		if (n < 0) break;
		k += (size_t)n;
		if (k >= sizeof o->rcpts) k = sizeof o->rcpts - 1;
	}
}

static int prep_pieces(const char *raw, size_t i, size_t j, size_t len)
{
	smtp_message_input in;
	memset(&in, 0, sizeof in);
	in.raw = raw;
	in.raw_len = i;
	in.more[0] = raw + i;
	in.more_len[0] = j - i;
	in.more[1] = raw + j;
	in.more_len[1] = len - j;
	in.envelope_from = NULL;
	in.msgid_domain = "mail.example.net";
	in.now = 1700000000;
	err[0] = '\0';
	return prepare_m(&in);
}

static int same_outcome(const outcome *a, const outcome *b)
{
	return a->rc == b->rc && strcmp(a->err, b->err) == 0 && a->wire.len == b->wire.len
	       && (a->wire.len == 0 || memcmp(a->wire.data, b->wire.data, a->wire.len) == 0) && a->size == b->size
	       && a->eight_bit == b->eight_bit && a->utf8_addrs == b->utf8_addrs && strcmp(a->sender, b->sender) == 0
	       && strcmp(a->rcpts, b->rcpts) == 0;
}

static void test_pieces(void)
{
	static const char *const inputs[] = {
		"To: a@x.org\r\nSubject: s\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\nbody\r\n.line\r\nend",
		"To: a@x.org\nSubject: s\nDate: d\nMessage-ID: <m@x>\nFrom: f@x.org\n\n\rbody\r\rx\n..\n",
		"To: a@x.org\nDate: d\nMessage-ID: <m@x>\nFrom: f@x.org\nnot a header\nmore\n",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\nX-A: b",
		"To: a@x.org\rDate: d\rMessage-ID: <m@x>\rFrom: f@x.org\r\rbody\r",
		"To: a@x.org\nDate: d\nMessage-ID: <m@x>\nFrom: f@x.org\nSubject: caf\xc3\xa9\n\nna\xefve\n",
		"To: a@x.org,\r\n b@x.org\r\nBcc: c@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\nx",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\n",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\n\r\n\r\n.\r\n",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\nX-B:\r\n\r\n\n",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\nlast line \r",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\nX-Cont:\r\n  more\r\n\tand more\r\n\r\nb",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: bad <\r\n\r\nb",
		"Subject: no recipients\r\n\r\nbody",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\n\r\nno sender",
		"To: \xc3\xa9@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\nutf8 address",
		"To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\nbody",
		"",
		"\r\n",
	};
	static const char nul[] = "To: a@x.org\r\nDate: d\r\nMessage-ID: <m@x>\r\nFrom: f@x.org\r\n\r\nnul \0 here";
	outcome whole, part;
	size_t t, i, j;
	int bad;

	memset(&whole, 0, sizeof whole);
	memset(&part, 0, sizeof part);
	smtp_buf_init(&whole.wire, 0);
	smtp_buf_init(&part.wire, 0);
	wire_quiet = 1;
	wire_bad = 0;
	for (t = 0; t <= sizeof inputs / sizeof inputs[0]; t++) {
		const char *raw = t < sizeof inputs / sizeof inputs[0] ? inputs[t] : nul;
		size_t len = t < sizeof inputs / sizeof inputs[0] ? strlen(raw) : sizeof nul - 1;
		outcome_of(prep_pieces(raw, len, len, len), &whole);
		bad = 0;
		for (i = 0; i <= len; i++) {
			for (j = i; j <= len; j++) {
				outcome_of(prep_pieces(raw, i, j, len), &part);
				if (!same_outcome(&whole, &part)) {
					if (!bad) fprintf(stderr, "  input %zu split at %zu, %zu: \"%s\" / \"%s\"\n", t, i, j, part.err, whole.err);
					bad++;
				}
			}
		}
		CHECK(bad == 0);
	}
	wire_quiet = 0;
	CHECK(wire_bad == 0);
	CHECK(whole.rc == -1 && strstr(whole.err, "NUL") != NULL);

	/* mail()'s pieces: the header lines and the empty line, the message, the final EOL. The body is
	 * read where it lies: the message points into the pieces, nothing is joined. */
	{
		smtp_message_input in;
		static const char head[] = "To: a@x.org\r\nSubject: s\r\n\r\n";
		static const char msg[] = "line 1\n.line 2\nline 3";
		memset(&in, 0, sizeof in);
		in.raw = head;
		in.raw_len = strlen(head);
		in.more[0] = msg;
		in.more_len[0] = strlen(msg);
		in.more[1] = "\r\n";
		in.more_len[1] = 2;
		in.envelope_from = "s@y.org";
		in.now = 1700000000;
		CHECK(prepare_m(&in) == 0);
		CHECK(M.joined.data == NULL);
		CHECK(M.nbody == 2 && M.body[0] == msg && M.body_len[0] == strlen(msg) && M.body_len[1] == 2);
		CHECK(strcmp(body_of(), "line 1\r\n.line 2\r\nline 3\r\n") == 0);
		CHECK(M.size == W.len);
		/* a header section that runs past raw: the pieces are joined (same message) */
		in.raw_len = strlen(head) - 1;
		in.more[0] = head + strlen(head) - 1;
		in.more_len[0] = 1;
		in.more[1] = msg;
		in.more_len[1] = strlen(msg);
		CHECK(prepare_m(&in) == 0);
		CHECK(M.joined.data != NULL);
		CHECK(strcmp(body_of(), "line 1\r\n.line 2\r\nline 3\r\n") == 0);
	}
	smtp_buf_free(&whole.wire);
	smtp_buf_free(&part.wire);
}

static void run_tests(void)
{
	smtp_buf_init(&W, 0);
	smtp_message_init(&M);
	test_basic();
	test_recipients();
	test_verbatim_headers();
	test_line_endings();
	test_long_header_lines();
	test_from_rules();
	test_msgid_unique();
	test_flags();
	test_errors();
	test_big_body();
	test_dot_stuff();
	test_date();
	test_pieces();
	smtp_message_free(&M);
	smtp_buf_free(&W);
}
