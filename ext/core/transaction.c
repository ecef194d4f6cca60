/* The mail transaction. Pure C. */
#include "transaction.h"

#include "address.h"
#include "bdat.h"
#include "data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PIPELINING: with more than SMTP_PIPELINE_WINDOW commands the envelope goes in windows, each
 * window's replies read before the next is written, so neither side can fill its buffers while the
 * other waits for it (RFC 2920 section 3.1): a window is a few kilobytes, far below any socket buffer. */
#define SMTP_PIPELINE_WINDOW 100

typedef struct {
	smtp_session *s;
	smtp_chat *ch;
	const smtp_message *msg;
	const smtp_caps *caps;
	int bdat;        /* CHUNKING: BDAT instead of DATA */
	size_t accepted; /* recipients accepted */
	char what[360];
} txn;

static const char *sender_of(const smtp_message *m)
{
	return m->sender ? m->sender : "";
}

static int build_mail(const txn *t, smtp_buf *out)
{
	const smtp_message *m = t->msg;
	int rc = smtp_buf_printf(out, "MAIL FROM:<%s>", sender_of(m));

	if (rc == 0 && t->caps->size) {
		rc = smtp_buf_printf(out, " SIZE=%zu", m->size);
	}
	if (rc == 0 && (m->eight_bit || m->utf8_addrs) && t->caps->eightbitmime) {
		rc = smtp_buf_puts(out, " BODY=8BITMIME");
	}
	if (rc == 0 && m->utf8_addrs && t->caps->smtputf8) {
		rc = smtp_buf_puts(out, " SMTPUTF8");
	}
	return rc;
}

static void emit_rcpt(txn *t, const char *addr)
{
	smtp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_RCPT;
	ev.text = addr;
	ev.len = strlen(addr);
	ev.reply = &t->ch->reply;
	smtp_chat_emit(t->ch, &ev);
}

/* 0: MAIL accepted; -1: refused (recorded) */
static int handle_mail_reply(txn *t)
{
	if (t->ch->reply.code >= 200 && t->ch->reply.code < 300) {
		return 0;
	}
	smtp_session_fail_reply(t->s, SMTP_STAGE_MAIL, "SMTP MAIL FROM <%.320s> refused: %s", sender_of(t->msg),
	                        smtp_session_reply_line(t->s));
	return -1;
}

static void handle_rcpt_reply(txn *t, const char *addr)
{
	int ok = t->ch->reply.code >= 250 && t->ch->reply.code < 260;

	emit_rcpt(t, addr);
	if (ok) {
		t->accepted++;
	} else {
		smtp_chat_note(t->ch, "recipient <%.320s> refused", addr);
	}
}

/* The error when no recipient was accepted, quoting the first refusal (kept from its reply). */
typedef struct {
	int code;
	char enhanced[16];
	char addr[330];
	char line[1100];
	char text[1024];
} first_refusal;

static void keep_refusal(txn *t, first_refusal *f, const char *addr)
{
	char *text;

	if (f->code || (t->ch->reply.code >= 250 && t->ch->reply.code < 260)) {
		return;
	}
	f->code = t->ch->reply.code;
	smtp_copy_str(f->enhanced, sizeof(f->enhanced), t->ch->reply.enhanced);
	smtp_copy_str(f->addr, sizeof(f->addr), addr);
	smtp_copy_str(f->line, sizeof(f->line), smtp_session_reply_line(t->s));
	text = smtp_reply_text(&t->ch->reply);
	if (text) {
		char *p;
		for (p = text; *p; p++) {
			if (*p == '\n') {
				*p = ' ';
			}
		}
		smtp_copy_str(f->text, sizeof(f->text), text);
		free(text);
	}
}

