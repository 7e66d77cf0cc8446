/*
 * cmd-initrd.c: `diskless initrd`, the initramfs for an NFS root: the
 * static diskless-init as /init, the NFS stack and the NIC drivers with
 * their dependency closure and firmware, and the two lists diskless-init
 * loads them from (kmod-closure.h has their format).
 *
 * Nothing of the build host leaks in: modules come from ROOT/lib/modules/V
 * read without modprobe.d, every entry gets SOURCE_DATE_EPOCH (or 0) as
 * mtime, owner 0:0 and fixed permissions, so two runs give the same bytes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "initramfs.h"
#include "kmod-closure.h"
#include "log.h"
#include "modalias.h"

#define INITRD_DEFAULT_INIT PKGLIBEXECDIR "/diskless-init"

/* The modules of modules.load, in this order (each after its own
 * dependencies), each tagged with the boots that need it: diskless-init
 * loads nfsv4 (the largest, and slow to load) only for an NFSv4 root,
 * overlay only with diskless.overlay=tmpfs. nfsv3/nfsv4: at least one;
 * af_packet: only when modular (the DHCP client needs AF_PACKET).
 * rpcsec_gss_krb5 and auth_rpcgss are for sec=krb5* only, which an
 * initramfs without gssd cannot use. */
enum { NEED_ALWAYS, NEED_ONE_NFS, NEED_OPTIONAL };
static const struct {
	const char *name;
	int need;
	unsigned features;
} initrd_stack[] = {
	{ "af_packet", NEED_OPTIONAL, 0 },
	{ "sunrpc", NEED_ALWAYS, MODALIAS_FEAT_NFS },
	{ "nfs", NEED_ALWAYS, MODALIAS_FEAT_NFS },
	{ "nfsv3", NEED_ONE_NFS, MODALIAS_FEAT_NFS3 },
	{ "nfsv4", NEED_ONE_NFS, MODALIAS_FEAT_NFS4 },
	{ "overlay", NEED_ALWAYS, MODALIAS_FEAT_OVERLAY },
};

/* What diskless-init mounts on or writes to before switch_root. */
static const char *const initrd_dirs[] = {
	"/dev", "/etc/diskless", "/lib/firmware", "/newroot", "/proc", "/run", "/sys",
};

struct initrd_opts {
	const char *root;
	const char *kver;
	const char *out;
	const char *nics; /* NULL: every NIC driver */
	const char *init;
	const char *fwdir;
	const char *compress;
};

struct initrd_counts {
	size_t modules, firmware, fw_missing;
};

/* snprintf that fails on truncation: 0 or -ENAMETOOLONG. */
static int __attribute__((format(printf, 3, 4)))
initrd_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static void
initrd_usage(FILE *out)
{
	fprintf(out,
		"Usage: diskless initrd (--root DIR | --kernel-version V) --out FILE [OPTIONS]\n"
		"\n"
		"Pack the initramfs of an NFS-root image: diskless-init as /init, the NFS\n"
		"stack, overlay and NIC drivers from DIR/lib/modules/V with their\n"
		"dependencies and firmware.\n"
		"\n"
		"  -r, --root DIR            the image (default /); its kernel when it has one\n"
		"  -k, --kernel-version V    kernel version (a directory of DIR/lib/modules)\n"
		"  -o, --out FILE            where to write the initramfs\n"
		"      --nic LIST            only these NIC drivers (e.g. e1000,virtio_net)\n"
		"      --all-nics            every NIC driver under kernel/drivers/net (default;\n"
		"                            not wireless, can, wwan, ieee802154)\n"
		"      --compress C          gzip, zstd, xz, lz4 or none (default: zstd when the\n"
		"                            kernel config has CONFIG_RD_ZSTD, else gzip)\n"
		"      --init PATH           the static init (default $DISKLESS_INIT, else\n"
		"                            %s)\n"
		"      --firmware-dir DIR    firmware source (default DIR/lib/firmware)\n"
		"  -h, --help                show this help\n"
		"\n"
		"Entries get mtime $SOURCE_DATE_EPOCH (0 when unset), owner 0:0 and fixed\n"
		"permissions: the same inputs give the same bytes.\n"
		"Exit status: 0 success, 1 runtime failure, 2 usage or config error.\n",
		INITRD_DEFAULT_INIT);
}

