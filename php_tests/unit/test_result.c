/* Unit tests of result.c and hint.c: the hint table, fed with the typed errors (stage, cause, code)
 * and the replies real servers send, next to the sentences the session writes with them (which the
 * table never reads), and the first-failure rule. */
#include "unit.h"
#include "result.h"

#include <stdlib.h>
#include <string.h>

/* The facts the session knew, as the old flags named them. */
#define IMPLICIT_TLS 1 /* this host is tried with implicit TLS (ssl, or auto on 465) */
#define STARTTLS     2 /* smtp.encryption=tls */
#define CREDENTIALS  4 /* a user name is set */

/* A result as the session's events leave it just before the failure: host, port, mode, TLS. */
static void prep(smtp_result *r, const char *host, int port, int facts, int tls_active)
{
	smtp_result_init(r);
	snprintf(r->host, sizeof(r->host), "%s", host);
	r->port = port;
	r->mode = (facts & IMPLICIT_TLS) ? SMTP_ENC_SSL : (facts & STARTTLS) ? SMTP_ENC_TLS : SMTP_ENC_AUTO;
	r->credentials = (facts & CREDENTIALS) != 0;
	r->tls_active = tls_active;
}

static void fail(smtp_result *r, smtp_stage stage, smtp_cause cause, int code, const char *enh, const char *text,
                 const char *sentence)
{
	smtp_err e;

	smtp_err_clear(&e);
	smtp_err_set(&e, stage, smtp_cause_class(cause), cause, code, enh);
	smtp_result_fail(r, &e, text, "%s", sentence);
}

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* Records the failure and checks that the hint holds every phrase of the NULL-terminated list. */
#define HINT(r, stage, cause, code, enh, text, sentence, ...) do { \
	const char *want_[] = { __VA_ARGS__, NULL }; size_t i_; \
	fail((r), (stage), (cause), (code), (enh), (text), (sentence)); \
	for (i_ = 0; want_[i_]; i_++) { \
		if (has((r)->hint, want_[i_])) { unit_passed++; } \
		else { unit_failed++; fprintf(stderr, "FAIL %s:%d: hint lacks \"%s\"\n  hint: %s\n", __FILE__, __LINE__, \
			want_[i_], (r)->hint ? (r)->hint : "(null)"); } \
	} \
} while (0)

static void test_google(void)
{
	smtp_result r;

	prep(&r, "smtp.gmail.com", 587, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 534, "5.7.9",
	     "Application-specific password required. For more information, go to "
	     "https://support.google.com/mail/?p=InvalidSecondFactor d2sm123 - gsmtp",
	     "SMTP AUTH PLAIN refused: 534 5.7.9 Application-specific password required.",
	     "app password", "2-Step Verification", "smtp.password", "smtp.username");
	smtp_result_free(&r);

	prep(&r, "smtp.gmail.com", 465, IMPLICIT_TLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "5.7.8",
	     "Username and Password not accepted. For more information, go to "
	     "https://support.google.com/mail/?p=BadCredentials d2sm123 - gsmtp",
	     "SMTP AUTH LOGIN refused: 535 5.7.8 Username and Password not accepted.",
	     "Gmail", "app password", "2-Step Verification", "smtp.password");
	smtp_result_free(&r);

	/* 534 5.7.9 from a server that is not Google: RFC 4954's "mechanism is too weak" */
	prep(&r, "mail.example.net", 587, CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "PLAIN");
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 534, "5.7.9", "Authentication mechanism is too weak",
	     "SMTP AUTH PLAIN refused: 534 5.7.9 Authentication mechanism is too weak",
	     "too weak", "smtp.auth");
	CHECK(!has(r.hint, "Google"));
	smtp_result_free(&r);
}

