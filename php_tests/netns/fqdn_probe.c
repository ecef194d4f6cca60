/* For run.bash: smtp_local_fqdn() with a deadline, inside the network namespace whose DNS server
 * never answers. Prints "rc elapsed_ms name". Usage: fqdn_probe DEADLINE_MS */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char out[256];
	int64_t t0, ms = argc > 1 ? atoll(argv[1]) : 1500;
	int rc;

	t0 = smtp_now_ms();
	rc = smtp_local_fqdn(t0 + ms, out, sizeof(out));
	printf("%d %lld %s\n", rc, (long long)(smtp_now_ms() - t0), out);
	return 0;
}