static void fail_all_rcpts(txn *t, const first_refusal *f)
{
	smtp_err e;
	char sentence[1700];

	if (t->msg->rcpts.count == 1) {
		snprintf(sentence, sizeof(sentence), "SMTP RCPT TO <%.320s> refused: %s", f->addr, f->line);
	} else {
		snprintf(sentence, sizeof(sentence), "SMTP RCPT TO refused for all %zu recipients, <%.320s> first: %s",
		         t->msg->rcpts.count, f->addr, f->line);
	}
	smtp_err_clear(&e);
	smtp_err_set(&e, SMTP_STAGE_RCPT, SMTP_ERR_REPLY, f->code == 421 ? SMTP_CAUSE_SERVER_CLOSING : SMTP_CAUSE_REPLY,
	             f->code, f->enhanced);
	/* the first refusal's reply is gone by now: its text goes with the event as a reply of its own */
	{
		smtp_reply r;
		smtp_reply_init(&r);
		r.code = f->code;
		smtp_copy_str(r.enhanced, sizeof(r.enhanced), f->enhanced);
		smtp_strlist_add(&r.lines, f->text, strlen(f->text));
		smtp_session_fail_err(t->s, &e, &r, sentence);
		smtp_reply_free(&r);
	}
}

/* After a refusal: RSET so the session can be used again (the first error stands). */
static void reset_transaction(txn *t)
{
	smtp_session_reset(t->s, t->ch->deadline, t->ch->obs);
	smtp_session_begin(t->s, t->ch->deadline, t->ch->obs);
}

/* ---- the message --------------------------------------------------------------------------- */

/* "<message: N bytes>" in the transcript, with the bytes that went out for it. */
static void note_message(txn *t, size_t bytes)
{
	char note[64];
	smtp_event ev;

	snprintf(note, sizeof(note), "<message: %zu bytes>", bytes);
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_COMMAND;
	ev.text = note;
	ev.len = strlen(note);
	smtp_chat_emit(t->ch, &ev);
}

/* The server said 354 although the transaction cannot go on (every recipient refused, in a
 * pipelined batch): an empty message ends it (RFC 2920 section 3.1). */
static void abort_data(txn *t)
{
	if (smtp_session_command(t->s, SMTP_STAGE_DATA, ".", "end of data") == 0) {
		smtp_session_read(t->s, SMTP_STAGE_DATA, "end of data");
	}
}

/* Puts the message's content (after 354) and reads the final reply. */
static int send_data_content(txn *t)
{
	smtp_body b;
	char err[200] = "";
	size_t before;

	smtp_message_reader(t->msg, &b);
	before = t->ch->sent + t->ch->out.len;
	if (smtp_data_put(&b, &t->ch->out, err, sizeof(err)) != 0) {
		if (t->ch->out.failed) {
			smtp_session_fail_io(t->s, SMTP_STAGE_DATA, "DATA (sending the message)");
		} else {
			smtp_session_fail(t->s, SMTP_STAGE_DATA, SMTP_CAUSE_INPUT, "SMTP DATA failed: %s", err);
			smtp_session_break(t->s); /* the server is inside DATA: nothing can end it cleanly */
		}
		return -1;
	}
	note_message(t, t->ch->sent + t->ch->out.len - before);
	if (smtp_session_flush(t->s, SMTP_STAGE_DATA, "DATA (sending the message)") != 0
	    || smtp_session_read(t->s, SMTP_STAGE_DATA, "DATA (end of message)") != 0) {
		return -1;
	}
	if (t->ch->reply.code < 200 || t->ch->reply.code >= 300) {
		smtp_session_fail_reply(t->s, SMTP_STAGE_DATA, "SMTP message refused after DATA: %s",
		                        smtp_session_reply_line(t->s));
		reset_transaction(t);
		return -1;
	}
	return 0;
}

/* The reply to DATA is read: 354, then the content; anything else ends the transaction. */
static int data_go_ahead(txn *t)
{
	if (t->ch->reply.code != 354) {
		smtp_session_fail_reply(t->s, SMTP_STAGE_DATA, "SMTP DATA refused: %s", smtp_session_reply_line(t->s));
		reset_transaction(t);
		return -1;
	}
	return send_data_content(t);
}

/* Puts "BDAT <size> LAST" and the message (no reply read). */
static int put_bdat(txn *t)
{
	smtp_body b;
	char err[200] = "", cmd[64];

	smtp_bdat_command(t->msg->size, 1, cmd, sizeof(cmd));
	{
		size_t n = strlen(cmd);
		while (n > 0 && (cmd[n - 1] == '\n' || cmd[n - 1] == '\r')) {
			cmd[--n] = '\0';
		}
	}
	{
		smtp_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = SMTP_EV_COMMAND;
		ev.text = cmd;
		ev.len = strlen(cmd);
		smtp_chat_emit(t->ch, &ev);
	}
	note_message(t, t->msg->size);
	smtp_message_reader(t->msg, &b);
	if (smtp_bdat_put(&b, t->msg->size, &t->ch->out, err, sizeof(err)) != 0) {
		if (t->ch->out.failed) {
			smtp_session_fail_io(t->s, SMTP_STAGE_DATA, "BDAT (sending the message)");
		} else {
			smtp_session_fail(t->s, SMTP_STAGE_DATA, SMTP_CAUSE_INPUT, "SMTP BDAT failed: %s", err);
			smtp_session_break(t->s); /* the chunk's size is announced: nothing can end it cleanly */
		}
		return -1;
	}
	return 0;
}