static void test_microsoft(void)
{
	smtp_result r;

	prep(&r, "smtp.office365.com", 587, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "5.7.139",
	     "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit "
	     "https://aka.ms/smtp_auth_disabled for more information.",
	     "SMTP AUTH LOGIN refused: 535 5.7.139 Authentication unsuccessful, ...",
	     "Microsoft 365", "this mailbox", "Authenticated SMTP", "smtp.auth=xoauth2");
	smtp_result_free(&r);

	prep(&r, "smtp.office365.com", 587, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "5.7.139",
	     "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit "
	     "https://aka.ms/smtp_auth_disabled for more information.",
	     "SMTP AUTH LOGIN refused: 535 5.7.139 ...",
	     "Microsoft 365", "whole organisation", "Turn off SMTP AUTH protocol", "smtp.auth=xoauth2");
	smtp_result_free(&r);

	prep(&r, "smtp.office365.com", 587, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "5.7.139",
	     "Authentication unsuccessful, user is locked by your organization's security defaults policy. "
	     "Contact your administrator.",
	     "SMTP AUTH LOGIN refused: 535 5.7.139 ...",
	     "Security defaults", "smtp.auth=xoauth2");
	smtp_result_free(&r);

	prep(&r, "smtp.office365.com", 587, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "5.7.139", "Authentication unsuccessful",
	     "SMTP AUTH LOGIN refused: 535 5.7.139 Authentication unsuccessful",
	     "Microsoft 365", "SMTP AUTH is disabled", "smtp.auth=xoauth2");
	smtp_result_free(&r);

	/* 550 5.7.30 at AUTH and, as Exchange also answers, at MAIL FROM */
	prep(&r, "smtp.office365.com", 587, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 550, "5.7.30",
	     "Basic authentication is not supported for Client Submission.",
	     "SMTP AUTH LOGIN refused: 550 5.7.30 Basic authentication is not supported for Client Submission.",
	     "Microsoft 365", "basic authentication", "smtp.auth=xoauth2", "Authenticated SMTP");
	smtp_result_free(&r);
	prep(&r, "smtp.office365.com", 587, STARTTLS | CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "LOGIN");
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 550, "5.7.30",
	     "Basic authentication is not supported for Client Submission.",
	     "SMTP MAIL FROM <a@example.org> refused: 550 5.7.30 Basic authentication is not supported for Client Submission.",
	     "Microsoft 365", "smtp.auth=xoauth2");
	CHECK(!has(r.hint, "sender address"));
	smtp_result_free(&r);
}

static void test_other_auth(void)
{
	smtp_result r;

	prep(&r, "mail.example.net", 587, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "5.7.8", "Error: authentication failed: authentication failure",
	     "SMTP AUTH PLAIN refused: 535 5.7.8 Error: authentication failed: authentication failure",
	     "refused the user name or password", "smtp.username", "smtp.password", "app password");
	CHECK(!has(r.hint, "Gmail") && !has(r.hint, "Microsoft"));
	smtp_result_free(&r);

	/* plain 535 without an enhanced code */
	prep(&r, "mail.example.net", 587, CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "", "Authentication failed", "SMTP AUTH LOGIN refused: 535 Authentication failed",
	     "smtp.username", "smtp.password");
	smtp_result_free(&r);

	prep(&r, "mail.example.net", 587, CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 454, "4.7.0", "Temporary authentication failure",
	     "SMTP AUTH PLAIN refused: 454 4.7.0 Temporary authentication failure", "temporary", "try again later");
	smtp_result_free(&r);

	prep(&r, "mail.example.net", 25, CREDENTIALS, 0);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 538, "5.7.11", "Encryption required for requested authentication mechanism",
	     "SMTP AUTH PLAIN refused: 538 5.7.11 Encryption required", "smtp.encryption=tls");
	smtp_result_free(&r);

	prep(&r, "mail.example.net", 25, CREDENTIALS, 0);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_INSECURE_AUTH, 0, NULL, NULL,
	     "SMTP AUTH not attempted: the connection to mail.example.net is not encrypted and the password would "
	     "cross the network in clear text (set smtp.encryption to tls or ssl, or smtp.allow_insecure_auth=1 for a "
	     "trusted network)", "smtp.encryption=tls", "smtp.allow_insecure_auth=1");
	smtp_result_free(&r);

	prep(&r, "mail.example.net", 587, CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_NO_MECH, 0, NULL, NULL,
	     "SMTP AUTH failed: the server does not offer cram-md5 (smtp.auth); it offers PLAIN LOGIN",
	     "smtp.auth=auto");
	smtp_result_free(&r);
}

