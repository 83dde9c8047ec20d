#include "oauth/sqlite_store.h"

#include "oauth/record_json.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

namespace oauth {

using json = nlohmann::json;
using namespace record_kind;

namespace {

// One prepared statement, finalized on every path.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt& text(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& integer(int i, long long v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  bool row() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("step");
    return false;
  }
  std::string column(int i) {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string();
  }

 private:
  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("OAuth store: ") + what + " failed: " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

SqliteStore::SqliteStore(const std::string& path) {
  // The file holds hashes and sealed tokens only, but nobody else has any business reading it.
  const mode_t old_mask = ::umask(077);
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  ::umask(old_mask);
  if (rc != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the OAuth store " + path + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec(
      "CREATE TABLE IF NOT EXISTS oauth_records (kind TEXT NOT NULL, key TEXT NOT NULL, grant_id TEXT NOT NULL, "
      "expires_at INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, key))");
  exec("CREATE INDEX IF NOT EXISTS oauth_records_grant ON oauth_records (grant_id)");
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

void SqliteStore::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("OAuth store: " + why);
  }
}

void SqliteStore::put(const char* kind, const std::string& key, const std::string& grant_id, long long expires_at,
                      const std::string& doc) {
  Stmt(db_, "INSERT OR REPLACE INTO oauth_records (kind, key, grant_id, expires_at, doc) VALUES (?, ?, ?, ?, ?)")
      .text(1, kind)
      .text(2, key)
      .text(3, grant_id)
      .integer(4, expires_at)
      .text(5, doc)
      .row();
}

std::optional<std::string> SqliteStore::get(const char* kind, const std::string& key) {
  Stmt s(db_, "SELECT doc FROM oauth_records WHERE kind = ? AND key = ?");
  s.text(1, kind).text(2, key);
  if (!s.row()) return std::nullopt;
  return s.column(0);
}

void SqliteStore::remove(const char* kind, const std::string& key) {
  Stmt(db_, "DELETE FROM oauth_records WHERE kind = ? AND key = ?").text(1, kind).text(2, key).row();
}

void SqliteStore::put_client(const ClientRecord& c) {
  std::lock_guard lock(mutex_);
  put(kClient, c.client_id, "", c.expires_at, to_doc(c).dump());
}

std::optional<ClientRecord> SqliteStore::client(const std::string& client_id) {
  std::lock_guard lock(mutex_);
  auto doc = get(kClient, client_id);
  if (!doc) return std::nullopt;
  return client_of(json::parse(*doc));
}

void SqliteStore::put_pending(const PendingAuthorization& p) {
  std::lock_guard lock(mutex_);
  put(kPending, p.state, "", p.expires_at, to_doc(p).dump());
}

std::optional<PendingAuthorization> SqliteStore::take_pending(const std::string& state) {
  std::lock_guard lock(mutex_);
  auto doc = get(kPending, state);
  if (!doc) return std::nullopt;
  remove(kPending, state);
  return pending_of(json::parse(*doc));
}

void SqliteStore::put_code(const AuthorizationCode& c) {
  std::lock_guard lock(mutex_);
  put(kCode, c.code_hash, c.grant_id, c.expires_at, to_doc(c).dump());
}

std::optional<AuthorizationCode> SqliteStore::consume_code(const std::string& code_hash) {
  std::lock_guard lock(mutex_);
  auto doc = get(kCode, code_hash);
  if (!doc) return std::nullopt;
  AuthorizationCode before = code_of(json::parse(*doc));
  AuthorizationCode after = before;
  after.used = true;
  put(kCode, after.code_hash, after.grant_id, after.expires_at, to_doc(after).dump());
  return before;
}

void SqliteStore::put_grant(const Grant& g) {
  std::lock_guard lock(mutex_);
  put(kGrant, g.grant_id, g.grant_id, 0, to_doc(g).dump());
}

std::optional<Grant> SqliteStore::grant(const std::string& grant_id) {
  std::lock_guard lock(mutex_);
  auto doc = get(kGrant, grant_id);
  if (!doc) return std::nullopt;
  return grant_of(json::parse(*doc));
}

void SqliteStore::revoke_grant(const std::string& grant_id) {
  std::lock_guard lock(mutex_);
  exec("BEGIN IMMEDIATE");
  try {
    if (auto doc = get(kGrant, grant_id)) {
      Grant g = grant_of(json::parse(*doc));
      g.revoked = true;
      put(kGrant, g.grant_id, g.grant_id, 0, to_doc(g).dump());
    }
    Stmt(db_, "DELETE FROM oauth_records WHERE grant_id = ? AND kind IN ('token', 'upstream')").text(1, grant_id).row();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

void SqliteStore::put_token(const TokenRecord& t) {
  std::lock_guard lock(mutex_);
  put(kToken, t.token_hash, t.grant_id, t.expires_at, to_doc(t).dump());
}

std::optional<TokenRecord> SqliteStore::token(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto doc = get(kToken, token_hash);
  if (!doc) return std::nullopt;
  return token_of(json::parse(*doc));
}

std::optional<TokenRecord> SqliteStore::use_refresh(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto doc = get(kToken, token_hash);
  if (!doc) return std::nullopt;
  TokenRecord before = token_of(json::parse(*doc));
  if (before.kind != TokenRecord::Kind::refresh) return before;
  TokenRecord after = before;
  after.used = true;
  put(kToken, after.token_hash, after.grant_id, after.expires_at, to_doc(after).dump());
  return before;
}

void SqliteStore::revoke_token(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto doc = get(kToken, token_hash);
  if (!doc) return;
  TokenRecord t = token_of(json::parse(*doc));
  t.revoked = true;
  put(kToken, t.token_hash, t.grant_id, t.expires_at, to_doc(t).dump());
}

void SqliteStore::put_upstream(const std::string& grant_id, const SealedUpstream& tokens) {
  std::lock_guard lock(mutex_);
  // Kept as long as the grant: an expired upstream access token is still refreshable.
  put(kUpstream, grant_id, grant_id, 0, json{{"sealed", tokens.sealed}, {"expires_at", tokens.expires_at}}.dump());
}

std::optional<SealedUpstream> SqliteStore::upstream(const std::string& grant_id) {
  std::lock_guard lock(mutex_);
  auto doc = get(kUpstream, grant_id);
  if (!doc) return std::nullopt;
  json d = json::parse(*doc);
  return SealedUpstream{d.at("sealed"), d.at("expires_at")};
}

void SqliteStore::purge_expired(long long now) {
  std::lock_guard lock(mutex_);
  Stmt(db_,
       "DELETE FROM oauth_records WHERE expires_at > 0 AND expires_at < ? AND kind IN ('client', 'pending', "
       "'code', 'token')")
      .integer(1, now)
      .row();
}

}  // namespace oauth
