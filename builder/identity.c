/*
 * identity.c: see identity.h.
 */
#include "config.h"

#include "identity.h"
#include "image.h"
#include "log.h"

int
identity_apply(struct image *img, enum identity_ssh ssh)
{
	int r;

	r = image_put_file(img, "etc/machine-id", 0444, "", 0);
	if (r == 0 && image_exists(img, "var/lib/dbus")) {
		/* Debian's dbus keeps a copy: it must be the same ID. */
		r = img->ops->remove(img, "var/lib/dbus/machine-id");
		if (r == 0)
			r = image_put_symlink(
			        img, "var/lib/dbus/machine-id", "/etc/machine-id");
	}
	if (r == 0)
		r = img->ops->remove(img, "etc/hostname");
	if (r < 0)
		return r;
	if (ssh == IDENTITY_SSH_PER_CLIENT)
		return img->ops->remove_glob(img, "etc/ssh", "ssh_host_*", false);
	if (image_exists(img, "usr/sbin/sshd") &&
	        !image_exists(img, "etc/ssh/ssh_host_ed25519_key") &&
	        !image_exists(img, "etc/ssh/ssh_host_rsa_key"))
		log_warnx(
		        "image has sshd but no host keys to share (run ssh-keygen -A in "
		        "the base, or use a per-client profile)");
	return 0;
}