static void test_auth_not_offered(void)
{
	smtp_result r;
	static const char s[] = "SMTP AUTH failed: the server 127.0.0.1 does not offer authentication (no AUTH in its EHLO reply)";

	/* over TLS: not a submission port */
	prep(&r, "127.0.0.1", 2500, STARTTLS | CREDENTIALS, 1);
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_NO_AUTH, 0, NULL, NULL, s, "even over TLS", "submission port", "smtp.username empty", "2500");
	smtp_result_free(&r);

	/* in plain text, STARTTLS offered: AUTH comes after it */
	prep(&r, "127.0.0.1", 2500, CREDENTIALS, 0);
	smtp_strlist_add(&r.capabilities, "PIPELINING", 10);
	smtp_strlist_add(&r.capabilities, "STARTTLS", 8);
	r.starttls_offered = 1; /* what the CAPS event sets for this list */
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_NO_AUTH, 0, NULL, NULL, s, "only after STARTTLS", "smtp.encryption=tls");
	smtp_result_free(&r);

	/* in plain text, no STARTTLS either */
	prep(&r, "127.0.0.1", 2500, CREDENTIALS, 0);
	smtp_strlist_add(&r.capabilities, "STARTTLSX", 9);   /* not the keyword */
	HINT(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_NO_AUTH, 0, NULL, NULL, s, "neither AUTH nor STARTTLS", "587", "465", "smtp.username empty");
	smtp_result_free(&r);
}

static void test_tls_pairing(void)
{
	smtp_result r;

	/* ssl against a plaintext port: OpenSSL reads "220 ..." as a record header */
	prep(&r, "127.0.0.1", 587, IMPLICIT_TLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_PLAIN_ON_TLS_PORT, 0, NULL, NULL,
	     "SMTP TLS connection to 127.0.0.1:587 failed: TLS handshake error: wrong version number",
	     "port 587", "expects STARTTLS", "smtp.encryption=tls", "smtp.port=465");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 25, IMPLICIT_TLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_PLAIN_ON_TLS_PORT, 0, NULL, NULL,
	     "SMTP TLS connection to 127.0.0.1:25 failed: TLS handshake error: packet length too long",
	     "smtp.encryption=tls", "smtp.port=465");
	smtp_result_free(&r);
	/* a server that greets at once: its 220 is waiting before the ClientHello is sent */
	prep(&r, "127.0.0.1", 10587, IMPLICIT_TLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_PLAIN_ON_TLS_PORT, 0, NULL, NULL,
	     "SMTP TLS connection to 127.0.0.1:10587 failed: the server sent plain text before the TLS handshake, so it "
	     "does not use implicit TLS on this port", "port 10587", "smtp.encryption=tls", "smtp.port=465");
	smtp_result_free(&r);
	/* the same OpenSSL words after STARTTLS are not a pairing problem */
	prep(&r, "127.0.0.1", 587, STARTTLS, 0);
	fail(&r, SMTP_STAGE_TLS, SMTP_CAUSE_PLAIN_ON_TLS_PORT, 0, NULL, NULL,
	     "SMTP STARTTLS failed: TLS handshake error: wrong version number");
	CHECK(!has(r.hint, "smtp.port=465"));
	smtp_result_free(&r);

	/* tls (or none) against an implicit-TLS port: the server waits for a ClientHello in silence */
	prep(&r, "127.0.0.1", 465, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_GREETING, SMTP_CAUSE_SILENT, 0, NULL, NULL, "SMTP greeting from 127.0.0.1:465 timed out after 15 s",
	     "Port 465", "implicit TLS", "smtp.encryption=ssl", "smtp.port=587");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 4650, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_GREETING, SMTP_CAUSE_SILENT, 0, NULL, NULL, "SMTP greeting from 127.0.0.1:4650 timed out after 2 s",
	     "port 4650", "implicit TLS", "smtp.encryption=ssl");
	smtp_result_free(&r);
	/* auto on 4650 tried implicit TLS on a second connection already: neither answered */
	prep(&r, "127.0.0.1", 4650, 0, 0);
	HINT(&r, SMTP_STAGE_GREETING, SMTP_CAUSE_SILENT, 0, NULL, NULL, "SMTP greeting from 127.0.0.1:4650 timed out after 15 s",
	     "port 4650", "TLS handshake on a second connection", "not an SMTP server", "smtp.port");
	CHECK(!has(r.hint, "set smtp.encryption=ssl"));
	smtp_result_free(&r);
	/* auto on 587 and 2525 does not try TLS: the hint for the silent port stays */
	prep(&r, "127.0.0.1", 2525, 0, 0);
	HINT(&r, SMTP_STAGE_GREETING, SMTP_CAUSE_SILENT, 0, NULL, NULL, "SMTP greeting from 127.0.0.1:2525 timed out after 15 s",
	     "port 2525", "implicit TLS", "smtp.encryption=ssl");
	smtp_result_free(&r);
	/* a server that sent something (a trickle) is not waiting for TLS */
	prep(&r, "127.0.0.1", 4650, 0, 0);
	fail(&r, SMTP_STAGE_GREETING, SMTP_CAUSE_TIMEOUT, 0, NULL, NULL, "SMTP greeting from 127.0.0.1:4650 timed out after 2 s");
	CHECK(r.hint == NULL);
	smtp_result_free(&r);
	/* silence after an implicit TLS handshake is not a pairing problem either */
	prep(&r, "127.0.0.1", 465, IMPLICIT_TLS, 1);
	fail(&r, SMTP_STAGE_GREETING, SMTP_CAUSE_SILENT, 0, NULL, NULL, "SMTP greeting from 127.0.0.1:465 timed out after 2 s");
	CHECK(!has(r.hint, "smtp.encryption=ssl"));
	smtp_result_free(&r);

	/* STARTTLS required but not offered */
	prep(&r, "127.0.0.1", 2525, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_NO_STARTTLS, 0, NULL, NULL,
	     "SMTP STARTTLS failed: the server 127.0.0.1 does not offer STARTTLS (smtp.encryption=tls requires it)",
	     "does not offer STARTTLS", "smtp.port=587", "smtp.port=465", "smtp.encryption=none");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 465, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_NO_STARTTLS, 0, NULL, NULL,
	     "SMTP STARTTLS failed: the server 127.0.0.1 does not offer STARTTLS (smtp.encryption=tls requires it)",
	     "Port 465", "smtp.encryption=ssl");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_REPLY, 454, "4.7.0", "TLS not available due to local problem",
	     "SMTP STARTTLS refused: 454 4.7.0 TLS not available due to local problem", "smtp.encryption=ssl");
	smtp_result_free(&r);
}

