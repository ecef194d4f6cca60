/* Hints keyed by the typed error. Pure C. */
#include "hint.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Case-insensitive substring search (bounded by the strings themselves). */
static int contains_ci(const char *hay, const char *needle)
{
	size_t n;

	if (!hay || !needle) {
		return 0;
	}
	n = strlen(needle);
	for (; *hay; hay++) {
		if (strncasecmp(hay, needle, n) == 0) {
			return 1;
		}
	}
	return 0;
}

/* What to do, for the failures users meet most often. Each hint names the setting to change.
 * The table looks at the typed error (stage, cause, code, enhanced code), the server's own words
 * (Google's and Microsoft's replies name their cases) and the facts of the session (host, port, the
 * encryption mode, TLS, STARTTLS offered, the AUTH mechanism). */


static int is_google(const char *text)
{
	return contains_ci(text, "gsmtp") || contains_ci(text, "google") || contains_ci(text, "BadCredentials")
	       || contains_ci(text, "Username and Password not accepted")
	       || contains_ci(text, "Application-specific password");
}

static const char XOAUTH2_WAY[] = "OAuth (smtp.auth=xoauth2, with an access token as smtp.password)";

/* Authentication refused or impossible. */
static int hint_auth_reply(const smtp_err *e, const smtp_hint_facts *f, const char *text, char *h, size_t hl)
{
	int code = e->code;
	const char *enh = e->enhanced;

	/* Google: 534-5.7.9 Application-specific password required (the account has 2-Step Verification). */
	if (code == 534 && (contains_ci(text, "application-specific") || is_google(text))) {
		snprintf(h, hl,
		         "Google requires an app password for this account (2-Step Verification is on): create one "
		         "under Google Account > Security > 2-Step Verification > App passwords and use it as "
		         "smtp.password, with the full Gmail address as smtp.username.");
		return 1;
	}
	/* Microsoft 365. */
	if (strcmp(enh, "5.7.30") == 0 || contains_ci(text, "Basic authentication is not supported")) {
		snprintf(h, hl,
		         "Microsoft 365 no longer accepts a password (basic authentication) for SMTP submission "
		         "from this mailbox: use %s, or have an administrator enable Authenticated SMTP for the mailbox "
		         "if the organisation still allows it.",
		         XOAUTH2_WAY);
		return 1;
	}
	if (strcmp(enh, "5.7.139") == 0 || contains_ci(text, "SmtpClientAuthentication")
	    || contains_ci(text, "basic authentication is disabled")) {
		if (contains_ci(text, "disabled for the Mailbox")) {
			snprintf(h, hl,
			         "Microsoft 365 has SMTP AUTH turned off for this mailbox: an administrator turns on "
			         "Authenticated SMTP in the Microsoft 365 admin center (Users > Active users > the user > Mail > "
			         "Manage email apps), or use %s.",
			         XOAUTH2_WAY);
		} else if (contains_ci(text, "disabled for the Tenant")) {
			snprintf(h, hl,
			         "Microsoft 365 has SMTP AUTH turned off for the whole organisation: an administrator "
			         "clears \"Turn off SMTP AUTH protocol for your organization\" in the Exchange admin center "
			         "(Settings > Mail flow) and turns on Authenticated SMTP for the mailbox, or use %s.",
			         XOAUTH2_WAY);
		} else if (contains_ci(text, "security defaults") || contains_ci(text, "did not meet the criteria")
		           || contains_ci(text, "conditional access")) {
			snprintf(h, hl,
			         "Microsoft 365 blocks password sign-in for SMTP on this account (Security defaults, "
			         "Conditional Access or multi-factor authentication): use %s, or have an administrator "
			         "exempt this mailbox.",
			         XOAUTH2_WAY);
		} else {
			snprintf(h, hl,
			         "Microsoft 365 refused SMTP AUTH for this mailbox: SMTP AUTH is disabled for the mailbox "
			         "or the organisation (an administrator turns on Authenticated SMTP in the Microsoft 365 admin "
			         "center), or the account needs %s.",
			         XOAUTH2_WAY);
		}
		return 1;
	}
	if (code == 535 || (code >= 500 && strcmp(enh, "5.7.8") == 0)) {
		if (is_google(text)) {
			snprintf(h, hl,
			         "Gmail did not accept the user name or password: set smtp.username to the full Gmail "
			         "address and smtp.password to an app password (turn on 2-Step Verification, then Google "
			         "Account > Security > App passwords); the account's normal password does not work here.");
		} else {
			snprintf(h, hl,
			         "The server refused the user name or password: check smtp.username (often the full "
			         "e-mail address) and smtp.password; many providers require an app password or an API key "
			         "instead of the account password.");
		}
		return 1;
	}
	/* RFC 4954: 534 5.7.9 Authentication mechanism is too weak; 538 5.7.11 encryption required. */
	if (code == 534 || strcmp(enh, "5.7.9") == 0) {
		snprintf(h, hl,
		         "The server refuses the mechanism %s as too weak: set smtp.auth=auto (or another mechanism "
		         "it offers) and use smtp.encryption=tls or ssl.",
		         f->auth_mech && f->auth_mech[0] ? f->auth_mech : "chosen");
		return 1;
	}
	if (code == 538 || strcmp(enh, "5.7.11") == 0) {
		snprintf(h, hl,
		         "The server accepts this login only over an encrypted connection: set "
		         "smtp.encryption=tls (port 587) or ssl (port 465).");
		return 1;
	}
	if (code >= 400 && code < 500) {
		snprintf(h, hl,
		         "The server could not check the credentials just now (a temporary failure): try again "
		         "later; if it lasts, the server's authentication service is down.");
		return 1;
	}
	return 0;
}

