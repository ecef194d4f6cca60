/* The bounded JSON reader. Pure C. */
#include "json.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	const unsigned char *p;
	size_t len, pos;
	char *err;
	size_t errlen;
	int failed;
} reader;

static int fail(reader *r, const char *what)
{
	if (!r->failed) {
		snprintf(r->err, r->errlen, "invalid JSON at byte %zu: %s", r->pos, what);
		r->failed = 1;
	}
	return -1;
}

static void skip_ws(reader *r)
{
	while (r->pos < r->len
	       && (r->p[r->pos] == ' ' || r->p[r->pos] == '\t' || r->p[r->pos] == '\n' || r->p[r->pos] == '\r')) {
		r->pos++;
	}
}

static int hex4(reader *r, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (r->len - r->pos < 4) {
		return fail(r, "a \\u escape is cut short");
	}
	for (i = 0; i < 4; i++) {
		unsigned char c = r->p[r->pos++];
		v <<= 4;
		if (c >= '0' && c <= '9') {
			v |= (unsigned)(c - '0');
		} else if (c >= 'a' && c <= 'f') {
			v |= (unsigned)(c - 'a' + 10);
		} else if (c >= 'A' && c <= 'F') {
			v |= (unsigned)(c - 'A' + 10);
		} else {
			return fail(r, "a \\u escape that is not hexadecimal");
		}
	}
	*out = v;
	return 0;
}

/* Appends one byte to out (cap includes the NUL); out NULL: the string is only checked. */
static int put(reader *r, char *out, size_t cap, size_t *n, unsigned char c)
{
	if (out) {
		if (*n + 1 >= cap) {
			return fail(r, "a string value is too long");
		}
		out[*n] = (char)c;
	}
	(*n)++;
	return 0;
}

static int put_utf8(reader *r, char *out, size_t cap, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		return put(r, out, cap, n, (unsigned char)cp);
	}
	if (cp < 0x800) {
		return put(r, out, cap, n, (unsigned char)(0xC0 | (cp >> 6))) || put(r, out, cap, n, 0x80 | (cp & 0x3F)) ? -1
		                                                                                                         : 0;
	}
	if (cp < 0x10000) {
		return put(r, out, cap, n, (unsigned char)(0xE0 | (cp >> 12)))
		               || put(r, out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)))
		               || put(r, out, cap, n, (unsigned char)(0x80 | (cp & 0x3F)))
		           ? -1
		           : 0;
	}
	return put(r, out, cap, n, (unsigned char)(0xF0 | (cp >> 18)))
	               || put(r, out, cap, n, (unsigned char)(0x80 | ((cp >> 12) & 0x3F)))
	               || put(r, out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)))
	               || put(r, out, cap, n, (unsigned char)(0x80 | (cp & 0x3F)))
	           ? -1
	           : 0;
}

/* A string at r->pos (the opening quote); decoded into out when out is not NULL. */
static int string(reader *r, char *out, size_t cap, size_t *outlen)
{
	size_t n = 0;

	r->pos++; /* the quote */
	for (;;) {
		unsigned char c;
		if (r->pos >= r->len) {
			return fail(r, "a string is not closed");
		}
		c = r->p[r->pos++];
		if (c == '"') {
			break;
		}
		if (c < 0x20) {
			return fail(r, "a control character in a string");
		}
		if (c != '\\') {
			if (put(r, out, cap, &n, c) != 0) {
				return -1;
			}
			continue;
		}
		if (r->pos >= r->len) {
			return fail(r, "an escape is cut short");
		}
		c = r->p[r->pos++];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(r, &cp) != 0) {
				return -1;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (r->len - r->pos < 6 || r->p[r->pos] != '\\' || r->p[r->pos + 1] != 'u') {
					return fail(r, "a lone surrogate in a \\u escape");
				}
				r->pos += 2;
				if (hex4(r, &lo) != 0) {
					return -1;
				}
				if (lo < 0xDC00 || lo > 0xDFFF) {
					return fail(r, "a lone surrogate in a \\u escape");
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return fail(r, "a lone surrogate in a \\u escape");
			}
			if (cp == 0) {
				return fail(r, "a NUL character in a string");
			}
			if (put_utf8(r, out, cap, &n, cp) != 0) {
				return -1;
			}
			continue;
		}
		default:
			return fail(r, "an unknown escape in a string");
		}
		if (put(r, out, cap, &n, c) != 0) {
			return -1;
		}
	}
	if (out) {
		out[n] = '\0';
	}
	if (outlen) {
		*outlen = n;
	}
	return 0;
}

