/*
 * site-internal.h: shared by the parts of the site config reader
 * (site-config.c reads files, site-keys.c parses values, site-validate.c
 * checks the whole site). Not for use outside lib/site-*.c.
 */
#ifndef DISKLESS_SITE_INTERNAL_H
#define DISKLESS_SITE_INTERNAL_H

#include <stdbool.h>

#include "site.h"

enum site_section {
	SECT_NONE,   /* before the first section */
	SECT_BAD,    /* an unknown or broken header: its keys are skipped */
	SECT_SERVER,
	SECT_DHCP,
	SECT_TFTP,
	SECT_BOOT,
	SECT_IMAGE,
	SECT_HOST,
	SECT_COUNT,
};

#define SITE_MAX_KEYS 16

struct site_parse {
	struct site *site;
	const char *file; /* interned in site->files */
	FILE *fp;
	unsigned line;
	bool hosts_file;      /* a file of the hosts directory */
	const char *file_host; /* its default host name (the file's stem) */
	bool file_host_open;
	enum site_section sect;
	size_t index;         /* current image or host */
	unsigned sect_line;
	unsigned key_line[SITE_MAX_KEYS]; /* 0: not seen in this section */
	unsigned singleton_line[SECT_COUNT];
	bool syntax_error_line; /* the reader already reported this line */
};

struct site_key {
	const char *name;
	/* Parses value into the current section's object; reports problems
	 * with site_diag() and returns -EINVAL, or 0. */
	int (*set)(struct site_parse *p, const char *value);
	bool repeatable;
};

const struct site_key *site_keys(enum site_section sect);
const char *site_section_name(enum site_section sect);

void site_diag(struct site *site, enum site_level level, const char *file,
	unsigned line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Shorthand for an error at the line being parsed. */
void site_perror(struct site_parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* [boot] (site-boot.c): its keys, its defaults and checks, its strings. */
extern const struct site_key site_boot_keys[];
void site_boot_validate(struct site *site);
void site_boot_free(struct site_boot *boot);

void site_set_defaults(struct site *site);
int site_set_image_defaults(struct site_image *img);
void site_validate(struct site *site);

/* Replace *slot with a copy of value; -ENOMEM on failure. */
int site_strdup(char **slot, const char *value);

#endif
