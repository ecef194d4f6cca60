/* The wire buffer: one fixed buffer (SMTP_WBUF_SIZE) that commands and the message are put into and
 * that is written to the connection whenever it is full and when flushed. Pipelined commands and the
 * first piece of the message therefore leave in one write. Pure C. */
#ifndef SMTP_CORE_WBUF_H
#define SMTP_CORE_WBUF_H

#include <stddef.h>

#define SMTP_WBUF_SIZE (64 * 1024)

typedef struct {
	char *buf; /* SMTP_WBUF_SIZE bytes, malloc'd by smtp_wbuf_init */
	size_t len;
	/* writes p[0..n) out; 0, or -1 (the writer has recorded why) */
	int (*flush)(void *ctx, const char *p, size_t n);
	void *ctx;
	int failed; /* a flush failed: every later put and flush fails at once */
} smtp_wbuf;

/* 0, or -1 when out of memory. */
int smtp_wbuf_init(smtp_wbuf *w, int (*flush)(void *ctx, const char *p, size_t n), void *ctx);
void smtp_wbuf_free(smtp_wbuf *w);
/* Copies p[0..n) in, flushing each time the buffer is full; 0, or -1 when a flush failed. */
int smtp_wbuf_put(smtp_wbuf *w, const char *p, size_t n);
/* Room at the end of the buffer for direct writes (flushes first when it is full): *room = bytes
 * free (> 0); then smtp_wbuf_commit(w, n) with n <= *room. NULL when a flush failed. */
char *smtp_wbuf_space(smtp_wbuf *w, size_t *room);
void smtp_wbuf_commit(smtp_wbuf *w, size_t n);
/* Writes out what is buffered; 0, or -1. */
int smtp_wbuf_flush(smtp_wbuf *w);

#endif
