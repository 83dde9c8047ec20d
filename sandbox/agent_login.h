// The state of the sandbox's authorization-code flow for agent logins (HaloPSA's "Authorisation Code (Native
// Application)" API application): which redirect URIs the application allows, the codes handed out at the authorize
// endpoint, and the refresh tokens of each sign-in. Codes are single-use, short-lived and bound to the client,
// redirect URI and PKCE challenge; refresh tokens rotate, and a code or refresh token used twice revokes its whole
// sign-in (the family). Thread-safe. The routes are in routes_agent_login.cpp.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace sandbox {

// base64url(SHA-256(verifier)) without padding, RFC 7636's S256.
std::string pkce_s256(const std::string& verifier);
// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
bool is_valid_pkce_verifier(const std::string& verifier);
// A redirect URI a native application may use without registering it exactly: http on 127.0.0.1, [::1] or
// localhost, any port, with a path and no user info or fragment (RFC 8252 §7.3).
bool is_loopback_redirect(const std::string& uri);

class AgentLogin {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `redirect_uris` empty = any loopback URI. `clock` is injectable so tests can expire codes without waiting.
  AgentLogin(std::vector<std::string> redirect_uris, std::chrono::seconds code_ttl, Clock clock = {});

  bool redirect_allowed(const std::string& uri) const;
  void set_redirect_uris(std::vector<std::string> uris);
  std::vector<std::string> redirect_uris() const;

  struct Grant {
    std::string client_id;
    std::string redirect_uri;
    std::string code_challenge;  // S256
    std::string scope;
    long long agent_id = 0;
    std::string family;  // one per sign-in: the code, then every token from it
  };
  std::string issue_code(Grant grant);  // assigns grant.family

  struct Redeemed {
    std::optional<Grant> grant;  // set when the code is good
    std::string error;           // else a description for invalid_grant
    std::string revoke_family;   // a replayed code: the family whose tokens must go
  };
  Redeemed redeem_code(const std::string& code, const std::string& client_id, const std::string& redirect_uri,
                       const std::string& verifier);

  // A new refresh token for the family (scope and agent as granted).
  std::string issue_refresh(const Grant& grant);
  // The old token is spent: a second use is refused and revokes the family (revoke_family in the answer).
  Redeemed rotate_refresh(const std::string& refresh_token, const std::string& client_id);

  void clear();  // forget every code and refresh token (a sandbox reset)

 private:
  struct Code {
    Grant grant;
    std::chrono::steady_clock::time_point expires;
    bool used = false;
  };
  struct Refresh {
    Grant grant;
    bool used = false;
  };
  std::chrono::steady_clock::time_point now() const;

  mutable std::mutex mu_;
  std::vector<std::string> redirect_uris_;
  std::chrono::seconds code_ttl_;
  Clock clock_;
  std::unordered_map<std::string, Code> codes_;
  std::unordered_map<std::string, Refresh> refresh_;
  std::set<std::string> revoked_families_;
};

}  // namespace sandbox
