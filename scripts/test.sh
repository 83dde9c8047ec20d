#!/usr/bin/env bash
# Every test: installs what is missing (Debian packages, the pinned npm test tools), builds, runs ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --with-test-tools
( cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error )
( cd "$root/tests/packaging" && npm ci --no-audit --no-fund --loglevel=error )
ctest --test-dir "$root/build" --output-on-failure -j2 "$@"
