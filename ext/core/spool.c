/* The durable queue (spool.h). Pure C (POSIX files). */
#include "spool.h"

#include "clock.h"
#include "data.h"
#include "message.h"
#include "submit.h"

#include <dirent.h>
#include <openssl/rand.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif
#define TMP_STALE_S 3600 /* a file left in tmp/ this long is a crashed writer's */
#define PEEK_BYTES  256  /* the header line and the schedule lines fit */

static const char *const SUBDIRS[] = {"tmp", "new", "cur", "bad"};

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, int e)
{
	if (err && errlen) {
		snprintf(err, errlen, fmt, a, strerror(e));
	}
}

static int path_of(char *out, const smtp_spool *sp, const char *sub, const char *name)
{
	int n =
	    name ? snprintf(out, PATH_MAX, "%s/%s/%s", sp->dir, sub, name) : snprintf(out, PATH_MAX, "%s/%s", sp->dir, sub);
	return n > 0 && n < PATH_MAX ? 0 : -1;
}

static int fsync_dir(const smtp_spool *sp, const char *sub)
{
	char p[PATH_MAX];
	int fd, rc, e;

	if (path_of(p, sp, sub, NULL) != 0 || (fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		return -1;
	}
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e; /* fsync's */
	return rc;
}

static int make_dir(const char *p, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(p, 0700) != 0 && errno != EEXIST) {
		set_err(err, errlen, "cannot create the spool directory %.300s: %s", p, errno);
		return -1;
	}
	if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
		set_err(err, errlen, "the spool directory %.300s is not a directory: %s", p, errno ? errno : ENOTDIR);
		return -1;
	}
	return 0;
}

int smtp_spool_open(smtp_spool *sp, const char *dir, char *err, size_t errlen)
{
	char p[PATH_MAX];
	size_t i, n = dir ? strlen(dir) : 0;

	sp->dir = NULL;
	while (n > 1 && dir[n - 1] == '/') {
		n--;
	}
	if (n == 0 || n > PATH_MAX - 64) {
		set_err(err, errlen, "the spool directory %.300s is not a usable path: %s", dir ? dir : "", EINVAL);
		return -1;
	}
	sp->dir = smtp_strndup(dir, n);
	if (!sp->dir) {
		set_err(err, errlen, "the spool directory %.300s: %s", dir, ENOMEM);
		return -1;
	}
	if (make_dir(sp->dir, err, errlen) != 0) {
		goto fail;
	}
	for (i = 0; i < sizeof(SUBDIRS) / sizeof(SUBDIRS[0]); i++) {
		if (path_of(p, sp, SUBDIRS[i], NULL) != 0 || make_dir(p, err, errlen) != 0) {
			goto fail;
		}
	}
	return 0;
fail:
	smtp_spool_close(sp);
	return -1;
}

void smtp_spool_close(smtp_spool *sp)
{
	free(sp->dir);
	sp->dir = NULL;
}

/* 64 random bits (OpenSSL's generator, safe from any thread; /dev/urandom if it fails; the clock and
 * the process id at worst, beside the entry name's milliseconds and process id). */
static unsigned long long random64(void)
{
	unsigned long long r = 0;

	if (RAND_bytes((unsigned char *)&r, (int)sizeof(r)) != 1) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		r = 0;
		if (fd >= 0) {
			if (read(fd, &r, sizeof(r)) != (ssize_t)sizeof(r)) {
				r = 0;
			}
			close(fd);
		}
		r ^= (unsigned long long)smtp_now_precise_ms() * 0x9E3779B97F4A7C15ULL ^ (unsigned long long)getpid();
	}
	return r;
}

/* ---- writing ------------------------------------------------------------------------------- */

typedef struct {
	int fd;
	smtp_sha256 *h;
	size_t written;
	int err;
} file_sink;

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sink_flush(void *ctx, const char *p, size_t n)
{
	file_sink *s = ctx;

	if (write_all(s->fd, p, n) != 0) {
		s->err = errno ? errno : EIO;
		return -1;
	}
	smtp_sha256_update(s->h, p, n);
	s->written += n;
	return 0;
}