static void test_certificates(void)
{
	smtp_result r;

	prep(&r, "127.0.0.1", 587, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_CERT_SELF_SIGNED, 0, NULL, NULL,
	     "SMTP STARTTLS failed: the server certificate is self-signed and not trusted (self-signed certificate)",
	     "self-signed", "smtp.cafile", "smtp.verify_peer=0", "testing only");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 465, IMPLICIT_TLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_CERT_UNKNOWN_CA, 0, NULL, NULL,
	     "SMTP TLS connection to 127.0.0.1:465 failed: the server certificate was issued by an unknown certificate "
	     "authority (unable to get local issuer certificate)",
	     "CA this machine does not trust", "smtp.cafile", "ca-certificates", "smtp.verify_peer=0");
	smtp_result_free(&r);
	prep(&r, "mail.example.net", 587, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_CERT_NAME, 0, NULL, NULL,
	     "SMTP STARTTLS failed: the server certificate is not valid for the name mail.example.net (hostname mismatch)",
	     "not for the name in smtp.host (mail.example.net)", "set smtp.host to a name the certificate lists");
	CHECK(!has(r.hint, "verify_peer"));
	smtp_result_free(&r);
	prep(&r, "mail.example.net", 587, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_CERT_DATES, 0, NULL, NULL,
	     "SMTP STARTTLS failed: the server certificate has expired (certificate has expired)", "renew", "clock");
	smtp_result_free(&r);
	prep(&r, "mail.example.net", 587, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_CAFILE, 0, NULL, NULL,
	     "SMTP STARTTLS failed: cannot load the CA file /nope.pem (smtp.cafile): system lib", "smtp.cafile must name");
	smtp_result_free(&r);
	prep(&r, "mail.example.net", 587, STARTTLS, 0);
	HINT(&r, SMTP_STAGE_TLS, SMTP_CAUSE_TLS_HANDSHAKE, 0, NULL, NULL,
	     "SMTP STARTTLS failed: TLS handshake error: sslv3 alert handshake failure",
	     "ended the TLS handshake on port 587", "older than TLS 1.2", "queued and retried");
	smtp_result_free(&r);
}

