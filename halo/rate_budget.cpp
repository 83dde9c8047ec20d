#include "halo/rate_budget.h"

#include <algorithm>
#include <string>

#include "halo/backoff.h"
#include "halo/errors.h"

namespace halo {

using std::chrono::milliseconds;

RateBudget::RateBudget(int limit, std::chrono::seconds window, Now now)
    : limit_(std::max(1, limit)), window_(std::max(window, std::chrono::seconds(1))), now_(std::move(now)) {}

milliseconds RateBudget::wait_locked(Clock::time_point now) {
  while (!sent_.empty() && sent_.front() + window_ <= now) sent_.pop_front();
  milliseconds wait{0};
  if (held_until_ > now) wait = std::chrono::ceil<milliseconds>(held_until_ - now);
  if (static_cast<int>(sent_.size()) >= limit_) {
    // The slot frees when the request that used it leaves the window.
    const auto frees_at = sent_[sent_.size() - static_cast<std::size_t>(limit_)] + window_;
    wait = std::max(wait, std::chrono::ceil<milliseconds>(frees_at - now));
  }
  return wait;
}

milliseconds RateBudget::try_acquire() {
  std::lock_guard lock(mu_);
  const auto now = now_();
  const milliseconds wait = wait_locked(now);
  if (wait.count() == 0) sent_.push_back(now);
  return wait;
}

void RateBudget::acquire(Clock::time_point deadline, const std::stop_token& stop) {
  for (;;) {
    const milliseconds wait = try_acquire();
    if (wait.count() == 0) return;
    if (now_() + wait > deadline) {
      throw Error(ErrorKind::rate_limited,
                  "HaloPSA request budget spent (" + std::to_string(limit_) + " requests per " +
                      std::to_string(window_.count()) + " s); " + try_again_in(seconds_to_wait(wait)),
                  429, seconds_to_wait(wait));
    }
    if (!sleep_for(wait, stop)) throw Error(ErrorKind::cancelled, "cancelled while waiting for the HaloPSA rate budget");
  }
}

void RateBudget::hold_until(Clock::time_point until) {
  std::lock_guard lock(mu_);
  held_until_ = std::max(held_until_, until);
}

RateBudget::Snapshot RateBudget::snapshot() const {
  std::lock_guard lock(mu_);
  const auto now = now_();
  Snapshot s;
  s.limit = limit_;
  s.window_seconds = static_cast<int>(window_.count());
  s.used = static_cast<int>(std::count_if(sent_.begin(), sent_.end(), [&](auto t) { return t + window_ > now; }));
  s.left = std::max(0, limit_ - s.used);
  milliseconds wait{0};
  if (held_until_ > now) wait = std::chrono::ceil<milliseconds>(held_until_ - now);
  if (s.left == 0) {
    std::deque<Clock::time_point> live;
    for (auto t : sent_) if (t + window_ > now) live.push_back(t);
    const auto frees_at = live[live.size() - static_cast<std::size_t>(limit_)] + window_;
    wait = std::max(wait, std::chrono::ceil<milliseconds>(frees_at - now));
  }
  s.next_slot_in = wait;
  if (held_until_ > now) s.left = 0;
  return s;
}

}  // namespace halo
