// The Store of a single server process: one SQLite file (or ":memory:"), one connection behind a mutex.
// Each record is a JSON document under (kind, key), with its grant and expiry in columns of their own so that
// revoking a grant and purging expired rows are single statements.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "oauth/store.h"

struct sqlite3;

namespace oauth {

class SqliteStore : public Store {
 public:
  // Creates the file (mode 0600) and its table if needed. Throws std::runtime_error naming the path.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  void put_client(const ClientRecord& client) override;
  std::optional<ClientRecord> client(const std::string& client_id) override;
  void put_pending(const PendingAuthorization& pending) override;
  std::optional<PendingAuthorization> take_pending(const std::string& state) override;
  void put_code(const AuthorizationCode& code) override;
  std::optional<AuthorizationCode> consume_code(const std::string& code_hash) override;
  void put_grant(const Grant& grant) override;
  std::optional<Grant> grant(const std::string& grant_id) override;
  void revoke_grant(const std::string& grant_id) override;
  void put_token(const TokenRecord& token) override;
  std::optional<TokenRecord> token(const std::string& token_hash) override;
  std::optional<TokenRecord> use_refresh(const std::string& token_hash) override;
  void revoke_token(const std::string& token_hash) override;
  void put_upstream(const std::string& grant_id, const SealedUpstream& tokens) override;
  std::optional<SealedUpstream> upstream(const std::string& grant_id) override;
  void purge_expired(long long now) override;

 private:
  struct Row;
  void put(const char* kind, const std::string& key, const std::string& grant_id, long long expires_at,
           const std::string& doc);
  std::optional<std::string> get(const char* kind, const std::string& key);
  void remove(const char* kind, const std::string& key);
  void exec(const char* sql);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace oauth
