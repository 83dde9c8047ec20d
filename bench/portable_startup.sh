#!/usr/bin/env bash
# Size and start-up of the portable binary next to the regular (shared-library) build, with hyperfine
# (apt-get install hyperfine). Start-up is timed two ways: `--version`, and a whole stdio session a client opens
# (initialize, initialized, tools/list, end of input) on a sandbox seeded in memory at each start.
# Usage: bench/portable_startup.sh [REGULAR_BINARY] [PORTABLE_BINARY]   (defaults: build/ and build-portable/)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
regular="${1:-$root/build/halopsa-mcp}" portable="${2:-$root/build-portable/halopsa-mcp}"
command -v hyperfine >/dev/null || { echo "portable_startup: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
strip -o "$work/portable-stripped" "$portable"
strip -o "$work/regular-stripped" "$regular"
echo "size (bytes): regular $(stat -c %s "$regular"), stripped $(stat -c %s "$work/regular-stripped") + its shared libraries;" \
     "portable $(stat -c %s "$portable"), stripped $(stat -c %s "$work/portable-stripped")" \
     "(gzip -9: $(gzip -9c "$work/portable-stripped" | wc -c))"
cat >"$work/session.jsonl" <<'JSON'
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}
JSON
export HALOPSA_SANDBOX_DB=:memory: HALOPSA_LOG_LEVEL=warn
hyperfine -N --warmup 3 --runs "${RUNS:-30}" -n regular "$regular --version" -n portable "$portable --version"
hyperfine --warmup 3 --runs "${RUNS:-30}" \
  -n "regular session" "$regular < $work/session.jsonl > /dev/null" \
  -n "portable session" "$portable < $work/session.jsonl > /dev/null"
