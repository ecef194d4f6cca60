/* EHLO keywords. Pure C. */
#include "ehlo.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void smtp_caps_clear(smtp_caps *c)
{
	memset(c, 0, sizeof(*c));
}

static int keyword_is(const char *line, const char *kw, const char **rest)
{
	size_t n = strlen(kw);

	if (strncasecmp(line, kw, n) != 0) {
		return 0;
	}
	if (line[n] != '\0' && line[n] != ' ' && line[n] != '=') {
		return 0;
	}
	if (rest) {
		*rest = line + n;
		while (**rest == ' ' || **rest == '=') {
			(*rest)++;
		}
	}
	return 1;
}

void smtp_caps_parse(const smtp_reply *r, smtp_caps *c)
{
	size_t i;

	smtp_caps_clear(c);
	c->esmtp = 1;
	for (i = 1; i < r->lines.count; i++) {
		const char *line = r->lines.items[i], *rest = NULL;

		if (keyword_is(line, "PIPELINING", NULL)) {
			c->pipelining = 1;
		} else if (keyword_is(line, "8BITMIME", NULL)) {
			c->eightbitmime = 1;
		} else if (keyword_is(line, "SMTPUTF8", NULL)) {
			c->smtputf8 = 1;
		} else if (keyword_is(line, "STARTTLS", NULL)) {
			c->starttls = 1;
		} else if (keyword_is(line, "CHUNKING", NULL)) {
			c->chunking = 1;
		} else if (keyword_is(line, "SIZE", &rest)) {
			unsigned long long v = 0;
			int digits = 0;
			while (*rest >= '0' && *rest <= '9' && digits < 19) {
				v = v * 10 + (unsigned long long)(*rest - '0');
				rest++;
				digits++;
			}
			c->size = v;
		} else if (keyword_is(line, "AUTH", &rest)) {
			size_t l = strlen(c->auth);
			snprintf(c->auth + l, sizeof(c->auth) - l, "%s%s", l ? " " : "", rest);
		}
	}
}
