#!/usr/bin/env bash
# The main job: build if needed, then serve MCP over stdio on the embedded sandbox tenant.
# Extra arguments go to halopsa-mcp (e.g. --read-only, --http --port 8080).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
exec "$root/build/halopsa-mcp" "$@"
