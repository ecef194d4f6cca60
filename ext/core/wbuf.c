/* The wire buffer: one fixed buffer of SMTP_WBUF_SIZE bytes, written out whenever it is full and
 * when flushed. Pure C. */
#include "wbuf.h"

#include <stdlib.h>
#include <string.h>

int smtp_wbuf_init(smtp_wbuf *w, int (*flush)(void *ctx, const char *p, size_t n), void *ctx)
{
	w->len = 0;
	w->flush = flush;
	w->ctx = ctx;
	w->failed = 0;
	w->buf = malloc(SMTP_WBUF_SIZE);
	if (w->buf == NULL) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

void smtp_wbuf_free(smtp_wbuf *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
}

int smtp_wbuf_flush(smtp_wbuf *w)
{
	if (w->failed || w->buf == NULL) {
		w->failed = 1;
		return -1;
	}
	if (w->len == 0) {
		return 0;
	}
	if (w->flush == NULL || w->flush(w->ctx, w->buf, w->len) != 0) {
		w->failed = 1;
		w->len = 0;
		return -1;
	}
	w->len = 0;
	return 0;
}

int smtp_wbuf_put(smtp_wbuf *w, const char *p, size_t n)
{
	if (w->failed || w->buf == NULL) {
		w->failed = 1;
		return -1;
	}
	while (n > 0) {
		size_t room = SMTP_WBUF_SIZE - w->len, k;
		if (room == 0) {
			if (smtp_wbuf_flush(w) != 0) {
				return -1;
			}
			room = SMTP_WBUF_SIZE;
		}
		k = n < room ? n : room;
		memcpy(w->buf + w->len, p, k);
		w->len += k;
		p += k;
		n -= k;
	}
	return 0;
}

char *smtp_wbuf_space(smtp_wbuf *w, size_t *room)
{
	*room = 0;
	if (w->failed || w->buf == NULL) {
		w->failed = 1;
		return NULL;
	}
	if (w->len >= SMTP_WBUF_SIZE && smtp_wbuf_flush(w) != 0) {
		return NULL;
	}
	*room = SMTP_WBUF_SIZE - w->len;
	return w->buf + w->len;
}

void smtp_wbuf_commit(smtp_wbuf *w, size_t n)
{
	/* never past the end: n is at most the room smtp_wbuf_space gave */
	if (n > SMTP_WBUF_SIZE - w->len) {
		n = SMTP_WBUF_SIZE - w->len;
	}
	w->len += n;
}
