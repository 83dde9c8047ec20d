#include "shared_state/redis_lock.h"

#include <spdlog/spdlog.h>

#include <random>

namespace shared_state {

namespace {

constexpr const char* kRenew = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
)lua";

constexpr const char* kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

}  // namespace

std::string random_token() {
  static thread_local std::mt19937_64 gen{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(gen()),
                static_cast<unsigned long long>(gen()));
  return buf;
}

RedisLock::RedisLock(std::shared_ptr<Redis> redis, std::string key, std::chrono::milliseconds ttl)
    : redis_(std::move(redis)), key_(std::move(key)), token_(random_token()), ttl_(ttl) {}

RedisLock::~RedisLock() { release(); }

bool RedisLock::try_take() {
  const Reply r = redis_->command({"SET", key_, token_, "NX", "PX", std::to_string(ttl_.count())});
  if (r.type == Reply::Type::error) throw Unavailable("Redis refused SET NX: " + r.str);
  return r.type == Reply::Type::status;  // "OK"; nil when held by someone else
}

std::unique_ptr<RedisLock> RedisLock::acquire(std::shared_ptr<Redis> redis, const std::string& key,
                                              std::chrono::milliseconds ttl, std::chrono::milliseconds wait) {
  auto lock = std::make_unique<RedisLock>(std::move(redis), key, ttl);
  const auto until = std::chrono::steady_clock::now() + wait;
  auto pause = std::chrono::milliseconds(5);
  while (!lock->try_take()) {
    if (std::chrono::steady_clock::now() + pause > until) {
      lock->released_ = true;  // never held: nothing to release
      return nullptr;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  lock->renewer_ = std::thread([l = lock.get()] { l->renew_loop(); });
  return lock;
}

bool RedisLock::verify() {
  const Reply r = redis_->script(kRenew, {key_}, {token_, std::to_string(ttl_.count())});
  if (r.type == Reply::Type::error) throw Unavailable("Redis refused the lock renewal: " + r.str);
  return r.integer == 1;
}

void RedisLock::renew_loop() {
  std::unique_lock lk(mu_);
  while (!cv_.wait_for(lk, ttl_ / 3, [this] { return released_; })) {
    lk.unlock();
    try {
      if (!verify()) spdlog::warn("shared state: lock {} lapsed before its holder released it", key_);
    } catch (const Unavailable&) {
      // Redis away: the lease lapses by itself; verify() before the guarded action reports it.
    }
    lk.lock();
  }
}

void RedisLock::release() {
  {
    std::lock_guard lk(mu_);
    if (released_ && !renewer_.joinable()) return;
    released_ = true;
  }
  cv_.notify_all();
  if (renewer_.joinable()) renewer_.join();
  try {
    redis_->script(kRelease, {key_}, {token_});
  } catch (const Unavailable&) {}
}

}  // namespace shared_state
