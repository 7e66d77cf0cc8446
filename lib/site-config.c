/*
 * site-config.c: reads the site config (INI, libinih) and its hosts
 * directory into a struct site. See site.h.
 *
 * libinih splits "key = value" and strips comments; the line reader in front
 * of it (read_line) does what inih cannot be asked to: count lines for every
 * message, refuse NUL bytes and over-long lines with a clear error instead
 * of splitting them, stop indented lines from being taken as continuations,
 * and see section headers as they open, so empty sections and duplicates are
 * reported too. Debian's libinih is built with INI_MAX_LINE 200.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "site-internal.h"
#include "strutil.h"

static const char *const section_words[] = { "server", "dhcp", "tftp", "boot", "image",
	"host", NULL };

int
site_strdup(char **slot, const char *value)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

void
site_diag(struct site *site, enum site_level level, const char *file, unsigned line,
	const char *fmt, ...)
{
	struct site_diag *d;
	va_list ap;
	char *msg;

	if (level == SITE_ERROR)
		site->n_errors++;
	else
		site->n_warnings++;
	if (site->n_diags >= SITE_MAX_DIAGS) {
		site->n_unreported++;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	d = reallocarray(site->diags, site->n_diags + 1, sizeof(*d));
	if (msg == NULL || d == NULL) {
		/* Out of memory while reporting: keep the count right. */
		free(msg);
		if (d != NULL)
			site->diags = d;
		site->n_unreported++;
		return;
	}
	site->diags = d;
	d += site->n_diags++;
	d->level = level;
	d->where.file = file;
	d->where.line = line;
	d->msg = msg;
}

void
site_perror(struct site_parse *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	site_diag(p->site, SITE_ERROR, p->file, p->line, "%s", msg);
}

static const char *
intern_file(struct site *site, const char *name)
{
	char **files;
	char *copy;

	files = reallocarray(site->files, site->n_files + 1, sizeof(*files));
	if (files == NULL)
		return NULL;
	site->files = files;
	copy = strdup(name);
	if (copy == NULL)
		return NULL;
	files[site->n_files++] = copy;
	return copy;
}

/* Checks the keys an image or host must have once its section ends. */
static void
close_section(struct site_parse *p)
{
	struct site *site = p->site;

	if (p->sect == SECT_IMAGE) {
		struct site_image *img = &site->images[p->index];

		if (img->root == NULL)
			site_diag(site, SITE_ERROR, p->file, p->sect_line,
				"[image %s] has no root (add root = /srv/diskless/images/%s)",
				img->name, img->name);
		if (site_set_image_defaults(img) < 0)
			site_diag(site, SITE_ERROR, p->file, p->sect_line, "out of memory");
	} else if (p->sect == SECT_HOST) {
		struct site_host *h = &site->hosts[p->index];
		static const uint8_t zero[NETADDR_MAC_LEN];

		if (memcmp(h->mac, zero, sizeof(zero)) == 0)
			site_diag(site, SITE_ERROR, p->file, p->sect_line,
				"host %s has no mac (add mac = 52:54:00:xx:xx:xx, its boot NIC's address)",
				h->name);
		if (h->image[0] == '\0')
			site_diag(site, SITE_ERROR, p->file, p->sect_line,
				"host %s has no image (add image = NAME of an [image NAME] section)",
				h->name);
	}
	p->sect = SECT_BAD;
}

static int
check_image_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= SITE_NAME_MAX || strstr(s, "..") != NULL)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return -EINVAL;
	}
	return 0;
}

static void
open_image(struct site_parse *p, const char *name)
{
	struct site *site = p->site;
	struct site_image *img;
	size_t i;

	if (check_image_name(name) < 0) {
		site_perror(p, "image name '%s' is not valid (letters, digits, '.', '_', '-', "
			       "starting with a letter or digit, at most %d characters)",
			name, SITE_NAME_MAX - 1);
		return;
	}
	for (i = 0; i < site->n_images; i++) {
		if (strcmp(site->images[i].name, name) == 0) {
			site_perror(p, "[image %s] defined twice (first at %s:%u): merge them",
				name, site->images[i].where.file, site->images[i].where.line);
			return;
		}
	}
	img = reallocarray(site->images, site->n_images + 1, sizeof(*img));
	if (img == NULL) {
		site_perror(p, "out of memory");
		return;
	}
	site->images = img;
	img += site->n_images;
	memset(img, 0, sizeof(*img));
	snprintf(img->name, sizeof(img->name), "%s", name);
	img->where.file = p->file;
	img->where.line = p->line;
	p->index = site->n_images++;
	p->sect = SECT_IMAGE;
}

