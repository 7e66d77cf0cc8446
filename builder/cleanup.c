/*
 * cleanup.c: see cleanup.h.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"
#include "image.h"

struct leftover {
	const char *dir;
	const char *pattern; /* NULL: the path dir itself */
	bool recurse;
};

static const struct leftover leftovers[] = {
        {"var/log", "*", true},
        {"var/cache/apt", "*.bin", false},
        {"var/cache/apt/archives", "*.deb", false},
        {"var/cache/apt/archives/partial", "*", false},
        {"var/cache/debconf", "*-old", false},
        {"var/cache/ldconfig/aux-cache", NULL, false},
        {"var/lib/dpkg", "*-old", false},
        {"var/lib/systemd/random-seed", NULL, false},
        {"var/lib/urandom/random-seed", NULL, false},
        {"var/lib/dhcp", "*.leases", false},
};

int
cleanup_apply(struct image *img, bool clean_apt)
{
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]) && r == 0; i++) {
		const struct leftover *l = &leftovers[i];

		if (l->pattern == NULL)
			r = img->ops->remove(img, l->dir);
		else
			r = img->ops->remove_glob(img, l->dir, l->pattern, l->recurse);
	}
	if (r == 0)
		r = img->ops->clear_dir(img, "tmp");
	if (r == 0)
		r = img->ops->clear_dir(img, "var/tmp");
	if (r == 0 && clean_apt)
		r = img->ops->remove_glob(img, "var/lib/apt/lists", "*", true);
	return r;
}
