/* OAuth 2.0 access tokens. Pure C (OpenSSL for the cache key's hash). */
#include "oauth.h"

#include "clock.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

static const char *const provider_names[] = {"", "google", "microsoft", "custom"};
static const char *const grant_names[] = {"refresh_token", "client_credentials", "authorization_code"};

int smtp_oauth_provider_parse(const char *s, smtp_oauth_provider *out)
{
	size_t i;

	s = s ? s : "";
	for (i = 0; i < sizeof(provider_names) / sizeof(provider_names[0]); i++) {
		if (strcasecmp(s, provider_names[i]) == 0) {
			*out = (smtp_oauth_provider)i;
			return 0;
		}
	}
	return -1;
}

const char *smtp_oauth_provider_name(smtp_oauth_provider p)
{
	return (int)p >= 0 && (size_t)p < sizeof(provider_names) / sizeof(provider_names[0]) ? provider_names[p] : "";
}

int smtp_oauth_grant_parse(const char *s, smtp_oauth_grant *out)
{
	if (!s || !*s || strcasecmp(s, "refresh_token") == 0) {
		*out = SMTP_OAUTH_GRANT_REFRESH_TOKEN;
		return 0;
	}
	if (strcasecmp(s, "client_credentials") == 0) {
		*out = SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS;
		return 0;
	}
	return -1;
}

const char *smtp_oauth_grant_name(smtp_oauth_grant g)
{
	return (int)g >= 0 && (size_t)g < sizeof(grant_names) / sizeof(grant_names[0]) ? grant_names[g] : "";
}

static const char *str(const char *s)
{
	return s ? s : "";
}

/* ---- the request ------------------------------------------------------------------------------ */

#define GOOGLE_TOKEN_URL "https://oauth2.googleapis.com/token"

/* A tenant is a GUID or a domain name ("contoso.onmicrosoft.com"), or common/organizations/consumers. */
static int tenant_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 253) {
		return 0;
	}
	for (; *t; t++) {
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') || *t == '-'
		      || *t == '.')) {
			return 0;
		}
	}
	return 1;
}

int smtp_oauth_endpoint(const smtp_oauth_config *o, char *url, size_t urllen, char *why, size_t whylen)
{
	const char *tenant = str(o->tenant);

	url[0] = '\0';
	if (str(o->token_url)[0]) {
		if (strncasecmp(o->token_url, "https://", 8) != 0 || strlen(o->token_url) >= urllen) {
			snprintf(why, whylen, "smtp.oauth_token_url must be an https:// URL of at most %zu bytes", urllen - 1);
			return -1;
		}
		smtp_copy_str(url, urllen, o->token_url);
		return 0;
	}
	switch (o->provider) {
	case SMTP_OAUTH_GOOGLE:
		smtp_copy_str(url, urllen, GOOGLE_TOKEN_URL);
		return 0;
	case SMTP_OAUTH_MICROSOFT:
		if (!tenant[0]) {
			if (o->grant == SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS) {
				snprintf(why, whylen,
				         "smtp.oauth_tenant must name the directory (its tenant ID or a domain such as "
				         "contoso.onmicrosoft.com) for client_credentials: the common endpoint has no "
				         "application permissions");
				return -1;
			}
			tenant = "common";
		}
		if (!tenant_ok(tenant)) {
			snprintf(why, whylen, "smtp.oauth_tenant must be a tenant ID, a domain name or common");
			return -1;
		}
		if (o->grant == SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS
		    && (strcasecmp(tenant, "common") == 0 || strcasecmp(tenant, "organizations") == 0
		        || strcasecmp(tenant, "consumers") == 0)) {
			snprintf(why, whylen,
			         "smtp.oauth_tenant \"%s\" cannot be used for client_credentials: name the directory (its "
			         "tenant ID or a domain such as contoso.onmicrosoft.com)",
			         tenant);
			return -1;
		}
		snprintf(url, urllen, "https://login.microsoftonline.com/%s/oauth2/v2.0/token", tenant);
		return 0;
	case SMTP_OAUTH_CUSTOM:
		snprintf(why, whylen, "smtp.oauth_provider is custom but smtp.oauth_token_url is empty");
		return -1;
	default:
		snprintf(why, whylen, "smtp.oauth_provider is not set");
		return -1;
	}
}

