#!/usr/bin/env bash
# Builds the example's git-sync image FROM scratch, since no registry is
# reachable here: Debian's busybox-static, this machine's git with exactly
# the libraries ldd names and the loader, and git-sync.sh (the stand-in for
# kubernetes git-sync v4, same layout) as entrypoint. It runs as 65533
# "git-sync", as the real image does, and /git belongs to that user, so a
# named volume mounted there starts out writable by it.
#
# Usage: build-git-sync-image.sh [NAME]   (default driftless/git-sync:1)
# Idempotent: an image built from the same files is kept (label
# driftless.image.inputs), anything else is rebuilt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/lib/rootfs.sh"

name=${1:-driftless/git-sync:1}

# What git-sync.sh runs, and busybox's mv must rename with -T (no target
# directory) for the atomic swap of the link.
needed=(sh mkdir mktemp readlink chmod mv ln rm tar sleep test cat)
available=$(/bin/busybox --list)
for applet in "${needed[@]}"; do
  grep -qx "$applet" <<<"$available" || { echo "busybox has no $applet applet" >&2; exit 1; }
done
# (Read whole first: under pipefail, grep -q leaving early can fail the
# pipe with mv's SIGPIPE.)
mv_usage=$(/bin/busybox mv --help 2>&1 || true)
grep -q -- '-T' <<<"$mv_usage" || { echo "busybox's mv has no -T" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/git" "$root/tmp"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $available; do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
rootfs_add_program "$root" "$(command -v git)" /usr/bin/git
install -m 0755 "$here/git-sync.sh" "$root/bin/git-sync"
printf 'root:x:0:0:root:/root:/bin/sh\ngit-sync:x:65533:65533:git-sync:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\ngit-sync:x:65533:\n' >"$root/etc/group"
rootfs_tar "$root" "$work/rootfs.tar" git 65533:65533

changes=(
  'ENV PATH=/bin:/usr/bin'
  'ENV HOME=/tmp'
  'USER 65533:65533'
  'ENTRYPOINT ["/bin/git-sync"]'
)
printf '%s\n' "${changes[@]}" >"$work/changes"
inputs=$(rootfs_digest "$work/changes" "$work/rootfs.tar")
if [ "$(docker image inspect -f '{{index .Config.Labels "driftless.image.inputs"}}' "$name" 2>/dev/null)" = "$inputs" ]; then
  exit 0
fi
change_args=()
for c in "${changes[@]}" "LABEL driftless.image.inputs=$inputs"; do change_args+=(--change "$c"); done
docker import "${change_args[@]}" "$work/rootfs.tar" "$name" >/dev/null
echo "built $name" >&2
