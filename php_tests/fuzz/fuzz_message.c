/* libFuzzer harness: message preparation (ext/core/message.c) and the message on the wire.
 * The first byte chooses the options (envelope sender given / null / from the From: header,
 * from_addr and from_name, force_from; with bit 128 the stream comes in three pieces, cut at
 * positions taken from a hash of the input); the rest is the stream mail() would write.
 * Beyond "no crash": the message as transmitted (its reader, normalised) has nothing but CRLF line
 * endings and ends in CRLF, no Bcc field survives in the header section, no header line is over
 * 998 octets, there is at least one recipient and a sender, its size is what the reader gives, and
 * the dot-stuffed form contains the end-of-data sequence only at its end. The pieces give the
 * same message as one piece (RAND_bytes is replaced below so that generated Message-IDs do not
 * differ between the two). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "message.h"
#include "data.h"

/* deterministic "randomness" for generated Message-IDs (the harness's own, found before libcrypto's) */
int RAND_bytes(unsigned char *buf, int num);
int RAND_bytes(unsigned char *buf, int num)
{
	memset(buf, 0x5a, (size_t)num);
	return 1;
}

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static int collect(void *ctx, const char *p, size_t n)
{
	return smtp_buf_append(ctx, p, n);
}

/* the message's reader into out: normalised, and dot-stuffed with stuff set */
static void wire(const smtp_message *m, int stuff, smtp_buf *out)
{
	smtp_body b;
	smtp_wbuf w;
	char err[256];
	smtp_buf_init(out, 0);
	smtp_message_reader(m, &b);
	if (smtp_wbuf_init(&w, collect, out) != 0) abort();
	if ((stuff ? smtp_data_put(&b, &w, err, sizeof err) : smtp_crlf_put(&b, &w, err, sizeof err)) != 0) abort();
	if (smtp_wbuf_flush(&w) != 0) abort();
	smtp_wbuf_free(&w);
}

static void check_data(const smtp_message *m, const smtp_buf *wb)
{
	const char *d = wb->data;
	size_t n = wb->len, i, ls = 0;
	int in_header = 1;

	if (d == NULL || n < 2 || d[n - 2] != '\r' || d[n - 1] != '\n') abort();
	if (n != m->size) abort();
	for (i = 0; i < n; i++) {
		if (d[i] == '\r' && (i + 1 >= n || d[i + 1] != '\n')) abort();
		if (d[i] == '\n' && (i == 0 || d[i - 1] != '\r')) abort();
	}
	/* header lines: no "Bcc:" / "Bcc :" field */
	for (i = 0; i < n && in_header; i++) {
		if (d[i] != '\n') continue;
		if (i - ls == 1) { in_header = 0; break; }   /* the empty line */
		if (i - ls - 1 > 998) abort();                /* header lines are folded to 998 octets */
		if (i - ls >= 4 && lower(d[ls]) == 'b' && lower(d[ls + 1]) == 'c' && lower(d[ls + 2]) == 'c') {
			size_t k = ls + 3;
			while (k < i && (d[k] == ' ' || d[k] == '\t')) k++;
			if (d[k] == ':') abort();
		}
		ls = i + 1;
	}
	if (m->sender == NULL || m->rcpts.count == 0) abort();
}

static void input(smtp_message_input *in, unsigned opt, const char *raw, size_t len)
{
	memset(in, 0, sizeof *in);
	in->raw = raw;
	in->raw_len = len;
	in->envelope_from = (opt & 3) == 0 ? NULL : (opt & 3) == 1 ? "" : "sender@example.org";
	in->from_addr = (opt & 4) ? "site@example.org" : NULL;
	in->from_name = (opt & 8) ? "Caf\xc3\xa9, \"Shop\"" : (opt & 16) ? "Plain Name" : NULL;
	in->force_from = (opt & 32) != 0;
	in->msgid_domain = (opt & 64) ? "mail.example.net" : NULL;
	in->now = 1700000000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_message_input in;
	smtp_message m, m2;
	smtp_buf wb, out;
	char err[512], err2[512];
	unsigned opt;
	const char *raw;
	size_t len;
	int rc;

	if (size < 1) return 0;
	opt = data[0];
	raw = (const char *)data + 1;
	len = size - 1;
	input(&in, opt, raw, len);

	smtp_message_init(&m);
	rc = smtp_message_prepare(&in, &m, err, sizeof err);
	if (rc == 0) {
		const char *p;
		wire(&m, 0, &wb);
		check_data(&m, &wb);
		wire(&m, 1, &out);
		p = strstr(out.data, "\r\n.\r\n");
		if (p == NULL || (size_t)(p - out.data) + 5 != out.len) abort();
		smtp_buf_free(&out);
	} else if (err[0] == '\0' || m.headers.len != 0 || m.nbody != 0 || m.size != 0 || m.sender != NULL) {
		abort();
	}

	/* the same stream in three pieces: the same message */
	if (opt & 128) {
		uint32_t h = 2166136261u;
		size_t i, s1, s2;
		for (i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
		s1 = len ? h % (len + 1) : 0;
		s2 = s1 + (len - s1 ? (h >> 16) % (len - s1 + 1) : 0);
		in.raw_len = s1;
		in.more[0] = raw + s1;
		in.more_len[0] = s2 - s1;
		in.more[1] = raw + s2;
		in.more_len[1] = len - s2;
		smtp_message_init(&m2);
		if (smtp_message_prepare(&in, &m2, err2, sizeof err2) != rc) abort();
		if (rc != 0 && strcmp(err, err2) != 0) abort();
		if (rc == 0) {
			smtp_buf wb2;
			wire(&m2, 0, &wb2);
			if (wb2.len != wb.len || memcmp(wb2.data, wb.data, wb.len) != 0) abort();
			if (m2.size != m.size || m2.eight_bit != m.eight_bit || m2.utf8_addrs != m.utf8_addrs) abort();
			if (strcmp(m2.sender, m.sender) != 0 || m2.rcpts.count != m.rcpts.count) abort();
			smtp_buf_free(&wb2);
		}
		smtp_message_free(&m2);
	}
	if (rc == 0) smtp_buf_free(&wb);
	smtp_message_free(&m);
	return 0;
}