/* The reply to BDAT ... LAST; after a refusal (of the envelope, or of the message) RSET. */
static int bdat_result(txn *t, int envelope_ok)
{
	if (smtp_session_flush(t->s, SMTP_STAGE_DATA, "BDAT (sending the message)") != 0
	    || smtp_session_read(t->s, SMTP_STAGE_DATA, "BDAT (end of message)") != 0) {
		return -1;
	}
	if (envelope_ok && t->ch->reply.code >= 200 && t->ch->reply.code < 300) {
		return 0;
	}
	if (envelope_ok) {
		smtp_session_fail_reply(t->s, SMTP_STAGE_DATA, "SMTP message refused after BDAT: %s",
		                        smtp_session_reply_line(t->s));
	} /* else the refusal is recorded; this reply only ends the chunk */
	reset_transaction(t);
	return -1;
}

/* ---- the envelope -------------------------------------------------------------------------- */

static int put_line(txn *t, smtp_stage stage, smtp_buf *line, const char *what)
{
	return smtp_session_command(t->s, stage, line->data ? line->data : "", what);
}

/* PIPELINING: MAIL, the RCPTs and DATA (or BDAT and the message) in one write. */
static int send_pipelined(txn *t)
{
	const smtp_message *m = t->msg;
	smtp_buf line;
	size_t i, from, next = 0;
	int mail_ok = 0, with_mail = 1, last = 0;
	first_refusal f;

	memset(&f, 0, sizeof(f));
	smtp_buf_init(&line, 0);
	while (!last) {
		smtp_buf_reset(&line);
		if (with_mail) {
			if (build_mail(t, &line) != 0) {
				goto oom;
			}
			if (put_line(t, SMTP_STAGE_MAIL, &line, "MAIL FROM") != 0) {
				goto fail;
			}
		}
		from = next;
		while (next < m->rcpts.count && (size_t)with_mail + (next - from) < SMTP_PIPELINE_WINDOW) {
			smtp_buf_reset(&line);
			if (smtp_buf_printf(&line, "RCPT TO:<%s>", m->rcpts.items[next]) != 0) {
				goto oom;
			}
			if (put_line(t, SMTP_STAGE_RCPT, &line, "RCPT TO") != 0) {
				goto fail;
			}
			next++;
		}
		last = next == m->rcpts.count;
		if (last) {
			if (t->bdat) {
				if (put_bdat(t) != 0) {
					goto fail;
				}
			} else if (smtp_session_command(t->s, SMTP_STAGE_DATA, "DATA", "DATA") != 0) {
				goto fail;
			}
		}
		if (smtp_session_flush(t->s, with_mail ? SMTP_STAGE_MAIL : SMTP_STAGE_RCPT, with_mail ? "MAIL FROM" : "RCPT TO")
		    != 0) {
			goto fail;
		}
		if (with_mail) {
			snprintf(t->what, sizeof(t->what), "MAIL FROM <%.320s>", sender_of(m));
			if (smtp_session_read(t->s, SMTP_STAGE_MAIL, t->what) != 0) {
				goto fail;
			}
			mail_ok = handle_mail_reply(t) == 0;
			with_mail = 0;
		}
		for (i = from; i < next; i++) {
			snprintf(t->what, sizeof(t->what), "RCPT TO <%.320s>", m->rcpts.items[i]);
			if (smtp_session_read(t->s, SMTP_STAGE_RCPT, t->what) != 0) {
				goto fail;
			}
			keep_refusal(t, &f, m->rcpts.items[i]);
			handle_rcpt_reply(t, m->rcpts.items[i]);
		}
		if (!last && !mail_ok) {
			/* refused sender: no point in sending the other windows */
			smtp_buf_free(&line);
			reset_transaction(t);
			return -1;
		}
	}
	smtp_buf_free(&line);

	if (mail_ok && t->accepted == 0) {
		fail_all_rcpts(t, &f);
	}
	if (t->bdat) {
		/* the server has read the whole chunk either way; its reply ends it */
		return bdat_result(t, mail_ok && t->accepted > 0);
	}
	if (smtp_session_read(t->s, SMTP_STAGE_DATA, "DATA") != 0) {
		return -1;
	}
	if (!mail_ok || t->accepted == 0) {
		if (t->ch->reply.code == 354) {
			abort_data(t);
		}
		reset_transaction(t);
		return -1;
	}
	return data_go_ahead(t);

oom:
	smtp_session_fail(t->s, SMTP_STAGE_MAIL, SMTP_CAUSE_NOMEM, "SMTP MAIL FROM failed: out of memory");
fail:
	smtp_buf_free(&line);
	return -1;
}

