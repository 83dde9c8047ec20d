// Agent sign-in, as HaloPSA's "Authorisation Code (Native Application)" API application does it: GET
// /auth/authorize shows a login page, POST /auth/authorize checks the agent's login and sends the browser back to the
// redirect URI with a code; POST /auth/token exchanges the code (PKCE S256) and refresh tokens. Beliefs and sources:
// docs/halopsa-quirks.md ("Agent sign-in").
#include <chrono>

#include "sandbox/service.h"
#include "util/text.h"

namespace sandbox {

using nlohmann::json;

namespace {

std::string field(const QueryParams& params, const char* name) {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

void html_page(httplib::Response& res, int status, const std::string& title, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");  // no clickjacking of the login form
  res.set_content("<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>" + util::html_escape(title) +
                      "</title></head>\n<body>\n<h1>" + util::html_escape(title) + "</h1>\n" + body +
                      "</body>\n</html>\n",
                  "text/html; charset=utf-8");
}

// Refused before any redirect: the browser stays here, so a forged request cannot bounce it to a stranger's site.
void refuse(httplib::Response& res, const std::string& why) {
  html_page(res, 400, "Sign-in request refused", "<p class=\"error\">" + util::html_escape(why) + "</p>\n");
}

// The parameters of the authorization request, carried from the GET to the POST in hidden fields.
const char* const kRequestFields[] = {"response_type", "client_id",      "redirect_uri",          "scope",
                                      "state",         "code_challenge", "code_challenge_method", "tenant"};

struct AuthRequest {
  QueryParams params;
  std::string client_id, redirect_uri, scope, state, code_challenge;
};

std::string with_query(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = uri;
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : params) {
    if (v.empty() && k == "state") continue;
    out += sep;
    out += k + "=" + httplib::detail::encode_query_param(v);
    sep = '&';
  }
  return out;
}

void redirect(httplib::Response& res, const std::string& location) {
  res.status = 302;
  res.set_header("Location", location);
  res.set_header("Cache-Control", "no-store");
}

void redirect_error(httplib::Response& res, const AuthRequest& r, const std::string& error,
                    const std::string& description) {
  redirect(res, with_query(r.redirect_uri, {{"error", error}, {"error_description", description}, {"state", r.state}}));
}

bool is_s256_challenge(const std::string& c) {
  if (c.size() != 43) return false;
  for (unsigned char ch : c)
    if (!std::isalnum(ch) && ch != '-' && ch != '_') return false;
  return true;
}

// Checks the request; answers (a 400 page or an error redirect) and returns nullopt when it is not acceptable.
std::optional<AuthRequest> check_request(Service& svc, const QueryParams& params, httplib::Response& res) {
  AuthRequest r{params,
                field(params, "client_id"),
                field(params, "redirect_uri"),
                field(params, "scope"),
                field(params, "state"),
                field(params, "code_challenge")};
  if (r.client_id.empty()) return refuse(res, "client_id is missing."), std::nullopt;
  if (r.client_id != svc.options.agent_app_client_id)
    return refuse(res, "No API application has the client_id '" + r.client_id + "'."), std::nullopt;
  if (r.redirect_uri.empty()) return refuse(res, "redirect_uri is missing."), std::nullopt;
  if (!svc.agent_login.redirect_allowed(r.redirect_uri))
    return refuse(res, "The redirect_uri '" + r.redirect_uri + "' is not one this application allows."), std::nullopt;
  if (const std::string tenant = field(params, "tenant"); !tenant.empty() && tenant != svc.options.tenant)
    return refuse(res, "Unknown tenant '" + tenant + "'."), std::nullopt;
  if (field(params, "response_type") != "code")
    return redirect_error(res, r, "unsupported_response_type", "response_type must be code."), std::nullopt;
  if (field(params, "code_challenge_method") != "S256" || !is_s256_challenge(r.code_challenge))
    return redirect_error(res, r, "invalid_request",
                          "PKCE is required: send code_challenge (43 base64url characters) with "
                          "code_challenge_method=S256."),
           std::nullopt;
  for (std::size_t pos = 0; pos < r.scope.size();) {
    const auto next = r.scope.find(' ', pos);
    const std::string one = r.scope.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!one.empty() && !is_known_scope(one))
      return redirect_error(res, r, "invalid_scope", "Unknown scope '" + one + "'."), std::nullopt;
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return r;
}

void login_page(Service& svc, httplib::Response& res, const AuthRequest& r, const std::string& error, int status) {
  std::string body =
      "<p>HaloPSA sandbox: sign in as an agent to let the application act as you. This is a sandbox, so its demo "
      "logins are listed here.</p>\n<table>\n<tr><th>username</th><th>password</th><th>agent</th><th>may</th></tr>\n";
  for (const auto& login : demo_logins()) {
    const auto agent = svc.store.agent(login.agent_id);
    if (!agent) continue;
    body += "<tr><td>" + util::html_escape(login.username) + "</td><td>" + util::html_escape(login.password) +
            "</td><td>" + util::html_escape(agent->name) + " (" + std::to_string(agent->id) + ")</td><td>" +
            (agent->can_edit ? "read and change" : "read only") + "</td></tr>\n";
  }
  body += "</table>\n";
  if (!error.empty()) body += "<p class=\"error\">" + util::html_escape(error) + "</p>\n";
  body += "<form method=\"post\" action=\"/auth/authorize\">\n";
  for (const char* name : kRequestFields)
    if (auto v = field(r.params, name); !v.empty())
      body += std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + util::html_escape(v) + "\">\n";
  body +=
      "<label>Username <input name=\"username\" autocomplete=\"username\"></label>\n"
      "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\n"
      "<button type=\"submit\">Sign in</button>\n</form>\n";
  html_page(res, status, "Sign in to HaloPSA (sandbox)", body);
}

void token_error(httplib::Response& res, int status, const std::string& error, const std::string& description) {
  send_json(res, status, {{"error", error}, {"error_description", description}});
  res.set_header("Cache-Control", "no-store");
}

bool wants_refresh(const std::string& scope) {
  for (std::size_t pos = 0; pos <= scope.size();) {
    const auto next = scope.find(' ', pos);
    if (scope.substr(pos, next == std::string::npos ? std::string::npos : next - pos) == "offline_access") return true;
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return false;
}

// The token answer for a grant of an agent's sign-in: a new access token, and (`with_refresh`) a new refresh token
// when the sign-in asked for offline_access.
void issue_tokens(Service& svc, httplib::Response& res, const AgentLogin::Grant& grant, bool with_refresh) {
  const int ttl = svc.options.token_ttl_seconds;
  const std::string access = svc.tokens.issue(std::chrono::seconds(ttl), svc.faults.token_epoch(),
                                              TokenGrant{grant.scope, grant.agent_id, grant.family});
  json body = {{"access_token", access}, {"token_type", "Bearer"}, {"expires_in", ttl}, {"scope", grant.scope}};
  if (with_refresh && wants_refresh(grant.scope)) body["refresh_token"] = svc.agent_login.issue_refresh(grant);
  send_json(res, 200, body);
  res.set_header("Cache-Control", "no-store");
}

bool check_client(Service& svc, const QueryParams& form, httplib::Response& res) {
  const std::string client_id = field(form, "client_id");
  if (client_id.empty()) return token_error(res, 400, "invalid_request", "client_id is missing."), false;
  if (client_id != svc.options.agent_app_client_id)
    return token_error(res, 401, "invalid_client", "No API application has the client_id '" + client_id + "'."), false;
  return true;
}

}  // namespace

void handle_authorize(Service& svc, const httplib::Request& req, httplib::Response& res, json& acting) {
  const bool posted = req.method == "POST";
  const auto r = check_request(svc, posted ? form_fields(req) : query_params(req), res);
  if (!r) return;
  if (!posted) return login_page(svc, res, *r, "", 200);
  const auto agent = svc.store.agent_login(field(r->params, "username"), field(r->params, "password"));
  if (!agent) return login_page(svc, res, *r, "The username or password is incorrect.", 200);
  acting = acting_agent(*agent);
  const std::string code = svc.agent_login.issue_code(
      AgentLogin::Grant{r->client_id, r->redirect_uri, r->code_challenge, r->scope, agent->id, ""});
  redirect(res, with_query(r->redirect_uri, {{"code", code}, {"state", r->state}}));
}

void handle_code_grant(Service& svc, const QueryParams& form, httplib::Response& res) {
  if (!check_client(svc, form, res)) return;
  for (const char* name : {"code", "redirect_uri", "code_verifier"})
    if (field(form, name).empty()) return token_error(res, 400, "invalid_request", std::string(name) + " is missing.");
  auto redeemed = svc.agent_login.redeem_code(field(form, "code"), field(form, "client_id"),
                                              field(form, "redirect_uri"), field(form, "code_verifier"));
  svc.tokens.revoke_family(redeemed.revoke_family);
  if (!redeemed.grant) return token_error(res, 400, "invalid_grant", redeemed.error);
  issue_tokens(svc, res, *redeemed.grant, true);
}

void handle_refresh_grant(Service& svc, const QueryParams& form, httplib::Response& res) {
  if (!check_client(svc, form, res)) return;
  if (field(form, "refresh_token").empty())
    return token_error(res, 400, "invalid_request", "refresh_token is missing.");
  const bool rotate = svc.quirks.get().refresh_token_rotation == Quirks::RefreshRotation::Rotate;
  auto redeemed = svc.agent_login.use_refresh(field(form, "refresh_token"), field(form, "client_id"), rotate);
  svc.tokens.revoke_family(redeemed.revoke_family);
  if (!redeemed.grant) return token_error(res, 400, "invalid_grant", redeemed.error);
  if (auto agent = svc.store.agent(redeemed.grant->agent_id); !agent || agent->inactive)
    return token_error(res, 400, "invalid_grant", "The agent of this sign-in can no longer sign in.");
  issue_tokens(svc, res, *redeemed.grant, rotate);
}

}  // namespace sandbox
