// POST /auth/token (client credentials here; an agent's authorization code and refresh token in
// routes_agent_login.cpp) and GET /api/authinfo, as hosted Halo answers them.
#include <chrono>

#include "sandbox/service.h"

namespace sandbox {

using nlohmann::json;

namespace {

// Hosted Halo answers bad credentials and a missing or wrong tenant with an HTML 500, not an OAuth error.
void html_500(httplib::Response& res) {
  res.status = 500;
  res.set_content(html_error_page(500), "text/html; charset=utf-8");
}

}  // namespace

void handle_token(Service& svc, const httplib::Request& req, httplib::Response& res) {
  const QueryParams query = query_params(req);
  const QueryParams form = form_fields(req);
  auto field = [&](const char* name) -> std::string {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  std::string tenant;
  if (auto it = query.find("tenant"); it != query.end()) tenant = it->second;
  else
    tenant = field("tenant");
  if (tenant != svc.options.tenant) return html_500(res);

  const std::string grant = field("grant_type");
  if (grant == "authorization_code") return handle_code_grant(svc, form, res);
  if (grant == "refresh_token") return handle_refresh_grant(svc, form, res);
  if (grant != "client_credentials") {
    send_json(res, 400,
              {{"error", "unsupported_grant_type"},
               {"error_description", grant.empty() ? "grant_type is missing: send grant_type=client_credentials (or "
                                                     "authorization_code, refresh_token) as an "
                                                     "application/x-www-form-urlencoded body."
                                                   : "The grant type '" + grant + "' is not supported."}});
    return;
  }
  if (field("client_id") != svc.options.client_id || field("client_secret") != svc.options.client_secret)
    return html_500(res);

  // An unknown scope fails here (Halo answers invalid_scope at the token call); a token asked for without any scope
  // is issued, but every API call with it is refused 401 (observed: a scopeless token gets 401 everywhere).
  const std::string scope = field("scope");
  for (std::size_t pos = 0; pos < scope.size();) {
    auto next = scope.find(' ', pos);
    const std::string one = scope.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!one.empty() && !is_known_scope(one)) {
      send_json(res, 400, {{"error", "invalid_scope"}, {"error_description", "Unknown scope '" + one + "'."}});
      return;
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  const int ttl = svc.options.token_ttl_seconds;
  const std::string token =
      svc.tokens.issue(std::chrono::seconds(ttl), svc.faults.token_epoch(), TokenGrant{scope, kApiAgentId, ""});
  send_json(res, 200, {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", ttl}, {"scope", scope}});
}

void handle_authinfo(Service& svc, const httplib::Request& req, httplib::Response& res) {
  // Built from the Host the caller used, so a sandbox bound to another interface still points at itself.
  const std::string host = req.get_header_value("Host");
  const std::string base = host.empty() ? svc.base_url() : "http://" + host;
  send_json(res, 200, {{"auth_url", base + "/auth"}, {"tenant_id", svc.options.tenant}});
}

}  // namespace sandbox