/* Writes e + msg as new/ID: tmp/ID.PID, fsync, rename, fsync of new/. held (NULL: not wanted) gets the
 * entry's descriptor with an exclusive flock() taken before the entry appeared in new/: flushers leave
 * the entry alone until smtp_spool_release() (-1 when the lock could not be taken). */
static int write_entry(smtp_spool *sp, const char *id, const smtp_spool_entry *e, smtp_body *msg, int *held, char *err,
                       size_t errlen)
{
	char tmp[PATH_MAX], dst[PATH_MAX], name[SMTP_SPOOL_ID_MAX + 32], head[SMTP_SPOOL_ENTRY_HEADER_LEN + 1], why[200];
	unsigned char sha[32];
	smtp_sha256 h;
	smtp_buf meta;
	smtp_wbuf w;
	file_sink sink;
	int fd, e_no = 0;

	snprintf(name, sizeof(name), "%s.%ld", id, (long)getpid());
	if (path_of(tmp, sp, "tmp", name) != 0 || path_of(dst, sp, "new", id) != 0) {
		set_err(err, errlen, "the spool path under %.300s is too long: %s", sp->dir, ENAMETOOLONG);
		return -1;
	}
	if (held) {
		*held = -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		set_err(err, errlen, "cannot create a spool file in %.300s: %s", sp->dir, errno);
		return -1;
	}
	/* nobody else can see tmp/ yet: the lock is taken at once (or not at all: the entry is then simply
	 * not held) */
	if (held && flock(fd, LOCK_EX | LOCK_NB) == 0) {
		*held = fd;
	}
	smtp_buf_init(&meta, SMTP_SPOOL_ENTRY_MAX_META);
	memset(head, ' ', SMTP_SPOOL_ENTRY_HEADER_LEN);
	memset(&sink, 0, sizeof(sink));
	sink.fd = fd;
	sink.h = &h;
	if (smtp_sha256_init(&h) != 0 || smtp_spool_entry_meta(e, &meta) != 0) {
		e_no = ENOMEM;
		goto fail;
	}
	if (write_all(fd, head, SMTP_SPOOL_ENTRY_HEADER_LEN) != 0 || sink_flush(&sink, meta.data, meta.len) != 0) {
		e_no = errno ? errno : EIO;
		goto fail;
	}
	if (smtp_wbuf_init(&w, sink_flush, &sink) != 0) {
		e_no = ENOMEM;
		goto fail;
	}
	why[0] = '\0';
	if (smtp_crlf_put(msg, &w, why, sizeof(why)) != 0 || smtp_wbuf_flush(&w) != 0) {
		smtp_wbuf_free(&w);
		e_no = sink.err ? sink.err : EIO;
		goto fail;
	}
	smtp_wbuf_free(&w);
	smtp_sha256_final(&h, sha);
	smtp_spool_entry_header(sink.written, sha, head);
	if (pwrite(fd, head, SMTP_SPOOL_ENTRY_HEADER_LEN, 0) != SMTP_SPOOL_ENTRY_HEADER_LEN || fsync(fd) != 0) {
		e_no = errno ? errno : EIO;
		goto fail;
	}
	if (!held || *held < 0) {
		/* a held descriptor stays open (it is the lock); the data is on disk already (fsync) */
		if (close(fd) != 0) {
			fd = -1;
			e_no = errno;
			goto fail;
		}
		fd = -1;
	}
	if (rename(tmp, dst) != 0) {
		e_no = errno;
		goto fail;
	}
	smtp_buf_free(&meta);
	if (fsync_dir(sp, "new") != 0) {
		/* The entry is complete and in place, but its directory entry may not be on disk: it is taken
		 * out again, so that a failure means "not queued" (mail() says false, a write-back keeps its
		 * claimed copy) and the message is never both reported lost and delivered. Gone already
		 * (ENOENT): a flush claimed it, so it is queued after all. */
		e_no = errno;
		if (unlink(dst) != 0 && errno == ENOENT) {
			if (held && *held >= 0) {
				smtp_spool_release(*held);
				*held = -1;
			}
			return 0;
		}
		if (held && *held >= 0) {
			smtp_spool_release(*held);
			*held = -1;
		}
		set_err(err, errlen, "the spool directory %.300s could not be synced, so the entry was taken out again: %s",
		        sp->dir, e_no ? e_no : EIO);
		return -1;
	}
	return 0;
fail:
	smtp_sha256_final(&h, sha);
	if (fd >= 0) {
		close(fd);
	}
	if (held) {
		*held = -1;
	}
	unlink(tmp);
	smtp_buf_free(&meta);
	set_err(err, errlen, "cannot write a spool entry in %.300s: %s", sp->dir, e_no ? e_no : EIO);
	return -1;
}

