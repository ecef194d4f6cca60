/* The message on the wire: CRLF line endings, dot-stuffing and the end of data, done on the fly
 * from a body reader into the wire buffer (RFC 5321 4.5.2). Pure C.
 *
 * One state machine (normalise) serves DATA, BDAT and the counts. It reads the body in pieces and
 * keeps what a line ending or a line start needs across piece boundaries: a CR at the end of one
 * piece and an LF at the start of the next are one line ending, and a '.' that starts a piece
 * after a line ending starts a line. Every line ending of the input (CRLF, a bare LF, a bare CR)
 * becomes CRLF, as message.c's put_crlf writes them. */
#include "data.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define READ_MAX SMTP_WBUF_SIZE /* bytes asked of the reader at a time */

/* Where the normalised bytes go: into w (NULL: only counted), at most limit of them. */
typedef struct {
	smtp_wbuf *w;
	size_t count; /* bytes put (or counted) so far */
	size_t limit; /* SIZE_MAX: no limit */
	int over;     /* a put would have passed the limit (nothing of it was put) */
} sink;

static int emit(sink *s, const char *p, size_t n)
{
	if (n > s->limit - s->count) {
		s->over = 1;
		return -1;
	}
	s->count += n;
	if (s->w != NULL) {
		return smtp_wbuf_put(s->w, p, n);
	}
	return 0;
}

static void say(char *err, size_t errlen, const char *text)
{
	if (err != NULL && errlen > 0) {
		snprintf(err, errlen, "%s", text);
	}
}

/* The offset of the first c in p[from..n), or n. */
static size_t find(const char *p, size_t from, size_t n, char c)
{
	const char *q = from < n ? memchr(p + from, c, n - from) : NULL;
	return q != NULL ? (size_t)(q - p) : n;
}

enum { N_OK = 0, N_READ = -1, N_SINK = -2 };

/* Reads b from the first byte (it is rewound first when it can be) to its end into s: CRLF line
 * endings, a final CRLF when the input does not end with a line ending (nothing for an empty
 * input), and with stuff set, a '.' before every line that starts with '.' and ".\r\n" at the end.
 * N_OK, N_READ (err says why) or N_SINK (the limit or a flush). */
static int normalise(smtp_body *b, sink *s, int stuff, char *err, size_t errlen)
{
	int bol = 1; /* at the start of a line (nothing put yet, or a CRLF last) */
	int cr = 0;  /* the last piece ended with a CR: an LF first in the next one is its LF */

	if (b->rewind != NULL && b->rewind(b) != 0) {
		say(err, errlen, "The message cannot be read from its start again.");
		return N_READ;
	}
	for (;;) {
		const char *p = NULL;
		ssize_t got;
		size_t n, i = 0, lf, crp;

		if (err != NULL && errlen > 0) {
			err[0] = '\0';
		}
		got = b->next(b, &p, READ_MAX, err, errlen);
		if (got < 0) {
			if (err != NULL && errlen > 0 && err[0] == '\0') {
				say(err, errlen, "The message could not be read.");
			}
			return N_READ;
		}
		if (got == 0) {
			break;
		}
		if (p == NULL || (size_t)got > READ_MAX) {
			say(err, errlen, "The message reader returned a bad piece.");
			return N_READ;
		}
		n = (size_t)got;
		if (cr) {
			cr = 0;
			if (p[0] == '\n') {
				i = 1;
			}
		}
		/* the next LF and the next CR at or after i, each searched for once per occurrence */
		lf = find(p, i, n, '\n');
		crp = find(p, i, n, '\r');
		while (i < n) {
			size_t j;
			if (lf < i) {
				lf = find(p, i, n, '\n');
			}
			if (crp < i) {
				crp = find(p, i, n, '\r');
			}
			j = lf < crp ? lf : crp;
			if (bol && stuff && j > i && p[i] == '.' && emit(s, ".", 1) != 0) {
				return N_SINK;
			}
			if (j > i) {
				bol = 0;
				if (emit(s, p + i, j - i) != 0) {
					return N_SINK;
				}
			}
			if (j == n) {
				break;
			}
			if (emit(s, "\r\n", 2) != 0) {
				return N_SINK;
			}
			bol = 1;
			if (p[j] == '\r') {
				if (j + 1 < n) {
					if (p[j + 1] == '\n') {
						j++;
					}
				} else {
					cr = 1;
				}
			}
			i = j + 1;
		}
	}
	if (!bol && emit(s, "\r\n", 2) != 0) {
		return N_SINK;
	}
	if (stuff && emit(s, ".\r\n", 3) != 0) {
		return N_SINK;
	}
	return N_OK;
}

/* Counts what normalise would put, then rewinds b. */
static int count(smtp_body *b, int stuff, size_t *size, char *err, size_t errlen)
{
	sink s = {NULL, 0, SIZE_MAX, 0};
	int rc = normalise(b, &s, stuff, err, errlen);

	if (b->rewind != NULL && b->rewind(b) != 0 && rc == N_OK) {
		say(err, errlen, "The message cannot be read from its start again.");
		rc = N_READ;
	}
	if (rc == N_SINK) {
		say(err, errlen, "The message is too large to count.");
	}
	*size = rc == N_OK ? s.count : 0;
	return rc == N_OK ? 0 : -1;
}

int smtp_wire_size(smtp_body *b, size_t *size, char *err, size_t errlen)
{
	return count(b, 0, size, err, errlen);
}

int smtp_data_size(smtp_body *b, size_t *size, char *err, size_t errlen)
{
	return count(b, 1, size, err, errlen);
}

static int put(smtp_body *b, smtp_wbuf *w, int stuff, char *err, size_t errlen)
{
	sink s = {w, 0, SIZE_MAX, 0};
	int rc = normalise(b, &s, stuff, err, errlen);

	if (rc == N_SINK) {
		say(err, errlen, "Writing the message failed.");
	}
	return rc == N_OK ? 0 : -1;
}

int smtp_data_put(smtp_body *b, smtp_wbuf *w, char *err, size_t errlen)
{
	return put(b, w, 1, err, errlen);
}

int smtp_crlf_put(smtp_body *b, smtp_wbuf *w, char *err, size_t errlen)
{
	return put(b, w, 0, err, errlen);
}

int smtp_crlf_put_exact(smtp_body *b, size_t size, smtp_wbuf *w, char *err, size_t errlen)
{
	sink s = {w, 0, size, 0};
	int rc = normalise(b, &s, 0, err, errlen);

	if (rc == N_SINK && s.over) {
		if (err != NULL && errlen > 0) {
			snprintf(err, errlen, "The message is longer than the %zu bytes announced.", size);
		}
		return -1;
	}
	if (rc == N_SINK) {
		say(err, errlen, "Writing the message failed.");
		return -1;
	}
	if (rc != N_OK) {
		return -1;
	}
	if (s.count != size) {
		if (err != NULL && errlen > 0) {
			snprintf(err, errlen, "The message is %zu bytes, not the %zu bytes announced.", s.count, size);
		}
		return -1;
	}
	return 0;
}
