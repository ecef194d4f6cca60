/* SMTP replies (RFC 5321 4.2, RFC 3463 enhanced status codes). Pure C. */
#include "reply.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void smtp_reply_init(smtp_reply *r)
{
	r->code = 0;
	r->enhanced[0] = '\0';
	smtp_strlist_init(&r->lines);
}

void smtp_reply_free(smtp_reply *r)
{
	smtp_strlist_free(&r->lines);
	r->code = 0;
	r->enhanced[0] = '\0';
}

/* "<what>: \"<up to 60 bytes of the line>\"." with control bytes escaped. */
static void reply_err(char *err, size_t errlen, const char *what, const char *line, size_t n)
{
	char q[64 * 4 + 4];
	size_t i, k = 0;

	if (err == NULL || errlen == 0) {
		return;
	}
	for (i = 0; i < n && i < 60; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\r' && i + 1 == n) {
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			k += (size_t)snprintf(q + k, sizeof q - k, "\\x%02x", c);
		} else {
			q[k++] = (char)c;
		}
	}
	q[k] = '\0';
	snprintf(err, errlen, "%s: \"%s%s\".", what, q, n > 60 ? "..." : "");
}

/* Checks the first bytes of a line (as many as are there): "[2-5][0-5][0-9]" then ' ', '-' or
 * the line end. `complete` says whether n covers the whole line (without its line end). */
static int prefix_ok(const char *p, size_t n, int complete)
{
	if (n >= 1 && (p[0] < '2' || p[0] > '5')) {
		return 0;
	}
	if (n >= 2 && (p[1] < '0' || p[1] > '5')) {
		return 0;
	}
	if (n >= 3 && (p[2] < '0' || p[2] > '9')) {
		return 0;
	}
	if (n >= 4 && p[3] != ' ' && p[3] != '-') {
		return 0;
	}
	if (complete && n < 3) {
		return 0;
	}
	return 1;
}

/* Length of an RFC 3463 code "c.sss.ddd" of class `cls` at the start of t, followed by a space or
 * the end; 0 if there is none. */
static size_t enhanced_len(const char *t, size_t n, char cls)
{
	size_t i = 0, d, part;
	if (n < 5 || t[0] != cls || t[1] != '.') {
		return 0;
	}
	i = 2;
	for (part = 0; part < 2; part++) {
		d = 0;
		while (i < n && t[i] >= '0' && t[i] <= '9' && d < 4) {
			i++;
			d++;
		}
		if (d == 0 || d > 3) {
			return 0;
		}
		if (part == 0) {
			if (i >= n || t[i] != '.') {
				return 0;
			}
			i++;
		}
	}
	if (i < n && t[i] != ' ') {
		return 0;
	}
	return i;
}

typedef struct {
	size_t start; /* offset of the line */
	size_t n;     /* bytes of content (without CR LF) */
} line_span;

