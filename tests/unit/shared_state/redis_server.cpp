#include "redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "tests/unit/free_port.h"

namespace test {

bool RedisServer::installed() { return std::system("command -v redis-server >/dev/null 2>&1") == 0; }

RedisServer::RedisServer() : port_(free_port()) {
  char tmpl[] = "/tmp/shared-state-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  start();
}

RedisServer::~RedisServer() {
  stop();
  std::filesystem::remove_all(dir_);
}

void RedisServer::start() {
  pid_ = fork();
  if (pid_ == 0) {
    const std::string port = std::to_string(port_);
    execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "", "--appendonly",
           "no", "--dir", dir_.c_str(), "--logfile", (dir_ + "/redis.log").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  shared_state::Redis probe(url(), {.retry_pause = std::chrono::milliseconds(0)});
  for (int i = 0; i < 200; ++i) {
    if (probe.up()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("redis-server did not answer on port " + std::to_string(port_));
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace test
