/* Unit tests of error.c: names, classes and the transient rule that retries and the spool will use. */
#include "unit.h"
#include "error.h"

static int transient(smtp_cause cause, int code)
{
	smtp_err e;

	smtp_err_clear(&e);
	smtp_err_set(&e, SMTP_STAGE_MAIL, smtp_cause_class(cause), cause, code, code ? "4.0.0" : NULL);
	return smtp_err_is_transient(&e);
}

static void run_tests(void)
{
	smtp_err e;
	int c;

	CHECK_STR(smtp_stage_name(SMTP_STAGE_CONNECT), "connect");
	CHECK_STR(smtp_stage_name(SMTP_STAGE_DONE), "done");
	CHECK_STR(smtp_stage_name((smtp_stage)99), "unknown");
	CHECK_STR(smtp_cause_name(SMTP_CAUSE_CERT_NAME), "cert_name");
	CHECK_STR(smtp_cause_name((smtp_cause)999), "unknown");
	for (c = SMTP_CAUSE_NONE; c <= SMTP_CAUSE_TOKEN; c++) {
		CHECK(strcmp(smtp_cause_name((smtp_cause)c), "unknown") != 0);
	}
	CHECK(smtp_cause_class(SMTP_CAUSE_REFUSED) == SMTP_ERR_NET);
	CHECK(smtp_cause_class(SMTP_CAUSE_CERT_UNKNOWN_CA) == SMTP_ERR_TLS);
	CHECK(smtp_cause_class(SMTP_CAUSE_INJECTION) == SMTP_ERR_PROTOCOL);
	CHECK(smtp_cause_class(SMTP_CAUSE_NO_STARTTLS) == SMTP_ERR_POLICY);
	CHECK(smtp_cause_class(SMTP_CAUSE_REPLY) == SMTP_ERR_REPLY);

	/* the table: transient = worth another try later */
	CHECK(transient(SMTP_CAUSE_REPLY, 451));
	CHECK(transient(SMTP_CAUSE_SERVER_CLOSING, 421));
	CHECK(!transient(SMTP_CAUSE_REPLY, 550));
	CHECK(!transient(SMTP_CAUSE_REPLY, 535));
	CHECK(transient(SMTP_CAUSE_TIMEOUT, 0));
	CHECK(transient(SMTP_CAUSE_SILENT, 0));
	CHECK(transient(SMTP_CAUSE_CLOSED, 0));
	CHECK(transient(SMTP_CAUSE_REFUSED, 0));
	CHECK(transient(SMTP_CAUSE_UNREACHABLE, 0));
	CHECK(transient(SMTP_CAUSE_IO, 0));
	CHECK(!transient(SMTP_CAUSE_RESOLVE, 0));
	/* TLS: the server's handshake and certificate can be mended there; our trust store and a
	 * plain-text server on an implicit-TLS setting are ours to change */
	CHECK(transient(SMTP_CAUSE_TLS_HANDSHAKE, 0));
	CHECK(transient(SMTP_CAUSE_CERT_NAME, 0));
	CHECK(transient(SMTP_CAUSE_CERT_DATES, 0));
	CHECK(transient(SMTP_CAUSE_CERT_SELF_SIGNED, 0));
	CHECK(transient(SMTP_CAUSE_CERT_UNKNOWN_CA, 0));
	CHECK(transient(SMTP_CAUSE_CERT_OTHER, 0));
	CHECK(!transient(SMTP_CAUSE_CAFILE, 0));
	CHECK(!transient(SMTP_CAUSE_CA_STORE, 0));
	CHECK(!transient(SMTP_CAUSE_PLAIN_ON_TLS_PORT, 0));
	CHECK(!transient(SMTP_CAUSE_INJECTION, 0));
	CHECK(!transient(SMTP_CAUSE_NO_STARTTLS, 0));
	CHECK(!transient(SMTP_CAUSE_CONFIG, 0));
	CHECK(!transient(SMTP_CAUSE_INPUT, 0));
	CHECK(transient(SMTP_CAUSE_OAUTH_UNAVAILABLE, 0)); /* the token endpoint's 5xx / 429 */
	CHECK(!transient(SMTP_CAUSE_OAUTH_ENDPOINT, 0));
	CHECK(!transient(SMTP_CAUSE_OAUTH_INVALID_GRANT, 0));
	CHECK(!smtp_err_is_transient(NULL));

	/* the enhanced code is bounded */
	smtp_err_clear(&e);
	smtp_err_set(&e, SMTP_STAGE_RCPT, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 550, "5.1.1.1.1.1.1.1.1.1.1");
	CHECK(strlen(e.enhanced) == sizeof(e.enhanced) - 1);
	CHECK(e.stage == SMTP_STAGE_RCPT && e.code == 550);
}
