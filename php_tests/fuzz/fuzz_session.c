/* libFuzzer harness: one whole submission (smtp_submit: greeting, EHLO or HELO, STARTTLS, AUTH, MAIL,
 * RCPT, DATA or BDAT, QUIT) against a server whose every byte is the fuzzer's.
 *
 * The input: byte 0 chooses the settings (encryption, AUTH mechanism, credentials or none, for
 * XOAUTH2 an OAuth token source or the password as the token), byte 1 how the peer hands its bytes
 * out (all of a segment in one read, or at most N bytes a read) and whether a second token can be
 * had after the server refused the first; the
 * rest is what the server says, in segments separated by 0xFF: each read of the client gets (part
 * of) the next segment, so that a segment is one read's worth, usually one reply. When the bytes run
 * out the peer closes (EOF): nothing ever waits, so a run never sleeps or hangs.
 *
 * How the peer gets under the session: the engine connects for real (net.c, to a socket this
 * harness listens on, 127.0.0.1), then the connection's io table (smtp_conn_set_io) is replaced by
 * the in-memory peer below; the accepted socket is closed at once. smtp_conn_open is wrapped with
 * the linker (-Wl,--wrap=smtp_conn_open) to do that. A STARTTLS answered 220 hands the real socket
 * to OpenSSL, whose handshake ends at once on the closed socket.
 *
 * Beyond "no crash, no leak, no UB": the result agrees with the return value; a success has a
 * final 2xx reply and at least one accepted recipient, a failure its sentence; the password never
 * appears in clear in what the client sent nor in the transcript's client lines, nor (unless the
 * fuzzed server said it) in the error, the message or the hint. */
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "auth.h"
#include "buf.h"
#include "message.h"
#include "net.h"
#include "result.h"
#include "settings.h"
#include "submit.h"
#include "tls.h"

#define SECRET "s3cr3t-Pa55w0rd"

typedef struct {
	const uint8_t *p;
	size_t len, off;
	size_t chunk; /* 0: a whole segment per read */
	size_t written;
	unsigned char sent[65536]; /* the first bytes the client wrote */
} peer;

static peer the_peer;
static int listen_fd = -1;
static int listen_port;
static smtp_tls_cache *tls_cache;

static ssize_t peer_read(smtp_conn *c, void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e)
{
	peer *pr = smtp_conn_io_ctx(c);
	size_t end, take;

	(void)want;
	while (pr->off < pr->len && pr->p[pr->off] == 0xFF) {
		pr->off++; /* the start of the next segment (an empty one is skipped) */
	}
	if (pr->off >= pr->len) {
		*st = SMTP_IO_CLOSED;
		smtp_io_seterr(e, SMTP_CAUSE_CLOSED, "the server closed the connection");
		return -1;
	}
	end = pr->off;
	while (end < pr->len && pr->p[end] != 0xFF) {
		end++;
	}
	take = end - pr->off;
	if (pr->chunk && take > pr->chunk) {
		take = pr->chunk;
	}
	if (take > n) {
		take = n;
	}
	memcpy(p, pr->p + pr->off, take);
	pr->off += take;
	return (ssize_t)take;
}

static ssize_t peer_write(smtp_conn *c, const void *p, size_t n, short *want, smtp_io_status *st, smtp_io_err *e)
{
	peer *pr = smtp_conn_io_ctx(c);

	(void)want;
	(void)st;
	(void)e;
	if (pr->written < sizeof(pr->sent)) {
		size_t k = n < sizeof(pr->sent) - pr->written ? n : sizeof(pr->sent) - pr->written;
		memcpy(pr->sent + pr->written, p, k);
	}
	pr->written += n;
	return (ssize_t)n;
}

static size_t peer_buffered(smtp_conn *c)
{
	(void)c;
	return 0;
}

static void peer_close(smtp_conn *c)
{
	(void)c;
}

/* The OAuth token source (oauth.c's place): a token at once; a new one when forced, unless this run
 * says the endpoint refuses. */
