/*
 * kmod-closure.c: see kmod-closure.h. The dependency walk is libkmod's own
 * probe order (__kmod_module_get_probe_list: pre: softdeps, then each
 * dependency's own closure, then the module), done here by hand because
 * libkmod's version consults /sys/module of the running kernel, and the
 * initramfs may be for another one.
 */
#include "config.h"

#include <errno.h>
#include <libkmod.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod-closure.h"
#include "log.h"
#include "modalias.h"

/* modules.dep nests a few levels; softdep cycles are cut by the on-stack
 * check, so this only bounds a broken tree. */
#define KC_DEPTH_MAX 64
/* Longer than any alias depmod writes; keeps a line far below the limit. */
#define KC_PATTERN_MAX 1024

static const char *const kc_nic_prefixes[] = { "pci:", "virtio:", "usb:" };

/* Under kernel/drivers/net/ but not NICs an NFS root boots over. */
static const char *const kc_nic_excluded[] = {
	"kernel/drivers/net/wireless/",
	"kernel/drivers/net/can/",
	"kernel/drivers/net/wwan/",
	"kernel/drivers/net/ieee802154/",
};

struct kc_seq {
	size_t *idx; /* into kclosure.mods */
	size_t n, cap;
};

struct kc_mod {
	struct kclosure_file f;
	char *name, *src, *dest;
	unsigned features; /* modules.load: MODALIAS_FEAT_* that need it */
	bool always;	   /* modules.load: every boot needs it */
};

/* One "alias PATTERN MODULE" line of modules.alias, for a kept bus. */
struct kc_avail {
	char *pattern;
	char *module;
};

/* A NIC (or USB host) driver chosen for modules.alias. */
struct kc_driver {
	size_t mod;
	size_t first, n; /* its range in kclosure.avail */
	struct kc_seq seq;
};

struct kclosure {
	struct kmod_ctx *ctx;
	char *moddir;
	char *kver;
	struct kc_mod *mods;
	size_t nmods, capmods;
	struct kc_seq load;
	unsigned load_features; /* of the kclosure_add_load_for() running */
	struct kc_driver *drivers;
	size_t ndrivers, capdrivers;
	struct kc_avail *avail;
	size_t navail;
	bool avail_read;
	char **fw;
	size_t nfw, capfw;
	char **skipped;
	size_t nskipped, capskipped;
	struct kclosure_file *files;
	bool has_virtio, has_usb;
	char errctx[512];
};

static void __attribute__((format(printf, 6, 0)))
kc_log(void *data, int priority, const char *file, int line, const char *fn,
	const char *format, va_list args)
{
	(void)data;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	/* libkmod's own messages add nothing to ours: debug only. */
	if (log_verbosity() >= 2)
		log_vmsg(LOG_DEBUG, 0, format, args);
}

static void
kc_setctx(struct kclosure *kc, const char *what)
{
	size_t n = strlen(what);

	if (n < sizeof(kc->errctx)) {
		memcpy(kc->errctx, what, n + 1);
	} else {
		/* cut, and say so */
		memcpy(kc->errctx, what, sizeof(kc->errctx) - 4);
		memcpy(kc->errctx + sizeof(kc->errctx) - 4, "...", 4);
	}
}

const char *
kclosure_errctx(const struct kclosure *kc)
{
	return kc->errctx;
}

static int
kc_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	p = reallocarray(*arr, ncap, size);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int
kc_seq_push(struct kc_seq *s, size_t idx)
{
	int r = kc_grow((void **)&s->idx, &s->cap, s->n + 1, sizeof(*s->idx));

	if (r < 0)
		return r;
	s->idx[s->n++] = idx;
	return 0;
}

static bool
kc_seq_has(const struct kc_seq *s, size_t idx)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->idx[i] == idx)
			return true;
	return false;
}

