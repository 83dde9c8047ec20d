#include "oauth/token_source.h"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

namespace oauth {

using json = nlohmann::json;

namespace {

class InProcessRefreshLocks : public RefreshLocks {
 public:
  std::shared_ptr<void> hold(const std::string& grant_id) override {
    std::shared_ptr<std::mutex> m;
    {
      std::lock_guard lock(mutex_);
      auto& slot = locks_[grant_id];
      if (!slot) slot = std::make_shared<std::mutex>();
      m = slot;
    }
    m->lock();
    return std::shared_ptr<void>(nullptr, [m](void*) { m->unlock(); });
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;
};

}  // namespace

std::shared_ptr<RefreshLocks> in_process_refresh_locks() { return std::make_shared<InProcessRefreshLocks>(); }

StoredUpstreamTokens::StoredUpstreamTokens(std::shared_ptr<Store> store, std::shared_ptr<Upstream> upstream,
                                           std::shared_ptr<const Cipher> cipher, Clock clock,
                                           std::chrono::seconds refresh_margin, std::shared_ptr<RefreshLocks> locks)
    : store_(std::move(store)),
      upstream_(std::move(upstream)),
      cipher_(std::move(cipher)),
      clock_(clock ? std::move(clock) : Clock(system_now)),
      margin_(refresh_margin),
      locks_(locks ? std::move(locks) : in_process_refresh_locks()) {}

std::string StoredUpstreamTokens::access_token(const std::string& grant_id) { return current(grant_id, nullptr); }

std::string StoredUpstreamTokens::refreshed(const std::string& grant_id, const std::string& rejected) {
  return current(grant_id, &rejected);
}

std::string StoredUpstreamTokens::current(const std::string& grant_id, const std::string* rejected) {
  const auto held = locks_->hold(grant_id);
  auto grant = store_->grant(grant_id);
  if (!grant || grant->revoked) throw SignInAgain("this authorization was revoked: sign in again");
  auto stored = store_->upstream(grant_id);
  if (!stored) throw SignInAgain("no sign-in is stored for this authorization: sign in again");
  json tokens = json::parse(cipher_->open(stored->sealed));
  const long long now = clock_();
  const std::string access = tokens.at("access_token").get<std::string>();
  // Re-read under the lock: a refresh that finished while this call waited left a new token, which is the answer.
  if (stored->expires_at > now + margin_.count() && (!rejected || access != *rejected)) return access;
  const std::string refresh = tokens.value("refresh_token", std::string());
  if (refresh.empty())
    throw SignInAgain(
        "the sign-in at the identity provider expired and cannot be renewed: sign in "
        "again");
  UpstreamTokens fresh;
  try {
    fresh = upstream_->refresh(refresh);
  } catch (const std::exception& e) {
    spdlog::warn("oauth: renewing {}'s sign-in at the identity provider failed: {}", grant->user.name, e.what());
    throw SignInAgain("the identity provider did not renew the sign-in: sign in again");
  }
  if (fresh.refresh_token.empty()) fresh.refresh_token = refresh;  // a provider that does not rotate
  const json sealed{
      {"access_token", fresh.access_token}, {"refresh_token", fresh.refresh_token}, {"expires_at", fresh.expires_at}};
  store_->put_upstream(grant_id, {cipher_->seal(sealed.dump()), fresh.expires_at});
  return fresh.access_token;
}

}  // namespace oauth
