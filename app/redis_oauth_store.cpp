#include "app/redis_oauth_store.h"

#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "oauth/record_json.h"
#include "shared_state/redis_lock.h"

namespace app {

using json = nlohmann::json;
using shared_state::Reply;
using namespace oauth::record_kind;

// Layout, under prefix_ ("halopsa-mcp:<tenant>:oauth:"):
//   <kind>:<id>            a hash: doc (the record's JSON, oauth/record_json.h), grant, refresh ("1" for a refresh
//                          token), and the flags set later without rewriting doc: used, revoked ("1")
//   expiry                 a sorted set of the record keys that expire, scored by expires_at (purge_expired)
//   grant-records:<grant>  a set of the token and upstream keys of a grant (revoke_grant deletes them)
// Each read-modify-write is one Lua script, so it is atomic across replicas as SQLite's are in one process.
namespace {

// KEYS: record, expiry[, grant set]. ARGV: doc, expires_at, grant_id, refresh flag. A put replaces the record
// whole, flags included (as SQLite's INSERT OR REPLACE does).
constexpr const char* kPut = R"lua(
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'grant', ARGV[3], 'refresh', ARGV[4])
if tonumber(ARGV[2]) > 0 then redis.call('ZADD', KEYS[2], ARGV[2], KEYS[1]) else redis.call('ZREM', KEYS[2], KEYS[1]) end
if KEYS[3] then redis.call('SADD', KEYS[3], KEYS[1]) end
return 1
)lua";

// KEYS: record, expiry. Reads and deletes: a pending authorization is good for one callback.
constexpr const char* kTake = R"lua(
local doc = redis.call('HGET', KEYS[1], 'doc')
if not doc then return false end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return doc
)lua";

// KEYS: record. ARGV: 'any' (a code) or 'refresh' (only a refresh token is marked). Marks it used and returns it as
// it was: {doc, used, revoked}.
constexpr const char* kUse = R"lua(
local v = redis.call('HMGET', KEYS[1], 'doc', 'used', 'revoked', 'refresh')
if not v[1] then return false end
if ARGV[1] == 'any' or v[4] == '1' then redis.call('HSET', KEYS[1], 'used', '1') end
return {v[1], v[2] or '', v[3] or ''}
)lua";

// KEYS: record. Sets the revoked flag of a record that exists.
constexpr const char* kRevoke = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end
return 1
)lua";

// KEYS: grant, grant set, expiry. The grant revoked, every token and upstream record under it deleted.
constexpr const char* kRevokeGrant = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end
for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  redis.call('DEL', k)
  redis.call('ZREM', KEYS[3], k)
end
redis.call('DEL', KEYS[2])
return 1
)lua";

// KEYS: expiry. ARGV: now, the grant-set key prefix. Deletes what expired before now.
constexpr const char* kPurge = R"lua(
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '1', '(' .. ARGV[1])
for _, k in ipairs(gone) do
  local g = redis.call('HGET', k, 'grant')
  if g and g ~= '' then redis.call('SREM', ARGV[2] .. g, k) end
  redis.call('DEL', k)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '1', '(' .. ARGV[1])
return #gone
)lua";

std::string str(const Reply& r) { return r.type == Reply::Type::string ? r.str : std::string(); }

// The doc with the flags set on it since it was written.
json with_flags(const std::string& doc, const std::string& used, const std::string& revoked) {
  json d = json::parse(doc);
  if (used == "1") d["used"] = true;
  if (revoked == "1") d["revoked"] = true;
  return d;
}

}  // namespace

RedisOAuthStore::RedisOAuthStore(std::shared_ptr<shared_state::Redis> redis, std::string prefix)
    : redis_(std::move(redis)), prefix_(std::move(prefix) + "oauth:") {}

std::string RedisOAuthStore::key(const char* kind, const std::string& id) const { return prefix_ + kind + ":" + id; }

Reply RedisOAuthStore::run(const char* script, const std::vector<std::string>& keys,
                           const std::vector<std::string>& args) {
  Reply r;
  try {
    r = script ? redis_->script(script, keys, args) : redis_->command(args);
  } catch (const shared_state::Unavailable& e) {
    throw oauth::StoreUnavailable(std::string("the OAuth store (Redis) is unreachable: ") + e.what());
  }
  if (r.type == Reply::Type::error) throw std::runtime_error("the OAuth store (Redis) refused a command: " + r.str);
  return r;
}

void RedisOAuthStore::put(const char* kind, const std::string& id, const std::string& doc, const std::string& grant_id,
                          long long expires_at, bool refresh_token) {
  std::vector<std::string> keys{key(kind, id), prefix_ + "expiry"};
  const bool under_grant =
      !grant_id.empty() && (std::string_view(kind) == kToken || std::string_view(kind) == kUpstream);
  if (under_grant) keys.push_back(prefix_ + "grant-records:" + grant_id);
  run(kPut, keys, {doc, std::to_string(expires_at), grant_id, refresh_token ? "1" : "0"});
}

std::optional<json> RedisOAuthStore::get(const char* kind, const std::string& id) {
  const Reply r = run(nullptr, {}, {"HMGET", key(kind, id), "doc", "used", "revoked"});
  if (r.elements.size() != 3 || r.elements[0].type != Reply::Type::string) return std::nullopt;
  return with_flags(r.elements[0].str, str(r.elements[1]), str(r.elements[2]));
}

