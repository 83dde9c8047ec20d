#pragma once
// The client-side request budget shared by every call: at most `limit` requests in any rolling
// `window`. HaloPSA's hosted tenants enforce 300 per rolling 5 minutes and answer 429 beyond it;
// staying under the budget ourselves is cheaper than being refused.
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>

namespace halo {

class RateBudget {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  RateBudget(int limit, std::chrono::seconds window, Now now = [] { return Clock::now(); });

  // Takes a slot now and returns zero, or takes nothing and returns how long until one frees up.
  std::chrono::milliseconds try_acquire();

  // Blocks until a slot is free. Throws Error(rate_limited), carrying the seconds to wait, when the
  // slot would come after `deadline`; Error(cancelled) when `stop` fires while waiting.
  void acquire(Clock::time_point deadline, const std::stop_token& stop = {});

  // The server said 429: nobody sends anything until `until`.
  void hold_until(Clock::time_point until);

  struct Snapshot {
    int used = 0;   // requests in the current window
    int left = 0;   // requests that may start now
    int limit = 0;
    int window_seconds = 0;
    std::chrono::milliseconds next_slot_in{0};  // zero when left > 0 and no hold
  };
  Snapshot snapshot() const;

 private:
  std::chrono::milliseconds wait_locked(Clock::time_point now);

  const int limit_;
  const std::chrono::seconds window_;
  const Now now_;
  mutable std::mutex mu_;
  std::deque<Clock::time_point> sent_;  // start times of requests inside the window, oldest first
  Clock::time_point held_until_{};
};

}  // namespace halo
