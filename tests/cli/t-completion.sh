#!/bin/sh
# t-completion.sh: the bash completion (dist/bash-completion/diskless),
# sourced after bash-completion as bash loads it, with COMP_WORDS,
# COMP_CWORD, COMP_LINE and COMP_POINT set as bash sets them (words broken
# at '=' too). Commands, options per command, option arguments (files,
# directories, fixed choices from the help), positional words, and image
# and host names from the site config named by -c / --config= (hosts
# directory included; a config with errors still gives its sections).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${top_srcdir:?}/tests/lib.sh" || exit 1

BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || skip_all "needs bash-completion ($BC)"
[ -x "$DISKLESS" ] || skip_all "no $DISKLESS"
# shellcheck disable=SC1090
. "$BC" >/dev/null 2>&1
# shellcheck disable=SC1091
. "$top_srcdir/dist/bash-completion/diskless"
set -f

SITE=$top_srcdir/doc/example-site/diskless.conf
W=$TEST_TMP/work
mkdir -p "$W/d1" "$W/d2"
: > "$W/f.tar"
: > "$W/site.conf"
printf '[image broken1]\nroot = relative\nfrobnicate = 1\n[host h1]\nmac = x\n' > "$W/broken.conf"
cd "$W" || exit 1

# comp LINE: the sorted completions, space-separated, for the cursor at
# the end of LINE. Words are split as bash does: at blanks, and '=' is a
# word of its own (COMP_WORDBREAKS).
comp() {
	local line=$1 tok words=()
	for tok in $line; do
		while [[ $tok == *=* ]]; do
			[[ -n ${tok%%=*} ]] && words+=("${tok%%=*}")
			words+=("=")
			tok=${tok#*=}
		done
		[[ -n $tok ]] && words+=("$tok")
	done
	[[ $line == *" " ]] && words+=("")
	words[0]=$DISKLESS
	[[ $line == disklessd* ]] && words[0]=$DISKLESSD
	COMP_WORDS=("${words[@]}")
	COMP_CWORD=$((${#words[@]} - 1))
	COMP_LINE="${words[0]}${line#* }"
	[[ $line == *" "* ]] || COMP_LINE=${words[0]}
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	if [[ $line == disklessd* ]]; then _disklessd; else _diskless; fi
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
# has TEXT WORD...: every WORD is one of TEXT's words
has() {
	local w
	for w in "${@:2}"; do [[ " $1 " == *" $w "* ]] || return 1; done
}

plan 28
cmds=$("$DISKLESS" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | sort | tr '\n' ' ')
is "the commands of 'diskless --help'" "$(comp 'diskless ')" "${cmds% }"
ok "... the ones of the design among them" has "$cmds" build initrd pxe export check verify config
is "a command from its start" "$(comp 'diskless ex')" "export"
is "global options" "$(comp 'diskless --')" "--config --help --verbose --version"
is "commands after -c FILE" "$(comp "diskless -c $SITE v")" "verify"
opts=$(comp 'diskless build --')
ok "build's options" has "$opts" --config --image --from --overlay --profile --clean-apt --out-dir --out-tar --overlays-dir --help
ok "... and not another command's" sh -c "! echo '$opts' | grep -q -- --json"
is "every option of 'diskless build --help' and no other" \
	"$(echo "$opts" | tr ' ' '\n' | grep -c .)" \
	"$("$DISKLESS" build --help | grep -E -c '^ +(-[a-zA-Z], )?--[a-z]')"
is "options again after a flag" "$(comp 'diskless build --clean-apt --o')" "--out-dir --out-tar --overlay --overlays-dir"
is "image names after --image" "$(comp "diskless -c $SITE build --image ")" "lab thin"
is "... after -i, prefix" "$(comp "diskless build -c $SITE -i t")" "thin"
is "... with --config=FILE" "$(comp "diskless --config=$SITE check --image ")" "lab thin"
is "host names after pxe --print (hosts directory)" \
	"$(comp "diskless -c $SITE pxe --print ")" "pc01 pc02 thin01"
is "... prefix" "$(comp "diskless -c $SITE pxe --print p")" "pc01 pc02"
is "IMAGE= for pxe --kernel" "$(comp "diskless -c $SITE pxe --kernel ")" "lab= thin="
like "... then a file after IMAGE=" "$(comp "diskless -c $SITE pxe --kernel lab=")" "(^| )lab=f\.tar( |$)"
is "a config with errors: its own sections" \
	"$(comp "diskless -c broken.conf build --image ")" "broken1"
is "... hosts too" "$(comp "diskless -c broken.conf pxe --print ")" "h1"
is "no site, no names" "$(comp "diskless -c nonexistent.conf build --image ")" ""
is "profiles from the usage line" "$(comp 'diskless build --profile ')" "cluster-node lab thin-client"
is "compressions from the description" "$(comp 'diskless initrd --compress ')" "gzip lz4 none xz zstd"
is "formats from the 'one of:' list" "$(comp 'diskless export --format ')" "dnsmasq exports ganesha kea"
is "files after --from" "$(comp 'diskless build --image lab --from ')" "broken.conf d1 d2 f.tar site.conf"
is "directories after --out-dir" "$(comp 'diskless build --out-dir ')" "d1 d2"
is "files after -c" "$(comp 'diskless -c s')" "site.conf"
is "the action of config" "$(comp 'diskless config ')" "check"
is "a directory for verify" "$(comp 'diskless verify ')" "d1 d2"
dopts=$(comp 'disklessd --')
ok "disklessd's options" has "$dopts" --config --debug --check --user --tftp-only --listen --tftp-root --dhcp-listen --help --version
done_testing
