/* The valgrind pass's canary (tools/run-phpt.sh --valgrind): a library preloaded into the php of
 * one test, canary.phpt, that leaks on purpose as the process starts. A node and the block it points
 * to are made and the only pointer to the node is dropped: the node is "definitely lost" and the
 * block "indirectly lost", the two kinds the pass fails a test for. The pass requires run-tests to
 * report that test as LEAK with both records naming smtp_valgrind_canary_leak; if it does not, leaks
 * would go unseen and the pass fails. Built -O0 so that the allocations stay as written. */
#include <stdlib.h>
#include <string.h>

struct smtp_valgrind_canary_node {
	char *block;
	char tag[24];
};

__attribute__((constructor, noinline)) static void smtp_valgrind_canary_leak(void)
{
	struct smtp_valgrind_canary_node *node = malloc(sizeof(*node));

	if (!node) {
		return;
	}
	node->block = malloc(100);
	if (node->block) {
		memset(node->block, 'x', 100);
	}
	memcpy(node->tag, "smtp valgrind canary", sizeof("smtp valgrind canary"));
	node = NULL; /* the only pointer to the node, dropped */
}
