#include <doctest/doctest.h>

#include <thread>

#include "halo/backoff.h"
#include "halo/errors.h"
#include "halo/rate_budget.h"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {
struct FakeClock {
  Clock::time_point now = Clock::time_point(1000h);
  halo::RateBudget::Now fn() {
    return [this] { return now; };
  }
};
}  // namespace

TEST_CASE("rate budget: a rolling window admits `limit` requests, then frees slots as old ones age out") {
  FakeClock clock;
  halo::RateBudget budget(3, 10s, clock.fn());
  CHECK(budget.try_acquire() == 0ms);
  clock.now += 2s;
  CHECK(budget.try_acquire() == 0ms);
  CHECK(budget.try_acquire() == 0ms);
  auto snap = budget.snapshot();
  CHECK(snap.used == 3);
  CHECK(snap.left == 0);
  CHECK(snap.limit == 3);
  CHECK(snap.window_seconds == 10);
  // The first request (at t=0) leaves the window at t=10: 8 s from now.
  auto wait = budget.try_acquire();
  CHECK(wait == 8000ms);
  CHECK(budget.snapshot().used == 3);  // a refused try takes nothing

  clock.now += 8s;  // t=10: first slot free, the other two still inside
  CHECK(budget.try_acquire() == 0ms);
  CHECK(budget.snapshot().left == 0);
  clock.now += 2s;  // t=12: both t=2 requests aged out
  CHECK(budget.snapshot().left == 2);
}

TEST_CASE("rate budget: acquire refuses at once with the seconds to wait when the wait exceeds the bound") {
  FakeClock clock;
  halo::RateBudget budget(2, 300s, clock.fn());
  budget.acquire(clock.now + 30s);
  budget.acquire(clock.now + 30s);
  try {
    budget.acquire(clock.now + 30s);
    FAIL("expected rate_limited");
  } catch (const halo::Error& e) {
    CHECK(e.kind() == halo::ErrorKind::rate_limited);
    CHECK(e.retry_after_seconds() == 300);
    CHECK(std::string(e.what()).find("try again in 300 seconds") != std::string::npos);
  }
}

TEST_CASE("rate budget: a server hold (429) blocks every caller until it ends") {
  FakeClock clock;
  halo::RateBudget budget(100, 60s, clock.fn());
  budget.hold_until(clock.now + 5s);
  CHECK(budget.try_acquire() > 4900ms);
  CHECK(budget.snapshot().left == 0);
  clock.now += 5s;
  CHECK(budget.try_acquire() == 0ms);
}

TEST_CASE("rate budget: acquire really waits (real clock) and can be cancelled") {
  halo::RateBudget budget(10, 60s);
  budget.hold_until(Clock::now() + 200ms);
  const auto start = Clock::now();
  budget.acquire(Clock::now() + 5s);
  CHECK(Clock::now() - start >= 190ms);
  budget.hold_until(Clock::now() + 3s);
  std::stop_source source;
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    source.request_stop();
  });
  const auto waited_from = Clock::now();
  try {
    budget.acquire(Clock::now() + 5s, source.get_token());
    FAIL("expected cancelled");
  } catch (const halo::Error& e) {
    CHECK(e.kind() == halo::ErrorKind::cancelled);
  }
  CHECK(Clock::now() - waited_from < 1s);
  canceller.join();
}

TEST_CASE("backoff: exponential with jitter in [half, full)") {
  for (int attempt = 0; attempt < 4; ++attempt) {
    const auto full = 100ms * (1 << attempt);
    for (int i = 0; i < 50; ++i) {
      auto wait = halo::jittered_backoff(attempt, 100ms);
      CHECK(wait >= full / 2);
      CHECK(wait < full);
    }
  }
}

TEST_CASE("Retry-After: delta seconds and HTTP dates") {
  CHECK(halo::parse_retry_after("7") == std::chrono::seconds(7));
  CHECK(halo::parse_retry_after(" 0 ") == std::chrono::seconds(0));
  CHECK_FALSE(halo::parse_retry_after(""));
  CHECK_FALSE(halo::parse_retry_after("soon"));
  CHECK_FALSE(halo::parse_retry_after("-3"));
  const auto now = std::chrono::system_clock::from_time_t(1445412470);  // 2015-10-21 07:27:50 UTC
  CHECK(halo::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == std::chrono::seconds(10));
  CHECK(halo::parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == std::chrono::seconds(0));
  CHECK(halo::seconds_to_wait(1ms) == 1);
  CHECK(halo::seconds_to_wait(2001ms) == 3);
}

TEST_CASE("rate budget: a 429 without Retry-After holds everyone until the oldest own request leaves the window") {
  FakeClock clock;
  halo::RateBudget budget(300, 300s, clock.fn());
  CHECK(budget.try_acquire() == 0ms);  // t=0
  clock.now += 100s;
  CHECK(budget.try_acquire() == 0ms);  // t=100
  clock.now += 100s;
  CHECK(budget.try_acquire() == 0ms);           // t=200: refused by HaloPSA
  CHECK(budget.refused(std::nullopt) == 100s);  // the request of t=0 leaves at t=300
  CHECK(budget.try_acquire() == 100s);          // held
  clock.now += 100s;
  CHECK(budget.try_acquire() == 0ms);
  // Past every own request of the window: at least a second, never a tight loop.
  clock.now += 1000s;
  CHECK(budget.try_acquire() == 0ms);
  CHECK(budget.refused(std::nullopt) == 300s);  // only the refused request itself is in the window
}

