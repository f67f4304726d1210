#!/usr/bin/env bash
# scripts/demo.sh  (make demo)
# Start the sim on 127.0.0.1:8624 (data dir .progetsim/demo) in the background, run
#   ansible-playbook -i examples/inventory.yml examples/site.yml
# twice and fail unless the second run reports changed=0 (and failed=0). The sim is
# stopped on exit, whatever happens. Venv: $CAC_ANSIBLE_VENV (default .venv/core-2.19).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
V="${CAC_ANSIBLE_VENV:-.venv/core-2.19}"; [[ "$V" = /* ]] || V="$ROOT/$V"
PORT="${DEMO_PORT:-8624}"
DATA="$ROOT/.progetsim/demo"
for f in examples/inventory.yml examples/site.yml; do
  [[ -f "$f" ]] || { echo "demo: $f is missing" >&2; exit 1; }
done
mkdir -p build/collections/ansible_collections/cac "$DATA"
ln -sfn ../../../.. build/collections/ansible_collections/cac/proget
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections" ANSIBLE_COLLECTIONS_PATHS="$ROOT/build/collections"
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False ANSIBLE_RETRY_FILES_ENABLED=False
export ANSIBLE_PYTHON_INTERPRETER="$V/bin/python"
export PATH="$V/bin:$PATH"

rm -f "$DATA/port"
PYTHONPATH="$ROOT/tests" "$V/bin/python" -m progetsim --port "$PORT" --port-file "$DATA/port" \
  --data-dir "$DATA" >"$DATA/sim.out" 2>&1 &
sim=$!
stop() { kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; }
trap stop EXIT
"$V/bin/python" - "$DATA/port" "$PORT" "$sim" <<'PY' || { echo "demo: the sim did not start:" >&2; cat "$DATA/sim.out" >&2; exit 1; }
import os, sys, time, urllib.request, urllib.error
port_file, port, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    if os.path.exists(port_file):
        try:
            urllib.request.urlopen('http://127.0.0.1:%s/health' % port, timeout=2)
            sys.exit(0)
        except urllib.error.HTTPError:
            sys.exit(0)          # any HTTP answer means up
        except Exception:
            pass
    time.sleep(0.05)
sys.exit(1)
PY
# start from an empty server so the first run shows the changes
"$V/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=b"", method="POST"), timeout=10)' \
  "http://127.0.0.1:$PORT/__sim/reset"
echo "demo: sim on http://127.0.0.1:$PORT (data: ${DATA#$ROOT/}, pid $sim)"

run() {
  echo "demo: ---- run $1: ansible-playbook -i examples/inventory.yml examples/site.yml"
  "$V/bin/ansible-playbook" -i examples/inventory.yml examples/site.yml | tee "$DATA/run$1.out"
}
run 1
run 2
recap="$(sed -n '/^PLAY RECAP/,$p' "$DATA/run2.out")"
if grep -E 'changed=[1-9]|failed=[1-9]|unreachable=[1-9]' <<<"$recap" >/dev/null; then
  echo "demo: FAIL: the second run is not idempotent:"; echo "$recap"; exit 1
fi
grep -q 'changed=0' <<<"$recap" || { echo "demo: FAIL: no PLAY RECAP in the second run"; exit 1; }
echo "demo: OK: second run has changed=0"