static void
open_host(struct site_parse *p, const char *name)
{
	struct site *site = p->site;
	struct site_host *h;
	size_t i;

	if (str_check_hostname(name) < 0) {
		site_perror(p, "host name '%s' is not a valid host name (letters, digits and "
			       "'-', at most 63, no '-' at either end)",
			name);
		return;
	}
	for (i = 0; i < site->n_hosts; i++) {
		if (strcasecmp(site->hosts[i].name, name) == 0) {
			site_perror(p, "host %s defined twice (first at %s:%u): keep one", name,
				site->hosts[i].where.file, site->hosts[i].where.line);
			return;
		}
	}
	h = reallocarray(site->hosts, site->n_hosts + 1, sizeof(*h));
	if (h == NULL) {
		site_perror(p, "out of memory");
		return;
	}
	site->hosts = h;
	h += site->n_hosts;
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->image_index = -1;
	h->where.file = p->file;
	h->where.line = p->line;
	p->index = site->n_hosts++;
	p->sect = SECT_HOST;
}

static void
open_singleton(struct site_parse *p, enum site_section sect)
{
	if (p->singleton_line[sect] != 0) {
		site_perror(p, "[%s] given twice (first at line %u): merge them",
			site_section_name(sect), p->singleton_line[sect]);
		return;
	}
	p->singleton_line[sect] = p->line;
	p->sect = sect;
	if (sect == SECT_SERVER) {
		p->site->server.where.file = p->file;
		p->site->server.where.line = p->line;
	} else if (sect == SECT_DHCP) {
		p->site->dhcp.present = true;
		p->site->dhcp.where.file = p->file;
		p->site->dhcp.where.line = p->line;
	} else if (sect == SECT_BOOT) {
		p->site->boot.where.file = p->file;
		p->site->boot.where.line = p->line;
	}
}

/* A header's text between the brackets: "server", "image lab", ... */
static void
open_section(struct site_parse *p, char *text)
{
	char *word, *name, *extra, *save = NULL;
	const char *hint;

	close_section(p);
	memset(p->key_line, 0, sizeof(p->key_line));
	p->sect_line = p->line;
	word = strtok_r(text, " \t", &save);
	name = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (word == NULL) {
		site_perror(p, "empty section header [] (use [server], [dhcp], [tftp], "
			       "[boot], [image NAME] or [host NAME])");
		return;
	}
	if (p->hosts_file && strcmp(word, "host") != 0) {
		site_perror(p, "[%s] in a hosts file (a hosts file holds [host NAME] "
			       "sections or plain keys only)",
			word);
		return;
	}
	if (extra != NULL) {
		site_perror(p, "section header [%s %s %s ...] has too many words "
			       "(a name has no spaces)",
			word, name, extra);
		return;
	}
	if (strcmp(word, "image") == 0 || strcmp(word, "host") == 0) {
		if (name == NULL) {
			site_perror(p, "[%s] needs a name: [%s NAME]", word, word);
			return;
		}
		if (word[0] == 'i')
			open_image(p, name);
		else
			open_host(p, name);
		return;
	}
	if (name != NULL) {
		site_perror(p, "[%s %s]: [%s] takes no name", word, name, word);
		return;
	}
	if (strcmp(word, "server") == 0)
		open_singleton(p, SECT_SERVER);
	else if (strcmp(word, "dhcp") == 0)
		open_singleton(p, SECT_DHCP);
	else if (strcmp(word, "tftp") == 0)
		open_singleton(p, SECT_TFTP);
	else if (strcmp(word, "boot") == 0)
		open_singleton(p, SECT_BOOT);
	else if ((hint = str_nearest(word, section_words)) != NULL)
		site_perror(p, "unknown section [%s] (did you mean [%s]?)", word, hint);
	else
		site_perror(p, "unknown section [%s] (sections are [server], [dhcp], [tftp], "
			       "[boot], [image NAME] and [host NAME])",
			word);
}

