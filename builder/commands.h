/*
 * commands.h: the subcommands of `diskless`. Each takes the arguments after
 * its own name (argv[0] is the subcommand) and the global options, and
 * returns the exit code: 0 success, 1 runtime failure, 2 usage or config
 * error (DESIGN.md).
 */
#ifndef DISKLESS_COMMANDS_H
#define DISKLESS_COMMANDS_H

struct global_opts {
	const char *config; /* -c FILE, or NULL for the default */
};

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

int cmd_config(int argc, char **argv, const struct global_opts *g);
int cmd_pxe(int argc, char **argv, const struct global_opts *g);
int cmd_export(int argc, char **argv, const struct global_opts *g);
int cmd_check(int argc, char **argv, const struct global_opts *g);

#endif
