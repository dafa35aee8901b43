#!/usr/bin/env bash
# make bench: netplan against the iproute2 + nft shell loop (scripts/baseline.sh),
# same machine, same run, same sandbox kind. Prints times and ratios.
#   BENCH_SIZES="100 300 1000" scripts/sandbox.sh scripts/bench.sh
set -euo pipefail
# A failure inside $(...) stops the bench too, not only one at the top level.
shopt -s inherit_errexit
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/in-sandbox.sh"
in_sandbox_or_die
netplan="$here/bin/netplan"
sizes=${BENCH_SIZES:-100 300 1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Clock readings come from bash itself ($EPOCHREALTIME, in µs): reading it
# through $(date ...) would time a fork and an exec of date with every
# command, 5-9 ms on these machines, which the small operations below
# would wear as their own.
ms() { echo "scale=1; ($2 - $1) / 1000" | bc; }
# run_ms CMD...: wall time of one command in ms (stdout discarded)
# A failed command stops the bench: a time of a failure is no measurement.
run_ms() {
  local t0 t1
  t0=${EPOCHREALTIME//[!0-9]/}
  "$@" > /dev/null || { echo "bench: failed: $*" >&2; exit 1; }
  t1=${EPOCHREALTIME//[!0-9]/}
  ms "$t0" "$t1"
}
peak_mb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n1 | awk '{printf "%.0f", $1/1024}'; }
ratio() { echo "scale=1; $1 / $2" | bc; }
pct() { echo "scale=2; 100 * $1 / $2" | bc; }
# settle waits for the kernel to finish tearing down deleted namespaces
# (it does so asynchronously, for about a second per 1000), so one
# measurement does not pay for the previous one's cleanup.
settle() {
  for _ in $(seq 100); do [ "$(ip -o link | wc -l)" -le 1 ] && break; sleep 0.1; done
  sleep 1
}
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
# timed_change FLAGS -- ARGS: the median of three applies (with FLAGS) of
# gen-bench-config.sh ARGS on top of the N-container stack, each put back
# (untimed, by a full apply, which leaves the record -refresh=false reads)
# and settled after.
timed_change() {
  local runs=() flags=()
  while [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  for _ in 1 2 3; do
    "$here/scripts/gen-bench-config.sh" "$@" > "$cfg/netplan.hcl"
    runs+=("$(run_ms "$netplan" apply "${flags[@]}" -c "$cfg" -auto-approve)")
    "$here/scripts/gen-bench-config.sh" "$n" > "$cfg/netplan.hcl"
    run_ms "$netplan" apply -c "$cfg" -auto-approve > /dev/null
    sleep 1 # the kernel tears a removed namespace down in the background
  done
  median3 "${runs[@]}"
}

# bridge_floor: the kernel's time to delete the stack's bridges, timed alone
# (one ip -batch, exec included) on the stack netplan built, ports attached
# and up, their peers in their containers, each bridge set down first as
# netplan's destroy does (faster at 1000 ports). That deletion is the
# longest step of a destroy and no request makes it shorter: the kernel
# waits for two RCU barriers per bridge and for one grace period per port.
# The namespaces, the veths and the table are deleted after (untimed), by
# netplan.
# Like netplan's destroy, the table shows the median of three.
bridge_floor() {
  local t
  "$netplan" apply -c "$cfg" -auto-approve > /dev/null
  ip -o link show type bridge | awk -F': ' '{print "link set " $2 " down"; print "link del " $2}' > "$work/floor"
  [ -s "$work/floor" ] || { echo "bench: no bridge to time" >&2; exit 1; }
  sleep 1 # as long as a destroy below waits after its apply
  t=$(run_ms ip -batch "$work/floor")
  "$netplan" destroy -c "$cfg" -auto-approve > /dev/null
  settle
  echo "$t"
}

rows=()
for n in $sizes; do
  # A fresh sandbox per size so nothing of the last one lingers.
  if [ -z "${BENCH_INNER:-}" ]; then
    BENCH_INNER=1 BENCH_SIZES=$n "$here/scripts/sandbox.sh" "$0" >> "$work/rows"
    continue
  fi
  cfg="$work/cfg"; mkdir -p "$cfg"
  "$here/scripts/gen-bench-config.sh" "$n" > "$cfg/netplan.hcl"

  # The shell loop, like netplan below, is the median of three builds and
  # teardowns from a settled kernel: one run of it swung by a third.
  ups=() downs=()
  for _ in 1 2 3; do
    ups+=("$(run_ms "$here/scripts/baseline.sh" up "$n")")
    downs+=("$(run_ms "$here/scripts/baseline.sh" down "$n")")
    settle
  done
  base_up=$(median3 "${ups[@]}")
  base_down=$(median3 "${downs[@]}")
  floors=()
  for _ in 1 2 3; do floors+=("$(bridge_floor)"); done
  floor=$(median3 "${floors[@]}")

  # Apply from empty and destroy, three times each, alternating from a
  # settled kernel: the median of each, like the small operations below.
  applies=() destroys=()
  for _ in 1 2 3; do
    applies+=("$(run_ms "$netplan" apply -c "$cfg" -auto-approve)")
    sleep 1
    destroys+=("$(run_ms "$netplan" destroy -c "$cfg" -auto-approve)")
    settle
  done
  apply=$(median3 "${applies[@]}")
  destroy=$(median3 "${destroys[@]}")
  mem_apply=$( (peak_mb "$netplan" apply -c "$cfg" -auto-approve) )
  sleep 1
  # The small operations are the median of three runs, each from the same
  # starting point (the untimed apply puts it back).
  noops=()
  for _ in 1 2 3; do noops+=("$(run_ms "$netplan" plan -c "$cfg" -detailed-exitcode)"); done
  noop=$(median3 "${noops[@]}")
  add1=$(timed_change -refresh=true -- "$((n + 1))")
  port1=$(timed_change -refresh=true -- "$n" 19999)
  add1r=$(timed_change -refresh=false -- "$((n + 1))")
  port1r=$(timed_change -refresh=false -- "$n" 19999)
  "$netplan" destroy -c "$cfg" -auto-approve > /dev/null
  echo "$n $base_up $base_down $apply $noop $add1 $port1 $destroy $mem_apply $floor $add1r $port1r"
  exit 0
done

printf '\n%-6s | %-22s | %-22s | %-45s | %-22s | %-16s | %-16s | %-18s | %-18s | %s\n' \
  N "apply from empty" "no-op plan" "destroy" "per container (apply)" "add 1 (% full)" "port 1 (% full)" "add 1, -refresh=f" "port 1, -refresh=f" "peak MB"
printf '%s\n' "-------+------------------------+------------------------+-----------------------------------------------+------------------------+------------------+------------------+--------------------+--------------------+--------"
while read -r n bu bd ap no a1 p1 de mem fl a1r p1r; do
  printf '%-6s | %7s ms (%5sx)    | %7s ms (%5sx)    | %7s ms (%5sx base %6s, floor %6s) | %6s ms (base %5s) | %6s ms %5s%% | %6s ms %5s%% | %8s ms %5s%% | %8s ms %5s%% | %s\n' \
    "$n" "$ap" "$(ratio "$bu" "$ap")" "$no" "$(ratio "$bu" "$no")" "$de" "$(ratio "$bd" "$de")" "$bd" "$fl" \
    "$(echo "scale=2; $ap / $n" | bc)" "$(echo "scale=1; $bu / $n" | bc)" \
    "$a1" "$(pct "$a1" "$ap")" "$p1" "$(pct "$p1" "$ap")" "$a1r" "$(pct "$a1r" "$ap")" "$p1r" "$(pct "$p1r" "$ap")" "$mem"
done < "$work/rows"
echo
echo "ratios are the shell loop's time divided by netplan's (higher is better); base = scripts/baseline.sh, same run"
echo "-refresh=f = apply -refresh=false: containers the host shows unchanged come from the last apply's record, not read again"
echo "floor = the kernel deleting the stack's bridges as netplan built them (ports attached and up), set down and deleted alone (ip link): the longest step of a destroy"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)"
# The targets of issue #6, judged from the rows above; the per-container and
# incremental targets compare the largest N with the smallest, whatever the
# order of BENCH_SIZES.
awk '
  function verdict(ok) { return ok ? "met" : "MISSED" }
  # truncated, as the table prints them
  function ratio(a, b) { return int(10 * a / b) / 10 }
  function pct(a, b) { return int(10000 * a / b) / 100 }
  { n[NR]=$1; bu[NR]=$2; bd[NR]=$3; ap[NR]=$4; no[NR]=$5; a1[NR]=$6; p1[NR]=$7; de[NR]=$8; mem[NR]=$9; fl[NR]=$10; a1r[NR]=$11; p1r[NR]=$12
    if (NR == 1 || $1 + 0 > n[L] + 0) L = NR
    if (NR == 1 || $1 + 0 < n[S] + 0) S = NR }
  END {
    if (NR == 0) exit
    print "\ntargets (issue #6):"
    for (i = 1; i <= NR; i++) {
      printf "  N=%-5s apply from empty >= 6x: %s (%.1fx); no-op plan >= 50x: %s (%.1fx); destroy >= 5x: %s (%.1fx; needs <= %.1f ms, floor %s ms)\n", n[i],
        verdict(bu[i] >= 6 * ap[i]), ratio(bu[i], ap[i]), verdict(bu[i] >= 50 * no[i]), ratio(bu[i], no[i]), verdict(bd[i] >= 5 * de[i]), ratio(bd[i], de[i]), bd[i] / 5, fl[i]
    }
    printf "  N=%-5s add 1 < 5%% of the full apply: %s (%.2f%%), with -refresh=false %s (%.2f%%); port 1 < 5%%: %s (%.2f%%), with -refresh=false %s (%.2f%%)\n", n[L],
      verdict(a1[L] < 0.05 * ap[L]), pct(a1[L], ap[L]), verdict(a1r[L] < 0.05 * ap[L]), pct(a1r[L], ap[L]),
      verdict(p1[L] < 0.05 * ap[L]), pct(p1[L], ap[L]), verdict(p1r[L] < 0.05 * ap[L]), pct(p1r[L], ap[L])
    printf "  N=%-5s peak memory < 150 MB: %s (%s MB)\n", n[L], verdict(mem[L] < 150), mem[L]
    if (L != S) {
      r = (ap[L] / n[L]) / (ap[S] / n[S])
      printf "  per container at N=%s within 1.5x of N=%s: %s (%.2fx)\n", n[L], n[S], verdict(r <= 1.5), r
    }
  }' "$work/rows"
