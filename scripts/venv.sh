#!/usr/bin/env bash
# scripts/venv.sh NAME  -- create/refresh the cached virtualenv .venv/NAME
#
# Requirements: tests/requirements/NAME.txt (fully pinned; regenerate with
# `scripts/venv.sh --freeze NAME`).  The venv is rebuilt only when the hash of
# that file (+ the interpreter version) changes; otherwise this is a no-op.
# Concurrent calls (make -j) are serialised with flock.
#
# Known venvs:
#   core-2.17  ansible-core 2.17.x + requests, jsonschema, pytest
#   core-2.18  ansible-core 2.18.x + requests, jsonschema, pytest (sanity only)
#   core-2.19  ansible-core 2.19.x + requests, jsonschema, pytest
#   tools      ansible-lint, antsibull-docs, antsibull-changelog, ansible-builder, Sphinx,
#              the full `ansible` package (awx.awx, community.docker), pytest
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
freeze=0
if [[ "${1:-}" == "--freeze" ]]; then freeze=1; shift; fi
name="${1:?usage: scripts/venv.sh [--freeze] NAME}"
req="$ROOT/tests/requirements/$name.txt"
dir="$ROOT/.venv/$name"
[[ -f "$req" ]] || { echo "venv.sh: no requirement file $req" >&2; exit 2; }

hash="$( { cat "$req"; "$PYTHON" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
mkdir -p "$ROOT/.venv"
exec 9>"$ROOT/.venv/.$name.lock"
flock 9

if [[ $freeze == 0 && -x "$dir/bin/python" && -f "$dir/.req-hash" && "$(cat "$dir/.req-hash")" == "$hash" ]] \
   && "$dir/bin/python" -c 'import sys' 2>/dev/null; then
  exit 0
fi

echo "venv.sh: building .venv/$name from ${req#$ROOT/}" >&2
rm -rf "$dir"
"$PYTHON" -m venv "$dir"
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade 'pip>=24' >&2
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
if [[ $freeze == 1 ]]; then
  "$dir/bin/python" -m pip freeze --all --exclude pip --exclude setuptools --exclude wheel >&2
fi
echo "$hash" > "$dir/.req-hash"
echo "venv.sh: .venv/$name ready" >&2
