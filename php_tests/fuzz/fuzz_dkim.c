/* libFuzzer harness: the DKIM relaxed canonicalisations (ext/core/dkim.c).
 * Body: the first byte is the piece size (0: 1 byte, every position a boundary); the rest is fed in
 * pieces of that size and must give the same bytes as fed whole, and the same as a plain reference
 * written here (a line ends at LF, CR is dropped — the signer's input has CRLF endings only; white
 * space runs become one SP, none at a line's end, empty lines at the end dropped, CRLF after each
 * line). Header: any input never crashes; when it is accepted, the value has no CR, LF or tab, no
 * double SP and no SP at either end, and the name is lower case without white space. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "dkim.h"

static void collect(void *ctx, const char *p, size_t n)
{
	smtp_buf_append(ctx, p, n);
}

static void reference(const char *in, size_t n, smtp_buf *out)
{
	smtp_buf line;
	size_t i, empty = 0;
	int wsp = 0;

	smtp_buf_init(&line, 0);
	smtp_buf_append(out, "", 0);
	smtp_buf_append(&line, "", 0);
	for (i = 0; i <= n; i++) {
		char c = i < n ? in[i] : '\n';
		if (i == n && line.len == 0) {
			break;
		}
		if (c == '\r') {
			continue;
		}
		if (c == '\n') {
			if (line.len == 0) {
				empty++;
			} else {
				for (; empty > 0; empty--) {
					smtp_buf_append(out, "\r\n", 2);
				}
				smtp_buf_append(out, line.data, line.len);
				smtp_buf_append(out, "\r\n", 2);
			}
			smtp_buf_reset(&line);
			smtp_buf_append(&line, "", 0);
			wsp = 0;
			continue;
		}
		if (c == ' ' || c == '\t') {
			wsp = 1;
			continue;
		}
		if (wsp) {
			smtp_buf_putc(&line, ' ');
			wsp = 0;
		}
		smtp_buf_putc(&line, c);
	}
	smtp_buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_dkim_body_canon c;
	smtp_buf whole, split, ref, h;
	size_t step, i, n;
	const char *in;

	if (size < 1) {
		return 0;
	}
	step = data[0] ? data[0] : 1;
	in = (const char *)data + 1;
	n = size - 1;
	smtp_buf_init(&whole, 0);
	smtp_buf_init(&split, 0);
	smtp_buf_init(&ref, 0);
	smtp_buf_append(&whole, "", 0);
	smtp_buf_append(&split, "", 0);
	smtp_dkim_body_init(&c, collect, &whole);
	smtp_dkim_body_feed(&c, in, n);
	smtp_dkim_body_end(&c);
	smtp_dkim_body_init(&c, collect, &split);
	for (i = 0; i < n; i += step) {
		smtp_dkim_body_feed(&c, in + i, n - i < step ? n - i : step);
	}
	smtp_dkim_body_end(&c);
	reference(in, n, &ref);
	if (whole.len != split.len || memcmp(whole.data, split.data, whole.len) != 0) {
		fprintf(stderr, "split output differs\n");
		abort();
	}
	if (whole.len != ref.len || memcmp(whole.data, ref.data, whole.len) != 0) {
		fprintf(stderr, "output differs from the reference\n");
		abort();
	}
	smtp_buf_init(&h, 0);
	if (smtp_dkim_canon_header(in, n, 0, &h) == 0 && h.len > 0) {
		const char *colon = memchr(h.data, ':', h.len);
		size_t k;
		if (colon == NULL) {
			abort();
		}
		for (k = 0; k < h.len; k++) {
			char ch = h.data[k];
			if (ch == '\r' || ch == '\n' || ch == '\t') {
				abort();
			}
			if (h.data + k < colon && (ch == ' ' || (ch >= 'A' && ch <= 'Z'))) {
				abort();
			}
			if (ch == ' ' && (k + 1 == h.len || h.data[k + 1] == ' ' || h.data + k == colon + 1)) {
				abort();
			}
		}
	}
	smtp_buf_free(&h);
	smtp_buf_free(&whole);
	smtp_buf_free(&split);
	smtp_buf_free(&ref);
	return 0;
}
