/* SMTP AUTH exchanges. Pure C. */
#include "auth.h"

#include "base64.h"
#include "sasl.h"

#include <stdio.h>
#include <string.h>

const char *smtp_auth_wire_name(smtp_auth_mech m)
{
	switch (m) {
	case SMTP_AUTH_PLAIN:
		return "PLAIN";
	case SMTP_AUTH_LOGIN:
		return "LOGIN";
	case SMTP_AUTH_CRAM_MD5:
		return "CRAM-MD5";
	case SMTP_AUTH_XOAUTH2:
		return "XOAUTH2";
	default:
		return "";
	}
}

static smtp_auth_outcome local(smtp_cause *cause, smtp_cause c, char *why, size_t whylen, const char *text)
{
	*cause = c;
	snprintf(why, whylen, "%s", text);
	return SMTP_AUTH_LOCAL_FAILED;
}

static smtp_auth_outcome final(smtp_chat *ch)
{
	return ch->reply.code == 235 ? SMTP_AUTH_ACCEPTED : SMTP_AUTH_REFUSED;
}

/* Sends prefix + payload in one line, masked as logtext, and reads the answer. */
static int exchange(smtp_chat *ch, const char *prefix, const smtp_buf *payload, const char *logtext)
{
	if (smtp_chat_put_secret(ch, prefix, payload->data ? payload->data : "", payload->len, logtext) != 0) {
		return -1;
	}
	return smtp_chat_read_reply(ch);
}

static int send_b64(smtp_chat *ch, const char *secret)
{
	smtp_buf p;
	int rc;

	smtp_buf_init(&p, 0);
	if (smtp_base64_encode((const unsigned char *)secret, strlen(secret), &p) != 0) {
		smtp_buf_wipe(&p);
		return -2;
	}
	rc = exchange(ch, "", &p, "********");
	smtp_buf_wipe(&p);
	return rc;
}

smtp_auth_outcome smtp_auth_run(smtp_chat *ch, smtp_auth_mech m, const char *user, const char *secret,
                                smtp_cause *cause, char *why, size_t whylen)
{
	smtp_buf p;
	char prefix[32], logtext[48], line[32];
	const char *name = smtp_auth_wire_name(m);
	int rc;

	*cause = SMTP_CAUSE_NONE;
	user = user ? user : "";
	secret = secret ? secret : "";
	snprintf(prefix, sizeof(prefix), "AUTH %s ", name);
	snprintf(logtext, sizeof(logtext), "AUTH %s ********", name);
	snprintf(line, sizeof(line), "AUTH %s", name);
	smtp_buf_init(&p, 0);

	switch (m) {
	case SMTP_AUTH_PLAIN:
	case SMTP_AUTH_XOAUTH2:
		/* an initial response (RFC 4954 section 4): one round trip */
		if ((m == SMTP_AUTH_PLAIN ? smtp_sasl_plain(user, secret, &p) : smtp_sasl_xoauth2(user, secret, &p)) != 0) {
			smtp_buf_wipe(&p);
			return local(cause, SMTP_CAUSE_INPUT, why, whylen,
			             m == SMTP_AUTH_PLAIN ? "the user name or password is too long"
			                                  : "the user name or token is too long");
		}
		rc = exchange(ch, prefix, &p, logtext);
		smtp_buf_wipe(&p);
		if (rc != 0) {
			return SMTP_AUTH_IO_FAILED;
		}
		if (m == SMTP_AUTH_XOAUTH2 && ch->reply.code == 334) {
			/* an error report in base64: an empty line gets the final reply */
			if (smtp_chat_put_command(ch, "", NULL) != 0 || smtp_chat_read_reply(ch) != 0) {
				return SMTP_AUTH_IO_FAILED;
			}
		}
		return final(ch);
	case SMTP_AUTH_LOGIN:
		if (smtp_chat_put_command(ch, line, NULL) != 0 || smtp_chat_read_reply(ch) != 0) {
			return SMTP_AUTH_IO_FAILED;
		}
		if (ch->reply.code != 334) {
			return final(ch);
		}
		rc = send_b64(ch, user);
		if (rc != 0) {
			return rc == -2 ? local(cause, SMTP_CAUSE_NOMEM, why, whylen, "out of memory") : SMTP_AUTH_IO_FAILED;
		}
		if (ch->reply.code != 334) {
			return final(ch);
		}
		rc = send_b64(ch, secret);
		if (rc != 0) {
			return rc == -2 ? local(cause, SMTP_CAUSE_NOMEM, why, whylen, "out of memory") : SMTP_AUTH_IO_FAILED;
		}
		return final(ch);
	case SMTP_AUTH_CRAM_MD5: {
		const char *chal;
		if (smtp_chat_put_command(ch, line, NULL) != 0 || smtp_chat_read_reply(ch) != 0) {
			return SMTP_AUTH_IO_FAILED;
		}
		if (ch->reply.code != 334) {
			return final(ch);
		}
		chal = ch->reply.lines.count ? ch->reply.lines.items[0] : "";
		if (smtp_sasl_cram_md5(user, secret, chal, strlen(chal), &p) != 0) {
			smtp_buf_wipe(&p);
			/* cancel the exchange (RFC 4954 section 4), then report */
			if (smtp_chat_put_command(ch, "*", NULL) == 0) {
				smtp_chat_read_reply(ch);
			}
			return local(cause, SMTP_CAUSE_BAD_CHALLENGE, why, whylen, "the server's challenge is not valid base64");
		}
		rc = exchange(ch, "", &p, "********");
		smtp_buf_wipe(&p);
		if (rc != 0) {
			return SMTP_AUTH_IO_FAILED;
		}
		return final(ch);
	}
	default:
		return local(cause, SMTP_CAUSE_NO_MECH, why, whylen, "no mechanism");
	}
}
