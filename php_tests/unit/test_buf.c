/* Unit tests of ext/core/buf.c and ext/core/strlist.c. */
#include "unit.h"
#include "buf.h"
#include "strlist.h"

#include <stdlib.h>

static void test_append(void)
{
	smtp_buf b;
	smtp_buf_init(&b, 0);
	CHECK(b.data == NULL && b.len == 0);
	CHECK(smtp_buf_append(&b, "", 0) == 0);
	CHECK(b.data != NULL && b.len == 0 && b.data[0] == '\0');
	CHECK(smtp_buf_puts(&b, "hello") == 0);
	CHECK(smtp_buf_putc(&b, ' ') == 0);
	CHECK(smtp_buf_append(&b, "world!!", 5) == 0);
	CHECK_STR(b.data, "hello world");
	CHECK(b.len == 11);
	CHECK(smtp_buf_printf(&b, " %d-%s", 42, "x") == 0);
	CHECK_STR(b.data, "hello world 42-x");
	/* binary content with NUL bytes keeps its length */
	smtp_buf_reset(&b);
	CHECK(b.len == 0 && b.data[0] == '\0');
	CHECK(smtp_buf_append(&b, "a\0b", 3) == 0);
	CHECK(b.len == 3 && b.data[1] == '\0' && b.data[2] == 'b' && b.data[3] == '\0');
	smtp_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	smtp_buf_free(&b); /* twice is fine */
}

