#pragma once
// An in-process sandbox tenant plus a control client for its HTTP fault API, and a halo::Config
// pointing at it with test-friendly (short) backoff.
#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "halo/config.h"
#include "sandbox/sandbox.h"

namespace test {

inline sandbox::Options sandbox_options() {
  sandbox::Options o;
  o.db_path = ":memory:";
  o.host = "127.0.0.1";
  o.port = 0;
  o.seed = true;
  return o;
}

class SandboxFixture {
 public:
  explicit SandboxFixture(sandbox::Options options = sandbox_options()) : sandbox_(std::move(options)) {
    sandbox_.start();
    control_ = std::make_unique<httplib::Client>(sandbox_.base_url());
  }

  sandbox::Sandbox& sandbox() { return sandbox_; }
  std::string base_url() const { return sandbox_.base_url(); }

  halo::Config config() const {
    halo::Config c;
    c.base_url = sandbox_.base_url();
    c.client_id = sandbox_.options().client_id;
    c.client_secret = sandbox_.options().client_secret;
    c.backoff_base_ms = 5;
    c.max_rate_wait_seconds = 3;
    c.read_timeout_ms = 5000;
    return c;
  }

  // POST /_sandbox/faults; fails the test when the sandbox refuses the rule.
  void fault(const nlohmann::json& rule) {
    auto res = control_->Post("/_sandbox/faults", rule.dump(), "application/json");
    REQUIRE_MESSAGE((res && res->status == 200), "fault rejected: " << (res ? res->body : std::string("no answer")));
  }
  void clear_faults() { control_->Delete("/_sandbox/faults"); }

  // The next sequence number: requests logged from now on have seq >= mark().
  std::uint64_t mark() { return requests_json(0)["next"].get<std::uint64_t>(); }

  // Logged /api and /auth requests since `seq`: [{seq, method, path, query, body, status}].
  nlohmann::json requests(std::uint64_t since) { return requests_json(since)["requests"]; }

  // Only those whose path starts with `prefix`.
  nlohmann::json requests(std::uint64_t since, const std::string& prefix) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& r : requests(since))
      if (r["path"].get<std::string>().rfind(prefix, 0) == 0) out.push_back(r);
    return out;
  }

 private:
  nlohmann::json requests_json(std::uint64_t since) {
    auto res = control_->Get(("/_sandbox/requests?since=" + std::to_string(since)).c_str());
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return nlohmann::json::parse(res->body);
  }

  sandbox::Sandbox sandbox_;
  std::unique_ptr<httplib::Client> control_;
};

// One sandbox shared by the tests that need no special options (starting one per test costs more
// than most tests); each test starts with no faults queued and judges the request log from its own mark().
inline SandboxFixture& shared_sandbox() {
  static SandboxFixture fixture;
  fixture.clear_faults();
  return fixture;
}

}  // namespace test
