#pragma once
// The client-side request budget shared by every call: at most `limit` requests in any rolling
// `window`. HaloPSA's hosted tenants enforce 300 per rolling 5 minutes and answer 429 beyond it;
// staying under the budget ourselves is cheaper than being refused.
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string_view>

namespace halo {

// The budget HaloPSA states in its 429 message, "Rate Limit Reached - 300 Requests per rolling 5 minute window"
// (whether as text or inside a JSON error): nullopt when the text states none.
struct StatedLimit {
  int limit = 0;
  std::chrono::seconds window{0};
};
std::optional<StatedLimit> parse_rate_limit_message(std::string_view text);

// The window kept with other replicas of this server (Redis, wired by app/): every call may find the store
// unreachable, which it reports as nullopt / false rather than throwing.
class SharedBudget {
 public:
  virtual ~SharedBudget() = default;
  // Takes a slot in the shared window and returns zero, or takes nothing and returns the wait.
  virtual std::optional<std::chrono::milliseconds> try_acquire(int limit, std::chrono::seconds window) = 0;
  // Every replica waits `wait` (a 429 told one of them to).
  virtual bool hold_for(std::chrono::milliseconds wait) = 0;
  struct Usage {
    int used = 0;
    std::chrono::milliseconds oldest_leaves_in{0};
    std::chrono::milliseconds held_for{0};
  };
  virtual std::optional<Usage> usage(std::chrono::seconds window) = 0;
};

class RateBudget {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  RateBudget(
      int limit, std::chrono::seconds window, Now now = [] { return Clock::now(); });

  // Takes a slot now and returns zero, or takes nothing and returns how long until one frees up.
  std::chrono::milliseconds try_acquire();

  // Blocks until a slot is free. Throws Error(rate_limited), carrying the seconds to wait, when the
  // slot would come after `deadline`; Error(cancelled) when `stop` fires while waiting.
  void acquire(Clock::time_point deadline, const std::stop_token& stop = {});

  // The server said 429: nobody sends anything until `until`.
  void hold_until(Clock::time_point until);

  // The server said 429 without saying when to come back. HaloPSA's window is rolling and counts every integration
  // on the tenant, so the one moment this client can vouch for is when the oldest request it sent inside the window
  // leaves it; everyone is held until then. A stated limit smaller (or window longer) than ours is adopted for the
  // pacing that follows. Returns the hold.
  std::chrono::milliseconds refused(std::optional<StatedLimit> stated);

  // From now on the window is the one `shared` keeps with the other replicas. While the store is unreachable, and
  // for one window after it is back (the shared window never saw what was sent meanwhile), this replica keeps to
  // its share of the budget, limit / `expected_replicas`, counted here.
  void share(std::shared_ptr<SharedBudget> shared, int expected_replicas);

  struct Snapshot {
    int used = 0;             // requests in the current window (all replicas' when shared)
    bool shared = false;      // the window is kept with other replicas
    bool share_only = false;  // shared but keeping to this replica's share (store away, or just back)
    int left = 0;             // requests that may start now
    int limit = 0;
    int window_seconds = 0;
    std::chrono::milliseconds next_slot_in{0};  // zero when left > 0 and no hold
  };
  Snapshot snapshot() const;

 private:
  std::chrono::milliseconds wait_locked(Clock::time_point now, int limit);
  int share_locked() const;

  int limit_;
  std::chrono::seconds window_;
  const Now now_;
  mutable std::mutex mu_;
  std::deque<Clock::time_point> sent_;  // start times of requests inside the window, oldest first
  Clock::time_point held_until_{};
  std::shared_ptr<SharedBudget> shared_;
  int expected_replicas_ = 1;
  Clock::time_point share_only_until_{};  // last time the store was unreachable, plus one window
};

}  // namespace halo
