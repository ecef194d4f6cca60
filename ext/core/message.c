/* Message preparation: what `sendmail -t -i` does with the stream PHP's mail() writes. Pure C.
 *
 * One pass over the stream finds the header fields (a field is its first line plus any
 * continuation lines that start with white space) and where the body starts: after the first
 * empty line, or at the first line that is neither a header field nor a continuation. Header
 * fields are transmitted as given, byte for byte, except that every line ending becomes CRLF;
 * they are unfolded only to read the addresses in them.
 *
 * smtp_message_prepare runs in named steps: parse_fields, collect_recipients, choose_sender,
 * write_headers, locate_body. Only the header section is built (out->headers); the body stays in
 * the caller's pieces, scanned once for its wire size and 8-bit bytes, and its line endings become
 * CRLF on the way to the socket (data.c). */
#include "message.h"
#include "address.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

enum field_kind { F_OTHER = 0, F_TO, F_CC, F_BCC, F_RESENT_BCC, F_FROM, F_DATE, F_MSGID, F_DROP };

typedef struct {
	size_t start;  /* first byte of the field's first line */
	size_t vstart; /* first byte after the ':' */
	size_t end;    /* after the line ending of the field's last line (or the end of the input) */
	size_t clen;   /* bytes of the unfolded field (line endings not counted) */
	int kind;
} field;

void smtp_message_init(smtp_message *m)
{
	m->sender = NULL;
	smtp_strlist_init(&m->rcpts);
	smtp_buf_init(&m->headers, 0);
	smtp_buf_init(&m->joined, 0);
	memset(m->body, 0, sizeof m->body);
	memset(m->body_len, 0, sizeof m->body_len);
	m->nbody = 0;
	m->size = 0;
	m->eight_bit = 0;
	m->utf8_addrs = 0;
}

void smtp_message_free(smtp_message *m)
{
	free(m->sender);
	m->sender = NULL;
	smtp_strlist_free(&m->rcpts);
	smtp_buf_free(&m->headers);
	smtp_buf_free(&m->joined);
	memset(m->body, 0, sizeof m->body);
	memset(m->body_len, 0, sizeof m->body_len);
	m->nbody = 0;
	m->size = 0;
	m->eight_bit = 0;
	m->utf8_addrs = 0;
}

void smtp_message_reader(const smtp_message *m, smtp_body *out)
{
	int i;

	smtp_body_from_memory(out, m->headers.data, m->headers.len);
	for (i = 0; i < m->nbody && i < SMTP_MESSAGE_BODY_PIECES; i++) {
		smtp_body_add_memory(out, m->body[i], m->body_len[i]);
	}
}

/* ------------------------------------------------------------------ helpers */

static int name_eq(const char *p, size_t n, const char *name);

void smtp_message_id(const smtp_message *m, char *out, size_t outlen)
{
	const char *p = m->headers.data, *end = p ? p + m->headers.len : NULL;
	size_t o = 0;

	if (!outlen) {
		return;
	}
	out[0] = '\0';
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *colon = memchr(p, ':', eol ? (size_t)(eol - p) : (size_t)(end - p));
		if (colon && name_eq(p, (size_t)(colon - p), "Message-ID")) {
			const char *v = colon + 1;
			/* the value with its folded lines, CR, LF and outer white space left out */
			for (;;) {
				const char *stop = memchr(v, '\n', (size_t)(end - v));
				stop = stop ? stop : end;
				for (; v < stop; v++) {
					if (*v != '\r' && *v != '\n' && !((*v == ' ' || *v == '\t') && o == 0) && o + 1 < outlen) {
						out[o++] = *v;
					}
				}
				if (stop + 1 < end && (stop[1] == ' ' || stop[1] == '\t')) {
					v = stop + 1;
					continue;
				}
				break;
			}
			while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t')) {
				o--;
			}
			out[o] = '\0';
			return;
		}
		p = eol ? eol + 1 : end;
	}
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int name_eq(const char *p, size_t n, const char *name)
{
	size_t i;
	if (strlen(name) != n) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (lower((unsigned char)p[i]) != lower((unsigned char)name[i])) {
			return 0;
		}
	}
	return 1;
}

