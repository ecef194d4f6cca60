/* OAuth 2.0 access tokens for XOAUTH2 (RFC 6749): the token request of each grant (refresh_token,
 * client_credentials, authorization_code with PKCE), the token endpoint's answer read with json.c and
 * typed (invalid_grant, invalid_client, Microsoft's AADSTS codes ...), a per-process cache of access
 * tokens until shortly before they expire, a rotated refresh token written back to its file, and the
 * token source auth.h asks. The HTTPS POST itself is oauth_curl.c's (libcurl), behind a function
 * pointer a unit test replaces. Secrets (client secret, refresh and access tokens) are wiped after use
 * and never written into a sentence. Pure C. */
#ifndef SMTP_CORE_OAUTH_H
#define SMTP_CORE_OAUTH_H

#include <stddef.h>
#include <stdint.h>
#include "auth.h"
#include "buf.h"
#include "error.h"

#define SMTP_OAUTH_TOKEN_MAX   8192  /* an access or refresh token (Microsoft's JWTs run to ~3 KB) */
#define SMTP_OAUTH_ANSWER_MAX  65536 /* the endpoint's whole answer */
#define SMTP_OAUTH_SKEW_S      60    /* a cached token is used until this long before it expires */
#define SMTP_OAUTH_CACHE_SLOTS 8     /* identities kept per process */

typedef enum {
	SMTP_OAUTH_NONE = 0, /* smtp.oauth_provider empty: the password is the access token */
	SMTP_OAUTH_GOOGLE,
	SMTP_OAUTH_MICROSOFT,
	SMTP_OAUTH_CUSTOM
} smtp_oauth_provider;

typedef enum {
	SMTP_OAUTH_GRANT_REFRESH_TOKEN = 0,
	SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS,
	SMTP_OAUTH_GRANT_AUTHORIZATION_CODE /* smtp_oauth_exchange() only */
} smtp_oauth_grant;

/* "" is NONE / refresh_token; case-insensitive; 0, or -1 for an unknown name. */
int smtp_oauth_provider_parse(const char *s, smtp_oauth_provider *out);
const char *smtp_oauth_provider_name(smtp_oauth_provider p); /* "", "google", "microsoft", "custom" */
int smtp_oauth_grant_parse(const char *s, smtp_oauth_grant *out);
const char *smtp_oauth_grant_name(smtp_oauth_grant g); /* "refresh_token", "client_credentials" ... */

/* One HTTPS POST of a form (oauth_curl.c, or a test's). Returns 0 when an HTTP answer came (any
 * status: status and body filled), -1 when none did (cause and err say why: resolve, refused, timeout,
 * certificate ...; err never holds the form). The whole exchange ends by the deadline. */
typedef struct {
	const char *url;
	const char *form;
	size_t form_len;
	int verify_peer;
	const char *cafile; /* "" or NULL: the system store */
	int64_t deadline;   /* smtp_now_ms() clock */
} smtp_http_request;

typedef struct {
	long status;
	smtp_buf body; /* limit SMTP_OAUTH_ANSWER_MAX; the caller wipes it */
	smtp_cause cause;
	char err[300];
} smtp_http_response;

typedef int (*smtp_http_post_fn)(void *ctx, const smtp_http_request *rq, smtp_http_response *rs);

/* oauth_curl.c: libcurl's POST; built = 0 with --without-smtp-oauth (then every POST fails with
 * SMTP_CAUSE_OAUTH_NOT_BUILT). global_init/cleanup: once per process (the binding's MINIT/MSHUTDOWN). */
int smtp_http_post_curl(void *ctx, const smtp_http_request *rq, smtp_http_response *rs);
int smtp_oauth_built(void);
const char *smtp_oauth_library(void); /* "libcurl/7.88.1 OpenSSL/3.0.x ..." or "not built" */
int smtp_oauth_global_init(void);
void smtp_oauth_global_cleanup(void);

/* What a token request needs; the strings belong to the caller. */
typedef struct {
	smtp_oauth_provider provider;
	smtp_oauth_grant grant;
	const char *client_id;
	const char *client_secret;  /* resolved; "" for a public client */
	const char *refresh_token;  /* resolved (refresh_token grant) */
	const char *refresh_source; /* the setting as written ("file:/p", "env:N" or the literal): the
	                             * identity of the refresh token in the cache key, which a rotation keeps */
	const char *refresh_file;   /* the path when the setting is file:/path: a rotated token goes there */
	const char *token_url;      /* "" : the provider's */
	const char *tenant;         /* microsoft; "" : common (not for client_credentials) */
	const char *scope;          /* "" : the provider's default for the grant */
	const char *code, *code_verifier, *redirect_uri; /* authorization_code */
	int verify_peer;
	const char *cafile;
	smtp_http_post_fn post; /* NULL: smtp_http_post_curl */
	void *post_ctx;
} smtp_oauth_config;

