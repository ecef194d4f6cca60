/* core/oauth.c: the token request and answer, the cache, the rotation, with a fake POST. */
#include "unit.h"
#include "clock.h"
#include "oauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
	int calls;
	long status;
	const char *body;
	char last_form[2048];
	char last_url[512];
	int fail; /* no answer at all */
} fake;

static int fake_post(void *ctx, const smtp_http_request *rq, smtp_http_response *rs)
{
	fake *f = ctx;

	f->calls++;
	snprintf(f->last_form, sizeof(f->last_form), "%.*s", (int)rq->form_len, rq->form);
	snprintf(f->last_url, sizeof(f->last_url), "%s", rq->url);
	if (f->fail) {
		rs->cause = SMTP_CAUSE_TIMEOUT;
		snprintf(rs->err, sizeof(rs->err), "timed out after 2 s (smtp.timeout)");
		return -1;
	}
	rs->status = f->status;
	return smtp_buf_puts(&rs->body, f->body);
}

static void base(smtp_oauth_config *o, fake *f)
{
	memset(o, 0, sizeof(*o));
	o->provider = SMTP_OAUTH_GOOGLE;
	o->client_id = "id 1";
	o->client_secret = "s&cret";
	o->refresh_token = "1//rt";
	o->refresh_source = "1//rt";
	o->post = fake_post;
	o->post_ctx = f;
}