static void test_connect(void)
{
	smtp_result r;

	prep(&r, "127.0.0.1", 2525, 0, 0);
	HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_REFUSED, 0, NULL, NULL, "SMTP connect to 127.0.0.1:2525 failed: Connection refused",
	     "Nothing accepts connections at 127.0.0.1 port 2525", "smtp.host", "smtp.port", "587", "465", "2525");
	smtp_result_free(&r);
	prep(&r, "smtp.example.net", 25, 0, 0);
	HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_TIMEOUT, 0, NULL, NULL, "SMTP connect to smtp.example.net:25 timed out after 15 s",
	     "smtp.example.net did not answer on port 25", "firewall", "try port 587", "465", "2525");
	smtp_result_free(&r);
	prep(&r, "smtp.example.net", 25, 0, 0);
	HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_UNREACHABLE, 0, NULL, NULL, "SMTP connect to smtp.example.net:25 failed: No route to host",
	     "did not answer on port 25", "2525");
	smtp_result_free(&r);
	prep(&r, "smtp.exmaple.invalid", 587, 0, 0);
	HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_RESOLVE, 0, NULL, NULL,
	     "SMTP connect failed: cannot resolve smtp.exmaple.invalid: Name or service not known",
	     "cannot be resolved", "smtp.host");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_GREETING, SMTP_CAUSE_REPLY, 554, "5.7.1", "Your access to this mail system has been rejected",
	     "SMTP greeting from 127.0.0.1: the server refused the session: 554 5.7.1 ...", "refuses connections");
	smtp_result_free(&r);
}

static void test_envelope(void)
{
	smtp_result r;

	/* relay denied, without and with a login */
	prep(&r, "127.0.0.1", 25, 0, 0);
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_REPLY, 554, "5.7.1", "<to@example.org>: Relay access denied",
	     "SMTP RCPT TO <to@example.org> refused: 554 5.7.1 <to@example.org>: Relay access denied",
	     "only for clients that log in", "smtp.username", "smtp.password");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "PLAIN");
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_REPLY, 554, "5.7.1", "<to@example.org>: Relay access denied",
	     "SMTP RCPT TO <to@example.org> refused: 554 5.7.1 <to@example.org>: Relay access denied",
	     "does not let this account send", "smtp.from");
	smtp_result_free(&r);

	/* sender refused */
	prep(&r, "127.0.0.1", 587, CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "PLAIN");
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 553, "5.7.1", "<a@example.com>: Sender address rejected: not owned by user alice",
	     "SMTP MAIL FROM <a@example.com> refused: 553 5.7.1 <a@example.com>: Sender address rejected: not owned by user alice",
	     "send only as the addresses it owns", "smtp.from", "smtp.username");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "PLAIN");
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 550, "5.1.8", "<a@nowhere.invalid>: Domain of sender address does not exist",
	     "SMTP MAIL FROM <a@nowhere.invalid> refused: 550 5.1.8 ...", "refused the sender address", "smtp.from", "-f");
	smtp_result_free(&r);
	/* the probe's send-as cases: Microsoft 365, Gmail aliases, Postfix's delayed sender check at RCPT */
	prep(&r, "smtp.office365.com", 587, STARTTLS | CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "LOGIN");
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 550, "5.7.60",
	     "SMTP; Client does not have permissions to send as this sender",
	     "SMTP MAIL FROM <boss@example.com> refused: 550 5.7.60 SMTP; Client does not have permissions to send as this "
	     "sender",
	     "Microsoft 365", "Send As", "smtp.from");
	smtp_result_free(&r);
	prep(&r, "smtp.gmail.com", 587, STARTTLS | CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "PLAIN");
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 553, "5.7.1",
	     "Sender address is not a verified alias of this account. d2sm123 - gsmtp",
	     "SMTP MAIL FROM <other@example.com> refused: 553 5.7.1 ...", "Gmail", "Send mail as", "verif");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "PLAIN");
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_REPLY, 553, "5.7.1", "<a@example.com>: Sender address rejected: not owned by user alice",
	     "SMTP RCPT TO <a@example.com> refused: 553 5.7.1 ...", "send only as the addresses it owns");
	smtp_result_free(&r);
	/* a Gmail recipient that does not exist is not a send-as problem */
	prep(&r, "smtp.gmail.com", 587, STARTTLS | CREDENTIALS, 1);
	snprintf(r.auth_mech, sizeof(r.auth_mech), "PLAIN");
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_REPLY, 550, "5.1.1",
	     "The email account that you tried to reach does not exist. d2sm123 - gsmtp",
	     "SMTP RCPT TO <nobody@gmail.com> refused: 550 5.1.1 ...", "the mailbox does not exist");
	CHECK(!has(r.hint, "alias"));
	smtp_result_free(&r);
	/* relay denied, Exchange's words */
	prep(&r, "mail.example.com", 25, 0, 0);
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_REPLY, 550, "5.7.54", "SMTP; Unable to relay recipient in non-accepted domain",
	     "SMTP RCPT TO <x@other.example> refused: 550 5.7.54 ...", "relays mail to other domains only", "smtp.username");
	smtp_result_free(&r);

	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 451, "4.1.8", "<a@example.com>: Sender address rejected: Domain not found",
	     "SMTP MAIL FROM <a@example.com> refused: 451 4.1.8 ...", "temporary", "try again later");
	smtp_result_free(&r);
	/* 530 at MAIL: a login or TLS is required */
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 530, "5.7.0", "Authentication required",
	     "SMTP MAIL FROM <a@example.com> refused: 530 5.7.0 Authentication required",
	     "only after a login", "smtp.username", "smtp.password");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 530, "5.7.0", "Must issue a STARTTLS command first",
	     "SMTP MAIL FROM <a@example.com> refused: 530 5.7.0 Must issue a STARTTLS command first",
	     "only over TLS", "smtp.encryption=tls");
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_MAIL, SMTP_CAUSE_REPLY, 552, "5.3.4", "Message size exceeds fixed limit",
	     "SMTP MAIL FROM <a@example.com> refused: 552 5.3.4 Message size exceeds fixed limit", "larger than");
	smtp_result_free(&r);

	/* recipient refused: permanent, and for now */
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_REPLY, 550, "5.1.1",
	     "<to@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
	     "SMTP RCPT TO <to@example.org> refused: 550 5.1.1 ...",
	     "refused the recipient", "mailbox does not exist", "typos");
	CHECK(!has(r.hint, "relay"));
	smtp_result_free(&r);
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_REPLY, 450, "4.2.0", "<to@example.org>: Recipient address rejected: Greylisted",
	     "SMTP RCPT TO <to@example.org> refused: 450 4.2.0 ...", "greylisting", "later");
	smtp_result_free(&r);

	/* 421 at any stage: the server is closing */
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_RCPT, SMTP_CAUSE_SERVER_CLOSING, 421, "4.3.2", "Service shutting down",
	     "SMTP RCPT TO failed, the server is closing the session: 421 4.3.2 Service shutting down",
	     "closing the connection", "try again later");
	smtp_result_free(&r);

	/* data refused by policy */
	prep(&r, "127.0.0.1", 587, 0, 0);
	HINT(&r, SMTP_STAGE_DATA, SMTP_CAUSE_REPLY, 554, "5.7.1", "Message rejected as spam",
	     "SMTP DATA refused: 554 5.7.1 Message rejected as spam", "policy");
	smtp_result_free(&r);
}