/* Where else a misplaced key belongs, for the hint. */
static enum site_section
key_home(const char *name)
{
	enum site_section s;
	const struct site_key *k;

	for (s = SECT_SERVER; s < SECT_COUNT; s++)
		for (k = site_keys(s); k->name != NULL; k++)
			if (strcmp(k->name, name) == 0)
				return s;
	return SECT_NONE;
}

static void
unknown_key(struct site_parse *p, const char *name)
{
	const char *names[SITE_MAX_KEYS + 1];
	const struct site_key *k;
	enum site_section home;
	const char *hint;
	size_t n = 0;

	for (k = site_keys(p->sect); k->name != NULL; k++)
		names[n++] = k->name;
	names[n] = NULL;
	home = key_home(name);
	if (home != SECT_NONE)
		site_perror(p, "'%s' does not belong in [%s] (it goes in [%s])", name,
			site_section_name(p->sect), site_section_name(home));
	else if ((hint = str_nearest(name, names)) != NULL)
		site_perror(p, "unknown key '%s' in [%s] (did you mean '%s'?)", name,
			site_section_name(p->sect), hint);
	else
		site_perror(p, "unknown key '%s' in [%s] (see diskless.conf(5) for the keys)",
			name, site_section_name(p->sect));
}

static int
handle_key(void *user, const char *section, const char *name, const char *value)
{
	struct site_parse *p = user;
	const struct site_key *k;
	size_t i;

	(void)section; /* the reader tracks sections itself, with lines */
	if (p->sect == SECT_NONE && p->hosts_file && !p->file_host_open) {
		p->file_host_open = true;
		memset(p->key_line, 0, sizeof(p->key_line));
		p->sect_line = p->line;
		p->sect = SECT_BAD; /* stays so when the file name is no host name */
		open_host(p, p->file_host);
	}
	if (p->sect == SECT_NONE) {
		site_perror(p, "'%s' is outside of any section (put it under [server], "
			       "[dhcp], [tftp], [boot], [image NAME] or [host NAME])",
			name);
		return 1;
	}
	if (p->sect == SECT_BAD)
		return 1; /* the header was reported; its keys would only add noise */
	for (i = 0, k = site_keys(p->sect); k->name != NULL; k++, i++)
		if (strcmp(k->name, name) == 0)
			break;
	if (k->name == NULL) {
		unknown_key(p, name);
		return 1;
	}
	if (p->key_line[i] != 0 && !k->repeatable) {
		site_perror(p, "'%s' given twice in [%s] (first at line %u): keep one", name,
			site_section_name(p->sect), p->key_line[i]);
		return 1;
	}
	p->key_line[i] = p->line;
	k->set(p, value);
	return 1; /* keep going: every error of the file in one run */
}

