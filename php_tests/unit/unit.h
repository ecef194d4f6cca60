/* A minimal test harness for the C unit tests of ext/core. Each test file defines
 * `static void run_tests(void)` calling the CHECK macros; main() prints every failure and a
 * final "N passed, N failed" line and exits non-zero on failure. */
#ifndef SMTP_UNIT_H
#define SMTP_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define CHECK(cond) do { \
	if (cond) { unit_passed++; } \
	else { unit_failed++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) { unit_passed++; } \
	else { unit_failed++; fprintf(stderr, "FAIL %s:%d: %s\n  got:  \"%s\"\n  want: \"%s\"\n", \
		__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define CHECK_MEM(got, gotlen, want) do { \
	const char *g_ = (got), *w_ = (want); size_t gl_ = (gotlen), wl_ = strlen(w_); \
	if (g_ && gl_ == wl_ && memcmp(g_, w_, wl_) == 0) { unit_passed++; } \
	else { unit_failed++; fprintf(stderr, "FAIL %s:%d: %s\n  got:  \"%.*s\"\n  want: \"%s\"\n", \
		__FILE__, __LINE__, #got, (int)(g_ ? gl_ : 6), g_ ? g_ : "(null)", w_); } \
} while (0)

static void run_tests(void);

int main(void)
{
	run_tests();
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
