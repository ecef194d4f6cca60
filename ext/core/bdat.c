/* CHUNKING (RFC 3030): the message as one BDAT chunk, its bytes read from the body where they
 * lie. Pure C. */
#include "bdat.h"
#include "data.h"

#include <stdio.h>

size_t smtp_bdat_command(size_t size, int last, char *buf, size_t buflen)
{
	int n;

	if (buf == NULL || buflen == 0) {
		return 0;
	}
	n = snprintf(buf, buflen, "BDAT %zu%s\r\n", size, last ? " LAST" : "");
	if (n < 0 || (size_t)n >= buflen) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n;
}

int smtp_bdat_put(smtp_body *b, size_t size, smtp_wbuf *w, char *err, size_t errlen)
{
	char cmd[64];
	size_t n = smtp_bdat_command(size, 1, cmd, sizeof cmd);

	if (err != NULL && errlen > 0) {
		err[0] = '\0';
	}
	if (smtp_wbuf_put(w, cmd, n) != 0) {
		if (err != NULL && errlen > 0) {
			snprintf(err, errlen, "Writing the message failed.");
		}
		return -1;
	}
	return smtp_crlf_put_exact(b, size, w, err, errlen);
}
