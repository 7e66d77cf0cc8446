/*
 * test-modalias.c: lib/modalias.c, the modules.alias/modules.load contract
 * between `diskless initrd` and diskless-init. Table driven, hostile lines
 * included.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "modalias.h"
#include "tap.h"

#define K "/lib/modules/6.1.0-28-amd64/kernel/"

struct acase {
	const char *line;
	int rc;
	const char *pattern;
	unsigned n_path;
	const char *last;
};

static char huge[MODALIAS_LINE_MAX + 2];
static char manypaths[MODALIAS_LINE_MAX];

static const struct acase acases[] = {
	{ "pci:v00008086d0000100Esv*sd*bc*sc*i*\t" K "drivers/net/ethernet/intel/e1000/e1000.ko",
	  1, "pci:v00008086d0000100Esv*sd*bc*sc*i*", 1, K "drivers/net/ethernet/intel/e1000/e1000.ko" },
	{ "virtio:d00000001v*\t" K "drivers/virtio/virtio_ring.ko " K "drivers/virtio/virtio.ko "
	  K "net/core/failover.ko " K "drivers/net/net_failover.ko " K "drivers/net/virtio_net.ko",
	  1, "virtio:d00000001v*", 5, K "drivers/net/virtio_net.ko" },
	{ "pci:v*\t/a.ko  /b.ko\t/c.ko  ", 1, "pci:v*", 3, "/c.ko" },
	{ "  pci:v*\t/a.ko\r", 1, "pci:v*", 1, "/a.ko" },
	{ "", 0, NULL, 0, NULL },
	{ "   \t ", 0, NULL, 0, NULL },
	{ "# comment\twith tab /x.ko", 0, NULL, 0, NULL },
	{ "   # indented comment", 0, NULL, 0, NULL },
	{ "pci:v* /a.ko", -EINVAL, NULL, 0, NULL },		/* space, no TAB */
	{ "pci:v*\t", -EINVAL, NULL, 0, NULL },			/* no path */
	{ "pci:v*\t   ", -EINVAL, NULL, 0, NULL },
	{ "\t/a.ko", -EINVAL, NULL, 0, NULL },			/* no pattern */
	{ "pci:v*\trelative.ko", -EINVAL, NULL, 0, NULL },
	{ "pci:v*\t/a.ko rel/b.ko", -EINVAL, NULL, 0, NULL },
	{ "pci v*\t/a.ko", -EINVAL, NULL, 0, NULL },		/* blank in pattern */
	{ huge, -E2BIG, NULL, 0, NULL },
	{ manypaths, -E2BIG, NULL, 0, NULL },
};

struct lcase {
	const char *line;
	int rc;
	const char *path;
	unsigned features;
};

static const struct lcase lcases[] = {
	{ K "fs/nfs/nfs.ko", 1, K "fs/nfs/nfs.ko" },
	{ "  " K "fs/overlayfs/overlay.ko  ", 1, K "fs/overlayfs/overlay.ko" },
	{ "#" K "fs/nfs/nfs.ko", 0, NULL },
	{ "", 0, NULL },
	{ "fs/nfs/nfs.ko", -EINVAL, NULL },
	{ "/a.ko /b.ko", -EINVAL, NULL },
	{ "pci:v*\t/a.ko", -EINVAL, NULL },
	/* FEATURES: which boots load the line */
	{ "nfs3\t/a.ko", 1, "/a.ko", MODALIAS_FEAT_NFS3 },
	{ "nfs,nfs3,nfs4\t" K "net/sunrpc/sunrpc.ko", 1, K "net/sunrpc/sunrpc.ko",
	  MODALIAS_FEAT_NFS | MODALIAS_FEAT_NFS3 | MODALIAS_FEAT_NFS4 },
	{ "  overlay\t/o.ko\r", 1, "/o.ko", MODALIAS_FEAT_OVERLAY },
	{ "nfs4,nfs4\t/a.ko", 1, "/a.ko", MODALIAS_FEAT_NFS4 },
	{ "zfs9\t/a.ko", 1, "/a.ko", MODALIAS_FEAT_OTHER },	/* newer builder: always */
	{ "nfs3,zfs9\t/a.ko", 1, "/a.ko", MODALIAS_FEAT_NFS3 | MODALIAS_FEAT_OTHER },
	{ "/a.ko\t/b.ko", -EINVAL, NULL },			/* two paths */
	{ "nfs3\t", -EINVAL, NULL },				/* no path */
	{ "nfs3\trel.ko", -EINVAL, NULL },
	{ "nfs3,\t/a.ko", -EINVAL, NULL },			/* empty word */
	{ ",nfs3\t/a.ko", -EINVAL, NULL },
	{ "NFS3\t/a.ko", -EINVAL, NULL },			/* lower case only */
	{ "nfs 3\t/a.ko", -EINVAL, NULL },
	{ "nfs3\t/a.ko /b.ko", -EINVAL, NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\t/a.ko", -EINVAL, NULL },	/* 33 bytes */
	{ "nfs3\t\t/a.ko", 1, "/a.ko", MODALIAS_FEAT_NFS3 },
};

struct mcase {
	const char *pattern, *alias;
	int match;
};

static const struct mcase mcases[] = {
	{ "pci:v00008086d0000100Esv*sd*bc*sc*i*",
	  "pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00", 1 },
	{ "pci:v00008086d0000100Esv*sd*bc*sc*i*",
	  "pci:v00008086d000010D3sv00001AF4sd00001100bc02sc00i00", 0 },
	{ "virtio:d00000001v*", "virtio:d00000001v00001AF4", 1 },
	{ "virtio:d00000001v*", "virtio:d00000002v00001AF4", 0 },
	{ "usb:v0B95p1790d*dc*dsc*dp*ic*isc*ip*in*", "usb:v0B95p1790d0100dcFFdscFFdp00icFFiscFFip00in00", 1 },
	{ "pci:v*d*sv*sd*bc02sc00i*", "pci:v000010ECd00008168sv0000sd0000bc02sc00i00", 1 },
	{ "pci:v[0-9]*", "pci:v00008086", 1 },
	{ "pci:v00008086*", "", 0 },
};

static void
run_alias(void)
{
	size_t i;

	for (i = 0; i < sizeof(acases) / sizeof(acases[0]); i++) {
		static struct modalias_line l;
		const struct acase *c = &acases[i];
		int r = modalias_parse_alias(c->line, strlen(c->line), &l), ok = r == c->rc;

		if (ok && r == 1)
			ok = strcmp(l.pattern, c->pattern) == 0 && l.n_path == c->n_path &&
				strcmp(l.path[l.n_path - 1], c->last) == 0;
		if (!tap_ok(ok, "alias line %zu: %.50s", i, c->line))
			tap_diag("rc %d want %d", r, c->rc);
	}
}

static void
run_load(void)
{
	size_t i;

	for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++) {
		static struct modalias_line l;
		const struct lcase *c = &lcases[i];
		int r = modalias_parse_load(c->line, strlen(c->line), &l), ok = r == c->rc;

		if (ok && r == 1)
			ok = l.n_path == 1 && strcmp(l.path[0], c->path) == 0 &&
				l.features == c->features;
		if (!tap_ok(ok, "load line %zu: %.50s", i, c->line))
			tap_diag("rc %d want %d", r, c->rc);
	}
}

