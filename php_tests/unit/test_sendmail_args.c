/* mail()'s fifth argument: the -f sender, after php_escape_shell_cmd(). */
#include "unit.h"
#include "sendmail_args.h"
#include <stdlib.h>

static void expect(const char *args, const char *want)
{
	char *got = NULL, err[200] = "";
	int r = smtp_sendmail_args_sender(args, &got, err, sizeof(err));
	CHECK(r == 0);
	if (want == NULL) {
		CHECK(got == NULL);
	} else {
		CHECK_STR(got, want);
	}
	free(got);
}

static void expect_error(const char *args)
{
	char *got = NULL, err[200] = "";
	CHECK(smtp_sendmail_args_sender(args, &got, err, sizeof(err)) == -1);
	CHECK(got == NULL);
	CHECK(err[0] != '\0');
}

static void run_tests(void)
{
	expect(NULL, NULL);
	expect("", NULL);
	expect("-i", NULL);
	expect("-fbounce@example.com", "bounce@example.com");
	expect("-f bounce@example.com", "bounce@example.com");
	expect("  -f   bounce@example.com  -i", "bounce@example.com");
	expect("-f 'bounce@example.com'", "bounce@example.com");
	expect("-f\"bounce@example.com\"", "bounce@example.com");
	expect("-f bounce\\@example.com", "bounce@example.com");   /* escaped by php_escape_shell_cmd? still the same address */
	expect("-f a@example.com -f b@example.com", "b@example.com");
	expect("-f '<>'", "");
	expect("-f ''", "");
	expect("-oi -t -fx@example.org", "x@example.org");
	expect_error("-f");
	expect_error("-f 'unterminated");
	expect_error("-f \"unterminated");
	expect_error("-f 'a b@example.com'");
	expect_error("-f a<b>@example.com");
}
