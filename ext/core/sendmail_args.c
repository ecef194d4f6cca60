/* Reads the envelope sender out of mail()'s additional_params. */
#include "sendmail_args.h"
#include "buf.h"
#include "address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMTP_ARGS_MAX 8192

/* Next shell word of s starting at *pos into w. Returns 1 for a word, 0 at the end, -1 on an
 * unterminated quote or an over-long word. */
static int next_word(const char *s, size_t *pos, smtp_buf *w)
{
	size_t i = *pos;
	int have = 0;

	smtp_buf_reset(w);
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
		i++;
	}
	if (s[i] == '\0') {
		*pos = i;
		return 0;
	}
	while (s[i] != '\0' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') {
		have = 1;
		if (s[i] == '\\') {
			if (s[i + 1] == '\0') {
				i++;
				break;
			}
			if (s[i + 1] != '\n' && smtp_buf_putc(w, s[i + 1]) != 0) {
				return -1;
			}
			i += 2;
		} else if (s[i] == '\'') {
			const char *end = strchr(s + i + 1, '\'');
			if (!end) {
				return -1;
			}
			if (smtp_buf_append(w, s + i + 1, (size_t)(end - (s + i + 1))) != 0) {
				return -1;
			}
			i = (size_t)(end - s) + 1;
		} else if (s[i] == '"') {
			i++;
			while (s[i] != '"') {
				if (s[i] == '\0') {
					return -1;
				}
				if (s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == '$' || s[i + 1] == '`')) {
					i++;
				}
				if (smtp_buf_putc(w, s[i]) != 0) {
					return -1;
				}
				i++;
			}
			i++;
		} else {
			if (smtp_buf_putc(w, s[i]) != 0) {
				return -1;
			}
			i++;
		}
	}
	*pos = i;
	return have;
}

int smtp_sendmail_args_sender(const char *args, char **sender, char *err, size_t errlen)
{
	smtp_buf w;
	size_t pos = 0;
	int r, want_addr = 0;
	char *found = NULL;

	*sender = NULL;
	if (args == NULL) {
		return 0;
	}
	if (strlen(args) > SMTP_ARGS_MAX) {
		snprintf(err, errlen, "the additional parameters are longer than %d bytes", SMTP_ARGS_MAX);
		return -1;
	}
	smtp_buf_init(&w, SMTP_ARGS_MAX + 1);
	while ((r = next_word(args, &pos, &w)) == 1) {
		const char *word = w.data ? w.data : "";
		const char *addr = NULL;
		if (want_addr) {
			addr = word;
			want_addr = 0;
		} else if (strncmp(word, "-f", 2) == 0) {
			if (word[2] == '\0') {
				want_addr = 1;
				continue;
			}
			addr = word + 2;
		} else {
			continue; /* other sendmail options mean nothing for SMTP */
		}
		if (strcmp(addr, "<>") == 0) {
			addr = "";
		}
		if (*addr && !smtp_address_valid(addr, strlen(addr))) {
			snprintf(err, errlen, "the -f sender in the additional parameters is not a valid address: \"%.100s\"",
			         addr);
			free(found);
			smtp_buf_free(&w);
			return -1;
		}
		free(found);
		found = smtp_strdup(addr);
		if (!found) {
			snprintf(err, errlen, "out of memory");
			smtp_buf_free(&w);
			return -1;
		}
	}
	smtp_buf_free(&w);
	if (r < 0) {
		snprintf(err, errlen, "the additional parameters have an unterminated quote");
		free(found);
		return -1;
	}
	if (want_addr) {
		snprintf(err, errlen, "the additional parameters end with -f but give no address");
		free(found);
		return -1;
	}
	*sender = found;
	return 0;
}
