// What every oauth::Store must do, checked the same way on each implementation: the SQLite store of one process
// (tests/unit/oauth/test_store.cpp) and the Redis store replicas share (tests/unit/shared_state/test_redis_oauth_store.cpp).
// `store` must be empty; times are plain numbers (the store never reads a clock).
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "oauth/crypto.h"
#include "oauth/store.h"
#include "oauth/upstream.h"

namespace test {

inline void check_store_contract(oauth::Store& store) {
  using oauth::TokenRecord;

  // Clients: insert or replace, unknown is nullopt.
  CHECK_FALSE(store.client("nobody"));
  store.put_client({.client_id = "c1", .client_name = "Claude", .redirect_uris = {"https://a/cb"}, .created_at = 5});
  store.put_client({.client_id = "c1", .client_name = "Claude 2", .redirect_uris = {"https://a/cb", "https://b/cb"}});
  auto c = store.client("c1");
  REQUIRE(c);
  CHECK(c->client_name == "Claude 2");
  CHECK(c->redirect_uris.size() == 2);
  store.put_client(
      {.client_id = "https://app.example/meta", .client_name = "Doc", .metadata_document = true, .expires_at = 150});
  CHECK(store.client("https://app.example/meta")->metadata_document);

  // A pending authorization is taken once.
  store.put_pending({.state = "s1", .client_id = "c1", .scope = "halopsa:read", .expires_at = 200});
  auto p = store.take_pending("s1");
  REQUIRE(p);
  CHECK(p->client_id == "c1");
  CHECK(p->scope == "halopsa:read");
  CHECK_FALSE(store.take_pending("s1"));

  // A code is consumed once: the second consume reports the replay.
  store.put_grant({.grant_id = "g1",
                   .client_id = "c1",
                   .user = {"7", "Sarah"},
                   .scopes = {"halopsa:read"},
                   .resource = "https://mcp/mcp"});
  store.put_code({.code_hash = "h-code", .grant_id = "g1", .client_id = "c1", .expires_at = 160});
  auto first = store.consume_code("h-code");
  REQUIRE(first);
  CHECK_FALSE(first->used);
  CHECK(first->grant_id == "g1");
  auto again = store.consume_code("h-code");
  REQUIRE(again);
  CHECK(again->used);
  CHECK_FALSE(store.consume_code("no-such-code"));

  // Grants.
  auto g = store.grant("g1");
  REQUIRE(g);
  CHECK(g->user.name == "Sarah");
  CHECK(g->scopes == std::set<std::string>{"halopsa:read"});
  CHECK_FALSE(g->revoked);

  // Tokens: an access token is not a refresh token; a refresh token is used once; revocation sticks.
  store.put_token({.token_hash = "h-access", .kind = TokenRecord::Kind::access, .grant_id = "g1", .expires_at = 170});
  store.put_token({.token_hash = "h-refresh", .kind = TokenRecord::Kind::refresh, .grant_id = "g1", .expires_at = 900});
  auto access_use = store.use_refresh("h-access");
  REQUIRE(access_use);
  CHECK(access_use->kind == TokenRecord::Kind::access);
  CHECK_FALSE(store.token("h-access")->used);  // not marked: it is not a refresh token
  auto r1 = store.use_refresh("h-refresh");
  REQUIRE(r1);
  CHECK_FALSE(r1->used);
  auto r2 = store.use_refresh("h-refresh");
  REQUIRE(r2);
  CHECK(r2->used);
  store.revoke_token("h-access");
  CHECK(store.token("h-access")->revoked);
  store.revoke_token("unknown");  // nothing to do, no error
  CHECK_FALSE(store.token("unknown"));

  // Upstream tokens, replaced on refresh.
  store.put_upstream("g1", {"sealed-1", 1000});
  store.put_upstream("g1", {"sealed-2", 2000});
  auto up = store.upstream("g1");
  REQUIRE(up);
  CHECK(up->sealed == "sealed-2");
  CHECK(up->expires_at == 2000);

  // Revoking a grant revokes it and forgets its tokens and upstream tokens; another grant is untouched.
  store.put_grant({.grant_id = "g2", .client_id = "c1", .user = {"8", "Rory"}});
  store.put_token({.token_hash = "h-other", .kind = TokenRecord::Kind::access, .grant_id = "g2", .expires_at = 900});
  store.put_upstream("g2", {"sealed-g2", 3000});
  store.revoke_grant("g1");
  CHECK(store.grant("g1")->revoked);
  CHECK_FALSE(store.token("h-refresh"));
  CHECK_FALSE(store.token("h-access"));
  CHECK_FALSE(store.upstream("g1"));
  CHECK(store.token("h-other"));
  CHECK(store.upstream("g2"));
  CHECK_FALSE(store.grant("g2")->revoked);

  // Purging removes what expired before `now` (strictly), never grants or upstream tokens.
  store.put_pending({.state = "s2", .client_id = "c1", .expires_at = 100});
  store.put_pending({.state = "s3", .client_id = "c1", .expires_at = 300});
  store.purge_expired(200);
  CHECK_FALSE(store.take_pending("s2"));
  CHECK_FALSE(store.client("https://app.example/meta"));  // expired at 150
  CHECK(store.client("c1"));                              // never expires
  CHECK(store.token("h-other"));                          // 900
  CHECK(store.upstream("g2"));
  CHECK(store.grant("g2"));
  CHECK(store.take_pending("s3"));
  // A record written again after it expired lives on with its new expiry.
  store.put_token({.token_hash = "h-late", .kind = TokenRecord::Kind::access, .grant_id = "g2", .expires_at = 150});
  store.put_token({.token_hash = "h-late", .kind = TokenRecord::Kind::access, .grant_id = "g2", .expires_at = 5000});
  store.purge_expired(1000);
  CHECK(store.token("h-late"));
  CHECK_FALSE(store.token("h-other"));  // 900 < 1000
  // ...and a revoke of its grant after the purge still finds the tokens left.
  store.revoke_grant("g2");
  CHECK_FALSE(store.token("h-late"));
  CHECK_FALSE(store.upstream("g2"));
}

// A grant whose upstream tokens are stored as the token source keeps them (sealed JSON).
inline void seed_grant(oauth::Store& store, const oauth::Cipher& cipher, const std::string& grant_id,
                       const std::string& access, const std::string& refresh, long long expires_at) {
  store.put_grant({.grant_id = grant_id, .client_id = "c", .user = {"7", "Sarah"}, .resource = "https://mcp/mcp"});
  const nlohmann::json tokens{{"access_token", access}, {"refresh_token", refresh}, {"expires_at", expires_at}};
  store.put_upstream(grant_id, {cipher.seal(tokens.dump()), expires_at});
}

// An identity provider that rotates its refresh token: a refresh token presented twice is refused, as HaloPSA does
// with rotation on (the sandbox's refresh_token_rotation). `before_refresh` runs first in each refresh.
struct RotatingUpstream : oauth::Upstream {
  explicit RotatingUpstream(std::string current_refresh) : refresh_token(std::move(current_refresh)) {}
  std::string authorize_url(const std::string&, const std::string&, const std::string&) override { return {}; }
  oauth::UpstreamTokens exchange_code(const std::string&, const std::string&, const std::string&) override {
    throw std::logic_error("not used");
  }
  oauth::UpstreamTokens refresh(const std::string& presented) override {
    if (before_refresh) before_refresh();
    std::lock_guard lock(mutex);
    ++refreshes;
    if (presented != refresh_token) throw std::runtime_error("refused: this refresh token was already used");
    ++issued;
    refresh_token = "refresh-" + std::to_string(issued);
    return {"access-" + std::to_string(issued), refresh_token, 10'000};
  }
  oauth::UpstreamIdentity identify(const std::string&) override { return {"7", "Sarah"}; }

  std::function<void()> before_refresh;
  std::mutex mutex;
  std::string refresh_token;
  int issued = 1;
  std::atomic<int> refreshes{0};
};

}  // namespace test
