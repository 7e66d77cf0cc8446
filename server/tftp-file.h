/*
 * tftp-file.h: the files disklessd serves, opened beneath the TFTP root and
 * shared between transfers of the same file.
 *
 * Mass boots fetch the same kernel and initrd many times at once, so one
 * descriptor serves them all (dnsmasq shares a descriptor per file for the
 * same reason, "when mass-booting a big cluster"). A file read by one
 * transfer is read with pread() (ahead, for small blocks: tftp-send.c):
 * mapping it cost more than the copy it saves, since each transfer faulted its pages in and tore them down again
 * (1.7 against 0.6 ms of server CPU per MiB at 65464-byte blocks, in a VM
 * where page-table updates trap). A file that a second transfer opens
 * while the first runs (a boot storm) is mapped once for all of them, which
 * saves a pread() per block. Entries are keyed by device, inode, size and mtime: a file
 * changed in place gets a new entry, transfers already running keep theirs.
 */
#ifndef DISKLESS_TFTP_FILE_H
#define DISKLESS_TFTP_FILE_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct tftp_file {
	dev_t dev;
	ino_t ino;
	uint64_t size;
	struct timespec mtime;
	int fd;
	const uint8_t *map; /* whole file, PROT_READ, once shared; or NULL */
	unsigned refs;
	struct tftp_file *next;
};

struct tftp_files;

/*
 * dirfd: an O_PATH descriptor of the folder holding the TFTP root, kept
 * (not owned); name: the root's name in it (copied). The root is opened by
 * name for every file: `diskless pxe` swaps a new tree in under that name
 * (renameat2 RENAME_EXCHANGE), and a descriptor of the root itself would
 * go on serving the old, deleted tree.
 */
struct tftp_files *tftp_files_new(int dirfd, const char *name);
/* Every file must have been put back. NULL is a no-op. */
void tftp_files_free(struct tftp_files *fc);

/*
 * Opens relpath (from tftp_path_clean) beneath the root with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), then fstat()s the
 * descriptor (never the name: no stat/open race) and accepts regular files
 * only. Returns 0 with *out holding a reference, or -errno; -EXDEV means the
 * name (through a symlink or "..") led out of the root, -EISDIR/-EPERM a
 * directory or another non-regular file.
 */
int tftp_files_open(struct tftp_files *fc, const char *relpath, struct tftp_file **out);
/* Drops a reference; the last one closes the file. NULL is a no-op. */
void tftp_files_put(struct tftp_files *fc, struct tftp_file *f);
/* Files currently open (shared ones counted once). */
unsigned tftp_files_count(const struct tftp_files *fc);

#endif