static int
initrd_parse_args(int argc, char **argv, struct initrd_opts *o)
{
	enum { OPT_NIC = 256, OPT_ALL_NICS, OPT_COMPRESS, OPT_INIT, OPT_FWDIR };
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "kernel-version", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ "nic", required_argument, NULL, OPT_NIC },
		{ "all-nics", no_argument, NULL, OPT_ALL_NICS },
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		{ "init", required_argument, NULL, OPT_INIT },
		{ "firmware-dir", required_argument, NULL, OPT_FWDIR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false;
	int c;

	while ((c = getopt_long(argc, argv, "r:k:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->root = optarg;
			break;
		case 'k':
			o->kver = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case OPT_NIC:
			o->nics = optarg;
			break;
		case OPT_ALL_NICS:
			all = true;
			break;
		case OPT_COMPRESS:
			o->compress = optarg;
			break;
		case OPT_INIT:
			o->init = optarg;
			break;
		case OPT_FWDIR:
			o->fwdir = optarg;
			break;
		case 'h':
			initrd_usage(stdout);
			return 0;
		default:
			initrd_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_warnx("initrd: unexpected argument '%s' (options only; see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (o->root == NULL && o->kver == NULL) {
		log_warnx("initrd: no kernel given (pass --root DIR or --kernel-version V)");
		return EXIT_USAGE;
	}
	if (o->out == NULL) {
		log_warnx("initrd: no output given (pass --out FILE)");
		return EXIT_USAGE;
	}
	if (all && o->nics != NULL) {
		log_warnx("initrd: --nic and --all-nics together (pick one)");
		return EXIT_USAGE;
	}
	if (o->root == NULL)
		o->root = "/";
	return -1;
}

static int
initrd_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The kernel versions under modbase (directories with a modules.dep), as
 * one ", "-separated sorted string in buf; returns how many. */
static int
initrd_list_kernels(const char *modbase, char *buf, size_t size, char *first, size_t fsize)
{
	char *names[64], path[4096];
	struct dirent *de;
	struct stat st;
	size_t n = 0, i, len = 0;
	DIR *d;

	buf[0] = '\0';
	first[0] = '\0';
	d = opendir(modbase);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < sizeof(names) / sizeof(names[0])) {
		if (de->d_name[0] == '.')
			continue;
		if (initrd_fmt(path, sizeof(path), "%s/%s/modules.dep", modbase, de->d_name) < 0 ||
		    stat(path, &st) < 0)
			continue;
		names[n] = strdup(de->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), initrd_str_cmp);
	for (i = 0; i < n; i++) {
		/* a list cut short still names the first ones */
		if (initrd_fmt(buf + len, size - len, "%s%s", i ? ", " : "", names[i]) == 0)
			len += strlen(buf + len);
		if (i == 0 && initrd_fmt(first, fsize, "%s", names[i]) < 0)
			first[0] = '\0';
		free(names[i]);
	}
	return (int)n;
}

/* Picks the kernel version and checks that its modules directory exists. */
static int
initrd_find_kernel(const struct initrd_opts *o, char *kver, size_t ksize, char *moddir,
	size_t msize)
{
	char modbase[4096], found[2048], first[256], dep[4096];
	struct stat st;
	int n;

	if (initrd_fmt(modbase, sizeof(modbase), "%s/lib/modules",
		    strcmp(o->root, "/") == 0 ? "" : o->root) < 0) {
		log_warnx("initrd: --root %s: path too long", o->root);
		return EXIT_USAGE;
	}
	n = initrd_list_kernels(modbase, found, sizeof(found), first, sizeof(first));
	if (o->kver == NULL) {
		if (n == 1) {
			initrd_fmt(kver, ksize, "%s", first); /* first fits: both 256 */
		} else if (n == 0) {
			log_warnx("initrd: no kernel modules in %s (install a kernel in the image, "
				  "or pass --kernel-version V)", modbase);
			return EXIT_USAGE;
		} else {
			log_warnx("initrd: several kernels in %s: %s (pick one with "
				  "--kernel-version)", modbase, found);
			return EXIT_USAGE;
		}
	} else if (initrd_fmt(kver, ksize, "%s", o->kver) < 0 ||
		   strchr(o->kver, '/') != NULL || o->kver[0] == '.') {
		log_warnx("initrd: bad kernel version '%s' (a directory name of %s)", o->kver,
			modbase);
		return EXIT_USAGE;
	}
	if (initrd_fmt(moddir, msize, "%s/%s", modbase, kver) < 0 ||
	    initrd_fmt(dep, sizeof(dep), "%s/modules.dep", moddir) < 0)
		return EXIT_USAGE;
	if (stat(dep, &st) < 0) {
		log_warnx("initrd: unknown kernel version %s: no %s (found: %s)", kver, dep,
			n > 0 ? found : "none");
		return EXIT_USAGE;
	}
	/* libkmod reads only the binary indexes: without them every module
	 * would look missing */
	if (initrd_fmt(dep, sizeof(dep), "%s/modules.dep.bin", moddir) < 0 || stat(dep, &st) < 0) {
		log_warnx("initrd: no %s: the module indexes were never built (run: depmod%s%s %s)",
			dep, strcmp(o->root, "/") == 0 ? "" : " -b ",
			strcmp(o->root, "/") == 0 ? "" : o->root, kver);
		return EXIT_USAGE;
	}
	return 0;
}

/* 1: CONFIG_X=y in the kernel's config, 0: not set, -1: no config found. */
static int
initrd_kconfig(const char *root, const char *kver, const char *opt, char *where, size_t wsize)
{
	char path[4096], line[512];
	size_t olen = strlen(opt);
	const char *bases[2] = { root, "" };
	FILE *f = NULL;
	int i, r = 0;

	for (i = 0; i < 2 && f == NULL; i++) {
		if (i == 1 && strcmp(root, "/") == 0)
			break;
		if (initrd_fmt(path, sizeof(path), "%s/boot/config-%s",
			    strcmp(bases[i], "/") == 0 ? "" : bases[i], kver) < 0)
			continue;
		f = fopen(path, "re");
	}
	if (f == NULL)
		return -1;
	if (initrd_fmt(where, wsize, "%s", path) < 0)
		where[0] = '\0'; /* only for a message */
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, opt, olen) == 0 && line[olen] == '=' &&
		    (line[olen + 1] == 'y' || line[olen + 1] == 'm')) {
			r = 1;
			break;
		}
	}
	fclose(f);
	return r;
}

