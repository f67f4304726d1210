#!/usr/bin/env bash
# scripts/docs.sh [lint]   (make docs / make docs-lint)
#
# docs: the docs site, generated with antsibull-docs from the plugin and role documentation of
#   every module in plugins/modules/ and role in roles/, plus the guides in docs/docsite/
#   (extra-docs.yml, links.yml, rst/*.rst):
#     build/docs/src   the Sphinx project (antsibull-docs sphinx-init; regenerated every time)
#     build/docs/html  the site: open build/docs/html/index.html in a browser
#   Offline: intersphinx is off (DOCS_INTERSPHINX=1 turns it on), so the references into the
#   Ansible docs that antsibull-docs' templates make (common_return_values, ...) stay unresolved;
#   every other Sphinx warning fails the build.
# lint: antsibull-docs lint-collection-docs --plugin-docs (docsite files, links, plugin docs,
#   semantic markup, rstcheck of the guides, references to this collection and its dependencies).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
scripts/venv.sh tools
V="$ROOT/.venv/tools"
mkdir -p build/collections/ansible_collections/cac
ln -sfn ../../../.. build/collections/ansible_collections/cac/proget
export ANSIBLE_COLLECTIONS_PATH="$ROOT/build/collections" ANSIBLE_COLLECTIONS_PATHS="$ROOT/build/collections"
export PATH="$V/bin:$PATH"

if [[ "${1:-}" == lint ]]; then
  cd build/collections/ansible_collections/cac/proget
  antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs --validate-collection-refs=dependent .
  echo "docs-lint: ok"
  exit 0
fi

src="$ROOT/build/docs/src"
out="$ROOT/build/docs/html"
rm -rf "$src" "$out"
mkdir -p "$src"
antsibull-docs sphinx-init --use-current --dest-dir "$src" --project cac.proget \
  --copyright "cac.proget contributors" --title "cac.proget" --html-short-title "cac.proget" \
  cac.proget >/dev/null
if [[ "${DOCS_INTERSPHINX:-0}" != 1 ]]; then
  printf '\n# make docs: offline build\nintersphinx_mapping = {}\n' >>"$src/conf.py"
fi
mkdir -p "$src/rst"
chmod og-w "$src/rst"
antsibull-docs --config-file "$src/antsibull-docs.cfg" collection --cleanup everything --use-current \
  --dest-dir "$src/rst" cac.proget
log="$ROOT/build/docs/sphinx.log"
sphinx-build -q -b html -c "$src" "$src/rst" "$out" 2>"$log" || { cat "$log"; exit 1; }
# references into docs.ansible.com that only resolve with intersphinx (antsibull-docs templates)
known="undefined label: '(common_return_values|ansible_configuration_settings|ansible_collections\.[a-z_.]+_(module|role))'"
if grep -E 'WARNING|ERROR' "$log" | grep -vE "$known" >"$log.bad"; then
  echo "docs: Sphinx warnings:"; cat "$log.bad"; exit 1
fi
pages=$(find "$out" -name '*.html' | wc -l)
echo "docs: $pages pages in ${out#$ROOT/}/ (open ${out#$ROOT/}/index.html)"
