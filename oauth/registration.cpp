// Who the clients are: dynamic registration (POST /register, RFC 7591), client ID metadata documents (an https
// client_id, fetched and cached), and the rule every redirect URI of either must pass.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "net/host_check.h"
#include "oauth/server_internal.h"
#include "server/http_security.h"
#include "util/text.h"

namespace oauth {

namespace {

constexpr std::size_t kMaxRedirectUris = 10;
constexpr std::size_t kMaxUriLength = 2000;
constexpr std::size_t kMaxNameLength = 200;

// Exact, or one '*' standing for any run of characters.
bool matches(const std::string& pattern, const std::string& uri) {
  auto star = pattern.find('*');
  if (star == std::string::npos) return pattern == uri;
  const std::string prefix = pattern.substr(0, star), suffix = pattern.substr(star + 1);
  return uri.size() >= prefix.size() + suffix.size() && uri.compare(0, prefix.size(), prefix) == 0 &&
         uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::optional<std::string> AuthorizationServer::Impl::redirect_uri_problem(const std::string& uri) const {
  if (uri.empty() || uri.size() > kMaxUriLength) return "a redirect URI must be 1 to 2000 characters";
  if (uri.find('#') != std::string::npos) return "a redirect URI may not have a fragment (" + uri + ")";
  for (unsigned char c : uri)
    if (c <= 0x20 || c >= 0x7f) return "a redirect URI may not contain spaces or control characters";
  const auto colon = uri.find(':');
  if (colon == std::string::npos || colon == 0) return "a redirect URI must be absolute (" + uri + ")";
  const std::string scheme = util::lower(uri.substr(0, colon));
  if (!std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      }))
    return "a redirect URI must be absolute (" + uri + ")";
  if (scheme == "http" || scheme == "https") {
    if (uri.compare(colon, 3, "://") != 0) return "a redirect URI must be absolute (" + uri + ")";
    const std::string rest = uri.substr(colon + 3);
    auto host = net::parse_host(rest.substr(0, rest.find_first_of("/?")));
    if (!host) return "the redirect URI's host is not valid (" + uri + ")";
    // Plain http only to the user's own machine (RFC 8252 §7.3): anything else could be read on the way.
    if (scheme == "http" && !net::is_loopback_host(host->host))
      return "a redirect URI must use https, or http to a loopback address (" + uri + ")";
  } else if (scheme == "javascript" || scheme == "data" || scheme == "file" || scheme == "vbscript" ||
             scheme == "about" || scheme == "blob") {
    return "the redirect URI scheme \"" + scheme + "\" is not allowed";
  }
  if (!config.redirect_uri_allowlist.empty() &&
      std::none_of(config.redirect_uri_allowlist.begin(), config.redirect_uri_allowlist.end(),
                   [&](const std::string& pattern) { return matches(pattern, uri); }))
    return "the redirect URI " + uri + " is not on this server's allowlist";
  return std::nullopt;
}

ClientRecord AuthorizationServer::Impl::find_client(const std::string& client_id) {
  if (looks_like_metadata_url(client_id) ||
      (config.metadata.allow_http_for_allowed_hosts && client_id.rfind("http://", 0) == 0)) {
    if (auto cached = store->client(client_id); cached && cached->metadata_document && cached->expires_at > now())
      return *cached;
    ClientRecord fetched = fetch_client_metadata(client_id, config.metadata);
    for (const auto& uri : fetched.redirect_uris)
      if (auto problem = redirect_uri_problem(uri)) throw MetadataError("the client metadata document: " + *problem);
    fetched.created_at = now();
    fetched.expires_at = now() + std::max<long long>(1, config.metadata.cache_ttl.count());
    store->put_client(fetched);
    return fetched;
  }
  auto client = store->client(client_id);
  if (!client || client->metadata_document)
    throw std::invalid_argument("no application is registered with this client_id");
  return *client;
}

void AuthorizationServer::Impl::register_client(const httplib::Request& req, httplib::Response& res) {
  if (!config.registration_token.empty() &&
      !mcp::constant_time_equal(mcp::bearer_token(req.get_header_value("Authorization")), config.registration_token)) {
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return oauth_error(res, 401, "invalid_token", "registration needs this server's initial access token");
  }
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return oauth_error(res, 400, "invalid_client_metadata", "send the metadata as a JSON object");
  const json uris = body.value("redirect_uris", json());
  if (!uris.is_array() || uris.empty() || uris.size() > kMaxRedirectUris)
    return oauth_error(res, 400, "invalid_redirect_uri", "redirect_uris must list 1 to 10 URIs");
  ClientRecord client{.client_id = random_secret(24), .created_at = now()};
  for (const auto& uri : uris) {
    if (!uri.is_string()) return oauth_error(res, 400, "invalid_redirect_uri", "redirect_uris must be strings");
    if (auto problem = redirect_uri_problem(uri.get<std::string>()))
      return oauth_error(res, 400, "invalid_redirect_uri", *problem);
    client.redirect_uris.push_back(uri.get<std::string>());
  }
  const json name = body.value("client_name", json());
  if (!name.is_null() && (!name.is_string() || name.get<std::string>().size() > kMaxNameLength))
    return oauth_error(res, 400, "invalid_client_metadata", "client_name must be a string of at most 200 characters");
  client.client_name = name.is_string() ? name.get<std::string>() : "unnamed client";
  for (const char* field : {"grant_types", "response_types"}) {
    const json list = body.value(field, json::array());
    const std::set<std::string> allowed = std::string(field) == "grant_types"
                                              ? std::set<std::string>{"authorization_code", "refresh_token"}
                                              : std::set<std::string>{"code"};
    if (!list.is_array())
      return oauth_error(res, 400, "invalid_client_metadata", std::string(field) + " must be a list");
    for (const auto& item : list)
      if (!item.is_string() || !allowed.count(item.get<std::string>()))
        return oauth_error(res, 400, "invalid_client_metadata",
                           std::string(field) + " may only hold " + space_joined(allowed));
  }
  store->put_client(client);
  spdlog::info("oauth: registered client {} ({})", client.client_id, client.client_name);
  // Every client is public (PKCE protects its code): whatever authentication method it asked for, it gets "none"
  // (RFC 7591 §3.2.1 lets the server replace requested values).
  json_reply(res, 201,
             {{"client_id", client.client_id},
              {"client_id_issued_at", client.created_at},
              {"client_name", client.client_name},
              {"redirect_uris", client.redirect_uris},
              {"grant_types", {"authorization_code", "refresh_token"}},
              {"response_types", {"code"}},
              {"token_endpoint_auth_method", "none"}});
}

}  // namespace oauth
