/* Open sessions kept for the next submission of this process (the binding keeps one pool per process,
 * per thread under ZTS, in its module globals). A layer over sessions (lettre, Postfix's connection
 * cache): a session is handed out only under the key it was opened with (settings.h
 * smtp_config_key), only by the process that opened it, only while it is within its limits, and only
 * when nothing is waiting on its socket. Pure C; no thread: limits are enforced when a session is
 * taken or put back and by smtp_pool_reap() at the end of a request. */
#ifndef SMTP_CORE_POOL_H
#define SMTP_CORE_POOL_H

#include <stdint.h>
#include "session.h"

#define SMTP_POOL_MAX_IDLE 8 /* idle sessions kept in all (a few keys, a few sessions each) */

typedef struct {
	int max_messages;    /* messages per connection, then QUIT (smtp.max_messages) */
	int idle_timeout_ms; /* idle longer than this: QUIT (smtp.idle_timeout) */
	int max_age_ms;      /* opened longer ago than this: QUIT instead of reuse (smtp.max_connection_age) */
	int probe_after_ms;  /* idle longer than this: RSET before reuse, bounded by probe_ms (see pool.c) */
	int probe_ms;
} smtp_pool_limits;

typedef struct {
	unsigned long long opened;      /* connections opened by submissions */
	unsigned long long reused;      /* submissions that used a kept connection */
	unsigned long long messages;    /* messages accepted */
	unsigned long long recipients;  /* recipients accepted */
	unsigned long long bytes;       /* bytes written */
	unsigned long long round_trips; /* replies waited for */
	unsigned long long retries;     /* a kept connection was gone at its first command: sent again on a new one */
	unsigned long long probes;      /* RSET before reusing a long-idle connection */
	unsigned long long dropped;     /* kept connections closed: gone, over a limit, another process's */
	unsigned long long tls_resumed; /* new connections whose TLS handshake resumed an earlier session */
} smtp_pool_stats;

typedef struct smtp_pool smtp_pool;

smtp_pool *smtp_pool_new(void);
/* QUITs every idle session (best effort, bounded by deadline; another process's are dropped silently)
 * and frees. NULL is fine. */
void smtp_pool_free(smtp_pool *p, int64_t deadline);

/* A READY session for key, or NULL. Sessions of another process are dropped without a word, those
 * past their limits or with anything waiting on their socket are closed; one idle longer than
 * probe_after_ms must answer RSET within probe_ms first. The session taken is the caller's until
 * smtp_pool_put or smtp_session_free. */
smtp_session *smtp_pool_take(smtp_pool *p, const char *key, const smtp_pool_limits *lim, const smtp_observer *obs);
/* Keeps s for key when it is READY, within max_messages and max_age; otherwise QUITs and frees it.
 * The oldest idle session makes room when the pool is full. */
void smtp_pool_put(smtp_pool *p, const char *key, smtp_session *s, const smtp_pool_limits *lim, int64_t deadline);
/* Closes idle sessions past their limits (and another process's). */
void smtp_pool_reap(smtp_pool *p, const smtp_pool_limits *lim, int64_t deadline);

int smtp_pool_idle(const smtp_pool *p);
smtp_pool_stats *smtp_pool_stats_of(smtp_pool *p);

#endif
