// A Redis pub/sub channel between replicas: publish() sends a message to every replica, and each replica's listener
// thread (its own connection: SUBSCRIBE takes a connection over) hands what others sent to `on_message`. Messages
// this process published are skipped on the way back (it has told its own subscribers already). The listener
// reconnects after Redis comes back; what was published while it was away is lost, as pub/sub does not keep it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "shared_state/redis.h"

namespace shared_state {

class ChangeChannel {
 public:
  using Handler = std::function<void(const std::string& message)>;
  ChangeChannel(std::shared_ptr<Redis> redis, std::string channel, std::string owner, Handler on_message);
  ~ChangeChannel();
  ChangeChannel(const ChangeChannel&) = delete;
  ChangeChannel& operator=(const ChangeChannel&) = delete;

  void publish(const std::string& message);  // throws Unavailable
  bool listening() const { return listening_; }

 private:
  void listen();
  std::shared_ptr<Redis> redis_;
  std::string channel_, owner_;
  Handler on_message_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> listening_{false};
  std::thread listener_;
};

}  // namespace shared_state
