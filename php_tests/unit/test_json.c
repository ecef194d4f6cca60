/* core/json.c: the bounded JSON reader of token answers. */
#include "unit.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

static int parse(const char *s, smtp_json_field *f, size_t n)
{
	char err[128];
	return smtp_json_object_fields(s, strlen(s), f, n, err, sizeof(err));
}

static void run_tests(void)
{
	char tok[64], desc[32], err[128];
	smtp_json_field f[3];

	memset(f, 0, sizeof(f));
	f[0].key = "access_token";
	f[0].out = tok;
	f[0].cap = sizeof(tok);
	f[1].key = "expires_in";
	f[2].key = "error_description";
	f[2].out = desc;
	f[2].cap = sizeof(desc);

	CHECK(parse("{\"access_token\":\"ya29.a\",\"expires_in\":3599,\"scope\":\"x y\"}", f, 3) == 0);
	CHECK_STR(tok, "ya29.a");
	CHECK(f[1].type == SMTP_JSON_NUMBER && f[1].num == 3599);
	CHECK(f[2].type == SMTP_JSON_ABSENT && desc[0] == '\0');
	/* nested members are skipped; only top-level names count */
	CHECK(parse(" {\"x\":{\"access_token\":\"no\"},\"a\":[1,2,{\"b\":null}],\"access_token\":\"yes\"} ", f, 3) == 0);
	CHECK_STR(tok, "yes");
	/* escapes, \u with surrogates to UTF-8 */
	CHECK(parse("{\"error_description\":\"a\\\"b\\\\c\\/\\u00e9\\ud83d\\ude00\"}", f, 3) == 0);
	CHECK_STR(desc, "a\"b\\c/\xc3\xa9\xf0\x9f\x98\x80");
	/* expires_in as a string of digits (some endpoints), a fraction and an exponent */
	CHECK(parse("{\"expires_in\":\"3600\"}", f, 3) == 0 && f[1].type == SMTP_JSON_STRING);
	/* the value's integer part, exponent applied: 12.5e1 is 125 (an endpoint writing 3.6e3 means an hour) */
	CHECK(parse("{\"expires_in\":12.5e1}", f, 3) == 0 && f[1].num == 125);
	CHECK(parse("{\"expires_in\":1e3}", f, 3) == 0 && f[1].num == 1000);
	CHECK(parse("{\"expires_in\":3.6E+3}", f, 3) == 0 && f[1].num == 3600);
	CHECK(parse("{\"expires_in\":3599.9}", f, 3) == 0 && f[1].num == 3599);
	CHECK(parse("{\"expires_in\":5e-1}", f, 3) == 0 && f[1].num == 0);
	CHECK(parse("{\"expires_in\":36000e-1}", f, 3) == 0 && f[1].num == 3600);
	CHECK(parse("{\"expires_in\":-2e2}", f, 3) == 0 && f[1].num == -200);
	CHECK(parse("{\"expires_in\":1e99999999}", f, 3) == 0 && f[1].num == 9223372036854775807LL);
	CHECK(parse("{\"expires_in\":99999999999999999999}", f, 3) == 0 && f[1].num == 9223372036854775807LL);
	CHECK(parse("{\"expires_in\":0e5}", f, 3) == 0 && f[1].num == 0);
	CHECK(parse("{\"expires_in\":true,\"access_token\":null}", f, 3) == 0 && f[1].type == SMTP_JSON_OTHER
	      && f[0].type == SMTP_JSON_ABSENT);
	/* too long for its buffer: an error, never a truncated token */
	CHECK(parse("{\"error_description\":\"0123456789012345678901234567890123456789\"}", f, 3) == -1);
	/* malformed */
	{
		static const char *bad[] = {"",
		                            "[]",
		                            "{",
		                            "{\"a\"}",
		                            "{\"a\":}",
		                            "{\"a\":1,}",
		                            "{\"a\":01}",
		                            "{\"a\":-}",
		                            "{\"a\":\"\\x\"}",
		                            "{\"a\":\"\\ud800\"}",
		                            "{\"a\":tru}",
		                            "{\"a\":1} x",
		                            "{\"a\":\"\x01\"}",
		                            "{\"a\":\"\\u0000\"}",
		                            "{a:1}",
		                            "{\"a\":1.}",
		                            "{\"a\":1e}",
		                            "{\"a\" 1}",
		                            "{\"a\":\"open}"};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			CHECK(parse(bad[i], f, 3) == -1);
		}
	}
	/* depth bound */
	{
		char deep[200];
		size_t i, n = 0;
		deep[n++] = '{';
		memcpy(deep + n, "\"a\":", 4);
		n += 4;
		for (i = 0; i < 40; i++) {
			deep[n++] = '[';
		}
		for (i = 0; i < 40; i++) {
			deep[n++] = ']';
		}
		deep[n++] = '}';
		CHECK(smtp_json_object_fields(deep, n, f, 3, err, sizeof(err)) == -1);
		CHECK(strstr(err, "nested too deep") != NULL);
	}
	/* never reads past len: a valid object cut short at every length */
	{
		const char *s = "{\"access_token\":\"t\",\"expires_in\":10}";
		size_t i, n = strlen(s);
		for (i = 0; i < n; i++) {
			char *copy = malloc(i ? i : 1);
			memcpy(copy, s, i);
			CHECK(smtp_json_object_fields(copy, i, f, 3, err, sizeof(err)) == -1);
			free(copy);
		}
	}
	/* the error names an offset, never the text */
	CHECK(parse("{\"access_token\":\"secret-value\" junk}", f, 3) == -1);
}
