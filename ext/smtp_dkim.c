/* DKIM keys of this process (smtp_dkim.h). The sources of smtp.dkim_private_key (a path, file:/path,
 * env:NAME; comma-separated, one per selector) are read here, handed to the core as PEM text and
 * wiped; the core keeps the parsed keys. */
#include "php.h"
#include "SAPI.h"
#include "php_smtp.h"
#include "smtp_dkim.h"
#include "core/buf.h"
#include "core/dkim.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SMTP_DKIM_PREFIX "DKIM signing failed, nothing was sent: "

/* Reads one key source (trimmed, NUL-terminated) into an emalloc'd buffer. */
static zend_result smtp_dkim_read_source(const char *src, char **pem, size_t *len, char *err, size_t errlen)
{
	*pem = NULL;
	*len = 0;
	if (strncmp(src, "-----", 5) == 0) {
		snprintf(err, errlen, SMTP_DKIM_PREFIX "smtp.dkim_private_key holds key material: give the path of the "
			"key file (or file:/path, env:NAME) instead");
		return FAILURE;
	}
	if (strncmp(src, "env:", 4) == 0) {
		const char *name = src + 4;
		char *v = sapi_getenv((char *) name, strlen(name));
		const char *use = v ? v : getenv(name);
		size_t n = use ? strlen(use) : 0;
		if (n == 0 || n > SMTP_DKIM_MAX_KEY_BYTES) {
			snprintf(err, errlen, SMTP_DKIM_PREFIX "smtp.dkim_private_key refers to the environment variable %s, "
				"which is %s", name, n == 0 ? "not set or empty" : "larger than 64 KiB");
			if (v) {
				smtp_memzero(v, strlen(v));
				efree(v);
			}
			return FAILURE;
		}
		*pem = emalloc(n + 1);
		memcpy(*pem, use, n + 1);
		*len = n;
		if (v) {
			smtp_memzero(v, strlen(v));
			efree(v);
		}
		return SUCCESS;
	} else {
		const char *path = strncmp(src, "file:", 5) == 0 ? src + 5 : src;
		FILE *f = fopen(path, "rb");
		size_t n;
		if (!f) {
			snprintf(err, errlen, SMTP_DKIM_PREFIX "smtp.dkim_private_key: the file %s cannot be read: %s", path,
				strerror(errno));
			return FAILURE;
		}
		*pem = emalloc(SMTP_DKIM_MAX_KEY_BYTES + 2);
		n = fread(*pem, 1, SMTP_DKIM_MAX_KEY_BYTES + 1, f);
		if (ferror(f)) {
			int e = errno;
			fclose(f);
			smtp_memzero(*pem, SMTP_DKIM_MAX_KEY_BYTES + 2);
			efree(*pem);
			*pem = NULL;
			snprintf(err, errlen, SMTP_DKIM_PREFIX "smtp.dkim_private_key: the file %s cannot be read: %s", path,
				strerror(e));
			return FAILURE;
		}
		fclose(f);
		(*pem)[n] = '\0';
		*len = n;
		return SUCCESS;
	}
}

static void smtp_dkim_wipe_texts(smtp_dkim_key_text *keys, char **pems, char **names, int n)
{
	int i;
	for (i = 0; i < n; i++) {
		if (pems[i]) {
			smtp_memzero(pems[i], keys[i].len);
			efree(pems[i]);
		}
		if (names[i]) {
			efree(names[i]);
		}
	}
}

/* Loads the keys of the current settings. */
static struct smtp_dkim_signer *smtp_dkim_load(const char *domain, const char *selector, const char *keylist,
                                               char *err, size_t errlen)
{
	smtp_dkim_key_text keys[SMTP_DKIM_MAX_KEYS];
	char *pems[SMTP_DKIM_MAX_KEYS] = {0}, *names[SMTP_DKIM_MAX_KEYS] = {0};
	char why[400];
	const char *p = keylist;
	int n = 0;
	struct smtp_dkim_signer *s;

	memset(keys, 0, sizeof(keys));
	const char *src;
	size_t len;
	while ((src = smtp_keyfile_next(&p, &len)) != NULL) {
		if (len > 0) {
			if (n == SMTP_DKIM_MAX_KEYS) {
				snprintf(err, errlen, SMTP_DKIM_PREFIX "smtp.dkim_private_key names more than %d keys",
					SMTP_DKIM_MAX_KEYS);
				smtp_dkim_wipe_texts(keys, pems, names, n);
				return NULL;
			}
			names[n] = estrndup(src, len);
			if (smtp_dkim_read_source(names[n], &pems[n], &keys[n].len, err, errlen) != SUCCESS) {
				smtp_dkim_wipe_texts(keys, pems, names, n + 1);
				return NULL;
			}
			keys[n].pem = pems[n];
			keys[n].source = names[n];
			n++;
		}
	}
	why[0] = '\0';
	s = smtp_dkim_signer_new(domain, selector, keys, n, why, sizeof(why));
	smtp_dkim_wipe_texts(keys, pems, names, n);
	if (!s) {
		snprintf(err, errlen, SMTP_DKIM_PREFIX "%s", why[0] ? why : "the keys cannot be loaded");
	}
	return s;
}

void smtp_dkim_release(struct smtp_dkim_signer **signer, char **id)
{
	smtp_dkim_signer_free(*signer);
	*signer = NULL;
	if (*id) {
		free(*id);
		*id = NULL;
	}
}

zend_result smtp_dkim_config(smtp_config *cfg, char *err, size_t errlen)
{
	const char *d = SMTP_G(dkim_domain) ? SMTP_G(dkim_domain) : "";
	const char *s = SMTP_G(dkim_selector) ? SMTP_G(dkim_selector) : "";
	const char *k = SMTP_G(dkim_private_key) ? SMTP_G(dkim_private_key) : "";
	smtp_buf id;

	cfg->dkim = NULL;
	if (!*d && !*s && !*k) {
		return SUCCESS;
	}
	/* the settings the kept keys were loaded from, NUL-separated */
	smtp_buf_init(&id, 0);
	if (smtp_buf_append(&id, d, strlen(d) + 1) != 0 || smtp_buf_append(&id, s, strlen(s) + 1) != 0
			|| smtp_buf_append(&id, k, strlen(k)) != 0) {
		smtp_buf_free(&id);
		snprintf(err, errlen, SMTP_DKIM_PREFIX "out of memory");
		return FAILURE;
	}
	if (SMTP_G(dkim) && SMTP_G(dkim_id) && SMTP_G(dkim_id_len) == id.len
			&& memcmp(SMTP_G(dkim_id), id.data, id.len) == 0) {
		smtp_buf_free(&id);
		cfg->dkim = SMTP_G(dkim);
		return SUCCESS;
	}
	smtp_dkim_release(&SMTP_G(dkim), &SMTP_G(dkim_id));
	SMTP_G(dkim) = smtp_dkim_load(d, s, k, err, errlen);
	if (!SMTP_G(dkim)) {
		smtp_buf_free(&id);
		return FAILURE; /* tried again at the next send: a fixed file is then picked up */
	}
	SMTP_G(dkim_id) = smtp_buf_detach(&id, &SMTP_G(dkim_id_len));
	cfg->dkim = SMTP_G(dkim);
	return SUCCESS;
}
