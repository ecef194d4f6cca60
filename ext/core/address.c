/* RFC 5322 (section 3.4) address lists and envelope addresses. Pure C.
 *
 * The header body is first cut into tokens (atoms, quoted strings, domain literals and the
 * specials that give an address list its structure); comments and folding white space are
 * dropped there. The token list is then read member by member: a group start "name:", a group
 * end ";", a mailbox "name <addr-spec>" (with an optional obsolete route) or a bare addr-spec. */
#include "address.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok_type {
	T_ATOM = 1, /* atext run (bytes >= 0x80 included), or an encoded word */
	T_QSTR,     /* "quoted string", quotes included */
	T_DLIT,     /* [domain literal], brackets included */
	T_SPECIAL   /* one of < > @ , ; : . */
};

typedef struct {
	int type;
	char ch;    /* for T_SPECIAL */
	size_t pos; /* offset in the input */
	size_t len;
} token;

typedef struct {
	token *v;
	size_t n, cap;
} token_list;

/* ------------------------------------------------------------------ errors */

/* "<what> in \"<quoted part>\"." with the quoted part bounded and control bytes shown as '?'. */
static void set_err(char *err, size_t errlen, const char *what, const char *s, size_t len, size_t from, size_t to)
{
	char q[80];
	size_t i, k = 0, n;

	if (err == NULL || errlen == 0) {
		return;
	}
	if (to > len) {
		to = len;
	}
	if (from > to) {
		from = to;
	}
	n = to - from;
	for (i = 0; i < n && k < 60; i++) {
		unsigned char c = (unsigned char)s[from + i];
		q[k++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	q[k] = '\0';
	snprintf(err, errlen, "%s in \"%s%s\".", what, q, n > k ? "..." : "");
}

/* ------------------------------------------------------------------ tokenizer */

static int is_atext(unsigned char c)
{
	if (c >= 0x80) {
		return 1; /* RFC 6532: UTF-8 in addresses and names */
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
		return 1;
	}
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int is_ctl(unsigned char c)
{
	return (c < 0x20 && c != ' ' && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

static int tok_push(token_list *tl, int type, char ch, size_t pos, size_t len)
{
	if (tl->n == tl->cap) {
		size_t ncap = tl->cap ? tl->cap * 2 : 32;
		token *nv = realloc(tl->v, ncap * sizeof(token));
		if (nv == NULL) {
			return -1;
		}
		tl->v = nv;
		tl->cap = ncap;
	}
	tl->v[tl->n].type = type;
	tl->v[tl->n].ch = ch;
	tl->v[tl->n].pos = pos;
	tl->v[tl->n].len = len;
	tl->n++;
	return 0;
}

/* An RFC 2047 encoded word "=?charset?X?text?=" starting at s[i]: returns its length or 0.
 * Taking it whole keeps specials inside the encoded text (a Q-encoded ',') from splitting it. */
static size_t encoded_word_len(const char *s, size_t len, size_t i)
{
	size_t j = i + 2, q = 0;
	if (i + 2 > len || s[i] != '=' || s[i + 1] != '?') {
		return 0;
	}
	for (; j < len && j - i < 200; j++) {
		unsigned char c = (unsigned char)s[j];
		if (c <= ' ' || c == 0x7f) {
			return 0;
		}
		if (c == '?') {
			q++;
			if (q == 3) {
				if (j + 1 < len && s[j + 1] == '=') {
					return j + 2 - i;
				}
				return 0;
			}
		}
	}
	return 0;
}

/* Skips a comment starting at s[i] == '('. Returns the index after it, or (size_t)-1. */
static size_t skip_comment(const char *s, size_t len, size_t i, char *err, size_t errlen)
{
	size_t start = i;
	int depth = 0;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\') {
			i++;
			continue;
		}
		if (c == '\0') {
			set_err(err, errlen, "NUL byte in a comment", s, len, start, i);
			return (size_t)-1;
		}
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0) {
				return i + 1;
			}
		}
	}
	set_err(err, errlen, "Unclosed comment", s, len, start, len);
	return (size_t)-1;
}

static int tokenize(const char *s, size_t len, token_list *tl, char *err, size_t errlen)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++; /* folding white space, bare LF and CR included */
		} else if (c == '(') {
			i = skip_comment(s, len, i, err, errlen);
			if (i == (size_t)-1) {
				return -1;
			}
		} else if (c == '"') {
			size_t start = i++;
			for (;;) {
				if (i >= len) {
					set_err(err, errlen, "Unclosed quoted string", s, len, start, len);
					return -1;
				}
				c = (unsigned char)s[i];
				if (c == '\\' && i + 1 < len) {
					unsigned char e = (unsigned char)s[i + 1];
					if (e == '\0' || e == '\r' || e == '\n' || is_ctl(e)) {
						set_err(err, errlen, "Control character in a quoted string", s, len, start, i + 2);
						return -1;
					}
					i += 2;
					continue;
				}
				if (c == '"') {
					break;
				}
				if (c == '\0' || is_ctl(c)) {
					set_err(err, errlen, "Control character in a quoted string", s, len, start, i + 1);
					return -1;
				}
				i++;
			}
			i++;
			if (tok_push(tl, T_QSTR, 0, start, i - start) != 0) {
				goto oom;
			}
		} else if (c == '[') {
			size_t start = i++;
			for (;;) {
				if (i >= len) {
					set_err(err, errlen, "Unclosed domain literal", s, len, start, len);
					return -1;
				}
				c = (unsigned char)s[i];
				if (c == '\\' && i + 1 < len) {
					i += 2;
					continue;
				}
				if (c == ']') {
					break;
				}
				if (c == '[' || c == '\0' || is_ctl(c)) {
					set_err(err, errlen, "Invalid character in a domain literal", s, len, start, i + 1);
					return -1;
				}
				i++;
			}
			i++;
			if (tok_push(tl, T_DLIT, 0, start, i - start) != 0) {
				goto oom;
			}
		} else if (c == '<' || c == '>' || c == '@' || c == ',' || c == ';' || c == ':' || c == '.') {
			if (tok_push(tl, T_SPECIAL, (char)c, i, 1) != 0) {
				goto oom;
			}
			i++;
		} else if (is_atext(c)) {
			size_t start = i;
			while (i < len) {
				size_t ew = encoded_word_len(s, len, i);
				if (ew) {
					i += ew;
					continue;
				}
				if (!is_atext((unsigned char)s[i])) {
					break;
				}
				i++;
			}
			if (tok_push(tl, T_ATOM, 0, start, i - start) != 0) {
				goto oom;
			}
		} else if (c == ')') {
			set_err(err, errlen, "Unbalanced ')'", s, len, i, i + 40);
			return -1;
		} else if (c == ']') {
			set_err(err, errlen, "Unbalanced ']'", s, len, i, i + 40);
			return -1;
		} else if (c == '\0') {
			set_err(err, errlen, "NUL byte", s, len, i > 20 ? i - 20 : 0, i + 20);
			return -1;
		} else {
			set_err(err, errlen, "Invalid character in an address list", s, len, i > 20 ? i - 20 : 0, i + 20);
			return -1;
		}
	}
	return 0;
