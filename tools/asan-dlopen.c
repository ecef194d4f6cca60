/* A dlopen() without RTLD_DEEPBIND, preloaded into the system PHP by `tools/run-phpt.sh --asan`.
 * PHP loads extensions with RTLD_DEEPBIND, which the sanitizer runtime refuses (it aborts the
 * process: a library bound deeply would call the real malloc, not the runtime's). This wrapper
 * drops the flag and hands the call on to the next dlopen, the runtime's. Built by
 * tools/build-asan.sh; never part of the extension. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

void *dlopen(const char *file, int mode)
{
	static void *(*next)(const char *, int);

	if (!next) {
		next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
		if (!next) {
			return NULL;
		}
	}
#ifdef RTLD_DEEPBIND
	mode &= ~RTLD_DEEPBIND;
#endif
	return next(file, mode);
}
