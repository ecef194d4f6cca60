/* The fake SMTP server of the C unit tests (run.sh links fake_server.c into every test): a forked
 * child that accepts one connection on loopback and plays a script of expected client lines and
 * canned replies, over plain TCP and, once TLS_ON has run, over TLS. Any deviation makes it exit
 * non-zero with a message on stderr; fake_finish() tells. Children are bounded by alarm(10).
 * Also: test certificates made with the openssl command in a temporary directory, and a few
 * sockets for failure cases (a closed port, a port whose listen queue is full). */
#ifndef SMTP_UNIT_FAKE_SERVER_H
#define SMTP_UNIT_FAKE_SERVER_H

#include <sys/types.h>

typedef struct {
	char op;
	const char *arg;
} step;

#define SEND(x)     {'S', x}    /* write these bytes */
#define EXPECT(x)   {'E', x}    /* read one line; it must start with x */
#define LINE(x)     {'L', x}    /* read one line; it must be exactly x */
#define BATCH(x)    {'B', x}    /* one recv must bring exactly x (a pipelined group, or one command alone) */
#define DATA(x)     {'D', x}    /* read the message up to CRLF.CRLF; it must be exactly x (NULL: anything) */
#define DATA_LEN(n) {'d', n}    /* read the message up to CRLF.CRLF, discarding it; it must be n bytes */
#define RAW_LEN(n)  {'K', n}    /* read exactly n bytes (a BDAT chunk), discarding them */
#define CLOSE       {'C', NULL} /* close the connection (and end the script) */
#define EXPECT_EOF  {'F', NULL} /* the client must close without sending anything more */
#define SLEEP(ms)   {'W', ms}   /* ms as a string: SLEEP("50") */
#define BIGLINE     {'G', NULL} /* "220 " and 100 KB without a line end */
#define ENDLESS     {'R', NULL} /* "220-..." continuation lines until the client goes away */
#define SILENT      {'N', NULL} /* say nothing; read and drop everything until the client closes */
#define DRAIN       SILENT
#define NUL_GREETING {'U', NULL} /* a 220 line with a NUL byte inside */
#define TLS_ON      {'T', NULL}  /* SSL_accept with the certificate given to fake_start_ex */
#define TLS_TRY     {'t', NULL}  /* SSL_accept that must fail (the client refuses the certificate); ends */
#define SEND_HEX(x)  {'X', x}    /* write these bytes, given in hex ("150303000202 28"; spaces ignored) */
#define HELLO       {'H', NULL}  /* wait for the client's first bytes (a ClientHello) and drop them */
#define END         {0, NULL}

typedef struct {
	pid_t pid;
	int port;
} fake;

/* Listens on loopback (AF_INET: 127.0.0.1, AF_INET6: ::1), port 0, before forking: the port is
 * known at once. cert/key: PEM files for TLS_ON/TLS_TRY (NULL when the script has none). */
int fake_start_ex(fake *f, int family, const step *script, const char *cert, const char *key);
/* The same on 127.0.0.1 without TLS. */
int fake_start(fake *f, const step *script);
/* Waits for the child: 1 when it played its whole script. */
int fake_finish(fake *f);

/* A port on 127.0.0.1 nobody listens on (bound, then closed: refused). */
int fake_closed_port(void);

/* A listener on 127.0.0.1 whose accept queue is full: new SYNs are dropped, so a connect waits until
 * its deadline. Returns the port (0 on failure); fake_blackhole_close() frees what it holds. */
typedef struct {
	int ls;
	int fds[8];
	int nfds;
	int port;
} fake_blackhole;
int fake_blackhole_open(fake_blackhole *b);
void fake_blackhole_close(fake_blackhole *b);

/* Test certificates in a temporary directory: a CA, a server certificate for localhost, 127.0.0.1
 * and ::1 signed by it, one for other.example, a self-signed one for localhost, an expired one for
 * localhost signed by the CA, one for localhost signed by the CA but only for TLS clients
 * (extendedKeyUsage=clientAuth: "unsupported certificate purpose"). ok = 1 when all were made. */
typedef struct {
	int ok;
	char dir[64];
	char ca_pem[128], srv_pem[128], srv_key[128], other_pem[128], other_key[128], self_pem[128], self_key[128],
	    expired_pem[128], expired_key[128], purpose_pem[128], purpose_key[128];
} fake_certs;
void fake_certs_make(fake_certs *c);
void fake_certs_remove(fake_certs *c);

#endif
