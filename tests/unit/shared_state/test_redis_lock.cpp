#include <doctest/doctest.h>

#include <thread>

#include "redis_server.h"
#include "shared_state/redis_lock.h"

using namespace std::chrono_literals;
using shared_state::RedisLock;

TEST_CASE("redis lock: one holder at a time; released, the next caller gets it") {
  test::RedisServer server;
  auto redis = server.connect();
  auto a = RedisLock::acquire(redis, "lock:client:denver dental", 10s, 0ms);
  REQUIRE(a);
  CHECK_FALSE(RedisLock::acquire(server.connect(), "lock:client:denver dental", 10s, 0ms));
  CHECK(RedisLock::acquire(server.connect(), "lock:client:other", 10s, 0ms));
  a->release();
  CHECK(RedisLock::acquire(server.connect(), "lock:client:denver dental", 10s, 0ms));
}

TEST_CASE("redis lock: a waiter gets the lock when the holder releases it") {
  test::RedisServer server;
  auto a = RedisLock::acquire(server.connect(), "k", 10s, 0ms);
  REQUIRE(a);
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    a->release();
  });
  auto b = RedisLock::acquire(server.connect(), "k", 10s, 5s);
  releaser.join();
  CHECK(b);
}

TEST_CASE("redis lock: only the holder's token releases or renews it") {
  test::RedisServer server;
  auto redis = server.connect();
  auto b = RedisLock::acquire(redis, "k", 10s, 0ms);
  REQUIRE(b);
  {
    RedisLock stranger(redis, "k", 10s);  // another token, never acquired
    CHECK_FALSE(stranger.verify());
    stranger.release();
  }
  CHECK(redis->command({"GET", "k"}).str == b->token());
  CHECK(b->verify());
}

TEST_CASE("redis lock: a holder that died leaves no stale lock: it lapses after its lease") {
  test::RedisServer server;
  auto redis = server.connect();
  // What a replica killed mid-create leaves behind: the key with its lease, and nobody renewing it.
  redis->command({"SET", "k", "dead-replica-token", "NX", "PX", "300"});
  auto b = RedisLock::acquire(server.connect(), "k", 10s, 5s);
  CHECK(b);
}

TEST_CASE("redis lock: a live holder keeps it past its lease by renewing; verify() says when it was lost") {
  test::RedisServer server;
  auto redis = server.connect();
  auto a = RedisLock::acquire(redis, "k", 300ms, 0ms);
  REQUIRE(a);
  std::this_thread::sleep_for(1s);  // three leases
  CHECK_FALSE(RedisLock::acquire(server.connect(), "k", 300ms, 0ms));
  CHECK(a->verify());
  redis->command({"DEL", "k"});  // lapsed (e.g. a stall longer than the lease) and gone
  CHECK_FALSE(a->verify());
}

TEST_CASE("redis lock: taking it while Redis is away throws Unavailable") {
  test::RedisServer server;
  auto redis = server.connect();
  server.stop();
  CHECK_THROWS_AS(RedisLock::acquire(redis, "k", 10s, 0ms), shared_state::Unavailable);
}