static void test_rules(void)
{
	smtp_result r;
	char big[400];

	/* no hint when we know nothing useful */
	prep(&r, "127.0.0.1", 587, 0, 0);
	fail(&r, SMTP_STAGE_EHLO, SMTP_CAUSE_REPLY, 501, "5.5.4", "Syntax error", "SMTP EHLO x refused: 501 5.5.4 Syntax error");
	CHECK(r.hint == NULL);
	smtp_result_free(&r);

	/* the first failure keeps its sentence and its hint */
	prep(&r, "127.0.0.1", 587, 0, 0);
	fail(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_REFUSED, 0, NULL, NULL, "SMTP connect to 127.0.0.1:587 failed: Connection refused");
	fail(&r, SMTP_STAGE_AUTH, SMTP_CAUSE_REPLY, 535, "5.7.8", "Username and Password not accepted - gsmtp", "later");
	CHECK(r.stage == SMTP_STAGE_CONNECT);
	CHECK(has(r.hint, "Nothing accepts connections"));
	smtp_result_free(&r);

	/* a hint already set is kept */
	prep(&r, "127.0.0.1", 587, 0, 0);
	r.hint = smtp_strdup("kept");
	fail(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_REFUSED, 0, NULL, NULL, "SMTP connect to 127.0.0.1:587 failed: Connection refused");
	CHECK_STR(r.hint, "kept");
	smtp_result_free(&r);

	/* a host name of the largest size still gives a whole hint */
	memset(big, 'a', 250);
	big[250] = '\0';
	prep(&r, big, 65535, 0, 0);
	{
		char sentence[500];
		snprintf(sentence, sizeof(sentence), "SMTP connect to %s:65535 timed out after 15 s", big);
		fail(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_TIMEOUT, 0, NULL, NULL, sentence);
	}
	CHECK(has(r.hint, "or ask the hosting provider to open the port."));
	smtp_result_free(&r);

	/* a NULL server text and a NULL enhanced code are fine everywhere */
	{
		int st;
		for (st = SMTP_STAGE_CONNECT; st <= SMTP_STAGE_DONE; st++) {
			prep(&r, "h", 1, IMPLICIT_TLS, 0);
			fail(&r, (smtp_stage)st, SMTP_CAUSE_REPLY, 550, NULL, NULL, "x");
			smtp_result_free(&r);
			prep(&r, "h", 1, 0, 0);
			fail(&r, (smtp_stage)st, SMTP_CAUSE_IO, 0, NULL, NULL, "x");
			smtp_result_free(&r);
		}
		for (st = SMTP_STAGE_CONNECT; st <= SMTP_STAGE_DONE; st++) {
			int c;
			for (c = SMTP_CAUSE_NONE; c <= SMTP_CAUSE_TOKEN; c++) {
				prep(&r, "h", 1, IMPLICIT_TLS | CREDENTIALS, c & 1);
				fail(&r, (smtp_stage)st, (smtp_cause)c, 0, NULL, NULL, "x");
				CHECK(strcmp(smtp_cause_name((smtp_cause)c), "unknown") != 0);
				smtp_result_free(&r);
			}
		}
		CHECK(1);
	}
}

