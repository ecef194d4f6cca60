/* Unit tests of ext/core/spool_entry.c: the entry format round trip, and that a torn, damaged or
 * foreign entry is refused at every byte. */
#include "unit.h"
#include "spool_entry.h"

#include <stdlib.h>

static char err[200];

static void sample(smtp_spool_entry *e)
{
	smtp_spool_entry_init(e);
	e->created = 1796000000;
	e->next = 1796000060;
	e->attempts = 2;
	e->maybe_sent = 1;
	e->message_id = "<abc@example.org>";
	e->error = "SMTP MAIL FROM <a@example.org> refused: 451 4.3.0 Try\r\nlater";
	e->sender = "a@example.org";
	smtp_strlist_add(&e->rcpts, "x@example.org", 13);
	smtp_strlist_add(&e->rcpts, "y@example.net", 13);
}

static const char MSG[] = "Subject: hi\r\nMessage-ID: <abc@example.org>\r\n\r\nbody\r\n";

static void test_round_trip(void)
{
	smtp_spool_entry e, got;
	smtp_buf b;
	long long c, n;
	int a;

	sample(&e);
	smtp_buf_init(&b, 0);
	CHECK(smtp_spool_entry_encode(&e, MSG, strlen(MSG), &b) == 0);
	CHECK(b.len > SMTP_SPOOL_ENTRY_HEADER_LEN && memcmp(b.data, "SMTPSPOOL 1 ", 12) == 0);
	CHECK(smtp_spool_entry_parse((unsigned char *)b.data, b.len, &got, err, sizeof err) == 0);
	CHECK(got.created == 1796000000 && got.next == 1796000060 && got.attempts == 2 && got.maybe_sent == 1);
	CHECK_STR(got.message_id, "<abc@example.org>");
	CHECK_STR(got.error, "SMTP MAIL FROM <a@example.org> refused: 451 4.3.0 Try  later"); /* CR LF -> spaces */
	CHECK_STR(got.sender, "a@example.org");
	CHECK(got.rcpts.count == 2);
	CHECK_STR(got.rcpts.items[1], "y@example.net");
	CHECK_MEM((const char *)got.message, got.message_len, MSG);
	CHECK(smtp_spool_entry_peek((unsigned char *)b.data, 160, &c, &n, &a) == 0 && c == 1796000000 && n == 1796000060
	      && a == 2);
	smtp_spool_entry_free(&got);
	smtp_strlist_free(&e.rcpts);
	smtp_buf_free(&b);
}

static void test_null_sender_and_empty_message(void)
{
	smtp_spool_entry e, got;
	smtp_buf b;

	sample(&e);
	e.sender = "";
	e.message_id = NULL;
	smtp_buf_init(&b, 0);
	CHECK(smtp_spool_entry_encode(&e, "", 0, &b) == 0);
	CHECK(smtp_spool_entry_parse((unsigned char *)b.data, b.len, &got, err, sizeof err) == 0);
	CHECK_STR(got.sender, "");
	CHECK_STR(got.message_id, "");
	CHECK(got.message_len == 0);
	smtp_spool_entry_free(&got);
	/* no recipient: not written */
	smtp_strlist_free(&e.rcpts);
	smtp_buf_reset(&b);
	CHECK(smtp_spool_entry_encode(&e, "", 0, &b) == -1);
	smtp_buf_free(&b);
}

