#!/bin/sh
# A stand-in for kubernetes git-sync v4 (registry.k8s.io/git-sync/git-sync)
# with the same layout in ROOT, for machines that reach no registry: each
# revision is checked out whole under ROOT/.worktrees/<commit>, then the
# symlink ROOT/LINK is swapped to it in one rename(2), then the worktrees
# nothing points at are removed. A reader of ROOT/LINK never sees a half
# checkout. It reads a repository on a path (a bare repository mounted
# read-only); the real git-sync also fetches from a remote.
#
# Usage: git-sync --repo PATH [--root /git] [--link current] [--ref HEAD]
#                 [--period 10s] [--one-time]
# (`--flag=value` works too, as with git-sync.) POSIX sh: it runs on
# busybox's ash, with busybox's mv -T.
set -eu
set -o pipefail

repo= root=/git link=current ref=HEAD period=10s one_time=
while [ $# -gt 0 ]; do
  case "$1" in
    --*=*) flag=${1%%=*} value=${1#*=}; shift ;;
    --one-time) one_time=1; shift; continue ;;
    --*) flag=$1 value=${2:?"git-sync: $1 needs a value"}; shift 2 ;;
    *) echo "git-sync: unexpected argument \"$1\"" >&2; exit 2 ;;
  esac
  case "$flag" in
    --repo) repo=$value ;;
    --root) root=$value ;;
    --link) link=$value ;;
    --ref) ref=$value ;;
    --period) period=$value ;;
    *) echo "git-sync: unknown flag $flag" >&2; exit 2 ;;
  esac
done
[ -n "$repo" ] || { echo "git-sync: --repo PATH is required" >&2; exit 2; }

# The repository belongs to another user than this process:
# safe.directory lets git read it anyway.
git_() { git -c safe.directory='*' --git-dir="$repo" "$@"; }

# Every step checks its own status: `set -e` does not hold inside a function
# called as `sync_once || ...`.
sync_once() {
  rev=$(git_ rev-parse --verify -q "$ref^{commit}") || {
    echo "git-sync: $repo has no commit at $ref yet" >&2
    return 1
  }
  [ "$(readlink "$root/$link" 2>/dev/null)" = ".worktrees/$rev" ] && return 0
  mkdir -p "$root/.worktrees" || return 1
  if [ ! -d "$root/.worktrees/$rev" ]; then
    tmp=$(mktemp -d "$root/.worktrees/.tmp-XXXXXX") || return 1
    if ! git_ archive "$rev" | tar -x -C "$tmp"; then
      echo "git-sync: could not check $rev out" >&2
      rm -rf "$tmp"
      return 1
    fi
    # mktemp made it 0700; readers run as other users.
    chmod 0755 "$tmp" && mv -T "$tmp" "$root/.worktrees/$rev" || return 1
  fi
  rm -f "$root/.$link-next"
  ln -s ".worktrees/$rev" "$root/.$link-next" && mv -T "$root/.$link-next" "$root/$link" || return 1
  echo "git-sync: $root/$link -> .worktrees/$rev" >&2
  for old in "$root"/.worktrees/* "$root"/.worktrees/.tmp-*; do
    if [ -e "$old" ] && [ "$old" != "$root/.worktrees/$rev" ]; then rm -rf "$old"; fi
  done
}

if [ -n "$one_time" ]; then
  sync_once
  exit
fi
while :; do
  sync_once || true
  sleep "$period"
done