/*
 * The line reader handed to ini_parse_stream(). It must never give inih a
 * line it would cut (num - 1 bytes at most) or one that inih would report
 * without telling which problem it was.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct site_parse *p = stream;
	size_t len = 0, cap = (size_t)num - 1, lead;
	bool too_long = false, nul = false;
	int c;

	c = getc(p->fp);
	if (c == EOF)
		return NULL;
	p->line++;
	for (; c != EOF && c != '\n'; c = getc(p->fp)) {
		if (c == '\0')
			nul = true;
		else if (len < cap)
			str[len++] = (char)c;
		else
			too_long = true;
	}
	if (len > 0 && str[len - 1] == '\r')
		len--; /* a file edited on Windows */
	str[len] = '\0';
	if (nul || too_long) {
		if (nul)
			site_perror(p, "NUL byte in line (is this a text file?)");
		else
			site_perror(p, "line longer than %zu bytes (split a long cmdline over "
				       "several 'cmdline =' lines)",
				cap);
		str[0] = '\0';
		return str;
	}
	/* A UTF-8 byte order mark, as some editors write (inih would drop it,
	 * but only after this reader has looked at the line). */
	if (p->line == 1 && len >= 3 && memcmp(str, "\xef\xbb\xbf", 3) == 0) {
		memmove(str, str + 3, len - 2);
		len -= 3;
	}
	/* inih would take an indented line as a continuation of the last value,
	 * reported as the same key twice; no key here spans lines. */
	lead = strspn(str, " \t");
	memmove(str, str + lead, len - lead + 1);
	if (str[0] == '[') {
		char *end = strchr(str, ']');
		char header[INI_MAX_LINE];
		size_t hlen;
		char *rest;

		if (end == NULL) {
			site_perror(p, "section header without ']'");
			str[0] = '\0';
			return str;
		}
		rest = end + 1 + strspn(end + 1, " \t");
		if (*rest != '\0' && *rest != ';' && *rest != '#') {
			site_perror(p, "text after section header ']'");
			str[0] = '\0';
			return str;
		}
		/* open_section() cuts its copy into words; inih needs the line. */
		hlen = (size_t)(end - str - 1); /* < num <= INI_MAX_LINE */
		memcpy(header, str + 1, hlen);
		header[hlen] = '\0';
		open_section(p, header);
		return str;
	}
	if (str[0] != '\0' && str[0] != ';' && str[0] != '#' &&
		strpbrk(str, "=:") == NULL) {
		site_perror(p, "expected 'key = value', a [section] or a comment");
		str[0] = '\0';
	}
	return str;
}

static int
parse_file(struct site *site, const char *path, const char *file_host)
{
	struct site_parse p;
	struct stat st;
	FILE *fp;
	int r;

	fp = fopen(path, "re");
	if (fp == NULL)
		return -errno;
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		fclose(fp);
		return r;
	}
	memset(&p, 0, sizeof(p));
	p.site = site;
	p.fp = fp;
	p.file = intern_file(site, path);
	p.hosts_file = file_host != NULL;
	p.file_host = file_host;
	p.sect = SECT_NONE;
	if (p.file == NULL) {
		fclose(fp);
		return -ENOMEM;
	}
	r = ini_parse_stream(read_line, &p, handle_key, &p);
	if (r > 0 && (unsigned)r <= p.line)
		/* Only a line the reader let through, e.g. "key ; comment". */
		site_diag(site, SITE_ERROR, p.file, (unsigned)r, "cannot parse this line "
			"(expected 'key = value')");
	if (ferror(fp))
		site_diag(site, SITE_ERROR, p.file, p.line, "read error");
	close_section(&p);
	fclose(fp);
	return 0;
}

static int
is_host_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

/* One host per file, named by the file ("pc01.conf" is host pc01), read in
 * name order so that messages and duplicates are reported the same way on
 * every run. */