int smtp_spool_enqueue_held(smtp_spool *sp, const smtp_spool_entry *e, smtp_body *msg, char *id, int *held, char *err,
                            size_t errlen)
{
	/* the time in ms first: names sort in the order entries were made */
	snprintf(id, SMTP_SPOOL_ID_MAX, "%013lld-%ld-%016llx", (long long)smtp_wall_ms(), (long)getpid(), random64());
	return write_entry(sp, id, e, msg, held, err, errlen);
}

int smtp_spool_enqueue(smtp_spool *sp, const smtp_spool_entry *e, smtp_body *msg, char *id, char *err, size_t errlen)
{
	return smtp_spool_enqueue_held(sp, e, msg, id, NULL, err, errlen);
}

void smtp_spool_release(int held)
{
	if (held >= 0) {
		close(held); /* the flock goes with the last descriptor of the open file */
	}
}

long long smtp_spool_backoff(int attempts, unsigned rnd)
{
	long long d = SMTP_SPOOL_BACKOFF_BASE;
	int i;

	for (i = 1; i < attempts && d < SMTP_SPOOL_BACKOFF_MAX; i++) {
		d *= 2;
	}
	if (d > SMTP_SPOOL_BACKOFF_MAX) {
		d = SMTP_SPOOL_BACKOFF_MAX;
	}
	return d / 2 + (long long)(rnd % (unsigned)(d / 2 + 1));
}

static const smtp_rcpt_result *rcpt_of(const smtp_result *res, const char *addr)
{
	size_t i;

	for (i = 0; i < res->rcpt_count; i++) {
		if (res->rcpts[i].address && strcmp(res->rcpts[i].address, addr) == 0) {
			return &res->rcpts[i];
		}
	}
	return NULL;
}

int smtp_spool_pending(const smtp_result *res, const smtp_strlist *rcpts, smtp_strlist *out)
{
	int transient = !res->ok && smtp_err_is_transient(&res->err);
	smtp_stage st = res->err.stage;
	size_t i;

	for (i = 0; i < rcpts->count; i++) {
		const smtp_rcpt_result *r = rcpt_of(res, rcpts->items[i]);
		int code = r ? r->code : 0, temp = code >= 400 && code < 500, take;
		if (res->ok) {
			take = temp || code == 0; /* accepted for the others */
		} else if (st < SMTP_STAGE_RCPT) {
			take = transient; /* nothing got as far as RCPT (replies to a pipelined RCPT after a refused MAIL
			                   * say nothing of the recipient) */
		} else if (st == SMTP_STAGE_RCPT) {
			take = temp || (transient && code == 0);
		} else {
			take = transient && !(code >= 500 && code < 600);
		}
		if (take && smtp_strlist_add(out, rcpts->items[i], strlen(rcpts->items[i])) != 0) {
			return -1;
		}
	}
	return 0;
}

/* ---- reading ------------------------------------------------------------------------------- */

typedef struct {
	char **names;
	size_t count, cap;
} name_list;

static void names_free(name_list *l)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		free(l->names[i]);
	}
	free(l->names);
	memset(l, 0, sizeof(*l));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file names in DIR/sub (no dot files), sorted: oldest first (an id starts with its time). */
static int list_dir(const smtp_spool *sp, const char *sub, name_list *l)
{
	char p[PATH_MAX];
	DIR *d;
	struct dirent *de;

	memset(l, 0, sizeof(*l));
	if (path_of(p, sp, sub, NULL) != 0 || !(d = opendir(p))) {
		return -1;
	}
	while ((de = readdir(d)) != NULL && l->count < SMTP_SPOOL_MAX_ENTRIES) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= SMTP_SPOOL_ID_MAX + 32) {
			continue;
		}
		if (l->count == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 64;
			char **nn = realloc(l->names, nc * sizeof(*nn));
			if (!nn) {
				break;
			}
			l->names = nn;
			l->cap = nc;
		}
		if (!(l->names[l->count] = smtp_strdup(de->d_name))) {
			break;
		}
		l->count++;
	}
	closedir(d);
	if (l->count > 1) {
		qsort(l->names, l->count, sizeof(char *), cmp_names);
	}
	return 0;
}