typedef struct {
	int calls;
	int refuse_second;
} tokens;

static tokens the_tokens;

static int token_get(void *ctx, int force, int64_t deadline, smtp_buf *out, smtp_token_failure *f, char *note,
                     size_t notelen)
{
	tokens *t = ctx;

	(void)deadline;
	t->calls++;
	if (t->calls > 3) {
		abort(); /* the engine asks again only once, after a refusal */
	}
	snprintf(note, notelen, "%s", force ? "OAuth: a new token" : "");
	if (force && t->refuse_second) {
		f->cause = SMTP_CAUSE_OAUTH_INVALID_GRANT;
		snprintf(f->sentence, sizeof(f->sentence), "OAuth token request to login.example.org refused: invalid_grant");
		snprintf(f->words, sizeof(f->words), "invalid_grant: Token has been expired or revoked.");
		return -1;
	}
	return smtp_buf_puts(out, force ? SECRET "-second" : SECRET "-first");
}

static const smtp_token_source token_source = {token_get, &the_tokens};

static const smtp_io_ops peer_ops = {peer_read, peer_write, peer_buffered, peer_close};

smtp_io_status __real_smtp_conn_open(smtp_conn **out, const char *host, int port, int64_t deadline, smtp_io_err *e);

smtp_io_status __wrap_smtp_conn_open(smtp_conn **out, const char *host, int port, int64_t deadline, smtp_io_err *e)
{
	smtp_io_status st;
	int a;

	(void)host;
	(void)port;
	st = __real_smtp_conn_open(out, "127.0.0.1", listen_port, deadline, e);
	if (st != SMTP_IO_OK) {
		abort(); /* our own listener on loopback must take the connection */
	}
	a = accept(listen_fd, NULL, NULL);
	if (a < 0) {
		abort();
	}
	close(a);
	smtp_conn_set_io(*out, &peer_ops, &the_peer);
	return SMTP_IO_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	(void)argc;
	(void)argv;
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(listen_fd, 16) != 0
	    || getsockname(listen_fd, (struct sockaddr *)&sin, &len) != 0) {
		abort();
	}
	listen_port = ntohs(sin.sin_port);
	tls_cache = smtp_tls_cache_new();
	return 0;
}

static const char HEAD[] = "From: Sender <a@example.org>\r\n"
                           "To: b@example.org, c@example.org\r\n"
                           "Cc: d@example.org\r\n"
                           "Subject: fuzz\r\n"
                           "\r\n";
static const char BODY[] = "line one\r\n.a line that starts with a dot\r\n\xc3\xa9t\xc3\xa9\r\n.\r\nlast";

static int contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	if (!hay || n < k) {
		return 0;
	}
	for (i = 0; i + k <= n; i++) {
		if (memcmp(hay + i, needle, k) == 0) {
			return 1;
		}
	}
	return 0;
}

/* Does the server's stream (the segments joined: without the 0xFF bytes) contain needle? */
static int server_said(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, j, m;

	for (i = 0; i < n; i++) {
		for (j = i, m = 0; j < n && m < k; j++) {
			if (p[j] == 0xFF) {
				continue;
			}
			if (p[j] != (uint8_t)needle[m]) {
				break;
			}
			m++;
		}
		if (m == k) {
			return 1;
		}
	}
	return 0;
}