TEST_CASE("rate budget: a stated smaller limit or longer window is adopted") {
  FakeClock clock;
  halo::RateBudget budget(300, 60s, clock.fn());
  CHECK(budget.try_acquire() == 0ms);
  CHECK(budget.refused(halo::StatedLimit{100, 600s}) == 600s);
  const auto snap = budget.snapshot();
  CHECK(snap.limit == 100);
  CHECK(snap.window_seconds == 600);
}

TEST_CASE("Halo's 429 message: the stated budget, as text or inside JSON, any case") {
  auto stated = halo::parse_rate_limit_message("Rate Limit Reached - 300 Requests per rolling 5 minute window");
  REQUIRE(stated);
  CHECK(stated->limit == 300);
  CHECK(stated->window == 300s);
  stated =
      halo::parse_rate_limit_message("{\"error\":\"rate limit reached - 60 requests per rolling 30 second window\"}");
  REQUIRE(stated);
  CHECK(stated->limit == 60);
  CHECK(stated->window == 30s);
  stated = halo::parse_rate_limit_message("1000 Requests per rolling 1 hour window");
  REQUIRE(stated);
  CHECK(stated->window == 3600s);
  CHECK_FALSE(halo::parse_rate_limit_message("Too Many Requests"));
  CHECK_FALSE(halo::parse_rate_limit_message("Requests per rolling 5 minute window"));
  CHECK_FALSE(halo::parse_rate_limit_message("99999999999 Requests per rolling 5 minute window"));
}

namespace {
// A shared window that answers as told, or is unreachable (nullopt), and counts what it was asked.
struct FakeShared : halo::SharedBudget {
  bool reachable = true;
  int taken = 0;
  int limit_seen = 0;
  std::chrono::milliseconds wait{0}, held{0};
  std::optional<std::chrono::milliseconds> try_acquire(int limit, std::chrono::seconds) override {
    limit_seen = limit;
    if (!reachable) return std::nullopt;
    if (wait.count() == 0) ++taken;
    return wait;
  }
  bool hold_for(std::chrono::milliseconds w) override {
    held = w;
    return reachable;
  }
  std::optional<Usage> usage(std::chrono::seconds) override {
    if (!reachable) return std::nullopt;
    return Usage{taken, 5s, held};
  }
};
}  // namespace

TEST_CASE("rate budget shared by replicas: the shared window decides while it answers") {
  FakeClock clock;
  halo::RateBudget budget(60, 30s, clock.fn());
  auto shared = std::make_shared<FakeShared>();
  budget.share(shared, 3);
  for (int i = 0; i < 40; ++i) CHECK(budget.try_acquire() == 0ms);  // more than this replica's share of 20
  CHECK(shared->taken == 40);
  CHECK(shared->limit_seen == 60);
  shared->wait = 1500ms;  // the other replicas used the rest
  CHECK(budget.try_acquire() == 1500ms);
  const auto snap = budget.snapshot();
  CHECK(snap.shared);
  CHECK_FALSE(snap.share_only);
  CHECK(snap.used == 40);
}

TEST_CASE(
    "rate budget shared by replicas: while the store is away, and one window after, a replica keeps to its share") {
  FakeClock clock;
  halo::RateBudget budget(60, 30s, clock.fn());
  auto shared = std::make_shared<FakeShared>();
  budget.share(shared, 3);
  shared->reachable = false;
  for (int i = 0; i < 20; ++i) CHECK(budget.try_acquire() == 0ms);
  CHECK(budget.try_acquire() == 30000ms);  // the share (60 / 3) is spent until the first of them leaves
  CHECK(budget.snapshot().share_only);
  CHECK(budget.snapshot().limit == 20);
  // Back: the shared window never saw those 20, so for one window the share still binds (and the store too).
  shared->reachable = true;
  clock.now += 10s;
  CHECK(budget.try_acquire() == 20000ms);
  CHECK(shared->taken == 0);
  clock.now += 20s;  // the fallback requests left the window; the store was last away 30 s ago
  CHECK(budget.try_acquire() == 0ms);
  CHECK(shared->taken == 1);
  for (int i = 0; i < 30; ++i) CHECK(budget.try_acquire() == 0ms);  // beyond the share: the shared window decides
  CHECK_FALSE(budget.snapshot().share_only);
}

TEST_CASE("rate budget shared by replicas: a 429 one replica sees holds all of them") {
  FakeClock clock;
  halo::RateBudget budget(60, 30s, clock.fn());
  auto shared = std::make_shared<FakeShared>();
  budget.share(shared, 3);
  CHECK(budget.try_acquire() == 0ms);
  budget.hold_until(clock.now + 7s);
  CHECK(shared->held == 7000ms);
  CHECK(budget.refused(std::nullopt) == 5s);  // the oldest request any replica sent leaves in 5 s (FakeShared)
  CHECK(shared->held == 5000ms);
}