std::optional<json> RedisOAuthStore::use(const char* kind, const std::string& id, const char* which) {
  const Reply r = run(kUse, {key(kind, id)}, {which});
  if (r.type != Reply::Type::array || r.elements.size() != 3) return std::nullopt;
  return with_flags(r.elements[0].str, r.elements[1].str, r.elements[2].str);
}

void RedisOAuthStore::put_client(const oauth::ClientRecord& c) {
  put(kClient, c.client_id, oauth::to_doc(c).dump(), "", c.expires_at);
}

std::optional<oauth::ClientRecord> RedisOAuthStore::client(const std::string& client_id) {
  auto doc = get(kClient, client_id);
  if (!doc) return std::nullopt;
  return oauth::client_of(*doc);
}

void RedisOAuthStore::put_pending(const oauth::PendingAuthorization& p) {
  put(kPending, p.state, oauth::to_doc(p).dump(), "", p.expires_at);
}

std::optional<oauth::PendingAuthorization> RedisOAuthStore::take_pending(const std::string& state) {
  const Reply r = run(kTake, {key(kPending, state), prefix_ + "expiry"}, {});
  if (r.type != Reply::Type::string) return std::nullopt;
  return oauth::pending_of(json::parse(r.str));
}

void RedisOAuthStore::put_code(const oauth::AuthorizationCode& c) {
  put(kCode, c.code_hash, oauth::to_doc(c).dump(), c.grant_id, c.expires_at);
}

std::optional<oauth::AuthorizationCode> RedisOAuthStore::consume_code(const std::string& code_hash) {
  auto doc = use(kCode, code_hash, "any");
  if (!doc) return std::nullopt;
  return oauth::code_of(*doc);
}

void RedisOAuthStore::put_grant(const oauth::Grant& g) { put(kGrant, g.grant_id, oauth::to_doc(g).dump(), "", 0); }

std::optional<oauth::Grant> RedisOAuthStore::grant(const std::string& grant_id) {
  auto doc = get(kGrant, grant_id);
  if (!doc) return std::nullopt;
  return oauth::grant_of(*doc);
}

void RedisOAuthStore::revoke_grant(const std::string& grant_id) {
  run(kRevokeGrant, {key(kGrant, grant_id), prefix_ + "grant-records:" + grant_id, prefix_ + "expiry"}, {});
}

void RedisOAuthStore::put_token(const oauth::TokenRecord& t) {
  put(kToken, t.token_hash, oauth::to_doc(t).dump(), t.grant_id, t.expires_at,
      t.kind == oauth::TokenRecord::Kind::refresh);
}

std::optional<oauth::TokenRecord> RedisOAuthStore::token(const std::string& token_hash) {
  auto doc = get(kToken, token_hash);
  if (!doc) return std::nullopt;
  return oauth::token_of(*doc);
}

std::optional<oauth::TokenRecord> RedisOAuthStore::use_refresh(const std::string& token_hash) {
  auto doc = use(kToken, token_hash, "refresh");
  if (!doc) return std::nullopt;
  return oauth::token_of(*doc);
}

void RedisOAuthStore::revoke_token(const std::string& token_hash) { run(kRevoke, {key(kToken, token_hash)}, {}); }

void RedisOAuthStore::put_upstream(const std::string& grant_id, const oauth::SealedUpstream& tokens) {
  // Kept as long as the grant: an expired upstream access token is still refreshable.
  put(kUpstream, grant_id, json{{"sealed", tokens.sealed}, {"expires_at", tokens.expires_at}}.dump(), grant_id, 0);
}

std::optional<oauth::SealedUpstream> RedisOAuthStore::upstream(const std::string& grant_id) {
  auto doc = get(kUpstream, grant_id);
  if (!doc) return std::nullopt;
  return oauth::SealedUpstream{doc->at("sealed"), doc->at("expires_at")};
}

void RedisOAuthStore::purge_expired(long long now) {
  run(kPurge, {prefix_ + "expiry"}, {std::to_string(now), prefix_ + "grant-records:"});
}

// ------------------------------------------------------------------------------------------------ refresh locks

namespace {
// Longer than a token refresh takes (HaloPSA's token endpoint, a few seconds at worst); renewed while held anyway.
constexpr std::chrono::milliseconds kRefreshLease{10000};
// A call waits this long for another replica's refresh of the same grant, then gives up (StoreUnavailable).
constexpr std::chrono::milliseconds kRefreshWait{20000};
}  // namespace

RedisRefreshLocks::RedisRefreshLocks(std::shared_ptr<shared_state::Redis> redis, std::string prefix)
    : redis_(std::move(redis)), prefix_(std::move(prefix) + "oauth-refresh:") {}

std::shared_ptr<void> RedisRefreshLocks::hold(const std::string& grant_id) {
  std::unique_ptr<shared_state::RedisLock> lock;
  try {
    lock = shared_state::RedisLock::acquire(redis_, prefix_ + grant_id, kRefreshLease, kRefreshWait);
  } catch (const shared_state::Unavailable& e) {
    throw oauth::StoreUnavailable(std::string("the refresh lock (Redis) is unreachable: ") + e.what());
  }
  if (!lock)
    throw oauth::StoreUnavailable("another replica has been renewing this sign-in for " +
                                  std::to_string(kRefreshWait.count() / 1000) + " s; try again");
  return std::shared_ptr<shared_state::RedisLock>(std::move(lock));
}

}  // namespace app