static void test_large_printf(void)
{
	smtp_buf b;
	char big[1000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	smtp_buf_init(&b, 0);
	CHECK(smtp_buf_printf(&b, "[%s]", big) == 0);
	CHECK(b.len == 1001 && b.data[0] == '[' && b.data[1000] == ']' && b.data[1001] == '\0');
	CHECK(strspn(b.data + 1, "z") == 999);
	smtp_buf_free(&b);
}

static void test_limit(void)
{
	smtp_buf b;
	smtp_buf_init(&b, 10);
	CHECK(smtp_buf_puts(&b, "0123456789") == 0);
	CHECK(b.len == 10);
	CHECK(smtp_buf_putc(&b, 'x') == -1);
	CHECK(b.len == 10);                    /* unchanged after a failed append */
	CHECK_STR(b.data, "0123456789");
	smtp_buf_reset(&b);
	CHECK(smtp_buf_puts(&b, "01234") == 0);
	CHECK(smtp_buf_puts(&b, "567890") == -1);
	CHECK_STR(b.data, "01234");
	CHECK(smtp_buf_printf(&b, "%s", "abcdefghijk") == -1);
	CHECK_STR(b.data, "01234");
	CHECK(smtp_buf_printf(&b, "%s", "abcde") == 0);
	CHECK_STR(b.data, "01234abcde");
	CHECK(smtp_buf_reserve(&b, 1) == -1);
	CHECK(smtp_buf_append(&b, "x", (size_t)-1) == -1);
	smtp_buf_free(&b);
}

static void test_detach(void)
{
	smtp_buf b;
	char *p;
	size_t n = 99;
	smtp_buf_init(&b, 0);
	smtp_buf_puts(&b, "keep");
	p = smtp_buf_detach(&b, &n);
	CHECK_STR(p, "keep");
	CHECK(n == 4);
	CHECK(b.data == NULL && b.len == 0);
	free(p);
	p = smtp_buf_detach(&b, &n);     /* empty buffer: "" not NULL */
	CHECK(p != NULL && p[0] == '\0' && n == 0);
	free(p);
}

static void test_growth(void)
{
	smtp_buf b;
	size_t i, reallocs = 0, cap = 0;
	int ok = 1;
	smtp_buf_init(&b, 0);
	for (i = 0; i < 100000; i++) {
		if (smtp_buf_append(&b, "0123456789", 10) != 0) { ok = 0; break; }
		if (b.cap != cap) { reallocs++; cap = b.cap; }
	}
	CHECK(ok);
	CHECK(b.len == 1000000);
	CHECK(reallocs < 30);            /* geometric growth */
	CHECK(memcmp(b.data + 999990, "0123456789", 10) == 0);
	smtp_buf_free(&b);

	smtp_buf_init(&b, 0);
	CHECK(smtp_buf_reserve(&b, 5000) == 0);
	cap = b.cap;
	CHECK(cap >= 5001);
	for (i = 0; i < 500; i++) smtp_buf_append(&b, "abcdefghij", 10);
	CHECK(b.cap == cap);             /* no reallocation after a big enough reserve */
	smtp_buf_free(&b);
}

static void test_wipe_and_strings(void)
{
	smtp_buf b;
	char *s;
	unsigned char secret[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t i;
	int zero = 1;

	smtp_buf_init(&b, 0);
	smtp_buf_puts(&b, "password");
	smtp_buf_wipe(&b);
	CHECK(b.data == NULL && b.len == 0);
	smtp_memzero(secret, sizeof secret);
	for (i = 0; i < sizeof secret; i++) if (secret[i]) zero = 0;
	CHECK(zero);

	s = smtp_strndup("abcdef", 3);
	CHECK_STR(s, "abc");
	free(s);
	s = smtp_strdup("");
	CHECK_STR(s, "");
	free(s);
	s = smtp_strdup("x@y");
	CHECK_STR(s, "x@y");
	free(s);
}

static void test_strlist(void)
{
	smtp_strlist l;
	size_t i;
	char tmp[32];
	int ok = 1;

	smtp_strlist_init(&l);
	CHECK(l.count == 0);
	CHECK(smtp_strlist_add(&l, "one", 3) == 0);
	CHECK(smtp_strlist_add(&l, "twoXX", 3) == 0);
	CHECK(l.count == 2);
	CHECK_STR(l.items[0], "one");
	CHECK_STR(l.items[1], "two");
	smtp_strlist_free(&l);
	CHECK(l.count == 0 && l.items == NULL);

	/* many items keep their order */
	for (i = 0; i < 1000; i++) {
		snprintf(tmp, sizeof tmp, "item%zu", i);
		if (smtp_strlist_add(&l, tmp, strlen(tmp)) != 0) ok = 0;
	}
	CHECK(ok && l.count == 1000);
	CHECK_STR(l.items[999], "item999");
	CHECK_STR(l.items[0], "item0");
	smtp_strlist_free(&l);

	/* address de-duplication: domain case-insensitive, local part exact */
	CHECK(smtp_strlist_add_address_unique(&l, "John@Example.COM", 16) == 1);
	CHECK(smtp_strlist_add_address_unique(&l, "John@example.com", 16) == 0);
	CHECK(smtp_strlist_add_address_unique(&l, "john@example.com", 16) == 1);
	CHECK(smtp_strlist_add_address_unique(&l, "John@example.org", 16) == 1);
	CHECK(smtp_strlist_add_address_unique(&l, "root", 4) == 1);
	CHECK(smtp_strlist_add_address_unique(&l, "root", 4) == 0);
	CHECK(smtp_strlist_add_address_unique(&l, "ROOT", 4) == 1);
	CHECK(smtp_strlist_add_address_unique(&l, "\"a@b\"@x.org", 11) == 1);
	CHECK(smtp_strlist_add_address_unique(&l, "\"a@b\"@X.ORG", 11) == 0);
	CHECK(smtp_strlist_add_address_unique(&l, "John@example.comX", 16) == 0); /* n honoured */
	CHECK(l.count == 6);
	CHECK_STR(l.items[0], "John@Example.COM");
	CHECK_STR(l.items[2], "John@example.org");
	smtp_strlist_free(&l);
}

static void run_tests(void)
{
	test_append();
	test_large_printf();
	test_limit();
	test_detach();
	test_growth();
	test_wipe_and_strings();
	test_strlist();
}
