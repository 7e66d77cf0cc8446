/*
 * strutil.h: small string checks shared by the config reader and others.
 * Pure functions; they return 0 or -EINVAL (or -ERANGE for numbers).
 */
#ifndef DISKLESS_STRUTIL_H
#define DISKLESS_STRUTIL_H

#include <stddef.h>

/* Decimal only, no sign, no spaces, min <= value <= max (strtonum-style). */
int str_to_ulong(const char *s, unsigned long min, unsigned long max,
	unsigned long *out);
/* Levenshtein distance, capped: returns cap when the distance is >= cap or
 * either string is longer than 64 bytes. */
size_t str_distance(const char *a, const char *b, size_t cap);
/* The candidate nearest to word, or NULL when none is close enough to be a
 * likely typo. candidates ends with NULL. */
const char *str_nearest(const char *word, const char *const *candidates);
/* RFC 1123 host name label: 1..63 of [A-Za-z0-9-], no '-' at either end. */
int str_check_hostname(const char *s);
/* RFC 1035 domain: dot-separated labels, at most 253 characters. */
int str_check_domain(const char *s);
/* Linux interface name: 1..15 bytes, not "." or "..", no '/', ':' or space. */
int str_check_ifname(const char *s);
/* An absolute path without control characters, "//", "/./" or "/../". */
int str_check_abspath(const char *s);
/* Joins dir and name into a new string ("dir/name"); NULL on ENOMEM. */
char *str_join_path(const char *dir, const char *name);

#endif
