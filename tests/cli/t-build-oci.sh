#!/bin/sh
# diskless build from OCI images made here: an OCI image layout (index.json,
# manifest, three layer blobs named by sha256, one gzip'ed) and the same
# layers as a `docker save` archive. Checks layer order, whiteouts, an opaque
# directory, and that hostile whiteouts are refused without deleting anything
# outside the image.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
need_cmd tar sha256sum gzip

T=$TEST_TMP
. "$top_srcdir/tests/cli/build-lib.sh" || exit 1
build_site

mkdir -p "$T/blobs/sha256"
# digest FILE: moves FILE into blobs/ under its sha256, prints "sha256:HEX SIZE"
digest() {
	h=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(wc -c <"$1")
	mv "$1" "$T/blobs/sha256/$h"
	echo "sha256:$h $s"
}
mklayer() { tar --sort=name --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .; }

L=$T/layers
mkdir -p "$L/1/etc" "$L/1/dir1" "$L/1/opq/sub" "$L/2/etc" "$L/2/opq" "$L/2/dir1" \
	"$L/3/dir1" "$L/3/gone"
echo a >"$L/1/etc/a"; echo keep >"$L/1/etc/keep"; echo x >"$L/1/dir1/x"
echo y >"$L/1/dir1/y"; echo old >"$L/1/opq/old1"; echo old >"$L/1/opq/sub/old2"
echo g >"$L/1/gone"
: >"$L/2/etc/.wh.a"; : >"$L/2/opq/.wh..wh..opq"; echo new >"$L/2/opq/new1"
echo z >"$L/2/dir1/z"; echo v2 >"$L/2/etc/keep"
: >"$L/3/dir1/.wh.x"; echo v3 >"$L/3/etc-new"; rmdir "$L/3/gone"; : >"$L/3/.wh.gone"
mklayer "$L/1" "$T/l1.tar"; mklayer "$L/2" "$T/l2.tar"; mklayer "$L/3" "$T/l3.tar"
cp "$T/l1.tar" "$T/l1-copy.tar"; cp "$T/l2.tar" "$T/l2-copy.tar"; cp "$T/l3.tar" "$T/l3-copy.tar"
gzip -n "$T/l1.tar"
set -- $(digest "$T/l1.tar.gz"); d1=$1 s1=$2
set -- $(digest "$T/l2.tar"); d2=$1 s2=$2
set -- $(digest "$T/l3.tar"); d3=$1 s3=$2
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' >"$T/cfg"
set -- $(digest "$T/cfg"); dc=$1 sc=$2
cat >"$T/man" <<EOJ
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"$dc","size":$sc},
 "layers":[
  {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"$d1","size":$s1},
  {"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"$d2","size":$s2},
  {"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"$d3","size":$s3}]}
EOJ
set -- $(digest "$T/man"); dm=$1 sm=$2
mkdir -p "$T/oci"
mv "$T/blobs" "$T/oci/blobs"
printf '{"imageLayoutVersion":"1.0.0"}' >"$T/oci/oci-layout"
cat >"$T/oci/index.json" <<EOJ
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "digest":"$dm","size":$sm,"annotations":{"org.opencontainers.image.ref.name":"t\u00e9st"}}]}
EOJ

# the expected union, as "path" lines
expect='dir1
dir1/y
dir1/z
etc-new
opq
opq/new1'

check_union() { # $1 name, $2 listing dir or tar
	got=$(cd "$2" && find dir1 etc-new opq gone etc/a 2>/dev/null | LC_ALL=C sort)
	is "$1: the union of the layers" "$got" "$(printf '%s\n' "$expect" | LC_ALL=C sort)"
	is "$1: upper layers win" "$(cat "$2/etc/keep")" "v2"
}

export SOURCE_DATE_EPOCH=1700000000
plan 18
ok "OCI layout -> tar" build --from "$T/oci" --out-tar "$T/oci.tar"
mkdir "$T/x1" && tar -xf "$T/oci.tar" -C "$T/x1" 2>/dev/null
check_union "OCI layout" "$T/x1"

# docker save: manifest.json + repositories + DIR/layer.tar members
mkdir -p "$T/ds/l1" "$T/ds/l2" "$T/ds/l3"
mv "$T/l1-copy.tar" "$T/ds/l1/layer.tar"; mv "$T/l2-copy.tar" "$T/ds/l2/layer.tar"
mv "$T/l3-copy.tar" "$T/ds/l3/layer.tar"
echo '{}' >"$T/ds/cfg.json"
echo '{"t":{"latest":"x"}}' >"$T/ds/repositories"
echo '[{"Config":"cfg.json","RepoTags":["t:latest"],"Layers":["l3/layer.tar","l1/layer.tar","l2/layer.tar"]}]' >"$T/ds/manifest.json.order"
echo '[{"Config":"cfg.json","RepoTags":["t:latest"],"Layers":["l1/layer.tar","l2/layer.tar","l3/layer.tar"]}]' >"$T/ds/manifest.json"
tar -C "$T/ds" -cf "$T/docker.tar" l3 l2 manifest.json repositories cfg.json l1
ok "docker save archive -> tar" build --from "$T/docker.tar" --out-tar "$T/docker-out.tar"
mkdir "$T/x2" && tar -xf "$T/docker-out.tar" -C "$T/x2" 2>/dev/null
check_union "docker save" "$T/x2"
is "same image from both forms" "$(grep -v '^#' "$T/oci.tar.mtree" | sha256sum)" \
	"$(grep -v '^#' "$T/docker-out.tar.mtree" | sha256sum)"