/* One command at a time: MAIL, each RCPT, then DATA or BDAT. */
static int send_serial(txn *t)
{
	const smtp_message *m = t->msg;
	smtp_buf line;
	size_t i;
	first_refusal f;

	memset(&f, 0, sizeof(f));
	smtp_buf_init(&line, 0);
	snprintf(t->what, sizeof(t->what), "MAIL FROM <%.320s>", sender_of(m));
	if (build_mail(t, &line) != 0) {
		smtp_buf_free(&line);
		smtp_session_fail(t->s, SMTP_STAGE_MAIL, SMTP_CAUSE_NOMEM, "SMTP MAIL FROM failed: out of memory");
		return -1;
	}
	if (put_line(t, SMTP_STAGE_MAIL, &line, t->what) != 0 || smtp_session_read(t->s, SMTP_STAGE_MAIL, t->what) != 0) {
		smtp_buf_free(&line);
		return -1;
	}
	if (handle_mail_reply(t) != 0) {
		smtp_buf_free(&line);
		reset_transaction(t);
		return -1;
	}
	for (i = 0; i < m->rcpts.count; i++) {
		smtp_buf_reset(&line);
		snprintf(t->what, sizeof(t->what), "RCPT TO <%.320s>", m->rcpts.items[i]);
		if (smtp_buf_printf(&line, "RCPT TO:<%s>", m->rcpts.items[i]) != 0) {
			smtp_buf_free(&line);
			smtp_session_fail(t->s, SMTP_STAGE_RCPT, SMTP_CAUSE_NOMEM, "SMTP RCPT TO failed: out of memory");
			return -1;
		}
		if (put_line(t, SMTP_STAGE_RCPT, &line, t->what) != 0
		    || smtp_session_read(t->s, SMTP_STAGE_RCPT, t->what) != 0) {
			smtp_buf_free(&line);
			return -1;
		}
		keep_refusal(t, &f, m->rcpts.items[i]);
		handle_rcpt_reply(t, m->rcpts.items[i]);
	}
	smtp_buf_free(&line);
	if (t->accepted == 0) {
		fail_all_rcpts(t, &f);
		reset_transaction(t);
		return -1;
	}
	if (t->bdat) {
		if (put_bdat(t) != 0) {
			return -1;
		}
		return bdat_result(t, 1);
	}
	if (smtp_session_command(t->s, SMTP_STAGE_DATA, "DATA", "DATA") != 0
	    || smtp_session_read(t->s, SMTP_STAGE_DATA, "DATA") != 0) {
		return -1;
	}
	return data_go_ahead(t);
}

