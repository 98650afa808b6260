#!/usr/bin/env bash
# `cmake --install` into a temporary prefix: the binary, the systemd unit
# (checked with systemd-analyze verify, its paths following the prefix) and
# the settings file, which a second install leaves as the administrator
# edited it. Usage: install_test.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: install_test.sh BUILD_DIR}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }

prefix="$root/opt/driftless"
cmake --install "$build" --prefix "$prefix" >/dev/null
unit="$prefix/lib/systemd/system/driftless.service"
env_file="$prefix/etc/driftless/driftless.env"
[ -x "$prefix/bin/driftless" ] || fail "no executable $prefix/bin/driftless"
"$prefix/bin/driftless" version | grep -q '^driftless ' || fail "the installed binary does not run"
[ -f "$unit" ] || fail "no unit at $unit"
[ -f "$env_file" ] || fail "no settings at $env_file"
[ -d "$prefix/etc/driftless/specs" ] || fail "no specs folder"
grep -qx "ExecStart=$prefix/bin/driftless run" "$unit" || fail "ExecStart does not name the installed binary: $(grep ExecStart "$unit")"
grep -qx "EnvironmentFile=-$env_file" "$unit" || fail "EnvironmentFile does not name the installed settings"
grep -qx "DRIFTLESS_SOURCE=$prefix/etc/driftless/specs" "$env_file" || fail "DRIFTLESS_SOURCE does not name the specs folder"
grep -qx "Type=notify" "$unit" || fail "not Type=notify"

# systemd's own check: syntax, known settings, the executable. Any finding fails.
out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$unit" 2>&1) || fail "systemd-analyze verify failed: $out"
if echo "$out" | grep -q 'driftless.service'; then fail "systemd-analyze verify: $out"; fi
# How exposed the sandbox leaves the service, for the log (not a verdict).
systemd-analyze security --offline=true "$unit" 2>/dev/null | tail -1 || true

# An edited settings file survives a second install.
echo 'DRIFTLESS_OWNER=line-3' >> "$env_file"
cmake --install "$build" --prefix "$prefix" >/dev/null
grep -qx 'DRIFTLESS_OWNER=line-3' "$env_file" || fail "a second install overwrote the edited settings"
echo "install_test: ok ($prefix)"
