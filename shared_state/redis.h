// One Redis connection shared by the threads of a process, and what to do when Redis is away: every command either
// answers or throws Unavailable, and the next command after a pause reconnects, so a Redis restart needs no restart
// of ours. The password in the URL is kept for AUTH and never appears in a message or log.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct redisContext;

namespace shared_state {

// redis://[:password@]host[:port][/db]  (also redis://user:password@…; the user is ignored: Redis 6 ACL users are
// not used here). Throws std::invalid_argument naming what is wrong, never echoing the password.
struct RedisUrl {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string password;
  std::string shown() const;  // host:port/db, for logs
};
RedisUrl parse_redis_url(const std::string& url);

// Redis did not answer (refused, timed out, connection lost). Its message names host:port and what happened.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Reply {
  enum class Type { nil, integer, string, status, array, error } type = Type::nil;
  long long integer = 0;
  std::string str;  // string, status and error replies
  std::vector<Reply> elements;
};

class Redis {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{300};
    std::chrono::milliseconds command_timeout{2000};
    std::chrono::milliseconds retry_pause{250};  // no reconnect attempt sooner than this after a failure
  };
  explicit Redis(RedisUrl url);
  Redis(RedisUrl url, Options options);
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  // One command, arguments binary-safe. An error reply comes back as Type::error (it is an answer, not an outage).
  Reply command(const std::vector<std::string>& argv);

  // EVALSHA, falling back to EVAL when the server does not know the script yet (after its restart, say).
  Reply script(const std::string& source, const std::vector<std::string>& keys, const std::vector<std::string>& args);

  // True when the last command (or a PING now, if the last one failed and a retry is due) succeeded.
  bool up();
  const RedisUrl& url() const { return url_; }

  // A fresh connection of its own (for SUBSCRIBE, which takes a connection over); throws Unavailable.
  static redisContext* connect(const RedisUrl& url, std::chrono::milliseconds connect_timeout,
                               std::chrono::milliseconds command_timeout);

 private:
  Reply command_locked(const std::vector<std::string>& argv);
  RedisUrl url_;
  Options options_;
  std::mutex mu_;
  redisContext* ctx_ = nullptr;
  bool up_ = false;
  std::chrono::steady_clock::time_point next_attempt_{};
};

Reply to_reply(const void* redis_reply);  // converts a hiredis redisReply

}  // namespace shared_state
