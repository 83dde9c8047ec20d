#pragma once
// Waiting between attempts: jittered exponential backoff, Retry-After parsing, and a sleep that
// wakes when the caller's stop_token fires.
#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

namespace halo {

// base * 2^attempt, scaled by a random factor in [0.5, 1.0) so that concurrent callers that were
// refused together do not come back together. attempt counts from 0.
std::chrono::milliseconds jittered_backoff(int attempt, std::chrono::milliseconds base);

// Retry-After as delta-seconds ("7") or an HTTP-date; nullopt when absent or unreadable. Waits beyond a day
// are capped at a day: callers give up long before, and larger values would overflow later arithmetic.
inline constexpr std::chrono::seconds kLongestRetryAfter{24 * 3600};
std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Sleeps for `duration`; returns false (early) when stop is requested.
bool sleep_for(std::chrono::milliseconds duration, const std::stop_token& stop);

// Whole seconds, rounded up, at least 1: what we tell a person to wait.
int seconds_to_wait(std::chrono::milliseconds wait);

// "try again in 1 second" / "try again in 42 seconds".
std::string try_again_in(int seconds);

}  // namespace halo
