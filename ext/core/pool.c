/* The pool of kept sessions. Pure C.
 *
 * Half-open connections (the server or a NAT dropped the connection without a FIN): a socket check
 * cannot see them, and a command sent into one waits for the whole deadline. A connection idle for
 * less than probe_after_ms is used at once (the check for EOF or stray bytes costs nothing); one idle
 * longer must first answer RSET within probe_ms, a short bound of its own (Postfix probes a cached
 * connection the same way): a dead one costs the page probe_ms, not smtp.timeout. */
#include "pool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	char key[65];
	smtp_session *s;
} entry;

struct smtp_pool {
	entry idle[SMTP_POOL_MAX_IDLE];
	int n;
	smtp_pool_stats stats;
};

smtp_pool *smtp_pool_new(void)
{
	return calloc(1, sizeof(smtp_pool));
}

static void remove_at(smtp_pool *p, int i)
{
	p->idle[i] = p->idle[p->n - 1];
	p->n--;
}

static int is_mine(const smtp_session *s)
{
	return smtp_session_pid(s) == (long)getpid();
}

/* Within the limits at time now? */
static int within(const smtp_session *s, const smtp_pool_limits *lim, int64_t now)
{
	if (lim->max_messages > 0 && smtp_session_messages(s) >= lim->max_messages) {
		return 0;
	}
	if (lim->max_age_ms > 0 && now - smtp_session_opened_at(s) >= lim->max_age_ms) {
		return 0;
	}
	if (lim->idle_timeout_ms > 0 && now - smtp_session_last_used(s) >= lim->idle_timeout_ms) {
		return 0;
	}
	return 1;
}

static void drop(smtp_pool *p, smtp_session *s, int64_t deadline)
{
	p->stats.dropped++;
	if (!is_mine(s)) {
		smtp_session_abandon(s); /* the parent's socket: not a byte from us */
		return;
	}
	smtp_session_quit(s, deadline, NULL);
	smtp_session_free(s);
}

static int valid_key(const char *key)
{
	return key && strlen(key) == 64 && strspn(key, "0") != 64;
}

smtp_session *smtp_pool_take(smtp_pool *p, const char *key, const smtp_pool_limits *lim, const smtp_observer *obs)
{
	int i;

	if (!p || !valid_key(key)) {
		return NULL;
	}
	for (i = p->n - 1; i >= 0; i--) {
		smtp_session *s = p->idle[i].s;
		int64_t now = smtp_now_ms();

		if (strcmp(p->idle[i].key, key) != 0 && is_mine(s)) {
			continue;
		}
		remove_at(p, i);
		if (!is_mine(s) || !within(s, lim, now) || !smtp_session_idle_ok(s)) {
			drop(p, s, now + 1000);
			continue;
		}
		if (lim->probe_after_ms > 0 && now - smtp_session_last_used(s) >= lim->probe_after_ms) {
			p->stats.probes++;
			if (smtp_session_reset(s, now + (lim->probe_ms > 0 ? lim->probe_ms : 2000), obs) != 0) {
				drop(p, s, now + 1000);
				continue;
			}
		}
		p->stats.reused++;
		return s;
	}
	return NULL;
}

void smtp_pool_put(smtp_pool *p, const char *key, smtp_session *s, const smtp_pool_limits *lim, int64_t deadline)
{
	if (!s) {
		return;
	}
	if (!p || !valid_key(key) || smtp_session_state_get(s) != SMTP_S_READY || !is_mine(s)
	    || !within(s, lim, smtp_now_ms())) {
		if (is_mine(s)) {
			smtp_session_quit(s, deadline, NULL);
			smtp_session_free(s);
		} else {
			smtp_session_abandon(s);
		}
		return;
	}
	if (p->n == SMTP_POOL_MAX_IDLE) {
		/* the least recently used makes room */
		int i, oldest = 0;
		for (i = 1; i < p->n; i++) {
			if (smtp_session_last_used(p->idle[i].s) < smtp_session_last_used(p->idle[oldest].s)) {
				oldest = i;
			}
		}
		{
			smtp_session *o = p->idle[oldest].s;
			remove_at(p, oldest);
			drop(p, o, deadline);
		}
	}
	memcpy(p->idle[p->n].key, key, 65);
	p->idle[p->n].s = s;
	p->n++;
}

void smtp_pool_reap(smtp_pool *p, const smtp_pool_limits *lim, int64_t deadline)
{
	int i;

	if (!p) {
		return;
	}
	for (i = p->n - 1; i >= 0; i--) {
		smtp_session *s = p->idle[i].s;
		if (!is_mine(s) || !within(s, lim, smtp_now_ms()) || !smtp_session_idle_ok(s)) {
			remove_at(p, i);
			drop(p, s, deadline);
		}
	}
}

void smtp_pool_free(smtp_pool *p, int64_t deadline)
{
	if (!p) {
		return;
	}
	while (p->n > 0) {
		smtp_session *s = p->idle[p->n - 1].s;
		p->n--;
		if (is_mine(s)) {
			smtp_session_quit(s, deadline, NULL);
			smtp_session_free(s);
		} else {
			smtp_session_abandon(s);
		}
	}
	free(p);
}

int smtp_pool_idle(const smtp_pool *p)
{
	return p ? p->n : 0;
}

smtp_pool_stats *smtp_pool_stats_of(smtp_pool *p)
{
	return p ? &p->stats : NULL;
}