/* The schedule lines of an entry. held (NULL: not asked) is set when the entry's writer still holds it
 * (smtp_spool_enqueue_held). */
static int peek_file(const char *path, long long *created, long long *next, int *attempts, off_t *size, int *held)
{
	unsigned char b[PEEK_BYTES];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc;

	if (fd < 0) {
		return -1;
	}
	if (held) {
		*held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	}
	if (size) {
		*size = fstat(fd, &st) == 0 ? st.st_size : 0;
	}
	n = read(fd, b, sizeof(b));
	close(fd);
	rc = n > 0 ? smtp_spool_entry_peek(b, (size_t)n, created, next, attempts) : -1;
	return rc;
}

/* The id in a claim name ID.PID.TIME, and its time. 0, or -1 when the name is not a claim. */
static int claim_parts(const char *name, char *id, size_t idlen, long long *t)
{
	const char *d2 = strrchr(name, '.'), *d1;
	char *end;

	if (!d2 || d2 == name) {
		return -1;
	}
	for (d1 = d2 - 1; d1 > name && *d1 != '.'; d1--) {
	}
	if (*d1 != '.' || (size_t)(d1 - name) >= idlen) {
		return -1;
	}
	errno = 0;
	*t = strtoll(d2 + 1, &end, 10);
	if (errno || *end || end == d2 + 1) {
		return -1;
	}
	memcpy(id, name, (size_t)(d1 - name));
	id[d1 - name] = '\0';
	return 0;
}

/* Claims left by a crashed worker go back into new/; files a crashed writer left in tmp/ go. */
static void recover(smtp_spool *sp, long long now, long long stale)
{
	name_list l;
	size_t i;
	char from[PATH_MAX], to[PATH_MAX], id[SMTP_SPOOL_ID_MAX + 32];
	long long t;
	struct stat st;

	if (list_dir(sp, "cur", &l) == 0) {
		for (i = 0; i < l.count; i++) {
			if (claim_parts(l.names[i], id, sizeof(id), &t) != 0 || now - t <= stale
			    || path_of(from, sp, "cur", l.names[i]) || path_of(to, sp, "new", id)) {
				continue;
			}
			if (stat(to, &st) == 0) {
				unlink(from); /* the worker wrote the entry back, then died before removing its claim */
			} else {
				rename(from, to);
			}
		}
		names_free(&l);
		fsync_dir(sp, "new");
	}
	if (list_dir(sp, "tmp", &l) == 0) {
		for (i = 0; i < l.count; i++) {
			if (path_of(from, sp, "tmp", l.names[i]) == 0 && stat(from, &st) == 0 && now - st.st_mtime > TMP_STALE_S) {
				unlink(from);
			}
		}
		names_free(&l);
	}
}

static void report(const smtp_spool_flush_opts *o, smtp_log_record *r)
{
	if (o->report) {
		o->report(o->ctx, r);
	}
}

static void record_of(smtp_log_record *r, const smtp_spool_entry *e, const char *id, long long now_ms)
{
	memset(r, 0, sizeof(*r));
	r->time_ms = now_ms;
	r->message_id = e->message_id;
	r->from = e->sender;
	r->rcpts = e->rcpts.count;
	r->attempt = e->attempts + 1;
	r->spool_id = id;
	r->maybe_sent = e->maybe_sent;
	r->source = "spool";
}

static int has_8bit(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80) {
			return 1;
		}
	}
	return 0;
}

typedef enum { DONE_REMOVE, DONE_DEFER } outcome;

/* The length of a stored message's header section, its empty line included (CRLF CRLF, or a message
 * that starts with the empty line); 0 when there is none. */
