// The replicas' OAuth store (app/redis_oauth_store.h) against a real redis-server: the same store contract as the
// one-process SQLite store, one refresh of an agent's HaloPSA token across replicas, and Redis away reported as
// oauth::StoreUnavailable (the endpoints' 503), not as a missing record (which would send users to sign in again).
#include <doctest/doctest.h>

#include <condition_variable>
#include <thread>

#include "app/redis_oauth_store.h"
#include "oauth/token_source.h"
#include "redis_server.h"
#include "tests/unit/oauth/store_contract.h"

using namespace std::chrono_literals;

namespace {

oauth::Cipher::Key key() {
  oauth::Cipher::Key k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(i * 5 + 1);
  return k;
}

// The store as one replica sees it, counting its reads of a grant's upstream tokens (each token-source call reads
// them once, under the grant's refresh lock).
class ObservedStore : public app::RedisOAuthStore {
 public:
  using RedisOAuthStore::RedisOAuthStore;
  std::optional<oauth::SealedUpstream> upstream(const std::string& grant_id) override {
    auto r = RedisOAuthStore::upstream(grant_id);
    {
      std::lock_guard lock(*mu);
      ++*reads;
    }
    cv->notify_all();
    return r;
  }
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::condition_variable> cv = std::make_shared<std::condition_variable>();
  std::shared_ptr<int> reads = std::make_shared<int>(0);
};

}  // namespace

TEST_CASE("the Redis OAuth store keeps the store contract, and two tenants' records stay apart") {
  test::RedisServer server;
  app::RedisOAuthStore store(server.connect(), "halopsa-mcp:https://a.example:");
  test::check_store_contract(store);
  app::RedisOAuthStore other(server.connect(), "halopsa-mcp:https://b.example:");
  CHECK(store.client("c1"));
  CHECK_FALSE(other.client("c1"));
}

TEST_CASE("what one replica stores another reads: a sign-in, a code redeemed once, a revocation") {
  test::RedisServer server;
  app::RedisOAuthStore a(server.connect(), "t:"), b(server.connect(), "t:");
  a.put_grant({.grant_id = "g", .client_id = "c", .user = {"7", "Sarah"}, .scopes = {"halopsa:write"}});
  a.put_code({.code_hash = "h", .grant_id = "g", .client_id = "c", .expires_at = 100});
  a.put_token({.token_hash = "t1", .kind = oauth::TokenRecord::Kind::access, .grant_id = "g", .expires_at = 100});
  CHECK(b.grant("g")->user.name == "Sarah");
  CHECK_FALSE(b.consume_code("h")->used);
  CHECK(a.consume_code("h")->used);  // a replay on the other replica is still a replay
  b.revoke_grant("g");
  CHECK(a.grant("g")->revoked);
  CHECK_FALSE(a.token("t1"));
}

TEST_CASE("two replicas whose agent token is stale refresh it once between them") {
  test::RedisServer server;
  const auto cipher = std::make_shared<oauth::Cipher>(key());
  auto store_a = std::make_shared<ObservedStore>(server.connect(), "t:");
  auto store_b = std::make_shared<ObservedStore>(server.connect(), "t:");
  store_b->mu = store_a->mu, store_b->cv = store_a->cv, store_b->reads = store_a->reads;  // one count for both
  test::seed_grant(*store_a, *cipher, "g", "access-1", "refresh-1", 50);  // near expiry at t=100: refresh
  *store_a->reads = 0;
  auto upstream = std::make_shared<test::RotatingUpstream>("refresh-1");
  // The refresh waits until the other replica has read the stored tokens too, or 2 s. Without a lock across
  // replicas both have read the stale refresh token by then and both spend it; with one, the other replica reads
  // only after this refresh is stored, so the wait runs out and the other finds the new token.
  upstream->before_refresh = [mu = store_a->mu, cv = store_a->cv, reads = store_a->reads] {
    std::unique_lock lock(*mu);
    cv->wait_for(lock, 2s, [&] { return *reads >= 2; });
  };
  auto clock = [] { return 100LL; };
  oauth::StoredUpstreamTokens replica_a(store_a, upstream, cipher, clock, 60s,
                                        std::make_shared<app::RedisRefreshLocks>(server.connect(), "t:"));
  oauth::StoredUpstreamTokens replica_b(store_b, upstream, cipher, clock, 60s,
                                        std::make_shared<app::RedisRefreshLocks>(server.connect(), "t:"));
  std::string got_a, got_b;  // the token, or what was thrown
  auto ask = [](oauth::StoredUpstreamTokens& replica, std::string& got) {
    try {
      got = replica.access_token("g");
    } catch (const std::exception& e) {
      got = std::string("threw: ") + e.what();
    }
  };
  std::thread ta([&] { ask(replica_a, got_a); });
  std::thread tb([&] { ask(replica_b, got_b); });
  ta.join();
  tb.join();
  CHECK(upstream->refreshes.load() == 1);
  CHECK(got_a == "access-2");
  CHECK(got_b == "access-2");
}

TEST_CASE("Redis away: the store and the refresh lock say so (StoreUnavailable), and work again when it is back") {
  test::RedisServer server;
  app::RedisOAuthStore store(server.connect(), "t:");
  app::RedisRefreshLocks locks(server.connect(), "t:");
  store.put_grant({.grant_id = "g", .client_id = "c"});
  server.stop();
  CHECK_THROWS_AS(store.grant("g"), oauth::StoreUnavailable);
  CHECK_THROWS_AS(store.put_token({.token_hash = "x", .grant_id = "g"}), oauth::StoreUnavailable);
  CHECK_THROWS_AS(locks.hold("g"), oauth::StoreUnavailable);
  server.start();  // no persistence: the restarted Redis is empty, but answers
  std::optional<oauth::Grant> g;
  for (int i = 0; i < 100; ++i) {  // the connection retries at most every 250 ms
    try {
      g = store.grant("g");
      break;
    } catch (const oauth::StoreUnavailable&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  CHECK_FALSE(g);
  store.put_grant({.grant_id = "g2", .client_id = "c"});
  CHECK(store.grant("g2"));
  CHECK(locks.hold("g2"));
}
