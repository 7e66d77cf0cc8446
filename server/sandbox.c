/*
 * sandbox.c: see sandbox.h. The seccomp filter follows openssh's
 * sandbox-seccomp-filter.c (check the architecture, then an allow list, a
 * default action at the end); Landlock follows linux
 * samples/landlock/sandboxer.c's best-effort ABI handling.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"

int
sandbox_find_user(const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL)
		return errno ? -errno : -ENOENT;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
sandbox_drop_user(uid_t uid, gid_t gid)
{
	uid_t r, e, s;
	int cap;

	if (uid == 0)
		return -EINVAL;
	/* The bounding set first: dropping it needs CAP_SETPCAP, which goes
	 * with the uid. Stop at the first cap this kernel does not know. */
	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
			return -errno;
		}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
		errno != EINVAL)
		return -errno;
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
		setresuid(uid, uid, uid) < 0)
		return -errno;
	/* Leaving uid 0 for good clears permitted and effective
	 * capabilities (no SECBIT_KEEP_CAPS); check rather than trust. */
	if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid)
		return -EPERM;
	if (setresuid(0, 0, 0) == 0)
		return -EPERM;
	return 0;
}

int
sandbox_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* Sanitizer builds: LeakSanitizer reads /proc/self/task and ptraces the
 * process at exit, so Landlock lets /proc be read and seccomp only logs. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#endif


/* ---- Landlock ------------------------------------------------------------ */

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

/* The leading fields of struct landlock_ruleset_attr over the ABIs, laid
 * out here so that building against older headers still works. */
struct ll_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

/* Adds a path-beneath rule; 0 or -errno. */
static int
landlock_allow(int rfd, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr pb = { 0 };
	int r = 0;

	pb.allowed_access = access;
	pb.parent_fd = open(path, O_PATH | O_CLOEXEC | O_DIRECTORY);
	if (pb.parent_fd < 0)
		return -errno;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		r = -errno;
	close(pb.parent_fd);
	return r;
}

int
sandbox_landlock(const char *const *paths, size_t n, const char *writable)
{
	struct ll_attr attr = { 0 };
	struct landlock_path_beneath_attr pb = { 0 };
	size_t attr_size;
	long abi;
	int rfd = -1, r = 0;
	size_t i;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		return (errno == ENOSYS || errno == EOPNOTSUPP) ? 0 : -errno;
	attr.handled_access_fs = ((1ULL << 13) - 1); /* ABI 1: bits 0..12 */
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	attr_size = offsetof(struct ll_attr, handled_access_net);
	if (abi >= 4) {
		attr.handled_access_net = 0x3; /* BIND_TCP | CONNECT_TCP */
		attr_size = offsetof(struct ll_attr, scoped);
	}
	if (abi >= 6) {
		attr.scoped = 0x3; /* ABSTRACT_UNIX_SOCKET | SIGNAL */
		attr_size = sizeof(attr);
	}
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rfd < 0)
		return -errno;
	pb.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	for (i = 0; i < n; i++) {
		if (paths[i] == NULL)
			continue;
		r = landlock_allow(rfd, paths[i], pb.allowed_access);
		if (r < 0)
			goto out;
	}
	if (writable != NULL) {
		/* Same-folder rename needs MAKE_REG and REMOVE_FILE, not REFER. */
		uint64_t rw = pb.allowed_access | LANDLOCK_ACCESS_FS_WRITE_FILE |
			LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE;

		if (abi >= 3)
			rw |= LANDLOCK_ACCESS_FS_TRUNCATE;
		r = landlock_allow(rfd, writable, rw);
		if (r < 0)
			goto out;
	}
#ifdef SANDBOX_SANITIZER
	pb.parent_fd = open("/proc", O_PATH | O_CLOEXEC | O_DIRECTORY);
	if (pb.parent_fd >= 0) {
		(void)syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
			&pb, 0);
		close(pb.parent_fd);
	}
#endif
	if (syscall(SYS_landlock_restrict_self, rfd, 0) < 0) {
		r = -errno;
		goto out;
	}
	r = (int)abi;
out:
	close(rfd);
	return r;
}

/* ---- seccomp ------------------------------------------------------------- */

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define SECCOMP_ARCH AUDIT_ARCH_I386
#elif defined(__riscv) && __riscv_xlen == 64
#define SECCOMP_ARCH AUDIT_ARCH_RISCV64
#endif

#ifdef SANDBOX_SANITIZER
#define DENY SECCOMP_RET_LOG
#else
#define DENY SECCOMP_RET_KILL_PROCESS
#endif

#define LOAD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define ALLOW(name) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_##name, 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int
sandbox_seccomp(void)
{
#ifndef SECCOMP_ARCH
	return -EOPNOTSUPP;
#else
	static struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		LOAD_NR,
#ifdef __X32_SYSCALL_BIT
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		/* socket(): UDP transfer sockets, and the syslog socket
		 * when syslogd restarts. Nothing else. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* the loop */
		ALLOW(epoll_pwait),
#ifdef __NR_epoll_wait
		ALLOW(epoll_wait),
#endif
		ALLOW(epoll_ctl),
		/* its io_uring, set up and restricted to recv, sendmsg, poll
		 * and cancel before this filter (loop.c); io_uring_register
		 * and io_uring_setup stay refused */
		ALLOW(io_uring_enter),
		ALLOW(read),
		ALLOW(timerfd_settime),
		ALLOW(write),
		ALLOW(writev),
		ALLOW(close),
		ALLOW(clock_gettime),
		ALLOW(gettimeofday),
		ALLOW(getpid),
		ALLOW(rt_sigreturn),
		ALLOW(rt_sigprocmask),
		ALLOW(exit),
		ALLOW(exit_group),
		/* transfers */
		ALLOW(bind),
		ALLOW(connect),
		ALLOW(setsockopt),
		ALLOW(getsockopt),
		ALLOW(recvfrom),
		ALLOW(recvmsg),
		ALLOW(recvmmsg),
		ALLOW(sendto),
		ALLOW(sendmsg),
		ALLOW(sendmmsg),
		ALLOW(openat2),
		ALLOW(pread64),
		ALLOW(fstat),
#ifdef __NR_newfstatat
		ALLOW(newfstatat),
#endif
		ALLOW(statx),
		ALLOW(mmap),
		ALLOW(munmap),
		ALLOW(madvise),
		/* malloc, and site_load() on SIGHUP */
		ALLOW(brk),
		ALLOW(mremap),
		ALLOW(openat),
#ifdef __NR_open
		ALLOW(open),
#endif
		ALLOW(lseek),
		ALLOW(getdents64),
		ALLOW(fcntl),
		ALLOW(futex),
		ALLOW(getrandom),
		/* the DHCP lease journal: group commit and compaction */
		ALLOW(fdatasync),
		ALLOW(fsync),
#ifdef __NR_rename
		ALLOW(rename),
#endif
		ALLOW(renameat),
#ifdef __NR_renameat2
		ALLOW(renameat2),
#endif
#ifdef __NR_unlink
		ALLOW(unlink),
#endif
		ALLOW(unlinkat),
		/* the control socket (diskless status): accept and write */
		ALLOW(accept4),
		BPF_STMT(BPF_RET | BPF_K, DENY),
	};
	struct sock_fprog prog = {
		.len = (unsigned short)(sizeof(filter) / sizeof(filter[0])),
		.filter = filter,
	};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return -errno;
	return 0;
#endif
}
