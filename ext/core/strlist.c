/* Ordered list of malloc'd strings. Pure C. */
#include "strlist.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void smtp_strlist_init(smtp_strlist *l)
{
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}

int smtp_strlist_add(smtp_strlist *l, const char *s, size_t n)
{
	char *copy;

	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		char **ni;
		if (ncap > SIZE_MAX / sizeof(char *)) {
			return -1;
		}
		ni = realloc(l->items, ncap * sizeof(char *));
		if (ni == NULL) {
			return -1;
		}
		l->items = ni;
		l->cap = ncap;
	}
	copy = smtp_strndup(s, n);
	if (copy == NULL) {
		return -1;
	}
	l->items[l->count++] = copy;
	return 0;
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Equal addresses: local part (before the last '@') byte for byte, domain case-insensitively. */
static int address_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ata = NULL, *atb = NULL;
	size_t i, la, lb;

	for (i = alen; i > 0; i--) {
		if (a[i - 1] == '@') {
			ata = a + i - 1;
			break;
		}
	}
	for (i = blen; i > 0; i--) {
		if (b[i - 1] == '@') {
			atb = b + i - 1;
			break;
		}
	}
	if ((ata == NULL) != (atb == NULL)) {
		return 0;
	}
	if (ata == NULL) {
		return alen == blen && memcmp(a, b, alen) == 0;
	}
	la = (size_t)(ata - a);
	lb = (size_t)(atb - b);
	if (la != lb || memcmp(a, b, la) != 0) {
		return 0;
	}
	if (alen - la != blen - lb) {
		return 0;
	}
	for (i = la; i < alen; i++) {
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i])) {
			return 0;
		}
	}
	return 1;
}

int smtp_strlist_add_address_unique(smtp_strlist *l, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		if (address_equal(l->items[i], strlen(l->items[i]), s, n)) {
			return 0;
		}
	}
	return smtp_strlist_add(l, s, n) == 0 ? 1 : -1;
}

void smtp_strlist_free(smtp_strlist *l)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		free(l->items[i]);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}
