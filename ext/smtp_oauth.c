/* OAuth in the binding: the settings and options turned into the core's smtp_oauth_config, and the
 * two functions smtp_oauth_status() (no network) and smtp_oauth_exchange() (the authorization-code
 * exchange, the one place a secret - the new refresh token - is returned, because the caller must
 * store it). */
#include "php.h"
#include "zend_exceptions.h"

#include "php_smtp.h"
#include "smtp_ini.h"
#include "smtp_oauth.h"
#include "smtp_settings.h"
#include "core/clock.h"
#include "core/hint.h"

#include <string.h>

void smtp_oauth_values_from_settings(smtp_oauth_values *v)
{
	v->provider = SMTP_G(oauth_provider);
	v->client_id = SMTP_G(oauth_client_id);
	v->client_secret = SMTP_G(oauth_client_secret);
	v->refresh_token = SMTP_G(oauth_refresh_token);
	v->token_url = SMTP_G(oauth_token_url);
	v->tenant = SMTP_G(oauth_tenant);
	v->scope = SMTP_G(oauth_scope);
	v->grant = SMTP_G(oauth_grant);
}

static const char *smtp_oauth_str(const char *s)
{
	return s ? s : "";
}

/* The core's view of v, without the secrets (for the key and status()). */
static void smtp_oauth_config_of(smtp_oauth_config *o, const smtp_oauth_values *v, const smtp_config *cfg)
{
	memset(o, 0, sizeof(*o));
	if (smtp_oauth_provider_parse(smtp_oauth_str(v->provider), &o->provider) != 0) {
		o->provider = SMTP_OAUTH_NONE;
	}
	if (smtp_oauth_grant_parse(smtp_oauth_str(v->grant), &o->grant) != 0) {
		o->grant = SMTP_OAUTH_GRANT_REFRESH_TOKEN;
	}
	o->client_id = smtp_oauth_str(v->client_id);
	o->client_secret = "";
	o->refresh_token = "";
	o->refresh_source = smtp_oauth_str(v->refresh_token);
	o->token_url = smtp_oauth_str(v->token_url);
	o->tenant = smtp_oauth_str(v->tenant);
	o->scope = smtp_oauth_str(v->scope);
	o->verify_peer = cfg->verify_peer;
	o->cafile = cfg->cafile;
}

static zend_result smtp_oauth_resolve(smtp_oauth_call *c, const smtp_oauth_values *v, bool need_refresh, char *err,
                                      size_t errlen)
{
	const char *rt = smtp_oauth_str(v->refresh_token);

	if (smtp_ini_resolve_named_secret("smtp.oauth_client_secret", v->client_secret, &c->client_secret, err,
			errlen) != SUCCESS) {
		return FAILURE;
	}
	c->o.client_secret = c->client_secret;
	if (need_refresh) {
		if (smtp_ini_resolve_named_secret("smtp.oauth_refresh_token", rt, &c->refresh_token, err, errlen) != SUCCESS) {
			return FAILURE;
		}
		c->o.refresh_token = c->refresh_token;
		if (strncmp(rt, "file:", 5) == 0) {
			c->refresh_file = estrdup(rt + 5);
			c->o.refresh_file = c->refresh_file;
		}
	}
	return SUCCESS;
}

zend_result smtp_oauth_call_prepare(smtp_oauth_call *c, smtp_config *cfg, const smtp_oauth_values *v, char *err,
                                    size_t errlen)
{
	memset(c, 0, sizeof(*c));
	smtp_oauth_config_of(&c->o, v, cfg);
	if (cfg->auth != SMTP_AUTH_XOAUTH2 || c->o.provider == SMTP_OAUTH_NONE) {
		return SUCCESS; /* the password is the access token, as before */
	}
	c->active = true;
	if (smtp_oauth_resolve(c, v, c->o.grant == SMTP_OAUTH_GRANT_REFRESH_TOKEN, err, errlen) != SUCCESS) {
		return FAILURE;
	}
	smtp_oauth_key(&c->o, c->key);
	c->src_ctx.cache = SMTP_G(token_cache);
	c->src_ctx.o = &c->o;
	smtp_oauth_source(&c->src, &c->src_ctx);
	cfg->token_source = &c->src;
	cfg->oauth_key = c->key;
	return SUCCESS;
}

