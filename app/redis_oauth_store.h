// The OAuth store and the upstream-refresh locks of replicas (--auth halo with --redis): what one replica's
// authorization server records (registrations, pending sign-ins, codes, grants, tokens, the agents' sealed HaloPSA
// tokens) every other replica reads, so a client's next request, an upstream callback or a token refresh may land
// on any of them. Same records and rules as the one-process SQLite store (oauth/sqlite_store.h, one JSON codec in
// oauth/record_json.h); nothing in clear: codes and tokens by hash, upstream tokens sealed with the key every
// replica shares. While Redis is away every method throws oauth::StoreUnavailable.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "oauth/store.h"
#include "oauth/token_source.h"
#include "shared_state/redis.h"

namespace app {

class RedisOAuthStore : public oauth::Store {
 public:
  // Keys under `prefix` (the tenant's, so two tenants on one Redis stay apart).
  RedisOAuthStore(std::shared_ptr<shared_state::Redis> redis, std::string prefix);

  void put_client(const oauth::ClientRecord& client) override;
  std::optional<oauth::ClientRecord> client(const std::string& client_id) override;
  void put_pending(const oauth::PendingAuthorization& pending) override;
  std::optional<oauth::PendingAuthorization> take_pending(const std::string& state) override;
  void put_code(const oauth::AuthorizationCode& code) override;
  std::optional<oauth::AuthorizationCode> consume_code(const std::string& code_hash) override;
  void put_grant(const oauth::Grant& grant) override;
  std::optional<oauth::Grant> grant(const std::string& grant_id) override;
  void revoke_grant(const std::string& grant_id) override;
  void put_token(const oauth::TokenRecord& token) override;
  std::optional<oauth::TokenRecord> token(const std::string& token_hash) override;
  std::optional<oauth::TokenRecord> use_refresh(const std::string& token_hash) override;
  void revoke_token(const std::string& token_hash) override;
  void put_upstream(const std::string& grant_id, const oauth::SealedUpstream& tokens) override;
  std::optional<oauth::SealedUpstream> upstream(const std::string& grant_id) override;
  void purge_expired(long long now) override;

 private:
  std::string key(const char* kind, const std::string& id) const;
  void put(const char* kind, const std::string& id, const std::string& doc, const std::string& grant_id,
           long long expires_at, bool refresh_token = false);
  // A record's JSON with the flags set on it since it was written; nullopt when there is none.
  std::optional<nlohmann::json> get(const char* kind, const std::string& id);
  // kUse on it: marks it used ("any" record, or only a "refresh" token) and returns it as it was.
  std::optional<nlohmann::json> use(const char* kind, const std::string& id, const char* which);
  // A Lua script (or, with none, one command: args is its argv); Redis away → oauth::StoreUnavailable.
  shared_state::Reply run(const char* script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args);

  std::shared_ptr<shared_state::Redis> redis_;
  std::string prefix_;  // "<tenant prefix>oauth:"
};

// One refresh of a grant's upstream tokens at a time across every replica: a Redis lock (shared_state::RedisLock)
// per grant, renewed while held and lapsing by itself if its replica dies mid-refresh.
class RedisRefreshLocks : public oauth::RefreshLocks {
 public:
  RedisRefreshLocks(std::shared_ptr<shared_state::Redis> redis, std::string prefix);
  std::shared_ptr<void> hold(const std::string& grant_id) override;

 private:
  std::shared_ptr<shared_state::Redis> redis_;
  std::string prefix_;  // "<tenant prefix>oauth-refresh:"
};

}  // namespace app
