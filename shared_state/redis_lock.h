// A short lock held in Redis across replicas: SET key token NX PX ttl, with a random token so only its holder can
// extend or release it (compare-and-pexpire, compare-and-delete scripts). While held, a thread renews it every
// ttl/3; if the holder dies, renewal stops and the lock lapses after at most `ttl`, so a dead replica cannot leave a
// stale lock. verify() is the check before the guarded action: it renews and fails if the lock is no longer ours.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "shared_state/redis.h"

namespace shared_state {

class RedisLock {
 public:
  RedisLock(std::shared_ptr<Redis> redis, std::string key, std::chrono::milliseconds ttl);
  ~RedisLock();  // releases (compare-and-delete) if still held
  RedisLock(const RedisLock&) = delete;
  RedisLock& operator=(const RedisLock&) = delete;

  // Waits up to `wait` for the lock, polling. nullopt when someone else still holds it then; throws Unavailable.
  static std::unique_ptr<RedisLock> acquire(std::shared_ptr<Redis> redis, const std::string& key,
                                            std::chrono::milliseconds ttl, std::chrono::milliseconds wait);

  // Renews the lease; false when it is no longer ours (expired and maybe taken). Throws Unavailable.
  bool verify();
  void release();  // compare-and-delete; silent when Redis is away (the lease then lapses by itself)
  const std::string& token() const { return token_; }

 private:
  bool try_take();
  void renew_loop();
  std::shared_ptr<Redis> redis_;
  std::string key_, token_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::thread renewer_;
};

std::string random_token();  // 128 random bits, hex

}  // namespace shared_state