void smtp_oauth_url_host(const char *url, char *out, size_t outlen)
{
	const char *p = strstr(str(url), "://");
	size_t n;

	p = p ? p + 3 : str(url);
	n = strcspn(p, "/?#");
	if (memchr(p, '@', n)) { /* user:password@ never appears in a sentence */
		const char *at = memchr(p, '@', n);
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (n >= outlen) {
		n = outlen - 1;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

const char *smtp_oauth_scope(const smtp_oauth_config *o)
{
	if (str(o->scope)[0]) {
		return o->scope;
	}
	switch (o->provider) {
	case SMTP_OAUTH_GOOGLE:
		/* Google's refresh keeps the scopes granted at consent; sending them again is not needed */
		return o->grant == SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS ? "https://mail.google.com/" : "";
	case SMTP_OAUTH_MICROSOFT:
		return o->grant == SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS ? "https://outlook.office365.com/.default"
		                                                       : "https://outlook.office.com/SMTP.Send offline_access";
	default:
		return "";
	}
}

/* application/x-www-form-urlencoded (the HTML form encoding: space as '+'). */
static int put_field(smtp_buf *b, const char *name, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (b->len && smtp_buf_putc(b, '&') != 0) {
		return -1;
	}
	if (smtp_buf_puts(b, name) != 0 || smtp_buf_putc(b, '=') != 0) {
		return -1;
	}
	for (p = (const unsigned char *)str(v); *p; p++) {
		int rc;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'
		    || *p == '_' || *p == '*') {
			rc = smtp_buf_putc(b, (char)*p);
		} else if (*p == ' ') {
			rc = smtp_buf_putc(b, '+');
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			rc = smtp_buf_append(b, e, 3);
		}
		if (rc != 0) {
			return -1;
		}
	}
	return 0;
}

int smtp_oauth_form(const smtp_oauth_config *o, smtp_buf *out)
{
	const char *scope = smtp_oauth_scope(o);
	int rc = put_field(out, "grant_type", smtp_oauth_grant_name(o->grant));

	rc = rc || put_field(out, "client_id", o->client_id);
	if (str(o->client_secret)[0]) {
		rc = rc || put_field(out, "client_secret", o->client_secret);
	}
	switch (o->grant) {
	case SMTP_OAUTH_GRANT_REFRESH_TOKEN:
		rc = rc || put_field(out, "refresh_token", o->refresh_token);
		break;
	case SMTP_OAUTH_GRANT_AUTHORIZATION_CODE:
		rc = rc || put_field(out, "code", o->code);
		if (str(o->code_verifier)[0]) {
			rc = rc || put_field(out, "code_verifier", o->code_verifier);
		}
		rc = rc || put_field(out, "redirect_uri", o->redirect_uri);
		break;
	default:
		break;
	}
	if (scope[0]) {
		rc = rc || put_field(out, "scope", scope);
	}
	return rc ? -1 : 0;
}

/* ---- the answer ------------------------------------------------------------------------------- */

void smtp_oauth_answer_wipe(smtp_oauth_answer *a)
{
	smtp_memzero(a, sizeof(*a));
}

/* A token goes into the XOAUTH2 line: visible ASCII only. */
static int token_ok(const char *t)
{
	if (!*t) {
		return 0;
	}
	for (; *t; t++) {
		if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7e) {
			return 0;
		}
	}
	return 1;
}

/* Text for a sentence: printable ASCII, bounded (the endpoint's words may be anything). */
static void clean_copy(char *out, size_t outlen, const char *in)
{
	size_t n = 0;

	for (; *in && n + 1 < outlen; in++) {
		unsigned char c = (unsigned char)*in;
		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : ' ';
	}
	out[n] = '\0';
	/* Microsoft appends "Trace ID: ... Correlation ID: ... Timestamp: ..." after a line break: the first
	 * sentence carries the AADSTS code */
	{
		char *t = strstr(out, " Trace ID:");
		if (t) {
			*t = '\0';
		}
	}
	n = strlen(out);
	while (n > 0 && out[n - 1] == ' ') {
		out[--n] = '\0';
	}
}

static smtp_cause cause_of(const char *error, const char *desc)
{
	/* Microsoft's AADSTS codes say more than the OAuth error */
	if (strstr(desc, "AADSTS65001") || strstr(desc, "AADSTS65004") || strstr(desc, "AADSTS90094")) {
		return SMTP_CAUSE_OAUTH_CONSENT;
	}
	if (strstr(desc, "AADSTS7000215") || strstr(desc, "AADSTS7000222") || strstr(desc, "AADSTS700016")) {
		return SMTP_CAUSE_OAUTH_INVALID_CLIENT;
	}
	if (strcmp(error, "invalid_grant") == 0) {
		return SMTP_CAUSE_OAUTH_INVALID_GRANT;
	}
	if (strcmp(error, "invalid_client") == 0) {
		return SMTP_CAUSE_OAUTH_INVALID_CLIENT;
	}
	if (strcmp(error, "unauthorized_client") == 0 || strcmp(error, "unsupported_grant_type") == 0
	    || strcmp(error, "access_denied") == 0) {
		return SMTP_CAUSE_OAUTH_UNAUTHORIZED;
	}
	if (strcmp(error, "invalid_scope") == 0 || strcmp(error, "consent_required") == 0
	    || strcmp(error, "interaction_required") == 0) {
		return SMTP_CAUSE_OAUTH_CONSENT;
	}
	if (strcmp(error, "temporarily_unavailable") == 0 || strcmp(error, "server_error") == 0) {
		return SMTP_CAUSE_OAUTH_UNAVAILABLE;
	}
	return SMTP_CAUSE_OAUTH_ENDPOINT;
}

/* HTTP 5xx (the endpoint, or a proxy on the way, is down or overloaded) and 429 (slow down): a
 * temporary failure, worth a later retry. */
static int status_transient(long status)
{
	return status >= 500 || status == 429;
}

int smtp_oauth_read_answer(long status, const char *body, size_t len, const char *host, int want_refresh,
                           smtp_oauth_answer *a, smtp_token_failure *f)
{
	char jerr[128], desc[400], err[64], expires[32];
	smtp_json_field fields[] = {
	    {"access_token", a->access_token, sizeof(a->access_token), SMTP_JSON_ABSENT, 0},
	    {"refresh_token", a->refresh_token, sizeof(a->refresh_token), SMTP_JSON_ABSENT, 0},
	    {"token_type", a->token_type, sizeof(a->token_type), SMTP_JSON_ABSENT, 0},
	    {"scope", a->scope, sizeof(a->scope), SMTP_JSON_ABSENT, 0},
	    {"error", a->error, sizeof(a->error), SMTP_JSON_ABSENT, 0},
	    {"error_description", a->error_description, sizeof(a->error_description), SMTP_JSON_ABSENT, 0},
	    {"expires_in", expires, sizeof(expires), SMTP_JSON_ABSENT, 0}, /* a number, or digits as a string */
	};
	int parsed;

	memset(f, 0, sizeof(*f));
	memset(a, 0, sizeof(*a));
	parsed = smtp_json_object_fields(body, len, fields, sizeof(fields) / sizeof(fields[0]), jerr, sizeof(jerr));
	if (parsed == 0 && (fields[6].type == SMTP_JSON_NUMBER || fields[6].type == SMTP_JSON_STRING)) {
		/* bounded: a day at most (the cache's arithmetic never overflows; providers give an hour); a
		 * negative lifetime means nothing and counts as absent */
		a->expires_in = fields[6].num > 86400 ? 86400 : fields[6].num < 0 ? 0 : fields[6].num;
	}
	if (parsed != 0) {
		/* nothing of a token can be trusted from a broken answer */
		smtp_oauth_answer_wipe(a);
		f->cause = status_transient(status) ? SMTP_CAUSE_OAUTH_UNAVAILABLE : SMTP_CAUSE_OAUTH_ENDPOINT;
		if (status >= 200 && status < 300) {
			snprintf(f->sentence, sizeof(f->sentence),
			         "OAuth token request to %s failed: the answer is not a token "
			         "response (%s)",
			         host, jerr);
		} else {
			snprintf(f->sentence, sizeof(f->sentence),
			         "OAuth token request to %s failed: HTTP %ld (the answer is not JSON: %s)", host, status,
			         status_transient(status) ? "the endpoint, or a proxy on the way, is unavailable just now"
			                                  : "perhaps a proxy's or a firewall's page");
		}
		snprintf(f->words, sizeof(f->words), "HTTP %ld", status);
		return -1;
	}
	if (status >= 200 && status < 300 && !a->error[0]) {
		int ok = want_refresh ? token_ok(a->refresh_token) && (!a->access_token[0] || token_ok(a->access_token))
		                      : token_ok(a->access_token) && (!a->refresh_token[0] || token_ok(a->refresh_token));
		if (ok && (!a->token_type[0] || strcasecmp(a->token_type, "bearer") == 0)) {
			return 0;
		}
		f->cause = SMTP_CAUSE_OAUTH_ENDPOINT;
		snprintf(f->sentence, sizeof(f->sentence),
		         "OAuth token request to %s failed: the answer has no usable %s%s (token_type \"%.20s\")", host,
		         want_refresh ? "refresh_token" : "access_token",
		         want_refresh ? " (was offline access asked for?)" : "", a->token_type);
		smtp_oauth_answer_wipe(a);
		return -1;
	}
	clean_copy(err, sizeof(err), a->error[0] ? a->error : "no error code");
	clean_copy(desc, sizeof(desc), a->error_description);
	f->cause = a->error[0] ? cause_of(a->error, a->error_description) : SMTP_CAUSE_OAUTH_ENDPOINT;
	if (f->cause == SMTP_CAUSE_OAUTH_ENDPOINT && status_transient(status)) {
		f->cause = SMTP_CAUSE_OAUTH_UNAVAILABLE;
	}
	snprintf(f->words, sizeof(f->words), "%s%s%s", err, desc[0] ? ": " : "", desc);
	snprintf(f->sentence, sizeof(f->sentence), "OAuth token request to %s refused (HTTP %ld): %s", host, status,
	         f->words);
	/* keep the error code for status(), nothing else */
	{
		char keep_err[64];
		smtp_copy_str(keep_err, sizeof(keep_err), err);
		smtp_oauth_answer_wipe(a);
		smtp_copy_str(a->error, sizeof(a->error), keep_err);
	}
	return -1;
}

/* ---- one POST ----------------------------------------------------------------------------------- */

static int post_form(const smtp_oauth_config *o, const char *url, const char *host, int64_t deadline, int want_refresh,
                     smtp_oauth_answer *a, smtp_token_failure *f)
{
	smtp_http_request rq;
	smtp_http_response rs;
	smtp_buf form;
	int rc;

	memset(f, 0, sizeof(*f));
	memset(a, 0, sizeof(*a)); /* a failure before any answer leaves it empty (remember_failure reads error) */
	smtp_buf_init(&form, SMTP_OAUTH_ANSWER_MAX);
	if (smtp_oauth_form(o, &form) != 0) {
		smtp_buf_wipe(&form);
		f->cause = SMTP_CAUSE_CONFIG;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth token request to %s not sent: the credentials are too long",
		         host);
		return -1;
	}
	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	rq.form = form.data ? form.data : "";
	rq.form_len = form.len;
	rq.verify_peer = o->verify_peer;
	rq.cafile = o->cafile;
	rq.deadline = deadline;
	memset(&rs, 0, sizeof(rs));
	smtp_buf_init(&rs.body, SMTP_OAUTH_ANSWER_MAX);
	rc = (o->post ? o->post : smtp_http_post_curl)(o->post_ctx, &rq, &rs);
	smtp_buf_wipe(&form);
	if (rc != 0 && rs.cause == SMTP_CAUSE_OAUTH_NOT_BUILT) {
		f->cause = rs.cause;
		snprintf(f->sentence, sizeof(f->sentence),
		         "OAuth token request to %s not sent: this smtp extension was built without OAuth (configured "
		         "with --without-smtp-oauth), so it cannot fetch access tokens",
		         host);
		smtp_buf_wipe(&rs.body);
		return -1;
	}
	if (rc != 0) {
		f->cause = rs.cause ? rs.cause : SMTP_CAUSE_IO;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth token request to %s failed: %s", host,
		         rs.err[0] ? rs.err : "no answer");
		smtp_buf_wipe(&rs.body);
		return -1;
	}
	rc = smtp_oauth_read_answer(rs.status, rs.body.data ? rs.body.data : "", rs.body.len, host, want_refresh, a, f);
	smtp_buf_wipe(&rs.body);
	return rc;
}

