/* The submission log (log.h). Pure C. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes there are not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t k, i;
	unsigned long cp;

	if (c < 0x80) {
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		k = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < k) {
		return 0;
	}
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			return 0;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
		return 0;
	}
	return k;
}

/* A JSON string of s (NULL: null), at most max bytes of s. */
static int put_str(smtp_buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0;

	if (!s) {
		return smtp_buf_puts(b, "null");
	}
	n = strlen(s);
	if (n > max) {
		n = max;
	}
	if (smtp_buf_putc(b, '"') != 0) {
		return -1;
	}
	while (i < n) {
		unsigned char c = p[i];
		size_t k;
		int rc;
		if (c == '"' || c == '\\') {
			rc = smtp_buf_putc(b, '\\') || smtp_buf_putc(b, (char)c);
			k = 1;
		} else if (c == '\n') {
			rc = smtp_buf_puts(b, "\\n");
			k = 1;
		} else if (c == '\r') {
			rc = smtp_buf_puts(b, "\\r");
			k = 1;
		} else if (c == '\t') {
			rc = smtp_buf_puts(b, "\\t");
			k = 1;
		} else if (c < 0x20 || c == 0x7F) {
			rc = smtp_buf_printf(b, "\\u%04x", c);
			k = 1;
		} else if ((k = utf8_len(p + i, n - i)) == 0) {
			rc = smtp_buf_printf(b, "\\u%04x", c); /* not UTF-8: the byte's value */
			k = 1;
		} else {
			rc = smtp_buf_append(b, p + i, k);
		}
		if (rc != 0) {
			return -1;
		}
		i += k;
	}
	return smtp_buf_putc(b, '"');
}

static int build(const smtp_log_record *r, smtp_buf *b, size_t cut)
{
	char when[96];
	time_t t = (time_t)(r->time_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		memset(&tm, 0, sizeof(tm));
	}
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(r->time_ms % 1000));
	if (smtp_buf_printf(b, "{\"time\":\"%s\",\"message_id\":", when) || put_str(b, r->message_id, cut)
	    || smtp_buf_puts(b, ",\"from\":") || put_str(b, r->from, cut)
	    || smtp_buf_printf(b, ",\"rcpts\":%zu,\"host\":", r->rcpts) || put_str(b, r->host, 256)
	    || smtp_buf_printf(b, ",\"port\":%d,\"result\":", r->port) || put_str(b, r->result, 16)
	    || smtp_buf_puts(b, ",\"stage\":") || put_str(b, r->stage, 16)) {
		return -1;
	}
	if ((r->code ? smtp_buf_printf(b, ",\"code\":%d", r->code) : smtp_buf_puts(b, ",\"code\":null"))
	    || smtp_buf_puts(b, ",\"enhanced\":") || put_str(b, r->enhanced && *r->enhanced ? r->enhanced : NULL, 16)
	    || smtp_buf_puts(b, ",\"reply\":") || put_str(b, r->reply, cut) || smtp_buf_puts(b, ",\"error\":")
	    || put_str(b, r->error, cut)
	    || smtp_buf_printf(b, ",\"duration_ms\":%.1f,\"attempt\":%d,\"reused\":%s,\"tls\":",
	                       r->duration_ms >= 0 ? r->duration_ms : 0.0, r->attempt, r->reused ? "true" : "false")
	    || (r->tls && *r->tls ? put_str(b, r->tls, 32) : smtp_buf_puts(b, "false"))
	    || smtp_buf_puts(b, ",\"spool_id\":") || put_str(b, r->spool_id, 128)
	    || smtp_buf_printf(b, ",\"maybe_sent\":%s,\"source\":", r->maybe_sent ? "true" : "false")
	    || put_str(b, r->source ? r->source : "mail", 16) || smtp_buf_puts(b, "}\n")) {
		return -1;
	}
	return 0;
}

int smtp_log_line(const smtp_log_record *r, smtp_buf *out)
{
	size_t start = out->len, cut = SMTP_LOG_MAX_FIELD;

	/* the long fields (Message-ID, sender, reply, error) are cut until the line fits */
	for (;;) {
		if (build(r, out, cut) != 0) {
			return -1;
		}
		if (out->len - start <= SMTP_LOG_MAX_LINE || cut == 0) {
			return 0;
		}
		out->len = start;
		out->data[start] = '\0';
		cut = cut > 64 ? cut / 2 : 0;
	}
}

int smtp_log_write(const char *target, const char *line, size_t len, char *err, size_t errlen)
{
	int fd;
	ssize_t n;

	if (!target || !*target) {
		return 0;
	}
	if (strcmp(target, "syslog") == 0) {
		int l = (int)(len > 0 && line[len - 1] == '\n' ? len - 1 : len);
		syslog(LOG_MAIL | LOG_INFO, "%.*s", l, line);
		return 0;
	}
	fd = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open smtp.log %.200s: %s", target, strerror(errno));
		return -1;
	}
	do {
		n = write(fd, line, len); /* one write: O_APPEND places it whole at the end */
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		snprintf(err, errlen, "cannot write to smtp.log %.200s: %s", target, n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void smtp_log_from_result(smtp_log_record *r, const smtp_result *res)
{
	r->host = res->host[0] ? res->host : NULL;
	r->port = res->port;
	r->stage = smtp_stage_name(res->ok ? SMTP_STAGE_DONE : res->stage);
	r->code = res->code;
	r->enhanced = res->enhanced;
	r->reply = res->message;
	r->error = res->ok ? NULL : res->error;
	r->tls = res->tls_active ? res->tls_protocol : NULL;
	r->duration_ms = res->t_total;
}

static void tap_event(void *ctx, const smtp_event *ev)
{
	smtp_log_tap *t = ctx;

	if (ev->kind == SMTP_EV_REUSE) {
		t->reused = 1;
	} else if (ev->kind == SMTP_EV_HOST) {
		t->reused = 0;
		t->data_sent = 0;
	} else if (ev->kind == SMTP_EV_DATA_SENT) {
		t->data_sent = 1;
	}
	smtp_observe(t->next, ev);
}

void smtp_log_tap_observer(smtp_log_tap *t, const smtp_observer *next, smtp_observer *out)
{
	t->next = next;
	t->reused = 0;
	t->data_sent = 0;
	out->on_event = tap_event;
	out->ctx = t;
}

int smtp_log_maybe_sent(const smtp_log_tap *t, const smtp_result *res)
{
	return t->data_sent && !res->ok && res->err.cls != SMTP_ERR_REPLY && res->err.stage == SMTP_STAGE_DATA;
}
