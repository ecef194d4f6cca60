/* Message preparation: what `sendmail -t -i` does with the stream PHP's mail() writes.
 * Pure C. */
#ifndef SMTP_CORE_MESSAGE_H
#define SMTP_CORE_MESSAGE_H

#include <stddef.h>
#include <time.h>
#include "body.h"
#include "buf.h"
#include "strlist.h"

#define SMTP_MESSAGE_MAX_HEADER_LINE 65536 /* one unfolded header field; longer: error */
#define SMTP_MESSAGE_MAX_HEADERS     1000  /* header fields per message */

typedef struct {
	/* The exact byte stream stock mail() writes to `sendmail -t -i`:
	 *   "To: <to>" EOL "Subject: <subject>" EOL [<headers> EOL] EOL <message> EOL
	 * where EOL is "\r\n" (or "\n" with mail.mixed_lf_and_crlf). The stream may mix LF,
	 * CRLF and bare CR line endings.
	 *
	 * It comes in pieces, read in this order: raw, then more[0], then more[1] (a NULL or empty
	 * piece is skipped), so that a caller need not join them: mail() passes the header lines and
	 * the empty line as raw, its message argument as more[0] and the final EOL as more[1]. The
	 * header section (up to and including the empty line that ends it, or the first line that is
	 * not a header field) should end inside raw; the body is then never copied: the message points
	 * into raw and the more pieces. When it does not (a header line, or the CR of the empty line's
	 * CRLF, at the very end of raw), the pieces are joined into one copy that the message owns, so
	 * that the result is the same whatever the split.
	 *
	 * The pieces are not copied: they must stay valid and unchanged until smtp_message_free (and
	 * until the last read of a smtp_message_reader made from the message). */
	const char *raw;
	size_t raw_len;
	const char *more[2];
	size_t more_len[2];

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

#define SMTP_MESSAGE_BODY_PIECES 3 /* the rest of raw, more[0], more[1] */

typedef struct {
	char *sender;       /* envelope sender, malloc'd; "" is the null sender */
	smtp_strlist rcpts; /* envelope recipients: To, Cc and Bcc of the headers, in order, each once */
	/* The header section as it must be transmitted: header fields (Bcc, Resent-Bcc, Return-Path and
	 * Content-Length removed; Date and Message-ID added when missing), every line ending CRLF,
	 * then the empty line (CRLF). Header lines are kept byte for byte, except that one longer than
	 * 998 octets is folded before white space (or, with no white space to fold at, broken after 998
	 * octets with CRLF SP, as Postfix does). */
	smtp_buf headers;
	/* The body as it lies in the input pieces (not copied, not yet normalised): body[0..nbody).
	 * On the wire every line ending in it (CRLF, LF, bare CR) becomes CRLF and a final CRLF is
	 * added when it does not end with a line ending (smtp_message_reader and data.h do that). */
	const char *body[SMTP_MESSAGE_BODY_PIECES];
	size_t body_len[SMTP_MESSAGE_BODY_PIECES];
	int nbody;
	smtp_buf joined; /* the input pieces joined, only when the header section did not end in raw */
	/* bytes on the wire before dot-stuffing: headers, the body with CRLF line endings, a final
	 * CRLF when the body does not end with a line ending (the SIZE= parameter, the BDAT count:
	 * what smtp_wire_size gives for smtp_message_reader) */
	size_t size;
	int eight_bit;  /* some byte >= 0x80 in the headers or the body (use BODY=8BITMIME when offered) */
	int utf8_addrs; /* some envelope address needs SMTPUTF8 */
} smtp_message;

void smtp_message_init(smtp_message *m);
/* 0 on success; -1 with one sentence in err (header line too long, no recipients,
 * a malformed address list naming the header, no envelope sender, out of memory). */
int smtp_message_prepare(const smtp_message_input *in, smtp_message *out, char *err, size_t errlen);
void smtp_message_free(smtp_message *m);

/* A reader (body.h) over the message as transmitted before dot-stuffing: the header section,
 * then the body pieces where they lie. data.h's functions normalise the body's line endings and
 * add the final CRLF while they read. The message must outlive the reader. */
void smtp_message_reader(const smtp_message *m, smtp_body *out);

/* The Message-ID field's value of the rebuilt header section ("<id@domain>", unfolded, white space
 * around it dropped) into out; "" when there is none (smtp_message_prepare always adds one). */
void smtp_message_id(const smtp_message *m, char *out, size_t outlen);

/* Formats an RFC 5322 date ("Mon, 23 Nov 2026 02:12:18 +0000") for t in local time. */
void smtp_format_date(time_t t, char *out, size_t outlen);

#endif
