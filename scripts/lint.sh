#!/usr/bin/env bash
# scripts/lint.sh  (make lint)
#   ansible-lint, production profile (.ansible-lint), on roles/, playbooks/ and examples/, offline,
#     with the collection from build/collections and awx.awx / community.docker from the tools
#     venv's `ansible` package;
#   antsibull-changelog lint (changelogs/fragments and changelogs/changelog.yaml).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
scripts/venv.sh tools
V="$ROOT/.venv/tools"
mkdir -p build/collections/ansible_collections/cac
ln -sfn ../../../.. build/collections/ansible_collections/cac/proget
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections"
unset ANSIBLE_COLLECTIONS_PATHS   # ansible-lint refuses the old name
export PATH="$V/bin:$PATH" NO_COLOR=1 ANSIBLE_NOCOLOR=1
rc=0
echo "lint: ansible-lint $("$V/bin/ansible-lint" --version --offline 2>/dev/null | head -1)"
"$V/bin/ansible-lint" --offline --nocolor -f pep8 roles playbooks examples galaxy.yml meta || rc=1
echo "lint: antsibull-changelog lint"
"$V/bin/antsibull-changelog" lint || rc=1
if (( rc )); then echo "lint: FAILED"; exit 1; fi
echo "lint: ok"
