// A redis-server child process on a free loopback port, with no persistence, for one test.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "shared_state/redis.h"

namespace test {

class RedisServer {
 public:
  RedisServer();  // starts it and waits until it answers PING
  ~RedisServer();
  static bool installed();
  void stop();   // SIGKILL, waited for
  void start();  // again, on the same port
  int port() const { return port_; }
  shared_state::RedisUrl url() const { return {"127.0.0.1", port_, 0, ""}; }
  std::shared_ptr<shared_state::Redis> connect() const { return std::make_shared<shared_state::Redis>(url()); }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
};

}  // namespace test
