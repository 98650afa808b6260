# Helpers for the images built FROM scratch from this machine's own files
# (scripts/build-driftless-image.sh, examples/sidecar/build-git-sync-image.sh).
# Sourced, not run.

# rootfs_add_program ROOT SRC DEST [strip]
# Copies the program SRC to ROOT/DEST (stripped with objcopy when the fourth
# argument is "strip", leaving SRC as it was), then exactly the shared
# libraries ldd names for it, at the paths ldd names (symlinks resolved), and
# the dynamic loader. Fails when ldd finds a library missing.
rootfs_add_program() {
  local root=$1 src=$2 dest=$3 strip=${4:-} lib libs
  mkdir -p "$root$(dirname "$dest")"
  if [ "$strip" = strip ]; then
    objcopy --strip-all "$src" "$root$dest"
  else
    cp -L "$src" "$root$dest"
  fi
  libs=$(ldd "$src" | awk '
    /not found/ { print "missing: " $1 > "/dev/stderr"; failed = 1 }
    $2 == "=>" && $3 ~ /^\// { print $3 }
    $1 ~ /^\// { print $1 }
    END { exit failed }' | sort -u) || { echo "ldd $src: a library is missing" >&2; return 1; }
  for lib in $libs; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# rootfs_tar ROOT OUT OWNED_DIR UID:GID
# Writes ROOT as the tar OUT, reproducibly (sorted names, fixed times,
# numeric owners): root owns everything but OWNED_DIR (relative to ROOT, e.g.
# var/lib/driftless), which UID:GID owns, so that a named volume mounted there
# starts out writable by the image's user.
rootfs_tar() {
  local root=$1 out=$2 owned=$3 uid=${4%:*} gid=${4#*:}
  local reproducible=(--sort=name --mtime=@0 --numeric-owner --format=gnu)
  tar -C "$root" -cf "$out" "${reproducible[@]}" --owner=0 --group=0 --exclude="./$owned" .
  tar -C "$root" -rf "$out" "${reproducible[@]}" --owner="$uid" --group="$gid" "./$owned"
}

# rootfs_digest FILE...: "sha256:" and the digest of the files' bytes, the
# label an image keeps to say what it was built from.
rootfs_digest() {
  echo "sha256:$(cat "$@" | sha256sum | cut -d' ' -f1)"
}
