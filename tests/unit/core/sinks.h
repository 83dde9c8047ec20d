// Test doubles: a sink that records what the session sends, and a server with fixture tools.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "server/session.h"

namespace test {

using json = nlohmann::json;

class RecordingSink : public mcp::MessageSink {
 public:
  void send(const json& message) override {
    std::lock_guard lock(mutex_);
    messages_.push_back(message);
    changed_.notify_all();
  }
  // Waits until at least n messages arrived (or 5 s); returns a copy of all.
  std::vector<json> wait_for(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, limit, [&] { return messages_.size() >= n; });
    return messages_;
  }
  std::vector<json> all() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  // The response with this id, waiting for it.
  json response(const json& id, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    json found;
    changed_.wait_for(lock, limit, [&] {
      for (const auto& m : messages_)
        if (m.is_object() && m.contains("id") && m["id"] == id && !m.contains("method")) {
          found = m;
          return true;
        }
      return false;
    });
    return found;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    messages_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<json> messages_;
};

inline json request(const json& id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

inline json init_request(const std::string& version = "2025-11-25", json capabilities = json::object()) {
  return request(0, "initialize",
                 {{"protocolVersion", version},
                  {"capabilities", std::move(capabilities)},
                  {"clientInfo", {{"name", "test"}, {"version", "1"}}}});
}

}  // namespace test
