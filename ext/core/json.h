/* A small, bounded JSON reader (RFC 8259) for the answers of an OAuth token endpoint: one object, whose
 * top-level members of interest are strings or numbers. Everything else is checked and skipped. Never
 * reads past len, never recurses deeper than SMTP_JSON_MAX_DEPTH, never allocates. Pure C. */
#ifndef SMTP_CORE_JSON_H
#define SMTP_CORE_JSON_H

#include <stddef.h>

#define SMTP_JSON_MAX_DEPTH 16

typedef enum {
	SMTP_JSON_ABSENT = 0, /* not in the object (or null) */
	SMTP_JSON_STRING,     /* out holds the decoded text (UTF-8, NUL-terminated) */
	SMTP_JSON_NUMBER,     /* num holds the value (an integer part; a fraction is dropped) */
	SMTP_JSON_OTHER       /* true, false, an array or an object */
} smtp_json_type;

typedef struct {
	const char *key; /* the member's name (exact, case-sensitive) */
	char *out;       /* where a string value goes (NULL: not wanted) */
	size_t cap;      /* of out; a longer string is an error */
	/* filled in: */
	smtp_json_type type;
	long long num; /* a number, or a string of digits (expires_in is sometimes sent as "3599") */
} smtp_json_field;

/* Parses buf[0..len) as exactly one JSON object (whitespace around it allowed) and fills the fields it
 * names. A member named twice: the last one wins. Returns 0, or -1 with a sentence in err (the
 * offset of the first bad byte; never a value's text: a value may be a secret). */
int smtp_json_object_fields(const char *buf, size_t len, smtp_json_field *fields, size_t nfields, char *err,
                            size_t errlen);

#endif
