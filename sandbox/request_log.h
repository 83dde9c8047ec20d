// A bounded log of every /api and /auth request the sandbox answered, so tests can assert exactly what a client
// sent upstream. Secrets (client_secret, tokens, passwords) are masked as "***" before they are stored.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

struct LoggedRequest {
  std::uint64_t seq = 0;  // 1, 2, 3... in arrival order
  std::string method;
  std::string path;
  nlohmann::json query = nlohmann::json::object();  // {name: value}
  nlohmann::json body;   // parsed JSON, form fields as an object, other text as a string, null when empty
  int status = 0;        // the status answered; 0 when the connection was dropped
  nlohmann::json agent;  // the agent the request acted as, {"id", "name"}; null when no token was accepted
};

nlohmann::json to_json(const LoggedRequest& request);

// Replaces the values of secret-bearing keys, at any depth, with "***".
nlohmann::json mask_secrets(nlohmann::json value);

class RequestLog {
 public:
  explicit RequestLog(std::size_t capacity = 2000) : capacity_(capacity) {}

  std::uint64_t record(LoggedRequest request);  // assigns and returns seq
  // Entries with seq >= since, oldest first.
  std::vector<LoggedRequest> since(std::uint64_t since) const;
  std::uint64_t next_seq() const;

 private:
  mutable std::mutex mu_;
  std::size_t capacity_;
  std::deque<LoggedRequest> entries_;
  std::uint64_t next_ = 1;
};

}  // namespace sandbox
