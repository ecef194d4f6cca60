/* Unit tests of clock.c: the monotonic clock, seconds for sentences, the fair share of a deadline. */
#include "unit.h"
#include "clock.h"

#include <unistd.h>

static void run_tests(void)
{
	char s[32];
	int64_t a = smtp_now_ms(), b, now, d;
	double p = smtp_now_precise_ms();

	usleep(20 * 1000);
	b = smtp_now_ms();
	CHECK(b - a >= 19 && b - a < 2000);
	CHECK(smtp_now_precise_ms() - p >= 19.0);

	smtp_fmt_secs(15000, s, sizeof(s));
	CHECK_STR(s, "15");
	smtp_fmt_secs(2000, s, sizeof(s));
	CHECK_STR(s, "2");
	smtp_fmt_secs(300, s, sizeof(s));
	CHECK_STR(s, "0.3");
	smtp_fmt_secs(1500, s, sizeof(s));
	CHECK_STR(s, "1.5");
	smtp_fmt_secs(12345, s, sizeof(s));
	CHECK_STR(s, "12");
	smtp_fmt_secs(-5, s, sizeof(s));
	CHECK_STR(s, "0");

	/* the last part gets the whole rest; others a fair share, at least 1 s */
	now = smtp_now_ms();
	d = now + 9000;
	CHECK(smtp_share_deadline(d, 1) == d);
	CHECK(smtp_share_deadline(d, 0) == d);
	{
		int64_t s3 = smtp_share_deadline(d, 3) - now;
		CHECK(s3 >= 2900 && s3 <= 3100);
	}
	{
		int64_t s20 = smtp_share_deadline(d, 20) - now; /* 450 ms would be unfair to the first: 1 s */
		CHECK(s20 >= 990 && s20 <= 1100);
	}
	{
		int64_t short_left = now + 500; /* less than 1 s left: all of it */
		CHECK(smtp_share_deadline(short_left, 4) <= short_left + 5 && smtp_share_deadline(short_left, 4) >= short_left - 50);
	}
	CHECK(smtp_share_deadline(now - 10, 3) == now - 10); /* past: as it is */
}
