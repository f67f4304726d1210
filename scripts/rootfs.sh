#!/usr/bin/env bash
# scripts/rootfs.sh  -- build (once) the cached Debian 13 "trixie" root filesystem that runs the
# ansible-core versions needing Python >= 3.12 (2.20+; the host has Debian 12's Python 3.11).
# Prints its path on stdout. Used through scripts/chroot.sh, which enters it.
#
#   location  ${CAC_CACHE:-$HOME/.cache/cac-proget}/rootfs-trixie   (outside the repository: a fresh
#             clone on the same machine reuses it)
#   key       sha256 of this script, stored in <rootfs>/.cac-rootfs; a different key (this script
#             changed) means a rebuild
#   atomic    debootstrap runs into rootfs-trixie.tmp-XXXX which is renamed only when complete, so a
#             killed build is never taken for a good one (its leftover is removed by the next build)
#   serial    concurrent callers are serialised with flock (<cache>/.rootfs-trixie.lock)
#   cost      ~300 MB, 5-10 minutes (debootstrap from Debian's default mirror + the packages below)
#
# debootstrap itself runs in a private mount namespace (unshare --mount), so the /proc and /sys it
# mounts in the target vanish with it even when it is killed.
set -euo pipefail
SUITE=trixie
# python3 (3.13) + venv for the ansible-core venvs; git and tar for ansible-test (sanity lists files
# with git); openssl for the ProGet sim's --https certificate; util-linux for flock.
PACKAGES=python3,python3-venv,ca-certificates,git,openssl,util-linux,tar,gzip
CACHE="${CAC_CACHE:-$HOME/.cache/cac-proget}"
DIR="$CACHE/rootfs-$SUITE"
key="$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"

is_ready() { [[ -f "$DIR/.cac-rootfs" && "$(cat "$DIR/.cac-rootfs")" == "$key" && -x "$DIR/usr/bin/python3" ]]; }

if is_ready; then echo "$DIR"; exit 0; fi

# refuse to delete a tree that has something mounted below it (e.g. a chroot.sh still running
# with mounts in this namespace): rm -rf would walk into the bind-mounted repository
safe_rm() {
  local d="$1" mp
  [[ -e "$d" ]] || return 0
  d="$(cd "$d" && pwd -P)"
  while read -r _ _ _ _ mp _; do
    mp="$(printf '%b' "$mp")"
    if [[ "$mp" == "$d" || "$mp" == "$d"/* ]]; then
      echo "rootfs.sh: $mp is mounted; not removing $d" >&2
      return 1
    fi
  done </proc/self/mountinfo
  rm -rf "$d"
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.rootfs-$SUITE.lock"
if ! flock -n 9; then echo "rootfs.sh: waiting for another build of $DIR" >&2; flock 9; fi
if is_ready; then echo "$DIR"; exit 0; fi

command -v debootstrap >/dev/null || { echo "rootfs.sh: debootstrap is missing (apt-get install debootstrap)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "rootfs.sh: needs root (debootstrap, chroot)" >&2; exit 2; }

for stale in "$CACHE/rootfs-$SUITE".tmp-* "$CACHE/rootfs-$SUITE".old-*; do
  [[ -e "$stale" ]] && safe_rm "$stale"
done

tmp="$(mktemp -d "$CACHE/rootfs-$SUITE.tmp-XXXXXX")"
chmod 755 "$tmp"
echo "rootfs.sh: building $DIR (debootstrap $SUITE: $PACKAGES; takes minutes)" >&2
t0=$SECONDS
log="$CACHE/rootfs-$SUITE.build.log"
if ! unshare --mount --propagation private \
     debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "rootfs.sh: debootstrap failed (full log: $log)" >&2
  exit 1
fi
# apt's downloaded .debs are not needed any more; the mirror stays debootstrap's default
unshare --mount --propagation private chroot "$tmp" /usr/bin/apt-get clean >/dev/null 2>&1 || true
# the runner bind-mounts the host's /etc/resolv.conf over this file
: >"$tmp/etc/resolv.conf" 2>/dev/null || { rm -f "$tmp/etc/resolv.conf"; : >"$tmp/etc/resolv.conf"; }
if ! chroot "$tmp" /usr/bin/python3 -c 'import ensurepip, venv, ssl, sqlite3' >&2; then
  echo "rootfs.sh: the new rootfs' python3 lacks venv/ssl" >&2; exit 1
fi
echo "$key" >"$tmp/.cac-rootfs"
# swap in atomically; the previous rootfs (another key) is removed afterwards
if [[ -e "$DIR" ]]; then
  old="$CACHE/rootfs-$SUITE.old-$$"
  mv "$DIR" "$old"
  mv "$tmp" "$DIR"
  safe_rm "$old" || true
else
  mv "$tmp" "$DIR"
fi
echo "rootfs.sh: $DIR ready ($(chroot "$DIR" /usr/bin/python3 --version), $((SECONDS - t0))s)" >&2
echo "$DIR"