static int
initrd_pick_compress(const struct initrd_opts *o, const char *kver,
	enum initramfs_compress *c)
{
	char where[4096] = "";
	const char *opt;
	int have;

	if (o->compress != NULL) {
		if (initramfs_compress_parse(o->compress, c) < 0) {
			log_warnx("initrd: unknown compression '%s' (gzip, zstd, xz, lz4 or none)",
				o->compress);
			return EXIT_USAGE;
		}
		opt = initramfs_compress_kconfig(*c);
		if (opt != NULL && initrd_kconfig(o->root, kver, opt, where, sizeof(where)) == 0) {
			log_warnx("initrd: kernel %s cannot unpack a %s initramfs: %s is not set "
				  "in %s (use --compress gzip)", kver, o->compress, opt, where);
			return EXIT_USAGE;
		}
		return 0;
	}
	have = initrd_kconfig(o->root, kver, "CONFIG_RD_ZSTD", where, sizeof(where));
	*c = have == 1 ? INITRAMFS_ZSTD : INITRAMFS_GZIP;
	if (have < 0)
		log_info("initrd: no boot/config-%s found: using gzip, which every kernel reads",
			kver);
	return 0;
}

static int
initrd_find_init(const struct initrd_opts *o, const char **path)
{
	const char *env = getenv("DISKLESS_INIT");
	struct stat st;

	if (o->init != NULL)
		*path = o->init;
	else if (env != NULL && env[0] != '\0')
		*path = env;
	else
		*path = INITRD_DEFAULT_INIT;
	if (stat(*path, &st) < 0) {
		log_warnx("initrd: no static init at %s: %s (build it: 'make' then 'make install' "
			  "in the diskless source tree, or pass --init PATH or set DISKLESS_INIT)",
			*path, strerror(errno));
		return EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
		log_warnx("initrd: %s is not an executable file (pass the built "
			  "initrd/diskless-init with --init PATH)", *path);
		return EXIT_USAGE;
	}
	return 0;
}

/* Errors of a kclosure_add_*(): one line each, EXIT_USAGE or EXIT_RUNTIME. */
static int
initrd_kc_error(struct kclosure *kc, int r, const char *moddir, const char *what)
{
	if (r == -ENOENT) {
		log_warnx("initrd: module %s not found: no such module or alias in %s "
			  "(check the name, or build the kernel with it)", kclosure_errctx(kc),
			moddir);
		return EXIT_USAGE;
	}
	if (r == -E2BIG) {
		log_warnx("initrd: module %s: its load sequence does not fit a modules.alias "
			  "line (%d bytes, %d paths) (leave it out with --nic)",
			kclosure_errctx(kc), KCLOSURE_LINE_MAX, KCLOSURE_PATHS_MAX);
		return EXIT_RUNTIME;
	}
	if (r == -EINVAL && strstr(kclosure_errctx(kc), "modules.alias") != NULL) {
		log_warnx("initrd: %s: not a modules.alias line (regenerate it: depmod)",
			kclosure_errctx(kc));
		return EXIT_RUNTIME;
	}
	log_errnum(r, "initrd: %s %s", what, kclosure_errctx(kc));
	return EXIT_RUNTIME;
}

