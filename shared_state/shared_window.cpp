#include "shared_state/shared_window.h"

namespace shared_state {

namespace {

// KEYS: the window's sorted set (member → start time in ms), the hold key. ARGV: limit, window ms, member.
// Returns {wait ms, used}: wait 0 means the slot was taken.
constexpr const char* kAcquire = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local wait = redis.call('PTTL', KEYS[2])
if wait < 0 then wait = 0 end
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  local nth = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
  local frees = tonumber(nth[2]) + window - now
  if frees > wait then wait = frees end
end
if wait > 0 then return {wait, used} end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {0, used + 1}
)lua";

// KEYS: the hold key. ARGV: hold ms. Keeps the longer of the current hold and this one.
constexpr const char* kHold = R"lua(
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
)lua";

// KEYS: the sorted set, the hold key. ARGV: window ms. Returns {used, oldest leaves in ms, hold left ms}.
constexpr const char* kUsage = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - window), '+inf', 'WITHSCORES')
local oldest = 0
if #live > 0 then oldest = tonumber(live[2]) + window - now end
local hold = redis.call('PTTL', KEYS[2])
if hold < 0 then hold = 0 end
return {#live / 2, oldest, hold}
)lua";

Reply checked(Reply r) {
  if (r.type == Reply::Type::error) throw Unavailable("Redis refused the rate budget script: " + r.str);
  return r;
}

}  // namespace

SharedWindow::SharedWindow(std::shared_ptr<Redis> redis, std::string key, std::string owner)
    : redis_(std::move(redis)), zset_(key + ":sent"), hold_(key + ":hold"), owner_(std::move(owner)) {}

std::chrono::milliseconds SharedWindow::try_acquire(int limit, std::chrono::milliseconds window) {
  const std::string member = owner_ + ":" + std::to_string(++sequence_);
  const Reply r = checked(
      redis_->script(kAcquire, {zset_, hold_}, {std::to_string(limit), std::to_string(window.count()), member}));
  if (r.type != Reply::Type::array || r.elements.empty()) throw Unavailable("Redis: unexpected rate budget answer");
  return std::chrono::milliseconds(r.elements[0].integer);
}

void SharedWindow::hold_for(std::chrono::milliseconds wait) {
  if (wait.count() <= 0) return;
  checked(redis_->script(kHold, {hold_}, {std::to_string(wait.count())}));
}

SharedWindow::Usage SharedWindow::usage(std::chrono::milliseconds window) {
  const Reply r = checked(redis_->script(kUsage, {zset_, hold_}, {std::to_string(window.count())}));
  if (r.type != Reply::Type::array || r.elements.size() != 3) throw Unavailable("Redis: unexpected usage answer");
  return {static_cast<int>(r.elements[0].integer), std::chrono::milliseconds(r.elements[1].integer),
          std::chrono::milliseconds(r.elements[2].integer)};
}

}  // namespace shared_state
