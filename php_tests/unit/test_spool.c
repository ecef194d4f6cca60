/* Unit tests of ext/core/spool.c: durable enqueue (nothing in new/ unless complete), status, the
 * backoff schedule, which recipients stay pending, a damaged entry set aside, expiry, crashed claims
 * recovered, two flushing processes never attempting one entry twice, an entry its writer still
 * holds left alone, and a directory that cannot be synced. */
#include "unit.h"
#include "fake_server.h"
#include "spool.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char err[300];
static char dir[256];

/* This program's fsync() (it takes the place of libc's for the whole binary): with fail_dir_fsync
 * set, syncing a directory fails with EIO, as a failing disk does. Files are synced for real. */
static int fail_dir_fsync;
int fsync(int fd)
{
	struct stat st;

	if (fail_dir_fsync && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

static int count_in(const char *sub)
{
	char p[512];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(p, sizeof p, "%s/%s", dir, sub);
	if (!(d = opendir(p))) {
		return -1;
	}
	while ((de = readdir(d))) {
		n += de->d_name[0] != '.';
	}
	closedir(d);
	return n;
}

static void rm_rf(const char *p)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
	if (system(cmd) != 0) {
		fprintf(stderr, "rm failed\n");
	}
}

static int put_held(smtp_spool *sp, long long next, long long created, char *id, int *held)
{
	smtp_spool_entry e;
	smtp_body b;
	int rc;
	static const char msg[] = "Subject: t\nMessage-ID: <m@x>\n\nline\n";

	smtp_spool_entry_init(&e);
	e.created = created;
	e.next = next;
	e.message_id = "<m@x>";
	e.error = "";
	e.sender = "a@example.org";
	smtp_strlist_add(&e.rcpts, "b@example.org", 13);
	smtp_body_from_memory(&b, msg, strlen(msg));
	rc = held ? smtp_spool_enqueue_held(sp, &e, &b, id, held, err, sizeof err)
	          : smtp_spool_enqueue(sp, &e, &b, id, err, sizeof err);
	smtp_strlist_free(&e.rcpts);
	return rc;
}

static int put(smtp_spool *sp, long long next, long long created, char *id)
{
	return put_held(sp, next, created, id, NULL);
}

static void test_enqueue_and_status(void)
{
	smtp_spool sp;
	smtp_spool_stats st;
	char id[SMTP_SPOOL_ID_MAX], p[600];
	struct stat fs;
	FILE *f;
	char buf[400];
	size_t n;
	long long now = (long long)time(NULL);

	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	CHECK(stat(dir, &fs) == 0 && (fs.st_mode & 0777) == 0700);
	CHECK(put(&sp, now + 100, now - 5, id) == 0);
	snprintf(p, sizeof p, "%s/new/%s", dir, id);
	CHECK(stat(p, &fs) == 0 && (fs.st_mode & 0777) == 0600);
	CHECK(count_in("tmp") == 0 && count_in("new") == 1);
	/* the message is stored with CRLF line endings, as it goes on the wire */
	f = fopen(p, "rb");
	n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[n] = '\0';
	if (f) {
		fclose(f);
	}
	CHECK(strstr(buf, "\n\nSubject: t\r\nMessage-ID: <m@x>\r\n\r\nline\r\n") != NULL);
	CHECK(smtp_spool_status(&sp, &st) == 0 && st.count == 1 && st.oldest == now - 5 && st.next_attempt == now + 100);
	CHECK(st.bytes == (unsigned long long)fs.st_size);
	CHECK(smtp_spool_has_due(&sp) == 0);
	/* a writer that crashed before its rename leaves a file in tmp/ only: never an entry */
	snprintf(p, sizeof p, "%s/tmp/crashed.123", dir);
	f = fopen(p, "w");
	if (f) {
		fputs("SMTPSPOOL 1 0000", f);
		fclose(f);
	}
	CHECK(smtp_spool_status(&sp, &st) == 0 && st.count == 1);
	smtp_spool_close(&sp);
	/* an unusable directory: a sentence naming it */
	CHECK(smtp_spool_open(&sp, "/proc/version/spool", err, sizeof err) == -1 && strstr(err, "/proc/version") != NULL);
}

static void test_backoff(void)
{
	int i;
	unsigned r;

	for (r = 0; r < 1000; r += 37) {
		CHECK(smtp_spool_backoff(1, r) >= 30 && smtp_spool_backoff(1, r) <= 60);
		CHECK(smtp_spool_backoff(2, r) >= 60 && smtp_spool_backoff(2, r) <= 120);
		CHECK(smtp_spool_backoff(30, r) >= 1800 && smtp_spool_backoff(30, r) <= 3600);
	}
	for (i = 1; i < 1000; i++) {
		CHECK(smtp_spool_backoff(i, 0xFFFFFFFFu) <= SMTP_SPOOL_BACKOFF_MAX);
	}
}

static void add_rcpt(smtp_result *r, const char *a, int code)
{
	smtp_result_add_rcpt(r, a, code, "", "x");
}

static void test_pending(void)
{
	smtp_strlist rc, out;
	smtp_result r;

	smtp_strlist_init(&rc);
	smtp_strlist_add(&rc, "a@x", 3);
	smtp_strlist_add(&rc, "b@x", 3);
	smtp_strlist_add(&rc, "c@x", 3);
	/* accepted for a, 450 for b, 550 for c: only b stays */
	smtp_result_init(&r);
	r.ok = 1;
	add_rcpt(&r, "a@x", 250);
	add_rcpt(&r, "b@x", 450);
	add_rcpt(&r, "c@x", 550);
	smtp_strlist_init(&out);
	CHECK(smtp_spool_pending(&r, &rc, &out) == 0 && out.count == 1 && strcmp(out.items[0], "b@x") == 0);
	smtp_strlist_free(&out);
	smtp_result_free(&r);
	/* final reply 451 after the envelope: a and b (c was refused for good) */
	smtp_result_init(&r);
	add_rcpt(&r, "a@x", 250);
	add_rcpt(&r, "b@x", 250);
	add_rcpt(&r, "c@x", 550);
	smtp_err_set(&r.err, SMTP_STAGE_DATA, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 451, "4.3.0");
	smtp_strlist_init(&out);
	CHECK(smtp_spool_pending(&r, &rc, &out) == 0 && out.count == 2);
	smtp_strlist_free(&out);
	/* the same with 554: nothing */
	smtp_err_set(&r.err, SMTP_STAGE_DATA, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 554, "5.6.0");
	smtp_strlist_init(&out);
	CHECK(smtp_spool_pending(&r, &rc, &out) == 0 && out.count == 0);
	smtp_strlist_free(&out);
	smtp_result_free(&r);
	/* MAIL 451, pipelined RCPTs answered 503: all three */
	smtp_result_init(&r);
	add_rcpt(&r, "a@x", 503);
	smtp_err_set(&r.err, SMTP_STAGE_MAIL, SMTP_ERR_REPLY, SMTP_CAUSE_REPLY, 451, "4.3.0");
	smtp_strlist_init(&out);
	CHECK(smtp_spool_pending(&r, &rc, &out) == 0 && out.count == 3);
	smtp_strlist_free(&out);
	smtp_result_free(&r);
	smtp_strlist_free(&rc);
}

/* Entries delivered to a closed port: each flush attempt defers; the counts show who attempted what. */
static void flush_closed_to(smtp_spool *sp, int force, long long max_age,
                            void (*rep)(void *, const smtp_log_record *), smtp_spool_counts *c)
{
	smtp_config cfg;
	smtp_spool_flush_opts o;
	char hosts[64];

	memset(&cfg, 0, sizeof cfg);
	snprintf(hosts, sizeof hosts, "127.0.0.1:%d", fake_closed_port());
	cfg.hosts = hosts;
	cfg.encryption = SMTP_ENC_NONE;
	cfg.auth = SMTP_AUTH_AUTO;
	cfg.helo = "client.example.org";
	cfg.timeout_ms = 3000;
	memset(&o, 0, sizeof o);
	o.cfg = &cfg;
	o.force = force;
	o.max_age = max_age;
	o.report = rep;
	CHECK(smtp_spool_flush(sp, &o, c) == 0);
}

static void flush_closed(smtp_spool *sp, int force, long long max_age, smtp_spool_counts *c)
{
	flush_closed_to(sp, force, max_age, NULL, c);
}

static void test_flush_defer_expire_corrupt(void)
{
	smtp_spool sp;
	smtp_spool_counts c;
	smtp_spool_stats st;
	char id[SMTP_SPOOL_ID_MAX], id2[SMTP_SPOOL_ID_MAX], p[600];
	long long now = (long long)time(NULL);
	FILE *f;

	rm_rf(dir);
	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	CHECK(put(&sp, 0, now, id) == 0);            /* due */
	CHECK(put(&sp, now + 3600, now, id2) == 0);  /* not due */
	flush_closed(&sp, 0, 1000, &c);
	CHECK(c.deferred == 1 && c.delivered == 0 && c.remaining == 2);
	CHECK(smtp_spool_status(&sp, &st) == 0 && st.count == 2 && st.next_attempt >= now + 30);
	/* forced: both attempted, both deferred again */
	flush_closed(&sp, 1, 1000, &c);
	CHECK(c.deferred == 2 && c.remaining == 2);
	/* a damaged entry: set aside, never attempted */
	snprintf(p, sizeof p, "%s/new/%s", dir, id2);
	f = fopen(p, "r+b");
	if (f) {
		fseek(f, -3, SEEK_END);
		fputc('X', f);
		fclose(f);
	}
	flush_closed(&sp, 1, 1000, &c);
	CHECK(c.corrupt == 1 && c.deferred == 1 && c.remaining == 1 && count_in("bad") == 1);
	/* a symbolic link in new/ is no entry: never followed, set aside */
	snprintf(p, sizeof p, "%s/new/9999999999999-1-link", dir);
	CHECK(symlink("/etc/hostname", p) == 0);
	flush_closed(&sp, 1, 1000, &c);
	CHECK(c.corrupt == 1 && count_in("bad") == 2);
	/* expiry: an entry older than max_age is dropped whatever its schedule */
	CHECK(put(&sp, now + 3600, now - 500, id2) == 0);
	flush_closed(&sp, 0, 100, &c);
	CHECK(c.expired == 1 && c.remaining == 1);
	smtp_spool_close(&sp);
}

static void test_crashed_claim(void)
{
	smtp_spool sp;
	smtp_spool_counts c;
	char id[SMTP_SPOOL_ID_MAX], from[600], to[700];
	long long now = (long long)time(NULL);

	rm_rf(dir);
	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	CHECK(put(&sp, 0, now, id) == 0);
	/* claimed by a worker that is still at it (now): left alone */
	snprintf(from, sizeof from, "%s/new/%s", dir, id);
	snprintf(to, sizeof to, "%s/cur/%s.99999.%lld", dir, id, now);
	CHECK(rename(from, to) == 0);
	flush_closed(&sp, 1, 0, &c);
	CHECK(c.deferred == 0 && c.remaining == 1 && count_in("cur") == 1);
	/* claimed long ago by a worker that died: taken back and attempted */
	snprintf(from, sizeof from, "%s/cur/%s.99999.%lld", dir, id, now - 100000);
	CHECK(rename(to, from) == 0);
	flush_closed(&sp, 1, 0, &c);
	CHECK(c.deferred == 1 && c.remaining == 1 && count_in("cur") == 0 && count_in("new") == 1);
	smtp_spool_close(&sp);
}

/* What a flush reported: the last record with stage "spool" (copied). */
static char spool_result[16], spool_error[700];
static int spool_reports;

static void on_spool_report(void *ctx, const smtp_log_record *r)
{
	(void)ctx;
	if (r->stage && strcmp(r->stage, "spool") == 0) {
		spool_reports++;
		snprintf(spool_result, sizeof spool_result, "%s", r->result ? r->result : "");
		snprintf(spool_error, sizeof spool_error, "%s", r->error ? r->error : "");
	}
}

/* A deferred entry that cannot be written back (tmp/ is not a directory here; a full disk in
 * php_tests/spool/full_spool.phpt): the claimed copy stays in cur/, never lost, and the flush reports
 * it (stage spool, queued, the system's reason and when it comes back). Once taken back after the
 * claim bound it is attempted again. */
static void test_write_back_fails(void)
{
	smtp_spool sp;
	smtp_spool_counts c;
	char id[SMTP_SPOOL_ID_MAX], p[600];
	long long now = (long long)time(NULL);
	DIR *d;
	struct dirent *de;
	FILE *f;

	rm_rf(dir);
	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	CHECK(put(&sp, 0, now, id) == 0);
	snprintf(p, sizeof p, "%s/tmp", dir);
	CHECK(rmdir(p) == 0);
	f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fclose(f);
	}
	spool_reports = 0;
	flush_closed_to(&sp, 1, 0, on_spool_report, &c);
	CHECK(c.deferred == 1 && c.remaining == 1);
	CHECK(count_in("new") == 0 && count_in("cur") == 1);
	CHECK(spool_reports == 1 && strcmp(spool_result, "queued") == 0);
	CHECK(strstr(spool_error, "could not be written back") && strstr(spool_error, "Not a directory")
	      && strstr(spool_error, "after 606 s"));
	/* tmp/ back, the claim dated past the bound: taken back, attempted again, written back this time */
	CHECK(unlink(p) == 0 && mkdir(p, 0700) == 0);
	snprintf(p, sizeof p, "%s/cur", dir);
	d = opendir(p);
	CHECK(d != NULL);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] != '.') {
			char from[700], to[700];
			snprintf(from, sizeof from, "%s/cur/%s", dir, de->d_name);
			snprintf(to, sizeof to, "%s/cur/%s.99999.%lld", dir, id, now - 100000);
			CHECK(rename(from, to) == 0);
			break;
		}
	}
	if (d) {
		closedir(d);
	}
	spool_reports = 0;
	flush_closed_to(&sp, 1, 0, on_spool_report, &c);
	CHECK(c.deferred == 1 && c.remaining == 1 && spool_reports == 0);
	CHECK(count_in("new") == 1 && count_in("cur") == 0 && count_in("tmp") == 0);
	smtp_spool_close(&sp);
}

