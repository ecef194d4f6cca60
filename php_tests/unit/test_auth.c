/* Unit tests of auth.c: each mechanism's exchange over a chat against the fake server, the outcomes
 * (accepted, refused, broken off, ours), and no secret in any event. */
#include "unit.h"
#include "auth.h"
#include "fake_server.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	char log[4096];
} seen;

static void on_event(void *ctx, const smtp_event *ev)
{
	seen *s = ctx;
	size_t l = strlen(s->log);

	if (ev->kind == SMTP_EV_COMMAND) {
		snprintf(s->log + l, sizeof(s->log) - l, "C:%.*s|", (int)ev->len, ev->text);
	}
}

static smtp_auth_outcome run(const step *script, smtp_auth_mech m, const char *user, const char *secret, seen *s,
                             int *code, smtp_cause *cause)
{
	fake f;
	smtp_conn *c = NULL;
	smtp_io_err e;
	smtp_chat ch;
	smtp_observer obs = {on_event, s};
	smtp_auth_outcome out = SMTP_AUTH_IO_FAILED;
	char why[200];

	memset(s, 0, sizeof(*s));
	*code = 0;
	if (fake_start(&f, script) != 0) {
		return out;
	}
	if (smtp_conn_open(&c, "127.0.0.1", f.port, smtp_now_ms() + 3000, &e) == SMTP_IO_OK && smtp_chat_init(&ch, c) == 0) {
		ch.obs = &obs;
		ch.deadline = smtp_now_ms() + 3000;
		out = smtp_auth_run(&ch, m, user, secret, cause, why, sizeof(why));
		*code = ch.reply.code;
		smtp_chat_free(&ch);
	}
	CHECK(fake_finish(&f));
	return out;
}

static void run_tests(void)
{
	static const step plain[] = {LINE("AUTH PLAIN AHUAcHc="), SEND("235 2.7.0 ok\r\n"), EXPECT_EOF, END};
	static const step login[] = {LINE("AUTH LOGIN"), SEND("334 VXNlcm5hbWU6\r\n"), LINE("dQ=="), SEND("334 UGFzc3dvcmQ6\r\n"),
	                             LINE("cHc="), SEND("535 5.7.8 no\r\n"), EXPECT_EOF, END};
	static const step xo[] = {EXPECT("AUTH XOAUTH2 "), SEND("334 eyJzdGF0dXMiOiI0MDEifQ==\r\n"), LINE(""),
	                          SEND("535 5.7.8 Username and Password not accepted\r\n"), EXPECT_EOF, END};
	static const step badchal[] = {LINE("AUTH CRAM-MD5"), SEND("334 !!!not base64!!!\r\n"), LINE("*"),
	                               SEND("501 5.7.0 cancelled\r\n"), EXPECT_EOF, END};
	static const step cut[] = {LINE("AUTH LOGIN"), CLOSE, END};
	seen s;
	int code;
	smtp_cause cause;

	CHECK(run(plain, SMTP_AUTH_PLAIN, "u", "pw", &s, &code, &cause) == SMTP_AUTH_ACCEPTED);
	CHECK(code == 235);
	CHECK_STR(s.log, "C:AUTH PLAIN ********|");

	CHECK(run(login, SMTP_AUTH_LOGIN, "u", "pw", &s, &code, &cause) == SMTP_AUTH_REFUSED);
	CHECK(code == 535);
	CHECK_STR(s.log, "C:AUTH LOGIN|C:********|C:********|");

	/* XOAUTH2's error challenge is answered with an empty line; the final reply is the refusal */
	CHECK(run(xo, SMTP_AUTH_XOAUTH2, "u@example.org", "ya29.token", &s, &code, &cause) == SMTP_AUTH_REFUSED);
	CHECK(code == 535);
	CHECK(strstr(s.log, "ya29") == NULL);

	CHECK(run(badchal, SMTP_AUTH_CRAM_MD5, "u", "pw", &s, &code, &cause) == SMTP_AUTH_LOCAL_FAILED);
	CHECK(cause == SMTP_CAUSE_BAD_CHALLENGE);

	CHECK(run(cut, SMTP_AUTH_LOGIN, "u", "pw", &s, &code, &cause) == SMTP_AUTH_IO_FAILED);

	CHECK_STR(smtp_auth_wire_name(SMTP_AUTH_CRAM_MD5), "CRAM-MD5");
	CHECK_STR(smtp_auth_wire_name(SMTP_AUTH_NONE), "");
}