void smtp_oauth_call_free(smtp_oauth_call *c)
{
	smtp_ini_secret_free(&c->client_secret);
	smtp_ini_secret_free(&c->refresh_token);
	if (c->refresh_file) {
		efree(c->refresh_file);
	}
	memset(c, 0, sizeof(*c));
}

static void smtp_oauth_add_str_or_null(zval *arr, const char *key, const char *v)
{
	if (v && *v) {
		add_assoc_string(arr, key, v);
	} else {
		add_assoc_null(arr, key);
	}
}

/* {{{ smtp_oauth_status(): array */
PHP_FUNCTION(smtp_oauth_status)
{
	smtp_oauth_values v;
	smtp_oauth_config o;
	smtp_config cfg;
	smtp_token_status st;
	char key[65];

	ZEND_PARSE_PARAMETERS_NONE();
	smtp_ini_config_base(&cfg);
	smtp_oauth_values_from_settings(&v);
	smtp_oauth_config_of(&o, &v, &cfg);
	memset(&st, 0, sizeof(st));
	if (o.provider != SMTP_OAUTH_NONE) {
		smtp_oauth_key(&o, key);
		smtp_token_cache_status(SMTP_G(token_cache), key, &st);
	}
	array_init(return_value);
	add_assoc_bool(return_value, "enabled", smtp_oauth_built());
	add_assoc_string(return_value, "provider", smtp_oauth_provider_name(o.provider));
	add_assoc_string(return_value, "grant", smtp_oauth_grant_name(o.grant));
	add_assoc_bool(return_value, "cached", st.cached);
	if (st.valid_until) {
		add_assoc_long(return_value, "valid_until", (zend_long) st.valid_until);
	} else {
		add_assoc_null(return_value, "valid_until");
	}
	if (st.last_refresh) {
		add_assoc_long(return_value, "last_refresh", (zend_long) st.last_refresh);
	} else {
		add_assoc_null(return_value, "last_refresh");
	}
	smtp_oauth_add_str_or_null(return_value, "last_error", st.last_error);
	smtp_oauth_add_str_or_null(return_value, "last_error_code", st.last_error_code);
}
/* }}} */

/* The options of smtp_oauth_exchange(): the settings of the token request. */
static const char *const smtp_oauth_exchange_keys[] = {"provider", "client_id", "client_secret", "token_url",
	"tenant", "scope"};