/* What cannot be sent to this server at all, found before a byte is written. */
static int check_message(txn *t)
{
	const smtp_message *m = t->msg;
	const char *sender = sender_of(m);
	const char *host = smtp_session_host(t->s);
	size_t i;

	if (*sender && !smtp_address_valid(sender, strlen(sender))) {
		smtp_session_fail(t->s, SMTP_STAGE_MAIL, SMTP_CAUSE_INPUT,
		                  "SMTP MAIL FROM not sent: the sender address <%.320s> is not valid", sender);
		return -1;
	}
	if (m->rcpts.count == 0) {
		smtp_session_fail(t->s, SMTP_STAGE_RCPT, SMTP_CAUSE_INPUT,
		                  "SMTP RCPT TO not sent: the message has no recipients");
		return -1;
	}
	for (i = 0; i < m->rcpts.count; i++) {
		const char *a = m->rcpts.items[i];
		if (!smtp_address_valid(a, strlen(a))) {
			smtp_session_fail(t->s, SMTP_STAGE_RCPT, SMTP_CAUSE_INPUT,
			                  "SMTP RCPT TO not sent: the recipient address <%.320s> is not valid", a);
			return -1;
		}
	}
	if (m->utf8_addrs && !t->caps->smtputf8) {
		smtp_session_fail(t->s, SMTP_STAGE_MAIL, SMTP_CAUSE_NO_SMTPUTF8,
		                  "SMTP MAIL FROM not sent: the message has internationalized (UTF-8) addresses and the "
		                  "server %s does not offer SMTPUTF8",
		                  host);
		return -1;
	}
	if (t->caps->size && (unsigned long long)m->size > t->caps->size) {
		smtp_session_fail(t->s, SMTP_STAGE_MAIL, SMTP_CAUSE_TOO_BIG,
		                  "SMTP MAIL FROM not sent: the message (%zu bytes) is larger than the server %s accepts "
		                  "(SIZE %llu)",
		                  m->size, host, t->caps->size);
		return -1;
	}
	return 0;
}

