/*
 * test-json-out.c: JSON string escaping, including bytes that are not UTF-8.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "json-out.h"
#include "tap.h"

static const struct {
	const char *in, *want;
} cases[] = {
	{ "plain", "\"plain\"" },
	{ "", "\"\"" },
	{ "a\"b", "\"a\\\"b\"" },
	{ "a\\b", "\"a\\\\b\"" },
	{ "tab\there", "\"tab\\u0009here\"" },
	{ "nl\n", "\"nl\\u000a\"" },
	{ "del\x7f", "\"del\\u007f\"" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
	{ "\xe2\x82\xac", "\"\xe2\x82\xac\"" },
	{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },
	{ "bad\xff", "\"bad\\ufffd\"" },
	{ "cut\xc3", "\"cut\\ufffd\"" },
	{ "overlong\xc0\xaf", "\"overlong\\ufffd\\ufffd\"" },
	{ "surrogate\xed\xa0\x80", "\"surrogate\\ufffd\\ufffd\\ufffd\"" },
	{ "toobig\xf4\x90\x80\x80", "\"toobig\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ NULL, "null" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		json_string(f, cases[i].in);
		fclose(f);
		tap_is_str(out, cases[i].want, "json string %zu", i);
		free(out);
	}
	return tap_done();
}
