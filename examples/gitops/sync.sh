#!/usr/bin/env bash
# Publishes the HEAD of a git repository the way git-sync does: a fresh
# checkout under ROOT/.worktrees/<commit>, then the link ROOT/current swapped
# to it in one atomic rename. Readers of ROOT/current never see a half
# checkout, and driftless sees one change.
# Usage: sync.sh REPO ROOT
set -euo pipefail
repo=$1 root=$2
rev=$(git -C "$repo" rev-parse HEAD)
mkdir -p "$root/.worktrees"
if [ ! -d "$root/.worktrees/$rev" ]; then
  tmp=$(mktemp -d "$root/.worktrees/.tmp-XXXXXX")
  git -C "$repo" archive "$rev" | tar -x -C "$tmp"
  mv -T "$tmp" "$root/.worktrees/$rev"
fi
ln -sfn ".worktrees/$rev" "$root/.current-next"
mv -T "$root/.current-next" "$root/current"
# Old checkouts go once nothing points at them.
for old in "$root"/.worktrees/*; do
  [ "$(basename "$old")" = "$rev" ] || rm -rf "$old"
done
echo "$root/current -> .worktrees/$rev"