static int
initrd_add_stack(struct kclosure *kc, const char *moddir)
{
	size_t i;
	int r, nfs_found = 0;

	for (i = 0; i < sizeof(initrd_stack) / sizeof(initrd_stack[0]); i++) {
		r = kclosure_add_load_for(kc, initrd_stack[i].name, initrd_stack[i].features);
		if (r == -ENOENT && initrd_stack[i].need != NEED_ALWAYS) {
			if (initrd_stack[i].need == NEED_ONE_NFS)
				log_warnx("initrd: warning: no %s in %s: that NFS version will "
					  "not mount", initrd_stack[i].name, moddir);
			else
				log_warnx("initrd: warning: no %s in %s: ip=dhcp will not work",
					initrd_stack[i].name, moddir);
			continue;
		}
		if (r < 0)
			return initrd_kc_error(kc, r, moddir, "adding");
		if (initrd_stack[i].need == NEED_ONE_NFS)
			nfs_found++;
	}
	if (nfs_found == 0) {
		log_warnx("initrd: neither nfsv3 nor nfsv4 in %s (build the kernel with "
			  "CONFIG_NFS_V3 or CONFIG_NFS_V4)", moddir);
		return EXIT_USAGE;
	}
	return 0;
}

static int
initrd_add_nics(struct kclosure *kc, const char *nics, const char *moddir)
{
	const char *const *skipped;
	char *list, *name, *save = NULL;
	size_t i, n;
	int r = 0;

	if (nics == NULL) {
		r = kclosure_add_all_nics(kc);
		if (r < 0)
			return initrd_kc_error(kc, r, moddir, "adding NIC drivers:");
		skipped = kclosure_skipped(kc, &n);
		for (i = 0; i < n; i++)
			log_warnx("initrd: warning: NIC driver %s left out: its load sequence does "
				  "not fit a modules.alias line (%d bytes, %d paths)", skipped[i],
				KCLOSURE_LINE_MAX, KCLOSURE_PATHS_MAX);
		if (r == 0)
			log_warnx("initrd: warning: no NIC drivers under %s/kernel/drivers/net "
				  "(the kernel must have them built in)", moddir);
		r = 0;
	} else {
		list = strdup(nics);
		if (list == NULL)
			return EXIT_RUNTIME;
		for (name = strtok_r(list, ",", &save); name != NULL && r >= 0;
		     name = strtok_r(NULL, ",", &save)) {
			r = kclosure_add_nic(kc, name);
			if (r == 1)
				log_info("initrd: %s is built into the kernel", name);
		}
		free(list);
		if (r < 0)
			return initrd_kc_error(kc, r, moddir, "adding NIC driver");
	}
	r = kclosure_add_transports(kc);
	if (r < 0)
		return initrd_kc_error(kc, r, moddir, "adding bus drivers for");
	return 0;
}

/* firmware NAME from fwdir, as is or compressed (CONFIG_FW_LOADER_COMPRESS
 * reads NAME.xz/.zst itself): 1 added, 0 not found. */
static int
initrd_add_firmware(struct initramfs *ir, const char *fwdir, const char *name)
{
	static const char *const suffixes[] = { "", ".xz", ".zst" };
	char src[4096], dest[4096];
	struct stat st;
	size_t i;
	int r;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (initrd_fmt(src, sizeof(src), "%s/%s%s", fwdir, name, suffixes[i]) < 0 ||
		    initrd_fmt(dest, sizeof(dest), "/lib/firmware/%s%s", name, suffixes[i]) < 0)
			return 0;
		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		r = initramfs_add_file(ir, dest, src, 0644);
		return r < 0 ? r : 1;
	}
	return 0;
}

static int
initrd_fill(struct initramfs *ir, struct kclosure *kc, const char *init, const char *fwdir,
	struct initrd_counts *cnt)
{
	const struct kclosure_file *files;
	const char *const *fw;
	char *text;
	size_t n, i, len;
	int r;