/* The token endpoint: token_url, else Google's, else Microsoft's for the tenant. -1 with a sentence
 * (custom without smtp.oauth_token_url, a tenant that is not a name, client_credentials with the
 * common tenant, a URL that is not https://). */
int smtp_oauth_endpoint(const smtp_oauth_config *o, char *url, size_t urllen, char *why, size_t whylen);
/* The host of an URL, for sentences ("login.microsoftonline.com"). */
void smtp_oauth_url_host(const char *url, char *out, size_t outlen);
/* The scope sent: smtp.oauth_scope, else the provider's default for the grant ("" : none is sent). */
const char *smtp_oauth_scope(const smtp_oauth_config *o);
/* The form of the token request (application/x-www-form-urlencoded); out is wiped by the caller. */
int smtp_oauth_form(const smtp_oauth_config *o, smtp_buf *out);

/* The endpoint's answer, read. */
typedef struct {
	char access_token[SMTP_OAUTH_TOKEN_MAX];
	char refresh_token[SMTP_OAUTH_TOKEN_MAX];
	char token_type[32];
	char scope[1024];
	char error[64];
	char error_description[512];
	long long expires_in; /* 0 when not given */
} smtp_oauth_answer;

/* Reads an answer of HTTP status `status`. 0 for a token answer (access_token, or refresh_token for an
 * authorization code); -1 otherwise with f filled: the cause from error (and the AADSTS code in
 * error_description), a sentence naming host, words = "error: description". */
int smtp_oauth_read_answer(long status, const char *body, size_t len, const char *host, int want_refresh,
                           smtp_oauth_answer *a, smtp_token_failure *f);
void smtp_oauth_answer_wipe(smtp_oauth_answer *a);

/* The cache of access tokens of this process (the binding keeps one in its module globals). */
typedef struct smtp_token_cache smtp_token_cache;
smtp_token_cache *smtp_token_cache_new(void);
void smtp_token_cache_free(smtp_token_cache *c); /* wipes every token */

/* The identity of o's token as 64 hex digits: provider, endpoint, client id, scope, grant and the
 * refresh token's source (a literal only as its hash). No secret can be read back from it. */
void smtp_oauth_key(const smtp_oauth_config *o, char out[65]);

typedef struct {
	int cached;               /* an access token is kept and not within SMTP_OAUTH_SKEW_S of its expiry */
	long long valid_until;    /* unix time the kept token is used until, 0 when none */
	long long last_refresh;   /* unix time of the last token the endpoint gave, 0 when none */
	char last_error[700];     /* the last failure's sentence, "" when the last request succeeded */
	char last_error_code[64]; /* its code: "invalid_grant", or the cause's name ("timeout") */
} smtp_token_status;

/* What the cache knows of key (no network). */
void smtp_token_cache_status(smtp_token_cache *c, const char *key, smtp_token_status *st);

/* An access token for o into out: the cached one unless force or about to expire, else a new one from
 * the endpoint (kept in c). A rotated refresh token is written back to o->refresh_file (a temporary
 * file in the same directory, the same mode, then rename), else kept in c for the next refresh; note
 * gets a line for the transcript ("" when nothing to say). 0, or -1 with f. c may be NULL (no cache). */
int smtp_oauth_token(smtp_token_cache *c, const smtp_oauth_config *o, int force, int64_t deadline, smtp_buf *out,
                     smtp_token_failure *f, char *note, size_t notelen);

/* The authorization-code exchange (PKCE, RFC 7636): o->code, code_verifier, redirect_uri. 0 with a
 * filled (refresh_token, expires_in, scope), or -1 with f. */
int smtp_oauth_exchange_code(const smtp_oauth_config *o, int64_t deadline, smtp_oauth_answer *a, smtp_token_failure *f);

/* A token source (auth.h) over a cache and a configuration, both kept by the caller for the call. */
typedef struct {
	smtp_token_cache *cache;
	const smtp_oauth_config *o;
} smtp_oauth_source_ctx;
void smtp_oauth_source(smtp_token_source *src, smtp_oauth_source_ctx *ctx);

#endif
