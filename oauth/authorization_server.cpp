#include "oauth/authorization_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "oauth/server_internal.h"
#include "util/text.h"

namespace oauth {

namespace {

constexpr const char* kPrmRoot = "/.well-known/oauth-protected-resource";
constexpr const char* kPrmMcp = "/.well-known/oauth-protected-resource/mcp";
constexpr const char* kAsMetadata = "/.well-known/oauth-authorization-server";

// A quoted-string of an HTTP auth parameter: no quote or backslash may break out of it.
std::string auth_param(std::string_view text) {
  std::string out = "\"";
  for (char c : text)
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out += c;
  return out + "\"";
}

}  // namespace

std::optional<std::string> single_param(const httplib::Request& req, const char* name) {
  const auto count = req.get_param_value_count(name);
  if (count > 1) return std::nullopt;
  return count == 1 ? req.get_param_value(name) : std::string();
}

void json_reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Pragma", "no-cache");
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void oauth_error(httplib::Response& res, int status, const std::string& error, const std::string& description) {
  json_reply(res, status, {{"error", error}, {"error_description", description}});
}

void error_page(httplib::Response& res, const std::string& title, const std::string& detail) {
  res.status = 400;
  res.set_header("Cache-Control", "no-store");
  res.set_content("<!doctype html><meta charset=\"utf-8\"><title>" + util::html_escape(title) + "</title><h1>" +
                      util::html_escape(title) + "</h1><p>" + util::html_escape(detail) +
                      "</p><p>Go back to the application you came from and connect again.</p>",
                  "text/html; charset=utf-8");
}

std::string form_encode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string with_query(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = uri;
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : params) {
    out += sep;
    out += form_encode(name) + "=" + form_encode(value);
    sep = '&';
  }
  return out;
}

