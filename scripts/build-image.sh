#!/usr/bin/env bash
# Builds a small image FROM scratch holding Debian's busybox-static, since no
# registry on the internet is reachable. Usage: build-image.sh [NAME [ENGINE]]
# (default driftless-test/busybox:1 into docker; ENGINE podman imports the
# same tarball into podman, which keeps it as localhost/NAME).
# Idempotent: an existing image is kept.
set -euo pipefail

name=${1:-driftless-test/busybox:1}
engine=${2:-docker}
case "$engine" in
  docker|podman) ;;
  *) echo "build-image.sh: unknown engine \"$engine\" (docker or podman)" >&2; exit 2 ;;
esac
"$engine" image inspect "$name" >/dev/null 2>&1 && exit 0

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/www"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo 'hello from driftless' > "$root/www/index.html"
quiet=()
[ "$engine" = podman ] && quiet=(--quiet)   # podman reports progress on stderr
tar -C "$root" -c . | "$engine" import "${quiet[@]}" \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["sleep", "infinity"]' \
  - "$name" >/dev/null
echo "built $name ($engine)" >&2
