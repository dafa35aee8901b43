#!/usr/bin/env bash
# make demo: the seed example applied inside a throwaway sandbox, with real
# traffic through the published port, a second plan with no changes, and a
# destroy. Run through scripts/sandbox.sh; it changes nothing outside it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/in-sandbox.sh"
in_sandbox_or_die

netplan="$here/bin/netplan"
peer="$here/bin/peer"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
pids=()
weblog=$(mktemp)
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap 'cleanup; rm -f "$weblog"' EXIT

step "A host at 192.168.1.10 and an outside machine at 192.168.1.20 (namespace 'outside', not netplan's)"
ip netns add outside
ip link add uplink type veth peer name eth0 netns outside
ip addr add 192.168.1.10/24 dev uplink && ip link set uplink up
ip -n outside addr add 192.168.1.20/24 dev eth0
ip -n outside link set eth0 up && ip -n outside link set lo up
ip -br addr show uplink

step "netplan plan -c examples/seed"
"$netplan" plan -c "$here/examples/seed"

step "netplan apply -c examples/seed -auto-approve"
"$netplan" apply -c "$here/examples/seed" -auto-approve

step "What the kernel now holds (ip netns; ip -br link; ip -n web -br addr)"
ip netns list
ip -br link show type bridge
ip -n web -br addr
ip -n web route

step "Start a web server in container 'web' on port 80 (like nginx)"
"$netplan" exec -c "$here/examples/seed" web -- "$peer" serve tcp 0.0.0.0:80 "Welcome to nginx!" > "$weblog" &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$weblog" 2>/dev/null && break; sleep 0.1; done

step "From the outside machine: curl http://192.168.1.10:8080"
ip netns exec outside curl -s --max-time 3 http://192.168.1.10:8080/

step "From the host itself: curl http://127.0.0.1:8080"
curl -s --max-time 3 http://127.0.0.1:8080/

step "Container 'isolated' (network none) reaches nothing"
if ip netns exec isolated "$peer" get tcp 192.168.1.10:8080 2>&1; then
  echo "isolated reached the web server: that is a bug" >&2; exit 1
fi
ip -n isolated -br link

step "netplan plan -detailed-exitcode (a second plan: nothing to do)"
set +e
"$netplan" plan -c "$here/examples/seed" -detailed-exitcode
code=$?
set -e
echo "exit code: $code"
[ "$code" = 0 ] || { echo "second plan was not empty" >&2; exit 1; }

step "netplan show"
"$netplan" show -c "$here/examples/seed"

cleanup; pids=()

step "netplan destroy -auto-approve"
"$netplan" destroy -c "$here/examples/seed" -auto-approve
ip netns list
ip -br link show type bridge
echo
echo "demo complete: everything above happened inside a sandbox that is now gone"
