/* What a server offers: the EHLO reply's keywords (RFC 5321 4.1.1.1, and each extension's RFC).
 * Pure C. */
#ifndef SMTP_CORE_EHLO_H
#define SMTP_CORE_EHLO_H

#include "reply.h"

typedef struct {
	int esmtp; /* EHLO answered 250 (0 after a HELO fallback) */
	int pipelining, eightbitmime, smtputf8, starttls, chunking;
	unsigned long long size; /* SIZE's limit, 0: none given */
	char auth[512];          /* AUTH's mechanisms, space-separated ("PLAIN LOGIN") */
} smtp_caps;

void smtp_caps_clear(smtp_caps *c);
/* Reads the keywords of a 250 EHLO reply (line 0 is the server's name). Unknown keywords are
 * ignored; SIZE's number is read up to 19 digits; several AUTH lines are joined. */
void smtp_caps_parse(const smtp_reply *r, smtp_caps *c);

#endif