static size_t header_section_len(const unsigned char *m, size_t n)
{
	size_t i;

	if (n >= 2 && m[0] == '\r' && m[1] == '\n') {
		return 2;
	}
	for (i = 0; i + 3 < n; i++) {
		if (m[i] == '\r' && m[i + 1] == '\n' && m[i + 2] == '\r' && m[i + 3] == '\n') {
			return i + 4;
		}
	}
	return 0;
}

/* One attempt of a claimed, checked entry. */
static outcome deliver(const smtp_spool_flush_opts *o, const char *id, smtp_spool_entry *e, smtp_strlist *pending,
                       char **error, int *maybe, smtp_spool_counts *c)
{
	smtp_message msg;
	smtp_result res;
	smtp_observer robs, obs;
	smtp_log_tap tap;
	smtp_log_record r;
	size_t i, hlen;
	outcome out;
	long long t0 = smtp_wall_ms();

	smtp_message_init(&msg);
	msg.sender = smtp_strdup(e->sender);
	for (i = 0; i < e->rcpts.count; i++) {
		smtp_strlist_add(&msg.rcpts, e->rcpts.items[i], strlen(e->rcpts.items[i]));
		msg.utf8_addrs |= has_8bit((const unsigned char *)e->rcpts.items[i], strlen(e->rcpts.items[i]));
	}
	msg.utf8_addrs |= has_8bit((const unsigned char *)e->sender, strlen(e->sender));
	/* The stored message is the header section as rebuilt (ending with its empty line) and the body:
	 * handed over as such, so that what the message gets on the way (DKIM signatures of the process
	 * that delivers) goes before the header section as for a first attempt. */
	hlen = header_section_len(e->message, e->message_len);
	if (hlen > 0 && smtp_buf_append(&msg.headers, (const char *)e->message, hlen) != 0) {
		hlen = 0;
	}
	msg.body[0] = (const char *)e->message + hlen;
	msg.body_len[0] = e->message_len - hlen;
	msg.nbody = 1;
	msg.size = e->message_len;
	msg.eight_bit = has_8bit(e->message, e->message_len);
	smtp_result_init(&res);
	smtp_result_observer(&res, &robs);
	smtp_log_tap_observer(&tap, &robs, &obs);
	if (!msg.sender || msg.rcpts.count != e->rcpts.count) {
		smtp_result_set_error(&res, SMTP_STAGE_MAIL, SMTP_CAUSE_NOMEM, "SMTP spool: out of memory");
	} else {
		smtp_submit_observed(o->cfg, &msg, &obs, NULL);
	}
	smtp_spool_pending(&res, &e->rcpts, pending);
	*maybe = e->maybe_sent || smtp_log_maybe_sent(&tap, &res);
	record_of(&r, e, id, t0);
	smtp_log_from_result(&r, &res);
	r.reused = tap.reused;
	r.maybe_sent = *maybe;
	if (pending->count > 0) {
		r.result = "queued";
		c->deferred++;
		out = DONE_DEFER;
		*error = smtp_strdup(res.error ? res.error : "SMTP: some recipients were refused for now");
	} else {
		r.result = res.ok ? "sent" : "failed";
		if (res.ok) {
			c->delivered++;
		} else {
			c->failed++;
		}
		out = DONE_REMOVE;
	}
	report(o, &r);
	smtp_result_free(&res);
	smtp_message_free(&msg);
	return out;
}

static long long stale_bound(const smtp_config *cfg)
{
	long long t = cfg && cfg->timeout_ms > 0 ? cfg->timeout_ms / 1000 : 15;
	return 2 * t + SMTP_SPOOL_CLAIM_STALE;
}

