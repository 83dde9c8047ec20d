#include <doctest/doctest.h>
#include <httplib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "sandbox/coerce.h"
#include "sandbox/request_log.h"
#include "sandbox/sandbox.h"
#include "sandbox/time_util.h"

using nlohmann::json;

TEST_CASE("date-times are normalised to ISO 8601 UTC with milliseconds") {
  using sandbox::normalize_datetime;
  CHECK(normalize_datetime("2024-05-01") == "2024-05-01T00:00:00.000Z");
  CHECK(normalize_datetime("2024-05-01", true) == "2024-05-01T23:59:59.999Z");
  CHECK(normalize_datetime("2024-05-01T09:30") == "2024-05-01T09:30:00.000Z");
  CHECK(normalize_datetime("2024-05-01 09:30:15.5") == "2024-05-01T09:30:15.500Z");
  CHECK(normalize_datetime("2024-05-01T09:30:15.123456Z") == "2024-05-01T09:30:15.123Z");
  CHECK(normalize_datetime("2024-05-01T01:30:00+02:00") == "2024-04-30T23:30:00.000Z");
  CHECK(normalize_datetime("2024-02-30") == std::nullopt);
  CHECK(normalize_datetime("true") == std::nullopt);
  CHECK(normalize_datetime("2024-05-01Tnoon") == std::nullopt);
}

TEST_CASE("written values are converted the way Halo's binder converts them") {
  const auto& area = halo::openapi::schema("Area");
  json errors = json::object();
  const json out = sandbox::coerce_object(area,
                                          {{"name", 42},
                                           {"toplevel_id", "3"},
                                           {"inactive", "False"},
                                           {"hourlyrate", "12.5"},
                                           {"datecreated", "2024-01-02"},
                                           {"_dont_fire_automations", true},
                                           {"not_a_field", 1},
                                           {"main_delivery_address", {{"line1", "x"}, {"bogus", 2}}}},
                                          "[0]", errors);
  CHECK(errors.empty());
  CHECK(out == json{{"name", "42"},
                    {"toplevel_id", 3},
                    {"inactive", false},
                    {"hourlyrate", 12.5},
                    {"datecreated", "2024-01-02T00:00:00.000Z"},
                    {"main_delivery_address", {{"line1", "x"}}}});

  json bad = json::object();
  sandbox::coerce_object(area,
                         {{"toplevel_id", "three"},
                          {"inactive", "maybe"},
                          {"portalcolour", "#12345678"},
                          {"customfields", json::array({1})},
                          {"toplevel_name", "skip me"}},
                         "[1]", bad, {"toplevel_name"});
  CHECK(bad.size() == 4);
  CHECK(bad["[1].toplevel_id"] == "Error converting value \"three\" to type 'System.Int32'.");
  CHECK(bad.contains("[1].inactive"));
  CHECK(bad["[1].portalcolour"] == "The field portalcolour must be a string with a maximum length of 7.");
  CHECK(bad.contains("[1].customfields[0]"));
}

TEST_CASE("secrets are masked at any depth before a request is logged") {
  const json masked = sandbox::mask_secrets({{"client_secret", "s3cret"},
                                             {"nested", {{"new_password", "p"}, {"Access_Token", "t"}}},
                                             {"name", "ok"},
                                             {"list", json::array({{{"api_access_clientsecret", "x"}}})}});
  CHECK(masked == json{{"client_secret", "***"},
                       {"nested", {{"new_password", "***"}, {"Access_Token", "***"}}},
                       {"name", "ok"},
                       {"list", json::array({{{"api_access_clientsecret", "***"}}})}});

  sandbox::RequestLog log(3);
  for (int i = 0; i < 5; ++i) log.record(sandbox::LoggedRequest{0, "GET", "/api/Client", json::object(), nullptr, 200});
  const auto kept = log.since(0);
  REQUIRE(kept.size() == 3);  // bounded ring: the oldest go first
  CHECK(kept.front().seq == 3);
  CHECK(log.next_seq() == 6);
}

TEST_CASE("default_db_path follows XDG_DATA_HOME, else ~/.local/share, and creates the folder") {
  namespace fs = std::filesystem;
  const fs::path tmp = fs::temp_directory_path() / ("sandbox-xdg-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  const char* old_xdg = std::getenv("XDG_DATA_HOME");
  const char* old_home = std::getenv("HOME");
  const std::string saved_xdg = old_xdg ? old_xdg : "", saved_home = old_home ? old_home : "";

  ::setenv("XDG_DATA_HOME", (tmp / "xdg").c_str(), 1);
  CHECK(sandbox::default_db_path() == (tmp / "xdg" / "halopsa-mcp" / "sandbox.db").string());
  CHECK(fs::is_directory(tmp / "xdg" / "halopsa-mcp"));

  ::setenv("XDG_DATA_HOME", "relative/ignored", 1);  // the XDG spec says relative paths are invalid
  ::setenv("HOME", (tmp / "home").c_str(), 1);
  CHECK(sandbox::default_db_path() == (tmp / "home" / ".local" / "share" / "halopsa-mcp" / "sandbox.db").string());
  CHECK(fs::is_directory(tmp / "home" / ".local" / "share" / "halopsa-mcp"));

  if (old_xdg) ::setenv("XDG_DATA_HOME", saved_xdg.c_str(), 1);
  else
    ::unsetenv("XDG_DATA_HOME");
  if (old_home) ::setenv("HOME", saved_home.c_str(), 1);
  else
    ::unsetenv("HOME");
  fs::remove_all(tmp);
}

TEST_CASE("run_standalone serves until SIGINT and reports a busy port") {
  int port = 0;
  {
    // Ask the kernel for a free port, then release it for the sandbox.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    ::close(fd);
  }
  REQUIRE(port > 0);
  sandbox::Options options;
  options.port = port;

  // Our own SIGINT handler stays as the fallback, so a signal that lands before run_standalone installs its
  // handler does not kill the test run; we keep raising until the server has stopped.
  struct sigaction quiet {
  }, previous{};
  quiet.sa_handler = [](int) {};
  sigemptyset(&quiet.sa_mask);
  sigaction(SIGINT, &quiet, &previous);

  std::atomic<bool> done{false};
  int rc = -1;
  std::thread server([&] {
    rc = sandbox::run_standalone(options);
    done = true;
  });
  httplib::Client http("127.0.0.1", port);
  http.set_connection_timeout(1);
  http.set_read_timeout(2);
  bool answered = false;
  for (int i = 0; i < 500 && !answered; ++i) {
    auto r = http.Get("/api/authinfo");
    answered = r && r->status == 200;
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(answered);

  SUBCASE("a second sandbox on the same port fails with a clear message") {
    sandbox::Sandbox second(options);
    std::string error = "start() did not throw";
    try {
      second.start();
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    CHECK(error.find("cannot listen on 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  }
  for (int i = 0; i < 200 && !done; ++i) {
    std::raise(SIGINT);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  server.join();
  sigaction(SIGINT, &previous, nullptr);
  CHECK(rc == 0);
  CHECK_FALSE(http.Get("/api/authinfo"));
}
