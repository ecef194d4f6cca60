/* The durable queue (smtp.spool_dir): messages that met a transient failure, or every message with
 * smtp.deferred, written so that none is lost and none is delivered twice by two workers. Pure C.
 *
 *   DIR/tmp/   entries being written (a crash leaves a file here, never in new/: it is removed later)
 *   DIR/new/   entries waiting, one file each (spool_entry.h), named by their id
 *   DIR/cur/   entries claimed by a worker: new/ID renamed to cur/ID.PID.TIME (rename is atomic, so
 *              one worker wins); a claim older than the bound is taken back into new/ (a crashed
 *              worker)
 *   DIR/bad/   entries that failed their checksum: never delivered, kept for a look
 *   DIR/flush.lock   one end-of-request flusher at a time (flock)
 *
 * A write is durable before it counts: temporary file, fsync, rename into new/, fsync of new/.
 * Everything is 0700/0600. */
#ifndef SMTP_CORE_SPOOL_H
#define SMTP_CORE_SPOOL_H

#include <stddef.h>
#include "body.h"
#include "log.h"
#include "result.h"
#include "settings.h"
#include "spool_entry.h"

#define SMTP_SPOOL_ID_MAX       64
#define SMTP_SPOOL_BACKOFF_BASE 60     /* seconds before the second attempt (then doubled) ... */
#define SMTP_SPOOL_BACKOFF_MAX  3600   /* ... up to this; each delay drawn in [d/2, d] (jitter) */
#define SMTP_SPOOL_CLAIM_STALE  600    /* a claim this much older than 2 x smtp.timeout is a crashed worker's */
#define SMTP_SPOOL_MAX_ENTRIES  100000 /* entries looked at by one flush or status */

typedef struct {
	char *dir;
} smtp_spool;

/* Makes DIR (0700, when missing; its parent must exist) and its sub-directories. 0, or -1 with a
 * sentence naming the directory and the system's reason. */
int smtp_spool_open(smtp_spool *sp, const char *dir, char *err, size_t errlen);
void smtp_spool_close(smtp_spool *sp);

/* Writes one entry durably: e's meta (created, next, attempts, sender, rcpts ...) and the message read
 * from msg with CRLF line endings (as DATA would send it, before dot-stuffing). id gets the entry's id.
 * 0 once the entry is in new/ and fsynced; -1 with a sentence (nothing is left in new/). */
int smtp_spool_enqueue(smtp_spool *sp, const smtp_spool_entry *e, smtp_body *msg, char *id, char *err, size_t errlen);

/* The same, and the entry stays held by its writer until smtp_spool_release(*held): an flock() taken
 * before it appeared in new/, so no flush takes it meanwhile (a flush skips it; the next one takes
 * it). mail() holds the entry of a failed attempt until it has logged that attempt, so the log line of
 * a later attempt never comes first. *held is -1 when nothing is held (a failure, or a lock that could
 * not be taken). */
int smtp_spool_enqueue_held(smtp_spool *sp, const smtp_spool_entry *e, smtp_body *msg, char *id, int *held, char *err,
                            size_t errlen);
void smtp_spool_release(int held);

/* The next attempt's delay after `attempts` failed attempts (>= 1), jitter drawn from rnd. */
long long smtp_spool_backoff(int attempts, unsigned rnd);

/* Which recipients of rcpts are still to deliver after res (an attempt of the whole list): on a
 * success the ones refused with a 4xx; after a transient failure before RCPT all of them; at RCPT the
 * ones refused with a 4xx (and, the failure transient, those without a reply); after the envelope
 * (DATA, the final reply), the failure transient, every one not refused with a 5xx; else none.
 * Appended to out. */
int smtp_spool_pending(const smtp_result *res, const smtp_strlist *rcpts, smtp_strlist *out);

typedef struct {
	const smtp_config *cfg; /* the settings of the delivering process */
	int limit;              /* entries attempted at most (0: no limit) */
	int force;              /* attempt entries whose next attempt is still ahead */
	int64_t deadline_ms;    /* no new attempt after this (smtp_now_ms()), 0: none */
	long long max_age;      /* seconds: older entries are dropped */
	/* one call per attempt, expiry or damaged entry (the log, warnings) */
	void (*report)(void *ctx, const smtp_log_record *r);
	void *ctx;
} smtp_spool_flush_opts;

typedef struct {
	long delivered, failed, deferred, expired, corrupt, remaining;
} smtp_spool_counts;

/* One pass over the queue: claims each due entry (oldest first), checks it, delivers it with
 * o->cfg, then removes it (delivered, failed for good, expired) or writes it back with the next
 * attempt's time (deferred). 0, or -1 when the spool cannot be read. */
int smtp_spool_flush(smtp_spool *sp, const smtp_spool_flush_opts *o, smtp_spool_counts *c);

typedef struct {
	long count;               /* waiting and claimed */
	long claimed;             /* being delivered now */
	long corrupt;             /* in bad/ */
	long long oldest;         /* created, Unix s (0: empty) */
	long long next_attempt;   /* the soonest next attempt, Unix s (0: empty) */
	unsigned long long bytes; /* on disk, new/ and cur/ */
} smtp_spool_stats;

int smtp_spool_status(smtp_spool *sp, smtp_spool_stats *st);

/* An exclusive lock on DIR/flush.lock without waiting: a descriptor (>= 0) to give back with
 * smtp_spool_unlock, or -1 when another process holds it (or it cannot be made). */
int smtp_spool_trylock(smtp_spool *sp);
void smtp_spool_unlock(int fd);

/* At least one entry in new/ is due now (a cheap look for the end of a request). */
int smtp_spool_has_due(smtp_spool *sp);

#endif
