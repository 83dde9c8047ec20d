#!/usr/bin/env bash
# Prepares, once, what the portable build (cmake -DHALOPSA_PORTABLE=ON) needs besides Debian 12's -dev packages,
# in the cache folder $HALOPSA_CACHE_DIR (default ~/.cache/halopsa-mcp), and prints the sysroot's path:
#  - sysroot/bullseye-libc6-dev: Debian 11's C library (glibc 2.31, made by debootstrap) to build against, so the
#    binary needs glibc >= 2.31 rather than the build machine's 2.36. Its usr/local holds links to the Debian 12
#    libraries the binary carries: the headers and static archives of OpenSSL, SQLite, zlib and brotli, the
#    header-only spdlog, fmt, nlohmann-json and CLI11 (with their CMake configs), and cpp-httplib's header;
#  - src/cpp-httplib-<version>: Debian's source package of the libcpp-httplib-dev version installed, whose
#    header-only httplib.h replaces that package's header (which leaves the code to libcpp-httplib.so, and Debian
#    ships no static archive of it). Fetched with apt-get source through a private apt configuration, from the
#    mirror the system's apt uses, verified by apt against Debian's archive key.
# Needs root (debootstrap) and the packages scripts/setup.sh --portable installs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${HALOPSA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/halopsa-mcp}"
multiarch="$(gcc -print-multiarch)"
sysroot="$cache/sysroot/bullseye-libc6-dev"
mirror="$("$here/debian-mirror.sh")"

# 1. glibc 2.31 (Debian 11) headers, start files and libraries.
"$here/rootfs.sh" bullseye "$sysroot" libc6-dev

# The linker reads the sysroot from outside: its absolute links (the loader's, /usr/lib64/ld-linux-x86-64.so.2 ->
# /lib/...) must point inside it.
# (Without merged /usr, as in the debian:11 image the Dockerfile uses, /lib and /lib64 are folders of their own.)
for dir in usr/lib usr/lib64 lib lib64; do
  [[ -d "$sysroot/$dir" && ! -L "$sysroot/$dir" ]] || continue
  find "$sysroot/$dir" -type l -lname '/*' | while read -r link; do
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$(readlink "$link")")" "$link"
  done
done

# 2. cpp-httplib's header-only source, same Debian version as the installed -dev package (its patches applied).
httplib_version="$(dpkg-query -W -f='${Version}' libcpp-httplib-dev)"
httplib_src="$cache/src/cpp-httplib-$httplib_version"
if [[ ! -f "$httplib_src/httplib.h" ]]; then
  apt_dir="$cache/apt-src"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$cache/src"
  codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  {
    echo "deb-src [signed-by=$keyring] $mirror $codename main"
    echo "deb-src [signed-by=$keyring] ${mirror%/debian}/debian-security $codename-security main"
  } >"$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq >&2
  work="$(mktemp -d "$cache/src/httplib.XXXXXX")"
  (cd "$work" && apt-get "${apt_opts[@]}" source -qq --download-only "cpp-httplib=$httplib_version" >&2 &&
     dpkg-source -x --no-check ./*.dsc src >/dev/null)
  rm -rf "$httplib_src" && mv "$work/src" "$httplib_src" && rm -rf "$work"
fi

# 3. Links to the Debian 12 libraries under the sysroot's usr/local, remade each time so they follow upgrades.
local_dir="$sysroot/usr/local"
rm -rf "$local_dir/include" "$local_dir/lib" "$local_dir/share/cmake"
mkdir -p "$local_dir/include/openssl" "$local_dir/lib/pkgconfig" "$local_dir/share/cmake"
ln -s /usr/include/openssl/* /usr/include/"$multiarch"/openssl/* "$local_dir/include/openssl/"
for h in sqlite3.h sqlite3ext.h zlib.h zconf.h brotli spdlog fmt nlohmann CLI; do ln -s "/usr/include/$h" "$local_dir/include/"; done
ln -s "$httplib_src/httplib.h" "$local_dir/include/httplib.h"
for a in libssl libcrypto libsqlite3 libz libbrotlienc libbrotlidec libbrotlicommon; do
  ln -s "/usr/lib/$multiarch/$a.a" "$local_dir/lib/"
done
for c in nlohmann_json CLI11; do ln -s "/usr/share/cmake/$c" "$local_dir/share/cmake/"; done
# cpp-httplib as its own -dev package describes it, but linked with the static archives above.
cat >"$local_dir/lib/pkgconfig/cpp-httplib.pc" <<PC
Name: cpp-httplib
Description: header-only cpp-httplib from Debian's source package $httplib_version
Version: ${httplib_version%%+*}
Libs: -lssl -lcrypto -lbrotlienc -lbrotlidec -lbrotlicommon -lz
Cflags: -DCPPHTTPLIB_OPENSSL_SUPPORT -DCPPHTTPLIB_ZLIB_SUPPORT -DCPPHTTPLIB_BROTLI_SUPPORT
PC
echo "$sysroot"