/* One claimed entry: check, expire, deliver, then remove or write back. */
static void handle(smtp_spool *sp, const smtp_spool_flush_opts *o, const char *id, const char *claim, long long now,
                   smtp_spool_counts *c)
{
	char cpath[PATH_MAX], other[PATH_MAX], err[256], werr[400];
	smtp_spool_entry e;
	smtp_log_record r;
	struct stat st;
	unsigned char *map = NULL;
	size_t len = 0;
	int fd;

	if (path_of(cpath, sp, "cur", claim) != 0) {
		return;
	}
	fd = open(cpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		/* a symbolic link, a directory, a fifo: no entry of ours; set aside like a damaged one */
		if (fd >= 0) {
			close(fd);
		}
		if (path_of(other, sp, "bad", id) == 0) {
			rename(cpath, other);
		}
		c->corrupt++;
		return;
	}
	if (st.st_size > 0 && (unsigned long long)st.st_size <= SMTP_SPOOL_ENTRY_MAX_SIZE + 4096) {
		len = (size_t)st.st_size;
		map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
		}
	}
	close(fd);
	if (smtp_spool_entry_parse(map, map ? len : 0, &e, err, sizeof(err)) != 0) {
		/* a torn or damaged entry is never delivered: it is set aside in bad/ and reported */
		memset(&r, 0, sizeof(r));
		r.time_ms = smtp_wall_ms();
		r.result = "failed";
		r.stage = "spool";
		r.error = err;
		r.spool_id = id;
		report(o, &r);
		if (path_of(other, sp, "bad", id) == 0) {
			rename(cpath, other);
		}
		c->corrupt++;
		goto out;
	}
	if (o->max_age > 0 && now - e.created > o->max_age) {
		char why[200];
		record_of(&r, &e, id, smtp_wall_ms());
		snprintf(why, sizeof(why), "dropped from the spool after %lld s (smtp.spool_max_age %lld), %d attempts: %.100s",
		         now - e.created, o->max_age, e.attempts, e.error);
		r.attempt = e.attempts;
		r.result = "failed";
		r.stage = "spool";
		r.error = why;
		report(o, &r);
		unlink(cpath);
		c->expired++;
		goto done;
	}
	if (!o->force && e.next > now) {
		/* written back by another worker since we looked: not due yet */
		if (path_of(other, sp, "new", id) == 0) {
			rename(cpath, other);
		}
		goto done;
	}
	{
		smtp_strlist pending;
		char *error = NULL;
		int maybe = 0;
		smtp_strlist_init(&pending);
		if (deliver(o, id, &e, &pending, &error, &maybe, c) == DONE_DEFER) {
			smtp_spool_entry next = e;
			smtp_body b;
			next.attempts = e.attempts + 1;
			next.next = (long long)time(NULL) + smtp_spool_backoff(next.attempts, (unsigned)random64());
			next.error = error ? error : e.error;
			next.maybe_sent = maybe;
			next.rcpts = pending;
			/* the stored message is already CRLF: writing it again keeps every byte */
			smtp_body_from_memory(&b, (const char *)e.message, e.message_len);
			if (write_entry(sp, id, &next, &b, NULL, werr, sizeof(werr)) != 0) {
				/* the old version stays claimed and comes back after the claim bound (a backoff of
				 * its own while the disk is full): never lost, and said so (the log, a warning) */
				char why[600];
				snprintf(why, sizeof(why),
				         "the entry could not be written back with its next attempt (%s): it stays claimed in "
				         "cur/ and a flush takes it back after %lld s",
				         werr, stale_bound(o->cfg));
				record_of(&r, &e, id, smtp_wall_ms());
				r.result = "queued";
				r.stage = "spool";
				r.error = why;
				r.maybe_sent = maybe;
				report(o, &r);
				smtp_strlist_free(&pending);
				free(error);
				goto done;
			}
		}
		smtp_strlist_free(&pending);
		free(error);
		unlink(cpath);
		fsync_dir(sp, "cur");
	}
done:
	smtp_spool_entry_free(&e);
out:
	if (map) {
		munmap(map, len);
	}
}

