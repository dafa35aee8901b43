#!/usr/bin/env bash
# The baseline netplan is measured against: the topology of `make bench`
# built the way the seed document does it by hand, one iproute2 or nft exec
# per object (what a CI job's shell script does today).
#   baseline.sh up N    build N containers, each with one published port
#   baseline.sh down N  tear them down
# Containers share one bridge until it is full (a bridge holds 1023 ports),
# then the next.
set -euo pipefail
. "$(dirname "$0")/in-sandbox.sh"
in_sandbox_or_die
cmd=$1 n=$2
per=1023
nets=$(( (n + per - 1) / per ))

if [ "$cmd" = up ]; then
  sysctl -qw net.ipv4.ip_forward=1
  nft add table ip base
  nft add chain ip base pre '{ type nat hook prerouting priority -100; }'
  nft add chain ip base post '{ type nat hook postrouting priority 100; }'
  for j in $(seq 0 $((nets - 1))); do
    ip link add "bbr$j" type bridge
    ip addr add "10.$((100 + j)).0.1/16" dev "bbr$j"
    ip link set "bbr$j" up
    nft add rule ip base post ip saddr "10.$((100 + j)).0.0/16" oifname != "bbr$j" masquerade
  done
  for i in $(seq 0 $((n - 1))); do
    j=$((i / per)); k=$((i % per + 2))
    a="10.$((100 + j)).$((k / 256)).$((k % 256))"
    ip netns add "b$i"
    ip -n "b$i" link set lo up
    ip link add "bv$i" type veth peer name eth0 netns "b$i"
    ip link set "bv$i" master "bbr$j" up
    ip -n "b$i" addr add "$a/16" dev eth0
    ip -n "b$i" link set eth0 up
    ip -n "b$i" route add default via "10.$((100 + j)).0.1"
    nft add rule ip base pre fib daddr type local tcp dport $((20000 + i)) dnat to "$a:80"
  done
else
  for i in $(seq 0 $((n - 1))); do ip netns del "b$i"; done
  for j in $(seq 0 $((nets - 1))); do ip link del "bbr$j"; done
  nft delete table ip base
fi