/* The names the builder writes are the ones the parser reads back. */
static void
run_feature_names(void)
{
	static const unsigned bits[] = { MODALIAS_FEAT_NFS, MODALIAS_FEAT_NFS3,
		MODALIAS_FEAT_NFS4, MODALIAS_FEAT_OVERLAY };
	char line[64];
	size_t i;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		static struct modalias_line l;
		const char *name = modalias_feature_name(bits[i]);

		snprintf(line, sizeof(line), "%s\t/m.ko", name != NULL ? name : "?");
		tap_ok(name != NULL && modalias_parse_load(line, strlen(line), &l) == 1 &&
			l.features == bits[i], "feature %s round-trips", line);
	}
	tap_ok(modalias_feature_name(MODALIAS_FEAT_OTHER) == NULL, "OTHER has no name");
	tap_ok(modalias_feature_name(MODALIAS_FEAT_NFS | MODALIAS_FEAT_NFS3) == NULL,
		"two bits have no single name");
}

static void
run_match(void)
{
	size_t i;
	char line[256];

	for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		static struct modalias_line l;

		snprintf(line, sizeof(line), "%s\t/m.ko", mcases[i].pattern);
		modalias_parse_alias(line, strlen(line), &l);
		tap_is_int(modalias_match(&l, mcases[i].alias), mcases[i].match, "match %zu: %s",
			i, mcases[i].alias);
	}
}

/* The line cutter: NUL bytes, missing final newline, chunk boundaries. */
static void
run_lines(void)
{
	static const char buf[] = "a\nbb\n\nccc";
	static const char nul[] = "pci:v*\t/a\0.ko\n";
	static struct modalias_line l;
	const char *line;
	size_t off = 0, len;
	int r;

	r = modalias_next_line(buf, sizeof(buf) - 1, &off, false, &line, &len);
	tap_ok(r == 1 && len == 1 && line[0] == 'a', "first line");
	r = modalias_next_line(buf, sizeof(buf) - 1, &off, false, &line, &len);
	tap_ok(r == 1 && len == 2, "second line");
	r = modalias_next_line(buf, sizeof(buf) - 1, &off, false, &line, &len);
	tap_ok(r == 1 && len == 0, "empty line");
	r = modalias_next_line(buf, sizeof(buf) - 1, &off, false, &line, &len);
	tap_ok(r == 0 && off == 6, "partial last line waits for more data");
	r = modalias_next_line(buf, sizeof(buf) - 1, &off, true, &line, &len);
	tap_ok(r == 1 && len == 3 && off == sizeof(buf) - 1, "last line without newline at EOF");
	r = modalias_next_line(buf, sizeof(buf) - 1, &off, true, &line, &len);
	tap_is_int(r, 0, "end");
	off = 0;
	r = modalias_next_line(huge, strlen(huge), &off, false, &line, &len);
	tap_ok(r == -E2BIG && off == strlen(huge), "overlong partial line is skipped");
	tap_is_int(modalias_parse_alias(nul, sizeof(nul) - 2, &l), -EINVAL, "NUL inside a line");
}

int
main(void)
{
	size_t i, n = 0;

	memset(huge, 'x', sizeof(huge) - 1);
	huge[5] = '\t';
	huge[6] = '/';
	/* 65 paths of "/m.ko " after the TAB (limit 64) */
	n = (size_t)snprintf(manypaths, sizeof(manypaths), "p*\t");
	for (i = 0; i < MODALIAS_PATHS_MAX + 1; i++)
		n += (size_t)snprintf(manypaths + n, sizeof(manypaths) - n, "/m%zu.ko ", i);
	run_alias();
	run_load();
	run_feature_names();
	run_match();
	run_lines();
	return tap_done();
}