# hostile whiteouts: through a symlink, and ".wh.." naming the parent
mkdir -p "$T/victim" "$T/h1/etc" "$T/h2/etc" "$T/h3/etc"
echo precious >"$T/victim/file"
ln -s "$T/victim" "$T/h1/lnk"
mklayer "$T/h1" "$T/h1.tar"
mkdir "$T/h2/lnk"; : >"$T/h2/lnk/.wh.file"; rmdir "$T/h2/lnk" 2>/dev/null
mklayer "$T/h2" "$T/h2.tar"
: >"$T/h3/etc/.wh.."
mklayer "$T/h3" "$T/h3.tar"
mkdir -p "$T/hd/a" "$T/hd/b" "$T/hd/c"
cp "$T/h1.tar" "$T/hd/a/layer.tar"; cp "$T/h2.tar" "$T/hd/b/layer.tar"
cp "$T/h3.tar" "$T/hd/c/layer.tar"; cp "$T/ds/repositories" "$T/hd/"
echo '[{"Config":"x","Layers":["a/layer.tar","b/layer.tar"]}]' >"$T/hd/manifest.json"
tar -C "$T/hd" -cf "$T/hostile1.tar" manifest.json repositories a b
echo '[{"Config":"x","Layers":["c/layer.tar"]}]' >"$T/hd/manifest.json"
tar -C "$T/hd" -cf "$T/hostile2.tar" manifest.json repositories c
if [ "$(id -u)" = 0 ]; then
	is_exit 1 "whiteout through a symlink refused (out-dir)" \
		build --from "$T/hostile1.tar" --out-dir "$T/hout"
else
	is_exit 1 "whiteout through a symlink refused (out-tar)" \
		build --from "$T/hostile1.tar" --out-tar "$T/hout.tar"
fi
is "nothing outside the image was deleted" "$(cat "$T/victim/file")" "precious"
is_exit 1 "whiteout '.wh..' refused" build --from "$T/hostile2.tar" --out-tar "$T/h2o.tar"
like "the error names the entry" "$(cat "$TEST_TMP/.out")" "entry '(\./)?etc/\.wh\.\.'"
is_exit 1 "a layout with a bad digest is refused" sh -c "
	cp -r '$T/oci' '$T/oci2' &&
	sed -i 's/$dm/sha256:..\/..\/..\/etc\/passwd/' '$T/oci2/index.json' &&
	'$DISKLESS' -c '$T/site.conf' build --image lab --overlays-dir '$BUILD_OVERLAYS' --from '$T/oci2' --out-tar '$T/bad.tar'"
# a layer whose bytes no longer match its digest (the last padding byte)
cp -r "$T/oci" "$T/oci3"
blob=$T/oci3/blobs/sha256/${d2#sha256:}
printf x | dd of="$blob" bs=1 seek=$(($(wc -c <"$blob") - 1)) conv=notrunc 2>/dev/null
is_exit 1 "a tampered layer is refused" build --from "$T/oci3" --out-tar "$T/bad3.tar"
like "and the error says the digest does not match" "$(cat "$TEST_TMP/.out")" \
	"layer 2 .*sha256 is not its digest"
# docker 25+ saves an OCI layout in a tar, manifest.json naming the blobs:
# their digests are checked too
cp -r "$T/oci" "$T/d25"
printf '[{"Config":"blobs/sha256/%s","Layers":["blobs/sha256/%s","blobs/sha256/%s","blobs/sha256/%s"]}]' \
	"${dc#sha256:}" "${d1#sha256:}" "${d2#sha256:}" "${d3#sha256:}" >"$T/d25/manifest.json"
tar -C "$T/d25" -cf "$T/docker25.tar" oci-layout index.json manifest.json blobs
ok "docker 25 save (OCI layout in a tar) -> tar" build --from "$T/docker25.tar" \
	--out-tar "$T/d25.tar"
ok "same image as from the layout" cmp "$T/oci.tar" "$T/d25.tar"
blob=$T/d25/blobs/sha256/${d3#sha256:}
printf x | dd of="$blob" bs=1 seek=$(($(wc -c <"$blob") - 1)) conv=notrunc 2>/dev/null
tar -C "$T/d25" -cf "$T/docker25-bad.tar" oci-layout index.json manifest.json blobs
is_exit 1 "docker 25: a tampered layer is refused" build --from "$T/docker25-bad.tar" \
	--out-tar "$T/bad4.tar"
like "and the error names the layer" "$(cat "$TEST_TMP/.out")" \
	"layer 3 .*sha256 is not its digest"
done_testing
