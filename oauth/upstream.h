// The identity provider the user really signs in with (HaloPSA in production). oauth/ only talks to it through
// this interface; the implementation lives with whoever knows the provider (app/ or halo/, never here).
#pragma once

#include <string>

namespace oauth {

struct UpstreamTokens {
  std::string access_token, refresh_token;
  long long expires_at = 0;  // unix seconds; 0: unknown (treated as already near expiry)
};

struct UpstreamIdentity {
  std::string id, name;  // the provider's stable user id and a display name
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // Where to send the browser: the provider's authorize endpoint with our redirect_uri, state and PKCE challenge.
  virtual std::string authorize_url(const std::string& redirect_uri, const std::string& state,
                                    const std::string& code_challenge_s256) = 0;
  // The code the provider sent back to our callback, for tokens. Throws (a message without secrets) on failure.
  virtual UpstreamTokens exchange_code(const std::string& code, const std::string& redirect_uri,
                                       const std::string& code_verifier) = 0;
  // A fresh access token (and, when the provider rotates them, a new refresh token). Throws on failure.
  virtual UpstreamTokens refresh(const std::string& refresh_token) = 0;
  // Who the access token belongs to. Throws on failure.
  virtual UpstreamIdentity identify(const std::string& access_token) = 0;
};

}  // namespace oauth
