#!/bin/sh
# The container's command: serve MCP over HTTP on every interface of the container, never without a bearer token
# (a container's port is meant to be reached from outside it). Extra arguments go to halopsa-mcp.
if [ -z "${HALOPSA_MCP_TOKEN:-}" ]; then
  echo "halopsa-mcp: set HALOPSA_MCP_TOKEN to the bearer token clients must send (e.g. docker run -e HALOPSA_MCP_TOKEN=\$(openssl rand -hex 32) ...); refusing to serve without one" >&2
  exit 64
fi
exec /usr/local/bin/halopsa-mcp --http --host 0.0.0.0 --port "${HALOPSA_HTTP_PORT:-8080}" "$@"
