#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "redis_server.h"
#include "shared_state/shared_window.h"

using namespace std::chrono_literals;
using shared_state::SharedWindow;

TEST_CASE("shared window: two replicas together take exactly the limit, then learn how long to wait") {
  test::RedisServer server;
  SharedWindow a(server.connect(), "budget", "a"), b(server.connect(), "budget", "b");
  int taken = 0;
  for (int i = 0; i < 10; ++i) taken += ((i % 2 ? a : b).try_acquire(5, 60s) == 0ms);
  CHECK(taken == 5);
  const auto wait = a.try_acquire(5, 60s);
  CHECK(wait > 0ms);
  CHECK(wait <= 60s);
  CHECK(b.usage(60s).used == 5);
}

TEST_CASE("shared window: replicas racing from many threads never take more than the limit") {
  test::RedisServer server;
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      SharedWindow w(server.connect(), "budget", "replica-" + std::to_string(t));
      for (int i = 0; i < 50; ++i)
        if (w.try_acquire(37, 60s) == 0ms) ++taken;
    });
  for (auto& th : threads) th.join();
  CHECK(taken == 37);
}

TEST_CASE("shared window: a hold set by one replica stops the others for that long") {
  test::RedisServer server;
  SharedWindow a(server.connect(), "budget", "a"), b(server.connect(), "budget", "b");
  CHECK(b.try_acquire(100, 60s) == 0ms);
  a.hold_for(20s);
  const auto wait = b.try_acquire(100, 60s);
  CHECK(wait > 19s);
  CHECK(wait <= 20s);
  a.hold_for(1s);  // a shorter hold does not shorten the longer one
  CHECK(b.usage(60s).held_for > 19s);
  CHECK(b.usage(60s).used == 1);
}

TEST_CASE("shared window: the script is loaded again after Redis restarts (NOSCRIPT)") {
  test::RedisServer server;
  SharedWindow a(server.connect(), "budget", "a");
  CHECK(a.try_acquire(3, 60s) == 0ms);
  server.stop();
  CHECK_THROWS_AS(a.try_acquire(3, 60s), shared_state::Unavailable);
  server.start();
  std::this_thread::sleep_for(300ms);  // past the reconnect pause
  CHECK(a.try_acquire(3, 60s) == 0ms);
  CHECK(a.usage(60s).used == 1);  // a fresh server: only the request after the restart
}
