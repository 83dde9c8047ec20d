// A rolling request window shared by every replica: at most `limit` requests start in any `window`, counted in
// one Redis sorted set and decided by one Lua script, so two replicas can never both take the last slot. Time is
// Redis's own clock (TIME), the one clock all replicas agree on. A hold (after a 429) pauses every replica.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "shared_state/redis.h"

namespace shared_state {

class SharedWindow {
 public:
  // `key` names the window (one per HaloPSA tenant); `owner` makes this process's entries unique.
  SharedWindow(std::shared_ptr<Redis> redis, std::string key, std::string owner);

  // Takes a slot and returns zero, or takes nothing and returns how long until one frees (or the hold ends).
  // Throws Unavailable.
  std::chrono::milliseconds try_acquire(int limit, std::chrono::milliseconds window);

  // Nobody takes a slot for `wait` from now (a longer hold already set stays). Throws Unavailable.
  void hold_for(std::chrono::milliseconds wait);

  struct Usage {
    int used = 0;                                   // entries inside the window now
    std::chrono::milliseconds oldest_leaves_in{0};  // 0 when empty
    std::chrono::milliseconds held_for{0};          // the hold left, 0 when none
  };
  Usage usage(std::chrono::milliseconds window);  // throws Unavailable

 private:
  std::shared_ptr<Redis> redis_;
  std::string zset_, hold_, owner_;
  std::atomic<unsigned long long> sequence_{0};
};

}  // namespace shared_state
