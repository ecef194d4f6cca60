/* For run.bash: net.c called directly inside the network namespace whose DNS server never answers.
 *   net_probe fqdn DEADLINE_MS              smtp_local_fqdn(): prints "rc elapsed_ms name"
 *   net_probe connect HOST PORT DEADLINE_MS smtp_conn_open(): prints "status cause elapsed_ms text"
 * (status: ok timeout closed error protocol refused resolve cert; cause: smtp_cause_name()). */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_name(smtp_io_status st)
{
	static const char *const names[] = {"ok", "timeout", "closed", "error", "protocol", "refused", "resolve", "cert"};
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

int main(int argc, char **argv)
{
	int64_t t0;

	if (argc == 3 && strcmp(argv[1], "fqdn") == 0) {
		char out[256];
		int rc;
		t0 = smtp_now_ms();
		rc = smtp_local_fqdn(t0 + atoll(argv[2]), out, sizeof(out));
		printf("%d %lld %s\n", rc, (long long)(smtp_now_ms() - t0), out);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "connect") == 0) {
		smtp_conn *c = NULL;
		smtp_io_err e;
		smtp_io_status st;
		memset(&e, 0, sizeof(e));
		t0 = smtp_now_ms();
		st = smtp_conn_open(&c, argv[2], atoi(argv[3]), t0 + atoll(argv[4]), &e);
		printf("%s %s %lld %s\n", status_name(st), smtp_cause_name(e.cause), (long long)(smtp_now_ms() - t0),
		       st == SMTP_IO_OK ? smtp_conn_address(c) : e.text);
		smtp_conn_close(c);
		return 0;
	}
	fprintf(stderr, "usage: net_probe fqdn DEADLINE_MS | connect HOST PORT DEADLINE_MS\n");
	return 2;
}
