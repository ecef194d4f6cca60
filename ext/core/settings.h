/* Settings of one submission, already parsed and validated by the binding. Pure C. */
#ifndef SMTP_CORE_SETTINGS_H
#define SMTP_CORE_SETTINGS_H

#include <stddef.h>

typedef enum {
	SMTP_ENC_AUTO = 0, /* ssl on port 465, else STARTTLS when offered; required when credentials are set */
	SMTP_ENC_TLS,      /* STARTTLS, required */
	SMTP_ENC_SSL,      /* implicit TLS (RFC 8314) */
	SMTP_ENC_NONE
} smtp_encryption;

typedef enum {
	SMTP_AUTH_AUTO = 0, /* strongest the server offers among the ones we have */
	SMTP_AUTH_PLAIN,
	SMTP_AUTH_LOGIN,
	SMTP_AUTH_CRAM_MD5,
	SMTP_AUTH_XOAUTH2,
	SMTP_AUTH_NONE
} smtp_auth_mech;

typedef struct {
	const char *hosts; /* "a.example, b.example:2525, [::1]:587" (failover order) */
	int port;          /* 0: 465 for ssl, else 587; an entry's own port wins */
	smtp_encryption encryption;
	const char *username; /* "" or NULL: no AUTH */
	const char *password; /* the resolved secret (never logged) */
	smtp_auth_mech auth;
	const char *helo; /* "" or NULL: the machine's fully qualified name */
	int timeout_ms;   /* the whole budget of one attempt, connect to final reply */
	int verify_peer;
	const char *cafile; /* "" or NULL: the system store */
	int allow_insecure_auth;

	/* Not settings but what the caller keeps for the whole process and lends to each call: */
	struct smtp_tls_cache *tls_cache;   /* TLS contexts by (verify_peer, cafile); NULL: one for this call */
	struct smtp_local_name *local_name; /* this machine's EHLO name, worked out once; NULL: each call */
	struct smtp_pool *pool;             /* the process's pool (pool.h): its statistics, and with persistent
	                                     * the sessions kept for the next call; NULL: none */
	int persistent;                     /* keep sessions in the pool (smtp.persistent) */
	int max_messages;                   /* pool: messages per connection (smtp.max_messages) */
	int idle_timeout_ms;                /* pool: an idle connection older than this is closed */
	int max_age_ms;                     /* pool: a connection older than this is not used again */
	/* OAuth (oauth.c): with smtp.auth=xoauth2 and a provider, the access token comes from here instead of
	 * password; oauth_key (64 hex digits: provider, client, refresh token identity) goes into the
	 * session's key in its place. NULL: the password is the token. */
	const struct smtp_token_source *token_source;
	const char *oauth_key;
	int probe_ports; /* smtp_check()/smtp_test_send(): after a failed connect, which ports answer */
	/* DKIM: the keys the caller loaded (dkim.h, smtp.dkim_*), lent like the TLS cache; NULL: no signing */
	const struct smtp_dkim_signer *dkim;
} smtp_config;

/* Everything that identifies a session, as 64 hex digits (SHA-256): hosts, port, encryption, user, the
 * secret (only its hash ever leaves this function), auth, the EHLO name, verify_peer, cafile and
 * allow_insecure_auth. A session opened under one key is never used under another. */
void smtp_config_key(const smtp_config *cfg, const char *helo, char out[65]);

/* This machine's fully qualified name for EHLO (net.h smtp_local_fqdn), looked up at the first
 * submission within its deadline and then kept: known = 1, name = "" when the machine has none (EHLO
 * then sends the address literal of our end). */
typedef struct smtp_local_name {
	char name[256];
	int known;
} smtp_local_name;

/* Text <-> enum. Parsing accepts the aliases (starttls, smtps, implicit) and is
 * case-insensitive; returns 0 and sets *out, or -1 for an unknown value. */
int smtp_encryption_parse(const char *s, smtp_encryption *out);
const char *smtp_encryption_name(smtp_encryption e); /* "auto","tls","ssl","none" */
int smtp_auth_parse(const char *s, smtp_auth_mech *out);
const char *smtp_auth_name(smtp_auth_mech m); /* "auto","plain","login","cram-md5","xoauth2","none" */

/* smtp.encryption=auto on this port waits a short while for a greeting and then tries implicit TLS:
 * every port but 25, 587 and 2525 (where the server speaks first, in plain text) and 465 (implicit
 * TLS from the start). 1 or 0. */
int smtp_auto_detects_tls(int port);

/* One entry of the host list. */
typedef struct {
	char host[256]; /* without brackets */
	int port;       /* 0: not given */
} smtp_host_entry;

/* Splits cfg->hosts. Returns the number of entries (<= max), or -1 with a sentence in err
 * for a malformed entry (empty, bad port, unclosed bracket, too long). */
int smtp_host_list_parse(const char *hosts, smtp_host_entry *out, int max, char *err, size_t errlen);

/* Is this a usable EHLO name: a domain name (letters, digits, hyphens, labels of at most 63 octets,
 * at most 253 in all) or an address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]")? 1 or 0. */
int smtp_helo_valid(const char *name);
int smtp_domain_valid(const char *d);

#endif
