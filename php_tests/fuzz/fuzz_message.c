/* libFuzzer harness: message preparation and dot-stuffing (ext/core/message.c).
 * The first byte chooses the options (envelope sender given / null / from the From: header,
 * from_addr and from_name, force_from); the rest is the stream mail() would write.
 * Beyond "no crash": prepared data has nothing but CRLF line endings and ends in CRLF, no Bcc
 * field survives in the header section, no header line is over 998 octets, there is at least one
 * recipient and a sender, and the dot-stuffed form contains the end-of-data sequence only at its
 * end. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "message.h"

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

static void check_data(const smtp_message *m)
{
	const char *d = m->data.data;
	size_t n = m->data.len, i, ls = 0;
	int in_header = 1;

	if (d == NULL || n < 2 || d[n - 2] != '\r' || d[n - 1] != '\n') abort();
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_message_input in;
	smtp_message m;
	smtp_buf out;
	char err[512];
	unsigned opt;

	if (size < 1) return 0;
	opt = data[0];
	memset(&in, 0, sizeof in);
	in.raw = (const char *)data + 1;
	in.raw_len = size - 1;
	in.envelope_from = (opt & 3) == 0 ? NULL : (opt & 3) == 1 ? "" : "sender@example.org";
	in.from_addr = (opt & 4) ? "site@example.org" : NULL;
	in.from_name = (opt & 8) ? "Caf\xc3\xa9, \"Shop\"" : (opt & 16) ? "Plain Name" : NULL;
	in.force_from = (opt & 32) != 0;
	in.msgid_domain = (opt & 64) ? "mail.example.net" : NULL;
	in.now = 1700000000;

	smtp_message_init(&m);
	if (smtp_message_prepare(&in, &m, err, sizeof err) == 0) {
		const char *p;
		check_data(&m);
		smtp_buf_init(&out, 0);
		if (smtp_dot_stuff(m.data.data, m.data.len, &out) != 0) abort();
		p = strstr(out.data, "\r\n.\r\n");
		if (p == NULL || (size_t)(p - out.data) + 5 != out.len) abort();
		smtp_buf_free(&out);
	} else if (err[0] == '\0' || m.data.len != 0 || m.sender != NULL) {
		abort();
	}
	smtp_message_free(&m);

	/* dot-stuffing of arbitrary bytes */
	smtp_buf_init(&out, 0);
	if (smtp_dot_stuff((const char *)data, size, &out) != 0) abort();
	if (out.len < 3 || memcmp(out.data + out.len - 3, ".\r\n", 3) != 0) abort();
	smtp_buf_free(&out);
	return 0;
}
