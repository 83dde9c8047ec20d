#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "redis_server.h"
#include "shared_state/change_channel.h"
#include "shared_state/redis.h"

using namespace std::chrono_literals;
using shared_state::parse_redis_url;

TEST_CASE("redis URL: host, port, database and password; mistakes named without echoing the password") {
  auto u = parse_redis_url("redis://127.0.0.1:6380/2");
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 6380);
  CHECK(u.db == 2);
  CHECK(u.password.empty());
  u = parse_redis_url("redis://:s3cret@cache.internal");
  CHECK(u.host == "cache.internal");
  CHECK(u.port == 6379);
  CHECK(u.password == "s3cret");
  CHECK(u.shown() == "cache.internal:6379/0");
  CHECK(parse_redis_url("redis://default:pw@h:1/").password == "pw");
  for (const char* bad : {"http://h:1", "redis://:s3cret@", "redis://:s3cret@h:x", "redis://:s3cret@h:1/zero",
                          "redis://:s3cret@h:70000"}) {
    CAPTURE(bad);
    try {
      parse_redis_url(bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
    }
  }
}

TEST_CASE("redis: a command while Redis is away throws Unavailable, and the connection comes back by itself") {
  test::RedisServer server;
  shared_state::Redis redis(server.url(), {.retry_pause = 0ms});
  CHECK(redis.command({"SET", "k", "v"}).str == "OK");
  server.stop();
  CHECK_THROWS_AS(redis.command({"GET", "k"}), shared_state::Unavailable);
  CHECK_FALSE(redis.up());
  server.start();
  CHECK(redis.up());
  CHECK(redis.command({"SET", "k", "w"}).str == "OK");
}

TEST_CASE("redis: a wrong password is refused with a message that does not contain it") {
  test::RedisServer server;
  auto admin = server.connect();
  admin->command({"CONFIG", "SET", "requirepass", "right-one"});
  auto url = server.url();
  url.password = "wrong-one";
  shared_state::Redis redis(url);
  try {
    redis.command({"PING"});
    FAIL("no error");
  } catch (const shared_state::Unavailable& e) {
    CHECK(std::string(e.what()).find("AUTH") != std::string::npos);
    CHECK(std::string(e.what()).find("wrong-one") == std::string::npos);
  }
  url.password = "right-one";
  CHECK(shared_state::Redis(url).command({"PING"}).str == "PONG");
}

TEST_CASE("change channel: what one replica publishes reaches the others, not itself") {
  test::RedisServer server;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> got_a, got_b;
  auto record = [&](std::vector<std::string>& into) {
    return [&](const std::string& m) {
      std::lock_guard l(mu);
      into.push_back(m);
      cv.notify_all();
    };
  };
  shared_state::ChangeChannel a(server.connect(), "changes", "replica-a", record(got_a));
  shared_state::ChangeChannel b(server.connect(), "changes", "replica-b", record(got_b));
  for (int i = 0; i < 200 && !(a.listening() && b.listening()); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(a.listening());
  REQUIRE(b.listening());
  a.publish("halopsa://clients/12");
  b.publish("halopsa://sites/3");
  std::unique_lock l(mu);
  REQUIRE(cv.wait_for(l, 5s, [&] { return got_a.size() == 1 && got_b.size() == 1; }));
  CHECK(got_b == std::vector<std::string>{"halopsa://clients/12"});
  CHECK(got_a == std::vector<std::string>{"halopsa://sites/3"});
}
