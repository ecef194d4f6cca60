/* RFC 5322 address lists and envelope addresses. Pure C. */
#ifndef SMTP_CORE_ADDRESS_H
#define SMTP_CORE_ADDRESS_H

#include <stddef.h>
#include "strlist.h"

#define SMTP_ADDRESS_MAX 320 /* 64 local part + '@' + 255 domain */

/* Parses the body of an address-list header field (To, Cc, Bcc, From, Reply-To ...):
 * mailboxes with or without display names, quoted strings (with commas inside), comments
 * (nested, with escapes), groups ("undisclosed-recipients:;" and "team: a@x, b@y;"),
 * encoded words in display names, obsolete route addresses (<@a,@b:u@d> gives u@d), folded
 * lines (CRLF or LF followed by WSP) and bare LF. Empty list members are skipped.
 * Each addr-spec found is appended to `out` as "local@domain" (a bare local part as given),
 * skipping duplicates already in `out`.
 * Returns the number of addresses appended (>= 0), or -1 on a syntax error or an address
 * longer than SMTP_ADDRESS_MAX, with one sentence quoting the offending part in err. */
int smtp_address_list_parse(const char *s, size_t len, smtp_strlist *out, char *err, size_t errlen);

/* Is this usable in MAIL FROM:<...> / RCPT TO:<...>?  Non-empty (for recipients), at most
 * SMTP_ADDRESS_MAX bytes, no control characters, no space, '<', '>' outside a quoted local
 * part, no NUL. Bytes >= 0x80 are allowed (SMTPUTF8). Returns 1 if valid, 0 if not. */
int smtp_address_valid(const char *addr, size_t len);

/* Does the address need SMTPUTF8 (any byte >= 0x80)? */
int smtp_address_is_utf8(const char *addr, size_t len);

#endif