static void run_tests(void)
{
	smtp_oauth_config o;
	smtp_token_cache *c = smtp_token_cache_new();
	smtp_token_failure fl;
	smtp_token_status st;
	smtp_buf tok;
	fake f;
	char url[256], why[300], note[400], key[65], key2[65];
	int64_t dl = smtp_now_ms() + 5000;

	memset(&f, 0, sizeof(f));
	base(&o, &f);
	smtp_buf_init(&tok, 0);

	/* endpoints */
	CHECK(smtp_oauth_endpoint(&o, url, sizeof(url), why, sizeof(why)) == 0);
	CHECK_STR(url, "https://oauth2.googleapis.com/token");
	o.provider = SMTP_OAUTH_MICROSOFT;
	CHECK(smtp_oauth_endpoint(&o, url, sizeof(url), why, sizeof(why)) == 0);
	CHECK_STR(url, "https://login.microsoftonline.com/common/oauth2/v2.0/token");
	CHECK_STR(smtp_oauth_scope(&o), "https://outlook.office.com/SMTP.Send offline_access");
	o.grant = SMTP_OAUTH_GRANT_CLIENT_CREDENTIALS;
	CHECK(smtp_oauth_endpoint(&o, url, sizeof(url), why, sizeof(why)) == -1);
	o.tenant = "contoso.onmicrosoft.com";
	CHECK(smtp_oauth_endpoint(&o, url, sizeof(url), why, sizeof(why)) == 0);
	CHECK_STR(url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
	CHECK_STR(smtp_oauth_scope(&o), "https://outlook.office365.com/.default");
	o.tenant = "evil/../x";
	CHECK(smtp_oauth_endpoint(&o, url, sizeof(url), why, sizeof(why)) == -1);
	o.provider = SMTP_OAUTH_CUSTOM;
	CHECK(smtp_oauth_endpoint(&o, url, sizeof(url), why, sizeof(why)) == -1);
	o.token_url = "http://plain.example/token";
	CHECK(smtp_oauth_endpoint(&o, url, sizeof(url), why, sizeof(why)) == -1);
	smtp_oauth_url_host("https://user:pw@idp.example:8443/t?x", url, sizeof(url));
	CHECK_STR(url, "idp.example:8443");

	/* the form: urlencoded, no scope for Google's refresh */
	base(&o, &f);
	{
		smtp_buf b;
		smtp_buf_init(&b, 0);
		CHECK(smtp_oauth_form(&o, &b) == 0);
		CHECK_MEM(b.data, b.len,
		          "grant_type=refresh_token&client_id=id+1&client_secret=s%26cret&refresh_token=1%2F%2Frt");
		smtp_buf_wipe(&b);
	}

	/* first fetch, then the cache */
	f.status = 200;
	f.body = "{\"access_token\":\"AT1\",\"expires_in\":3600,\"token_type\":\"Bearer\"}";
	CHECK(smtp_oauth_token(c, &o, 0, dl, &tok, &fl, note, sizeof(note)) == 0);
	CHECK_MEM(tok.data, tok.len, "AT1");
	CHECK(f.calls == 1);
	CHECK(smtp_oauth_token(c, &o, 0, dl, &tok, &fl, note, sizeof(note)) == 0);
	CHECK(f.calls == 1);
	smtp_oauth_key(&o, key);
	smtp_token_cache_status(c, key, &st);
	CHECK(st.cached && st.valid_until - st.last_refresh == 3600 - SMTP_OAUTH_SKEW_S);
	/* force: a new request */
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == 0 && f.calls == 2);
	/* another client is another key */
	o.client_id = "id 2";
	smtp_oauth_key(&o, key2);
	CHECK(strcmp(key, key2) != 0);
	o.client_id = "id 1";

	/* a short-lived token: half its life as skew */
	f.body = "{\"access_token\":\"AT2\",\"expires_in\":10}";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == 0);
	smtp_token_cache_status(c, key, &st);
	CHECK(st.valid_until - st.last_refresh == 5);

	/* errors, typed */
	f.status = 400;
	f.body = "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1);
	CHECK(fl.cause == SMTP_CAUSE_OAUTH_INVALID_GRANT);
	CHECK_STR(fl.words, "invalid_grant: Token has been expired or revoked.");
	CHECK(strstr(fl.sentence, "oauth2.googleapis.com") != NULL);
	CHECK(strstr(fl.sentence, "1//rt") == NULL && strstr(fl.sentence, "s&cret") == NULL);
	smtp_token_cache_status(c, key, &st);
	CHECK(!st.cached);
	CHECK_STR(st.last_error_code, "invalid_grant");
	f.status = 401;
	f.body = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret "
	         "provided.\\r\\nTrace "
	         "ID: 1\"}";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1);
	CHECK(fl.cause == SMTP_CAUSE_OAUTH_INVALID_CLIENT);
	CHECK_STR(fl.words, "invalid_client: AADSTS7000215: Invalid client secret provided.");
	f.body = "{\"error\":\"unauthorized_client\"}";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1
	      && fl.cause == SMTP_CAUSE_OAUTH_UNAUTHORIZED);
	f.body = "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS65001: no consent\"}";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1 && fl.cause == SMTP_CAUSE_OAUTH_CONSENT);
	f.status = 200;
	f.body = "<html>";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1 && fl.cause == SMTP_CAUSE_OAUTH_ENDPOINT);
	f.body = "{\"access_token\":\"has space\"}";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1 && fl.cause == SMTP_CAUSE_OAUTH_ENDPOINT);
	f.body = "{\"access_token\":\"x\",\"token_type\":\"mac\"}";
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1);
	f.fail = 1;
	CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1 && fl.cause == SMTP_CAUSE_TIMEOUT);
	smtp_token_cache_status(c, key, &st);
	CHECK_STR(st.last_error_code, "timeout");
	f.fail = 0;
	/* settings missing: nothing sent */
	{
		int before = f.calls;
		o.refresh_token = "";
		CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == -1 && fl.cause == SMTP_CAUSE_CONFIG);
		o.refresh_token = "1//rt";
		CHECK(f.calls == before);
	}

	/* rotation: written back to the file with its mode; the key (by source) stays */
	{
		char path[] = "/tmp/smtp-unit-oauth-XXXXXX";
		int fd = mkstemp(path);
		struct stat sb;
		char buf[128] = "";
		FILE *fp;
		CHECK(fd >= 0);
		if (write(fd, "1//rt\n", 6) != 6) {
			CHECK(0);
		}
		close(fd);
		chmod(path, 0640);
		o.refresh_file = path;
		o.refresh_source = "file:/x";
		f.status = 200;
		f.body = "{\"access_token\":\"AT3\",\"expires_in\":3600,\"refresh_token\":\"1//rt-new\"}";
		CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == 0);
		CHECK(strstr(note, "written to") != NULL && strstr(note, "rt-new") == NULL);
		fp = fopen(path, "r");
		CHECK(fp && fgets(buf, sizeof(buf), fp));
		if (fp) {
			fclose(fp);
		}
		CHECK_STR(buf, "1//rt-new\n");
		CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0640);
		unlink(path);
		/* unwritable: kept in memory and used for the next refresh */
		o.refresh_file = "/nonexistent-dir/rt";
		f.body = "{\"access_token\":\"AT4\",\"expires_in\":3600,\"refresh_token\":\"1//rt-mem\"}";
		CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == 0);
		CHECK(strstr(note, "keeps it in memory") != NULL);
		f.body = "{\"access_token\":\"AT5\",\"expires_in\":3600}";
		CHECK(smtp_oauth_token(c, &o, 1, dl, &tok, &fl, note, sizeof(note)) == 0);
		CHECK(strstr(f.last_form, "refresh_token=1%2F%2Frt-mem") != NULL);
	}

	/* the code exchange wants a refresh token */
	{
		smtp_oauth_answer *a = malloc(sizeof(*a));
		base(&o, &f);
		o.code = "4/c";
		o.code_verifier = "v";
		o.redirect_uri = "https://s/cb";
		f.body = "{\"access_token\":\"A\",\"expires_in\":3600}";
		CHECK(smtp_oauth_exchange_code(&o, dl, a, &fl) == -1 && fl.cause == SMTP_CAUSE_OAUTH_ENDPOINT);
		f.body = "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":3599,\"scope\":\"s\"}";
		CHECK(smtp_oauth_exchange_code(&o, dl, a, &fl) == 0);
		CHECK_STR(a->refresh_token, "R");
		CHECK(a->expires_in == 3599);
		CHECK(strstr(f.last_form, "grant_type=authorization_code") && strstr(f.last_form, "code_verifier=v")
		      && strstr(f.last_form, "redirect_uri=https%3A%2F%2Fs%2Fcb"));
		smtp_oauth_answer_wipe(a);
		free(a);
	}

	/* what real endpoints and proxies answer: expires_in as a string, a bound on it, an HTML page,
	 * HTTP 5xx / 429 and temporarily_unavailable (transient), Google's refresh without a refresh_token */
	{
		smtp_oauth_answer *a = malloc(sizeof(*a));
		smtp_err e;
		static const char html[] = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
		static const char ok_str[] = "{\"access_token\":\"A\",\"expires_in\":\"3599\",\"token_type\":\"Bearer\"}";
		static const char ok_big[] = "{\"access_token\":\"A\",\"expires_in\":99999999999999999999}";
		static const char busy[] = "{\"error\":\"temporarily_unavailable\",\"error_description\":\"try later\"}";
		static const char srv[] = "{\"error\":\"server_error\"}";
		static const char nojs[] = "{\"error\":\"invalid_request\"}";

		CHECK(smtp_oauth_read_answer(200, ok_str, strlen(ok_str), "h", 0, a, &fl) == 0 && a->expires_in == 3599);
		CHECK(smtp_oauth_read_answer(200, ok_big, strlen(ok_big), "h", 0, a, &fl) == 0 && a->expires_in == 86400);
		/* a negative lifetime (found by fuzz_json: -5e400) counts as absent, never as a negative time */
		{
			static const char neg[] = "{\"access_token\":\"A\",\"expires_in\":-5e400}";
			static const char neg_str[] = "{\"access_token\":\"A\",\"expires_in\":-60}";
			CHECK(smtp_oauth_read_answer(200, neg, strlen(neg), "h", 0, a, &fl) == 0 && a->expires_in == 0);
			CHECK(smtp_oauth_read_answer(200, neg_str, strlen(neg_str), "h", 0, a, &fl) == 0 && a->expires_in == 0);
		}
		CHECK(a->refresh_token[0] == '\0'); /* Google's refresh: no new refresh token, the old one stays */
		CHECK(smtp_oauth_read_answer(502, html, strlen(html), "h", 0, a, &fl) == -1);
		CHECK(fl.cause == SMTP_CAUSE_OAUTH_UNAVAILABLE && strstr(fl.sentence, "HTTP 502") != NULL);
		CHECK(strstr(fl.sentence, "unavailable just now") != NULL && strstr(fl.sentence, "nginx") == NULL);
		CHECK(smtp_oauth_read_answer(403, html, strlen(html), "h", 0, a, &fl) == -1);
		CHECK(fl.cause == SMTP_CAUSE_OAUTH_ENDPOINT && strstr(fl.sentence, "a proxy's or a firewall's page") != NULL);
		CHECK(smtp_oauth_read_answer(200, html, strlen(html), "h", 0, a, &fl) == -1
		      && fl.cause == SMTP_CAUSE_OAUTH_ENDPOINT);
		CHECK(smtp_oauth_read_answer(400, busy, strlen(busy), "h", 0, a, &fl) == -1
		      && fl.cause == SMTP_CAUSE_OAUTH_UNAVAILABLE);
		CHECK(smtp_oauth_read_answer(500, srv, strlen(srv), "h", 0, a, &fl) == -1
		      && fl.cause == SMTP_CAUSE_OAUTH_UNAVAILABLE);
		CHECK(smtp_oauth_read_answer(429, nojs, strlen(nojs), "h", 0, a, &fl) == -1
		      && fl.cause == SMTP_CAUSE_OAUTH_UNAVAILABLE);
		CHECK(smtp_oauth_read_answer(400, nojs, strlen(nojs), "h", 0, a, &fl) == -1
		      && fl.cause == SMTP_CAUSE_OAUTH_ENDPOINT);
		smtp_err_clear(&e);
		smtp_err_set(&e, SMTP_STAGE_OAUTH, smtp_cause_class(SMTP_CAUSE_OAUTH_UNAVAILABLE), SMTP_CAUSE_OAUTH_UNAVAILABLE,
		             0, NULL);
		CHECK(smtp_err_is_transient(&e));
		smtp_err_set(&e, SMTP_STAGE_OAUTH, smtp_cause_class(SMTP_CAUSE_OAUTH_ENDPOINT), SMTP_CAUSE_OAUTH_ENDPOINT, 0,
		             NULL);
		CHECK(!smtp_err_is_transient(&e));
		smtp_oauth_answer_wipe(a);
		free(a);
	}
	smtp_buf_wipe(&tok);
	smtp_token_cache_free(c);
}
