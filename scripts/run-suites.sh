#!/usr/bin/env bash
# scripts/run-suites.sh SUITE...   -- run make targets in parallel, then summarise.
#
# Each SUITE is a make target run as `make SUITE` in the background (at most $JOBS at a
# time, default 4), its output captured in build/logs/SUITE.log. Each log is printed in
# full as soon as its suite ends (so pytest's closing lines are visible, never interleaved),
# then a summary table. Exit status: 0 only if every suite passed.
# Suites start in the order given: the Makefile's `make test` lists the longest first (on 2 cores
# the wall time is bounded by the longest suite, integration-2.22). The suites of ansible-core
# 2.20+ enter the Debian 13 rootfs themselves (scripts/chroot.sh), each in its own mount namespace.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-4}"
MAKE_CMD="${MAKE_CMD:-make}"
logs="$ROOT/build/logs"
mkdir -p "$logs"
unset MAKEFLAGS MFLAGS MAKELEVEL

queue=("$@")
declare -A pid=() status=() secs=()
order=("$@")
running=0
t0=$SECONDS

start() {
  local s="$1"
  rm -f "$logs/$s.rc"
  (
    begin=$SECONDS
    "$MAKE_CMD" --no-print-directory "$s" >"$logs/$s.log" 2>&1 </dev/null
    rc=$?
    echo "$rc $((SECONDS - begin))" >"$logs/$s.rc"
  ) &
  pid[$s]=$!
  running=$((running + 1))
  echo ">>> started $s (log: build/logs/$s.log)"
}

reap() {
  local s rc t
  for s in "${!pid[@]}"; do
    if [[ -f "$logs/$s.rc" ]]; then
      wait "${pid[$s]}" 2>/dev/null
      read -r rc t <"$logs/$s.rc"
      status[$s]=$rc; secs[$s]=$t
      unset "pid[$s]"
      running=$((running - 1))
      echo
      echo "=================== $s: $([[ $rc == 0 ]] && echo PASSED || echo "FAILED (exit $rc)") in ${t}s ==================="
      cat "$logs/$s.log"
      echo "=================== end of $s ==================="
    fi
  done
}

while (( ${#queue[@]} > 0 || running > 0 )); do
  while (( ${#queue[@]} > 0 && running < JOBS )); do
    start "${queue[0]}"; queue=("${queue[@]:1}")
  done
  wait -n 2>/dev/null || true
  reap
done

echo
echo "=================== summary ($((SECONDS - t0))s wall) ==================="
failed=()
for s in "${order[@]}"; do
  if [[ "${status[$s]}" == 0 ]]; then r=PASS; else r="FAIL (exit ${status[$s]})"; failed+=("$s"); fi
  printf '  %-20s %-16s %5ss\n' "$s" "$r" "${secs[$s]}"
done
if (( ${#failed[@]} )); then
  echo "FAILED suites: ${failed[*]}"
  exit 1
fi
echo "all ${#order[@]} suites passed"
