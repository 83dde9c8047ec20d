#include "halo/backoff.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <random>
#include <string>

namespace halo {

std::chrono::milliseconds jittered_backoff(int attempt, std::chrono::milliseconds base) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.5, 1.0);
  const double exp = static_cast<double>(base.count()) * static_cast<double>(1LL << std::min(attempt, 16));
  return std::chrono::milliseconds(static_cast<long long>(exp * factor(rng)));
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc::result_out_of_range && value.front() != '-') return kLongestRetryAfter;
  if (ec == std::errc{} && ptr == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::min(std::chrono::seconds(seconds), kLongestRetryAfter);
  }
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  // In time_t seconds: a far-future date would overflow system_clock's nanoseconds.
  const long long delta =
      static_cast<long long>(timegm(&tm)) - static_cast<long long>(std::chrono::system_clock::to_time_t(now));
  return std::chrono::seconds(std::clamp<long long>(delta, 0, kLongestRetryAfter.count()));
}

bool sleep_for(std::chrono::milliseconds duration, const std::stop_token& stop) {
  if (duration.count() <= 0) return !stop.stop_requested();
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  // The predicate never holds: we wake on the timeout or on a stop request, whichever comes first.
  cv.wait_for(lock, stop, duration, [] { return false; });
  return !stop.stop_requested();
}

int seconds_to_wait(std::chrono::milliseconds wait) {
  const auto s = (wait.count() + 999) / 1000;
  return static_cast<int>(s < 1 ? 1 : s);
}

}  // namespace halo

namespace halo {

std::string try_again_in(int seconds) {
  return "try again in " + std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

}  // namespace halo
