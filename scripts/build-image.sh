#!/usr/bin/env bash
# Builds a small image FROM scratch holding Debian's busybox-static, since no
# registry on the internet is reachable. Usage: build-image.sh [NAME]
# (default driftless-test/busybox:1). Idempotent: an existing image is kept.
set -euo pipefail

name=${1:-driftless-test/busybox:1}
docker image inspect "$name" >/dev/null 2>&1 && exit 0

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
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["sleep", "infinity"]' \
  - "$name" >/dev/null
echo "built $name" >&2