/* Every truncation (a torn write) and every single-byte change is refused. */
static void test_torn_and_damaged(void)
{
	smtp_spool_entry e, got;
	smtp_buf b;
	size_t i;
	int refused = 0, flips = 0;
	unsigned char *copy;

	sample(&e);
	smtp_buf_init(&b, 0);
	smtp_spool_entry_encode(&e, MSG, strlen(MSG), &b);
	copy = malloc(b.len);
	for (i = 0; i < b.len; i++) {
		memcpy(copy, b.data, i);
		refused += smtp_spool_entry_parse(copy, i, &got, err, sizeof err) != 0;
	}
	CHECK(refused == (int)b.len);
	CHECK(strstr(err, "truncated") != NULL || strstr(err, "header") != NULL);
	memcpy(copy, b.data, b.len);
	CHECK(smtp_spool_entry_parse(copy, b.len - 1, &got, err, sizeof err) == -1 && strstr(err, "torn") != NULL);
	for (i = 0; i < b.len; i++) {
		memcpy(copy, b.data, b.len);
		copy[i] ^= 0x20;
		flips += smtp_spool_entry_parse(copy, b.len, &got, err, sizeof err) != 0;
	}
	CHECK(flips == (int)b.len);
	/* a byte more than the header says */
	{
		smtp_buf longer;
		smtp_buf_init(&longer, 0);
		smtp_buf_append(&longer, b.data, b.len);
		smtp_buf_putc(&longer, 'x');
		CHECK(smtp_spool_entry_parse((unsigned char *)longer.data, longer.len, &got, err, sizeof err) == -1);
		smtp_buf_free(&longer);
	}
	CHECK(smtp_spool_entry_parse(NULL, 0, &got, err, sizeof err) == -1);
	CHECK(smtp_spool_entry_parse((const unsigned char *)"hello", 5, &got, err, sizeof err) == -1);
	free(copy);
	smtp_strlist_free(&e.rcpts);
	smtp_buf_free(&b);
}

/* A well-checksummed payload whose meta lines are wrong is refused too (what a fuzzer reaches). */
static void test_bad_meta(void)
{
	static const char *const metas[] = {
	    "created 1\nnext 2\nattempts 0\nmaybe_sent 0\nmessage_id \nerror \nfrom a@b\n\n",            /* no rcpt */
	    "created 1\nnext 2\nattempts 0\nmaybe_sent 2\nmessage_id \nerror \nfrom a@b\nrcpt c@d\n\n",   /* flag */
	    "created x\nnext 2\nattempts 0\nmaybe_sent 0\nmessage_id \nerror \nfrom a@b\nrcpt c@d\n\n",   /* number */
	    "next 2\ncreated 1\nattempts 0\nmaybe_sent 0\nmessage_id \nerror \nfrom a@b\nrcpt c@d\n\n",   /* order */
	    "created 1\nnext 2\nattempts 0\nmaybe_sent 0\nmessage_id \nerror \nfrom a@b\nrcpt \n\n",      /* empty */
	    "created 1\nnext 2\nattempts 0\nmaybe_sent 0\nmessage_id \nerror \nfrom a\rb\nrcpt c@d\n\n",  /* CR */
	    "created 1\nnext 2\nattempts 0\nmaybe_sent 0\nmessage_id \nerror \nfrom a@b\nrcpt c@d\nX",     /* no end */
	};
	size_t i;

	for (i = 0; i < sizeof(metas) / sizeof(metas[0]); i++) {
		smtp_buf b;
		smtp_sha256 h;
		unsigned char sha[32];
		char head[SMTP_SPOOL_ENTRY_HEADER_LEN + 1];
		smtp_spool_entry got;
		size_t n = strlen(metas[i]);
		smtp_sha256_init(&h);
		smtp_sha256_update(&h, metas[i], n);
		smtp_sha256_final(&h, sha);
		smtp_spool_entry_header(n, sha, head);
		smtp_buf_init(&b, 0);
		smtp_buf_append(&b, head, SMTP_SPOOL_ENTRY_HEADER_LEN);
		smtp_buf_append(&b, metas[i], n);
		CHECK(smtp_spool_entry_parse((unsigned char *)b.data, b.len, &got, err, sizeof err) == -1);
		CHECK(strstr(err, "meta") != NULL);
		smtp_buf_free(&b);
	}
}

static void run_tests(void)
{
	test_round_trip();
	test_null_sender_and_empty_message();
	test_torn_and_damaged();
	test_bad_meta();
}