int
kclosure_new(struct kclosure **out, const char *moddir, const char *kver)
{
	/* No modprobe.d: the host's configuration must not change the image. */
	static const char *const no_config[] = { NULL };
	struct kclosure *kc;
	size_t len;
	int r;

	*out = NULL;
	kc = calloc(1, sizeof(*kc));
	if (kc == NULL)
		return -ENOMEM;
	kc->moddir = strdup(moddir);
	kc->kver = strdup(kver);
	if (kc->moddir == NULL || kc->kver == NULL) {
		r = -ENOMEM;
		goto err;
	}
	len = strlen(kc->moddir);
	while (len > 1 && kc->moddir[len - 1] == '/')
		kc->moddir[--len] = '\0';
	kc->ctx = kmod_new(kc->moddir, no_config);
	if (kc->ctx == NULL) {
		r = -ENOMEM;
		goto err;
	}
	kmod_set_log_fn(kc->ctx, kc_log, NULL);
	r = kmod_load_resources(kc->ctx);
	if (r < 0) {
		kc_setctx(kc, kc->moddir);
		goto err;
	}
	*out = kc;
	return 0;
err:
	kclosure_free(kc);
	return r;
}

static void
kc_seq_free(struct kc_seq *s)
{
	free(s->idx);
}

void
kclosure_free(struct kclosure *kc)
{
	size_t i;

	if (kc == NULL)
		return;
	for (i = 0; i < kc->nmods; i++) {
		free(kc->mods[i].name);
		free(kc->mods[i].src);
		free(kc->mods[i].dest);
	}
	free(kc->mods);
	kc_seq_free(&kc->load);
	for (i = 0; i < kc->ndrivers; i++)
		kc_seq_free(&kc->drivers[i].seq);
	free(kc->drivers);
	for (i = 0; i < kc->navail; i++) {
		free(kc->avail[i].pattern);
		free(kc->avail[i].module);
	}
	free(kc->avail);
	for (i = 0; i < kc->nfw; i++)
		free(kc->fw[i]);
	free(kc->fw);
	for (i = 0; i < kc->nskipped; i++)
		free(kc->skipped[i]);
	free(kc->skipped);
	free(kc->files);
	kmod_unref(kc->ctx);
	free(kc->moddir);
	free(kc->kver);
	free(kc);
}

int
kclosure_dest_name(char *out, size_t size, const char *path)
{
	static const char *const suffixes[] = { ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t len = strlen(path), i, sl;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		sl = strlen(suffixes[i]);
		if (len > sl && strcmp(path + len - sl, suffixes[i]) == 0) {
			/* keep "...x.ko", drop the compression suffix */
			len -= sl - strlen(".ko");
			break;
		}
	}
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(out, path, len);
	out[len] = '\0';
	return 0;
}