int smtp_reply_parse(const char *buf, size_t len, size_t *consumed, smtp_reply *r, char *err, size_t errlen)
{
	size_t pos = 0, nlines = 0, i;
	int code = -1, done = 0;
	line_span *spans;
	smtp_reply tmp;

	if (err && errlen) {
		err[0] = '\0';
	}
	if (consumed) {
		*consumed = 0;
	}

	/* Pass 1: find and check the reply's lines without allocating. */
	while (!done) {
		const char *line = buf + pos;
		size_t avail = len - pos, scan, n, eol;
		const char *nl;

		scan = avail < SMTP_REPLY_MAX_LINE ? avail : SMTP_REPLY_MAX_LINE;
		nl = memchr(line, '\n', scan);
		if (nl == NULL) {
			/* incomplete line: reject what is already wrong instead of waiting for more */
			if (memchr(line, '\0', scan) != NULL) {
				reply_err(err, errlen, "NUL byte in the server's reply", line, scan);
				return -1;
			}
			/* a final CR may be the first half of the line's CRLF */
			if (!prefix_ok(line, (scan > 0 && line[scan - 1] == '\r') ? scan - 1 : scan, 0)) {
				reply_err(err, errlen, "Malformed reply from the server", line, scan);
				return -1;
			}
			if (code >= 0 && scan >= 3 && (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0') != code) {
				reply_err(err, errlen, "Continuation line with a different reply code", line, scan);
				return -1;
			}
			if (avail >= SMTP_REPLY_MAX_LINE) {
				reply_err(err, errlen, "Reply line longer than 2048 bytes from the server", line, scan);
				return -1;
			}
			if (pos + avail > SMTP_REPLY_MAX_BYTES) {
				reply_err(err, errlen, "Reply longer than 65536 bytes from the server", line, scan);
				return -1;
			}
			return 0;
		}
		eol = (size_t)(nl - line) + 1; /* bytes of the line with its end */
		n = eol - 1;
		if (n > 0 && line[n - 1] == '\r') {
			n--;
		}
		if (memchr(line, '\0', n) != NULL) {
			reply_err(err, errlen, "NUL byte in the server's reply", line, n);
			return -1;
		}
		if (!prefix_ok(line, n, 1)) {
			reply_err(err, errlen, "Malformed reply from the server", line, n);
			return -1;
		}
		i = (size_t)((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0'));
		if (code < 0) {
			code = (int)i;
		} else if ((int)i != code) {
			reply_err(err, errlen, "Continuation line with a different reply code", line, n);
			return -1;
		}
		nlines++;
		if (nlines > SMTP_REPLY_MAX_LINES) {
			reply_err(err, errlen, "Reply with more than 256 lines from the server", line, n);
			return -1;
		}
		if (pos + eol > SMTP_REPLY_MAX_BYTES) {
			reply_err(err, errlen, "Reply longer than 65536 bytes from the server", line, n);
			return -1;
		}
		if (n < 4 || line[3] == ' ') {
			done = 1;
		}
		pos += eol;
	}

	/* Pass 2: build the reply. */
	spans = malloc(nlines * sizeof *spans);
	if (spans == NULL) {
		if (err && errlen) {
			snprintf(err, errlen, "Out of memory while reading the server's reply.");
		}
		return -1;
	}
	{
		size_t p = 0;
		for (i = 0; i < nlines; i++) {
			const char *nl = memchr(buf + p, '\n', pos - p);
			size_t eol = (size_t)(nl - (buf + p)) + 1, n = eol - 1;
			if (n > 0 && buf[p + n - 1] == '\r') {
				n--;
			}
			spans[i].start = p;
			spans[i].n = n;
			p += eol;
		}
	}
	smtp_reply_init(&tmp);
	tmp.code = code;
	/* the enhanced code: the first one found, with the class of the reply code */
	for (i = 0; i < nlines && tmp.enhanced[0] == '\0'; i++) {
		const char *t = buf + spans[i].start + 4;
		size_t tn = spans[i].n > 4 ? spans[i].n - 4 : 0, el;
		if (spans[i].n <= 4) {
			continue;
		}
		el = enhanced_len(t, tn, buf[spans[i].start]);
		if (el > 0 && el < sizeof tmp.enhanced) {
			memcpy(tmp.enhanced, t, el);
			tmp.enhanced[el] = '\0';
		}
	}
	for (i = 0; i < nlines; i++) {
		const char *t = buf + spans[i].start + 4;
		size_t tn = spans[i].n > 4 ? spans[i].n - 4 : 0;
		size_t el = strlen(tmp.enhanced);
		if (tn == 0) {
			t = "";
		}
		if (el > 0 && tn >= el && memcmp(t, tmp.enhanced, el) == 0 && (tn == el || t[el] == ' ')) {
			t += el;
			tn -= el;
			while (tn > 0 && *t == ' ') {
				t++;
				tn--;
			}
		}
		if (smtp_strlist_add(&tmp.lines, t, tn) != 0) {
			smtp_reply_free(&tmp);
			free(spans);
			if (err && errlen) {
				snprintf(err, errlen, "Out of memory while reading the server's reply.");
			}
			return -1;
		}
	}
	free(spans);
	smtp_reply_free(r);
	*r = tmp;
	if (consumed) {
		*consumed = pos;
	}
	return 1;
}

void smtp_reply_format(const smtp_reply *r, char *out, size_t outlen)
{
	size_t k, i;
	int n;

	if (out == NULL || outlen == 0) {
		return;
	}
	n = snprintf(out, outlen, "%03d%s%s", r->code, r->enhanced[0] ? " " : "", r->enhanced);
	if (n < 0) {
		out[0] = '\0';
		return;
	}
	k = (size_t)n;
	for (i = 0; i < r->lines.count && k < outlen; i++) {
		const char *t = r->lines.items[i];
		if (t[0] == '\0') {
			continue;
		}
		n = snprintf(out + k, outlen - k, " %s", t);
		if (n < 0) {
			break;
		}
		k += (size_t)n;
	}
	out[outlen - 1 < k ? outlen - 1 : k] = '\0';
}

char *smtp_reply_text(const smtp_reply *r)
{
	smtp_buf b;
	size_t i;
	char *s;

	smtp_buf_init(&b, 0);
	for (i = 0; i < r->lines.count; i++) {
		if ((i > 0 && smtp_buf_putc(&b, '\n') != 0) || smtp_buf_puts(&b, r->lines.items[i]) != 0) {
			smtp_buf_free(&b);
			return NULL;
		}
	}
	s = smtp_buf_detach(&b, NULL);
	return s;
}
