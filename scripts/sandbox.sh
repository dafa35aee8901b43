#!/usr/bin/env bash
# Runs a command inside a throwaway sandbox: a new network namespace and a new
# mount namespace with a private tmpfs on /run, so nothing it does to links,
# routes, nftables, sysctls or /run/netns is seen by the machine. The sandbox
# dies with the command.
#   scripts/sandbox.sh CMD [ARGS...]
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "sandbox.sh: needs root (unshare --net); run with sudo" >&2
  exit 1
fi
exec unshare --net --mount --propagation private -- sh -c '
  set -e
  mount -t tmpfs netplan-sandbox /run
  mkdir -p /run/netns /run/netplan
  ip link set lo up
  exec "$@"' sh "$@"
