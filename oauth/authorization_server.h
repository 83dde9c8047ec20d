// The OAuth 2.1 authorization server an MCP client sees (MCP 2025-11-25, Authorization), delegating the user's
// sign-in to an upstream identity provider (oauth::Upstream). It is also the transport's mcp::HttpAuth: it checks
// the bearer tokens it issued, and mounts its endpoints on the MCP listener:
//   GET  /.well-known/oauth-protected-resource[/mcp]   RFC 9728
//   GET  /.well-known/oauth-authorization-server       RFC 8414
//   GET  /authorize        → the upstream's sign-in → GET /oauth/callback → the client's redirect_uri
//   POST /token            authorization_code (PKCE S256) and refresh_token (rotating, reuse revokes the family)
//   POST /revoke           RFC 7009
//   POST /register         RFC 7591 (optional; may require an initial access token)
// Clients are registered dynamically or identified by a client ID metadata document (an https client_id).
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "oauth/client_metadata.h"
#include "oauth/clock.h"
#include "oauth/crypto.h"
#include "oauth/store.h"
#include "oauth/upstream.h"
#include "server/http_auth.h"

namespace oauth {

struct ServerConfig {
  // The public base URL clients reach this server at, e.g. "https://mcp.example.com" (no trailing slash): the
  // issuer. The MCP endpoint, the resource and the audience of every access token, is issuer + "/mcp".
  std::string issuer;
  std::string resource_name = "MCP server";
  std::vector<std::string> scopes_supported;  // e.g. {"halopsa:read", "halopsa:write"}
  std::string default_scope;                  // granted when /authorize names none (space-separated)
  std::chrono::seconds code_ttl{60};
  std::chrono::seconds pending_ttl{600};  // the user's time at the upstream's sign-in page
  std::chrono::seconds access_ttl{3600};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  // Dynamic client registration (POST /register): off, open, or requiring this initial access token.
  bool dynamic_registration = true;
  std::string registration_token;
  // If non-empty, every redirect URI a client registers (or its metadata document lists) must match one of these
  // patterns: exact, or with one '*' standing for any run of characters (e.g. "https://claude.ai/api/mcp/*").
  std::vector<std::string> redirect_uri_allowlist;
  MetadataFetchOptions metadata;  // client ID metadata documents; metadata.enabled false: not accepted
};

class AuthorizationServer : public mcp::HttpAuth {
 public:
  // Throws std::invalid_argument for a config it cannot serve (issuer not an absolute http(s) URL …).
  AuthorizationServer(ServerConfig config, std::shared_ptr<Store> store, std::shared_ptr<Upstream> upstream,
                      std::shared_ptr<const Cipher> cipher, Clock clock = system_now);
  ~AuthorizationServer() override;

  mcp::AuthOutcome authenticate(std::string_view bearer_token) override;
  std::string challenge(mcp::AuthOutcome::Status status) const override;
  std::string insufficient_scope_challenge(std::string_view scope) const override;
  void mount(httplib::Server& server) override;
  bool serves(std::string_view path) const override;

  const ServerConfig& config() const { return config_; }
  std::string resource() const { return config_.issuer + "/mcp"; }
  std::string callback_uri() const { return config_.issuer + "/oauth/callback"; }

  struct Impl;

 private:
  mcp::AuthOutcome check_token(std::string_view bearer_token);
  ServerConfig config_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oauth
