/* A message read in pieces: one seam for DATA, BDAT, (later) the spool and DKIM. Pure C. */
#ifndef SMTP_CORE_BODY_H
#define SMTP_CORE_BODY_H

#include <stddef.h>
#include <sys/types.h>

#define SMTP_BODY_MAX_SEGMENTS 4

typedef struct smtp_body smtp_body;

struct smtp_body {
	/* Points *p at the next piece (at most max bytes, max > 0); returns its length, 0 at the end, -1 on
	 * an error (err, errlen: one sentence). The piece stays valid until the next call. */
	ssize_t (*next)(smtp_body *b, const char **p, size_t max, char *err, size_t errlen);
	/* Back to the first byte (a retry on a new connection, a second pass); 0, or -1. */
	int (*rewind)(smtp_body *b);
	/* the memory reader's state: the pieces of memory read in order, not copied */
	struct {
		const char *p;
		size_t len;
	} seg[SMTP_BODY_MAX_SEGMENTS];
	int nseg;
	int cur;
	size_t off;
	void *ctx; /* other readers' state */
};

/* A reader over len bytes at data (not copied: data must outlive the reader). */
void smtp_body_from_memory(smtp_body *b, const char *data, size_t len);
/* Appends one more piece of memory after what the reader already holds; -1 when it has
 * SMTP_BODY_MAX_SEGMENTS. */
int smtp_body_add_memory(smtp_body *b, const char *data, size_t len);

#endif
