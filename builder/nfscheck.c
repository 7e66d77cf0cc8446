/*
 * nfscheck.c: an image export checked over the wire with libnfs, as the
 * diskless client will use it (see nfscheck.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-mount.h>
#include <nfsc/libnfs-raw-nfs.h>
#include <nfsc/libnfs-raw-nfs4.h>

#include "nfscheck.h"

#define NFSCHECK_MAX_LINKS 40 /* as the kernel's MAXSYMLINKS */
#define NFSCHECK_FSTAB_MAX 65536

struct ctx {
	struct check_report *rep;
	const struct site *site;
	const struct site_image *img;
	char subject[SITE_NAME_MAX + 8];
	char server[INET_ADDRSTRLEN];
	int timeout_ms;
	int want_version; /* the major version nfs-options names: 3 or 4 */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* vers=/nfsvers= of the image's options: 4 for 4, 4.0, 4.1, 4.2; else 3,
 * the version the init mounts when none is named. */
static int
wanted_version(const char *opts)
{
	const char *p = opts;

	while (p && *p) {
		if (strncmp(p, "vers=4", 6) == 0 || strncmp(p, "nfsvers=4", 9) == 0)
			return 4;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 3;
}

static bool
same_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

struct exports_state {
	bool done, found;
	int status;
	const char *path;
	char listed[512]; /* the first few exports, for the message */
};

static void
exports_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct exports_state *st = priv;
	exports e;
	size_t pos = 0, k;

	(void)rpc;
	st->done = true;
	st->status = status;
	if (status != RPC_STATUS_SUCCESS || !data)
		return;
	/* libnfs' XDR allocator aligns to 4 bytes only: copy each node out
	 * instead of reading 8-byte pointers in place. */
	memcpy(&e, data, sizeof(e));
	while (e) {
		struct exportnode node;
		int n;

		memcpy(&node, e, sizeof(node));
		if (same_path(node.ex_dir, st->path))
			st->found = true;
		n = snprintf(st->listed + pos, sizeof(st->listed) - pos, "%s%s", pos ? ", " : "",
			node.ex_dir);
		if (n > 0 && (size_t)n < sizeof(st->listed) - pos)
			pos += (size_t)n;
		e = node.ex_next;
	}
	/* The names come from the server: no terminal control bytes. */
	for (k = 0; k < pos; k++)
		if ((unsigned char)st->listed[k] < 0x20 || st->listed[k] == 0x7f)
			st->listed[k] = '?';
}

/* Runs an async RPC to completion or the deadline; libnfs' sync
 * mount_getexports() has no timeout and hangs on a silent server. */
static int
rpc_wait(struct rpc_context *rpc, bool *done, int timeout_ms, const char **err)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct pollfd pfd;

	while (!*done) {
		if (now_ms() > deadline) {
			*err = "no answer in time";
			return -ETIMEDOUT;
		}
		pfd.fd = rpc_get_fd(rpc);
		pfd.events = (short)rpc_which_events(rpc);
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
			*err = "poll failed";
			return -errno;
		}
		if (rpc_service(rpc, pfd.revents) < 0) {
			*err = rpc_get_error(rpc);
			return -EIO;
		}
	}
	return 0;
}

