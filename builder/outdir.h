/*
 * outdir.h: the output tree of --out-dir, built beside its final place and
 * swapped in with one rename, so that a failed build leaves the old image
 * intact and clients never see a half-written tree.
 *
 * A build killed outright (SIGKILL, power loss) leaves its staging tree
 * and temporary manifest behind. Each build holds an flock on both, so the
 * next one can tell leftovers (nobody holds the lock) from a build still
 * running, and removes them. Two builds of the same image at the same time
 * are not supported: the later swap wins.
 */
#ifndef DISKLESS_OUTDIR_H
#define DISKLESS_OUTDIR_H

#include <limits.h>

struct outdir {
	char target[PATH_MAX];   /* the image root, absolute */
	char staging[PATH_MAX];  /* <parent>/.<name>.new-XXXXXX */
	char manifest[PATH_MAX]; /* <target>.mtree */
	char manifest_tmp[PATH_MAX];
	int manifest_fd;
	int staging_fd; /* holds the flock on the staging tree */
	/* Leftovers of interrupted builds of this target removed by begin. */
	int swept;
	/* After a commit: the old tree could not be removed and is still at
	 * this path (the new one is in place all the same). */
	char old_left[PATH_MAX];
};

/* Creates the staging directory and the temporary manifest file, locked,
 * and removes the unlocked leftovers of earlier builds (see swept). */
int outdir_begin(struct outdir *o, const char *target);
/*
 * Swaps the staging tree in: renameat2(RENAME_EXCHANGE) when the target
 * exists (the old tree then ends up at the staging path and is removed),
 * a plain rename otherwise; then renames the manifest into place. A
 * failure to remove the old tree is not an error: see old_left.
 */
int outdir_commit(struct outdir *o);
/* Removes the staging tree and the temporary manifest (after a failure). */
void outdir_abort(struct outdir *o);

#endif
