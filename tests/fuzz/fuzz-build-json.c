/*
 * fuzz-build-json.c: the JSON reader of OCI index/manifests and docker's
 * manifest.json (builder/oci-json.c), with the lookups oci.c makes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "oci-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_node *root = NULL;
	const struct json_node *ms, *m;
	char err[256];
	size_t i;

	if (json_parse((const char *)data, size, &root, err, sizeof(err)) < 0)
		return 0;
	ms = json_get(root, "manifests");
	for (i = 0; i < json_len(ms); i++) {
		m = json_at(ms, i);
		(void)json_get_str(m, "digest");
		(void)json_get_str(json_get(m, "platform"), "architecture");
	}
	(void)json_get(json_at(root, 0), "Layers");
	json_free(root);
	return 0;
}
