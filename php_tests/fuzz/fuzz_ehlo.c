/* libFuzzer harness: the EHLO capability parser (ext/core/ehlo.c), fed two ways: the input parsed
 * as a server's reply (reply.c) when it is one, and the input cut at LF into lines as they could
 * reach smtp_caps_parse from any reply (no reply parser in between: NUL bytes, very long lines).
 * Beyond "no crash": the flags are 0 or 1 and each one is set exactly when a line's first word is
 * its keyword (a plain reference reading of the lines), SIZE is the last SIZE line's leading digits
 * (at most 19), and the AUTH list is terminated within its array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ehlo.h"
#include "reply.h"

/* The reference: does line's first word (up to SP or "=") equal kw, case-insensitively? */
static int first_word_is(const char *line, const char *kw)
{
	size_t n = strcspn(line, " =");
	return n == strlen(kw) && strncasecmp(line, kw, n) == 0;
}

static void check(const smtp_reply *r)
{
	static const char *const kws[] = {"PIPELINING", "8BITMIME", "SMTPUTF8", "STARTTLS", "CHUNKING"};
	smtp_caps c;
	int want[5] = {0, 0, 0, 0, 0}, have[5];
	unsigned long long size = 0;
	size_t i, k;

	memset(&c, 0xA5, sizeof(c)); /* whatever was there before is cleared */
	smtp_caps_parse(r, &c);
	have[0] = c.pipelining;
	have[1] = c.eightbitmime;
	have[2] = c.smtputf8;
	have[3] = c.starttls;
	have[4] = c.chunking;
	for (i = 1; i < r->lines.count; i++) {
		const char *line = r->lines.items[i];
		int matched = 0;
		for (k = 0; k < 5 && !matched; k++) {
			if (first_word_is(line, kws[k])) {
				want[k] = 1;
				matched = 1;
			}
		}
		if (!matched && first_word_is(line, "SIZE")) {
			const char *p = line + 4;
			int digits = 0;
			size = 0;
			while (*p == ' ' || *p == '=') {
				p++;
			}
			while (*p >= '0' && *p <= '9' && digits < 19) {
				size = size * 10 + (unsigned long long)(*p++ - '0');
				digits++;
			}
		}
	}
	if (c.esmtp != 1) abort();
	for (k = 0; k < 5; k++) {
		if (have[k] != want[k]) abort();
	}
	if (c.size != size) abort();
	if (memchr(c.auth, '\0', sizeof(c.auth)) == NULL) abort();
	if (c.auth[0] == ' ') abort(); /* the words of every AUTH line, one space between lines */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_reply r;
	size_t used = 0, i, start;
	char err[256];

	/* as a reply */
	smtp_reply_init(&r);
	if (smtp_reply_parse((const char *)data, size, &used, &r, err, sizeof err) == 1) {
		check(&r);
	}
	smtp_reply_free(&r);

	/* as lines, whatever they hold ("250" first, as the parser's line 0) */
	smtp_reply_init(&r);
	r.code = 250;
	if (smtp_strlist_add(&r.lines, "mx.example.org", 14) != 0) abort();
	for (start = 0, i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			if (smtp_strlist_add(&r.lines, (const char *)data + start, i - start) != 0) abort();
			start = i + 1;
		}
	}
	check(&r);
	smtp_reply_free(&r);
	return 0;
}