/* Bounded quote of s[0..n) for an error sentence; control bytes shown as '?'. */
static void quote(char *q, size_t qlen, const char *s, size_t n, size_t max)
{
	size_t i, k = 0;
	for (i = 0; i < n && i < max && k + 4 < qlen; i++) {
		unsigned char c = (unsigned char)s[i];
		q[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (i < n && k + 4 <= qlen) {
		memcpy(q + k, "...", 3);
		k += 3;
	}
	q[k] = '\0';
}

/* Length of the line ending at raw[i] (CRLF: 2, LF or bare CR: 1), 0 if none. */
static size_t eol_len(const char *raw, size_t len, size_t i)
{
	if (i >= len) {
		return 0;
	}
	if (raw[i] == '\r') {
		return (i + 1 < len && raw[i + 1] == '\n') ? 2 : 1;
	}
	if (raw[i] == '\n') {
		return 1;
	}
	return 0;
}

#define MAX_WIRE_LINE 998 /* RFC 5322 2.1.1, RFC 5321 4.5.3.1.6: octets per line, CRLF excluded */

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Appends one header line (no line ending in p[0..n)) and CRLF. A line longer than 998 octets
 * is folded: CRLF is put before white space so that unfolding gives the line back unchanged;
 * where a stretch of 998 octets has no white space to fold at, it is broken after 998 octets
 * with CRLF SP (what Postfix's SMTP client does). */
static int put_header_line(smtp_buf *b, const char *p, size_t n)
{
	size_t s = 0;
	int inserted = 0; /* the current output line starts with a SP we added */

	while (n - s + (size_t)inserted > MAX_WIRE_LINE) {
		size_t budget = MAX_WIRE_LINE - (size_t)inserted, k, fold = 0;
		/* the last WSP within the budget that follows a non-WSP octet; folded lines stay at
		 * most 997 octets so that they cannot be mistaken for a 998-octet break */
		for (k = s + budget - 1; k > s; k--) {
			if (is_wsp(p[k]) && !is_wsp(p[k - 1])) {
				fold = k;
				break;
			}
		}
		if (fold > s) {
			if (smtp_buf_append(b, p + s, fold - s) != 0 || smtp_buf_append(b, "\r\n", 2) != 0) {
				return -1;
			}
			s = fold;
			inserted = 0;
		} else {
			if (smtp_buf_append(b, p + s, budget) != 0 || smtp_buf_append(b, "\r\n ", 3) != 0) {
				return -1;
			}
			s += budget;
			inserted = 1;
		}
	}
	if (smtp_buf_append(b, p + s, n - s) != 0) {
		return -1;
	}
	return smtp_buf_append(b, "\r\n", 2);
}

/* Appends header text p[0..n) line by line (any line ending), each through put_header_line. */
static int put_header_text(smtp_buf *b, const char *p, size_t n)
{
	size_t i = 0, ls = 0;
	while (i < n) {
		if (p[i] == '\r' || p[i] == '\n') {
			if (put_header_line(b, p + ls, i - ls) != 0) {
				return -1;
			}
			i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
			ls = i;
		} else {
			i++;
		}
	}
	if (ls < n && put_header_line(b, p + ls, n - ls) != 0) {
		return -1;
	}
	return 0;
}

/* Does the line raw[ls..le) start a header field ("Name:" or the obsolete "Name :")?
 * Returns the offset of the ':' or 0. */
static size_t header_colon(const char *raw, size_t ls, size_t le)
{
	size_t i = ls;
	while (i < le) {
		unsigned char c = (unsigned char)raw[i];
		if (c == ':' || c <= 0x20 || c >= 0x7f) {
			break;
		}
		i++;
	}
	if (i == ls) {
		return 0;
	}
	while (i < le && (raw[i] == ' ' || raw[i] == '\t')) {
		i++;
	}
	if (i < le && raw[i] == ':') {
		return i;
	}
	return 0;
}

static int field_kind(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
		n--;
	}
	if (name_eq(p, n, "To")) {
		return F_TO;
	}
	if (name_eq(p, n, "Cc")) {
		return F_CC;
	}
	if (name_eq(p, n, "Bcc")) {
		return F_BCC;
	}
	if (name_eq(p, n, "Resent-Bcc")) {
		return F_RESENT_BCC;
	}
	if (name_eq(p, n, "From")) {
		return F_FROM;
	}
	if (name_eq(p, n, "Date")) {
		return F_DATE;
	}
	if (name_eq(p, n, "Message-ID")) {
		return F_MSGID;
	}
	/* Never submitted, as Postfix's message_drop_headers: Return-Path is added at final
	 * delivery (RFC 5321 4.4), and Content-Length is wrong once line endings become CRLF. */
	if (name_eq(p, n, "Return-Path") || name_eq(p, n, "Content-Length")) {
		return F_DROP;
	}
	return F_OTHER;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case F_TO:
		return "To";
	case F_CC:
		return "Cc";
	case F_BCC:
		return "Bcc";
	case F_FROM:
		return "From";
	default:
		return "header";
	}
}

/* The field's value with line endings removed (RFC 5322 unfolding), into v. */
static int unfold(const char *raw, const field *f, smtp_buf *v)
{
	size_t i, run = f->vstart;
	smtp_buf_reset(v);
	for (i = f->vstart; i < f->end; i++) {
		if (raw[i] == '\r' || raw[i] == '\n') {
			if (smtp_buf_append(v, raw + run, i - run) != 0) {
				return -1;
			}
			run = i + 1;
		}
	}
	if (smtp_buf_append(v, raw + run, f->end - run) != 0) {
		return -1;
	}
	if (v->data == NULL && smtp_buf_append(v, "", 0) != 0) {
		return -1;
	}
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int put_base64(smtp_buf *b, const unsigned char *p, size_t n)
{
	size_t i;
	char q[4];
	for (i = 0; i + 2 < n; i += 3) {
		q[0] = b64[p[i] >> 2];
		q[1] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = b64[p[i + 2] & 63];
		if (smtp_buf_append(b, q, 4) != 0) {
			return -1;
		}
	}
	if (i < n) {
		q[0] = b64[p[i] >> 2];
		if (i + 1 < n) {
			q[1] = b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			q[2] = b64[(p[i + 1] & 15) << 2];
		} else {
			q[1] = b64[(p[i] & 3) << 4];
			q[2] = '=';
		}
		q[3] = '=';
		if (smtp_buf_append(b, q, 4) != 0) {
			return -1;
		}
	}
	return 0;
}

/* The display name for a From: header: control bytes become spaces; MIME-encoded (RFC 2047,
 * UTF-8, base64, words of at most 45 bytes split at character boundaries) when not ASCII, a
 * quoted string when it contains specials, else as is. */
static int put_display_name(smtp_buf *b, const char *name)
{
	size_t n = strlen(name), i;
	int non_ascii = 0, specials = 0;
	smtp_buf clean;
	int rc = -1;

	smtp_buf_init(&clean, 0);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f) {
			c = ' ';
		}
		if (c >= 0x80) {
			non_ascii = 1;
		}
		if (c != 0 && strchr("()<>[]:;@\\,.\"", c) != NULL) {
			specials = 1;
		}
		if (smtp_buf_putc(&clean, (char)c) != 0) {
			goto out;
		}
	}
	if (clean.data == NULL) {
		rc = 0;
		goto out;
	}
	if (non_ascii) {
		const unsigned char *p = (const unsigned char *)clean.data;
		size_t pos = 0, len = clean.len;
		while (pos < len) {
			size_t take = len - pos;
			if (take > 45) {
				take = 45;
				/* do not split a UTF-8 sequence: back up over continuation bytes */
				while (take > 1 && (p[pos + take] & 0xC0) == 0x80) {
					take--;
				}
			}
			if (pos > 0 && smtp_buf_append(b, "\r\n ", 3) != 0) {
				goto out;
			}
			if (smtp_buf_puts(b, "=?UTF-8?B?") != 0 || put_base64(b, p + pos, take) != 0
			    || smtp_buf_puts(b, "?=") != 0) {
				goto out;
			}
			pos += take;
		}
	} else if (specials) {
		if (smtp_buf_putc(b, '"') != 0) {
			goto out;
		}
		for (i = 0; i < clean.len; i++) {
			char c = clean.data[i];
			if ((c == '"' || c == '\\') && smtp_buf_putc(b, '\\') != 0) {
				goto out;
			}
			if (smtp_buf_putc(b, c) != 0) {
				goto out;
			}
		}
		if (smtp_buf_putc(b, '"') != 0) {
			goto out;
		}
	} else {
		if (smtp_buf_append(b, clean.data, clean.len) != 0) {
			goto out;
		}
	}
	rc = 0;
out:
	smtp_buf_free(&clean);
	return rc;
}

