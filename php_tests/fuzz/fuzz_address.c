/* libFuzzer harness: RFC 5322 address lists (ext/core/address.c).
 * Beyond "no crash": every address given back is at most SMTP_ADDRESS_MAX bytes, has no line
 * break or NUL, the count returned matches the list, and the error is one bounded sentence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_strlist l;
	char err[256];
	int n;
	size_t i;

	smtp_strlist_init(&l);
	memset(err, 'x', sizeof err);
	n = smtp_address_list_parse((const char *)data, size, &l, err, sizeof err);
	if (n >= 0) {
		if ((size_t)n != l.count) abort();
		for (i = 0; i < l.count; i++) {
			size_t len = strlen(l.items[i]);
			if (len == 0 || len > SMTP_ADDRESS_MAX) abort();
			if (strchr(l.items[i], '\r') || strchr(l.items[i], '\n')) abort();
		}
	} else {
		if (n != -1) abort();
		if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0') abort();
		if (strchr(err, '\n') || strchr(err, '\r')) abort();
	}
	smtp_strlist_free(&l);
	(void)smtp_address_valid((const char *)data, size);
	(void)smtp_address_is_utf8((const char *)data, size);
	return 0;
}
