#!/usr/bin/env bash
# scripts/chroot.sh CMD [ARGS...]   -- run CMD inside the Debian 13 rootfs (Python 3.13)
# scripts/chroot.sh --needs NAME    -- exit 0 if the venv NAME must live in that rootfs
#
# The ansible-core versions that need Python >= 3.12 (2.20+) run in the rootfs of
# scripts/rootfs.sh (built on first use, then cached outside the repository). Their
# requirement files say so on a line "# chroot: trixie" (tests/requirements/core-2.2x.txt);
# scripts/venv.sh, sanity.sh and ansible-doc.sh re-run themselves through this script for them,
# and the Makefile wraps their suites in it.
#
# Inside: the repository is bind-mounted at the SAME absolute path (so the venvs built inside,
# .venv/core-2.2x, the relative collection symlink and every path in logs are the same as on
# the host), plus /proc, /sys, /dev (with /dev/pts and /dev/shm), /tmp, /etc/resolv.conf and
# /etc/hosts. HOME is the rootfs' /root (ansible-test keeps its venv cache in ~/.ansible: a
# separate one from the host's, so host and chroot sanity runs may run in parallel). The working
# directory is kept when it is inside the repository or /tmp, else it is the repository.
# CAC_CHROOT=trixie is set inside (nested calls run CMD directly).
#
# All mounts are made in a private mount namespace (unshare --mount): they are invisible to the
# rest of the machine and disappear when CMD (and whatever it left running) exits, however it
# exits, even on SIGKILL. Nothing to unmount, nothing that a `rm -rf` of the rootfs could follow
# into the repository. The EXIT trap below unmounts explicitly as well, for the record.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"

case "${1:-}" in
  --needs)
    req="$ROOT/tests/requirements/${2:?usage: scripts/chroot.sh --needs NAME}.txt"
    [[ -f "$req" ]] && grep -q '^# chroot: trixie' "$req"
    exit ;;
  --inside)  # internal: we are in the new mount namespace
    shift; R="$1" cwd="$2"; shift 2
    mounted=()
    bind() {  # bind SRC DST [rec]
      if [[ "${3:-}" == rec ]]; then mount --rbind "$1" "$2"; else mount --bind "$1" "$2"; fi
      mounted=("$2" "${mounted[@]}")
    }
    cleanup() { local m; for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done; }
    trap cleanup EXIT
    if mount -t proc proc "$R/proc" 2>/dev/null; then mounted=("$R/proc"); else bind /proc "$R/proc" rec; fi
    bind /sys "$R/sys" rec
    bind /dev "$R/dev" rec
    bind /tmp "$R/tmp"
    for f in /etc/resolv.conf /etc/hosts; do
      [[ -e "$R$f" && ! -L "$R$f" ]] || { rm -f "$R$f"; : >"$R$f"; }
      bind "$(readlink -f "$f")" "$R$f"
    done
    # the host's CA bundle: what the host trusts (e.g. a local CA of an egress proxy that pip goes
    # through), the rootfs trusts too; not copied at build time (such a CA can change)
    ca=/etc/ssl/certs/ca-certificates.crt
    if [[ -f "$ca" && -f "$R$ca" ]]; then bind "$(readlink -f "$ca")" "$R$ca"; fi
    mkdir -p "$R$ROOT"
    bind "$ROOT" "$R$ROOT"
    case "$cwd" in "$ROOT"|"$ROOT"/*|/tmp|/tmp/*) ;; *) cwd="$ROOT" ;; esac
    # environment: the caller's, with the rootfs' HOME and PATH; the host's pip find-links
    # directory does not exist in there
    unset PIP_FIND_LINKS VIRTUAL_ENV PYTHONHOME PYTHONPATH
    case "${TMPDIR:-}" in ""|/tmp|/tmp/*) ;; *) unset TMPDIR ;; esac
    # not exec: the trap unmounts (the namespace would drop the mounts anyway)
    rc=0
    HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin CAC_CHROOT=trixie \
      chroot "$R" /bin/bash -c 'cd "$1" && shift && exec "$@"' chroot.sh "$cwd" "$@" || rc=$?
    exit "$rc" ;;
esac

(( $# )) || { echo "usage: scripts/chroot.sh CMD [ARGS...] | --needs NAME" >&2; exit 2; }
if [[ "${CAC_CHROOT:-}" == trixie ]]; then exec "$@"; fi
[[ $(id -u) == 0 ]] || { echo "chroot.sh: needs root (unshare --mount, chroot)" >&2; exit 2; }
R="$("$ROOT/scripts/rootfs.sh")"
exec unshare --mount --propagation private -- "$ROOT/scripts/chroot.sh" --inside "$R" "$(pwd -P)" "$@"