static int hint_certificate(const smtp_err *e, const smtp_hint_facts *f, char *h, size_t hl)
{
	static const char off[] = "smtp.verify_peer=0 turns the check off, for testing only: anyone on the way "
	                          "could then read the password.";

	if (e->cause == SMTP_CAUSE_CAFILE) {
		snprintf(h, hl,
		         "smtp.cafile must name a readable PEM file of CA certificates: fix the path, or leave "
		         "smtp.cafile empty to use the system's CA store.");
	} else if (e->cause == SMTP_CAUSE_CERT_SELF_SIGNED) {
		snprintf(h, hl,
		         "The server's certificate is self-signed, so nothing vouches for it: if this server is "
		         "yours, give it a certificate from a public CA, or set smtp.cafile to the file of the "
		         "certificate (PEM) you trust. %s",
		         off);
	} else if (e->cause == SMTP_CAUSE_CERT_UNKNOWN_CA) {
		snprintf(h, hl,
		         "The server's certificate was issued by a CA this machine does not trust: set smtp.cafile "
		         "to that CA's certificate (PEM) for a private CA, or update the system's CA bundle "
		         "(ca-certificates). %s",
		         off);
	} else if (e->cause == SMTP_CAUSE_CERT_NAME) {
		snprintf(h, hl,
		         "The certificate is valid, but not for the name in smtp.host (%s): set smtp.host to a "
		         "name the certificate lists - usually the provider's documented SMTP host name, not an IP "
		         "address or an alias of your own.",
		         f->host);
	} else if (e->cause == SMTP_CAUSE_CERT_DATES) {
		snprintf(h, hl,
		         "The server's certificate is outside its validity dates: the server's administrator must "
		         "renew it, or this machine's clock is wrong (check the date and time).");
	} else if (e->cause == SMTP_CAUSE_CERT_OTHER || e->cause == SMTP_CAUSE_CA_STORE) {
		snprintf(h, hl,
		         "The server's certificate could not be verified: fix the certificate on the server, or "
		         "set smtp.cafile to the CA certificate that signed it. %s",
		         off);
	} else {
		return 0;
	}
	return 1;
}

