/*
 * cleanup.h: leftovers of the base removed from the image: logs (files
 * under /var/log, the directories stay), package caches, random seeds,
 * dpkg/debconf backups, ldconfig's aux-cache, /tmp and /var/tmp, and with
 * clean_apt the apt lists. A seed or a log shared by 200 clients is wrong
 * on all of them, and none of it is needed to boot.
 */
#ifndef DISKLESS_CLEANUP_H
#define DISKLESS_CLEANUP_H

#include <stdbool.h>

struct image;

int cleanup_apply(struct image *img, bool clean_apt);

#endif