/* ---- the cache ------------------------------------------------------------------------------------ */

typedef struct {
	char key[65];
	char *access_token; /* malloc'd, wiped when replaced or freed */
	char *refresh;      /* a rotated refresh token that could not be written back, or NULL */
	long long valid_until, last_refresh, used;
	char last_error[700];
	char last_error_code[64];
} slot;

struct smtp_token_cache {
	slot s[SMTP_OAUTH_CACHE_SLOTS];
	long long tick;
};

smtp_token_cache *smtp_token_cache_new(void)
{
	return calloc(1, sizeof(smtp_token_cache));
}

static void wipe_str(char **p)
{
	if (*p) {
		smtp_memzero(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

void smtp_token_cache_free(smtp_token_cache *c)
{
	int i;

	if (!c) {
		return;
	}
	for (i = 0; i < SMTP_OAUTH_CACHE_SLOTS; i++) {
		wipe_str(&c->s[i].access_token);
		wipe_str(&c->s[i].refresh);
	}
	smtp_memzero(c, sizeof(*c));
	free(c);
}

static void key_part(EVP_MD_CTX *md, const char *name, const char *v)
{
	v = str(v);
	EVP_DigestUpdate(md, name, strlen(name) + 1);
	EVP_DigestUpdate(md, v, strlen(v) + 1);
}

void smtp_oauth_key(const smtp_oauth_config *o, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char url[1024] = "", why[300];
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	memset(out, '0', 64);
	out[64] = '\0';
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		return;
	}
	if (smtp_oauth_endpoint(o, url, sizeof(url), why, sizeof(why)) != 0) {
		url[0] = '\0';
	}
	key_part(md, "provider", smtp_oauth_provider_name(o->provider));
	key_part(md, "grant", smtp_oauth_grant_name(o->grant));
	key_part(md, "endpoint", url);
	key_part(md, "client", o->client_id);
	key_part(md, "scope", smtp_oauth_scope(o));
	/* the refresh token by where it comes from: a rotation written back to the file keeps the key */
	key_part(md, "refresh", o->grant == SMTP_OAUTH_GRANT_REFRESH_TOKEN ? o->refresh_source : "");
	if (EVP_DigestFinal_ex(md, d, &n) == 1) {
		for (i = 0; i < n && i < 32; i++) {
			out[2 * i] = hex[d[i] >> 4];
			out[2 * i + 1] = hex[d[i] & 15];
		}
	}
	EVP_MD_CTX_free(md);
}

static slot *find(smtp_token_cache *c, const char *key, int make)
{
	int i, old = 0;

	for (i = 0; i < SMTP_OAUTH_CACHE_SLOTS; i++) {
		if (c->s[i].key[0] && strcmp(c->s[i].key, key) == 0) {
			c->s[i].used = ++c->tick;
			return &c->s[i];
		}
	}
	if (!make) {
		return NULL;
	}
	for (i = 0; i < SMTP_OAUTH_CACHE_SLOTS; i++) {
		if (!c->s[i].key[0]) {
			old = i;
			break;
		}
		if (c->s[i].used < c->s[old].used) {
			old = i;
		}
	}
	wipe_str(&c->s[old].access_token);
	wipe_str(&c->s[old].refresh);
	memset(&c->s[old], 0, sizeof(slot));
	smtp_copy_str(c->s[old].key, sizeof(c->s[old].key), key);
	c->s[old].used = ++c->tick;
	return &c->s[old];
}

void smtp_token_cache_status(smtp_token_cache *c, const char *key, smtp_token_status *st)
{
	slot *s = c ? find(c, key, 0) : NULL;

	memset(st, 0, sizeof(*st));
	if (!s) {
		return;
	}
	st->cached = s->access_token != NULL && (long long)time(NULL) < s->valid_until;
	st->valid_until = s->access_token ? s->valid_until : 0;
	st->last_refresh = s->last_refresh;
	smtp_copy_str(st->last_error, sizeof(st->last_error), s->last_error);
	smtp_copy_str(st->last_error_code, sizeof(st->last_error_code), s->last_error_code);
}

/* ---- writing a rotated refresh token back ------------------------------------------------------- */

static int write_back(const char *path, const char *token, char *why, size_t whylen)
{
	char tmp[4096];
	struct stat st;
	size_t n = strlen(token);
	int fd, rc = -1;
	mode_t mode = 0600;

	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		snprintf(why, whylen, "the path is too long");
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) == 0 && write(fd, token, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0) {
		rc = 0;
	} else {
		snprintf(why, whylen, "%s", strerror(errno));
	}
	if (close(fd) != 0 && rc == 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		unlink(tmp);
	}
	return rc;
}

/* ---- a token -------------------------------------------------------------------------------------- */

/* The endpoint's error code ("invalid_grant"), or the cause's name when it gave none ("timeout"). */
static void remember_failure(slot *s, const char *error, const smtp_token_failure *f)
{
	if (!s) {
		return;
	}
	smtp_copy_str(s->last_error, sizeof(s->last_error), f->sentence);
	smtp_copy_str(s->last_error_code, sizeof(s->last_error_code),
	              error && error[0] ? error : smtp_cause_name(f->cause));
}

int smtp_oauth_token(smtp_token_cache *c, const smtp_oauth_config *o, int force, int64_t deadline, smtp_buf *out,
                     smtp_token_failure *f, char *note, size_t notelen)
{
	char key[65], url[1024], host[256], why[400];
	smtp_oauth_config use = *o;
	smtp_oauth_answer *a;
	slot *s = NULL;
	long long now = (long long)time(NULL);
	int rc;

	memset(f, 0, sizeof(*f));
	if (note && notelen) {
		note[0] = '\0';
	}
	if (smtp_oauth_endpoint(o, url, sizeof(url), why, sizeof(why)) != 0) {
		f->cause = SMTP_CAUSE_CONFIG;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth token request not sent: %s", why);
		return -1;
	}
	smtp_oauth_url_host(url, host, sizeof(host));
	if (c) {
		smtp_oauth_key(o, key);
		s = find(c, key, 1);
		if (!force && s->access_token && now < s->valid_until) {
			smtp_buf_reset(out);
			return smtp_buf_puts(out, s->access_token) == 0 ? 0 : -1;
		}
		if (s->refresh && use.grant == SMTP_OAUTH_GRANT_REFRESH_TOKEN) {
			use.refresh_token = s->refresh; /* rotated earlier and not written anywhere */
		}
	}
	if (!str(use.client_id)[0]) {
		f->cause = SMTP_CAUSE_CONFIG;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth token request to %s not sent: smtp.oauth_client_id is empty",
		         host);
		remember_failure(s, NULL, f);
		return -1;
	}
	if (use.grant == SMTP_OAUTH_GRANT_REFRESH_TOKEN && !str(use.refresh_token)[0]) {
		f->cause = SMTP_CAUSE_CONFIG;
		snprintf(f->sentence, sizeof(f->sentence),
		         "OAuth token request to %s not sent: smtp.oauth_refresh_token is empty (connect the account first)",
		         host);
		remember_failure(s, NULL, f);
		return -1;
	}
	if (use.grant == SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS && !str(use.client_secret)[0]) {
		f->cause = SMTP_CAUSE_CONFIG;
		snprintf(f->sentence, sizeof(f->sentence),
		         "OAuth token request to %s not sent: client_credentials needs smtp.oauth_client_secret", host);
		remember_failure(s, NULL, f);
		return -1;
	}
	a = malloc(sizeof(*a));
	if (!a) {
		f->cause = SMTP_CAUSE_NOMEM;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth token request to %s failed: out of memory", host);
		return -1;
	}
	rc = post_form(&use, url, host, deadline, 0, a, f);
	if (rc != 0) {
		remember_failure(s, a->error, f);
		if (s && (f->cause == SMTP_CAUSE_OAUTH_INVALID_GRANT || f->cause == SMTP_CAUSE_OAUTH_INVALID_CLIENT)) {
			wipe_str(&s->access_token); /* what it was given for is gone */
		}
		smtp_oauth_answer_wipe(a);
		free(a);
		return -1;
	}
	smtp_buf_reset(out);
	if (smtp_buf_puts(out, a->access_token) != 0) {
		smtp_oauth_answer_wipe(a);
		free(a);
		f->cause = SMTP_CAUSE_NOMEM;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth token request to %s failed: out of memory", host);
		return -1;
	}
	if (s) {
		long long life = a->expires_in > 0 ? a->expires_in : 3600;
		long long skew = life > 2 * SMTP_OAUTH_SKEW_S ? SMTP_OAUTH_SKEW_S : life / 2;
		wipe_str(&s->access_token);
		s->access_token = smtp_strdup(a->access_token);
		s->valid_until = now + life - skew;
		s->last_refresh = now;
		s->last_error[0] = '\0';
		s->last_error_code[0] = '\0';
	}
	/* a rotated refresh token (Microsoft rotates; RFC 6749 6 allows it) */
	if (use.grant == SMTP_OAUTH_GRANT_REFRESH_TOKEN && a->refresh_token[0]
	    && strcmp(a->refresh_token, str(use.refresh_token)) != 0) {
		char werr[200];
		if (str(o->refresh_file)[0] && write_back(o->refresh_file, a->refresh_token, werr, sizeof(werr)) == 0) {
			if (s) {
				wipe_str(&s->refresh);
			}
			if (note) {
				snprintf(note, notelen, "OAuth: %s issued a new refresh token; written to %s", host, o->refresh_file);
			}
		} else {
			if (s) {
				wipe_str(&s->refresh);
				s->refresh = smtp_strdup(a->refresh_token);
			}
			if (note && str(o->refresh_file)[0]) {
				snprintf(note, notelen,
				         "OAuth: %s issued a new refresh token, which could not be written to %s (%s); this process "
				         "keeps it in memory",
				         host, o->refresh_file, werr);
			} else if (note) {
				snprintf(note, notelen,
				         "OAuth: %s issued a new refresh token; this process keeps it in memory (only a file: "
				         "source is updated)",
				         host);
			}
		}
	}
	smtp_oauth_answer_wipe(a);
	free(a);
	return 0;
}

