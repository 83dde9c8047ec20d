#include "app/team_server.h"

#include <spdlog/spdlog.h>

#include <sstream>

#include "app/halo_agents.h"
#include "halo/agent_login.h"
#include "halo/url.h"
#include "oauth/authorization_server.h"
#include "oauth/crypto.h"
#include "oauth/sqlite_store.h"
#include "oauth/token_source.h"
#include "server/request_context.h"

namespace app {
namespace {

constexpr const char* kReadScope = "halopsa:read";
constexpr const char* kWriteScope = "halopsa:write";

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// The key that seals the agents' HaloPSA tokens at rest. On a real tenant it must be given; the demo on the embedded
// sandbox gets one for this run (its stored grants then open only in this run, which is what a demo needs).
std::shared_ptr<const oauth::Cipher> cipher_for(const TeamServerOptions& o) {
  const bool given = !o.key_file.empty() || !halo::is_unset_value(halo::system_getenv("HALOPSA_MCP_KEY"));
  if (!given && o.shared_store)
    throw halo::ConfigError(
        "--auth halo with --redis: every replica needs the same key (HALOPSA_MCP_KEY_FILE or HALOPSA_MCP_KEY) to "
        "open the agents' HaloPSA tokens another replica stored (make one with: openssl rand -hex 32 > key)");
  if (!given && o.sandbox) {
    spdlog::warn(
        "--auth halo on the sandbox: no HALOPSA_MCP_KEY_FILE or HALOPSA_MCP_KEY, so a random key was made "
        "for this run (sign-ins stored now do not outlive it). A real tenant refuses to start without one.");
    return std::make_shared<oauth::Cipher>(oauth::parse_key(oauth::random_secret(32)));
  }
  try {
    return std::make_shared<oauth::Cipher>(oauth::load_key(o.key_file, "HALOPSA_MCP_KEY"));
  } catch (const std::exception& e) {
    throw halo::ConfigError(std::string("--auth halo needs a key to encrypt the agents' HaloPSA tokens at rest: ") +
                            e.what() +
                            " (make one with: openssl rand -hex 32 > key; chmod 600 key; then "
                            "HALOPSA_MCP_KEY_FILE=key)");
  }
}

std::string public_url(const TeamServerOptions& o) {
  std::string url = o.public_url;
  if (url.empty()) {
    if (o.port == 0 || !halo::is_loopback_host(o.host)) {
      throw halo::ConfigError(
          "--auth halo needs --public-url (or HALOPSA_MCP_PUBLIC_URL): the https address your "
          "MCP clients reach this server at, e.g. https://mcp.example.com (with --port 0 or a "
          "non-loopback --host it cannot be guessed)");
    }
    url = "http://" + (o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host) + ":" +
          std::to_string(o.port);
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  const auto parsed = halo::parse_url(url);
  if (!parsed || (parsed->scheme != "https" && !(parsed->scheme == "http" && halo::is_loopback_host(parsed->host)))) {
    throw halo::ConfigError("--public-url '" + url +
                            "' must be an https URL (plain http only on loopback): put TLS "
                            "in front, see docs/team-server.md");
  }
  return url;
}

oauth::ServerConfig server_config(const TeamServerOptions& o) {
  oauth::ServerConfig c;
  c.issuer = public_url(o);
  c.resource_name = "HaloPSA customer book (halopsa-mcp)";
  c.scopes_supported = {kReadScope, kWriteScope};
  c.default_scope = std::string(kReadScope) + " " + kWriteScope;
  const std::string mode = o.registration.empty() ? "open" : o.registration;
  if (mode == "off") {
    c.dynamic_registration = false;
  } else if (mode == "token") {
    if (o.registration_token.size() < 16)
      throw halo::ConfigError("--registration token needs HALOPSA_MCP_REGISTRATION_TOKEN, at least 16 characters");
    c.registration_token = o.registration_token;
  } else if (mode != "open") {
    throw halo::ConfigError("--registration '" + mode + "': use open, token or off");
  }
  c.redirect_uri_allowlist = split_commas(o.redirect_uris);
  if (!o.metadata_documents.empty())
    c.metadata.enabled = halo::parse_bool_setting("--client-metadata-documents", o.metadata_documents);
  for (const auto& host : split_commas(o.metadata_internal_hosts)) c.metadata.allowed_internal_hosts.insert(host);
  c.metadata.allow_http_for_allowed_hosts = !c.metadata.allowed_internal_hosts.empty();
  return c;
}

}  // namespace

void require_agent_app(const halo::Config& config) {
  if (config.agent_client_id.empty()) {
    throw halo::ConfigError(
        "--auth halo: set HALOPSA_AGENT_CLIENT_ID to the client ID of the HaloPSA API application "
        "of type 'Authorisation Code (Native Application)' agents sign in through "
        "(docs/team-server.md)");
  }
}

TeamServer make_team_server(const TeamServerOptions& o, const halo::Config& config, mcp::McpServer& server) {
  require_agent_app(config);
  const oauth::ServerConfig sc = server_config(o);
  auto cipher = cipher_for(o);
  std::shared_ptr<oauth::Store> store = o.shared_store;
  if (!store) {
    if (o.store_path.empty()) throw halo::ConfigError("--auth halo needs --oauth-db (or HALOPSA_MCP_OAUTH_DB)");
    store = std::make_shared<oauth::SqliteStore>(o.store_path);
  }
  auto login = std::make_shared<halo::AgentLogin>(config);
  auto upstream = std::make_shared<HaloUpstream>(login);
  auto tokens = std::make_shared<oauth::StoredUpstreamTokens>(store, upstream, cipher, oauth::system_now,
                                                              std::chrono::seconds(60), o.refresh_locks);

  TeamServer team;
  team.issuer = sc.issuer;
  team.auth = std::make_shared<oauth::AuthorizationServer>(sc, store, upstream, cipher);
  team.request_scope = [tokens](const mcp::RequestContext& ctx) -> std::shared_ptr<void> {
    return std::make_shared<halo::AgentScope>(agent_for(ctx.caller(), tokens));
  };
  server.tools.set_scope_policy({kReadScope, kWriteScope});
  spdlog::info("--auth halo: agents sign in with HaloPSA at {}/authorize (issuer {}, store {}, registration {})",
               sc.issuer, sc.issuer, o.shared_store ? "in Redis, shared by the replicas" : o.store_path,
               sc.dynamic_registration ? (sc.registration_token.empty() ? "open" : "with a token") : "off");
  return team;
}

}  // namespace app