/* A failed connect with the ports probed: the hint names the port that answers and its setting. */
static void set_ports(smtp_result *r, int asked, const int *ports, const smtp_port_state *st, int n)
{
	int i, j;

	smtp_port_report_init(&r->ports, asked);
	for (i = 0; i < n; i++) {
		for (j = 0; j < r->ports.n; j++) {
			if (r->ports.port[j] == ports[i]) {
				r->ports.state[j] = st[i];
			}
		}
	}
}

static void test_ports(void)
{
	static const int p4[] = {465, 587, 2525, 10025};
	smtp_result r;
	smtp_port_report rep;

	/* the report: 465, 587, 2525 and the asked port, ascending, once each */
	smtp_port_report_init(&rep, 10025);
	CHECK(rep.n == 4 && rep.port[0] == 465 && rep.port[1] == 587 && rep.port[2] == 2525 && rep.port[3] == 10025);
	smtp_port_report_init(&rep, 25);
	CHECK(rep.n == 4 && rep.port[0] == 25 && rep.port[3] == 2525);
	smtp_port_report_init(&rep, 587);
	CHECK(rep.n == 3 && rep.port[1] == 587);
	smtp_port_report_init(&rep, 1000);
	CHECK(rep.n == 4 && rep.port[0] == 465 && rep.port[1] == 587 && rep.port[2] == 1000 && rep.port[3] == 2525);
	CHECK(smtp_port_report_get(&rep, 1000) == SMTP_PORT_UNKNOWN && smtp_port_report_get(&rep, 1) == SMTP_PORT_UNKNOWN);
	CHECK_STR(smtp_port_state_name(SMTP_PORT_OPEN), "open");
	CHECK_STR(smtp_port_state_name(SMTP_PORT_TIMEOUT), "timeout");
	CHECK_STR(smtp_port_state_name(SMTP_PORT_REFUSED), "refused");
	CHECK_STR(smtp_port_state_name(SMTP_PORT_UNREACHABLE), "unreachable");

	/* 587 dropped, 465 open: the brief's case */
	{
		static const int p[] = {465, 587, 2525};
		static const smtp_port_state st[] = {SMTP_PORT_OPEN, SMTP_PORT_TIMEOUT, SMTP_PORT_TIMEOUT};
		prep(&r, "smtp.example.com", 587, STARTTLS, 0);
		set_ports(&r, 587, p, st, 3);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_TIMEOUT, 0, NULL, NULL,
		     "SMTP connect to smtp.example.com:587 timed out after 12 s",
		     "Port 587 is blocked here, but 465 is open on smtp.example.com: set smtp.port=465 and "
		     "smtp.encryption=ssl");
		CHECK(!has(r.hint, "too"));
		smtp_result_free(&r);
	}
	/* 25 refused; 587 preferred over 465, both open, 2525 too */
	{
		static const int p[] = {25, 465, 587, 2525};
		static const smtp_port_state st[] = {SMTP_PORT_REFUSED, SMTP_PORT_OPEN, SMTP_PORT_OPEN, SMTP_PORT_OPEN};
		prep(&r, "mx.example.com", 25, 0, 0);
		set_ports(&r, 25, p, st, 4);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_REFUSED, 0, NULL, NULL, "SMTP connect to mx.example.com:25 failed",
		     "Port 25 refuses connections, but 587 is open", "smtp.port=587 and smtp.encryption=tls",
		     "Port 465 is open too.", "Port 2525 is open too.");
		smtp_result_free(&r);
	}
	/* everything refused: not a submission server */
	{
		static const smtp_port_state st[] = {SMTP_PORT_REFUSED, SMTP_PORT_REFUSED, SMTP_PORT_REFUSED,
		                                     SMTP_PORT_REFUSED};
		prep(&r, "www.example.com", 10025, 0, 0);
		set_ports(&r, 10025, p4, st, 4);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_REFUSED, 0, NULL, NULL, "SMTP connect to www.example.com:10025 failed",
		     "refuses connections on port 10025 and on 465, 587 and 2525 too", "check smtp.host");
		smtp_result_free(&r);
	}
	/* everything dropped: the provider blocks outgoing mail */
	{
		static const smtp_port_state st[] = {SMTP_PORT_TIMEOUT, SMTP_PORT_TIMEOUT, SMTP_PORT_REFUSED,
		                                     SMTP_PORT_TIMEOUT};
		prep(&r, "smtp.example.com", 10025, 0, 0);
		set_ports(&r, 10025, p4, st, 4);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_TIMEOUT, 0, NULL, NULL, "SMTP connect timed out",
		     "does not answer on port 10025, nor on 465, 587 or 2525", "hosting provider");
		smtp_result_free(&r);
	}
	/* the asked port dropped, the others refused */
	{
		static const smtp_port_state st[] = {SMTP_PORT_REFUSED, SMTP_PORT_REFUSED, SMTP_PORT_REFUSED,
		                                     SMTP_PORT_TIMEOUT};
		prep(&r, "smtp.example.com", 10025, 0, 0);
		set_ports(&r, 10025, p4, st, 4);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_TIMEOUT, 0, NULL, NULL, "SMTP connect timed out",
		     "does not answer on port 10025, and refuses connections on 465, 587 and 2525", "smtp.port");
		smtp_result_free(&r);
	}
	/* the asked port is one of the three: named once */
	{
		static const int p[] = {465, 587, 2525};
		static const smtp_port_state st[] = {SMTP_PORT_TIMEOUT, SMTP_PORT_TIMEOUT, SMTP_PORT_TIMEOUT};
		prep(&r, "smtp.example.com", 587, STARTTLS, 0);
		set_ports(&r, 587, p, st, 3);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_TIMEOUT, 0, NULL, NULL, "SMTP connect timed out",
		     "does not answer on port 587, nor on 465 or 2525:");
		smtp_result_free(&r);
	}
	/* no route */
	{
		static const smtp_port_state st[] = {SMTP_PORT_UNREACHABLE, SMTP_PORT_UNREACHABLE, SMTP_PORT_UNREACHABLE,
		                                     SMTP_PORT_UNREACHABLE};
		prep(&r, "10.9.9.9", 10025, 0, 0);
		set_ports(&r, 10025, p4, st, 4);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_UNREACHABLE, 0, NULL, NULL, "SMTP connect failed: No route to host",
		     "no route to 10.9.9.9", "network");
		smtp_result_free(&r);
	}
	/* the asked port answers now: a passing failure */
	{
		static const smtp_port_state st[] = {SMTP_PORT_REFUSED, SMTP_PORT_REFUSED, SMTP_PORT_REFUSED, SMTP_PORT_OPEN};
		prep(&r, "smtp.example.com", 10025, 0, 0);
		set_ports(&r, 10025, p4, st, 4);
		HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_REFUSED, 0, NULL, NULL, "SMTP connect failed", "accepts connections now",
		     "try again");
		smtp_result_free(&r);
	}
	/* not probed (mail()): today's hint */
	prep(&r, "smtp.example.com", 587, 0, 0);
	HINT(&r, SMTP_STAGE_CONNECT, SMTP_CAUSE_REFUSED, 0, NULL, NULL, "SMTP connect failed", "Nothing accepts connections",
	     "try 587, 465 or 2525");
	smtp_result_free(&r);
}

static void run_tests(void)
{
	test_ports();
	test_google();
	test_microsoft();
	test_other_auth();
	test_auth_not_offered();
	test_tls_pairing();
	test_certificates();
	test_connect();
	test_envelope();
	test_rules();
}
