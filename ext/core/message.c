/* Message preparation: what `sendmail -t -i` does with the stream PHP's mail() writes. Pure C.
 *
 * One pass over the stream finds the header fields (a field is its first line plus any
 * continuation lines that start with white space) and where the body starts: after the first
 * empty line, or at the first line that is neither a header field nor a continuation. Header
 * fields are transmitted as given, byte for byte, except that every line ending becomes CRLF;
 * they are unfolded only to read the addresses in them. */
#include "message.h"
#include "address.h"

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
	smtp_buf_init(&m->data, 0);
	m->eight_bit = 0;
	m->utf8_addrs = 0;
}

void smtp_message_free(smtp_message *m)
{
	free(m->sender);
	m->sender = NULL;
	smtp_strlist_free(&m->rcpts);
	smtp_buf_free(&m->data);
	m->eight_bit = 0;
	m->utf8_addrs = 0;
}

/* ------------------------------------------------------------------ helpers */

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

/* Appends p[0..n) with every line ending (CRLF, LF, bare CR) written as CRLF. */
static int put_crlf(smtp_buf *b, const char *p, size_t n)
{
	size_t i = 0, run = 0;
	while (i < n) {
		char c = p[i];
		if (c != '\r' && c != '\n') {
			i++;
			continue;
		}
		if (smtp_buf_append(b, p + run, i - run) != 0 || smtp_buf_append(b, "\r\n", 2) != 0) {
			return -1;
		}
		i += (c == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
		run = i;
	}
	return smtp_buf_append(b, p + run, n - run);
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
	static unsigned long counter;
	struct tm gt;
	size_t i;

	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		/* no randomness: still unique within this process */
		unsigned long c = ++counter ^ (unsigned long)clock();
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

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen) {
		snprintf(err, errlen, fmt, a, b);
	}
}

/* ------------------------------------------------------------------ prepare */