/* Does a line of the transcript that starts with "C: " contain needle? */
static int client_lines_contain(const char *t, size_t n, const char *needle)
{
	size_t i = 0;

	while (t && i < n) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - t) : n;
		if (end - i >= 3 && memcmp(t + i, "C: ", 3) == 0 && contains(t + i, end - i, needle)) {
			return 1;
		}
		i = end + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const smtp_encryption encs[] = {SMTP_ENC_NONE, SMTP_ENC_AUTO, SMTP_ENC_TLS, SMTP_ENC_NONE};
	static const smtp_auth_mech mechs[] = {SMTP_AUTH_AUTO, SMTP_AUTH_PLAIN, SMTP_AUTH_LOGIN, SMTP_AUTH_CRAM_MD5,
	                                       SMTP_AUTH_XOAUTH2, SMTP_AUTH_AUTO, SMTP_AUTH_LOGIN, SMTP_AUTH_CRAM_MD5};
	smtp_config cfg;
	smtp_message_input in;
	smtp_message m;
	smtp_result r;
	char err[200];
	int rc;
	size_t i;

	if (size < 2) {
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.hosts = "127.0.0.1";
	cfg.port = 587;
	cfg.encryption = encs[data[0] & 3];
	cfg.auth = mechs[(data[0] >> 2) & 7];
	if (data[0] & 0x20) {
		cfg.username = "user@example.org";
		cfg.password = SECRET;
	}
	if ((data[0] & 0x80) && cfg.auth == SMTP_AUTH_XOAUTH2) {
		cfg.token_source = &token_source;
		cfg.oauth_key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	}
	the_tokens.calls = 0;
	the_tokens.refuse_second = (data[1] & 0x40) != 0;
	cfg.allow_insecure_auth = 1;
	cfg.helo = "client.example.org";
	cfg.timeout_ms = 5000; /* never reached: the peer never makes the client wait */
	cfg.verify_peer = 0;
	cfg.tls_cache = tls_cache;
	the_peer.p = data + 2;
	the_peer.len = size - 2;
	the_peer.off = 0;
	the_peer.written = 0;
	the_peer.chunk = (data[1] & 0x80) ? 0 : (size_t)(data[1] & 0x3F) + 1;

	memset(&in, 0, sizeof(in));
	in.raw = HEAD;
	in.raw_len = sizeof(HEAD) - 1;
	in.more[0] = BODY;
	in.more_len[0] = sizeof(BODY) - 1;
	in.envelope_from = (data[0] & 0x40) ? "" : "a@example.org";
	in.msgid_domain = "example.org";
	in.now = 1764547200;
	smtp_message_init(&m);
	if (smtp_message_prepare(&in, &m, err, sizeof(err)) != 0) {
		abort();
	}
	smtp_result_init(&r);
	rc = smtp_submit(&cfg, &m, &r);
	if (getenv("FUZZ_SESSION_SHOW")) { /* to look at what a seed does */
		fprintf(stderr, "ok=%d stage=%s code=%d written=%zu error=%s\n", r.ok, smtp_stage_name(r.stage), r.code,
		        the_peer.written, r.error ? r.error : "-");
	}
	if ((rc == 0) != (r.ok == 1)) {
		abort();
	}
	if (rc == 0) {
		size_t accepted = 0;
		if (r.code < 200 || r.code > 299) {
			abort();
		}
		for (i = 0; i < r.rcpt_count; i++) {
			if (r.rcpts[i].code >= 200 && r.rcpts[i].code <= 299) {
				accepted++;
			}
		}
		if (accepted == 0 || r.error) {
			abort();
		}
	} else if (!r.error || !r.error[0]) {
		abort(); /* a failure always has its sentence */
	}
	/* what we said: no "C:" line of the transcript holds the password (the server's lines may: the
	 * fuzzer can make it say anything, and the error, the message and the hint quote it) */
	if (client_lines_contain(r.transcript.data, r.transcript.len, SECRET)
	    || (!server_said(data + 2, size - 2, SECRET)
	        && ((r.error && strstr(r.error, SECRET)) || (r.message && strstr(r.message, SECRET))
	            || (r.hint && strstr(r.hint, SECRET))))) {
		abort();
	}
	if (contains((const char *)the_peer.sent, the_peer.written < sizeof(the_peer.sent) ? the_peer.written : sizeof(the_peer.sent),
	             SECRET)) {
		abort(); /* AUTH sends the password in base64 or as an HMAC, never as it is */
	}
	if (r.transcript.len > SMTP_TRANSCRIPT_LIMIT + 4096) {
		abort();
	}
	smtp_result_free(&r);
	smtp_message_free(&m);
	return 0;
}
