#!/usr/bin/env bash
# Lays out the driftless image's file system in DIR, from a driftless binary:
# the binary stripped (the original keeps its debug information), exactly
# the shared libraries ldd names plus the dynamic loader, /etc/passwd and
# /etc/group with the non-root user 65532 "driftless", /var/lib/driftless
# (mode 0700, the key's folder; owned by 65532 when run as root), /tmp, and
# the CA certificates when this machine has them.
# Used by scripts/build-driftless-image.sh and by the Dockerfile's build stage.
# Usage: driftless-rootfs.sh BIN DIR
set -euo pipefail
source "$(dirname "$0")/lib/rootfs.sh"

bin=$1 root=$2
mkdir -p "$root/etc" "$root/var/lib/driftless" "$root/tmp"
chmod 0700 "$root/var/lib/driftless"
chmod 1777 "$root/tmp"
[ "$(id -u)" != 0 ] || chown 65532:65532 "$root/var/lib/driftless"
rootfs_add_program "$root" "$bin" /usr/bin/driftless strip

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
driftless:x:65532:65532:driftless:/var/lib/driftless:/sbin/nologin
PASSWD
printf 'root:x:0:\ndriftless:x:65532:\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$root/etc/ssl/certs"
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
fi
