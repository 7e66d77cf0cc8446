/*
 * test-sandbox.c: the confinement disklessd applies, applied here by the
 * same functions (server/sandbox.c) in forked children, each of which then
 * tries one thing. The seccomp filter must kill the process (SIGSYS) on a
 * syscall it does not list, refuse sockets other than AF_INET and AF_UNIX
 * with EAFNOSUPPORT, and let the event loop's own calls through; Landlock
 * must let the process read beneath the allowed directories and write only
 * regular files beneath the writable one.
 *
 * Sanitizer builds only log forbidden syscalls (SECCOMP_RET_LOG, so that
 * ASan can still report): there a forbidden call must not kill.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "tap.h"

/* The same test as sandbox.c's. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif

/* Runs fn in a child under no_new_privs and the seccomp filter; returns
 * its wait status. fn's return value is the child's exit status. */
static int
sandboxed(int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (sandbox_no_new_privs() < 0 || sandbox_seccomp() < 0)
			_exit(100);
		_exit(fn());
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return st;
}

static int
killed_by_sigsys(int st)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

static const char *
describe(int st, char *buf, size_t len)
{
	if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else if (WIFEXITED(st))
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
	else
		snprintf(buf, len, "status %#x", st);
	return buf;
}

/* ---- what the children try ---- */

static int
loop_calls(void)
{
	struct timespec ts;
	char b[8];
	int fd, s;

	/* what the event loop and a transfer do */
	if (getpid() <= 0 || clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 1;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, b, sizeof(b)) != 0 || close(fd) < 0)
		return 2;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || close(s) < 0)
		return 3;
	free(malloc(1 << 20)); /* mmap, munmap */
	return 0;
}

static int
packet_socket(void)
{
	int s = socket(AF_PACKET, SOCK_RAW, 0);

	return s < 0 && errno == EAFNOSUPPORT ? 0 : 1;
}

static int
netlink_socket(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW, 0);

	return s < 0 && errno == EAFNOSUPPORT ? 0 : 1;
}

static int
do_execve(void)
{
	static char name[] = "true";
	char *argv[] = { name, NULL };

	execve("/bin/true", argv, NULL);
	return 0; /* not killed: returned from a failed execve */
}

static int
do_ptrace(void)
{
	(void)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return 0;
}

static int
do_kill(void)
{
	(void)kill(getppid(), 0);
	return 0;
}

static int
do_setuid(void)
{
	(void)syscall(SYS_setuid, 0);
	return 0;
}

static int
do_fork(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	return 0;
}

static int
do_mprotect_exec(void)
{
	static char page[1 << 13] __attribute__((aligned(4096)));

	(void)syscall(SYS_mprotect, page, 4096, 7);
	return 0;
}

#ifdef __X32_SYSCALL_BIT
static int
do_x32(void)
{
	(void)syscall(__X32_SYSCALL_BIT | SYS_getpid);
	return 0;
}
#endif

/* ---- seccomp ---- */

static void
test_seccomp(void)
{
	static const struct {
		const char *what;
		int (*fn)(void);
	} forbidden[] = {
		{ "execve", do_execve },
		{ "ptrace(PTRACE_TRACEME)", do_ptrace },
		{ "kill", do_kill },
		{ "setuid", do_setuid },
		{ "fork (clone)", do_fork },
		{ "mprotect", do_mprotect_exec },
	};
	char d[64];
	size_t i;
	int st;

	st = sandboxed(loop_calls);
	tap_is_str(describe(st, d, sizeof(d)), "exit 0",
		"seccomp: the event loop's calls are allowed");
	st = sandboxed(packet_socket);
	tap_is_str(describe(st, d, sizeof(d)), "exit 0",
		"seccomp: socket(AF_PACKET) fails with EAFNOSUPPORT");
	st = sandboxed(netlink_socket);
	tap_is_str(describe(st, d, sizeof(d)), "exit 0",
		"seccomp: socket(AF_NETLINK) fails with EAFNOSUPPORT");
	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++) {
		st = sandboxed(forbidden[i].fn);
#ifdef SANITIZER_BUILD
		tap_ok(!WIFSIGNALED(st), "seccomp (sanitizer build: logged only): %s "
			"does not kill (%s)", forbidden[i].what, describe(st, d, sizeof(d)));
#else
		tap_ok(killed_by_sigsys(st), "seccomp: %s kills the process with SIGSYS "
			"(%s)", forbidden[i].what, describe(st, d, sizeof(d)));
#endif
	}
#ifdef __X32_SYSCALL_BIT
	st = sandboxed(do_x32);
	tap_ok(killed_by_sigsys(st), "seccomp: an x32 syscall kills, in every build (%s)",
		describe(st, d, sizeof(d)));
