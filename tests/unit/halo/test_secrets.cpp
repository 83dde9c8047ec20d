// Secrets (the client secret, access tokens) never reach a log line, an error or a status, even at
// debug level and even when the server echoes them back.
#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>

#include "halo/client.h"
#include "sandbox_fixture.h"
#include "stub_server.h"

namespace {

// Routes the default logger into a string at debug level for the life of the object.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

std::string what_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const halo::Error& e) {
    return std::string(e.what()) + "\n" + e.body_excerpt() + "\n" + e.field_errors().dump();
  }
  FAIL("expected a halo::Error");
  return {};
}

}  // namespace

TEST_CASE("secrets: sandbox token fetch, 401 refresh and failed token requests leave no secret or token behind") {
  auto& fx = test::shared_sandbox();
  const std::string secret = fx.config().client_secret;
  std::string errors;
  std::string log;
  {
    CapturedLog captured;
    halo::Client client(fx.config());
    client.get("Client/1");  // discovery + token fetch
    fx.fault({{"expire_tokens", true}});
    client.get("Client/1");  // 401, refresh, retry
    fx.fault({{"expire_tokens", true}});
    fx.fault({{"token_html_500", 1}});
    errors += what_of([&] { client.get("Client/1"); });  // 401, then the token request fails
    auto status = client.probe();
    errors += status.error;

    auto wrong = fx.config();
    wrong.client_secret = "a-wrong-secret-value-123";
    halo::Client bad(wrong);
    errors += what_of([&] { bad.get("Client/1"); });
    log = captured.text();
  }
  // The log really holds the request lines (so the assertions below can fail).
  CHECK(log.find("POST " + fx.base_url() + "/auth/token?tenant=sandbox -> 200") != std::string::npos);
  CHECK(log.find("GET /api/Client/1 -> 401") != std::string::npos);
  CHECK(log.find("-> 500") != std::string::npos);
  CHECK(errors.find("auth_failed") == std::string::npos);  // kinds are separate from messages
  CHECK(errors.find("Known causes") != std::string::npos);

  for (const std::string& text : {log, errors}) {
    CHECK(text.find(secret) == std::string::npos);
    CHECK(text.find("a-wrong-secret-value-123") == std::string::npos);
    CHECK(text.find("Bearer ") == std::string::npos);
    // The sandbox's tokens are 64 hex digits.
    CHECK_FALSE(std::regex_search(text, std::regex("[0-9a-f]{64}")));
  }
}

TEST_CASE("secrets: a server that echoes the secret and the token back is scrubbed") {
  test::StubServer stub;
  const std::string secret = "echo-secret-5a4b3c";
  std::atomic<bool> fail_token{false};
  stub.http().Post("/auth/token", [&](const httplib::Request& req, httplib::Response& res) {
    if (fail_token) {
      res.status = 400;
      res.set_content("{\"error\":\"invalid_client\",\"error_description\":\"bad request: " + req.body + "\"}",
                      "application/json");
      return;
    }
    res.set_content(R"({"access_token":"echoed-token-77f1e2d3","expires_in":3600})", "application/json");
  });
  stub.http().Get("/api/Client/1", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 500;
    res.set_content("{\"Message\":\"failed for " + req.get_header_value("Authorization") + "\"}", "application/json");
  });
  stub.http().Get("/api/Client/2", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 401;
    res.set_content("token " + req.get_header_value("Authorization") + " refused", "text/plain");
  });
  stub.start();

  halo::Config config;
  config.base_url = stub.base_url();
  config.auth_url = stub.base_url() + "/auth";
  config.client_id = "cid";
  config.client_secret = secret;
  config.backoff_base_ms = 1;
  std::string errors, log;
  {
    CapturedLog captured;
    halo::Client client(config);
    errors += what_of([&] { client.get("Client/1"); });
    fail_token = true;
    errors += what_of([&] { client.get("Client/2"); });  // 401, then the refresh is refused with an echo
    log = captured.text();
  }
  CHECK(errors.find("failed for Bearer [redacted]") != std::string::npos);  // the echo was there, and scrubbed
  CHECK(errors.find("client_secret=[redacted]") != std::string::npos);
  for (const std::string& text : {log, errors}) {
    CHECK(text.find(secret) == std::string::npos);
    CHECK(text.find("echoed-token-77f1e2d3") == std::string::npos);
  }
}
