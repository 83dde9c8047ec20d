// Shared by the files of the authorization server (authorization_server.cpp, authorize_flow.cpp,
// token_endpoint.cpp, registration.cpp); not part of its interface.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "oauth/authorization_server.h"

namespace oauth {

using json = nlohmann::json;

struct AuthorizationServer::Impl {
  const ServerConfig& config;
  std::shared_ptr<Store> store;
  std::shared_ptr<Upstream> upstream;
  std::shared_ptr<const Cipher> cipher;
  Clock clock;
  std::string resource, callback;
  std::atomic<long long> last_purge{0};

  long long now() const { return clock(); }
  void purge_now_and_then();

  // A registered client, or the one a metadata document URL describes (fetched, checked and cached).
  // Throws MetadataError or std::invalid_argument with a message for the user's page.
  ClientRecord find_client(const std::string& client_id);
  // Why this redirect URI may not be registered, or nullopt (absolute, no fragment, https or loopback http or a
  // private-use scheme, and on the allowlist when there is one).
  std::optional<std::string> redirect_uri_problem(const std::string& uri) const;

  void authorize(const httplib::Request& req, httplib::Response& res);
  void callback_from_upstream(const httplib::Request& req, httplib::Response& res);
  void token(const httplib::Request& req, httplib::Response& res);
  void revoke(const httplib::Request& req, httplib::Response& res);
  void register_client(const httplib::Request& req, httplib::Response& res);

  // Access and refresh tokens for a grant: the /token response body.
  json issue_tokens(const Grant& grant);
};

// A request parameter that must appear at most once (OAuth refuses repeated parameters): its value, "" when absent,
// nullopt when repeated.
std::optional<std::string> single_param(const httplib::Request& req, const char* name);
// {"error", "error_description"} with no-store caching, as /token, /revoke and /register answer.
void oauth_error(httplib::Response& res, int status, const std::string& error, const std::string& description);
void json_reply(httplib::Response& res, int status, const json& body);
// A page for the person in the browser when the error cannot be sent back to the client (unknown client, bad
// redirect URI, lost state): nothing is redirected to a URI we cannot trust.
void error_page(httplib::Response& res, const std::string& title, const std::string& detail);
// Percent-encoding of everything but RFC 3986's unreserved characters.
std::string form_encode(std::string_view value);
// uri + ("?" or "&") + the parameters, percent-encoded.
std::string with_query(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params);
std::string space_joined(const std::set<std::string>& items);
std::set<std::string> space_split(const std::string& text);

}  // namespace oauth