/* The directory new/ cannot be synced after the rename: the entry is taken out again, so that the
 * failure means "not queued" (mail() says false and the message is never delivered behind its back);
 * a write-back that meets it keeps the claimed copy, which comes back after the claim bound. */
static void test_dir_fsync_fails(void)
{
	smtp_spool sp;
	smtp_spool_counts c;
	char id[SMTP_SPOOL_ID_MAX];
	int held = -1;
	long long now = (long long)time(NULL);

	rm_rf(dir);
	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	fail_dir_fsync = 1;
	CHECK(put(&sp, 0, now, id) == -1);
	CHECK(strstr(err, "could not be synced, so the entry was taken out again") && strstr(err, "Input/output error"));
	CHECK(put_held(&sp, 0, now, id, &held) == -1 && held == -1);
	CHECK(count_in("new") == 0 && count_in("tmp") == 0 && count_in("cur") == 0);
	fail_dir_fsync = 0;
	CHECK(put(&sp, 0, now, id) == 0 && count_in("new") == 1);
	/* the attempt fails for now and the write-back meets the failing disk */
	fail_dir_fsync = 1;
	spool_reports = 0;
	flush_closed_to(&sp, 1, 0, on_spool_report, &c);
	fail_dir_fsync = 0;
	CHECK(c.deferred == 1 && c.remaining == 1);
	CHECK(count_in("new") == 0 && count_in("cur") == 1 && count_in("tmp") == 0);
	CHECK(spool_reports == 1 && strcmp(spool_result, "queued") == 0 && strstr(spool_error, "could not be written back")
	      && strstr(spool_error, "taken out again"));
	smtp_spool_close(&sp);
}