	r = initramfs_add_file(ir, "/init", init, 0755);
	if (r == 0)
		r = initramfs_add_chardev(ir, "/dev/console", 0600, 5, 1);
	for (i = 0; r == 0 && i < sizeof(initrd_dirs) / sizeof(initrd_dirs[0]); i++)
		r = initramfs_add_dir(ir, initrd_dirs[i], 0755);
	files = kclosure_files(kc, &n);
	for (i = 0; r == 0 && i < n; i++)
		r = initramfs_add_decompressed(ir, files[i].dest, files[i].src, 0644);
	cnt->modules = n;
	fw = kclosure_firmware(kc, &n);
	for (i = 0; r >= 0 && i < n; i++) {
		r = initrd_add_firmware(ir, fwdir, fw[i]);
		if (r == 1)
			cnt->firmware++;
		else if (r == 0)
			log_info("initrd: firmware %s not in %s", fw[i], fwdir);
	}
	cnt->fw_missing = n - cnt->firmware;
	if (r < 0)
		return r;
	text = kclosure_load_text(kc, &len);
	if (text == NULL)
		return -ENOMEM;
	r = initramfs_add_data(ir, "/etc/diskless/modules.load", text, len, 0644);
	free(text);
	if (r < 0)
		return r;
	text = kclosure_alias_text(kc, &len);
	if (text == NULL)
		return -ENOMEM;
	r = initramfs_add_data(ir, "/etc/diskless/modules.alias", text, len, 0644);
	free(text);
	return r;
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org/specs/source-date-epoch/):
 * decimal seconds; unset means 0, so the default build is reproducible. */
static int
initrd_mtime(time_t *t)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v;
	char *end;

	*t = 0;
	if (s == NULL || s[0] == '\0')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || s[0] < '0' || s[0] > '9' || v > 0xffffffffULL) {
		log_warnx("initrd: SOURCE_DATE_EPOCH='%s' is not a number of seconds "
			  "(unset it, or set it to e.g. $(date +%%s))", s);
		return EXIT_USAGE;
	}
	*t = (time_t)v;
	return 0;
}

static double
initrd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
cmd_initrd(int argc, char **argv, const struct global_opts *g)
{
	struct initrd_opts o = { NULL };
	struct initramfs_opts io = { INITRAMFS_GZIP, 0 };
	struct initramfs_stats st;
	struct initrd_counts cnt = { 0 };
	struct kclosure *kc = NULL;
	struct initramfs *ir = NULL;
	char kver[256], moddir[4096], fwdir[4096];
	const char *init;
	double t0 = initrd_now();
	int r, rc;

	(void)g;
	rc = initrd_parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	rc = initrd_find_kernel(&o, kver, sizeof(kver), moddir, sizeof(moddir));
	if (rc == 0)
		rc = initrd_pick_compress(&o, kver, &io.compress);
	if (rc == 0)
		rc = initrd_find_init(&o, &init);
	if (rc == 0)
		rc = initrd_mtime(&io.mtime);
	if (rc != 0)
		return rc;
	if (o.fwdir != NULL)
		r = initrd_fmt(fwdir, sizeof(fwdir), "%s", o.fwdir);
	else
		r = initrd_fmt(fwdir, sizeof(fwdir), "%s/lib/firmware",
			strcmp(o.root, "/") == 0 ? "" : o.root);
	if (r < 0) {
		log_warnx("initrd: firmware directory: path too long");
		return EXIT_USAGE;
	}

	r = kclosure_new(&kc, moddir, kver);
	if (r < 0) {
		log_errnum(r, "initrd: reading the module indexes of %s (run depmod -b ROOT %s)",
			moddir, kver);
		return EXIT_RUNTIME;
	}
	rc = initrd_add_stack(kc, moddir);
	if (rc == 0)
		rc = initrd_add_nics(kc, o.nics, moddir);
	if (rc != 0)
		goto out;

	rc = EXIT_RUNTIME;
	r = initramfs_new(&ir);
	if (r == 0)
		r = initrd_fill(ir, kc, init, fwdir, &cnt);
	if (r < 0) {
		log_errnum(r, "initrd: collecting the initramfs entries");
		goto out;
	}
	r = initramfs_write(ir, o.out, &io, &st);
	if (r < 0) {
		log_warnx("initrd: writing %s: %s", o.out, initramfs_error(ir));
		goto out;
	}
	printf("diskless: wrote %s: %zu entries, %zu modules (%zu in modules.load, %zu NIC "
	       "aliases), %zu firmware files (%zu named by modinfo not in %s%s), %.1f MiB %s "
	       "(%.1f MiB unpacked), %.2f s\n",
		o.out, st.entries, cnt.modules, kclosure_load_count(kc),
		kclosure_alias_count(kc), cnt.firmware, cnt.fw_missing, fwdir,
		cnt.fw_missing > 0 ? ": -v lists them" : "",
		(double)st.out_bytes / 1048576.0, initramfs_compress_name(io.compress),
		(double)st.raw_bytes / 1048576.0, initrd_now() - t0);
	rc = 0;
out:
	initramfs_free(ir);
	kclosure_free(kc);
	return rc;
}
