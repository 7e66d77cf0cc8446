/*
 * test-strutil.c: numbers, names, paths, and the typo hints.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "tap.h"

static const struct {
	const char *text;
	unsigned long min, max;
	int want;
	unsigned long value;
} nums[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "11", 0, 10, -ERANGE, 0 },
	{ "4", 5, 10, -ERANGE, 0 },
	{ "18446744073709551615", 0, ~0ul, 0, ~0ul },
	{ "18446744073709551616", 0, ~0ul, -ERANGE, 0 },
	{ "99999999999999999999999", 0, ~0ul, -ERANGE, 0 },
	{ "", 0, 10, -EINVAL, 0 },
	{ "-1", 0, 10, -EINVAL, 0 },
	{ "+1", 0, 10, -EINVAL, 0 },
	{ " 1", 0, 10, -EINVAL, 0 },
	{ "1 ", 0, 10, -EINVAL, 0 },
	{ "0x10", 0, 100, -EINVAL, 0 },
	{ "1e3", 0, 10000, -EINVAL, 0 },
};

static const struct {
	int (*check)(const char *);
	const char *what, *text;
	int ok;
} names[] = {
	{ str_check_hostname, "hostname", "pc01", 1 },
	{ str_check_hostname, "hostname", "a", 1 },
	{ str_check_hostname, "hostname", "lab-pc-01", 1 },
	{ str_check_hostname, "hostname", "-pc", 0 },
	{ str_check_hostname, "hostname", "pc-", 0 },
	{ str_check_hostname, "hostname", "pc_01", 0 },
	{ str_check_hostname, "hostname", "pc.01", 0 },
	{ str_check_hostname, "hostname", "", 0 },
	{ str_check_hostname, "hostname",
		"a123456789012345678901234567890123456789012345678901234567890123", 0 },
	{ str_check_domain, "domain", "lab.example.org", 1 },
	{ str_check_domain, "domain", "lab", 1 },
	{ str_check_domain, "domain", "lab..org", 0 },
	{ str_check_domain, "domain", ".lab", 0 },
	{ str_check_domain, "domain", "lab.", 0 },
	{ str_check_domain, "domain", "", 0 },
	{ str_check_ifname, "ifname", "eth1", 1 },
	{ str_check_ifname, "ifname", "enp0s31f6", 1 },
	{ str_check_ifname, "ifname", "abcdefghijklmno", 1 },
	{ str_check_ifname, "ifname", "abcdefghijklmnop", 0 },
	{ str_check_ifname, "ifname", "eth 1", 0 },
	{ str_check_ifname, "ifname", "eth:1", 0 },
	{ str_check_ifname, "ifname", "..", 0 },
	{ str_check_ifname, "ifname", "", 0 },
	{ str_check_abspath, "path", "/srv/diskless", 1 },
	{ str_check_abspath, "path", "/", 1 },
	{ str_check_abspath, "path", "srv", 0 },
	{ str_check_abspath, "path", "/srv//x", 0 },
	{ str_check_abspath, "path", "/srv/./x", 0 },
	{ str_check_abspath, "path", "/srv/../x", 0 },
	{ str_check_abspath, "path", "/srv/..", 0 },
	{ str_check_abspath, "path", "/srv/.", 0 },
	{ str_check_abspath, "path", "/srv/\x01", 0 },
	{ str_check_abspath, "path", "", 0 },
};

int
main(void)
{
	static const char *const keys[] = { "address", "interface", "mode", "tftp-root",
		"state-dir", "hosts-dir", NULL };
	unsigned long v;
	char *joined;
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		int r = str_to_ulong(nums[i].text, nums[i].min, nums[i].max, &v);

		tap_ok(r == nums[i].want && (r != 0 || v == nums[i].value), "number '%s'",
			nums[i].text);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		tap_is_int(names[i].check(names[i].text) == 0, names[i].ok, "%s '%s'",
			names[i].what, names[i].text);
	tap_is_int((long long)str_distance("adress", "address", 10), 1, "distance 1");
	tap_is_int((long long)str_distance("", "abc", 10), 3, "distance from empty");
	tap_is_int((long long)str_distance("kitten", "sitting", 10), 3, "kitten/sitting");
	tap_is_int((long long)str_distance("abc", "xyz", 2), 2, "distance capped");
	tap_is_str(str_nearest("adress", keys), "address", "hint adress");
	tap_is_str(str_nearest("tftproot", keys), "tftp-root", "hint tftproot");
	tap_is_str(str_nearest("mdoe", keys), "mode", "hint mdoe");
	tap_ok(str_nearest("frobnicate", keys) == NULL, "no hint for frobnicate");
	tap_ok(str_nearest("x", keys) == NULL, "no hint for one letter");
	joined = str_join_path("/a/b", "c.conf");
	tap_is_str(joined, "/a/b/c.conf", "join path");
	free(joined);
	return tap_done();
}