/* A number (RFC 8259 grammar); the integer part of its value (saturated, truncated toward zero) into
 * *num: 1e3 is 1000, 1.5e3 is 1500, 2.9 is 2, 5e-1 is 0. */
static int number(reader *r, long long *num)
{
	const long long max = 9223372036854775807LL;
	long long v = 0, e = 0, scale = 0; /* the value is v * 10^scale */
	int neg = 0, digits = 0, eneg = 0, sat = 0;

	if (r->p[r->pos] == '-') {
		neg = 1;
		r->pos++;
	}
	if (r->pos < r->len && r->p[r->pos] == '0') {
		r->pos++;
		digits = 1;
	} else {
		while (r->pos < r->len && r->p[r->pos] >= '0' && r->p[r->pos] <= '9') {
			int d = r->p[r->pos++] - '0';
			if (v > (max - d) / 10) {
				sat = 1;
			} else {
				v = v * 10 + d;
			}
			digits++;
		}
	}
	if (!digits) {
		return fail(r, "a number without digits");
	}
	if (r->pos < r->len && r->p[r->pos] == '.') {
		size_t start;
		r->pos++;
		start = r->pos;
		while (r->pos < r->len && r->p[r->pos] >= '0' && r->p[r->pos] <= '9') {
			int d = r->p[r->pos++] - '0';
			if (!sat && v <= (max - d) / 10) { /* fraction digits while they fit */
				v = v * 10 + d;
				scale--;
			}
		}
		if (r->pos == start) {
			return fail(r, "a fraction without digits");
		}
	}
	if (r->pos < r->len && (r->p[r->pos] == 'e' || r->p[r->pos] == 'E')) {
		size_t start;
		r->pos++;
		if (r->pos < r->len && (r->p[r->pos] == '+' || r->p[r->pos] == '-')) {
			eneg = r->p[r->pos] == '-';
			r->pos++;
		}
		start = r->pos;
		while (r->pos < r->len && r->p[r->pos] >= '0' && r->p[r->pos] <= '9') {
			if (e < 100000) {
				e = e * 10 + (r->p[r->pos] - '0');
			}
			r->pos++;
		}
		if (r->pos == start) {
			return fail(r, "an exponent without digits");
		}
	}
	scale += eneg ? -e : e;
	if (sat) {
		v = max;
	} else {
		for (; scale > 0 && v != 0; scale--) {
			if (v > max / 10) {
				v = max;
				break;
			}
			v *= 10;
		}
		for (; scale < 0 && v != 0; scale++) {
			v /= 10;
		}
	}
	*num = neg ? -v : v;
	return 0;
}

static int literal(reader *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->p + r->pos, word, n) != 0) {
		return fail(r, "an unexpected character");
	}
	r->pos += n;
	return 0;
}

static int value(reader *r, int depth, smtp_json_field *f);