void smtp_hint(const smtp_err *e, const char *text, const smtp_hint_facts *f, char *h, size_t hl)
{
	int code = e->code;
	const char *enh = e->enhanced;
	int implicit = f->mode == SMTP_ENC_SSL;

	if (!h || hl == 0) {
		return;
	}
	h[0] = '\0';
	if (!text) {
		text = "";
	}
	if (code == 421) {
		snprintf(h, hl,
		         "The server is closing the connection (it is overloaded or shutting down, or this client "
		         "reached a limit on connections or messages): try again later.");
		return;
	}
	switch (e->stage) {
	case SMTP_STAGE_CONNECT:
		if (e->cause == SMTP_CAUSE_DNS_TIMEOUT || e->cause == SMTP_CAUSE_DNS_FAILURE) {
			snprintf(h, hl,
			         "This machine's DNS server did not answer for %s in time (or failed): check the "
			         "resolver (/etc/resolv.conf) and the network; an IP address in smtp.host needs no lookup, "
			         "but then the certificate must name that address.",
			         f->host);
		} else if (e->cause == SMTP_CAUSE_RESOLVE) {
			snprintf(h, hl,
			         "The name %s cannot be resolved: check the spelling of smtp.host and that this "
			         "machine's DNS works.",
			         f->host);
		} else if (e->cause == SMTP_CAUSE_REFUSED) {
			snprintf(h, hl,
			         "Nothing accepts connections at %s port %d: check smtp.host and smtp.port (submission "
			         "is 587 with smtp.encryption=tls, or 465 with ssl); if they are right, the server is down or "
			         "a firewall rejects the port - try 587, 465 or 2525.",
			         f->host, f->port);
		} else if (e->cause == SMTP_CAUSE_TIMEOUT || e->cause == SMTP_CAUSE_UNREACHABLE) {
			snprintf(h, hl,
			         "%s did not answer on port %d: the host or a firewall on the way (often the hosting "
			         "provider, which blocks outgoing mail ports such as 25) drops the connection - try port 587 "
			         "(smtp.encryption=tls), 465 (smtp.encryption=ssl) or 2525, or ask the hosting provider to "
			         "open the port.",
			         f->host, f->port);
		}
		return;
	case SMTP_STAGE_GREETING:
		if (code == 0 && e->cause == SMTP_CAUSE_SILENT && !implicit) {
			if (f->port == 465) {
				snprintf(h, hl,
				         "Port 465 expects TLS from the first byte (implicit TLS), so the server waited "
				         "silently: set smtp.encryption=ssl (or auto) for port 465, or set smtp.port=587 to keep "
				         "smtp.encryption=tls.");
			} else {
				snprintf(h, hl,
				         "The server on port %d sent no greeting: if this port expects implicit TLS (as 465 "
				         "does), set smtp.encryption=ssl; otherwise the server is overloaded or not an SMTP "
				         "server.",
				         f->port);
			}
		} else if (code == 554 || code == 550) {
			snprintf(h, hl,
			         "The server refuses connections from this machine (its address may be on a block "
			         "list, or not allowed to submit mail): ask the server's administrator, or use your "
			         "provider's submission server.");
		}
		return;
	case SMTP_STAGE_TLS:
		if (code == 0 && implicit && !f->tls_active && e->cause == SMTP_CAUSE_PLAIN_ON_TLS_PORT) {
			snprintf(h, hl,
			         "The server on port %d speaks plain SMTP first (it expects STARTTLS), not implicit "
			         "TLS: set smtp.encryption=tls to keep this port, or set smtp.port=465 to keep "
			         "smtp.encryption=ssl.",
			         f->port);
			return;
		}
		if (e->cause == SMTP_CAUSE_NO_STARTTLS) {
			if (f->port == 465) {
				snprintf(h, hl, "Port 465 expects implicit TLS: set smtp.encryption=ssl (or auto).");
			} else {
				snprintf(h, hl,
				         "The server on port %d does not offer STARTTLS: use its submission port with TLS "
				         "(smtp.port=587 with smtp.encryption=tls, or smtp.port=465 with ssl); if it should offer "
				         "STARTTLS, a firewall or antivirus on the way may be removing it. smtp.encryption=none "
				         "sends without encryption - only on a trusted network.",
				         f->port);
			}
			return;
		}
		if (hint_certificate(e, f, h, hl)) {
			return;
		}
		if (code >= 400) {
			snprintf(h, hl,
			         "The server refused STARTTLS: it may be misconfigured or overloaded; try "
			         "smtp.encryption=ssl on port 465.");
		}
		return;
	case SMTP_STAGE_AUTH:
		if (e->cause == SMTP_CAUSE_NO_AUTH) {
			if (f->tls_active) {
				snprintf(h, hl,
				         "The server offers no AUTH on port %d even over TLS, so it is probably not a "
				         "submission port: use the provider's submission port (587 with smtp.encryption=tls, or "
				         "465 with ssl), or leave smtp.username empty if this server accepts mail from this "
				         "machine without a login.",
				         f->port);
			} else if (f->starttls_offered) {
				snprintf(h, hl, "The server offers AUTH only after STARTTLS: set smtp.encryption=tls (or auto).");
			} else {
				snprintf(h, hl,
				         "The server on port %d offers neither AUTH nor STARTTLS: use its submission port "
				         "(587 with smtp.encryption=tls, or 465 with ssl), or leave smtp.username empty if it "
				         "accepts mail without a login.",
				         f->port);
			}
			return;
		}
		if (e->cause == SMTP_CAUSE_INSECURE_AUTH) {
			snprintf(h, hl,
			         "Set smtp.encryption=tls (port 587) or ssl (port 465) so the password travels "
			         "encrypted; smtp.allow_insecure_auth=1 only on a trusted network.");
			return;
		}
		if (e->cause == SMTP_CAUSE_NO_MECH) {
			snprintf(h, hl, "Set smtp.auth=auto, or to one of the mechanisms the server offers.");
			return;
		}
		hint_auth_reply(e, f, text, h, hl);
		return;
	case SMTP_STAGE_MAIL:
		if (strcmp(enh, "5.7.30") == 0 || strcmp(enh, "5.7.139") == 0) {
			hint_auth_reply(e, f, text, h, hl); /* Microsoft refuses basic AUTH at MAIL FROM too */
			return;
		}
		if (code == 530 || strcmp(enh, "5.7.0") == 0) {
			if (contains_ci(text, "STARTTLS") || contains_ci(text, "TLS")) {
				snprintf(h, hl, "The server accepts mail only over TLS: set smtp.encryption=tls (or auto).");
				return;
			}
			if (!f->auth_mech || !f->auth_mech[0]) {
				snprintf(h, hl, "The server accepts mail only after a login: set smtp.username and smtp.password.");
				return;
			}
		}
		if (code == 552 || strcmp(enh, "5.3.4") == 0) {
			snprintf(h, hl,
			         "The message is larger than the server accepts: send a smaller message (fewer or "
			         "smaller attachments).");
			return;
		}
		if (code >= 500) {
			snprintf(h, hl,
			         "The server refused the sender address: set smtp.from (or mail()'s -f sender) to an "
			         "address this account may send as - usually the login's own address or a verified alias, "
			         "in a domain that exists.");
		} else if (code >= 400) {
			snprintf(h, hl,
			         "The server refused the sender for now (a temporary failure, such as a rate limit or "
			         "a DNS check of the sender's domain): try again later.");
		}
		return;
	case SMTP_STAGE_RCPT:
		if (code >= 500 && (contains_ci(text, "relay") || (code == 554 && strcmp(enh, "5.7.1") == 0))) {
			if (!f->auth_mech || !f->auth_mech[0]) {
				snprintf(h, hl,
				         "The server relays mail to other domains only for clients that log in: set "
				         "smtp.username and smtp.password (on the submission port, 587 or 465), or ask the "
				         "server's administrator to allow this machine's address.");
			} else {
				snprintf(h, hl,
				         "The server does not let this account send to that recipient: check that smtp.from "
				         "is an address of this account (a foreign sender is often refused as relaying) and that "
				         "the account may send outside its own domain.");
			}
			return;
		}
		if (code >= 500) {
			snprintf(h, hl,
			         "The server refused the recipient%s: check the address for typos; other recipients "
			         "of the same message are not affected.",
			         (strcmp(enh, "5.1.1") == 0 || contains_ci(text, "unknown") || contains_ci(text, "does not exist"))
			             ? " (the mailbox does not exist)"
			             : "");
		} else if (code >= 400) {
			snprintf(h, hl,
			         "The server refused the recipient for now (greylisting, a full mailbox or a rate "
			         "limit): send the message again later.");
		}
		return;
	case SMTP_STAGE_DATA:
		if (code == 552 || strcmp(enh, "5.3.4") == 0) {
			snprintf(h, hl,
			         "The message is larger than the server accepts: send a smaller message (fewer or "
			         "smaller attachments).");
		} else if (code >= 500 && strncmp(enh, "5.7.", 4) == 0) {
			snprintf(h, hl,
			         "The server refused the message by policy (spam or content filter, or a sender this "
			         "account may not use): check smtp.from and the content.");
		}
		return;
	case SMTP_STAGE_DKIM:
		if (e->cause == SMTP_CAUSE_DKIM) {
			snprintf(h, hl,
			         "Nothing was sent: fix the DKIM settings (smtp.dkim_domain, smtp.dkim_selector, "
			         "smtp.dkim_private_key: a PEM private key, RSA of 2048 bits or Ed25519, readable by PHP, one "
			         "selector per key) or leave all three empty to send unsigned; smtp_check() reports the keys.");
		}
		return;
	default:
		return;
	}
}
