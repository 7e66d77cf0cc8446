/*
 * oci.h: OCI images as a source: an OCI image layout directory (oci-layout,
 * index.json, blobs/) or a `docker save` archive (manifest.json listing the
 * layer members, old and OCI-in-tar forms). The layers are applied in
 * order; each layer's whiteouts are applied before its entries: ".wh.NAME"
 * removes NAME of the lower layers, ".wh..wh..opq" empties its directory of
 * what the lower layers put there (OCI image-spec, layer.md "Whiteouts").
 *
 * Whiteouts cannot escape: their names go through image_clean_path() (no
 * "..", not absolute) and the back ends remove only beneath the image root
 * without following symlinks. Blob names are built from the digest, whose
 * form is checked ("sha256:" and 64 hex digits), and every blob of a layout
 * (index, manifests, layers) is hashed and must match its digest; so is a
 * `docker save` layer named blobs/sha256/HEX (docker 25+). Older docker
 * archives name layers ID/layer.tar: nothing to check those against.
 */
#ifndef DISKLESS_OCI_H
#define DISKLESS_OCI_H

#include <stdbool.h>

struct image;

/* The directory holds an OCI image layout (an "oci-layout" file). */
bool oci_is_layout(const char *dir);
int oci_read_layout(struct image *img, const char *dir);

/* 1 when path is an uncompressed tar with a top-level manifest.json and
 * "repositories" or "oci-layout" beside it (docker save), 0 when not. */
int oci_is_docker_archive(const char *path);
int oci_read_docker(struct image *img, const char *path);

/* Applies one layer's whiteouts (first pass over the layer), exported for
 * the tests. */
struct archive;
int oci_apply_whiteouts(struct image *img, struct archive *layer, const char *what);

#endif