/* One look at new/: claims and handles each due entry. The number of entries claimed. */
static long flush_pass(smtp_spool *sp, const smtp_spool_flush_opts *o, long tried, smtp_spool_counts *c)
{
	name_list l;
	size_t i;
	long claimed = 0;
	long long now;
	char from[PATH_MAX], to[PATH_MAX], claim[SMTP_SPOOL_ID_MAX + 64];

	if (list_dir(sp, "new", &l) != 0) {
		return -1;
	}
	for (i = 0; i < l.count; i++) {
		long long created, next;
		int attempts, held = 0;
		if ((o->limit > 0 && tried + claimed >= o->limit) || (o->deadline_ms > 0 && smtp_now_ms() >= o->deadline_ms)) {
			break;
		}
		if (path_of(from, sp, "new", l.names[i]) != 0) {
			continue;
		}
		now = (long long)time(NULL);
		/* a quick look first: an entry not due is left alone, unclaimed (a damaged one is claimed
		 * and set aside); so is one its writer still holds (mail() has yet to log the attempt that
		 * queued it: this flush's line for the next attempt must not come before it) */
		if (peek_file(from, &created, &next, &attempts, NULL, &held) == 0
		    && (held || (!o->force && next > now && !(o->max_age > 0 && now - created > o->max_age)))) {
			continue;
		}
		snprintf(claim, sizeof(claim), "%s.%ld.%lld", l.names[i], (long)getpid(), now);
		if (path_of(to, sp, "cur", claim) != 0 || rename(from, to) != 0) {
			continue; /* another worker has it */
		}
		claimed++;
		handle(sp, o, l.names[i], claim, now, c);
	}
	names_free(&l);
	return claimed;
}

int smtp_spool_flush(smtp_spool *sp, const smtp_spool_flush_opts *o, smtp_spool_counts *c)
{
	smtp_spool_flush_opts once = *o;
	smtp_spool_stats st;
	long tried = 0, n;
	int pass;

	memset(c, 0, sizeof(*c));
	recover(sp, (long long)time(NULL), stale_bound(o->cfg));
	/* passes until one claims nothing: what other processes spool meanwhile goes too (a forced
	 * flush looks once: what it defers would be due again at once) */
	for (pass = 0; pass < 100; pass++) {
		n = flush_pass(sp, &once, tried, c);
		if (n < 0) {
			return pass == 0 ? -1 : 0;
		}
		tried += n;
		if (n == 0 || o->force) {
			break;
		}
	}
	if (smtp_spool_status(sp, &st) == 0) {
		c->remaining = st.count;
	}
	return 0;
}

int smtp_spool_status(smtp_spool *sp, smtp_spool_stats *st)
{
	static const char *const subs[] = {"new", "cur"};
	name_list l;
	size_t i, k;
	char p[PATH_MAX];
	struct stat fs;

	memset(st, 0, sizeof(*st));
	for (k = 0; k < 2; k++) {
		if (list_dir(sp, subs[k], &l) != 0) {
			return -1;
		}
		for (i = 0; i < l.count; i++) {
			long long created = 0, next = 0;
			int attempts;
			off_t size = 0;
			if (path_of(p, sp, subs[k], l.names[i]) != 0) {
				continue;
			}
			if (peek_file(p, &created, &next, &attempts, &size, NULL) != 0) {
				if (stat(p, &fs) == 0) {
					size = fs.st_size;
				}
				created = atoll(l.names[i]) / 1000; /* the id starts with the time it was made (ms) */
				next = 0;
			}
			st->count++;
			st->bytes += (unsigned long long)size;
			if (k == 1) {
				st->claimed++;
			}
			if (created > 0 && (st->oldest == 0 || created < st->oldest)) {
				st->oldest = created;
			}
			if (k == 0 && (st->next_attempt == 0 || next < st->next_attempt)) {
				st->next_attempt = next > 0 ? next : created;
			}
		}
		names_free(&l);
	}
	if (list_dir(sp, "bad", &l) == 0) {
		st->corrupt = (long)l.count;
		names_free(&l);
	}
	return 0;
}

int smtp_spool_has_due(smtp_spool *sp)
{
	name_list l;
	size_t i;
	char p[PATH_MAX];
	long long now = (long long)time(NULL);
	int due = 0;

	if (list_dir(sp, "new", &l) != 0) {
		return 0;
	}
	for (i = 0; i < l.count && !due; i++) {
		long long created, next;
		int attempts;
		if (path_of(p, sp, "new", l.names[i]) == 0
		    && (peek_file(p, &created, &next, &attempts, NULL, NULL) != 0 || next <= now)) {
			due = 1;
		}
	}
	names_free(&l);
	return due;
}

int smtp_spool_trylock(smtp_spool *sp)
{
	char p[PATH_MAX];
	int fd;

	if (path_of(p, sp, "flush.lock", NULL) != 0) {
		return -1;
	}
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void smtp_spool_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
