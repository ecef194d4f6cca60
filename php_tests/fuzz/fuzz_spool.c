/* libFuzzer harness: the spool entry reader (ext/core/spool_entry.c), fed a file's bytes two ways:
 * as they are (a torn, damaged or foreign file: almost never past the checksum) and as a payload
 * under a correct header (its length and SHA-256 computed here), which takes the meta lines and the
 * message to the reader. Byte 0 chooses the way.
 * Beyond "no crash, no leak, no read outside the buffer": a failure has its sentence and leaves the
 * entry empty; a parsed entry has at least one recipient, its strings are set, its message lies
 * inside the buffer; peek agrees with parse on created, next and attempts; writing the entry again
 * (smtp_spool_entry_encode) and reading that back gives the same entry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "spool_entry.h"

static void same(const smtp_spool_entry *a, const smtp_spool_entry *b)
{
	size_t i;

	if (a->created != b->created || a->next != b->next || a->attempts != b->attempts || a->maybe_sent != b->maybe_sent)
		abort();
	if (strcmp(a->message_id, b->message_id) || strcmp(a->error, b->error) || strcmp(a->sender, b->sender)) abort();
	if (a->rcpts.count != b->rcpts.count) abort();
	for (i = 0; i < a->rcpts.count; i++) {
		if (strcmp(a->rcpts.items[i], b->rcpts.items[i])) abort();
	}
	if (a->message_len != b->message_len || (a->message_len && memcmp(a->message, b->message, a->message_len))) abort();
}

static void check(const unsigned char *buf, size_t len)
{
	smtp_spool_entry e, e2;
	smtp_buf again;
	char err[256];
	long long created = -1, next = -1;
	int attempts = -1;

	smtp_spool_entry_init(&e);
	err[0] = '\0';
	if (smtp_spool_entry_parse(buf, len, &e, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL) abort();
		if (e.rcpts.count != 0 || e.message_len != 0) abort();
		smtp_spool_entry_free(&e);
		return;
	}
	if (!e.message_id || !e.error || !e.sender || e.rcpts.count < 1 || e.rcpts.count > SMTP_SPOOL_ENTRY_MAX_RCPTS) abort();
	if (e.message_len > len || (e.message_len && (e.message < buf || e.message + e.message_len > buf + len))) abort();
	if (smtp_spool_entry_peek(buf, len, &created, &next, &attempts) != 0) abort();
	if (created != e.created || next != e.next || attempts != e.attempts) abort();
	smtp_buf_init(&again, 0);
	if (smtp_spool_entry_encode(&e, e.message, e.message_len, &again) != 0) abort();
	smtp_spool_entry_init(&e2);
	if (smtp_spool_entry_parse((const unsigned char *)again.data, again.len, &e2, err, sizeof(err)) != 0) abort();
	same(&e, &e2);
	smtp_spool_entry_free(&e2);
	smtp_buf_free(&again);
	smtp_spool_entry_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) return 0;
	if (data[0] & 1) {
		check(data + 1, size - 1);
	} else {
		/* a correct header over the rest */
		unsigned char sha[32], *file;
		char head[SMTP_SPOOL_ENTRY_HEADER_LEN + 1];
		smtp_sha256 h;
		size_t n = size - 1;

		if (smtp_sha256_init(&h) != 0) return 0;
		smtp_sha256_update(&h, data + 1, n);
		smtp_sha256_final(&h, sha);
		smtp_spool_entry_header(n, sha, head);
		file = malloc(SMTP_SPOOL_ENTRY_HEADER_LEN + n); /* exactly: a read past it is caught */
		if (!file) return 0;
		memcpy(file, head, SMTP_SPOOL_ENTRY_HEADER_LEN);
		memcpy(file + SMTP_SPOOL_ENTRY_HEADER_LEN, data + 1, n);
		check(file, SMTP_SPOOL_ENTRY_HEADER_LEN + n);
		free(file);
	}
	return 0;
}
