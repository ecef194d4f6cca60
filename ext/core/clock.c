/* Time. Pure C. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

int64_t smtp_wall_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		return (int64_t)time(NULL) * 1000;
	}
	return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

int64_t smtp_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		return 0;
	}
	return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

double smtp_now_precise_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		return 0.0;
	}
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void smtp_fmt_secs(int64_t ms, char *out, size_t outlen)
{
	if (ms < 0) {
		ms = 0;
	}
	if (ms >= 10000 || ms % 1000 == 0) {
		snprintf(out, outlen, "%lld", (long long)((ms + 500) / 1000));
	} else {
		snprintf(out, outlen, "%.1f", (double)ms / 1000.0);
	}
}

int64_t smtp_share_deadline(int64_t deadline, int left_parts)
{
	int64_t now = smtp_now_ms(), left = deadline - now, share;

	if (left_parts <= 1 || left <= 0) {
		return deadline;
	}
	share = left / left_parts;
	if (share < 1000) {
		share = left < 1000 ? left : 1000;
	}
	return now + share;
}