/* Two processes flush the same 40 entries at once: every entry is attempted exactly once. */
static void test_two_flushers(void)
{
	smtp_spool sp;
	char id[SMTP_SPOOL_ID_MAX];
	int i, fds[2][2], total = 0, status;
	pid_t pid[2];
	long long now = (long long)time(NULL);

	rm_rf(dir);
	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	for (i = 0; i < 40; i++) {
		CHECK(put(&sp, 0, now, id) == 0);
	}
	for (i = 0; i < 2; i++) {
		CHECK(pipe(fds[i]) == 0);
		pid[i] = fork();
		if (pid[i] == 0) {
			smtp_spool_counts c;
			flush_closed(&sp, 0, 0, &c);
			if (write(fds[i][1], &c.deferred, sizeof c.deferred) != (ssize_t)sizeof c.deferred) {
				_exit(2);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		long d = 0;
		close(fds[i][1]);
		CHECK(read(fds[i][0], &d, sizeof d) == (ssize_t)sizeof d);
		close(fds[i][0]);
		waitpid(pid[i], &status, 0);
		total += (int)d;
	}
	CHECK(total == 40);
	CHECK(count_in("new") == 40 && count_in("cur") == 0);
	smtp_spool_close(&sp);
}

/* An entry its writer still holds (mail() has not logged the attempt that queued it yet) is left alone
 * by a flush, forced or not, and taken by the first flush after the release; the one next to it goes
 * at once. The load test found a flush's line for attempt 2 before mail()'s line for attempt 1. */
static void test_held_entry(void)
{
	smtp_spool sp;
	smtp_spool_counts c;
	smtp_spool_stats st;
	char id[SMTP_SPOOL_ID_MAX], id2[SMTP_SPOOL_ID_MAX];
	int held = -2;
	long long now = (long long)time(NULL);

	rm_rf(dir);
	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	CHECK(put_held(&sp, 0, now, id, &held) == 0 && held >= 0);
	CHECK(put(&sp, 0, now, id2) == 0);
	CHECK(count_in("new") == 2 && count_in("tmp") == 0); /* in place and durable while held */
	flush_closed(&sp, 1, 0, &c);
	CHECK(c.deferred == 1 && c.remaining == 2); /* only the one not held was attempted */
	flush_closed(&sp, 0, 0, &c);
	CHECK(c.deferred == 0 && c.remaining == 2);
	CHECK(smtp_spool_status(&sp, &st) == 0 && st.count == 2 && st.claimed == 0); /* counted, not claimed */
	if (fork() == 0) {
		/* another process: the lock is on the file, not the process */
		smtp_spool_counts cc;
		flush_closed(&sp, 1, 0, &cc);
		_exit(cc.deferred == 1 ? 0 : 1); /* again the free one only */
	} else {
		int ws = 0;
		wait(&ws);
		CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	}
	smtp_spool_release(held);
	flush_closed(&sp, 1, 0, &c);
	CHECK(c.deferred == 2 && c.remaining == 2);
	/* a failed write holds nothing */
	smtp_spool_release(-1);
	smtp_spool_close(&sp);
}

static void test_lock(void)
{
	smtp_spool sp;
	int a, b;

	CHECK(smtp_spool_open(&sp, dir, err, sizeof err) == 0);
	a = smtp_spool_trylock(&sp);
	CHECK(a >= 0);
	if (fork() == 0) {
		_exit(smtp_spool_trylock(&sp) >= 0 ? 1 : 0);
	} else {
		int st = 0;
		wait(&st);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* another process cannot take it */
	}
	smtp_spool_unlock(a);
	b = smtp_spool_trylock(&sp);
	CHECK(b >= 0);
	smtp_spool_unlock(b);
	smtp_spool_close(&sp);
}

static void run_tests(void)
{
	snprintf(dir, sizeof dir, "/tmp/smtp-unit-spool-%ld", (long)getpid());
	rm_rf(dir);
	test_enqueue_and_status();
	test_backoff();
	test_pending();
	test_flush_defer_expire_corrupt();
	test_crashed_claim();
	test_write_back_fails();
	test_two_flushers();
	test_held_entry();
	test_dir_fsync_fails();
	test_lock();
	rm_rf(dir);
}
