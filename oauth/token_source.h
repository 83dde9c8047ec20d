// The upstream access token of a grant, for the code that calls the upstream on the signed-in user's behalf
// (per tool call). Refreshed, and re-stored with the rotated refresh token, when it is near expiry.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "oauth/clock.h"
#include "oauth/crypto.h"
#include "oauth/store.h"
#include "oauth/upstream.h"

namespace oauth {

// The grant is revoked or unknown, or the upstream refused its refresh token: the user must sign in again.
// The message names no secret.
struct SignInAgain : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class UpstreamTokenSource {
 public:
  virtual ~UpstreamTokenSource() = default;
  // Thread-safe. Throws SignInAgain when there is no usable token for the grant.
  virtual std::string access_token(const std::string& grant_id) = 0;
};

// The implementation over a Store: one refresh at a time per grant (concurrent tool calls of one user wait for it
// rather than spending the single-use refresh token twice).
class StoredUpstreamTokens : public UpstreamTokenSource {
 public:
  StoredUpstreamTokens(std::shared_ptr<Store> store, std::shared_ptr<Upstream> upstream,
                       std::shared_ptr<const Cipher> cipher, Clock clock = system_now,
                       std::chrono::seconds refresh_margin = std::chrono::seconds(60));
  std::string access_token(const std::string& grant_id) override;

 private:
  std::mutex& lock_for(const std::string& grant_id);
  std::shared_ptr<Store> store_;
  std::shared_ptr<Upstream> upstream_;
  std::shared_ptr<const Cipher> cipher_;
  Clock clock_;
  std::chrono::seconds margin_;
  std::mutex locks_mutex_;
  std::map<std::string, std::unique_ptr<std::mutex>> locks_;
};

}  // namespace oauth
