// The Streamable HTTP transport under concurrent sessions, in-process so that ThreadSanitizer sees both sides:
// sessions opening, calling tools, ending and the server shutting down while calls are in flight.
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "server/http_transport.h"
#include "tests/unit/free_port.h"
#include "tests/unit/core/fixture_server.h"

using json = nlohmann::json;

namespace {

using test::free_port;

json rpc(int id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

struct Peer {
  explicit Peer(int port) : http("127.0.0.1", port) { http.set_read_timeout(20, 0); }
  httplib::Result post(const json& body) {
    httplib::Headers headers{{"Accept", "application/json, text/event-stream"}};
    if (!session.empty()) headers.emplace("Mcp-Session-Id", session);
    return http.Post("/mcp", headers, body.dump(), "application/json");
  }
  httplib::Client http;
  std::string session;
};

}  // namespace

TEST_CASE("concurrent HTTP sessions are served independently, and shutdown waits for calls in flight") {
  const int port = free_port();
  mcp::HttpOptions options;
  options.port = port;
  options.shutdown_grace = std::chrono::seconds(10);
  mcp::HttpTransport transport(options);
  int exit_code = -1;
  std::thread server([&] { exit_code = transport.run(test::fixture_server()); });
  for (int i = 0; i < 100; ++i) {  // until it listens
    httplib::Client probe("127.0.0.1", port);
    if (auto r = probe.Get("/healthz"); r && r->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  constexpr int kSessions = 6, kCalls = 15;
  std::atomic<int> answered{0}, wrong{0};
  std::vector<std::thread> clients;
  for (int s = 0; s < kSessions; ++s)
    clients.emplace_back([&, s] {
      Peer peer(port);
      auto init = peer.post(rpc(0, "initialize",
                                {{"protocolVersion", "2025-11-25"},
                                 {"capabilities", json::object()},
                                 {"clientInfo", {{"name", "t"}, {"version", "1"}}}}));
      if (!init || init->status != 200 || !init->has_header("Mcp-Session-Id")) return (void)++wrong;
      peer.session = init->get_header_value("Mcp-Session-Id");
      for (int c = 1; c <= kCalls; ++c) {
        std::string text = "s" + std::to_string(s) + "c" + std::to_string(c);
        auto r = peer.post(rpc(c, "tools/call", {{"name", "echo"}, {"arguments", {{"text", text}}}}));
        if (!r || r->status != 200) {
          ++wrong;
          continue;
        }
        json m = json::parse(r->body);
        if (m["id"] == c && m["result"]["structuredContent"]["text"] == text) ++answered;
        else
          ++wrong;
      }
      if (s % 2 == 0) {  // half end their session, the rest leave it to shutdown
        httplib::Headers h{{"Mcp-Session-Id", peer.session}};
        auto r = peer.http.Delete("/mcp", h);
        if (!r || r->status != 200) ++wrong;
      }
    });
  for (auto& t : clients) t.join();
  CHECK(answered == kSessions * kCalls);
  CHECK(wrong == 0);

  // A slow call in flight when the server is told to stop: it finishes and is answered.
  Peer slow(port);
  auto init = slow.post(rpc(0, "initialize",
                            {{"protocolVersion", "2025-11-25"},
                             {"capabilities", json::object()},
                             {"clientInfo", {{"name", "t"}, {"version", "1"}}}}));
  REQUIRE(init);
  slow.session = init->get_header_value("Mcp-Session-Id");
  int late_status = 0;
  std::string late_body;
  std::thread caller([&] {
    if (auto r = slow.post(rpc(1, "tools/call", {{"name", "slow"}, {"arguments", {{"steps", 10}}}})))
      late_status = r->status, late_body = r->body;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  transport.stop();
  caller.join();
  server.join();
  CHECK(exit_code == 0);
  CHECK(late_status == 200);
  CHECK(late_body.find("done") != std::string::npos);
}

TEST_CASE("a stop right after start-up ends run() (it used to hang when it came before the accept loop)") {
  for (int i = 0; i < 20; ++i) {
    mcp::HttpOptions options;
    options.port = 0;
    mcp::HttpTransport transport(options);
    auto run = std::async(std::launch::async, [&] { return transport.run(test::fixture_server()); });
    transport.stop();
    REQUIRE(run.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(run.get() == 0);
  }
}

TEST_CASE("a second server on a busy port fails to start instead of silently sharing it") {
  // httplib's default socket options set SO_REUSEPORT: both servers used to bind, and the kernel split new
  // connections between them, so a session opened on one was unknown to the other.
  const int port = free_port();
  mcp::HttpOptions options;
  options.port = port;
  mcp::HttpTransport first(options);
  auto first_run = std::async(std::launch::async, [&] { return first.run(test::fixture_server()); });
  httplib::Client probe("127.0.0.1", port);
  bool serving = false;
  for (int i = 0; i < 200 && !serving; ++i) {
    serving = static_cast<bool>(probe.Get("/healthz"));
    if (!serving) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!serving) first.stop();
  REQUIRE(serving);

  mcp::HttpTransport second(options);
  auto second_run = std::async(std::launch::async, [&] { return second.run(test::fixture_server()); });
  // Declared after both futures, so on a failed REQUIRE the servers stop before the futures wait for them.
  struct StopBoth {
    mcp::HttpTransport& a;
    mcp::HttpTransport& b;
    ~StopBoth() { a.stop(), b.stop(); }
  } stop_both{first, second};
  REQUIRE(second_run.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(second_run.get() != 0);

  // The first server still has the port to itself: every new connection reaches it.
  for (int i = 0; i < 20; ++i) {
    httplib::Client fresh("127.0.0.1", port);
    auto r = fresh.Get("/healthz");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  first.stop();
  REQUIRE(first_run.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(first_run.get() == 0);
}
