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

struct site;
/* Loads the site at path (NULL: the default), printing its diagnostics.
 * Returns 0 with *out set, or EXIT_USAGE with *out NULL. */
int load_site_or_report(const char *path, struct site **out);

int cmd_config(int argc, char **argv, const struct global_opts *g);
int cmd_build(int argc, char **argv, const struct global_opts *g);
int cmd_verify(int argc, char **argv, const struct global_opts *g);
int cmd_pxe(int argc, char **argv, const struct global_opts *g);
int cmd_export(int argc, char **argv, const struct global_opts *g);
int cmd_check(int argc, char **argv, const struct global_opts *g);
int cmd_initrd(int argc, char **argv, const struct global_opts *g);
int cmd_status(int argc, char **argv, const struct global_opts *g);

#endif
