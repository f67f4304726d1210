#!/usr/bin/env bash
# scripts/ansible-doc.sh [VENV]   (default core-2.19)
# `ansible-doc cac.proget.<m>` must render every module in plugins/modules/ without
# error or warning; also checks that `ansible-doc -l cac.proget` lists them all.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
name="${1:-core-2.19}"
if [[ "${CAC_CHROOT:-}" != trixie ]] && "$ROOT/scripts/chroot.sh" --needs "$name"; then
  exec "$ROOT/scripts/chroot.sh" "$ROOT/scripts/ansible-doc.sh" "$name"   # core-2.20+: Python 3.13
fi
"$ROOT/scripts/venv.sh" "$name"
V="$ROOT/.venv/$name"
mkdir -p "$ROOT/build/collections/ansible_collections/cac"
ln -sfn ../../../.. "$ROOT/build/collections/ansible_collections/cac/proget"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections" ANSIBLE_COLLECTIONS_PATHS="$ROOT/build/collections"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
: >"$tmp/ansible.cfg"
export ANSIBLE_NOCOLOR=1 ANSIBLE_DEPRECATION_WARNINGS=True ANSIBLE_CONFIG="$tmp/ansible.cfg"

shopt -s nullglob
modules=()
for f in "$ROOT"/plugins/modules/*.py; do
  b="$(basename "$f" .py)"; [[ "$b" == __init__ ]] && continue
  modules+=("$b")
done
if (( ${#modules[@]} == 0 )); then echo "doc-check: no modules in plugins/modules/" >&2; exit 1; fi

fail=0
listed="$("$V/bin/ansible-doc" -t module -l cac.proget 2>"$tmp/list.err" || true)"
for m in "${modules[@]}"; do
  if ! "$V/bin/ansible-doc" -t module "cac.proget.$m" >"$tmp/$m.out" 2>"$tmp/$m.err"; then
    echo "doc-check: FAIL cac.proget.$m (exit code)"; cat "$tmp/$m.err"; fail=1; continue
  fi
  if grep -qiE '\[(WARNING|ERROR)\]|^ERROR' "$tmp/$m.err" "$tmp/$m.out"; then
    echo "doc-check: FAIL cac.proget.$m (warnings)"; cat "$tmp/$m.err"; fail=1; continue
  fi
  if ! grep -q "cac.proget.$m" <<<"$listed"; then
    echo "doc-check: FAIL cac.proget.$m not listed by ansible-doc -l"; cat "$tmp/list.err"; fail=1; continue
  fi
  echo "doc-check: ok   cac.proget.$m ($(wc -l <"$tmp/$m.out") lines)"
done
# the JSON form is what docs builders consume
if ! "$V/bin/ansible-doc" -t module --json "${modules[@]/#/cac.proget.}" >/dev/null 2>"$tmp/json.err"; then
  echo "doc-check: FAIL ansible-doc --json"; cat "$tmp/json.err"; fail=1
fi
if (( fail )); then echo "doc-check: FAILED (ansible-core from $name)"; exit 1; fi
echo "doc-check: ${#modules[@]} module(s) render with $name"
