// `--http --auth halo`: the team server. Each MCP user signs in with their own HaloPSA agent account through this
// server's OAuth authorization server (oauth/), and their tool calls reach HaloPSA with that agent's token
// (docs/team-server.md). Built by the composition root; the static-token mode does not use any of this.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "halo/config.h"
#include "oauth/store.h"
#include "oauth/token_source.h"
#include "server/http_auth.h"
#include "server/mcp_server.h"

namespace app {

struct TeamServerOptions {
  std::string public_url;    // --public-url / HALOPSA_MCP_PUBLIC_URL: how clients reach this server (the issuer)
  std::string key_file;      // --key-file / HALOPSA_MCP_KEY_FILE, else HALOPSA_MCP_KEY: encrypts stored Halo tokens
  std::string store_path;    // --oauth-db / HALOPSA_MCP_OAUTH_DB: the SQLite file of clients, grants and tokens
  std::string registration;  // --registration / HALOPSA_MCP_REGISTRATION: open (default), token, off
  std::string registration_token;  // HALOPSA_MCP_REGISTRATION_TOKEN, for registration=token
  std::string redirect_uris;       // --redirect-uris / HALOPSA_MCP_REDIRECT_URIS: comma list of allowed patterns
  std::string metadata_documents;  // --client-metadata-documents / HALOPSA_MCP_CLIENT_METADATA_DOCUMENTS: on/off
  // HALOPSA_MCP_METADATA_INTERNAL_HOSTS: host names a client ID metadata document may be fetched from though they
  // resolve to internal addresses, over plain http (tests and intranet clients only; off by default).
  std::string metadata_internal_hosts;
  // Replicas (--redis): the OAuth store and refresh locks they share (app/replicas.h); store_path is then unused and a
  // key is required even on the sandbox, since every replica must open the tokens another one sealed.
  std::shared_ptr<oauth::Store> shared_store;
  std::shared_ptr<oauth::RefreshLocks> refresh_locks;
  bool sandbox = false;  // the embedded sandbox: a missing key is generated for this run, and said so
  std::string host;      // the address the HTTP transport binds (for the default public URL)
  int port = 0;
};

struct TeamServer {
  std::shared_ptr<mcp::HttpAuth> auth;  // HttpOptions::auth
  // McpServer::request_scope: a signed-in caller's tool calls run as their HaloPSA agent.
  std::function<std::shared_ptr<void>(const mcp::RequestContext&)> request_scope;
  std::string issuer;
};

// Throws halo::ConfigError unless agents have an application to sign in through (HALOPSA_AGENT_CLIENT_ID): checked
// before the tenant settings, whose own message would otherwise ask for the client-credentials pair instead.
void require_agent_app(const halo::Config& config);

// Reads the options (throws halo::ConfigError naming what to fix: a missing or weak key on a real tenant, no
// HALOPSA_AGENT_CLIENT_ID, a public URL that is not https off loopback…), opens the store and sets the tools'
// scope policy (halopsa:read, halopsa:write) on `server`.
TeamServer make_team_server(const TeamServerOptions& options, const halo::Config& config, mcp::McpServer& server);

}  // namespace app
