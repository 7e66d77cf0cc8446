/*
 * fstab.c: see fstab.h.
 */
#include "config.h"

#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstab.h"
#include "image.h"

/* /var/log: wtmp, lastlog and daemons' logs (journald is volatile anyway);
 * /var/lib/dhcp: dhclient's leases when a client runs it. Both hold
 * nothing the image needs once cleaned (cleanup.c).
 * /var/lib/systemd: random-seed (saved at shutdown), timers' stamps,
 * linger, the state of timesyncd and backlight/rfkill; what a Debian base
 * has there (deb-systemd-helper's records, the catalog database) is only
 * read by dpkg and journalctl --catalog.
 * /var/spool: cron, at, mail and print queues; the common overlay's
 * tmpfiles.d recreates Debian's mail link and cron's crontabs folder. */
const struct fstab_tmpfs fstab_tmpfs_mounts[] = {
        {"/tmp", "nosuid,nodev,mode=1777"},
        {"/var/tmp", "nosuid,nodev,mode=1777"},
        {"/var/log", "nosuid,nodev,noexec,mode=0755"},
        {"/var/lib/dhcp", "nosuid,nodev,noexec,mode=0755"},
        {"/var/lib/systemd", "nosuid,nodev,noexec,mode=0755"},
        {"/var/spool", "nosuid,nodev,noexec,mode=0755"},
};
const size_t fstab_n_tmpfs_mounts =
        sizeof(fstab_tmpfs_mounts) / sizeof(fstab_tmpfs_mounts[0]);

static bool
field_ok(const char *s)
{
	if (s == NULL)
		return false;
	for (; *s != '\0'; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '#' || *s == '\\')
			return false;
	return true;
}

static int
root_options(const struct fstab_spec *spec, char *buf, size_t len)
{
	int n;

	if (spec->nfs_options == NULL || spec->nfs_options[0] == '\0')
		n = snprintf(buf, len, "ro");
	else
		n = snprintf(buf, len, "ro,%s", spec->nfs_options);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
fstab_render(const struct fstab_spec *spec, char **out)
{
	char opts[1024];
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;
	int r = 0;

	if (spec->root_line &&
	        (!field_ok(spec->server) || !field_ok(spec->export_path) ||
	                spec->export_path[0] != '/' ||
	                !field_ok(spec->nfs_options ? spec->nfs_options : "")))
		return -EINVAL;
	if (spec->root_line && root_options(spec, opts, sizeof(opts)) < 0)
		return -EINVAL;
	f = open_memstream(&text, &len);
	if (f == NULL)
		return -errno;
	fprintf(f, "# /etc/fstab of a diskless image, written by diskless build.\n"
	           "# The root is mounted read-only over NFS by the initramfs");
	if (spec->root_line)
		fprintf(f,
		        "; the line below\n# repeats that mount exactly, so that "
		        "systemd-remount-fs is a no-op.\n%s:%s / nfs %s 0 0\n",
		        spec->server, spec->export_path, opts);
	else
		fprintf(f, " under a tmpfs\n# overlay (diskless.overlay=tmpfs): no root "
		           "line, overlayfs refuses the remount.\n");
	fprintf(f, "# Writable places of a read-only root:\n");
	for (i = 0; i < fstab_n_tmpfs_mounts; i++)
		fprintf(f, "tmpfs %s tmpfs %s 0 0\n", fstab_tmpfs_mounts[i].dir,
		        fstab_tmpfs_mounts[i].options);
	if (ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	if (r < 0) {
		free(text);
		return r;
	}
	*out = text;
	return 0;
}

static int
check_fs(struct libmnt_fs *fs, const char *src, const char *target, const char *type,
        const char *opts, char *err, size_t errlen)
{
	const char *s = mnt_fs_get_source(fs), *t = mnt_fs_get_target(fs);
	const char *y = mnt_fs_get_fstype(fs), *o = mnt_fs_get_options(fs);

	if (s == NULL || t == NULL || y == NULL || o == NULL || strcmp(s, src) != 0 ||
	        strcmp(t, target) != 0 || strcmp(y, type) != 0 || strcmp(o, opts) != 0) {
		snprintf(err, errlen,
		        "libmount reads '%s %s %s %s' where '%s %s %s %s' "
		        "was written",
		        s ? s : "?", t ? t : "?", y ? y : "?", o ? o : "?", src, target,
		        type, opts);
		return -EINVAL;
	}
	if (mnt_fs_get_freq(fs) != 0 || mnt_fs_get_passno(fs) != 0) {
		snprintf(err, errlen, "%s: dump/pass must be 0 0", target);
		return -EINVAL;
	}
	return 0;
}

int
fstab_validate(const char *text, const struct fstab_spec *spec, char *err, size_t errlen)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_iter *it = NULL;
	struct libmnt_fs *fs;
	char src[2048], opts[1024];
	size_t i = 0, want;
	FILE *f = NULL;
	int r;

	want = fstab_n_tmpfs_mounts + (spec->root_line ? 1 : 0);
	tb = mnt_new_table();
	it = mnt_new_iter(MNT_ITER_FORWARD);
	f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	if (tb == NULL || it == NULL || f == NULL) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto out;
	}
	r = mnt_table_parse_stream(tb, f, "/etc/fstab");
	if (r != 0) {
		snprintf(err, errlen, "libmount cannot parse it (%d)", r);
		r = -EINVAL;
		goto out;
	}
	if ((size_t)mnt_table_get_nents(tb) != want) {
		snprintf(err, errlen, "libmount reads %d lines, %zu were written",
		        mnt_table_get_nents(tb), want);
		r = -EINVAL;
		goto out;
	}
	if (spec->root_line) {
		snprintf(src, sizeof(src), "%s:%s", spec->server, spec->export_path);
		root_options(spec, opts, sizeof(opts));
	}
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		if (spec->root_line && i == 0)
			r = check_fs(fs, src, "/", "nfs", opts, err, errlen);
		else {
			const struct fstab_tmpfs *m =
			        &fstab_tmpfs_mounts[i - (spec->root_line ? 1 : 0)];

			r = check_fs(
			        fs, "tmpfs", m->dir, "tmpfs", m->options, err, errlen);
		}
		if (r < 0)
			goto out;
		i++;
	}
	r = 0;
out:
	if (f != NULL)
		fclose(f);
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

int
fstab_apply(struct image *img, const struct fstab_spec *spec)
{
	char err[512];
	char *text = NULL;
	size_t i;
	int r;

	r = fstab_render(spec, &text);
	if (r < 0)
		return image_fail(img, r, "etc/fstab",
		        "cannot write the root line from "
		        "server '%s' and root '%s' (check [image] root and [server] "
		        "address)",
		        spec->server ? spec->server : "",
		        spec->export_path ? spec->export_path : "");
	r = fstab_validate(text, spec, err, sizeof(err));
	if (r < 0) {
		free(text);
		return image_fail(img, r, "etc/fstab", "%s", err);
	}
	/* A mount point must exist: the read-only root cannot get it later. */
	for (i = 0; i < fstab_n_tmpfs_mounts && r == 0; i++) {
		const char *dir = fstab_tmpfs_mounts[i].dir + 1;

		r = image_mkdirs(img, dir, 0755);
	}
	if (r == 0)
		r = image_put_file(img, "etc/fstab", 0644, text, strlen(text));
	free(text);
	return r;
}