int smtp_oauth_exchange_code(const smtp_oauth_config *o, int64_t deadline, smtp_oauth_answer *a, smtp_token_failure *f)
{
	smtp_oauth_config use = *o;
	char url[1024], host[256], why[400];

	memset(f, 0, sizeof(*f));
	memset(a, 0, sizeof(*a));
	use.grant = SMTP_OAUTH_GRANT_AUTHORIZATION_CODE;
	if (smtp_oauth_endpoint(&use, url, sizeof(url), why, sizeof(why)) != 0) {
		f->cause = SMTP_CAUSE_CONFIG;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth code exchange not sent: %s", why);
		return -1;
	}
	smtp_oauth_url_host(url, host, sizeof(host));
	if (!str(use.client_id)[0] || !str(use.code)[0] || !str(use.redirect_uri)[0]) {
		f->cause = SMTP_CAUSE_CONFIG;
		snprintf(f->sentence, sizeof(f->sentence),
		         "OAuth code exchange with %s not sent: the client id, the code and the redirect URI are required",
		         host);
		return -1;
	}
	return post_form(&use, url, host, deadline, 1, a, f);
}

/* ---- the token source ------------------------------------------------------------------------------ */

static int source_token(void *ctx, int force, int64_t deadline, smtp_buf *out, smtp_token_failure *f, char *note,
                        size_t notelen)
{
	smtp_oauth_source_ctx *c = ctx;

	return smtp_oauth_token(c->cache, c->o, force, deadline, out, f, note, notelen);
}

void smtp_oauth_source(smtp_token_source *src, smtp_oauth_source_ctx *ctx)
{
	src->token = source_token;
	src->ctx = ctx;
}
