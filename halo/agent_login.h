#pragma once
// An agent's sign-in with their own HaloPSA account: HaloPSA's authorization-code flow with PKCE, through an API
// application of type "Authorisation Code (Native Application)" (HALOPSA_AGENT_CLIENT_ID, no secret). The team
// server (`--auth halo`) sends the browser to authorize_url(), exchanges the code HaloPSA sends back, refreshes the
// agent's token and asks HaloPSA who the agent is. Plain types only: app/ adapts this to its OAuth server.
// Tokens, codes and verifiers never appear in what this class logs or throws.
#include <mutex>
#include <string>

#include "halo/agent.h"
#include "halo/config.h"
#include "halo/http_transport.h"
#include "halo/redactor.h"
#include "halo/token_cache.h"

namespace halo {

struct AgentTokens {
  std::string access_token;
  std::string refresh_token;  // "" when HaloPSA sent none (the scope lacked offline_access)
  long long expires_in = 0;   // seconds, as HaloPSA said (clamped to [1, one year]); 3600 when it said nothing
  std::string scope;          // as granted, "" when not said
};

class AgentLogin {
 public:
  // Needs base_url and agent_client_id (throws ConfigError otherwise). The auth server is found as for the
  // client-credentials token (discover_auth_server), on first use.
  explicit AgentLogin(Config config);
  AgentLogin(const AgentLogin&) = delete;
  AgentLogin& operator=(const AgentLogin&) = delete;

  // {auth}/authorize?response_type=code&client_id&redirect_uri&scope&state&code_challenge&code_challenge_method=S256
  // (&tenant= on hosted Halo). `code_challenge` is BASE64URL(SHA256(verifier)). Throws Error(network) when the auth
  // server has to be discovered and cannot be.
  std::string authorize_url(const std::string& redirect_uri, const std::string& state,
                            const std::string& code_challenge);

  // POST {auth}/token grant_type=authorization_code with the verifier. Throws Error(auth_failed) naming what HaloPSA
  // said (never the code or the verifier), Error(network).
  AgentTokens exchange_code(const std::string& code, const std::string& code_verifier, const std::string& redirect_uri);

  // POST {auth}/token grant_type=refresh_token. Throws Error(auth_failed): the agent must sign in again; Error(network).
  AgentTokens refresh(const std::string& refresh_token);

  // GET {api}/Agent/me with the agent's token. Throws Error (auth_failed for a 401).
  AgentIdentity identify(const std::string& access_token);

  const Config& config() const { return config_; }

 private:
  AuthServer auth_server();
  AgentTokens token_request(const std::string& form, const char* what);

  Config config_;
  Redactor redactor_;
  HttpTransport transport_;
  std::mutex mu_;
  bool discovered_ = false;
  AuthServer server_;
};

}  // namespace halo
