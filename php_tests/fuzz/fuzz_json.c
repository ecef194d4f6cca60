/* libFuzzer harness: the JSON reader (ext/core/json.c) as an OAuth token endpoint's answer reaches it:
 * the input is the whole response body, read for the members a token response and an error response
 * have (access_token, token_type, expires_in, refresh_token, scope, error, error_description).
 * Beyond "no crash, no UB, no read past the end": a string found fits its buffer, NUL-terminated; a
 * failure has its sentence, and the sentence never holds a string value (a value may be a secret:
 * checked for the first one that looks like a token);
 * the same input reads the same twice; a valid object is invalid when cut anywhere before its
 * closing brace, and stays valid with white space after it. The same bytes then go through the
 * token endpoint's answer reader (oauth.c smtp_oauth_read_answer) as a 200 and as a 400 answer: a
 * token answer has its access token (or, for a code exchange, its refresh token), anything else a
 * cause and a sentence naming the host, and no token read from the answer is ever in that sentence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "oauth.h"

#define NF 7

static void setup(smtp_json_field *f, char bufs[NF][64])
{
	static const char *const keys[NF] = {"access_token", "token_type", "expires_in", "refresh_token",
	                                     "scope",        "error",      "error_description"};
	size_t i;

	for (i = 0; i < NF; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].key = keys[i];
		f[i].out = bufs[i];
		f[i].cap = i == 4 ? 8 : 64; /* one small buffer: a longer string is an error */
		memset(bufs[i], 'Z', 64);
	}
}

static int run(const char *p, size_t n, smtp_json_field *f, char bufs[NF][64], char *err, size_t errlen)
{
	int rc;
	size_t i;

	setup(f, bufs);
	err[0] = '\0';
	rc = smtp_json_object_fields(p, n, f, NF, err, errlen);
	if (rc != 0 && rc != -1) abort();
	if (rc == -1 && err[0] == '\0') abort();
	if (memchr(err, '\0', errlen) == NULL) abort();
	for (i = 0; i < NF; i++) {
		if (f[i].type > SMTP_JSON_OTHER) abort();
		if (rc == 0 && f[i].type == SMTP_JSON_STRING && f[i].out) {
			if (memchr(f[i].out, '\0', f[i].cap) == NULL) abort();
		}
	}
	return rc;
}

static smtp_oauth_answer ans; /* 17 KB: not on the stack */

static void answer(const char *p, size_t n, long status, int want_refresh)
{
	smtp_token_failure f;
	int rc;

	memset(&ans, 0xA5, sizeof(ans));
	memset(&f, 0, sizeof(f));
	rc = smtp_oauth_read_answer(status, p, n, "login.example.org", want_refresh, &ans, &f);
	if (rc == 0) {
		if (want_refresh ? ans.refresh_token[0] == '\0' : ans.access_token[0] == '\0') abort();
		if (memchr(ans.access_token, '\0', sizeof(ans.access_token)) == NULL) abort();
		if (memchr(ans.refresh_token, '\0', sizeof(ans.refresh_token)) == NULL) abort();
		if (ans.expires_in < 0) abort();
	} else {
		if (rc != -1 || f.sentence[0] == '\0' || !strstr(f.sentence, "login.example.org")) abort();
		if (memchr(f.sentence, '\0', sizeof(f.sentence)) == NULL || memchr(f.words, '\0', sizeof(f.words)) == NULL)
			abort();
		if (f.cause == SMTP_CAUSE_NONE) abort();
		/* a token the reader took from the answer is never quoted (the endpoint's own error words may
		 * say anything, so only tokens of 8+ bytes that are not in the words are looked for) */
		if (memchr(ans.access_token, '\0', sizeof(ans.access_token)) && strlen(ans.access_token) >= 8
		    && !strstr(f.words, ans.access_token) && strstr(f.sentence, ans.access_token))
			abort();
	}
	smtp_oauth_answer_wipe(&ans);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_json_field f[NF], g[NF];
	char b1[NF][64], b2[NF][64];
	char err[256], err2[256];
	const char *p = (const char *)data;
	int rc, rc2;
	size_t i, close;

	answer(p, size, 200, 0);
	answer(p, size, 200, 1);
	answer(p, size, 400, 0);
	rc = run(p, size, f, b1, err, sizeof(err));
	rc2 = run(p, size, g, b2, err2, sizeof(err2));
	if (rc != rc2 || strcmp(err, err2) != 0) abort();
	for (i = 0; rc == 0 && i < NF; i++) {
		if (f[i].type != g[i].type || f[i].num != g[i].num) abort();
		if (f[i].type == SMTP_JSON_STRING && f[i].out && strcmp(f[i].out, g[i].out) != 0) abort();
	}
	if (rc != 0) {
		/* the sentence never quotes a value: the first string value of 8+ letters and digits (with a
		 * digit and a letter: no word of a sentence) must not be in it */
		for (i = 0; i + 1 < size; i++) {
			size_t j = i + 1, k;
			int digit = 0, alpha = 0;
			if (p[i] != '"') continue;
			for (k = i; k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t' || p[k - 1] == '\n' || p[k - 1] == '\r'); k--) {
			}
			if (k == 0 || p[k - 1] != ':') continue;
			while (j < size && ((p[j] >= '0' && p[j] <= '9') || (p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z'))) {
				digit |= p[j] >= '0' && p[j] <= '9';
				alpha |= !(p[j] >= '0' && p[j] <= '9');
				j++;
			}
			if (j - i - 1 >= 8 && digit && alpha && j < size && p[j] == '"') {
				char v[64];
				size_t vl = j - i - 1 < sizeof(v) - 1 ? j - i - 1 : sizeof(v) - 1;
				memcpy(v, p + i + 1, vl);
				v[vl] = '\0';
				if (strstr(err, v)) abort();
			}
			break;
		}
		return 0;
	}
	/* valid: the object ends at its last '}', white space may follow */
	close = size;
	while (close > 0 && (p[close - 1] == ' ' || p[close - 1] == '\t' || p[close - 1] == '\r' || p[close - 1] == '\n')) {
		close--;
	}
	if (close == 0 || p[close - 1] != '}') abort();
	for (i = 0; i + 1 < close; i += 1 + i / 8) { /* cuts before the closing brace */
		if (run(p, i, g, b2, err2, sizeof(err2)) != -1) abort();
	}
	{
		char *q = malloc(size + 2);
		if (!q) return 0;
		memcpy(q, p, size);
		q[size] = '\n';
		q[size + 1] = ' ';
		if (run(q, size + 2, g, b2, err2, sizeof(err2)) != 0) abort();
		free(q);
	}
	return 0;
}