static int domain_ok(const char *d)
{
	size_t i, n = strlen(d);
	if (n == 0 || n > 255) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c <= 0x20 || c >= 0x7f || strchr("<>()@,;:\\\"", c) != NULL) {
			return 0;
		}
	}
	return 1;
}

void smtp_format_date(time_t t, char *out, size_t outlen)
{
	static const char *days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm lt, gt;
	long off;
	int dd;

	if (out == NULL || outlen == 0) {
		return;
	}
#ifdef _WIN32
	if (localtime_s(&lt, &t) != 0 || gmtime_s(&gt, &t) != 0) {
		out[0] = '\0';
		return;
	}
#else
	if (localtime_r(&t, &lt) == NULL || gmtime_r(&t, &gt) == NULL) {
		out[0] = '\0';
		return;
	}
#endif
	off = (long)(lt.tm_hour - gt.tm_hour) * 3600 + (long)(lt.tm_min - gt.tm_min) * 60 + (lt.tm_sec - gt.tm_sec);
	dd = lt.tm_yday - gt.tm_yday;
	if (lt.tm_year != gt.tm_year) {
		dd = lt.tm_year > gt.tm_year ? 1 : -1;
	}
	off += (long)dd * 86400;
	off /= 60; /* minutes */
	snprintf(out, outlen, "%s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld",
	         days[lt.tm_wday >= 0 && lt.tm_wday < 7 ? lt.tm_wday : 0], lt.tm_mday,
	         months[lt.tm_mon >= 0 && lt.tm_mon < 12 ? lt.tm_mon : 0], lt.tm_year + 1900, lt.tm_hour, lt.tm_min,
	         lt.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
}

/* "<YYYYMMDDhhmmss.<16 hex>@domain>" */
static int put_message_id(smtp_buf *b, time_t now, const char *domain)
{
	unsigned char rnd[8];
	struct tm gt;
	size_t i;

	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		/* no randomness: the time, the CPU clock and this call's stack address (no static: ZTS) */
		unsigned long c = (unsigned long)now ^ ((unsigned long)clock() << 16) ^ (unsigned long)(uintptr_t)&gt;
		for (i = 0; i < sizeof rnd; i++) {
			rnd[i] = (unsigned char)(c >> (8 * (i % sizeof c)));
		}
	}
#ifdef _WIN32
	if (gmtime_s(&gt, &now) != 0) {
		memset(&gt, 0, sizeof gt);
	}
#else
	if (gmtime_r(&now, &gt) == NULL) {
		memset(&gt, 0, sizeof gt);
	}
#endif
	if (smtp_buf_printf(b, "Message-ID: <%04d%02d%02d%02d%02d%02d.", gt.tm_year + 1900, gt.tm_mon + 1, gt.tm_mday,
	                    gt.tm_hour, gt.tm_min, gt.tm_sec)
	    != 0) {
		return -1;
	}
	for (i = 0; i < sizeof rnd; i++) {
		if (smtp_buf_printf(b, "%02X", rnd[i]) != 0) {
			return -1;
		}
	}
	return smtp_buf_printf(b, "@%s>\r\n", domain);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ prepare */

/* What the steps of smtp_message_prepare share. */
typedef struct {
	const smtp_message_input *in;
	const char *raw; /* the piece that holds the header section */
	size_t len;
	field *fields;
	size_t nf, capf;
	size_t body;  /* offset in raw where the body starts (len: it starts in the next piece) */
	int complete; /* the header section ends inside raw: nothing after raw can change it */
	int has_from, has_date, has_msgid, replace_from;
	const char *from_addr; /* in->from_addr, NULL when empty */
	smtp_buf val;          /* one unfolded field value */
	smtp_buf from_hdr;     /* a From: field to add or to put in place of the first one */
	smtp_strlist from_list;
	char *err;
	size_t errlen;
} prep;

static int oom(prep *c)
{
	set_err(c->err, c->errlen, "Out of memory while preparing the message.");
	return -1;
}

/* The input's pieces after raw: i in 0..1, NULL/0 when absent. */
static const char *more_piece(const smtp_message_input *in, int i, size_t *len)
{
	*len = in->more[i] != NULL ? in->more_len[i] : 0;
	return in->more[i];
}

static int has_more(const smtp_message_input *in)
{
	size_t n0, n1;
	more_piece(in, 0, &n0);
	more_piece(in, 1, &n1);
	return n0 > 0 || n1 > 0;
}

/* 1. header fields and the start of the body, in c->raw */
static int parse_fields(prep *c)
{
	const char *raw = c->raw;
	size_t len = c->len, pos = 0;
	char q[80];

	c->nf = 0;
	c->body = len;
	c->complete = 0;
	while (pos < len) {
		size_t ls = pos, le = pos, next, colon;
		while (le < len && raw[le] != '\r' && raw[le] != '\n') {
			le++;
		}
		next = le + eol_len(raw, len, le);
		if (le == ls) { /* the empty line: the body follows */
			c->body = next;
			/* a CR that ends raw may be the first half of a CRLF */
			c->complete = !(raw[le] == '\r' && le + 1 == len);
			return 0;
		}
		if ((raw[ls] == ' ' || raw[ls] == '\t') && c->nf > 0) {
			field *f = &c->fields[c->nf - 1];
			if (f->clen + (le - ls) > SMTP_MESSAGE_MAX_HEADER_LINE) {
				quote(q, sizeof q, raw + f->start, le - f->start, 40);
				set_err(c->err, c->errlen, "A header field is longer than 65536 bytes: \"%s\".", q);
				return -1;
			}
			f->end = next;
			f->clen += le - ls;
			pos = next;
			continue;
		}
		colon = header_colon(raw, ls, le);
		if (colon == 0) { /* not a header: the body starts here */
			c->body = ls;
			/* a line cut off at the end of raw might be a header field once it is whole */
			c->complete = le < len;
			return 0;
		}
		if (le - ls > SMTP_MESSAGE_MAX_HEADER_LINE) {
			quote(q, sizeof q, raw + ls, le - ls, 40);
			set_err(c->err, c->errlen, "A header line is longer than 65536 bytes: \"%s\".", q);
			return -1;
		}
		if (c->nf >= SMTP_MESSAGE_MAX_HEADERS) {
			set_err(c->err, c->errlen, "The message has more than %d header fields.", SMTP_MESSAGE_MAX_HEADERS);
			return -1;
		}
		if (c->nf == c->capf) {
			size_t nc = c->capf ? c->capf * 2 : 16;
			field *nfp = realloc(c->fields, nc * sizeof *c->fields);
			if (nfp == NULL) {
				return oom(c);
			}
			c->fields = nfp;
			c->capf = nc;
		}
		c->fields[c->nf].start = ls;
		c->fields[c->nf].vstart = colon + 1;
		c->fields[c->nf].end = next;
		c->fields[c->nf].clen = le - ls;
		c->fields[c->nf].kind = field_kind(raw + ls, colon - ls);
		c->nf++;
		pos = next;
	}
	return 0; /* raw ended inside the header section */
}

/* 2. recipients from To, Cc and Bcc (every occurrence, in order); notes From, Date, Message-ID */
static int collect_recipients(prep *c, smtp_message *out)
{
	size_t i;

	for (i = 0; i < c->nf; i++) {
		int k = c->fields[i].kind;
		char perr[200];
		if (k != F_TO && k != F_CC && k != F_BCC) {
			if (k == F_FROM) {
				c->has_from = 1;
			}
			if (k == F_DATE) {
				c->has_date = 1;
			}
			if (k == F_MSGID) {
				c->has_msgid = 1;
			}
			continue;
		}
		if (unfold(c->raw, &c->fields[i], &c->val) != 0) {
			return oom(c);
		}
		if (smtp_address_list_parse(c->val.data, c->val.len, &out->rcpts, perr, sizeof perr) < 0) {
			set_err(c->err, c->errlen, "Invalid %s: header: %s", kind_name(k), perr);
			return -1;
		}
	}
	if (out->rcpts.count == 0) {
		set_err(c->err, c->errlen, "No recipients: the To, Cc and Bcc headers name no address.");
		return -1;
	}
	return 0;
}

/* 3. From: (made when missing or forced) and the envelope sender */
static int choose_sender(prep *c, smtp_message *out)
{
	const smtp_message_input *in = c->in;
	const char *from_addr = c->from_addr;
	char q[80];
	size_t i;

	if (from_addr != NULL && !smtp_address_valid(from_addr, strlen(from_addr))) {
		quote(q, sizeof q, from_addr, strlen(from_addr), 60);
		set_err(c->err, c->errlen, "Invalid From address \"%s\".", q);
		return -1;
	}
	if (in->envelope_from != NULL && in->envelope_from[0] != '\0'
	    && !smtp_address_valid(in->envelope_from, strlen(in->envelope_from))) {
		quote(q, sizeof q, in->envelope_from, strlen(in->envelope_from), 60);
		set_err(c->err, c->errlen, "Invalid envelope sender \"%s\".", q);
		return -1;
	}
	c->replace_from = c->has_from && in->force_from && from_addr != NULL;
	if (!c->has_from || c->replace_from) {
		const char *addr = from_addr;
		if (addr == NULL && in->envelope_from != NULL && in->envelope_from[0] != '\0') {
			addr = in->envelope_from;
		}
		if (addr != NULL) {
			if (smtp_buf_puts(&c->from_hdr, "From: ") != 0) {
				return oom(c);
			}
			if (in->from_name && in->from_name[0]) {
				if (put_display_name(&c->from_hdr, in->from_name) != 0
				    || smtp_buf_printf(&c->from_hdr, " <%s>\r\n", addr) != 0) {
					return oom(c);
				}
			} else if (smtp_buf_printf(&c->from_hdr, "%s\r\n", addr) != 0) {
				return oom(c);
			}
			if (smtp_strlist_add(&c->from_list, addr, strlen(addr)) != 0) {
				return oom(c);
			}
		}
	} else if (in->envelope_from == NULL) {
		/* the sender comes from the first From: header's first address */
		for (i = 0; i < c->nf; i++) {
			char perr[200];
			if (c->fields[i].kind != F_FROM) {
				continue;
			}
			if (unfold(c->raw, &c->fields[i], &c->val) != 0) {
				return oom(c);
			}
			if (smtp_address_list_parse(c->val.data, c->val.len, &c->from_list, perr, sizeof perr) < 0) {
				set_err(c->err, c->errlen, "Invalid From: header: %s", perr);
				return -1;
			}
			break;
		}
	}
	if (in->envelope_from != NULL) {
		out->sender = smtp_strdup(in->envelope_from);
	} else if (c->from_list.count > 0) {
		out->sender = smtp_strdup(c->from_list.items[0]);
	} else {
		set_err(c->err, c->errlen,
		        "No envelope sender: the message has no From: address and no sender is "
		        "configured (smtp.from, sendmail_from or -f).");
		return -1;
	}
	if (out->sender == NULL) {
		return oom(c);
	}
	return 0;
}

/* 4. the header section: the fields (Bcc removed), the added fields, the empty line */
static int write_headers(prep *c, smtp_message *out)
{
	const smtp_message_input *in = c->in;
	smtp_buf *h = &out->headers;
	time_t now = in->now ? in->now : time(NULL);
	size_t i;

	if (smtp_buf_reserve(h, c->body + c->body / 8 + c->from_hdr.len + 256) != 0) {
		return oom(c);
	}
	for (i = 0; i < c->nf; i++) {
		const field *f = &c->fields[i];
		if (f->kind == F_BCC || f->kind == F_RESENT_BCC || f->kind == F_DROP) {
			continue;
		}
		if (f->kind == F_FROM && c->replace_from) {
			if (c->from_hdr.len > 0) {
				if (put_header_text(h, c->from_hdr.data, c->from_hdr.len) != 0) {
					return oom(c);
				}
				c->from_hdr.len = 0; /* once, in place of the first From: */
			}
			continue;
		}
		if (put_header_text(h, c->raw + f->start, f->end - f->start) != 0) {
			return oom(c);
		}
	}
	if (!c->has_msgid) {
		const char *dom = in->msgid_domain;
		if (dom == NULL || !domain_ok(dom)) {
			const char *at = strrchr(out->sender, '@');
			dom = (at != NULL && domain_ok(at + 1)) ? at + 1 : "localhost";
		}
		if (put_message_id(h, now, dom) != 0) {
			return oom(c);
		}
	}
	if (!c->has_date) {
		char date[64];
		smtp_format_date(now, date, sizeof date);
		if (smtp_buf_printf(h, "Date: %s\r\n", date) != 0) {
			return oom(c);
		}
	}
	if (!c->has_from && c->from_hdr.len > 0) {
		if (put_header_text(h, c->from_hdr.data, c->from_hdr.len) != 0) {
			return oom(c);
		}
	}
	if (smtp_buf_append(h, "\r\n", 2) != 0) {
		return oom(c);
	}
	return 0;
}

static void add_body_piece(smtp_message *out, const char *p, size_t n)
{
	if (p != NULL && n > 0 && out->nbody < SMTP_MESSAGE_BODY_PIECES) {
		out->body[out->nbody] = p;
		out->body_len[out->nbody] = n;
		out->nbody++;
	}
}

/* 5. the body where it lies, its size on the wire, and the flags */
static void locate_body(prep *c, smtp_message *out)
{
	size_t i, size = out->headers.len;
	int k, cr = 0;
	char last = '\0';

	add_body_piece(out, c->raw + c->body, c->len - c->body);
	if (c->raw != out->joined.data) {
		for (k = 0; k < 2; k++) {
			size_t n;
			const char *p = more_piece(c->in, k, &n);
			add_body_piece(out, p, n);
		}
	}
	for (i = 0; i < out->headers.len && !out->eight_bit; i++) {
		out->eight_bit = (unsigned char)out->headers.data[i] >= 0x80;
	}
	/* every line ending (CRLF, LF, bare CR) is two bytes on the wire; a CR that ends one piece and
	 * an LF that starts the next are one line ending */
	for (k = 0; k < out->nbody; k++) {
		const unsigned char *p = (const unsigned char *)out->body[k];
		size_t n = out->body_len[k];
		for (i = 0; i < n; i++) {
			unsigned char ch = p[i];
			if (ch == '\r') {
				size += 2;
				cr = 1;
				continue;
			}
			if (ch == '\n') {
				size += cr ? 0 : 2;
			} else {
				size++;
				out->eight_bit |= ch >= 0x80;
			}
			cr = 0;
		}
		last = (char)p[n - 1];
	}
	if (out->nbody > 0 && last != '\r' && last != '\n') {
		size += 2;
	}
	out->size = size;
	out->utf8_addrs = smtp_address_is_utf8(out->sender, strlen(out->sender));
	for (i = 0; i < out->rcpts.count && !out->utf8_addrs; i++) {
		out->utf8_addrs = smtp_address_is_utf8(out->rcpts.items[i], strlen(out->rcpts.items[i]));
	}
}

/* The pieces joined into out->joined: when the header section does not end in raw. */
static int join_pieces(prep *c, smtp_message *out)
{
	int k;

	if (smtp_buf_append(&out->joined, c->raw, c->len) != 0) {
		return oom(c);
	}
	for (k = 0; k < 2; k++) {
		size_t n;
		const char *p = more_piece(c->in, k, &n);
		if (n > 0 && smtp_buf_append(&out->joined, p, n) != 0) {
			return oom(c);
		}
	}
	c->raw = out->joined.data;
	c->len = out->joined.len;
	return 0;
}

int smtp_message_prepare(const smtp_message_input *in, smtp_message *out, char *err, size_t errlen)
{
	prep c;
	int k, rc = -1;

	memset(&c, 0, sizeof c);
	c.in = in;
	c.raw = in->raw ? in->raw : "";
	c.len = in->raw ? in->raw_len : 0;
	c.from_addr = (in->from_addr && in->from_addr[0]) ? in->from_addr : NULL;
	c.err = err;
	c.errlen = errlen;
	smtp_buf_init(&c.val, SMTP_MESSAGE_MAX_HEADER_LINE + 16);
	smtp_buf_init(&c.from_hdr, 0);
	smtp_strlist_init(&c.from_list);
	smtp_message_free(out);
	if (err && errlen) {
		err[0] = '\0';
	}

	if (memchr(c.raw, '\0', c.len) != NULL) {
		set_err(err, errlen, "The message contains a NUL byte.");
		goto done;
	}
	for (k = 0; k < 2; k++) {
		size_t n;
		const char *p = more_piece(in, k, &n);
		if (n > 0 && memchr(p, '\0', n) != NULL) {
			set_err(err, errlen, "The message contains a NUL byte.");
			goto done;
		}
	}
	if (parse_fields(&c) != 0) {
		goto done;
	}
	if (!c.complete && has_more(in)) {
		if (join_pieces(&c, out) != 0 || parse_fields(&c) != 0) {
			goto done;
		}
	}
	if (collect_recipients(&c, out) != 0 || choose_sender(&c, out) != 0 || write_headers(&c, out) != 0) {
		goto done;
	}
	locate_body(&c, out);
	rc = 0;

done:
	if (rc != 0) {
		smtp_message_free(out);
	}
	free(c.fields);
	smtp_buf_free(&c.val);
	smtp_buf_free(&c.from_hdr);
	smtp_strlist_free(&c.from_list);
	return rc;
}
