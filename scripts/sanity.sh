#!/usr/bin/env bash
# scripts/sanity.sh VENV [ansible-test sanity args...]
#   e.g. scripts/sanity.sh core-2.17     (host, Python 3.11)
#        scripts/sanity.sh core-2.22     (re-runs itself in the trixie rootfs, Python 3.13:
#                                         scripts/chroot.sh; its HOME is the rootfs' /root)
# Builds the collection tarball with VENV's ansible-galaxy (what users/certification get:
# galaxy.yml build_ignore applies, so tests/ is not there), extracts it into
# build/sanity/VENV/ansible_collections/cac/proget, makes it a git repo (ansible-test uses
# git to list files) and runs `ansible-test sanity --local --python X.Y` there (X.Y: the venv's Python).
# ansible-test installs each sanity test's pinned requirements in its own cached venvs
# (~/.ansible/test/venv/...), so only the first run per ansible-core version is slow.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
name="${1:?usage: scripts/sanity.sh VENV [ansible-test args]}"; shift
if [[ "${CAC_CHROOT:-}" != trixie ]] && "$ROOT/scripts/chroot.sh" --needs "$name"; then
  exec "$ROOT/scripts/chroot.sh" "$ROOT/scripts/sanity.sh" "$name" "$@"
fi
"$ROOT/scripts/venv.sh" "$name"
V="$ROOT/.venv/$name"
# the controller Python of the venv (3.11 on CI); override with SANITY_PYTHON=3.x
PYVER="${SANITY_PYTHON:-$("$V/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}"
work="$ROOT/build/sanity/$name"
coll="$work/ansible_collections/cac/proget"

rm -rf "$work"
mkdir -p "$work/dist" "$coll"
"$V/bin/ansible-galaxy" collection build --force --output-path "$work/dist" "$ROOT" >/dev/null
tarball="$(ls "$work"/dist/cac-proget-*.tar.gz)"
tar -xzf "$tarball" -C "$coll"
echo "sanity[$name]: $(basename "$tarball") (ansible-core $("$V/bin/python" -c "import ansible.release as r; print(r.__version__)"))"
# tests/config.yml (ansible-test's settings) and tests/sanity/ belong in it; the suites do not
extra="$(cd "$coll" && find tests -type f ! -path tests/config.yml ! -path 'tests/sanity/*' 2>/dev/null | head -3)"
if [[ -n "$extra" ]]; then echo "sanity[$name]: warning: the tarball contains test suites:" $extra >&2; fi

# ansible-test bootstraps pip in its venvs with a get-pip.py downloaded from
# ci-files.testing.ansible.com; when that host is unreachable, use our offline shim.
pipver="$(sed -n "s/.*pip='\([0-9.]*\)'.*/\1/p" "$V"/lib/python*/site-packages/ansible_test/_internal/python_requirements.py | head -1)"
if [[ -n "$pipver" ]]; then
  cache="$HOME/.ansible/test/cache/get_pip_${pipver//./_}.py"
  if [[ ! -s "$cache" ]]; then
    mkdir -p "$(dirname "$cache")"
    if ! "$V/bin/python" - "https://ci-files.testing.ansible.com/ansible-test/get-pip-$pipver.py" "$cache.download" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as r, open(sys.argv[2], 'wb') as f:
    f.write(r.read())
PY
    then
      echo "sanity[$name]: get-pip $pipver not downloadable; using scripts/get_pip_shim.py" >&2
      cp "$ROOT/scripts/get_pip_shim.py" "$cache.download"
    fi
    mv -f "$cache.download" "$cache"
  fi
fi

# ansible-test installs each sanity test's pinned requirements; a pin that is a URL outside the
# package index cannot be fetched here. Such pins are replaced, in this venv's copy of
# ansible-test, by a release from the index (NAME=PIN below). Known: ansible-core 2.22.0rc1's
# pylint wants dill from a GitHub archive ("needed until dill released with 3.15 support"); the
# released 0.4.1 serves Python 3.13 (2.21's pylint uses it).
url_pins=(dill=dill==0.4.1)
reqdir="$(echo "$V"/lib/python*/site-packages/ansible_test/_data/requirements)"
for p in "${url_pins[@]}"; do
  sed -E -i "s|^${p%%=*} *@ *https?://.*\$|${p#*=}  # pinned by scripts/sanity.sh (was a URL outside the package index)|" \
    "$reqdir"/sanity.*.txt
done
if grep -lE '^[A-Za-z0-9_.-]+ *@ *https?://' "$reqdir"/sanity.*.txt >&2; then
  echo "sanity[$name]: warning: the files above pin a URL outside the package index (add it to url_pins)" >&2
fi

cd "$coll"
git init -q
git -c user.name=sanity -c user.email=sanity@localhost add -A
git -c user.name=sanity -c user.email=sanity@localhost commit -qm "tarball contents" --no-gpg-sign
export PATH="$V/bin:$PATH"
# ansible-test's venv cache (~/.ansible/test/venv) is shared by all ansible-core versions and
# not safe for concurrent creation (same `sanity/<py>/<hash>` venv): one sanity run at a time
# per HOME (the host's and the rootfs' are two different ones, so one of each may run at once).
mkdir -p "$HOME/.ansible/test"
exec 9>"$HOME/.ansible/test/.cac-proget-sanity.lock"
if ! flock -n 9; then echo "sanity[$name]: waiting for another ansible-test sanity run"; flock 9; fi
export ANSIBLE_COLLECTIONS_PATH="$work" ANSIBLE_COLLECTIONS_PATHS="$work"
exec "$V/bin/ansible-test" sanity --local --python "$PYVER" --color no "$@"