oom:
	if (err && errlen) {
		snprintf(err, errlen, "Out of memory while parsing an address list.");
	}
	return -1;
}

/* ------------------------------------------------------------------ addr-spec */

static int is_special(const token *t, char ch)
{
	return t->type == T_SPECIAL && t->ch == ch;
}

/* Appends a token's text; quoted strings and literals lose folding line breaks. */
static int append_tok(smtp_buf *b, const char *s, const token *t)
{
	size_t i;
	if (t->type == T_ATOM || t->type == T_SPECIAL) {
		return smtp_buf_append(b, s + t->pos, t->len);
	}
	for (i = 0; i < t->len; i++) {
		char c = s[t->pos + i];
		if (c == '\r' || c == '\n') {
			continue;
		}
		if (smtp_buf_putc(b, c) != 0) {
			return -1;
		}
	}
	return 0;
}

/* Reads the addr-spec made of tokens [a, b) and adds it to out.
 * Returns 1 when added, 0 when a duplicate, -1 on error. */
static int take_addr_spec(const char *s, size_t len, const token *v, size_t a, size_t b, int in_angle,
                          smtp_strlist *out, char *err, size_t errlen)
{
	smtp_buf addr;
	size_t i = a, from, to;
	int rc;

	from = a < b ? v[a].pos : (a > 0 ? v[a - 1].pos : 0);
	to = a < b ? v[b - 1].pos + v[b - 1].len : from + 1;
	if (in_angle) {
		/* quote the whole <...> */
		from = v[a - 1].pos;
		to = v[b].pos + 1;
	}

	/* obsolete route: <@a.example,@b.example:user@domain> */
	if (in_angle && i < b && is_special(&v[i], '@')) {
		while (i < b && !is_special(&v[i], ':')) {
			i++;
		}
		if (i == b) {
			set_err(err, errlen, "Malformed source route", s, len, from, to);
			return -1;
		}
		i++;
	}
	if (i == b) {
		set_err(err, errlen, in_angle ? "Empty address" : "Missing address", s, len, from, to);
		return -1;
	}

	smtp_buf_init(&addr, 0);
	/* local part: word *("." word), tolerant of repeated and trailing dots (obs-local-part) */
	if (v[i].type != T_ATOM && v[i].type != T_QSTR) {
		set_err(err, errlen, is_special(&v[i], '@') ? "Missing local part before '@'" : "Malformed address", s, len,
		        from, to);
		goto fail;
	}
	if (append_tok(&addr, s, &v[i]) != 0) {
		goto oom;
	}
	i++;
	while (i < b && is_special(&v[i], '.')) {
		if (smtp_buf_putc(&addr, '.') != 0) {
			goto oom;
		}
		i++;
		if (i < b && (v[i].type == T_ATOM || v[i].type == T_QSTR)) {
			if (append_tok(&addr, s, &v[i]) != 0) {
				goto oom;
			}
			i++;
		}
	}
	if (i < b) {
		if (!is_special(&v[i], '@')) {
			set_err(err, errlen, "Malformed address", s, len, from, to);
			goto fail;
		}
		if (smtp_buf_putc(&addr, '@') != 0) {
			goto oom;
		}
		i++;
		if (i == b || (v[i].type != T_ATOM && v[i].type != T_DLIT)) {
			set_err(err, errlen, "Missing domain after '@'", s, len, from, to);
			goto fail;
		}
		if (v[i].type == T_DLIT) {
			if (append_tok(&addr, s, &v[i]) != 0) {
				goto oom;
			}
			i++;
		} else {
			if (append_tok(&addr, s, &v[i]) != 0) {
				goto oom;
			}
			i++;
			while (i < b && is_special(&v[i], '.')) {
				i++;
				if (i == b || v[i].type != T_ATOM) {
					set_err(err, errlen, "Malformed domain", s, len, from, to);
					goto fail;
				}
				if (smtp_buf_putc(&addr, '.') != 0 || append_tok(&addr, s, &v[i]) != 0) {
					goto oom;
				}
				i++;
			}
		}
		if (i < b) {
			set_err(err, errlen, is_special(&v[i], '@') ? "More than one '@'" : "Malformed address", s, len, from, to);
			goto fail;
		}
	}
	if (addr.len > SMTP_ADDRESS_MAX) {
		char what[64];
		snprintf(what, sizeof what, "Address longer than %d bytes", SMTP_ADDRESS_MAX);
		set_err(err, errlen, what, s, len, from, to);
		goto fail;
	}
	rc = smtp_strlist_add_address_unique(out, addr.data, addr.len);
	smtp_buf_free(&addr);
	if (rc < 0 && err && errlen) {
		snprintf(err, errlen, "Out of memory while parsing an address list.");
	}
	return rc;
oom:
	if (err && errlen) {
		snprintf(err, errlen, "Out of memory while parsing an address list.");
	}
fail:
	smtp_buf_free(&addr);
	return -1;
}

