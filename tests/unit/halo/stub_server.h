#pragma once
// A tiny HTTP server on loopback for the answers the sandbox never gives (odd response shapes,
// missing authinfo, HTML where JSON belongs). Handlers are registered per test.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test {

class StubServer {
 public:
  StubServer() = default;
  ~StubServer() { stop(); }

  httplib::Server& http() { return server_; }

  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  void stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // A standard token endpoint at /auth/token that hands out "tok-1", "tok-2", ...
  void serve_tokens(int expires_in = 3600) {
    server_.Post("/auth/token", [this, expires_in](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        token_requests.push_back(req);
      }
      const int n = ++tokens_issued;
      res.set_content("{\"access_token\":\"stub-token-" + std::to_string(n) +
                          "\",\"token_type\":\"Bearer\",\"expires_in\":" + std::to_string(expires_in) + "}",
                      "application/json");
    });
  }

  std::vector<httplib::Request> token_requests_copy() {
    std::lock_guard lock(mu_);
    return token_requests;
  }

  std::atomic<int> tokens_issued{0};

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::vector<httplib::Request> token_requests;
};

}  // namespace test
