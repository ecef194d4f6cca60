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

static const char XOAUTH2_WAY[] = "OAuth (smtp.auth=xoauth2 with smtp.oauth_provider=microsoft, see docs/providers.md)";

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
	if ((code == 535 || code == 334) && f->auth_mech && strcmp(f->auth_mech, "XOAUTH2") == 0) {
		if (is_google(text)) {
			snprintf(h, hl,
			         "Gmail refused the OAuth access token: smtp.username must be the address of the Google "
			         "account that granted access, and the token's scope must include https://mail.google.com/ "
			         "(reconnect the account if it was granted another scope).");
		} else if (strcmp(enh, "5.7.3") == 0 || contains_ci(text, "Authentication unsuccessful")) {
			snprintf(h, hl,
			         "Microsoft 365 refused the OAuth access token (535 5.7.3): smtp.username must be the "
			         "mailbox the token was issued for (with client_credentials, a mailbox the app may send as); "
			         "SMTP AUTH must be on for that mailbox (Microsoft 365 admin center > the user > Mail > "
			         "Manage email apps > Authenticated SMTP); the token needs the SMTP.Send permission "
			         "(delegated) or SMTP.SendAsApp with the app registered in Exchange Online "
			         "(New-ServicePrincipal and Add-MailboxPermission).");
		} else {
			snprintf(h, hl,
			         "The server refused the OAuth access token: check that smtp.username is the account the "
			         "token was issued for and that the token's scope allows sending mail (smtp.oauth_scope).");
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

/* The token endpoint's certificate (stage oauth): its own words, since smtp.host is not the endpoint.
 * smtp.cafile, when set, is the only trust for the SMTP server and the token endpoint alike. */
static int hint_oauth_certificate(const smtp_err *e, char *h, size_t hl)
{
	static const char off[] = "smtp.verify_peer=0 turns the check off for the token endpoint too, for testing "
	                          "only: anyone on the way could then read the client secret and the refresh token.";
	static const char where[] = "smtp.oauth_token_url (or, when it is empty, the provider's token host: "
	                            "oauth2.googleapis.com, login.microsoftonline.com)";

	switch (e->cause) {
	case SMTP_CAUSE_CAFILE:
		snprintf(h, hl,
		         "smtp.cafile must name a readable PEM file of CA certificates; it is also what the OAuth token "
		         "endpoint is verified with: fix the path, or leave smtp.cafile empty to use the system's CA "
		         "store.");
		return 1;
	case SMTP_CAUSE_CERT_SELF_SIGNED:
		snprintf(h, hl,
		         "The OAuth token endpoint's certificate is self-signed, so nothing vouches for it: check %s - "
		         "a proxy that intercepts HTTPS also shows its own certificate; for an endpoint of your own, "
		         "set smtp.cafile to a PEM file with its certificate (smtp.cafile then also has to verify the "
		         "SMTP server). %s",
		         where, off);
		return 1;
	case SMTP_CAUSE_CERT_UNKNOWN_CA:
		snprintf(h, hl,
		         "The OAuth token endpoint's certificate was issued by a CA this machine does not trust: check "
		         "%s; behind an HTTPS-inspecting proxy or a private CA, set smtp.cafile to a PEM file with that "
		         "CA (and the CA of the SMTP server's certificate, since smtp.cafile replaces the system store "
		         "for both), or update the system's CA bundle (ca-certificates); if smtp.cafile is set for the "
		         "SMTP server only, add the public CAs to that file or leave it empty. %s",
		         where, off);
		return 1;
	case SMTP_CAUSE_CERT_NAME:
		snprintf(h, hl,
		         "The OAuth token endpoint's certificate is valid, but not for the host of %s: use the URL the "
		         "provider documents, with its host name (not an IP address or an alias of your own).",
		         where);
		return 1;
	case SMTP_CAUSE_CERT_DATES:
		snprintf(h, hl,
		         "The OAuth token endpoint's certificate is outside its validity dates: most often this "
		         "machine's clock is wrong (check the date and time); for an endpoint of your own, renew its "
		         "certificate.");
		return 1;
	case SMTP_CAUSE_CERT_OTHER:
	case SMTP_CAUSE_CA_STORE:
		snprintf(h, hl,
		         "The OAuth token endpoint's certificate could not be verified: check %s, and smtp.cafile (empty "
		         "uses the system's CA store). %s",
		         where, off);
		return 1;
	case SMTP_CAUSE_TLS_HANDSHAKE:
		snprintf(h, hl,
		         "The TLS handshake with the OAuth token endpoint failed: check %s (it must be an HTTPS endpoint "
		         "with TLS 1.2 or later); a proxy or firewall that intercepts HTTPS can also break it.",
		         where);
		return 1;
	default:
		return 0;
	}
}

/* The token endpoint's refusals and failures (stage oauth); text is "error: description". */
static int hint_oauth(const smtp_err *e, const char *text, char *h, size_t hl)
{
	int ms = contains_ci(text, "AADSTS");

	switch (e->cause) {
	case SMTP_CAUSE_OAUTH_NOT_BUILT:
		snprintf(
		    h, hl,
		    "This build of the extension has no OAuth token refresh: rebuild it with libcurl (libcurl4-openssl-dev, "
		    "without --without-smtp-oauth), or set smtp.oauth_provider empty and put an access token in "
		    "smtp.password.");
		return 1;
	case SMTP_CAUSE_OAUTH_INVALID_GRANT:
		if (contains_ci(text, "AADSTS700082") || contains_ci(text, "AADSTS70008")) {
			snprintf(h, hl,
			         "Microsoft says the refresh token expired because it was not used for too long (AADSTS700082): "
			         "connect the account again to get a new smtp.oauth_refresh_token.");
		} else if (contains_ci(text, "AADSTS50173") || contains_ci(text, "AADSTS50076")
		           || contains_ci(text, "AADSTS50079") || contains_ci(text, "AADSTS50158")) {
			snprintf(h, hl,
			         "Microsoft revoked the grant or asks for a new interactive sign-in (password change, "
			         "multi-factor or Conditional Access): connect the account again.");
		} else if (ms) {
			snprintf(h, hl,
			         "Microsoft refused the refresh token (revoked, expired or issued to another app or tenant): "
			         "connect the account again to get a new smtp.oauth_refresh_token.");
		} else {
			snprintf(h, hl,
			         "The refresh token was revoked or has expired (invalid_grant): connect the account again to get "
			         "a new smtp.oauth_refresh_token. With Google, an app whose OAuth consent screen is in Testing "
			         "status gets refresh tokens that expire after 7 days: publish the app (Google Cloud console > "
			         "OAuth consent screen > Publish app) so they keep working; a password change of the account "
			         "or removing the app's access also revokes them.");
		}
		return 1;
	case SMTP_CAUSE_OAUTH_INVALID_CLIENT:
		if (contains_ci(text, "AADSTS7000215")) {
			snprintf(h, hl,
			         "Microsoft says the client secret is wrong (AADSTS7000215): smtp.oauth_client_secret must be the "
			         "secret's Value (not its Secret ID) from the app registration > Certificates & secrets; create "
			         "a new one if it expired.");
		} else if (contains_ci(text, "AADSTS7000222")) {
			snprintf(h, hl,
			         "Microsoft says the client secret has expired (AADSTS7000222): create a new one under the app "
			         "registration > Certificates & secrets and set smtp.oauth_client_secret.");
		} else if (contains_ci(text, "AADSTS700016")) {
			snprintf(h, hl,
			         "Microsoft does not know this application in the directory (AADSTS700016): check "
			         "smtp.oauth_client_id (the Application (client) ID) and smtp.oauth_tenant.");
		} else {
			snprintf(h, hl,
			         "The token endpoint does not accept the client (invalid_client): check smtp.oauth_client_id "
			         "and smtp.oauth_client_secret against the app registration (Google Cloud console > "
			         "Credentials, or Microsoft Entra > App registrations).");
		}
		return 1;
	case SMTP_CAUSE_OAUTH_UNAUTHORIZED:
		snprintf(h, hl,
		         "The app registration does not allow this grant (unauthorized_client): for smtp.oauth_grant="
		         "client_credentials use a Microsoft app with the SMTP.SendAsApp application permission and admin "
		         "consent; for refresh_token the app must be a web app of the same provider the token came from.");
		return 1;
	case SMTP_CAUSE_OAUTH_CONSENT:
		snprintf(h, hl,
		         "The permission was not granted (%s): give the app the permission for SMTP (SMTP.Send, or "
		         "SMTP.SendAsApp for client_credentials) and have an administrator grant consent, then connect "
		         "the account again; check smtp.oauth_scope.",
		         contains_ci(text, "AADSTS65001") ? "AADSTS65001: consent required" : "consent or scope");
		return 1;
	case SMTP_CAUSE_OAUTH_ENDPOINT:
		snprintf(h, hl,
		         "The token endpoint did not give a token: check smtp.oauth_token_url (or the provider and "
		         "smtp.oauth_tenant) and the endpoint's words in the message.");
		return 1;
	case SMTP_CAUSE_OAUTH_UNAVAILABLE:
		snprintf(h, hl,
		         "The token endpoint (or a proxy on the way) is unavailable just now (HTTP 5xx, 429 or "
		         "temporarily_unavailable): a temporary failure - try again later; if it lasts, check the "
		         "provider's status page and any HTTPS proxy between this machine and the endpoint.");
		return 1;
	case SMTP_CAUSE_CONFIG:
		snprintf(h, hl,
		         "Set the OAuth settings: smtp.oauth_provider, smtp.oauth_client_id, smtp.oauth_client_secret and "
		         "smtp.oauth_refresh_token (docs/providers.md).");
		return 1;
	case SMTP_CAUSE_TIMEOUT:
		snprintf(h, hl,
		         "The token endpoint did not answer within smtp.timeout: check that this machine reaches it over "
		         "HTTPS (port 443; a proxy or firewall may block it).");
		return 1;
	case SMTP_CAUSE_RESOLVE:
	case SMTP_CAUSE_REFUSED:
	case SMTP_CAUSE_UNREACHABLE:
	case SMTP_CAUSE_CLOSED:
	case SMTP_CAUSE_IO:
		snprintf(h, hl,
		         "The token endpoint cannot be reached: check this machine's DNS and outgoing HTTPS (port 443), and "
		         "smtp.oauth_token_url if it is set.");
		return 1;
	default:
		return 0;
	}
}

/* The account may not use this sender (MAIL FROM, or RCPT TO when the server delays its sender check
 * to the recipient as Postfix does): Microsoft's send-as permission, Gmail's verified aliases, a server
 * that maps logins to their addresses. */
static int hint_send_as(const smtp_err *e, const char *text, char *h, size_t hl)
{
	if (e->code < 500) {
		return 0;
	}
	if (strcmp(e->enhanced, "5.7.60") == 0 || contains_ci(text, "permissions to send as")
	    || contains_ci(text, "SendAsDenied")) {
		snprintf(h, hl,
		         "Microsoft 365 does not let this account send as this sender: use the mailbox's own address as "
		         "the sender (smtp.from), or have an administrator grant the account Send As on that mailbox "
		         "(Exchange admin center > Recipients > Mailboxes > the mailbox > Delegation > Send as).");
		return 1;
	}
	if (contains_ci(text, "send mail as")
	    || (contains_ci(text, "alias") && (contains_ci(text, "verif") || contains_ci(text, "not ")))
	    || (is_google(text) && contains_ci(text, "sender") && !contains_ci(text, "Sender address rejected"))) {
		snprintf(h, hl,
		         "Gmail sends only as the account's own address or an alias added and verified under Settings > "
		         "Accounts > Send mail as (Google Workspace: an alias of the user or of the domain): verify the "
		         "alias, or use the account's address as the sender (smtp.from).");
		return 1;
	}
	if (contains_ci(text, "not owned by") || contains_ci(text, "Sender address rejected")
	    || contains_ci(text, "not authorized to send") || contains_ci(text, "not allowed to send")) {
		snprintf(h, hl,
		         "The server lets this login send only as the addresses it owns: use the login's own address (or "
		         "one of its aliases) as the sender (smtp.from), or ask the server's administrator to allow this "
		         "sender for smtp.username.");
		return 1;
	}
	return 0;
}

/* The setting that goes with a port: "smtp.port=465 and smtp.encryption=ssl". */
static const char *port_advice(int port)
{
	switch (port) {
	case 465:
		return "smtp.port=465 and smtp.encryption=ssl (implicit TLS)";
	case 587:
		return "smtp.port=587 and smtp.encryption=tls (STARTTLS)";
	default:
		return "smtp.port=2525 and smtp.encryption=tls (STARTTLS)";
	}
}

/* The common ports other than the asked one, "465, 587 and 2525" (conj "and" or "or"). */
static void other_ports(int asked, const char *conj, char *out, size_t outlen)
{
	static const int common[] = {465, 587, 2525};
	int list[3], n = 0, i;
	size_t k, l;

	for (k = 0; k < sizeof(common) / sizeof(common[0]); k++) {
		if (common[k] != asked) {
			list[n++] = common[k];
		}
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		l = strlen(out);
		snprintf(out + l, outlen - l, "%s%d",
		         i == 0 ? "" : (i == n - 1 ? (strcmp(conj, "or") == 0 ? " or " : " and ") : ", "), list[i]);
	}
}

/* A connect failed and the ports were probed (f->ports): say which of them this machine reaches. */
static int hint_ports(const smtp_err *e, const smtp_hint_facts *f, char *h, size_t hl)
{
	static const int prefer[] = {587, 465, 2525};
	const smtp_port_report *r = f->ports;
	const char *why;
	char also[80] = "", and_list[32], or_list[32];
	int best = 0, others = 0, refused = 0, i;
	size_t k;

	if (!r || r->n == 0) {
		return 0;
	}
	if (smtp_port_report_get(r, f->port) == SMTP_PORT_OPEN) {
		snprintf(h, hl,
		         "Port %d of %s accepts connections now (the failure did not last): try again; if it keeps "
		         "failing, something on the way drops some of the connections.",
		         f->port, f->host);
		return 1;
	}
	for (k = 0; k < sizeof(prefer) / sizeof(prefer[0]); k++) {
		if (prefer[k] == f->port || smtp_port_report_get(r, prefer[k]) != SMTP_PORT_OPEN) {
			continue;
		}
		if (!best) {
			best = prefer[k];
		} else {
			size_t l = strlen(also);
			snprintf(also + l, sizeof(also) - l, " Port %d is open too.", prefer[k]);
		}
	}
	for (i = 0; i < r->n; i++) {
		if (r->port[i] != f->port) {
			others++;
			refused += r->state[i] == SMTP_PORT_REFUSED;
		}
	}
	other_ports(f->port, "and", and_list, sizeof(and_list));
	other_ports(f->port, "or", or_list, sizeof(or_list));
	why = e->cause == SMTP_CAUSE_REFUSED       ? "refuses connections"
	      : e->cause == SMTP_CAUSE_UNREACHABLE ? "is unreachable from here"
	                                           : "is blocked here";
	if (best) {
		snprintf(h, hl, "Port %d %s, but %d is open on %s: set %s.%s", f->port, why, best, f->host, port_advice(best),
		         also);
	} else if (e->cause == SMTP_CAUSE_UNREACHABLE) {
		snprintf(h, hl,
		         "This machine has no route to %s (none of %s is reachable either): check smtp.host and this "
		         "machine's network.",
		         f->host, and_list);
	} else if (others > 0 && refused == others && e->cause != SMTP_CAUSE_REFUSED) {
		snprintf(h, hl,
		         "%s does not answer on port %d, and refuses connections on %s: the port is wrong, or a "
		         "firewall drops it - check smtp.host and smtp.port.",
		         f->host, f->port, and_list);
	} else if (others > 0 && refused == others) {
		snprintf(h, hl,
		         "%s refuses connections on port %d and on %s too: it is not a mail submission server (check "
		         "smtp.host), or its mail service is down.",
		         f->host, f->port, and_list);
	} else {
		snprintf(h, hl,
		         "%s does not answer on port %d, nor on %s: a firewall drops the connections (often "
		         "the hosting provider's, for outgoing mail) or the host is down - ask the hosting provider to "
		         "open port 587 or 465, or check smtp.host.",
		         f->host, f->port, or_list);
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
	case SMTP_STAGE_OAUTH:
		if (!hint_oauth(e, text, h, hl)) {
			hint_oauth_certificate(e, h, hl);
		}
		return;
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
		} else if ((e->cause == SMTP_CAUSE_REFUSED || e->cause == SMTP_CAUSE_TIMEOUT
		            || e->cause == SMTP_CAUSE_UNREACHABLE)
		           && hint_ports(e, f, h, hl)) {
			return;
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
		if (code == 0 && e->cause == SMTP_CAUSE_SILENT && f->mode == SMTP_ENC_AUTO && smtp_auto_detects_tls(f->port)) {
			snprintf(h, hl,
			         "The server on port %d sent no greeting, and a TLS handshake on a second connection got no "
			         "answer either (smtp.encryption=auto tries both): it is overloaded or not an SMTP server - "
			         "check smtp.host and smtp.port.",
			         f->port);
		} else if (code == 0 && e->cause == SMTP_CAUSE_SILENT && !implicit) {
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
		if (e->cause == SMTP_CAUSE_TLS_HANDSHAKE) {
			snprintf(h, hl,
			         "The server ended the TLS handshake on port %d: it may offer only TLS versions or ciphers "
			         "older than TLS 1.2 (which this extension refuses), or its TLS set-up is broken (a "
			         "certificate it cannot load, a load balancer in front of it). Try the provider's other "
			         "submission port (587 with smtp.encryption=tls, 465 with ssl); with smtp.spool_dir set, "
			         "the message is queued and retried.",
			         f->port);
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
		if (hint_send_as(e, text, h, hl)) {
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
		if (!contains_ci(text, "relay") && hint_send_as(e, text, h, hl)) {
			return;
		}
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
