/* Time: a monotonic clock for deadlines and timings, and seconds written for sentences. Pure C. */
#ifndef SMTP_CORE_CLOCK_H
#define SMTP_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic clock in milliseconds (deadlines are absolute values of it). */
int64_t smtp_now_ms(void);
/* The same clock with sub-millisecond resolution (timings). */
double smtp_now_precise_ms(void);
/* Wall-clock time (Unix) in milliseconds: for logs and the spool's times, never for deadlines. */
int64_t smtp_wall_ms(void);
/* "15", "0.3": a duration in seconds for a sentence ("timed out after 15 s"). */
void smtp_fmt_secs(int64_t ms, char *out, size_t outlen);
/* The deadline of one of `left_parts` attempts that share what is left of `deadline`: a fair share
 * (the time left divided by the parts left, at least 1 s, or all of it when less is left); the last
 * part gets the whole rest. */
int64_t smtp_share_deadline(int64_t deadline, int left_parts);

#endif
