/*
 * modload.c: kernel modules with finit_module(2) (reference §1.8).
 *
 * Two steps, so that the NIC negotiates its link while the NFS stack loads
 * (carrier takes seconds; loading sunrpc and nfs takes about as long):
 *
 * 1. modules_load_nics(): the untagged lines of /etc/diskless/modules.load
 *    (for every boot: a NIC driver without bus aliases), then NIC coldplug:
 *    every device's sysfs modalias is matched against
 *    /etc/diskless/modules.alias (format in lib/modalias.h) and the
 *    matching load sequences run. Coldplug
 *    repeats while it finds new devices, because virtio devices only
 *    appear once virtio_pci (matched by its PCI alias) is loaded.
 * 2. modules_load_features(): the lines of modules.load tagged with a
 *    feature this boot uses (modules_wanted()), in file order. It may run
 *    again once DHCP has told the NFS version; loaded paths are skipped.
 *
 * A missing or failing module is a warning: the step that needs it (link,
 * mount) fails later with a precise reason.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "init.h"
#include "modalias.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

#define SEEN_MAX 512
#define DEVS_MAX 64
#define COLDPLUG_PASSES 4

struct modload {
	unsigned loaded, missing, failed;
	unsigned want;			/* MODALIAS_FEAT_* of this pass */
	uint32_t seen[SEEN_MAX];	/* FNV-1a of paths already tried */
	unsigned n_seen;
	char dev[DEVS_MAX][128];	/* device modaliases found this pass */
	bool dev_new[DEVS_MAX];
	unsigned n_dev;
	uint32_t dev_seen[DEVS_MAX * 2];
	unsigned n_dev_seen;
};

static struct modload ml;	/* ~10 KiB: static, not the heap */

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool
seen_add(uint32_t *set, unsigned *n, unsigned max, uint32_t h)
{
	unsigned i;

	for (i = 0; i < *n; i++) {
		if (set[i] == h)
			return false;
	}
	if (*n < max)
		set[(*n)++] = h;
	return true;
}

/* /lib/modules/.../e1000.ko -> "e1000"; '-' and '_' are the same to kmod. */
static int
module_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t i, n;

	base = base != NULL ? base + 1 : path;
	n = strcspn(base, ".");
	if (n == 0 || n >= size)
		return -EINVAL;
	for (i = 0; i < n; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[n] = '\0';
	return 0;
}

static bool
is_compressed(const char *path)
{
	size_t n = strlen(path);

	return (n > 3 && strcmp(path + n - 3, ".xz") == 0) ||
		(n > 4 && strcmp(path + n - 4, ".zst") == 0) ||
		(n > 3 && strcmp(path + n - 3, ".gz") == 0);
}

static const char *
load_hint(int err)
{
	switch (err) {
	case ENOEXEC:
		return " (built for another kernel? rebuild the initrd for this kernel)";
	case EKEYREJECTED:
		return " (unsigned module under Secure Boot lockdown)";
	case ENOENT:
		return " (a dependency is missing from the load sequence)";
	case EINVAL:
	case EOPNOTSUPP:
		return " (compressed module the kernel cannot decompress? ship it uncompressed)";
	default:
		return "";
	}
}

static void
load_one(const char *path)
{
	char name[64], sysmod[96];
	struct stat st;
	long long t0 = now_ms();
	int fd;

	if (!seen_add(ml.seen, &ml.n_seen, SEEN_MAX, fnv1a(path)))
		return;
	if (module_name(path, name, sizeof(name)) == 0 &&
		snprintf(sysmod, sizeof(sysmod), "/sys/module/%s", name) < (int)sizeof(sysmod) &&
		stat(sysmod, &st) == 0 && access(path, F_OK) != 0) {
		/* built in (or loaded before us) and not shipped: nothing to do */
		say_debug("module %s: built in or already loaded", name);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say_warn("module %s is not in the initramfs: %s (continuing)", path,
			strerror(errno));
		ml.missing++;
		return;
	}
	if (syscall(SYS_finit_module, fd, "",
		is_compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0) < 0 &&
		errno != EEXIST) {
		int e = errno;

		say_warn("unable to load module %s: %s%s", path, strerror(e), load_hint(e));
		ml.failed++;
	} else {
		ml.loaded++;
		say_debug("module %s loaded in %lld ms", path, now_ms() - t0);
	}
	close(fd);
}

typedef void (*line_cb)(const char *line, size_t len, unsigned lineno, const char *file);

