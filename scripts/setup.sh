#!/usr/bin/env bash
# Installs what is missing on Debian 12 and builds build/halopsa-mcp. Run by run.sh and test.sh.
# Usage: scripts/setup.sh [--with-test-tools] [--packages-only] [--portable]
# --portable also builds the portable binary build-portable/halopsa-mcp (docs/install.md); its first run makes a
# Debian 11 sysroot with debootstrap (about two minutes, as root), cached in ~/.cache/halopsa-mcp.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

build_packages=(g++ cmake make pkg-config libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev doctest-dev
  libsqlite3-dev libssl-dev libcli11-dev libhiredis-dev)
# clang-format: the test command checks the tree's formatting (scripts/format.sh --check).
# strace: the audit log's fdatasync is checked on the system calls. redis-server and nginx: the replica tests start
# them as their own processes on loopback (tests/e2e/scale_out.test.mjs), not as system services (see below).
test_packages=(clang libclang-rt-dev clang-format strace redis-server nginx)
portable_packages=(debootstrap dpkg-dev zlib1g-dev libbrotli-dev openssl)
want=("${build_packages[@]}")
with_tests=0
packages_only=0
portable=0
for arg in "$@"; do
  case "$arg" in
    --with-test-tools) with_tests=1; want+=("${test_packages[@]}") ;;
    --packages-only) packages_only=1 ;;
    --portable) portable=1; want+=("${portable_packages[@]}") ;;
    *) echo "setup: unknown argument $arg" >&2; exit 2 ;;
  esac
done
command -v node >/dev/null 2>&1 || { [[ $with_tests == 1 ]] && want+=(nodejs npm); }

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # Debian starts redis-server and nginx as services on install; the tests need only the binaries, so what this
  # script installed it also stops and disables (a service installed before is left as it was).
  for p in "${missing[@]}"; do
    case "$p" in redis-server | nginx)
      if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
        $sudo systemctl disable --now "$p" >&2 2>/dev/null || true
      fi ;;
    esac
  done
fi

((packages_only)) && exit 0

build_type="${HALOPSA_BUILD_TYPE:-RelWithDebInfo}"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE="$build_type" >&2
cmake --build "$root/build" -j"$(nproc)" >&2

if ((portable)) && [[ $(id -u) != 0 ]] && ! command -v sudo >/dev/null; then
  echo "setup: skipping the portable build: making its sysroot needs root once (debootstrap); run as root" >&2
elif ((portable)); then
  cache="${HALOPSA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/halopsa-mcp}"
  as_root=""
  [[ $(id -u) == 0 ]] || as_root="sudo"
  sysroot="$($as_root env HALOPSA_CACHE_DIR="$cache" "$root/packaging/portable/prepare.sh")"
  cmake -S "$root" -B "$root/build-portable" -DHALOPSA_PORTABLE=ON -DCMAKE_BUILD_TYPE=Release \
        -DHALOPSA_PORTABLE_SYSROOT="$sysroot" >&2
  cmake --build "$root/build-portable" -j"$(nproc)" >&2
fi
