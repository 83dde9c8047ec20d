#include "halo/rate_budget.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "halo/backoff.h"
#include "halo/errors.h"

namespace halo {

using std::chrono::milliseconds;

RateBudget::RateBudget(int limit, std::chrono::seconds window, Now now)
    : limit_(std::max(1, limit)), window_(std::max(window, std::chrono::seconds(1))), now_(std::move(now)) {}

milliseconds RateBudget::wait_locked(Clock::time_point now, int limit) {
  while (!sent_.empty() && sent_.front() + window_ <= now) sent_.pop_front();
  milliseconds wait{0};
  if (held_until_ > now) wait = std::chrono::ceil<milliseconds>(held_until_ - now);
  if (static_cast<int>(sent_.size()) >= limit) {
    // The slot frees when the request that used it leaves the window.
    const auto frees_at = sent_[sent_.size() - static_cast<std::size_t>(limit)] + window_;
    wait = std::max(wait, std::chrono::ceil<milliseconds>(frees_at - now));
  }
  return wait;
}

int RateBudget::share_locked() const { return std::max(1, limit_ / expected_replicas_); }

void RateBudget::share(std::shared_ptr<SharedBudget> shared, int expected_replicas) {
  std::lock_guard lock(mu_);
  shared_ = std::move(shared);
  expected_replicas_ = std::max(1, expected_replicas);
}

milliseconds RateBudget::try_acquire() {
  std::lock_guard lock(mu_);
  const auto now = now_();
  // This replica's own count is always kept: it is what the share is checked against when the store is away.
  if (!shared_ || now < share_only_until_) {
    const milliseconds wait = wait_locked(now, shared_ ? share_locked() : limit_);
    if (wait.count() > 0 || !shared_) {
      if (wait.count() == 0) sent_.push_back(now);
      return wait;
    }
  }
  const auto remote = shared_->try_acquire(limit_, window_);
  if (!remote) {
    share_only_until_ = now + window_;
    const milliseconds wait = wait_locked(now, share_locked());
    if (wait.count() == 0) sent_.push_back(now);
    return wait;
  }
  // A hold this replica learnt of itself (a Retry-After) counts too.
  const milliseconds held = held_until_ > now ? std::chrono::ceil<milliseconds>(held_until_ - now) : milliseconds(0);
  if (remote->count() == 0 && held.count() == 0) sent_.push_back(now);
  return std::max(*remote, held);
}

void RateBudget::acquire(Clock::time_point deadline, const std::stop_token& stop) {
  for (;;) {
    const milliseconds wait = try_acquire();
    if (wait.count() == 0) return;
    if (now_() + wait > deadline) {
      throw Error(ErrorKind::rate_limited,
                  "HaloPSA request budget spent (" + std::to_string(limit_) + " requests per " +
                      std::to_string(window_.count()) + " s); " + try_again_in(seconds_to_wait(wait)) + ".",
                  429, seconds_to_wait(wait));
    }
    if (!sleep_for(wait, stop))
      throw Error(ErrorKind::cancelled, "cancelled while waiting for the HaloPSA rate budget");
  }
}

milliseconds RateBudget::refused(std::optional<StatedLimit> stated) {
  std::lock_guard lock(mu_);
  const auto now = now_();
  if (stated && stated->limit > 0 && stated->window.count() > 0) {
    limit_ = std::min(limit_, stated->limit);
    window_ = std::max(window_, stated->window);
  }
  while (!sent_.empty() && sent_.front() + window_ <= now) sent_.pop_front();
  // The refused request itself was recorded, so there is always an oldest one; at least a second either way.
  auto frees_in = std::chrono::ceil<milliseconds>((sent_.empty() ? now + window_ : sent_.front() + window_) - now);
  // Shared: the oldest request any replica sent in the window, and every replica is held.
  const auto usage = shared_ ? shared_->usage(window_) : std::nullopt;
  if (usage && usage->used > 0) frees_in = usage->oldest_leaves_in;
  const milliseconds wait = std::max<milliseconds>(frees_in, std::chrono::seconds(1));
  held_until_ = std::max(held_until_, now + wait);
  if (shared_) shared_->hold_for(wait);
  return wait;
}

std::optional<StatedLimit> parse_rate_limit_message(std::string_view text) {
  // "<N> Requests per rolling <M> <second|minute|hour> window", any case.
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto per = lower.find(" requests per rolling ");
  if (per == std::string::npos) return std::nullopt;
  auto number_before = [&](std::size_t end) -> std::optional<long long> {
    std::size_t b = end;
    while (b > 0 && std::isdigit(static_cast<unsigned char>(lower[b - 1]))) --b;
    if (b == end || end - b > 9) return std::nullopt;
    return std::stoll(lower.substr(b, end - b));
  };
  const auto limit = number_before(per);
  std::size_t i = per + std::string_view(" requests per rolling ").size();
  std::size_t j = i;
  while (j < lower.size() && std::isdigit(static_cast<unsigned char>(lower[j]))) ++j;
  if (!limit || j == i || j - i > 6) return std::nullopt;
  const long long amount = std::stoll(lower.substr(i, j - i));
  const std::string_view unit = std::string_view(lower).substr(j);
  long long seconds = 0;
  if (unit.starts_with(" second")) seconds = amount;
  else if (unit.starts_with(" minute"))
    seconds = amount * 60;
  else if (unit.starts_with(" hour"))
    seconds = amount * 3600;
  if (seconds <= 0 || *limit <= 0) return std::nullopt;
  return StatedLimit{static_cast<int>(*limit), std::chrono::seconds(seconds)};
}

void RateBudget::hold_until(Clock::time_point until) {
  std::lock_guard lock(mu_);
  held_until_ = std::max(held_until_, until);
  if (shared_) shared_->hold_for(std::chrono::ceil<milliseconds>(until - now_()));
}

RateBudget::Snapshot RateBudget::snapshot() const {
  std::lock_guard lock(mu_);
  const auto now = now_();
  Snapshot s;
  s.limit = limit_;
  s.window_seconds = static_cast<int>(window_.count());
  s.shared = shared_ != nullptr;
  if (shared_ && now >= share_only_until_) {
    if (const auto u = shared_->usage(window_)) {
      s.used = u->used;
      s.left = u->held_for.count() > 0 ? 0 : std::max(0, limit_ - u->used);
      s.next_slot_in = std::max(u->held_for, s.used >= limit_ ? u->oldest_leaves_in : milliseconds(0));
      return s;
    }
  }
  // One process, or this replica's share while the store is away (or just back).
  const int limit = shared_ ? share_locked() : limit_;
  s.share_only = shared_ != nullptr;
  s.limit = limit;
  s.used = static_cast<int>(std::count_if(sent_.begin(), sent_.end(), [&](auto t) { return t + window_ > now; }));
  s.left = std::max(0, limit - s.used);
  milliseconds wait{0};
  if (held_until_ > now) wait = std::chrono::ceil<milliseconds>(held_until_ - now);
  if (s.left == 0) {
    std::deque<Clock::time_point> live;
    for (auto t : sent_)
      if (t + window_ > now) live.push_back(t);
    const auto frees_at = live[live.size() - static_cast<std::size_t>(limit)] + window_;
    wait = std::max(wait, std::chrono::ceil<milliseconds>(frees_at - now));
  }
  s.next_slot_in = wait;
  if (held_until_ > now) s.left = 0;
  return s;
}

}  // namespace halo
