#!/usr/bin/env bash
# Every test: installs what is missing (Debian packages, the pinned npm test tools), builds, runs ctest, then runs
# each libFuzzer target for a short fixed time (HALOPSA_FUZZ_SECONDS, default 15; skipped when ctest arguments are given).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --with-test-tools --portable
( cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error )
( cd "$root/tests/packaging" && npm ci --no-audit --no-fund --loglevel=error )
( cd "$root/tests/modern" && npm ci --no-audit --no-fund --loglevel=error )
ctest --test-dir "$root/build" --output-on-failure -j2 "$@"
if (($# == 0)); then "$root/scripts/fuzz.sh" --seconds "${HALOPSA_FUZZ_SECONDS:-15}"; fi
