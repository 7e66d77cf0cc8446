/*
 * export-ganesha.c: an NFS-Ganesha config serving every image over NFSv3
 * and NFSv4 (ganesha-export-config(8), ganesha-core-config(8)).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"

/* FNV-1a, 32 bit: a fixed function of the name, so ids survive restarts. */
static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/*
 * Ganesha puts the Export_Id in every file handle, so a client holding a
 * handle across a config change must find the same id for the same image:
 * derive it from the name (1..65535; 0 is the NFSv4 pseudo root), and
 * settle collisions in name order so adding an image moves no other one
 * unless it collides with it.
 */
unsigned
export_ganesha_id(const struct site *site, size_t image_index)
{
	const char *prev = NULL;
	unsigned *ids, result = 0;
	size_t placed, i, j;

	ids = calloc(site->n_images, sizeof(*ids));
	if (!ids)
		return 0;
	for (placed = 0; placed < site->n_images; placed++) {
		size_t next = site->n_images;
		unsigned id;

		/* The smallest name after prev (names are unique in a site). */
		for (i = 0; i < site->n_images; i++) {
			const char *n = site->images[i].name;

			if (prev && strcmp(n, prev) <= 0)
				continue;
			if (next == site->n_images || strcmp(n, site->images[next].name) < 0)
				next = i;
		}
		id = fnv1a(site->images[next].name) % 65535u + 1u;
		for (j = 0; j < site->n_images; j++) {
			if (ids[j] == id) {
				id = id % 65535u + 1u;
				j = (size_t)-1; /* start over: the new id may collide too */
			}
		}
		ids[next] = id;
		prev = site->images[next].name;
	}
	result = ids[image_index];
	free(ids);
	return result;
}

static void
ganesha_export(const struct site *site, size_t i, const char *clients, FILE *out)
{
	const struct site_image *img = &site->images[i];

	/* Pseudo = Path: NFSv4 and NFSv3 (Mount_Path_Pseudo) clients mount the
	 * same name, the one in the nfsroot= we emit. */
	fprintf(out, "\n# image %s\n"
		     "EXPORT {\n"
		     "\tExport_Id = %u;\n"
		     "\tPath = \"%s\";\n"
		     "\tPseudo = \"%s\";\n"
		     "\tAccess_Type = RO;\n"
		     "\tSquash = No_Root_Squash;\n"
		     "\tSecType = sys;\n"
		     "\tProtocols = 3, 4;\n"
		     "\tTransports = TCP;\n"
		     "\tCLIENT {\n"
		     "\t\tClients = %s;\n"
		     "\t\tAccess_Type = RO;\n"
		     "\t}\n"
		     "\tFSAL {\n"
		     "\t\tName = VFS;\n"
		     "\t}\n"
		     "}\n",
		img->name, export_ganesha_id(site, i), img->root, img->root, clients);
}

/*
 * NFS_CORE_PARAM: TCP only (Debian kernels have no NFS over UDP), no NLM
 * (clients mount with nolock) and a fixed mountd port for firewalls.
 * NFSV4: Graceless, because a read-only root holds no state worth
 * reclaiming while a 90 s grace period stalls every booting client's OPEN
 * after a server restart; numeric owners, because an initramfs has no
 * idmapd and ids must reach the client as they are in the image.
 */
int
export_ganesha(const struct site *site, FILE *out, const char **why)
{
	char clients[4096];
	size_t i;
	int r;

	if (site->n_images == 0) {
		*why = "the site has no [image] section";
		return -EINVAL;
	}
	r = export_clients(site, ',', clients, sizeof(clients), why);
	if (r < 0)
		return r;
	for (i = 0; i < site->n_images; i++) {
		if (strchr(site->images[i].root, '"')) {
			*why = "an image root has a '\"' in it";
			return -EINVAL;
		}
		if (export_ganesha_id(site, i) == 0) {
			*why = "out of memory";
			return -ENOMEM;
		}
	}
	fprintf(out, "# NFS-Ganesha config for the diskless site, written by diskless export\n"
		     "NFS_CORE_PARAM {\n"
		     "\tProtocols = 3, 4;\n"
		     "\tEnable_UDP = false;\n"
		     "\tEnable_NLM = false;\n"
		     "\tEnable_RQUOTA = false;\n"
		     "\tMNT_Port = 20048;\n"
		     "\tMount_Path_Pseudo = true;\n"
		     "}\n"
		     "NFSV4 {\n"
		     "\tGraceless = true;\n"
		     "\tOnly_Numeric_Owners = true;\n"
		     "\tAllow_Numeric_Owners = true;\n"
		     "}\n");
	for (i = 0; i < site->n_images; i++)
		ganesha_export(site, i, clients, out);
	if (ferror(out)) {
		*why = "write error";
		return -EIO;
	}
	return 0;
}