static void
read_hosts_dir(struct site *site, const char *dir, bool explicit)
{
	struct dirent **list = NULL;
	int n, i;

	n = scandir(dir, &list, is_host_file, alphasort);
	if (n < 0) {
		if (errno != ENOENT || explicit)
			site_diag(site, SITE_ERROR, site->server.where.file,
				site->server.where.line,
				"hosts-dir %s: %s (create it, or set hosts-dir = none)", dir,
				strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		char *path = str_join_path(dir, list[i]->d_name);
		size_t len = strlen(list[i]->d_name) - 5;
		char stem[256];
		int r;

		if (len >= sizeof(stem))
			len = sizeof(stem) - 1; /* too long for a host name: reported */
		memcpy(stem, list[i]->d_name, len);
		stem[len] = '\0';
		if (path == NULL) {
			site_diag(site, SITE_ERROR, dir, 0, "out of memory");
		} else if ((r = parse_file(site, path, stem)) < 0) {
			site_diag(site, SITE_ERROR, intern_file(site, path), 0,
				"cannot read host file: %s", strerror(-r));
		}
		free(path);
		free(list[i]);
	}
	free(list);
}

/* hosts-dir: "none" turns it off; a relative one is read beside the
 * config file; unset means "hosts.d" beside it, when that exists. */
static void
load_hosts(struct site *site, const char *config_path)
{
	const char *slash = strrchr(config_path, '/');
	char *dir = NULL, *base;
	bool explicit = site->server.hosts_dir != NULL;
	const char *want = explicit ? site->server.hosts_dir : "hosts.d";

	if (strcmp(want, "none") == 0) {
		free(site->server.hosts_dir);
		site->server.hosts_dir = NULL;
		return;
	}
	if (want[0] == '/' || slash == NULL) {
		dir = strdup(want);
	} else {
		base = strndup(config_path, (size_t)(slash - config_path));
		dir = base ? str_join_path(base, want) : NULL;
		free(base);
	}
	if (dir == NULL) {
		site_diag(site, SITE_ERROR, config_path, 0, "out of memory");
		return;
	}
	free(site->server.hosts_dir);
	site->server.hosts_dir = dir;
	read_hosts_dir(site, dir, explicit);
	if (!explicit && site->n_files == 1) {
		/* No default hosts.d: not an error, and nothing to print. */
		free(site->server.hosts_dir);
		site->server.hosts_dir = NULL;
	}
}

static size_t
file_index(const struct site *site, const char *file)
{
	size_t i;

	for (i = 0; i < site->n_files; i++)
		if (site->files[i] == file)
			return i;
	return site->n_files;
}

/* Files in the order they were read, then lines: the order a reader walks
 * the config. Insertion sort: stable, and there are SITE_MAX_DIAGS at most. */
static void
sort_diags(struct site *site)
{
	size_t i, j;

	for (i = 1; i < site->n_diags; i++) {
		struct site_diag d = site->diags[i];
		size_t fd = file_index(site, d.where.file);

		for (j = i; j > 0; j--) {
			struct site_diag *e = &site->diags[j - 1];
			size_t fe = file_index(site, e->where.file);

			if (fe < fd || (fe == fd && e->where.line <= d.where.line))
				break;
			site->diags[j] = *e;
		}
		site->diags[j] = d;
	}
}

int
site_load(const char *path, struct site **out)
{
	struct site *site;
	int r;

	*out = NULL;
	site = calloc(1, sizeof(*site));
	if (site == NULL)
		return -ENOMEM;
	site->path = strdup(path);
	if (site->path == NULL) {
		site_free(site);
		return -ENOMEM;
	}
	site_set_defaults(site);
	r = parse_file(site, path, NULL);
	if (r < 0) {
		site_free(site);
		return r;
	}
	load_hosts(site, path);
	site_validate(site);
	sort_diags(site);
	*out = site;
	return site->n_errors > 0 ? -EINVAL : 0;
}

void
site_free(struct site *site)
{
	size_t i;

	if (site == NULL)
		return;
	for (i = 0; i < site->n_images; i++) {
		free(site->images[i].root);
		free(site->images[i].nfs_options);
		free(site->images[i].cmdline);
		free(site->images[i].kernel);
		free(site->images[i].initrd);
	}
	free(site->images);
	free(site->hosts);
	for (i = 0; i < site->n_diags; i++)
		free(site->diags[i].msg);
	free(site->diags);
	for (i = 0; i < site->n_files; i++)
		free(site->files[i]);
	free(site->files);
	free(site->server.tftp_root);
	free(site->server.state_dir);
	free(site->server.hosts_dir);
	free(site->server.control_socket);
	free(site->dhcp.domain);
	site_boot_free(&site->boot);
	free(site->path);
	free(site);
}

const struct site_image *
site_image_find(const struct site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->n_images; i++)
		if (strcmp(site->images[i].name, name) == 0)
			return &site->images[i];
	return NULL;
}

const struct site_host *
site_host_by_mac(const struct site *site, const uint8_t mac[NETADDR_MAC_LEN])
{
	size_t i;

	for (i = 0; i < site->n_hosts; i++)
		if (memcmp(site->hosts[i].mac, mac, NETADDR_MAC_LEN) == 0)
			return &site->hosts[i];
	return NULL;
}
