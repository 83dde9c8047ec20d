#include "halo/agent_login.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "halo/errors.h"
#include "halo/responses.h"
#include "halo/url.h"

namespace halo {
namespace {

using nlohmann::json;

Config checked(Config config) {
  if (config.base_url.empty() || config.agent_client_id.empty()) {
    throw ConfigError(
        "agents sign in through a HaloPSA API application of type 'Authorisation Code (Native "
        "Application)': set HALOPSA_AGENT_CLIENT_ID to its client ID (and HALOPSA_BASE_URL)");
  }
  config.validate();
  return config;
}

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (d == static_cast<double>(static_cast<long long>(d))) return std::to_string(static_cast<long long>(d));
  }
  return {};
}

}  // namespace

AgentLogin::AgentLogin(Config config)
    : config_(checked(std::move(config))),
      transport_({config_.connect_timeout_ms, config_.read_timeout_ms, config_.ca_file}) {}

AuthServer AgentLogin::auth_server() {
  std::lock_guard lock(mu_);
  if (!discovered_) {
    server_ = discover_auth_server(config_, transport_);
    discovered_ = true;
  }
  return server_;
}

std::string AgentLogin::authorize_url(const std::string& redirect_uri, const std::string& state,
                                      const std::string& code_challenge) {
  const AuthServer server = auth_server();
  Query q{{"response_type", "code"},
          {"client_id", config_.agent_client_id},
          {"redirect_uri", redirect_uri},
          {"scope", config_.agent_scope},
          {"state", state},
          {"code_challenge", code_challenge},
          {"code_challenge_method", "S256"}};
  if (!server.tenant.empty()) q.emplace_back("tenant", server.tenant);
  return server.auth_url + "/authorize?" + encode_query(q);
}

AgentTokens AgentLogin::token_request(const std::string& form, const char* what) {
  const AuthServer server = auth_server();
  const std::string url =
      server.auth_url + "/token" + (server.tenant.empty() ? std::string{} : "?tenant=" + percent_encode(server.tenant));
  HttpResponse r;
  try {
    r = transport_.send("POST", url, {{"Accept", "application/json"}}, form, "application/x-www-form-urlencoded");
  } catch (const Error& e) {
    throw Error(ErrorKind::network, std::string("HaloPSA's auth server did not answer the ") + what + ": " + e.what());
  }
  spdlog::debug("halo: POST {} ({}) -> {}", url, what, r.status);
  r.body = redactor_.scrub(std::move(r.body));
  if (r.status != 200) {
    const ErrorBody said = parse_error_body(r.body);
    throw Error(ErrorKind::auth_failed,
                std::string("HaloPSA refused the ") + what + " (" + std::to_string(r.status) +
                    (said.message.empty() ? std::string{} : ": " + said.message) +
                    "); the agent has to sign in again. If every sign-in fails, check HALOPSA_AGENT_CLIENT_ID "
                    "names an API application of type 'Authorisation Code (Native Application)' whose redirect URI "
                    "is this server's callback",
                r.status, 0, {}, truncate_body(r.body));
  }
  const auto grant = parse_token_grant(r.body);
  if (!grant) {
    throw Error(ErrorKind::auth_failed, std::string("HaloPSA answered the ") + what + " without an access_token",
                r.status);
  }
  AgentTokens tokens;
  tokens.access_token = grant->access_token;
  tokens.expires_in = grant->expires_in;
  const json answer = json::parse(r.body, nullptr, false);
  if (answer.is_object()) {
    if (auto it = answer.find("refresh_token"); it != answer.end() && it->is_string()) tokens.refresh_token = *it;
    if (auto it = answer.find("scope"); it != answer.end() && it->is_string()) tokens.scope = *it;
  }
  redactor_.add_token(tokens.access_token);
  if (!tokens.refresh_token.empty()) redactor_.add_token(tokens.refresh_token);
  return tokens;
}

AgentTokens AgentLogin::exchange_code(const std::string& code, const std::string& code_verifier,
                                      const std::string& redirect_uri) {
  const std::string form = "grant_type=authorization_code&client_id=" + percent_encode(config_.agent_client_id) +
                           "&code=" + percent_encode(code) + "&redirect_uri=" + percent_encode(redirect_uri) +
                           "&code_verifier=" + percent_encode(code_verifier);
  return token_request(form, "sign-in code exchange");
}

AgentTokens AgentLogin::refresh(const std::string& refresh_token) {
  if (refresh_token.empty()) {
    throw Error(ErrorKind::auth_failed,
                "HaloPSA gave this agent no refresh token (HALOPSA_AGENT_SCOPE lacks offline_access?); the agent has "
                "to sign in again");
  }
  redactor_.add_token(refresh_token);
  const std::string form = "grant_type=refresh_token&client_id=" + percent_encode(config_.agent_client_id) +
                           "&refresh_token=" + percent_encode(refresh_token);
  return token_request(form, "token refresh");
}

AgentIdentity AgentLogin::identify(const std::string& access_token) {
  redactor_.add_token(access_token);
  HttpResponse r;
  try {
    r = transport_.send("GET", config_.api_base() + "/Agent/me",
                        {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}});
  } catch (const Error& e) {
    throw Error(ErrorKind::network, std::string("HaloPSA did not answer GET /api/Agent/me: ") + e.what());
  }
  r.body = redactor_.scrub(std::move(r.body));
  if (r.status != 200) throw error_from_response(r.status, "GET", "Agent/me", r.body);
  const json agent = json::parse(r.body, nullptr, false);
  AgentIdentity who;
  if (agent.is_object()) {
    who.id = text_of(agent.value("id", json()));
    if (auto it = agent.find("name"); it != agent.end() && it->is_string()) who.name = *it;
    if (auto it = agent.find("email"); it != agent.end() && it->is_string()) who.email = *it;
  }
  if (who.id.empty() || who.id == "0") {
    throw Error(ErrorKind::upstream, "HaloPSA's GET /api/Agent/me named no agent id", r.status, 0, {},
                truncate_body(r.body));
  }
  if (who.name.empty()) who.name = "agent " + who.id;
  return who;
}

}  // namespace halo
