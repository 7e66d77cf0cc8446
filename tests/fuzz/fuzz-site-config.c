/*
 * fuzz-site-config.c: libFuzzer target for the site config reader. The
 * input is the config file; it is loaded, and when valid printed as INI and
 * loaded again (the round trip must hold for any input the reader accepts).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
load_fd(int fd, struct site **site)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return site_load(path, site);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct site *site = NULL, *again = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int fd, r;

	/* hosts-dir would send the reader around the fuzzing machine's disk. */
	if (memmem(data, size, "hosts-dir", 9) != NULL)
		return 0;
	fd = memfd_create("site", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	r = load_fd(fd, &site);
	if (site == NULL)
		goto out;
	out = fopen("/dev/null", "w");
	site_print_diags(site, "fuzz", out);
	site_print_json(site, out);
	fclose(out);
	if (r != 0)
		goto out;
	out = open_memstream(&text, &len);
	site_print_ini(site, out);
	fclose(out);
	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, len, 0) != (ssize_t)len)
		goto out;
	if (load_fd(fd, &again) != 0)
		abort(); /* a valid site printed must load again */
out:
	site_free(again);
	site_free(site);
	free(text);
	close(fd);
	return 0;
}
