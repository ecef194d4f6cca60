/* Message preparation: what `sendmail -t -i` does with the stream PHP's mail() writes.
 * Pure C. */
#ifndef SMTP_CORE_MESSAGE_H
#define SMTP_CORE_MESSAGE_H

#include <stddef.h>
#include <time.h>
#include "buf.h"
#include "strlist.h"

#define SMTP_MESSAGE_MAX_HEADER_LINE 65536 /* one unfolded header field; longer: error */
#define SMTP_MESSAGE_MAX_HEADERS     1000  /* header fields per message */

typedef struct {
	/* The exact byte stream stock mail() writes to `sendmail -t -i`:
	 *   "To: <to>" EOL "Subject: <subject>" EOL [<headers> EOL] EOL <message> EOL
	 * where EOL is "\r\n" (or "\n" with mail.mixed_lf_and_crlf). The stream may mix LF,
	 * CRLF and bare CR line endings. */
	const char *raw;
	size_t raw_len;

	/* Envelope sender chosen by the caller (-f, smtp.from, sendmail_from), or NULL to take
	 * the first address of the From: header. "" means the null sender <>. */
	const char *envelope_from;

	/* When the message has no From: header, or force_from is set and from_addr is not NULL,
	 * From: becomes "from_name <from_addr>" (from_name MIME-encoded when not ASCII, quoted
	 * when it contains specials) or just from_addr when from_name is NULL/"".
	 * With no From: header and from_addr NULL, From: is made from the envelope sender (with
	 * from_name as its display name when given), as sendmail does for `-f`. */
	const char *from_addr;
	const char *from_name;
	int force_from;

	/* Right-hand side of a generated Message-ID (the EHLO name or the sender's domain). */
	const char *msgid_domain;
	/* Time for a generated Date: header (local time with its numeric offset). */
	time_t now;
} smtp_message_input;

typedef struct {
	char *sender;       /* envelope sender, malloc'd; "" is the null sender */
	smtp_strlist rcpts; /* envelope recipients: To, Cc and Bcc of the headers, in order, each once */
	smtp_buf data;      /* the message as it must be transmitted, before dot-stuffing:
	                           * header fields (Bcc, Resent-Bcc, Return-Path and Content-Length
	                           * removed; Date and Message-ID added when missing),
	                           * CRLF, body; every line ending CRLF, no bare CR or LF, ends in CRLF.
	                           * Header lines are kept byte for byte, except that one longer than 998
	                           * octets is folded before white space (or, with no white space to fold
	                           * at, broken after 998 octets with CRLF SP, as Postfix does) */
	int eight_bit;      /* some byte >= 0x80 in the data (use BODY=8BITMIME when offered) */
	int utf8_addrs;     /* some envelope address needs SMTPUTF8 */
} smtp_message;

void smtp_message_init(smtp_message *m);
/* 0 on success; -1 with one sentence in err (header line too long, no recipients,
 * a malformed address list naming the header, no envelope sender, out of memory). */
int smtp_message_prepare(const smtp_message_input *in, smtp_message *out, char *err, size_t errlen);
void smtp_message_free(smtp_message *m);

/* Appends `data` (CRLF lines, as produced above) to `out` for the DATA phase: every line that
 * starts with '.' gets one more '.', and the terminating ".\r\n" is added (a final CRLF is
 * added first if the data does not end with one). 0 on success, -1 out of memory / limit. */
int smtp_dot_stuff(const char *data, size_t len, smtp_buf *out);

/* Formats an RFC 5322 date ("Mon, 23 Nov 2026 02:12:18 +0000") for t in local time. */
void smtp_format_date(time_t t, char *out, size_t outlen);

#endif