static void
check_exported(struct ctx *c)
{
	struct exports_state st = { .path = c->img->root };
	const char *err = "";
	struct rpc_context *rpc;
	enum check_level lvl = c->want_version == 3 ? CHECK_ERROR : CHECK_WARNING;
	int r;

	rpc = rpc_init_context();
	if (!rpc) {
		check_add(c->rep, CHECK_ERROR, c->subject, "export list", NULL, "out of memory");
		return;
	}
	r = mount_getexports_async(rpc, c->server, exports_cb, &st);
	if (r == 0)
		r = rpc_wait(rpc, &st.done, c->timeout_ms, &err);
	else
		err = rpc_get_error(rpc);
	if (r == 0 && st.status != RPC_STATUS_SUCCESS) {
		r = -EIO;
		err = rpc_get_error(rpc);
	}
	if (r < 0)
		check_add(c->rep, lvl, c->subject, "export list",
			c->want_version == 3 ? "start rpcbind, then the NFS server with NFSv3, "
					       "or mount with vers=4.2 in nfs-options"
					     : "needed only by NFSv3 clients",
			"%s offers no MOUNT export list (rpcbind or mountd not reachable: %s)",
			c->server, err && err[0] ? err : "no answer");
	else if (!st.found)
		check_add(c->rep, CHECK_ERROR, c->subject, "export list",
			"export it: diskless export --format exports|ganesha",
			"%s does not export %s (exports: %s)", c->server, c->img->root,
			st.listed[0] ? st.listed : "none");
	else
		check_add(c->rep, CHECK_OK, c->subject, "export list", NULL,
			"%s exports %s", c->server, c->img->root);
	rpc_destroy_context(rpc);
}

/*
 * Mounts as uid 0 / gid 0 with AUTH_SYS, as the client's kernel does for
 * its root file system; libnfs sends these ids whoever runs the check.
 */
static struct nfs_context *
mount_version(struct ctx *c, int version)
{
	enum check_level lvl = version == c->want_version ? CHECK_ERROR : CHECK_WARNING;
	char check[24];
	struct nfs_context *nfs;
	int r;

	snprintf(check, sizeof(check), "nfsv%d mount", version);
	nfs = nfs_init_context();
	if (!nfs) {
		check_add(c->rep, CHECK_ERROR, c->subject, check, NULL, "out of memory");
		return NULL;
	}
	nfs_set_version(nfs, version == 4 ? NFS_V4 : NFS_V3);
	nfs_set_timeout(nfs, c->timeout_ms);
	nfs_set_uid(nfs, 0);
	nfs_set_gid(nfs, 0);
	r = nfs_mount(nfs, c->server, c->img->root);
	if (r < 0) {
		check_add(c->rep, lvl, c->subject, check,
			lvl == CHECK_ERROR ? "export it to the clients over this version, or "
					     "change vers= in the image's nfs-options"
					   : "only clients mounting with this version need it",
			"cannot mount %s:%s over NFSv%d: %s", c->server, c->img->root, version,
			nfs_get_error(nfs));
		nfs_destroy_context(nfs);
		return NULL;
	}
	check_add(c->rep, CHECK_OK, c->subject, check, NULL, "%s:%s mounts over NFSv%d",
		c->server, c->img->root, version);
	return nfs;
}

/* "a/b" into buf; false when it does not fit. Not inlined: the truncation
 * is checked here, at run time, whatever the callers' buffer sizes. */
static bool __attribute__((noinline))
path_cat(char *buf, size_t len, const char *a, const char *b)
{
	int n = snprintf(buf, len, "%s/%s", a, b);

	return n > 0 && (size_t)n < len;
}

struct readlink4_state {
	bool done;
	int status;
	int err;
	char buf[PATH_MAX];
};

static void
readlink4_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct readlink4_state *st = priv;
	COMPOUND4res res;
	nfs_resop4 last;
	utf8string link;

	(void)rpc;
	st->done = true;
	st->status = status;
	st->err = -EIO;
	if (status != RPC_STATUS_SUCCESS || !data)
		return;
	memcpy(&res, data, sizeof(res));
	if (res.status != NFS4_OK || res.resarray.resarray_len == 0) {
		st->err = -ENOENT;
		return;
	}
	memcpy(&last, &res.resarray.resarray_val[res.resarray.resarray_len - 1], sizeof(last));
	if (last.resop != OP_READLINK || last.nfs_resop4_u.opreadlink.status != NFS4_OK)
		return;
	link = last.nfs_resop4_u.opreadlink.READLINK4res_u.resok4.link;
	if (link.utf8string_len >= sizeof(st->buf)) {
		st->err = -ENAMETOOLONG;
		return;
	}
	/* linktext4 is counted, not NUL-terminated (RFC 7530 §16.25). */
	memcpy(st->buf, link.utf8string_val, link.utf8string_len);
	st->buf[link.utf8string_len] = '\0';
	st->err = 0;
}

