#!/usr/bin/env bash
# scripts/venv.sh NAME  -- create/refresh the cached virtualenv .venv/NAME
#
# Requirements: tests/requirements/NAME.txt (fully pinned; regenerate with
# `scripts/venv.sh --freeze NAME`).  The venv is rebuilt only when the hash of
# that file (+ the interpreter version) changes; otherwise this is a no-op.
# Concurrent calls (make -j) are serialised with flock.
#
# A requirement file with a line "# chroot: trixie" (ansible-core 2.20+, which needs Python >= 3.12)
# is built INSIDE the Debian 13 rootfs (scripts/chroot.sh; its /usr/bin/python3 is 3.13): this
# script re-runs itself there. The venv is still .venv/NAME in the repository, which the rootfs
# sees at the same absolute path; its bin/python points at the rootfs' python, so run it only
# through scripts/chroot.sh (the Makefile and the scripts do).
#
# Known venvs (the test matrix, see the Makefile):
#   core-2.16 .. core-2.19  ansible-core 2.16.x .. 2.19.x + requests, jsonschema, pytest (host, Python 3.11)
#   core-2.20 .. core-2.22  ansible-core 2.20.x .. 2.22.x + the same (rootfs, Python 3.13)
#   docker     ansible-core 2.19 + the full `ansible` package (make docker-test)
#   tools      ansible-lint, antsibull-docs, antsibull-changelog, ansible-builder, Sphinx,
#              the full `ansible` package (awx.awx, community.docker), pytest
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
args=("$@")
freeze=0
if [[ "${1:-}" == "--freeze" ]]; then freeze=1; shift; fi
name="${1:?usage: scripts/venv.sh [--freeze] NAME}"
req="$ROOT/tests/requirements/$name.txt"
dir="$ROOT/.venv/$name"
[[ -f "$req" ]] || { echo "venv.sh: no requirement file $req" >&2; exit 2; }
where=""
if "$ROOT/scripts/chroot.sh" --needs "$name"; then
  [[ "${CAC_CHROOT:-}" == trixie ]] || exec "$ROOT/scripts/chroot.sh" "$ROOT/scripts/venv.sh" "${args[@]}"
  # the versioned path (/usr/bin/python3.13): on the host, where it does not exist, the venv's
  # bin/python then fails loudly instead of starting the host's python3
  PYTHON="$(readlink -f /usr/bin/python3)" where=" (in the trixie rootfs)"
fi

hash="$( { cat "$req"; "$PYTHON" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
mkdir -p "$ROOT/.venv"
exec 9>"$ROOT/.venv/.$name.lock"
flock 9

if [[ $freeze == 0 && -x "$dir/bin/python" && -f "$dir/.req-hash" && "$(cat "$dir/.req-hash")" == "$hash" ]] \
   && "$dir/bin/python" -c 'import sys' 2>/dev/null; then
  exit 0
fi

echo "venv.sh: building .venv/$name$where from ${req#$ROOT/}" >&2
rm -rf "$dir"
"$PYTHON" -m venv "$dir"
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade 'pip>=24' >&2
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
if [[ $freeze == 1 ]]; then
  "$dir/bin/python" -m pip freeze --all --exclude pip --exclude setuptools --exclude wheel >&2
fi
echo "$hash" > "$dir/.req-hash"
echo "venv.sh: .venv/$name ready" >&2