/* {{{ smtp_oauth_exchange(string $code, string $code_verifier, string $redirect_uri, array $options = []): array */
PHP_FUNCTION(smtp_oauth_exchange)
{
	zend_string *code, *verifier, *redirect;
	HashTable *options = NULL;
	smtp_oauth_values v;
	smtp_oauth_call c;
	smtp_oauth_answer *a = NULL;
	smtp_token_failure f;
	smtp_config cfg;
	smtp_err e;
	char err[512], hint[1024] = "";
	const char *locked = NULL;
	zend_string *key;
	zval *val;

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_STR(code)
		Z_PARAM_STR(verifier)
		Z_PARAM_STR(redirect)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (!smtp_one_line(code) || !smtp_one_line(verifier) || !smtp_one_line(redirect)) {
		zend_value_error("smtp_oauth_exchange(): the code, the code verifier and the redirect URI must not contain "
			"line breaks or NUL bytes");
		RETURN_THROWS();
	}
	smtp_oauth_values_from_settings(&v);
	if (options) {
		ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, val) {
			size_t i;
			const char **slot = NULL;
			const char **slots[] = {&v.provider, &v.client_id, &v.client_secret, &v.token_url, &v.tenant, &v.scope};
			if (!key) {
				zend_argument_value_error(4, "must only have string keys");
				RETURN_THROWS();
			}
			for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
				if (zend_string_equals_cstr(key, smtp_oauth_exchange_keys[i], strlen(smtp_oauth_exchange_keys[i]))) {
					slot = slots[i];
				}
			}
			if (!slot) {
				zend_argument_value_error(4, "contains unknown option \"%s\" (known: provider, client_id, "
					"client_secret, token_url, tenant, scope)", ZSTR_VAL(key));
				RETURN_THROWS();
			}
			ZVAL_DEREF(val);
			if ((slot == &v.provider ? smtp_option_PROVIDER(4, ZSTR_VAL(key), val, slot)
					: smtp_option_LINE(4, ZSTR_VAL(key), val, slot)) != SUCCESS) {
				RETURN_THROWS();
			}
			if (!SMTP_G(allow_runtime_config) && !locked) {
				locked = ZSTR_VAL(key);
			}
		} ZEND_HASH_FOREACH_END();
	}

	array_init(return_value);
	smtp_ini_config_base(&cfg);
	memset(&c, 0, sizeof(c));
	smtp_oauth_config_of(&c.o, &v, &cfg);
	smtp_err_clear(&e);
	memset(&f, 0, sizeof(f));
	if (locked) {
		f.cause = SMTP_CAUSE_CONFIG;
		snprintf(f.sentence, sizeof(f.sentence), "The option \"%s\" cannot override the settings: "
			"smtp.allow_runtime_config is off in php.ini (nothing was sent)", locked);
	} else if (c.o.provider == SMTP_OAUTH_NONE) {
		f.cause = SMTP_CAUSE_CONFIG;
		snprintf(f.sentence, sizeof(f.sentence), "OAuth code exchange not sent: no provider (smtp.oauth_provider or "
			"the \"provider\" option)");
	} else if (smtp_oauth_resolve(&c, &v, false, err, sizeof(err)) != SUCCESS) {
		f.cause = SMTP_CAUSE_CONFIG;
		snprintf(f.sentence, sizeof(f.sentence), "OAuth code exchange not sent: %s", err);
	} else {
		c.o.code = ZSTR_VAL(code);
		c.o.code_verifier = ZSTR_VAL(verifier);
		c.o.redirect_uri = ZSTR_VAL(redirect);
		a = emalloc(sizeof(*a));
		if (smtp_oauth_exchange_code(&c.o, smtp_now_ms() + cfg.timeout_ms, a, &f) == 0) {
			add_assoc_bool(return_value, "ok", true);
			add_assoc_string(return_value, "refresh_token", a->refresh_token);
			if (a->expires_in > 0) {
				add_assoc_long(return_value, "expires_in", (zend_long) a->expires_in);
			} else {
				add_assoc_null(return_value, "expires_in");
			}
			smtp_oauth_add_str_or_null(return_value, "scope", a->scope);
			add_assoc_null(return_value, "error");
			add_assoc_null(return_value, "error_code");
			add_assoc_null(return_value, "hint");
			smtp_oauth_answer_wipe(a);
			efree(a);
			smtp_oauth_call_free(&c);
			return;
		}
	}
	{
		smtp_hint_facts facts;
		memset(&facts, 0, sizeof(facts));
		facts.host = "";
		facts.auth_mech = "";
		smtp_err_set(&e, SMTP_STAGE_OAUTH, smtp_cause_class(f.cause), f.cause, 0, NULL);
		smtp_hint(&e, f.words, &facts, hint, sizeof(hint));
	}
	add_assoc_bool(return_value, "ok", false);
	add_assoc_null(return_value, "refresh_token");
	add_assoc_null(return_value, "expires_in");
	add_assoc_null(return_value, "scope");
	add_assoc_string(return_value, "error", f.sentence);
	if (a && a->error[0]) {
		add_assoc_string(return_value, "error_code", a->error);
	} else {
		add_assoc_string(return_value, "error_code", smtp_cause_name(f.cause));
	}
	smtp_oauth_add_str_or_null(return_value, "hint", hint);
	if (a) {
		smtp_oauth_answer_wipe(a);
		efree(a);
	}
	smtp_oauth_call_free(&c);
}
/* }}} */
