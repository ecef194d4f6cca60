/* libFuzzer harness: the SMTP reply parser (ext/core/reply.c), fed as a client would: the whole
 * buffer is parsed reply after reply, as pipelined replies are.
 * Beyond "no crash": a parsed reply has a code 200..559, 1..SMTP_REPLY_MAX_LINES lines and
 * consumed bytes within the buffer and the limits; any shorter prefix of a parsed reply is
 * "need more" (0), never a different verdict. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t off = 0;
	int guard = 0;
	smtp_reply r, r2;
	char err[256], out[64];

	smtp_reply_init(&r);
	smtp_reply_init(&r2);
	while (off < size && guard++ < 10000) {
		size_t used = 0, used2 = 0;
		int rc = smtp_reply_parse(buf + off, size - off, &used, &r, err, sizeof err);
		if (rc == 0 || rc == -1) {
			if (rc == -1 && err[0] == '\0') abort();
			break;
		}
		if (rc != 1) abort();
		if (used == 0 || used > size - off || used > SMTP_REPLY_MAX_BYTES) abort();
		if (r.code < 200 || r.code > 559) abort();
		if (r.lines.count < 1 || r.lines.count > SMTP_REPLY_MAX_LINES) abort();
		/* the same reply alone parses the same; one byte less is incomplete */
		if (smtp_reply_parse(buf + off, used, &used2, &r2, err, sizeof err) != 1 || used2 != used) abort();
		if (r2.code != r.code || r2.lines.count != r.lines.count) abort();
		if (smtp_reply_parse(buf + off, used - 1, &used2, &r2, err, sizeof err) != 0) abort();
		smtp_reply_format(&r, out, sizeof out);
		if (memchr(out, '\0', sizeof out) == NULL) abort();
		free(smtp_reply_text(&r));
		off += used;
	}
	smtp_reply_free(&r);
	smtp_reply_free(&r2);
	return 0;
}
