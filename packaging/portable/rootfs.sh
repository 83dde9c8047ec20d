#!/usr/bin/env bash
# Makes a minimal Debian root filesystem with debootstrap, once: DEST is reused when it exists.
# Usage: packaging/portable/rootfs.sh SUITE DEST [EXTRA_PACKAGES_COMMA_LIST]   (as root)
# `--variant=minbase` installs only the essential packages and apt. Built in DEST.partial and renamed when complete,
# under a lock, so an interrupted or concurrent run never leaves a half-made DEST behind.
set -euo pipefail
suite="$1" dest="$2" include="${3:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ -d "$dest" ]] && exit 0
command -v debootstrap >/dev/null || { echo "rootfs: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
exec 9>"$dest.lock"
flock 9
[[ -d "$dest" ]] && exit 0
mirror="$("$here/debian-mirror.sh")"
rm -rf "$dest.partial"
echo "rootfs: debootstrap --variant=minbase $suite from $mirror into $dest (once; cached)" >&2
debootstrap --variant=minbase ${include:+--include="$include"} "$suite" "$dest.partial" "$mirror" \
  >"$dest.log" 2>&1 || { tail -n 20 "$dest.log" >&2; echo "rootfs: debootstrap failed (log: $dest.log)" >&2; exit 1; }
# Downloaded .debs are not part of the system and would only double the cache.
rm -rf "$dest.partial/var/cache/apt/archives/"*.deb
mv "$dest.partial" "$dest"