/* ------------------------------------------------------------------ address-list */

int smtp_address_list_parse(const char *s, size_t len, smtp_strlist *out, char *err, size_t errlen)
{
	token_list tl = {NULL, 0, 0};
	const token *v;
	size_t i = 0, n;
	int in_group = 0, added = 0, rc;

	if (err && errlen) {
		err[0] = '\0';
	}
	if (s == NULL) {
		return 0;
	}
	if (tokenize(s, len, &tl, err, errlen) != 0) {
		goto fail;
	}
	v = tl.v;
	n = tl.n;

	while (i < n) {
		size_t j;
		/* empty members and separators; ';' outside a group is taken as a separator */
		if (is_special(&v[i], ',') || (is_special(&v[i], ';') && !in_group)) {
			i++;
			continue;
		}
		if (is_special(&v[i], ';')) {
			in_group = 0;
			i++;
			continue;
		}
		/* the member's display name / addr-spec runs to a structural special */
		for (j = i; j < n; j++) {
			if (v[j].type == T_SPECIAL
			    && (v[j].ch == ',' || v[j].ch == ';' || v[j].ch == ':' || v[j].ch == '<' || v[j].ch == '>')) {
				break;
			}
		}
		if (j < n && v[j].ch == ':') {
			if (in_group) {
				set_err(err, errlen, "Nested group", s, len, v[i].pos, v[j].pos + 1);
				goto fail;
			}
			{
				/* A group's name is a phrase: words and dots, never '@'. "to@x.org Bcc: v@y.org" is
				 * an address followed by an injected header, not a group named "to@x.org Bcc". */
				size_t k;
				for (k = i; k < j; k++) {
					if (is_special(&v[k], '@')) {
						set_err(err, errlen, "An address followed by ':' (not a group name)", s, len, v[i].pos,
						        v[j].pos + 1);
						goto fail;
					}
				}
			}
			in_group = 1; /* "name:" opens a group; the name is not an address */
			i = j + 1;
			continue;
		}
		if (j < n && v[j].ch == '>') {
			set_err(err, errlen, "Unexpected '>'", s, len, v[i].pos, v[j].pos + 1);
			goto fail;
		}
		if (j < n && v[j].ch == '<') {
			size_t k;
			for (k = j + 1; k < n && !is_special(&v[k], '>'); k++) {
				if (is_special(&v[k], '<')) {
					break;
				}
			}
			if (k == n || !is_special(&v[k], '>')) {
				set_err(err, errlen, "Unclosed angle bracket", s, len, v[j].pos, k < n ? v[k].pos : len);
				goto fail;
			}
			rc = take_addr_spec(s, len, v, j + 1, k, 1, out, err, errlen);
			if (rc < 0) {
				goto fail;
			}
			added += rc;
			i = k + 1;
			if (i < n && !is_special(&v[i], ',') && !is_special(&v[i], ';')) {
				set_err(err, errlen, "Unexpected text after an address", s, len, v[i - 1].pos, v[i].pos + v[i].len);
				goto fail;
			}
			continue;
		}
		rc = take_addr_spec(s, len, v, i, j, 0, out, err, errlen);
		if (rc < 0) {
			goto fail;
		}
		added += rc;
		i = j;
	}
	free(tl.v);
	return added;
fail:
	free(tl.v);
	if (err && errlen && err[0] == '\0') {
		snprintf(err, errlen, "Malformed address list.");
	}
	return -1;
}

/* ------------------------------------------------------------------ envelope addresses */

int smtp_address_valid(const char *addr, size_t len)
{
	size_t i = 0;

	if (addr == NULL || len == 0 || len > SMTP_ADDRESS_MAX) {
		return 0;
	}
	if (addr[0] == '"') {
		/* quoted local part: anything printable, '\' escapes */
		for (i = 1; i < len; i++) {
			unsigned char c = (unsigned char)addr[i];
			if (c == '\0' || (c < 0x20 && c != '\t') || c == 0x7f) {
				return 0;
			}
			if (c == '\\') {
				if (i + 1 >= len) {
					return 0;
				}
				c = (unsigned char)addr[++i];
				if (c == '\0' || (c < 0x20 && c != '\t') || c == 0x7f) {
					return 0;
				}
				continue;
			}
			if (c == '"') {
				break;
			}
		}
		if (i >= len) {
			return 0;
		}
		i++;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"') {
			return 0;
		}
	}
	return 1;
}

int smtp_address_is_utf8(const char *addr, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		if ((unsigned char)addr[i] >= 0x80) {
			return 1;
		}
	}
	return 0;
}