/* A relative path with no "." or ".." component and no empty one. */
static bool
kc_path_is_clean(const char *p)
{
	const char *c = p, *e;
	size_t n;

	if (*p == '\0' || *p == '/')
		return false;
	while (*c != '\0') {
		e = strchr(c, '/');
		n = e != NULL ? (size_t)(e - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/')
			c++;
	}
	return c[-1] != '/';
}

static int
kc_fw_add(struct kclosure *kc, const char *name)
{
	size_t lo = 0, hi = kc->nfw, mid;
	char *dup;
	int r, c;

	/* A firmware name is a path under /lib/firmware; anything else in a
	 * module's modinfo is not something the kernel would request. */
	if (!kc_path_is_clean(name))
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(kc->fw[mid], name);
		if (c == 0)
			return 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	r = kc_grow((void **)&kc->fw, &kc->capfw, kc->nfw + 1, sizeof(*kc->fw));
	if (r < 0)
		return r;
	dup = strdup(name);
	if (dup == NULL)
		return -ENOMEM;
	memmove(kc->fw + lo + 1, kc->fw + lo, (kc->nfw - lo) * sizeof(*kc->fw));
	kc->fw[lo] = dup;
	kc->nfw++;
	return 0;
}

static int
kc_read_firmware(struct kclosure *kc, struct kmod_module *m)
{
	struct kmod_list *info = NULL, *it;
	int r;

	r = kmod_module_get_info(m, &info);
	if (r < 0)
		return r;
	r = 0;
	kmod_list_foreach(it, info) {
		if (strcmp(kmod_module_info_get_key(it), "firmware") != 0)
			continue;
		r = kc_fw_add(kc, kmod_module_info_get_value(it));
		if (r < 0)
			break;
	}
	kmod_module_info_free_list(info);
	return r;
}

/* Path of module file under moddir, or NULL when it is elsewhere. */
static const char *
kc_relpath(const struct kclosure *kc, const char *path)
{
	size_t n = strlen(kc->moddir);

	if (strncmp(path, kc->moddir, n) != 0 || path[n] != '/')
		return NULL;
	path += n + 1;
	return kc_path_is_clean(path) ? path : NULL;
}

static int
kc_find_mod(const struct kclosure *kc, const char *name)
{
	size_t i;

	for (i = 0; i < kc->nmods; i++)
		if (strcmp(kc->mods[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Index of m in kc->mods, adding it (and its firmware) the first time. */
static int
kc_register(struct kclosure *kc, struct kmod_module *m, const char *path, size_t *idx)
{
	const char *name = kmod_module_get_name(m), *rel;
	char destrel[4096], *dest = NULL;
	struct kc_mod *km;
	int i, r;

	i = kc_find_mod(kc, name);
	if (i >= 0) {
		*idx = (size_t)i;
		return 0;
	}
	kc_setctx(kc, path);
	rel = kc_relpath(kc, path);
	if (rel == NULL)
		return -EXDEV;
	r = kclosure_dest_name(destrel, sizeof(destrel), rel);
	if (r < 0)
		return r;
	r = kc_read_firmware(kc, m);
	if (r < 0)
		return r;
	r = kc_grow((void **)&kc->mods, &kc->capmods, kc->nmods + 1, sizeof(*kc->mods));
	if (r < 0)
		return r;
	if (asprintf(&dest, "/lib/modules/%s/%s", kc->kver, destrel) < 0)
		return -ENOMEM;
	km = &kc->mods[kc->nmods];
	km->name = strdup(name);
	km->src = strdup(path);
	km->dest = dest;
	km->features = 0;
	km->always = false;
	if (km->name == NULL || km->src == NULL) {
		free(km->name);
		free(km->src);
		free(km->dest);
		return -ENOMEM;
	}
	km->f.name = km->name;
	km->f.src = km->src;
	km->f.dest = km->dest;
	*idx = kc->nmods++;
	kc->errctx[0] = '\0';
	return 0;
}

struct kc_walk {
	struct kc_seq *seq;
	size_t stack[KC_DEPTH_MAX];
	int depth;
};

static int kc_visit(struct kclosure *kc, struct kc_walk *w, struct kmod_module *m);

static int
kc_visit_list(struct kclosure *kc, struct kc_walk *w, struct kmod_list *list)
{
	struct kmod_list *it;
	struct kmod_module *dep;
	int r = 0;

	kmod_list_foreach(it, list) {
		dep = kmod_module_get_module(it);
		r = kc_visit(kc, w, dep);
		kmod_module_unref(dep);
		if (r < 0)
			break;
	}
	return r;
}

/* Appends m's load sequence to w->seq: pre: softdeps, dependencies, m. */
static int
kc_visit(struct kclosure *kc, struct kc_walk *w, struct kmod_module *m)
{
	struct kmod_list *pre = NULL, *post = NULL, *deps;
	const char *path = kmod_module_get_path(m);
	size_t idx;
	int i, r;

	if (path == NULL)
		return 0; /* built in (modules.builtin): nothing to load */
	r = kc_register(kc, m, path, &idx);
	if (r < 0)
		return r;
	if (kc_seq_has(w->seq, idx))
		return 0;
	for (i = 0; i < w->depth; i++)
		if (w->stack[i] == idx)
			return 0; /* a softdep cycle: already on its way */
	if (w->depth == KC_DEPTH_MAX) {
		kc_setctx(kc, kmod_module_get_name(m));
		return -ELOOP;
	}
	w->stack[w->depth++] = idx;
	r = kmod_module_get_softdeps(m, &pre, &post);
	if (r >= 0)
		r = kc_visit_list(kc, w, pre);
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	if (r >= 0) {
		deps = kmod_module_get_dependencies(m);
		r = kc_visit_list(kc, w, deps);
		kmod_module_unref_list(deps);
	}
	w->depth--;
	if (r < 0)
		return r;
	return kc_seq_push(w->seq, idx);
}

static int
kc_walk(struct kclosure *kc, struct kc_seq *seq, struct kmod_module *m)
{
	struct kc_walk w = { .seq = seq };

	return kc_visit(kc, &w, m);
}

/* Runs fn on each module NAME resolves to; -ENOENT if none, 1 if all are
 * built in. */
static int
kc_lookup_each(struct kclosure *kc, const char *name,
	int (*fn)(struct kclosure *kc, struct kmod_module *m))
{
	struct kmod_list *list = NULL, *it;
	struct kmod_module *m;
	bool any = false;
	int r;

	kc_setctx(kc, name);
	r = kmod_module_new_from_lookup(kc->ctx, name, &list);
	if (r < 0)
		return r;
	if (list == NULL)
		return -ENOENT;
	kmod_list_foreach(it, list) {
		m = kmod_module_get_module(it);
		r = fn(kc, m);
		kmod_module_unref(m);
		if (r < 0)
			break;
		if (r == 0)
			any = true;
	}
	kmod_module_unref_list(list);
	if (r < 0)
		return r;
	kc->errctx[0] = '\0';
	return any ? 0 : 1;
}

/* m's whole closure in load order, merged into modules.load: modules not
 * there yet go at its end (after their dependencies, which the closure
 * lists first), and every module of the closure is marked with the
 * features being added, so any feature's subset of the file is complete. */
static int
kc_load_module(struct kclosure *kc, struct kmod_module *m)
{
	struct kc_seq seq = { NULL };
	size_t i;
	int r;

	if (kmod_module_get_path(m) == NULL)
		return 1;
	r = kc_walk(kc, &seq, m);
	for (i = 0; r >= 0 && i < seq.n; i++) {
		struct kc_mod *km = &kc->mods[seq.idx[i]];

		if (kc->load_features == 0)
			km->always = true;
		km->features |= kc->load_features;
		if (!kc_seq_has(&kc->load, seq.idx[i]))
			r = kc_seq_push(&kc->load, seq.idx[i]);
	}
	kc_seq_free(&seq);
	return r < 0 ? r : 0;
}

int
kclosure_add_load_for(struct kclosure *kc, const char *name, unsigned features)
{
	int r;

	kc->load_features = features;
	r = kc_lookup_each(kc, name, kc_load_module);
	kc->load_features = 0;
	return r;
}

int
kclosure_add_load(struct kclosure *kc, const char *name)
{
	return kclosure_add_load_for(kc, name, 0);
}

int
kclosure_parse_alias_line(char *line, size_t len, const char **pattern, const char **module)
{
	char *p = line, *end = line + len, *pat, *mod;
	size_t i;

	*pattern = NULL;
	*module = NULL;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return 0;
	if ((size_t)(end - p) < 6 || memcmp(p, "alias", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
		return -EINVAL;
	p += 6;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	pat = p;
	while (p < end && *p > ' ' && *p < 0x7f)
		p++;
	if (p == pat || p == end || (*p != ' ' && *p != '\t') || p - pat > KC_PATTERN_MAX)
		return -EINVAL;
	*p++ = '\0';
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	mod = p;
	while (p < end && (*p == '_' || *p == '-' || (*p >= '0' && *p <= '9') ||
			   (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		p++;
	if (p == mod || p - mod > 255)
		return -EINVAL;
	if (p < end) {
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return -EINVAL;
		*p++ = '\0';
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p != end)
			return -EINVAL;
	} else {
		*end = '\0';
	}
	*pattern = pat;
	*module = mod;
	for (i = 0; i < sizeof(kc_nic_prefixes) / sizeof(kc_nic_prefixes[0]); i++)
		if (strncmp(pat, kc_nic_prefixes[i], strlen(kc_nic_prefixes[i])) == 0)
			return 1;
	return 0;
}

static int
kc_avail_cmp(const void *a, const void *b)
{
	const struct kc_avail *x = a, *y = b;
	int c = strcmp(x->module, y->module);

	return c != 0 ? c : strcmp(x->pattern, y->pattern);
}

static int
kc_avail_add(struct kclosure *kc, size_t *cap, const char *pattern, const char *module)
{
	struct kc_avail *a;
	int r;

	r = kc_grow((void **)&kc->avail, cap, kc->navail + 1, sizeof(*kc->avail));
	if (r < 0)
		return r;
	a = &kc->avail[kc->navail];
	a->pattern = strdup(pattern);
	a->module = strdup(module);
	if (a->pattern == NULL || a->module == NULL) {
		free(a->pattern);
		free(a->module);
		return -ENOMEM;
	}
	kc->navail++;
	return 0;
}

/* Reads the pci:/virtio:/usb: lines of modules.alias, sorted by module. */
static int
kc_read_avail(struct kclosure *kc)
{
	char path[4096], *line = NULL;
	const char *pat, *mod;
	size_t linecap = 0, cap = 0, lineno = 0;
	ssize_t n;
	FILE *f;
	int r = 0;

	if (kc->avail_read)
		return 0;
	if (snprintf(path, sizeof(path), "%s/modules.alias", kc->moddir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	kc_setctx(kc, path);
	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	while ((n = getline(&line, &linecap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		r = kclosure_parse_alias_line(line, (size_t)n, &pat, &mod);
		if (r < 0) {
			snprintf(kc->errctx, sizeof(kc->errctx), "%.400s line %zu", path,
				lineno);
			break;
		}
		if (r == 1) {
			r = kc_avail_add(kc, &cap, pat, mod);
			if (r < 0)
				break;
		}
		r = 0;
	}
	if (r == 0 && ferror(f))
		r = -EIO;
	free(line);
	fclose(f);
	if (r < 0)
		return r;
	if (kc->navail > 0)
		qsort(kc->avail, kc->navail, sizeof(*kc->avail), kc_avail_cmp);
	kc->avail_read = true;
	kc->errctx[0] = '\0';
	return 0;
}

/* The range of kc->avail for module name; *n = 0 if none. */
static size_t
kc_avail_range(const struct kclosure *kc, const char *name, size_t *n)
{
	size_t lo = 0, hi = kc->navail, mid, first;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(kc->avail[mid].module, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < kc->navail && strcmp(kc->avail[lo].module, name) == 0)
		lo++;
	*n = lo - first;
	return first;
}

static size_t
kc_seq_line_len(const struct kclosure *kc, const struct kc_seq *s)
{
	size_t i, len = 0;

	for (i = 0; i < s->n; i++)
		len += 1 + strlen(kc->mods[s->idx[i]].dest);
	return len;
}

static int
kc_nic_module(struct kclosure *kc, struct kmod_module *m)
{
	const char *name = kmod_module_get_name(m);
	struct kc_driver *d;
	size_t first, n, i, seqlen;
	int r, have;

	if (kmod_module_get_path(m) == NULL)
		return 1;
	r = kc_read_avail(kc);
	if (r < 0)
		return r;
	first = kc_avail_range(kc, name, &n);
	if (n == 0)
		return kc_load_module(kc, m); /* no bus alias: load it always */
	have = kc_find_mod(kc, name);
	for (i = 0; have >= 0 && i < kc->ndrivers; i++)
		if (kc->drivers[i].mod == (size_t)have)
			return 0;
	r = kc_grow((void **)&kc->drivers, &kc->capdrivers, kc->ndrivers + 1,
		sizeof(*kc->drivers));
	if (r < 0)
		return r;
	d = &kc->drivers[kc->ndrivers];
	memset(d, 0, sizeof(*d));
	r = kc_walk(kc, &d->seq, m);
	if (r < 0 || d->seq.n == 0) {
		kc_seq_free(&d->seq);
		return r < 0 ? r : 1;
	}
	seqlen = kc_seq_line_len(kc, &d->seq);
	for (i = first; i < first + n; i++) {
		/* pattern, then "\tPATH" or " PATH" each (seqlen), then '\n' */
		if (strlen(kc->avail[i].pattern) + seqlen + 1 >= KCLOSURE_LINE_MAX ||
		    d->seq.n > KCLOSURE_PATHS_MAX) {
			kc_setctx(kc, name);
			kc_seq_free(&d->seq);
			return -E2BIG;
		}
		if (strncmp(kc->avail[i].pattern, "virtio:", 7) == 0)
			kc->has_virtio = true;
		if (strncmp(kc->avail[i].pattern, "usb:", 4) == 0)
			kc->has_usb = true;
	}
	d->mod = d->seq.idx[d->seq.n - 1];
	d->first = first;
	d->n = n;
	kc->ndrivers++;
	return 0;
}

int
kclosure_add_nic(struct kclosure *kc, const char *name)
{
	return kc_lookup_each(kc, name, kc_nic_module);
}

static bool
kc_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
kc_is_nic_path(const char *rel)
{
	size_t i;

	if (!kc_has_prefix(rel, "kernel/drivers/net/"))
		return false;
	for (i = 0; i < sizeof(kc_nic_excluded) / sizeof(kc_nic_excluded[0]); i++)
		if (kc_has_prefix(rel, kc_nic_excluded[i]))
			return false;
	return true;
}

static bool
kc_is_usb_host_path(const char *rel)
{
	return kc_has_prefix(rel, "kernel/drivers/usb/host/");
}

static int
kc_skip(struct kclosure *kc, const char *name)
{
	char *dup;
	int r;

	r = kc_grow((void **)&kc->skipped, &kc->capskipped, kc->nskipped + 1,
		sizeof(*kc->skipped));
	if (r < 0)
		return r;
	dup = strdup(name);
	if (dup == NULL)
		return -ENOMEM;
	kc->skipped[kc->nskipped++] = dup;
	kc->errctx[0] = '\0';
	return 0;
}

const char *const *
kclosure_skipped(const struct kclosure *kc, size_t *n)
{
	*n = kc->nskipped;
	return (const char *const *)kc->skipped;
}

/* Adds every module with a kept alias whose path passes want(); returns
 * the number added. only_prefix: NULL, or the alias bus they must have. */
static int
kc_add_matching(struct kclosure *kc, bool (*want)(const char *rel), const char *only_prefix)
{
	struct kmod_module *m;
	const char *path, *rel;
	size_t i, j, n;
	int added = 0, r = 0;
	bool bus;

	r = kc_read_avail(kc);
	if (r < 0)
		return r;
	for (i = 0; i < kc->navail; i += n) {
		kc_avail_range(kc, kc->avail[i].module, &n);
		bus = only_prefix == NULL;
		for (j = i; !bus && j < i + n; j++)
			bus = kc_has_prefix(kc->avail[j].pattern, only_prefix);
		if (!bus)
			continue;
		if (kmod_module_new_from_name(kc->ctx, kc->avail[i].module, &m) < 0)
			continue;
		path = kmod_module_get_path(m);
		rel = path != NULL ? kc_relpath(kc, path) : NULL;
		if (rel != NULL && want(rel)) {
			r = kc_nic_module(kc, m);
			if (r == 0)
				added++;
			else if (r == -E2BIG)
				r = kc_skip(kc, kc->avail[i].module);
		}
		kmod_module_unref(m);
		if (r < 0)
			return r;
		r = 0;
	}
	return added;
}

int
kclosure_add_all_nics(struct kclosure *kc)
{
	return kc_add_matching(kc, kc_is_nic_path, NULL);
}

int
kclosure_add_transports(struct kclosure *kc)
{
	int r;

	if (kc->has_virtio) {
		/* by its pci: aliases, not always: a machine without virtio
		 * devices (all real hardware) is spared five module loads */
		r = kclosure_add_nic(kc, "virtio_pci");
		if (r < 0 && r != -ENOENT)
			return r;
	}
	if (kc->has_usb) {
		r = kc_add_matching(kc, kc_is_usb_host_path, "pci:");
		if (r < 0)
			return r;
	}
	return 0;
}

static int
kc_file_cmp(const void *a, const void *b)
{
	const struct kclosure_file *x = a, *y = b;

	return strcmp(x->dest, y->dest);
}

const struct kclosure_file *
kclosure_files(struct kclosure *kc, size_t *n)
{
	struct kclosure_file *f;
	size_t i;

	*n = 0;
	if (kc->nmods == 0)
		return NULL;
	f = reallocarray(kc->files, kc->nmods, sizeof(*f));
	if (f == NULL)
		return NULL;
	kc->files = f;
	for (i = 0; i < kc->nmods; i++)
		f[i] = kc->mods[i].f;
	qsort(f, kc->nmods, sizeof(*f), kc_file_cmp);
	*n = kc->nmods;
	return f;
}

const char *const *
kclosure_firmware(const struct kclosure *kc, size_t *n)
{
	*n = kc->nfw;
	return (const char *const *)kc->fw;
}

size_t
kclosure_load_count(const struct kclosure *kc)
{
	return kc->load.n;
}

size_t
kclosure_alias_count(const struct kclosure *kc)
{
	size_t i, n = 0;

	for (i = 0; i < kc->ndrivers; i++)
		n += kc->drivers[i].n;
	return n;
}

/* A growing string; on allocation failure it stays failed. */
struct kc_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void
kc_buf_add(struct kc_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (kc_grow((void **)&b->s, &b->cap, b->len + n + 1, 1) < 0) {
		b->failed = true;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
kc_buf_str(struct kc_buf *b, const char *s)
{
	kc_buf_add(b, s, strlen(s));
}

static char *
kc_buf_finish(struct kc_buf *b, size_t *len)
{
	kc_buf_add(b, "", 0);
	if (b->failed) {
		free(b->s);
		errno = ENOMEM;
		return NULL;
	}
	*len = b->len;
	return b->s;
}

/* "nfs,nfs3<TAB>": the FEATURES field of a modules.load line. */
static void
kc_buf_features(struct kc_buf *b, unsigned features)
{
	const char *sep = "", *name;
	unsigned bit;

	for (bit = 1; bit != 0 && bit <= features; bit <<= 1) {
		name = (features & bit) ? modalias_feature_name(bit) : NULL;
		if (name == NULL)
			continue;
		kc_buf_str(b, sep);
		kc_buf_str(b, name);
		sep = ",";
	}
	kc_buf_add(b, "\t", 1);
}

char *
kclosure_load_text(const struct kclosure *kc, size_t *len)
{
	struct kc_buf b = { NULL };
	size_t i;

	for (i = 0; i < kc->load.n; i++) {
		const struct kc_mod *km = &kc->mods[kc->load.idx[i]];

		if (!km->always)
			kc_buf_features(&b, km->features);
		kc_buf_str(&b, km->dest);
		kc_buf_add(&b, "\n", 1);
	}
	return kc_buf_finish(&b, len);
}

struct kc_sortarg {
	const struct kclosure *kc;
};

static int
kc_driver_cmp(const void *a, const void *b, void *arg)
{
	const struct kc_driver *x = *(const struct kc_driver *const *)a;
	const struct kc_driver *y = *(const struct kc_driver *const *)b;
	const struct kc_sortarg *sa = arg;

	return strcmp(sa->kc->mods[x->mod].name, sa->kc->mods[y->mod].name);
}

char *
kclosure_alias_text(const struct kclosure *kc, size_t *len)
{
	struct kc_sortarg arg = { kc };
	struct kc_buf b = { NULL };
	const struct kc_driver **order;
	size_t i, j, k;

	order = calloc(kc->ndrivers + 1, sizeof(*order));
	if (order == NULL)
		return NULL;
	for (i = 0; i < kc->ndrivers; i++)
		order[i] = &kc->drivers[i];
	qsort_r(order, kc->ndrivers, sizeof(*order), kc_driver_cmp, &arg);
	kc_buf_str(&b, "# PATTERN<TAB>modules to load for it, dependencies first"
		       " (written by diskless initrd)\n");
	for (i = 0; i < kc->ndrivers; i++) {
		for (j = order[i]->first; j < order[i]->first + order[i]->n; j++) {
			kc_buf_str(&b, kc->avail[j].pattern);
			for (k = 0; k < order[i]->seq.n; k++) {
				kc_buf_add(&b, k == 0 ? "\t" : " ", 1);
				kc_buf_str(&b, kc->mods[order[i]->seq.idx[k]].dest);
			}
			kc_buf_add(&b, "\n", 1);
		}
	}
	free(order);
	return kc_buf_finish(&b, len);
}
