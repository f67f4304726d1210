#!/usr/bin/env bash
# make demo: see scripts/demo.py (two bundled ProGet test servers + examples/gitops, run twice).
set -euo pipefail
cd "$(dirname "$0")/.."
V="${CAC_ANSIBLE_VENV:-.venv/core-2.19}"
mkdir -p build/collections/ansible_collections/cac
ln -sfn ../../../.. build/collections/ansible_collections/cac/proget
exec "$V/bin/python" scripts/demo.py
