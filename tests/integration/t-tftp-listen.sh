#!/bin/sh
# t-tftp-listen.sh: [tftp] listen with two addresses (one per line form and
# repeated key) in a network namespace of the test's own: disklessd binds
# both on port 69 and nothing else; each request is answered (OACK, DATA and
# refusals alike) from the address it was sent to, and tftp-hpa fetches the
# file byte-identical through each.
. "${top_srcdir:?}/tests/lib.sh" || exit 1
. "$top_srcdir/tests/integration/tftp-lib.sh"

need_root
need_cmd ip python3 tftp cmp
[ -x "$DISKLESSD" ] || skip_all "no $DISKLESSD"
NS=dl-tftp-listen-$$
ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
at_exit "ip netns del $NS"
ip -n "$NS" link set lo up
A=10.77.0.1 B=10.77.1.1 C=10.77.2.1
for a in $A $B $C; do ip -n "$NS" addr add "$a/32" dev lo; done
probe() { ip netns exec "$NS" sh -c ". '$top_srcdir/tests/integration/tftp-lib.sh'; tftp_probe $*"; }

tftp_setup
cat >> "$CONF" <<-CONF
listen = $A
listen = $B
CONF
mkfile f 70000

plan 11
ok "disklessd starts with two listen addresses" tftp_start - "$NS"
like "it serves on $A:69" "$(cat "$DLOG")" "tftp: serving .* on $A:69"
like "and on $B:69" "$(cat "$DLOG")" "tftp: serving .* on $B:69"
is "no wildcard or other socket on port 69" \
	"$(ip netns exec "$NS" ss -Hlun 'sport = :69' | awk '{print $4}' | sort | tr '\n' ' ')" \
	"$A:69 $B:69 "
is "a request to $A is answered from $A" "$(probe "$A" 69 f blksize 1468)" \
	"$A OACK blksize=1468"
is "a request to $B is answered from $B" "$(probe "$B" 69 f)" "$B DATA 512"
is "a refusal to $B comes from $B" "$(probe "$B" 69 nosuch)" "$B OP5 file not found"
is "$C (not listed) gets no answer" "$(probe "$C" 69 f)" TIMEOUT
for a in $A $B; do
	rm -f "$TEST_TMP/out/f"
	ip netns exec "$NS" timeout 30 tftp -m binary "$a" 69 -c get f "$TEST_TMP/out/f"
	ok "tftp-hpa fetches the file from $a byte-identical" same f "$TEST_TMP/out/f"
done
tftp_stop
like "both transfers logged as done" "$(grep -c "'f': sent 70000 bytes" "$DLOG")" "^[2-9]"
done_testing
