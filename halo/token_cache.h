#pragma once
// The OAuth2 client-credentials token shared by every concurrent call. Discovers the auth server
// (HALOPSA_AUTH_URL, else GET {api}/authinfo, else {base}/auth), fetches a token, refreshes it
// ahead of expires_in and lets only one thread refresh at a time.
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "halo/config.h"
#include "halo/http_transport.h"
#include "halo/redactor.h"

namespace halo {

// Where HaloPSA's auth server is: HALOPSA_AUTH_URL, else what GET {api}/authinfo names (https or loopback only),
// else {base}/auth; the tenant: HALOPSA_TENANT, else authinfo's, else from a {tenant}.halopsa.com host. Shared by the
// client-credentials token and the agents' sign-in (halo/agent_login.h). Throws Error(network).
struct AuthServer {
  std::string auth_url;  // no trailing '/'
  std::string tenant;    // "" when none applies (on-premises)
};
// `take_budget_slot`, when given, is called before GET /api/authinfo (an /api request the rate limit may count).
AuthServer discover_auth_server(const Config& config, HttpTransport& transport,
                                const std::function<void()>& take_budget_slot = {});

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;

  // `take_budget_slot` is called before GET /api/authinfo: an /api request, which HaloPSA's rate limit may count
  // like any other (the sandbox does), so it takes a slot of the client's budget like any other.
  TokenCache(const Config& config, HttpTransport& transport, Redactor& redactor,
             std::function<void()> take_budget_slot = {});

  // A usable access token. Fetches one when there is none or it is about to expire. While the
  // current token is still valid, only one caller refreshes and the others keep using it.
  // Throws Error(auth_failed) or Error(network).
  std::string access_token();

  // A call was answered 401 with `rejected`: forget it, unless another thread already replaced it
  // (so a burst of 401s causes one refresh, not one per call).
  void invalidate(const std::string& rejected);

  int seconds_left() const;  // -1 when no token is held

  // The auth server and tenant actually used (after discovery); empty until the first fetch.
  std::string auth_url() const;
  std::string tenant() const;
  // The scope the token answer says was granted ("" when it named none or no token was fetched yet).
  std::string granted_scope() const;

 private:
  void fetch_locked();  // refresh_mu_ held
  Clock::time_point now() const { return config_.token_clock ? config_.token_clock() : Clock::now(); }

  const Config& config_;
  HttpTransport& transport_;
  Redactor& redactor_;
  std::function<void()> take_budget_slot_;

  std::mutex refresh_mu_;  // serialises discovery and token requests
  mutable std::mutex mu_;  // guards the fields below
  bool discovered_ = false;
  std::string auth_url_;
  std::string tenant_;
  std::string token_;
  std::string granted_scope_;
  Clock::time_point expires_at_{};
  Clock::time_point refresh_at_{};
};

}  // namespace halo
