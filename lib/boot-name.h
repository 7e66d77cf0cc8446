/*
 * boot-name.h: [boot] file names are templates (diskless.conf(5)); this
 * expands one for a client.
 */
#ifndef DISKLESS_BOOT_NAME_H
#define DISKLESS_BOOT_NAME_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Expands tpl into buf (size bytes, NUL included): %m the client's MAC
 * with dashes (pxelinux's form), %h its host name, %s the server's
 * address, %% a '%'. mac or host NULL: not known to the caller, and a
 * name using it is -ENXIO. Returns 0, -ENAMETOOLONG, or -EINVAL for
 * another placeholder (site_load() refuses those).
 */
int boot_name_expand(const char *tpl, const uint8_t *mac, const char *host,
	struct in_addr server, char *buf, size_t size);

#endif
