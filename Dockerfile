# halopsa-mcp as a container: MCP over HTTP on port 8080, bearer token required.
#   docker build -t halopsa-mcp .
#   docker run --rm --read-only -p 8080:8080 -e HALOPSA_MCP_TOKEN=$(openssl rand -hex 32) \
#     -e HALOPSA_BASE_URL=https://acme.halopsa.com -e HALOPSA_CLIENT_ID=... -e HALOPSA_CLIENT_SECRET=... halopsa-mcp
# Without HALOPSA_BASE_URL it serves the embedded sandbox (in memory). The runtime holds the portable binary
# (glibc >= 2.31, everything else linked in), two small scripts and the CA bundle, and runs as an unprivileged user.
# No image has been built from this file on the project's machines (no container engine there): tests/portable/
# container.test.mjs assembles the same runtime filesystem and runs it the same way (docs/install.md).

# Debian 11's C library: the sysroot the portable build links against (packaging/portable/prepare.sh makes the
# same one with debootstrap outside containers).
FROM debian:11 AS glibc
RUN apt-get update && apt-get install -y --no-install-recommends libc6-dev && rm -rf /var/lib/apt/lists/*

FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=glibc / /root/.cache/halopsa-mcp/sysroot/bullseye-libc6-dev/
WORKDIR /src
COPY . .
RUN scripts/setup.sh --packages-only --portable && packaging/portable/prepare.sh \
 && cmake -S . -B build-portable -DHALOPSA_PORTABLE=ON -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build-portable -j"$(nproc)" --target halopsa-mcp && strip build-portable/halopsa-mcp

FROM debian:13-slim AS runtime
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /src/build-portable/halopsa-mcp /usr/local/bin/halopsa-mcp
COPY packaging/container/entrypoint.sh /usr/local/bin/halopsa-mcp-container
COPY packaging/container/healthcheck.sh /usr/local/bin/halopsa-mcp-healthcheck
# The sandbox keeps its data in memory, so the root filesystem can stay read-only (docker run --read-only). The
# server still makes sure its data folder $XDG_DATA_HOME/halopsa-mcp exists even then: here it already does.
COPY LICENSE /usr/share/halopsa-mcp/LICENSE
ENV HALOPSA_SANDBOX_DB=:memory: XDG_DATA_HOME=/usr/share HALOPSA_HTTP_PORT=8080
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s CMD ["/usr/local/bin/halopsa-mcp-healthcheck"]
ENTRYPOINT ["/usr/local/bin/halopsa-mcp-container"]