/* Streams a text file through a 16 KiB buffer, one callback per line. */
static int
each_line(const char *file, line_cb cb)
{
	char buf[16384];
	size_t have = 0;
	unsigned lineno = 0;
	bool eof = false, skipping = false;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (!eof || have > 0) {
		const char *line;
		size_t off = 0, len;
		int r;

		if (!eof && have < sizeof(buf)) {
			ssize_t n = read(fd, buf + have, sizeof(buf) - have);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				eof = true;
			else
				have += (size_t)n;
		}
		if (skipping) {
			/* the rest of an overlong line: drop it up to its newline */
			const char *nl = memchr(buf, '\n', have);

			off = nl != NULL ? (size_t)(nl - buf) + 1 : have;
			skipping = nl == NULL && !eof;
		}
		while (!skipping &&
			(r = modalias_next_line(buf, have, &off, eof, &line, &len)) != 0) {
			lineno++;
			if (r == -E2BIG) {
				say_warn("%s:%u: line longer than %d bytes ignored", file, lineno,
					MODALIAS_LINE_MAX);
				/* cut mid-line (no newline yet): skip its tail too */
				skipping = !eof && buf[off - 1] != '\n';
			} else {
				cb(line, len, lineno, file);
			}
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (eof && have > 0)
			break;	/* cannot happen: at_eof consumes the rest */
	}
	close(fd);
	return 0;
}

static void
load_list_line(const char *line, size_t len, unsigned lineno, const char *file)
{
	static struct modalias_line l;
	int r = modalias_parse_load(line, len, &l);

	if (r < 0) {
		say_warn("%s:%u: want [FEATURES<TAB>]/absolute/module.ko", file, lineno);
		return;
	}
	/* untagged lines, and words a newer builder wrote, are for every boot:
	 * the NIC step loads them */
	if (r > 0 && ((l.features != 0 ? l.features : MODALIAS_FEAT_OTHER) & ml.want) != 0)
		load_one(l.path[0]);
}

static void
alias_line(const char *line, size_t len, unsigned lineno, const char *file)
{
	static struct modalias_line l;
	unsigned d, i;
	int r = modalias_parse_alias(line, len, &l);

	if (r < 0) {
		say_warn("%s:%u: want PATTERN<TAB>/abs/dep.ko ... /abs/module.ko", file, lineno);
		return;
	}
	if (r == 0)
		return;
	for (d = 0; d < ml.n_dev; d++) {
		if (!ml.dev_new[d] || !modalias_match(&l, ml.dev[d]))
			continue;
		say_debug("device %s matches %s", ml.dev[d], l.pattern);
		for (i = 0; i < l.n_path; i++)
			load_one(l.path[i]);
		break;
	}
}

static int
collect_dev(int dirfd, const char *name, unsigned char type, void *arg)
{
	char path[300], alias[128];
	ssize_t n;

	(void)type;
	(void)arg;
	if (ml.n_dev >= DEVS_MAX)
		return 1;
	if (snprintf(path, sizeof(path), "%s/modalias", name) >= (int)sizeof(path))
		return 0;
	n = read_file_at(dirfd, path, alias, sizeof(alias));
	if (n <= 0)
		return 0;
	alias[strcspn(alias, "\n")] = '\0';
	if (!seen_add(ml.dev_seen, &ml.n_dev_seen, DEVS_MAX * 2, fnv1a(alias)))
		return 0;	/* same alias already handled (identical NICs) */
	memcpy(ml.dev[ml.n_dev], alias, sizeof(alias));
	ml.dev_new[ml.n_dev] = true;
	ml.n_dev++;
	return 0;
}

static unsigned
scan_devices(void)
{
	static const char *const buses[] = {
		"/sys/bus/pci/devices", "/sys/bus/virtio/devices", "/sys/bus/usb/devices",
	};
	size_t i;

	ml.n_dev = 0;
	for (i = 0; i < sizeof(buses) / sizeof(buses[0]); i++)
		(void)dir_each(AT_FDCWD, buses[i], collect_dev, NULL);
	return ml.n_dev;
}

static void
load_list(unsigned want)
{
	int r;

	ml.want = want;
	r = each_line(MODULES_LOAD, load_list_line);
	if (r < 0 && r != -ENOENT)
		say_warn("unable to read " MODULES_LOAD ": %s", strerror(-r));
}

void
modules_load_nics(void)
{
	int pass, r;

	load_list(MODALIAS_FEAT_OTHER);
	for (pass = 0; pass < COLDPLUG_PASSES; pass++) {
		unsigned before = ml.loaded;

		if (scan_devices() == 0)
			break;
		r = each_line(MODULES_ALIAS, alias_line);
		if (r < 0) {
			if (r != -ENOENT)
				say_warn("unable to read " MODULES_ALIAS ": %s", strerror(-r));
			break;
		}
		if (ml.loaded == before)
			break;
	}
}

unsigned
modules_wanted(const struct cmdline *cl, int vers_major)
{
	unsigned want = MODALIAS_FEAT_NFS;

	if (vers_major == 4)
		want |= MODALIAS_FEAT_NFS4;
	else if (vers_major != 0)
		want |= MODALIAS_FEAT_NFS3;	/* v2 is in nfsv2.ko: not shipped */
	if (cl->overlay == CMDLINE_OVERLAY_TMPFS)
		want |= MODALIAS_FEAT_OVERLAY;
	return want;
}

void
modules_load_features(unsigned want)
{
	load_list(want);
	say_debug("modules: %u loaded, %u missing, %u failed", ml.loaded, ml.missing,
		ml.failed);
}