/* An object or an array at r->pos, skipped (depth: how deep it is). */
static int container(reader *r, int depth, smtp_json_field *fields, size_t nfields)
{
	int obj = r->p[r->pos] == '{';
	char close = obj ? '}' : ']';
	int first = 1;

	if (depth > SMTP_JSON_MAX_DEPTH) {
		return fail(r, "nested too deep");
	}
	r->pos++;
	for (;;) {
		smtp_json_field *target = NULL;
		skip_ws(r);
		if (r->pos >= r->len) {
			return fail(r, obj ? "an object is not closed" : "an array is not closed");
		}
		if (r->p[r->pos] == close && first) {
			r->pos++;
			return 0;
		}
		if (!first) {
			if (r->p[r->pos] == close) {
				r->pos++;
				return 0;
			}
			if (r->p[r->pos] != ',') {
				return fail(r, obj ? "',' or '}' expected" : "',' or ']' expected");
			}
			r->pos++;
			skip_ws(r);
		}
		first = 0;
		if (obj) {
			char name[64];
			size_t nlen = 0, i;
			int keep = 1;
			if (r->pos >= r->len || r->p[r->pos] != '"') {
				return fail(r, "a member name expected");
			}
			/* checked first; a name longer than any we look for is not kept */
			{
				size_t start = r->pos;
				if (string(r, NULL, 0, &nlen) != 0) {
					return -1;
				}
				if (nlen < sizeof(name)) {
					size_t end = r->pos;
					r->pos = start;
					if (string(r, name, sizeof(name), &nlen) != 0) {
						return -1;
					}
					r->pos = end;
				} else {
					keep = 0;
				}
			}
			if (keep && depth == 1) {
				for (i = 0; i < nfields; i++) {
					if (strlen(fields[i].key) == nlen && memcmp(fields[i].key, name, nlen) == 0) {
						target = &fields[i];
					}
				}
			}
			skip_ws(r);
			if (r->pos >= r->len || r->p[r->pos] != ':') {
				return fail(r, "':' expected");
			}
			r->pos++;
			skip_ws(r);
		}
		if (value(r, depth, target) != 0) {
			return -1;
		}
	}
}

static int value(reader *r, int depth, smtp_json_field *f)
{
	long long num = 0;
	unsigned char c;

	if (r->pos >= r->len) {
		return fail(r, "a value expected");
	}
	c = r->p[r->pos];
	if (c == '"') {
		size_t n = 0, i;
		if (f && f->out && f->cap > 0) {
			if (string(r, f->out, f->cap, &n) != 0) {
				return -1;
			}
			f->type = SMTP_JSON_STRING;
			f->num = 0;
			for (i = 0; i < n && i < 18 && f->out[i] >= '0' && f->out[i] <= '9'; i++) {
				f->num = f->num * 10 + (f->out[i] - '0');
			}
			if (i != n || n == 0) {
				f->num = 0;
			}
			return 0;
		}
		if (f) {
			f->type = SMTP_JSON_STRING;
		}
		return string(r, NULL, 0, NULL);
	}
	if (c == '{' || c == '[') {
		if (f) {
			f->type = SMTP_JSON_OTHER;
		}
		return container(r, depth + 1, NULL, 0);
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		if (number(r, &num) != 0) {
			return -1;
		}
		if (f) {
			f->type = SMTP_JSON_NUMBER;
			f->num = num;
		}
		return 0;
	}
	if (c == 't' || c == 'f') {
		if (f) {
			f->type = SMTP_JSON_OTHER;
		}
		return literal(r, c == 't' ? "true" : "false");
	}
	if (c == 'n') {
		if (f) {
			f->type = SMTP_JSON_ABSENT;
		}
		return literal(r, "null");
	}
	return fail(r, "an unexpected character");
}

int smtp_json_object_fields(const char *buf, size_t len, smtp_json_field *fields, size_t nfields, char *err,
                            size_t errlen)
{
	reader r;
	size_t i;

	for (i = 0; i < nfields; i++) {
		fields[i].type = SMTP_JSON_ABSENT;
		fields[i].num = 0;
		if (fields[i].out && fields[i].cap) {
			fields[i].out[0] = '\0';
		}
	}
	memset(&r, 0, sizeof(r));
	r.p = (const unsigned char *)buf;
	r.len = buf ? len : 0;
	r.err = err;
	r.errlen = errlen;
	if (err && errlen) {
		err[0] = '\0';
	}
	skip_ws(&r);
	if (r.pos >= r.len || r.p[r.pos] != '{') {
		return fail(&r, "not a JSON object");
	}
	if (container(&r, 1, fields, nfields) != 0) {
		return -1;
	}
	skip_ws(&r);
	if (r.pos != r.len) {
		return fail(&r, "bytes after the object");
	}
	return 0;
}
