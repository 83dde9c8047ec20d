#!/bin/bash
# HEALTHCHECK of the container: GET /healthz on the server's port answers 200. Bash's /dev/tcp, because the
# runtime image has no curl or wget.
exec 3<>"/dev/tcp/127.0.0.1/${HALOPSA_HTTP_PORT:-8080}" || exit 1
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 5 status <&3 || exit 1
[[ "$status" == "HTTP/1.1 200"* ]]
