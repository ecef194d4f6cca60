/* The memory reader: a message read in pieces that lie in memory (up to SMTP_BODY_MAX_SEGMENTS
 * segments, read in order), handed out where they lie, never copied. Pure C. */
#include "body.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef SSIZE_MAX
#define SSIZE_MAX ((ssize_t)(SIZE_MAX / 2))
#endif

static ssize_t mem_next(smtp_body *b, const char **p, size_t max, char *err, size_t errlen)
{
	size_t n;

	*p = NULL;
	if (max == 0) {
		if (err != NULL && errlen > 0) {
			snprintf(err, errlen, "The message reader was asked for 0 bytes.");
		}
		return -1;
	}
	/* skip segments read to their end (and empty ones) */
	while (b->cur < b->nseg && b->off >= b->seg[b->cur].len) {
		b->cur++;
		b->off = 0;
	}
	if (b->cur >= b->nseg) {
		return 0;
	}
	n = b->seg[b->cur].len - b->off;
	if (n > max) {
		n = max;
	}
	if (n > (size_t)SSIZE_MAX) {
		n = (size_t)SSIZE_MAX;
	}
	*p = b->seg[b->cur].p + b->off;
	b->off += n;
	return (ssize_t)n;
}

static int mem_rewind(smtp_body *b)
{
	b->cur = 0;
	b->off = 0;
	return 0;
}

void smtp_body_from_memory(smtp_body *b, const char *data, size_t len)
{
	memset(b, 0, sizeof *b);
	b->next = mem_next;
	b->rewind = mem_rewind;
	b->seg[0].p = data != NULL ? data : "";
	b->seg[0].len = data != NULL ? len : 0;
	b->nseg = 1;
}

int smtp_body_add_memory(smtp_body *b, const char *data, size_t len)
{
	if (b->next != mem_next || b->nseg < 0 || b->nseg >= SMTP_BODY_MAX_SEGMENTS) {
		return -1;
	}
	b->seg[b->nseg].p = data != NULL ? data : "";
	b->seg[b->nseg].len = data != NULL ? len : 0;
	b->nseg++;
	return 0;
}