#else
	tap_skip(1, "no x32 ABI on this architecture");
#endif
}

/* ---- Landlock ---- */

enum {
	LL_READ_INSIDE,
	LL_READ_OUTSIDE,
	LL_CREATE_READONLY,
	LL_CREATE_WRITABLE,
	LL_RENAME_WRITABLE,
	LL_MKDIR_WRITABLE,
	LL_SYMLINK_WRITABLE,
	LL__COUNT
};

static char ro[256], rw[256], out[256];

/* Applies Landlock as disklessd does (read-only ro, writable rw) and fills
 * res[] with 0 or the errno of each attempt; returns the ABI or -errno. */
static int
landlock_child(int res[LL__COUNT])
{
	const char *paths[] = { ro, NULL };
	char p[512], q[512];
	int abi, fd;

	abi = sandbox_landlock(paths, 2, rw);
	if (abi <= 0)
		return abi;
#define TRY(i, expr) (res[i] = (expr) < 0 ? errno : 0)
	snprintf(p, sizeof(p), "%s/file", ro);
	TRY(LL_READ_INSIDE, fd = open(p, O_RDONLY));
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/secret", out);
	TRY(LL_READ_OUTSIDE, fd = open(p, O_RDONLY));
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/new", ro);
	TRY(LL_CREATE_READONLY, fd = open(p, O_WRONLY | O_CREAT, 0600));
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "%s/new", rw);
	TRY(LL_CREATE_WRITABLE, fd = open(p, O_WRONLY | O_CREAT, 0600));
	if (fd >= 0)
		close(fd);
	snprintf(q, sizeof(q), "%s/renamed", rw);
	TRY(LL_RENAME_WRITABLE, rename(p, q));
	snprintf(p, sizeof(p), "%s/dir", rw);
	TRY(LL_MKDIR_WRITABLE, mkdir(p, 0700));
	snprintf(p, sizeof(p), "%s/link", rw);
	TRY(LL_SYMLINK_WRITABLE, symlink("/etc/passwd", p));
#undef TRY
	return abi;
}

static void
test_landlock(void)
{
	static const struct {
		const char *what;
		int want;
	} expect[LL__COUNT] = {
		[LL_READ_INSIDE] = { "reads a file beneath an allowed directory", 0 },
		[LL_READ_OUTSIDE] = { "cannot read a file elsewhere", EACCES },
		[LL_CREATE_READONLY] = { "cannot create a file in a read-only one",
			EACCES },
		[LL_CREATE_WRITABLE] = { "creates a file in the writable one", 0 },
		[LL_RENAME_WRITABLE] = { "renames within the writable one", 0 },
		[LL_MKDIR_WRITABLE] = { "cannot make a directory there", EACCES },
		[LL_SYMLINK_WRITABLE] = { "cannot make a symlink there", EACCES },
	};
	struct {
		int abi;
		int res[LL__COUNT];
	} msg = { 0 };
	int pfd[2], st, i;
	pid_t pid;

	snprintf(ro, sizeof(ro), "%s/ro", tap_tmpdir());
	snprintf(rw, sizeof(rw), "%s/rw", tap_tmpdir());
	snprintf(out, sizeof(out), "%s/out", tap_tmpdir());
	if (mkdir(ro, 0755) < 0 || mkdir(rw, 0755) < 0 || mkdir(out, 0755) < 0 ||
		tap_write_file("ro/file", "x", 1) == NULL ||
		tap_write_file("out/secret", "x", 1) == NULL || pipe(pfd) < 0) {
		tap_skip(LL__COUNT, "cannot set up the directories");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		msg.abi = sandbox_no_new_privs() < 0 ? -EPERM : landlock_child(msg.res);
		_exit(write(pfd[1], &msg, sizeof(msg)) == (ssize_t)sizeof(msg) ? 0 : 1);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &msg, sizeof(msg)) != (ssize_t)sizeof(msg))
		msg.abi = -EIO;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	if (msg.abi == 0) {
		tap_skip(LL__COUNT, "this kernel has no Landlock");
		return;
	}
	if (msg.abi < 0) {
		tap_ok(0, "landlock: %s", strerror(-msg.abi));
		tap_skip(LL__COUNT - 1, "Landlock could not be applied");
		return;
	}
	tap_diag("Landlock ABI %d", msg.abi);
	for (i = 0; i < LL__COUNT; i++)
		tap_is_str(strerror(msg.res[i]), strerror(expect[i].want), "landlock: %s",
			expect[i].what);
}

int
main(void)
{
	tap_plan(10 + LL__COUNT);
	test_seccomp();
	test_landlock();
	return tap_done();
}