std::string space_joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::set<std::string> space_split(const std::string& text) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.insert(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void AuthorizationServer::Impl::purge_now_and_then() {
  const long long t = now();
  long long last = last_purge.load();
  if (t - last < 300 || !last_purge.compare_exchange_strong(last, t)) return;
  try {
    store->purge_expired(t);
  } catch (const std::exception& e) {
    spdlog::warn("oauth: purging expired records failed: {}", e.what());
  }
}

AuthorizationServer::AuthorizationServer(ServerConfig config, std::shared_ptr<Store> store,
                                         std::shared_ptr<Upstream> upstream, std::shared_ptr<const Cipher> cipher,
                                         Clock clock)
    : config_(std::move(config)) {
  while (!config_.issuer.empty() && config_.issuer.back() == '/') config_.issuer.pop_back();
  const bool absolute = config_.issuer.rfind("https://", 0) == 0 || config_.issuer.rfind("http://", 0) == 0;
  if (!absolute || config_.issuer.find_first_of("?#", 0) != std::string::npos)
    throw std::invalid_argument("the OAuth issuer must be the server's public base URL, e.g. https://mcp.example.com");
  if (!store || !upstream || !cipher)
    throw std::invalid_argument(
        "the authorization server needs a store, an "
        "upstream and a cipher");
  for (const auto& scope : space_split(config_.default_scope))
    if (std::find(config_.scopes_supported.begin(), config_.scopes_supported.end(), scope) ==
        config_.scopes_supported.end())
      throw std::invalid_argument("the default scope \"" + scope + "\" is not among the supported scopes");
  impl_.reset(new Impl{.config = config_,
                       .store = std::move(store),
                       .upstream = std::move(upstream),
                       .cipher = std::move(cipher),
                       .clock = clock ? std::move(clock) : Clock(system_now),
                       .resource = resource(),
                       .callback = callback_uri()});  // in place: Impl holds an atomic
}

AuthorizationServer::~AuthorizationServer() = default;

mcp::AuthOutcome AuthorizationServer::authenticate(std::string_view bearer_token) {
  using Status = mcp::AuthOutcome::Status;
  if (bearer_token.empty()) return {Status::missing, nullptr};
  try {
    return check_token(bearer_token);
  } catch (const StoreUnavailable& e) {
    spdlog::warn("oauth: an access token could not be checked: {}", e.what());
    return {Status::unavailable, nullptr};
  }
}

mcp::AuthOutcome AuthorizationServer::check_token(std::string_view bearer_token) {
  using Status = mcp::AuthOutcome::Status;
  auto token = impl_->store->token(hash_secret(bearer_token));
  // Unknown covers a token of the upstream presented directly: this server accepts only what it issued.
  if (!token || token->kind != TokenRecord::Kind::access || token->revoked || token->expires_at <= impl_->now())
    return {Status::invalid, nullptr};
  auto grant = impl_->store->grant(token->grant_id);
  if (!grant || grant->revoked || grant->resource != impl_->resource) return {Status::invalid, nullptr};
  auto caller = std::make_shared<mcp::CallerInfo>(mcp::CallerInfo{.subject = grant->user.id,
                                                                  .display_name = grant->user.name,
                                                                  .scopes = grant->scopes,
                                                                  .grant_id = grant->grant_id,
                                                                  .client_id = grant->client_id});
  return {Status::ok, std::move(caller)};
}

std::string AuthorizationServer::challenge(mcp::AuthOutcome::Status status) const {
  std::string value = "Bearer resource_metadata=" + auth_param(config_.issuer + kPrmMcp);
  if (!config_.default_scope.empty()) value += ", scope=" + auth_param(config_.default_scope);
  if (status == mcp::AuthOutcome::Status::invalid)
    value +=
        ", error=\"invalid_token\", error_description=\"the access token is expired, revoked or not for this "
        "server\"";
  return value;
}

std::string AuthorizationServer::insufficient_scope_challenge(std::string_view scope) const {
  return "Bearer error=\"insufficient_scope\", scope=" + auth_param(scope) +
         ", resource_metadata=" + auth_param(config_.issuer + kPrmMcp) +
         ", error_description=\"this call needs more scope than the token carries\"";
}

bool AuthorizationServer::serves(std::string_view path) const {
  return path == kPrmRoot || path == kPrmMcp || path == kAsMetadata || path == "/authorize" ||
         path == "/oauth/callback" || path == "/token" || path == "/revoke" ||
         (path == "/register" && config_.dynamic_registration);
}

void AuthorizationServer::mount(httplib::Server& server) {
  Impl* impl = impl_.get();
  const json prm{{"resource", impl->resource},
                 {"authorization_servers", {config_.issuer}},
                 {"scopes_supported", config_.scopes_supported},
                 {"bearer_methods_supported", {"header"}},
                 {"resource_name", config_.resource_name}};
  json as{{"issuer", config_.issuer},
          {"authorization_endpoint", config_.issuer + "/authorize"},
          {"token_endpoint", config_.issuer + "/token"},
          {"revocation_endpoint", config_.issuer + "/revoke"},
          {"scopes_supported", config_.scopes_supported},
          {"response_types_supported", {"code"}},
          {"response_modes_supported", {"query"}},
          {"grant_types_supported", {"authorization_code", "refresh_token"}},
          {"token_endpoint_auth_methods_supported", {"none"}},
          {"revocation_endpoint_auth_methods_supported", {"none"}},
          {"code_challenge_methods_supported", {"S256"}},
          {"authorization_response_iss_parameter_supported", true},
          {"client_id_metadata_document_supported", config_.metadata.enabled}};
  if (config_.dynamic_registration) as["registration_endpoint"] = config_.issuer + "/register";
  auto serve_json = [](json body) {
    return [body = std::move(body)](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "max-age=300");
      res.set_content(body.dump(), "application/json");
    };
  };
  server.Get(kPrmRoot, serve_json(prm));
  server.Get(kPrmMcp, serve_json(prm));
  server.Get(kAsMetadata, serve_json(as));
  // A shared store that is away fails the request with 503 temporarily_unavailable (RFC 6749's code for it), so a
  // client retries rather than starting over; nothing was half-written (each store call is atomic).
  using Endpoint = void (Impl::*)(const httplib::Request&, httplib::Response&);
  auto endpoint = [impl](Endpoint serve) {
    return [impl, serve](const httplib::Request& q, httplib::Response& r) {
      try {
        (impl->*serve)(q, r);
      } catch (const StoreUnavailable& e) {
        spdlog::warn("oauth: {} {} failed: {}", q.method, q.path, e.what());
        r.status = 503;
        r.set_header("Retry-After", "2");
        r.set_header("Cache-Control", "no-store");
        r.set_content(json{{"error", "temporarily_unavailable"},
                           {"error_description", "the authorization server's store is unreachable; try again shortly"}}
                          .dump(),
                      "application/json");
      }
    };
  };
  server.Get("/authorize", endpoint(&Impl::authorize));
  server.Get("/oauth/callback", endpoint(&Impl::callback_from_upstream));
  server.Post("/token", endpoint(&Impl::token));
  server.Post("/revoke", endpoint(&Impl::revoke));
  if (config_.dynamic_registration) server.Post("/register", endpoint(&Impl::register_client));
}

}  // namespace oauth
