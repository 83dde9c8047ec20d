// The upstream access token of a grant, for the code that calls the upstream on the signed-in user's behalf
// (per tool call). Refreshed, and re-stored with the rotated refresh token, when it is near expiry.
#pragma once

#include <chrono>
#include <memory>
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
  // The upstream refused `rejected` before its expiry: a token other than it. When another call (in this process or
  // another replica) has already replaced it, that one; else a refresh now. Throws SignInAgain.
  virtual std::string refreshed(const std::string& grant_id, const std::string& rejected) = 0;
};

// Serialises the refresh of one grant's upstream tokens: a refresh token is single-use (rotated), so two calls that
// find the access token stale, in one process or on two replicas, must not both spend it. The default holds a mutex
// per grant in this process; replicas hold a lock in Redis (app/redis_oauth_store.h).
class RefreshLocks {
 public:
  virtual ~RefreshLocks() = default;
  // Held until the handle is destroyed. Throws StoreUnavailable when the lock cannot be had.
  virtual std::shared_ptr<void> hold(const std::string& grant_id) = 0;
};
std::shared_ptr<RefreshLocks> in_process_refresh_locks();

// The implementation over a Store: one refresh at a time per grant (concurrent tool calls of one user wait for it
// rather than spending the single-use refresh token twice), and the stored tokens re-read once the lock is held.
class StoredUpstreamTokens : public UpstreamTokenSource {
 public:
  StoredUpstreamTokens(std::shared_ptr<Store> store, std::shared_ptr<Upstream> upstream,
                       std::shared_ptr<const Cipher> cipher, Clock clock = system_now,
                       std::chrono::seconds refresh_margin = std::chrono::seconds(60),
                       std::shared_ptr<RefreshLocks> locks = nullptr);
  std::string access_token(const std::string& grant_id) override;
  std::string refreshed(const std::string& grant_id, const std::string& rejected) override;

 private:
  // Under the grant's lock: the stored access token if it is neither near expiry nor `rejected`, else a new one.
  std::string current(const std::string& grant_id, const std::string* rejected);
  std::shared_ptr<Store> store_;
  std::shared_ptr<Upstream> upstream_;
  std::shared_ptr<const Cipher> cipher_;
  Clock clock_;
  std::chrono::seconds margin_;
  std::shared_ptr<RefreshLocks> locks_;
};

}  // namespace oauth
