/*
 * check-report.c: the findings of `diskless check` and how they print.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json-out.h"
#include "nfscheck.h"

struct check_report *
check_report_new(void)
{
	return calloc(1, sizeof(struct check_report));
}

void
check_report_free(struct check_report *rep)
{
	size_t i;

	if (!rep)
		return;
	for (i = 0; i < rep->n; i++) {
		free(rep->v[i].subject);
		free(rep->v[i].check);
		free(rep->v[i].reason);
		free(rep->v[i].fix);
	}
	free(rep->v);
	free(rep);
}

void
check_add(struct check_report *rep, enum check_level level, const char *subject,
	const char *check, const char *fix, const char *fmt, ...)
{
	struct check_finding *f;
	va_list ap;
	int n;

	if (level == CHECK_ERROR)
		rep->n_errors++;
	else if (level == CHECK_WARNING)
		rep->n_warnings++;
	if (rep->n == rep->cap) {
		size_t cap = rep->cap ? 2 * rep->cap : 16;
		struct check_finding *v = realloc(rep->v, cap * sizeof(*v));

		if (!v) {
			rep->oom = true;
			return;
		}
		rep->v = v;
		rep->cap = cap;
	}
	f = &rep->v[rep->n];
	memset(f, 0, sizeof(*f));
	f->level = level;
	f->subject = strdup(subject);
	f->check = strdup(check);
	f->fix = fix && level != CHECK_OK ? strdup(fix) : NULL;
	va_start(ap, fmt);
	n = vasprintf(&f->reason, fmt, ap);
	va_end(ap);
	if (n < 0)
		f->reason = NULL;
	if (!f->subject || !f->check || !f->reason || (fix && level != CHECK_OK && !f->fix)) {
		free(f->subject);
		free(f->check);
		free(f->reason);
		free(f->fix);
		rep->oom = true;
		return;
	}
	rep->n++;
}

static const char *
level_name(enum check_level l)
{
	switch (l) {
	case CHECK_OK:
		return "ok";
	case CHECK_WARNING:
		return "warning";
	case CHECK_ERROR:
		break;
	}
	return "error";
}

/* "error   image lab: root squash: <reason> (<fix>)" */
void
check_report_print(const struct check_report *rep, FILE *out)
{
	size_t i;

	for (i = 0; i < rep->n; i++) {
		const struct check_finding *f = &rep->v[i];

		fprintf(out, "%-7s %s: %s: %s", level_name(f->level), f->subject, f->check,
			f->reason);
		if (f->fix)
			fprintf(out, " (%s)", f->fix);
		fprintf(out, "\n");
	}
	if (rep->oom)
		fprintf(out, "error   check: out of memory: some findings were lost\n");
	fprintf(out, "%zu errors, %zu warnings\n", rep->n_errors + rep->oom, rep->n_warnings);
}

void
check_report_json(const struct check_report *rep, FILE *out)
{
	size_t i;

	fprintf(out, "{\"findings\":[");
	for (i = 0; i < rep->n; i++) {
		const struct check_finding *f = &rep->v[i];

		fprintf(out, "%s\n{\"level\":\"%s\",\"subject\":", i ? "," : "",
			level_name(f->level));
		json_string(out, f->subject);
		fprintf(out, ",\"check\":");
		json_string(out, f->check);
		fprintf(out, ",\"reason\":");
		json_string(out, f->reason);
		if (f->fix) {
			fprintf(out, ",\"fix\":");
			json_string(out, f->fix);
		}
		fprintf(out, "}");
	}
	fprintf(out, "\n],\"errors\":%zu,\"warnings\":%zu}\n", rep->n_errors + rep->oom,
		rep->n_warnings);
}
