#!/usr/bin/env bash
# Writes the `make bench` topology as a netplan configuration:
#   gen-bench-config.sh N [PORT_OF_CONTAINER_0] > netplan.hcl
# N containers, each publishing one port, on one network until it is full (a
# bridge holds 1023 ports), then the next.
set -euo pipefail
n=$1 first_port=${2:-20000}
per=1023
nets=$(( (n + per - 1) / per ))
echo 'stack = "bench"'
for j in $(seq 0 $((nets - 1))); do
  printf 'network "n%d" {\n  subnet = "10.%d.0.0/16"\n}\n' "$j" "$((100 + j))"
done
for i in $(seq 0 $((n - 1))); do
  port=$((20000 + i)); [ "$i" = 0 ] && port=$first_port
  printf 'container "c%04d" {\n  network "n%d" {}\n  publish {\n    host_port      = %d\n    container_port = 80\n  }\n}\n' "$i" "$((i / per))" "$port"
done