int smtp_message_prepare(const smtp_message_input *in, smtp_message *out, char *err, size_t errlen)
{
	const char *raw = in->raw ? in->raw : "";
	size_t len = in->raw ? in->raw_len : 0;
	field *fields = NULL;
	size_t nf = 0, capf = 0, pos = 0, body = len, i;
	int has_from = 0, has_date = 0, has_msgid = 0;
	smtp_buf val, from_hdr;
	smtp_strlist from_list;
	time_t now = in->now ? in->now : time(NULL);
	const char *from_addr = (in->from_addr && in->from_addr[0]) ? in->from_addr : NULL;
	char q[80], tmp[64];
	int replace_from, rc = -1;

	smtp_buf_init(&val, SMTP_MESSAGE_MAX_HEADER_LINE + 16);
	smtp_buf_init(&from_hdr, 0);
	smtp_strlist_init(&from_list);
	smtp_message_free(out);
	if (err && errlen) {
		err[0] = '\0';
	}

	if (memchr(raw, '\0', len) != NULL) {
		set_err(err, errlen, "The message contains a NUL byte.%s%s", "", "");
		goto done;
	}

	/* 1. header fields and the start of the body */
	while (pos < len) {
		size_t ls = pos, le = pos, next, colon;
		while (le < len && raw[le] != '\r' && raw[le] != '\n') {
			le++;
		}
		next = le + eol_len(raw, len, le);
		if (le == ls) { /* the empty line: the body follows */
			body = next;
			break;
		}
		if ((raw[ls] == ' ' || raw[ls] == '\t') && nf > 0) {
			field *f = &fields[nf - 1];
			if (f->clen + (le - ls) > SMTP_MESSAGE_MAX_HEADER_LINE) {
				quote(q, sizeof q, raw + f->start, le - f->start, 40);
				set_err(err, errlen, "A header field is longer than 65536 bytes: \"%s\".%s", q, "");
				goto done;
			}
			f->end = next;
			f->clen += le - ls;
			pos = next;
			continue;
		}
		colon = header_colon(raw, ls, le);
		if (colon == 0) { /* not a header: the body starts here */
			body = ls;
			break;
		}
		if (le - ls > SMTP_MESSAGE_MAX_HEADER_LINE) {
			quote(q, sizeof q, raw + ls, le - ls, 40);
			set_err(err, errlen, "A header line is longer than 65536 bytes: \"%s\".%s", q, "");
			goto done;
		}
		if (nf >= SMTP_MESSAGE_MAX_HEADERS) {
			snprintf(tmp, sizeof tmp, "%d", SMTP_MESSAGE_MAX_HEADERS);
			set_err(err, errlen, "The message has more than %s header fields.%s", tmp, "");
			goto done;
		}
		if (nf == capf) {
			size_t nc = capf ? capf * 2 : 16;
			field *nfp = realloc(fields, nc * sizeof *fields);
			if (nfp == NULL) {
				goto oom;
			}
			fields = nfp;
			capf = nc;
		}
		fields[nf].start = ls;
		fields[nf].vstart = colon + 1;
		fields[nf].end = next;
		fields[nf].clen = le - ls;
		fields[nf].kind = field_kind(raw + ls, colon - ls);
		nf++;
		pos = next;
	}

	/* 2. recipients from To, Cc and Bcc (every occurrence, in order) */
	for (i = 0; i < nf; i++) {
		int k = fields[i].kind;
		char perr[200];
		if (k != F_TO && k != F_CC && k != F_BCC) {
			if (k == F_FROM) {
				has_from = 1;
			}
			if (k == F_DATE) {
				has_date = 1;
			}
			if (k == F_MSGID) {
				has_msgid = 1;
			}
			continue;
		}
		if (unfold(raw, &fields[i], &val) != 0) {
			goto oom;
		}
		if (smtp_address_list_parse(val.data, val.len, &out->rcpts, perr, sizeof perr) < 0) {
			if (err && errlen) {
				snprintf(err, errlen, "Invalid %s: header: %s", kind_name(k), perr);
			}
			goto done;
		}
	}
	if (out->rcpts.count == 0) {
		set_err(err, errlen, "No recipients: the To, Cc and Bcc headers name no address.%s%s", "", "");
		goto done;
	}

	/* 3. From: and the envelope sender */
	if (from_addr != NULL && !smtp_address_valid(from_addr, strlen(from_addr))) {
		quote(q, sizeof q, from_addr, strlen(from_addr), 60);
		set_err(err, errlen, "Invalid From address \"%s\".%s", q, "");
		goto done;
	}
	if (in->envelope_from != NULL && in->envelope_from[0] != '\0'
	    && !smtp_address_valid(in->envelope_from, strlen(in->envelope_from))) {
		quote(q, sizeof q, in->envelope_from, strlen(in->envelope_from), 60);
		set_err(err, errlen, "Invalid envelope sender \"%s\".%s", q, "");
		goto done;
	}
	replace_from = has_from && in->force_from && from_addr != NULL;
	if (!has_from || replace_from) {
		const char *addr = from_addr;
		if (addr == NULL && in->envelope_from != NULL && in->envelope_from[0] != '\0') {
			addr = in->envelope_from;
		}
		if (addr != NULL) {
			if (smtp_buf_puts(&from_hdr, "From: ") != 0) {
				goto oom;
			}
			if (in->from_name && in->from_name[0]) {
				if (put_display_name(&from_hdr, in->from_name) != 0
				    || smtp_buf_printf(&from_hdr, " <%s>\r\n", addr) != 0) {
					goto oom;
				}
			} else if (smtp_buf_printf(&from_hdr, "%s\r\n", addr) != 0) {
				goto oom;
			}
			if (smtp_strlist_add(&from_list, addr, strlen(addr)) != 0) {
				goto oom;
			}
		}
	} else if (in->envelope_from == NULL) {
		/* the sender comes from the first From: header's first address */
		for (i = 0; i < nf; i++) {
			char perr[200];
			if (fields[i].kind != F_FROM) {
				continue;
			}
			if (unfold(raw, &fields[i], &val) != 0) {
				goto oom;
			}
			if (smtp_address_list_parse(val.data, val.len, &from_list, perr, sizeof perr) < 0) {
				if (err && errlen) {
					snprintf(err, errlen, "Invalid From: header: %s", perr);
				}
				goto done;
			}
			break;
		}
	}
	if (in->envelope_from != NULL) {
		out->sender = smtp_strdup(in->envelope_from);
	} else if (from_list.count > 0) {
		out->sender = smtp_strdup(from_list.items[0]);
	} else {
		set_err(err, errlen,
		        "No envelope sender: the message has no From: address and no sender is "
		        "configured (smtp.from, sendmail_from or -f).%s%s",
		        "", "");
		goto done;
	}
	if (out->sender == NULL) {
		goto oom;
	}

	/* 4. the data: header fields (Bcc removed), added fields, empty line, body */
	if (smtp_buf_reserve(&out->data, len + len / 8 + from_hdr.len + 256) != 0) {
		goto oom;
	}
	for (i = 0; i < nf; i++) {
		const field *f = &fields[i];
		if (f->kind == F_BCC || f->kind == F_RESENT_BCC || f->kind == F_DROP) {
			continue;
		}
		if (f->kind == F_FROM && replace_from) {
			if (from_hdr.len > 0) {
				if (put_header_text(&out->data, from_hdr.data, from_hdr.len) != 0) {
					goto oom;
				}
				from_hdr.len = 0; /* once, in place of the first From: */
			}
			continue;
		}
		if (put_header_text(&out->data, raw + f->start, f->end - f->start) != 0) {
			goto oom;
		}
	}
	if (!has_msgid) {
		const char *dom = in->msgid_domain;
		if (dom == NULL || !domain_ok(dom)) {
			const char *at = strrchr(out->sender, '@');
			dom = (at != NULL && domain_ok(at + 1)) ? at + 1 : "localhost";
		}
		if (put_message_id(&out->data, now, dom) != 0) {
			goto oom;
		}
	}
	if (!has_date) {
		char date[64];
		smtp_format_date(now, date, sizeof date);
		if (smtp_buf_printf(&out->data, "Date: %s\r\n", date) != 0) {
			goto oom;
		}
	}
	if (!has_from && from_hdr.len > 0) {
		if (put_header_text(&out->data, from_hdr.data, from_hdr.len) != 0) {
			goto oom;
		}
	}
	if (smtp_buf_append(&out->data, "\r\n", 2) != 0) {
		goto oom;
	}
	if (body < len) {
		if (put_crlf(&out->data, raw + body, len - body) != 0) {
			goto oom;
		}
		if (raw[len - 1] != '\n' && raw[len - 1] != '\r') {
			if (smtp_buf_append(&out->data, "\r\n", 2) != 0) {
				goto oom;
			}
		}
	}

	/* 5. flags */
	for (i = 0; i < out->data.len; i++) {
		if ((unsigned char)out->data.data[i] >= 0x80) {
			out->eight_bit = 1;
			break;
		}
	}
	out->utf8_addrs = smtp_address_is_utf8(out->sender, strlen(out->sender));
	for (i = 0; i < out->rcpts.count && !out->utf8_addrs; i++) {
		out->utf8_addrs = smtp_address_is_utf8(out->rcpts.items[i], strlen(out->rcpts.items[i]));
	}
	rc = 0;
	goto done;

oom:
	set_err(err, errlen, "Out of memory while preparing the message.%s%s", "", "");
done:
	if (rc != 0) {
		smtp_message_free(out);
	}
	free(fields);
	smtp_buf_free(&val);
	smtp_buf_free(&from_hdr);
	smtp_strlist_free(&from_list);
	return rc;
}

/* ------------------------------------------------------------------ DATA */

int smtp_dot_stuff(const char *data, size_t len, smtp_buf *out)
{
	size_t run = 0, i;
	const char *nl;

	if (smtp_buf_reserve(out, len + len / 32 + 8) != 0) {
		return -1;
	}
	if (len > 0 && data[0] == '.' && smtp_buf_putc(out, '.') != 0) {
		return -1;
	}
	i = 0;
	while (i < len && (nl = memchr(data + i, '\n', len - i)) != NULL) {
		i = (size_t)(nl - data) + 1;
		if (i < len && data[i] == '.') {
			if (smtp_buf_append(out, data + run, i - run) != 0 || smtp_buf_putc(out, '.') != 0) {
				return -1;
			}
			run = i;
		}
	}
	if (smtp_buf_append(out, data + run, len - run) != 0) {
		return -1;
	}
	if (len > 0 && (len < 2 || data[len - 2] != '\r' || data[len - 1] != '\n')) {
		if (smtp_buf_append(out, "\r\n", 2) != 0) {
			return -1;
		}
	}
	return smtp_buf_append(out, ".\r\n", 3);
}
