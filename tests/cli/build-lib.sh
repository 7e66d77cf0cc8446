# build-lib.sh: the site the builder's tests build for, sourced after
# tests/lib.sh with T set: a proxy-mode server and one image "lab".
#
#   build_site [NFS_OPTIONS [TEXT]]
#                 writes $T/site.conf; NFS_OPTIONS for the image (default
#                 vers=3,proto=tcp,nolock); TEXT (sections) after [server]
#   build ARGS... `diskless build --image lab` with that site and the
#                 overlays in $BUILD_OVERLAYS (default: the source tree's
#                 rootfs-overlays)

BUILD_OVERLAYS=$top_srcdir/rootfs-overlays

build_site() {
	cat >"$T/site.conf" <<EOC
[server]
address = 10.0.0.1
mode = proxy
${2:-}
[image lab]
root = /srv/diskless/images/lab
nfs-options = ${1:-vers=3,proto=tcp,nolock}
EOC
}

build() {
	"$DISKLESS" -c "$T/site.conf" build --image lab \
		--overlays-dir "$BUILD_OVERLAYS" "$@"
}
