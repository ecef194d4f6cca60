/* An ordered list of malloc'd strings. Pure C. */
#ifndef SMTP_CORE_STRLIST_H
#define SMTP_CORE_STRLIST_H

#include <stddef.h>

typedef struct {
	char **items;
	size_t count;
	size_t cap;
} smtp_strlist;

void smtp_strlist_init(smtp_strlist *l);
/* Copies s[0..n). 0 on success, -1 when out of memory. */
int smtp_strlist_add(smtp_strlist *l, const char *s, size_t n);
/* Adds unless an equal address is already there (local part compared exactly, domain
 * case-insensitively). Returns 1 if added, 0 if it was a duplicate, -1 when out of memory. */
int smtp_strlist_add_address_unique(smtp_strlist *l, const char *s, size_t n);
void smtp_strlist_free(smtp_strlist *l);

#endif