/*
 * READLINK over NFSv4 as one COMPOUND: PUTROOTFH, LOOKUP each component of
 * the export's pseudo path and of path, READLINK (RFC 7530 §16.25).
 * libnfs 4.0's own nfs_readlink() runs strlen() on the counted linktext4
 * and reads past its buffer.
 */
static int
nfs4_readlink(struct nfs_context *nfs, const char *export, const char *path, char *buf,
	size_t len, int timeout_ms)
{
	struct readlink4_state *st;
	char full[PATH_MAX], *comp, *save = NULL;
	nfs_argop4 *ops; /* 136 bytes each: on the heap, not 2000 on the stack */
	COMPOUND4args args;
	const char *err = "";
	u_int n = 0;
	int r;

	if (!path_cat(full, sizeof(full), export, path))
		return -ENAMETOOLONG;
	/* A component is at least one byte and a slash: len / 2 + 1 LOOKUPs. */
	ops = calloc(strlen(full) / 2 + 3, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	memset(&args, 0, sizeof(args));
	ops[n++].argop = OP_PUTROOTFH;
	for (comp = strtok_r(full, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		ops[n].argop = OP_LOOKUP;
		ops[n].nfs_argop4_u.oplookup.objname.utf8string_val = comp;
		ops[n].nfs_argop4_u.oplookup.objname.utf8string_len = (u_int)strlen(comp);
		n++;
	}
	ops[n++].argop = OP_READLINK;
	args.argarray.argarray_len = n;
	args.argarray.argarray_val = ops;
	/*
	 * On the heap: after a timeout the reply may still come, during a
	 * later call on this context or its destruction, and the callback
	 * then writes here. A timed-out state is left to it (a leak of one
	 * buffer per timeout, in a command that exits soon after).
	 */
	st = calloc(1, sizeof(*st));
	if (!st) {
		free(ops);
		return -ENOMEM;
	}
	/* libnfs encodes the call before returning: ops may go after this. */
	r = rpc_nfs4_compound_async(nfs_get_rpc_context(nfs), readlink4_cb, &args, st);
	free(ops);
	if (r < 0) {
		free(st);
		return -EIO;
	}
	r = rpc_wait(nfs_get_rpc_context(nfs), &st->done, timeout_ms, &err);
	if (r < 0 && !st->done)
		return r;
	r = r < 0 ? r : st->err;
	if (r == 0) {
		if (strlen(st->buf) >= len)
			r = -ENAMETOOLONG;
		else
			memcpy(buf, st->buf, strlen(st->buf) + 1);
	}
	free(st);
	return r;
}

/*
 * Resolves every symlink of path inside the export, absolute targets from
 * the export's root, as the client's kernel will see them once the export
 * is its /. libnfs itself refuses absolute links ("points outside export"),
 * and Debian's /sbin/init -> /lib/systemd/systemd is one.
 */
/* A mounted export: its context, version and path on the server. */
struct mnt {
	struct nfs_context *nfs;
	int version;
	const char *export;
	int timeout_ms;
};

static int
nfs_resolve(const struct mnt *m, const char *path, char *out, size_t outlen)
{
	struct nfs_context *nfs = m->nfs;
	char done[PATH_MAX] = "", rest[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX];
	int links = 0;

	if ((size_t)snprintf(rest, sizeof(rest), "%s", path) >= sizeof(rest))
		return -ENAMETOOLONG;
	while (rest[0]) {
		struct nfs_stat_64 st;
		char *slash, comp[NAME_MAX + 1];
		size_t clen;

		slash = strchr(rest, '/');
		clen = slash ? (size_t)(slash - rest) : strlen(rest);
		if (clen > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, rest, clen);
		comp[clen] = '\0';
		memmove(rest, slash ? slash + 1 : rest + clen, strlen(slash ? slash + 1 : "") + 1);
		if (!comp[0] || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *last = strrchr(done, '/');

			if (last)
				*last = '\0';
			continue;
		}
		if (!path_cat(tmp, sizeof(tmp), done, comp))
			return -ENAMETOOLONG;
		if (nfs_lstat64(nfs, tmp, &st) < 0)
			return -ENOENT;
		if ((st.nfs_mode & S_IFMT) != S_IFLNK) {
			memcpy(done, tmp, sizeof(done));
			continue;
		}
		if (++links > NFSCHECK_MAX_LINKS)
			return -ELOOP;
		memset(target, 0, sizeof(target));
		if (m->version == 4) {
			if (nfs4_readlink(nfs, m->export, tmp, target, sizeof(target),
				    m->timeout_ms) < 0)
				return -EIO;
		} else if (nfs_readlink(nfs, tmp, target, sizeof(target) - 1) < 0) {
			return -EIO;
		}
		if (!path_cat(tmp, sizeof(tmp), target, rest))
			return -ENAMETOOLONG;
		memcpy(rest, tmp, sizeof(rest));
		if (target[0] == '/')
			done[0] = '\0';
	}
	if ((size_t)snprintf(out, outlen, "%s", done[0] ? done : "/") >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

static int
nfs_stat_resolved(const struct mnt *m, const char *path, struct nfs_stat_64 *st,
	char *real, size_t reallen)
{
	int r = nfs_resolve(m, path, real, reallen);

	if (r < 0)
		return r;
	return nfs_stat64(m->nfs, real, st) < 0 ? -ENOENT : 0;
}

/* Reads up to max bytes of a file of the export; returns the length. */
static ssize_t
nfs_slurp(struct nfs_context *nfs, const char *path, char *buf, size_t max)
{
	struct nfsfh *fh = NULL;
	size_t got = 0;
	int n;

	n = nfs_open(nfs, path, O_RDONLY, &fh);
	if (n < 0)
		return n;
	while (got < max) {
		n = nfs_read(nfs, fh, max - got, buf + got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	nfs_close(nfs, fh);
	return n < 0 ? n : (ssize_t)got;
}

/*
 * Root squash: read a file only root may read. Squashed to nobody, the
 * client's root cannot read /etc/shadow, so logins, sshd and systemd units
 * running as root over the read-only image fail.
 */
static void
check_root_squash(struct ctx *c, const struct mnt *m)
{
	struct nfs_context *nfs = m->nfs;
	static const char *const files[] = { "/etc/shadow", "/etc/gshadow" };
	char real[PATH_MAX], byte;
	struct nfs_stat_64 st;
	size_t i;
	ssize_t n;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (nfs_stat_resolved(m, files[i], &st, real, sizeof(real)) < 0)
			continue;
		if ((st.nfs_mode & S_IFMT) != S_IFREG || (st.nfs_mode & 0004))
			continue;
		if (st.nfs_uid == 65534) {
			check_add(c->rep, CHECK_ERROR, c->subject, "root squash",
				"export with numeric owners: Ganesha Only_Numeric_Owners, or "
				"nfs4_disable_idmapping on the kernel server",
				"%s shows as owned by nobody: ids are mapped, clients see a "
				"different owner", files[i]);
			return;
		}
		n = nfs_slurp(nfs, real, &byte, 1);
		if (n == -EACCES || n == -EPERM)
			check_add(c->rep, CHECK_ERROR, c->subject, "root squash",
				"export with no_root_squash",
				"root_squash is on: diskless clients cannot boot from it "
				"(root cannot read %s)", files[i]);
		else if (n < 0)
			check_add(c->rep, CHECK_WARNING, c->subject, "root squash",
				"check the server's log", "cannot read %s as root: %s", files[i],
				nfs_get_error(nfs));
		else
			check_add(c->rep, CHECK_OK, c->subject, "root squash", NULL,
				"root reads %s (mode %04o)", files[i],
				(unsigned)(st.nfs_mode & 07777));
		return;
	}
	check_add(c->rep, CHECK_WARNING, c->subject, "root squash",
		"give the image an /etc/shadow (mode 0640 or 0600, owner root)",
		"no root-only file to test with");
}

static void
check_init(struct ctx *c, const struct mnt *m)
{
	char real[PATH_MAX];
	struct nfs_stat_64 st;

	int r = nfs_stat_resolved(m, "/sbin/init", &st, real, sizeof(real));

	if (r == -ELOOP) {
		check_add(c->rep, CHECK_ERROR, c->subject, "init",
			"point /sbin/init at the init program of the image",
			"/sbin/init is a loop of symbolic links: the kernel has nothing to run");
		return;
	}
	if (r < 0) {
		check_add(c->rep, CHECK_ERROR, c->subject, "init",
			"install an init in the image (systemd-sysv, sysvinit-core or "
			"busybox) and rebuild it",
			"the image has no /sbin/init: the kernel has nothing to run");
		return;
	}
	if ((st.nfs_mode & S_IFMT) != S_IFREG || !(st.nfs_mode & 0111)) {
		check_add(c->rep, CHECK_ERROR, c->subject, "init",
			"make it an executable file (chmod 755)",
			"/sbin/init (%s) is not an executable file", real);
		return;
	}
	check_add(c->rep, CHECK_OK, c->subject, "init", NULL, "/sbin/init is %s, mode %04o",
		real, (unsigned)(st.nfs_mode & 07777));
}

/* "nfsroot" spec of the export: "<server>:<root>" */
static bool
fstab_spec_ok(const struct ctx *c, const char *spec)
{
	size_t sl = strlen(c->server);

	if (strcmp(spec, "/dev/nfs") == 0 || strcmp(spec, "/dev/root") == 0)
		return true;
	return strncmp(spec, c->server, sl) == 0 && spec[sl] == ':' &&
	       same_path(spec + sl + 1, c->img->root);
}

static bool
has_opt(const char *opts, const char *opt)
{
	size_t ol = strlen(opt);
	const char *p = opts;

	while (p) {
		if (strncmp(p, opt, ol) == 0 && (p[ol] == ',' || p[ol] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Every option of want is in have, and have has nothing else but "ro". */
static bool
same_opts(const char *have, const char *want)
{
	char buf[1024], *t, *save = NULL;

	if (!want)
		want = "";
	if ((size_t)snprintf(buf, sizeof(buf), "%s", want) >= sizeof(buf))
		return false;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (!has_opt(have, t))
			return false;
	if ((size_t)snprintf(buf, sizeof(buf), "%s", have) >= sizeof(buf))
		return false;
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, "ro") != 0 && !has_opt(want, t))
			return false;
	return true;
}

static void
check_fstab_line(struct ctx *c, const char *spec, const char *type, const char *opts)
{
	const char *fix = "make it \"<server>:<root> / nfs ro,<nfs-options> 0 0\" or remove "
			  "the line (the init mounts the root)";

	if (!fstab_spec_ok(c, spec)) {
		check_add(c->rep, CHECK_ERROR, c->subject, "fstab", fix,
			"the root line names %s, not this export %s:%s", spec, c->server,
			c->img->root);
		return;
	}
	if (strncmp(type, "nfs", 3) != 0) {
		check_add(c->rep, CHECK_ERROR, c->subject, "fstab", fix,
			"the root line has type %s, not nfs", type);
		return;
	}
	if (!has_opt(opts, "ro")) {
		check_add(c->rep, CHECK_WARNING, c->subject, "fstab", fix,
			"the root line is not ro (%s): remounting it rw fails on a read-only "
			"export", opts);
		return;
	}
	if (!same_opts(opts, c->img->nfs_options)) {
		check_add(c->rep, CHECK_WARNING, c->subject, "fstab", fix,
			"the root line's options %s are not ro,%s (the image's nfs-options)",
			opts, c->img->nfs_options ? c->img->nfs_options : "");
		return;
	}
	check_add(c->rep, CHECK_OK, c->subject, "fstab", NULL, "root line %s %s %s", spec,
		type, opts);
}

static void
check_fstab(struct ctx *c, const struct mnt *m)
{
	struct nfs_context *nfs = m->nfs;
	struct fstab_root root;
	char real[PATH_MAX], *buf;
	struct nfs_stat_64 st;
	ssize_t n;
	int r;

	if (nfs_stat_resolved(m, "/etc/fstab", &st, real, sizeof(real)) < 0) {
		check_add(c->rep, CHECK_OK, c->subject, "fstab", NULL,
			"no /etc/fstab: the root stays as the init mounted it");
		return;
	}
	buf = malloc(NFSCHECK_FSTAB_MAX + 1);
	if (!buf) {
		check_add(c->rep, CHECK_ERROR, c->subject, "fstab", NULL, "out of memory");
		return;
	}
	n = nfs_slurp(nfs, real, buf, NFSCHECK_FSTAB_MAX);
	if (n < 0) {
		check_add(c->rep, CHECK_WARNING, c->subject, "fstab", "check its mode",
			"cannot read /etc/fstab: %s", nfs_get_error(nfs));
		free(buf);
		return;
	}
	r = fstab_root_line(buf, (size_t)n, &root);
	free(buf);
	if (r < 0) {
		check_add(c->rep, CHECK_ERROR, c->subject, "fstab", "shorten it",
			"the root line of /etc/fstab has a field too long to be real");
		return;
	}
	if (r == 1) {
		check_fstab_line(c, root.spec, root.type, root.opts);
		return;
	}
	check_add(c->rep, CHECK_OK, c->subject, "fstab", NULL,
		"no root line in /etc/fstab: the root stays as the init mounted it");
}

static void
check_modules(struct ctx *c, const struct mnt *m, const char *kver)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct nfs_stat_64 st;

	if (!kver || !kver[0]) {
		check_add(c->rep, CHECK_WARNING, c->subject, "modules",
			"run diskless pxe so the TFTP tree has the image's kernel",
			"kernel version unknown: cannot match /lib/modules");
		return;
	}
	snprintf(path, sizeof(path), "/lib/modules/%s", kver);
	if (nfs_stat_resolved(m, path, &st, real, sizeof(real)) < 0 ||
	    (st.nfs_mode & S_IFMT) != S_IFDIR) {
		check_add(c->rep, CHECK_ERROR, c->subject, "modules",
			"install that kernel's package in the image, or rerun diskless pxe "
			"after updating the image",
			"the image has no %s for the kernel it boots: no module will load",
			path);
		return;
	}
	check_add(c->rep, CHECK_OK, c->subject, "modules", NULL, "%s matches the kernel",
		path);
}

void
nfscheck_image(struct check_report *rep, const struct site *site,
	const struct site_image *img, const char *kver, int timeout_ms)
{
	struct nfs_context *nfs3, *nfs4, *nfs;
	struct ctx c = {
		.rep = rep,
		.site = site,
		.img = img,
		.timeout_ms = timeout_ms,
		.want_version = wanted_version(img->nfs_options),
	};

	snprintf(c.subject, sizeof(c.subject), "image %s", img->name);
	inet_ntop(AF_INET, &site->server.address, c.server, sizeof(c.server));
	check_exported(&c);
	nfs3 = mount_version(&c, 3);
	nfs4 = mount_version(&c, 4);
	nfs = c.want_version == 4 ? (nfs4 ? nfs4 : nfs3) : (nfs3 ? nfs3 : nfs4);
	if (nfs) {
		struct mnt m = { nfs, nfs == nfs4 ? 4 : 3, img->root, timeout_ms };

		check_root_squash(&c, &m);
		check_init(&c, &m);
		check_fstab(&c, &m);
		check_modules(&c, &m, kver);
	}
	if (nfs3)
		nfs_destroy_context(nfs3);
	if (nfs4)
		nfs_destroy_context(nfs4);
}