int smtp_transaction_send(smtp_session *s, const smtp_message *msg, int64_t deadline, const smtp_observer *obs,
                          smtp_err *err)
{
	double t0 = smtp_now_precise_ms();
	txn t;
	int rc;
	smtp_event ev;

	if (err) {
		smtp_err_clear(err);
	}
	if (!s || !msg) {
		return -1;
	}
	smtp_session_begin(s, deadline, obs);
	smtp_session_clear_error(s);
	memset(&t, 0, sizeof(t));
	t.s = s;
	t.ch = smtp_session_chat(s);
	t.msg = msg;
	t.caps = smtp_session_caps(s);
	t.bdat = t.caps->chunking;
	if (smtp_session_state_get(s) != SMTP_S_READY || !t.ch->conn) {
		smtp_session_fail(s, SMTP_STAGE_MAIL, SMTP_CAUSE_NOT_OPEN, "SMTP MAIL FROM not sent: the session is not open");
		rc = -1;
	} else if (check_message(&t) != 0) {
		rc = -1;
	} else {
		smtp_session_count_message(s);
		rc = t.caps->pipelining ? send_pipelined(&t) : send_serial(&t);
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_TIMING;
	ev.num = SMTP_TIMING_SEND;
	ev.ms = smtp_now_precise_ms() - t0;
	smtp_chat_emit(t.ch, &ev);
	if (rc != 0 && err) {
		*err = *smtp_session_error(s);
	}
	smtp_session_end(s);
	return rc;
}

/* ---- the sender probe ------------------------------------------------------------------------ */

static void emit_probe(smtp_session *s, smtp_stage stage, const char *addr, const smtp_reply *reply)
{
	smtp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = SMTP_EV_PROBE;
	ev.num = (int)stage;
	ev.text = addr;
	ev.len = strlen(addr);
	ev.reply = reply;
	smtp_chat_emit(smtp_session_chat(s), &ev);
}

/* The address may go into a command: valid, and UTF-8 only with SMTPUTF8. */
static int probe_address_ok(smtp_session *s, smtp_stage stage, const char *addr, int *utf8)
{
	const unsigned char *p;

	if (!smtp_address_valid(addr, strlen(addr))) {
		smtp_session_fail(s, stage, SMTP_CAUSE_INPUT, "SMTP %s not sent: the address <%.320s> is not valid",
		                  stage == SMTP_STAGE_MAIL ? "MAIL FROM" : "RCPT TO", addr);
		return 0;
	}
	for (p = (const unsigned char *)addr; *p; p++) {
		if (*p >= 0x80) {
			*utf8 = 1;
		}
	}
	return 1;
}

static int probe_run(smtp_session *s, const char *from, const char *rcpt)
{
	smtp_chat *ch = smtp_session_chat(s);
	const smtp_caps *caps = smtp_session_caps(s);
	int pipelined = caps->pipelining, utf8 = 0, mail_ok;
	char line[700], what[360];

	if (!probe_address_ok(s, SMTP_STAGE_MAIL, from, &utf8)
	    || (rcpt && !probe_address_ok(s, SMTP_STAGE_RCPT, rcpt, &utf8))) {
		return -1;
	}
	if (utf8 && !caps->smtputf8) {
		smtp_session_fail(s, SMTP_STAGE_MAIL, SMTP_CAUSE_NO_SMTPUTF8,
		                  "SMTP MAIL FROM not sent: the probe's addresses are internationalized (UTF-8) and the "
		                  "server %s does not offer SMTPUTF8",
		                  smtp_session_host(s));
		return -1;
	}
	snprintf(line, sizeof(line), "MAIL FROM:<%s>%s", from, utf8 ? " SMTPUTF8" : "");
	snprintf(what, sizeof(what), "MAIL FROM <%.320s>", from);
	if (smtp_session_command(s, SMTP_STAGE_MAIL, line, what) != 0) {
		return -1;
	}
	if (pipelined && rcpt) {
		/* RFC 2920: RCPT and RSET may follow MAIL in the same write */
		snprintf(line, sizeof(line), "RCPT TO:<%s>", rcpt);
		if (smtp_session_command(s, SMTP_STAGE_RCPT, line, "RCPT TO") != 0
		    || smtp_session_command(s, SMTP_STAGE_RCPT, "RSET", "RSET") != 0) {
			return -1;
		}
	}
	if (smtp_session_read(s, SMTP_STAGE_MAIL, what) != 0) {
		return -1;
	}
	emit_probe(s, SMTP_STAGE_MAIL, from, &ch->reply);
	mail_ok = ch->reply.code >= 200 && ch->reply.code < 300;
	if (!mail_ok) {
		smtp_session_fail_reply(s, SMTP_STAGE_MAIL, "SMTP MAIL FROM <%.320s> refused: %s", from,
		                        smtp_session_reply_line(s));
	}
	if (rcpt && (mail_ok || pipelined)) {
		snprintf(what, sizeof(what), "RCPT TO <%.320s>", rcpt);
		if (!pipelined) {
			snprintf(line, sizeof(line), "RCPT TO:<%s>", rcpt);
			if (smtp_session_command(s, SMTP_STAGE_RCPT, line, what) != 0) {
				return -1;
			}
		}
		if (smtp_session_read(s, SMTP_STAGE_RCPT, what) != 0) {
			return -1;
		}
		if (mail_ok) { /* after a refused MAIL the RCPT's reply (503 and kin) says nothing */
			emit_probe(s, SMTP_STAGE_RCPT, rcpt, &ch->reply);
			if (ch->reply.code < 250 || ch->reply.code >= 260) {
				smtp_session_fail_reply(s, SMTP_STAGE_RCPT, "SMTP RCPT TO <%.320s> refused: %s", rcpt,
				                        smtp_session_reply_line(s));
				mail_ok = 0;
			}
		}
	}
	{
		/* RSET ends the probe (pipelined: already sent); the stage of what failed, or rcpt */
		const smtp_err *e = smtp_session_error(s);
		smtp_stage st = e->cause != SMTP_CAUSE_NONE ? e->stage : SMTP_STAGE_RCPT;
		if ((!(pipelined && rcpt) && smtp_session_command(s, st, "RSET", "RSET") != 0)
		    || smtp_session_read(s, st, "RSET") != 0) {
			return -1;
		}
		if (ch->reply.code != 250) {
			smtp_chat_note(ch, "RSET refused; closing the connection");
			smtp_session_break(s);
		}
	}
	return mail_ok ? 0 : -1;
}

int smtp_transaction_probe(smtp_session *s, const char *from, const char *rcpt, int64_t deadline,
                           const smtp_observer *obs, smtp_err *err)
{
	int rc;

	if (err) {
		smtp_err_clear(err);
	}
	if (!s || !from) {
		return -1;
	}
	smtp_session_begin(s, deadline, obs);
	smtp_session_clear_error(s);
	if (smtp_session_state_get(s) != SMTP_S_READY) {
		smtp_session_fail(s, SMTP_STAGE_MAIL, SMTP_CAUSE_NOT_OPEN, "SMTP MAIL FROM not sent: the session is not open");
		rc = -1;
	} else {
		rc = probe_run(s, from, rcpt);
	}
	if (rc != 0 && err) {
		*err = *smtp_session_error(s);
	}
	smtp_session_end(s);
	return rc;
}
