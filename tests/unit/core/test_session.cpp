#include <doctest/doctest.h>

#include <atomic>

#include "fixture_server.h"
#include "sinks.h"

using namespace test;
using mcp::json;

namespace {

struct Harness {
  std::shared_ptr<RecordingSink> sink = std::make_shared<RecordingSink>();
  std::shared_ptr<mcp::Session> session;
  explicit Harness(std::shared_ptr<mcp::McpServer> server = fixture_server()) {
    session = mcp::Session::create(server, sink);
  }
  ~Harness() { session->close(std::chrono::seconds(5)); }
  json send(const json& message) {
    session->receive(message.dump());
    return message.contains("id") ? sink->response(message["id"]) : json();
  }
  json init(const std::string& version = "2025-11-25", json caps = json::object()) {
    json r = send(init_request(version, caps));
    session->receive(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    return r;
  }
  json call(const json& id, const std::string& tool, json args = json::object(), json meta = nullptr) {
    json params{{"name", tool}, {"arguments", std::move(args)}};
    if (!meta.is_null()) params["_meta"] = meta;
    return send(request(id, "tools/call", params));
  }
};

}  // namespace

TEST_CASE("initialize negotiates the protocol version") {
  for (std::string v : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
    Harness h;
    json r = h.init(v);
    CHECK(r["result"]["protocolVersion"] == v);
  }
  Harness h;
  json r = h.init("1999-01-01");
  CHECK(r["result"]["protocolVersion"] == "2025-11-25");
  CHECK(r["result"]["serverInfo"]["name"] == "fixture");
  CHECK(r["result"]["serverInfo"]["title"] == "Fixture");
  CHECK(r["result"]["serverInfo"]["version"] == "1.2.3");
  CHECK(r["result"]["instructions"] == "fixture instructions");
  CHECK(r["result"]["capabilities"].contains("tools"));
  CHECK(r["result"]["capabilities"].contains("logging"));
  CHECK_FALSE(r["result"]["capabilities"].contains("prompts"));  // none registered: not declared
}

TEST_CASE("initialize without a protocol version is -32602 and the session keeps serving") {
  Harness h;
  json r = h.send(request(1, "initialize", {{"capabilities", json::object()}}));
  CHECK(r["error"]["code"] == -32602);
  r = h.send(request(2, "initialize", {{"protocolVersion", 2025}}));
  CHECK(r["error"]["code"] == -32602);
  CHECK(h.init()["result"]["protocolVersion"] == "2025-11-25");
}

TEST_CASE("a second initialize is rejected") {
  Harness h;
  h.init();
  json again = init_request();
  again["id"] = 77;
  json r = h.send(again);
  CHECK(r["error"]["code"] == -32600);
}

TEST_CASE("ping answers at any time, unknown methods are -32601 even before initialize") {
  Harness h;
  CHECK(h.send(request("p", "ping"))["result"] == json::object());
  CHECK(h.send(request(2, "server/discover"))["error"]["code"] == -32601);
  CHECK(h.send(request(3, "tools/list"))["error"]["code"] == -32600);  // known, but not yet initialized
  h.init();
  CHECK(h.send(request(4, "nope/nope"))["error"]["code"] == -32601);
  CHECK(h.send(request(5, "prompts/list"))["error"]["code"] == -32601);  // not offered here
}

TEST_CASE("ids are echoed unchanged and notifications are never answered") {
  Harness h;
  h.init();
  CHECK(h.send(request("abc-1", "ping"))["id"] == "abc-1");
  CHECK(h.send(request(9007199254740991LL, "ping"))["id"] == 9007199254740991LL);
  CHECK(h.send(request(-5, "ping"))["id"] == -5);
  h.sink->clear();
  h.session->receive(R"({"jsonrpc":"2.0","method":"ping"})");
  h.session->receive(R"({"jsonrpc":"2.0","method":"notifications/whatever","params":{}})");
  h.send(request(10, "ping"));
  auto all = h.sink->all();
  REQUIRE(all.size() == 1);
  CHECK(all[0]["id"] == 10);
}

TEST_CASE("framing errors: parse error, invalid request") {
  Harness h;
  h.session->receive("{not json");
  auto m = h.sink->wait_for(1);
  CHECK(m.back()["error"]["code"] == -32700);
  CHECK(m.back()["id"].is_null());
  h.session->receive(R"({"jsonrpc":"1.0","id":4,"method":"ping"})");
  m = h.sink->wait_for(2);
  CHECK(m.back()["error"]["code"] == -32600);
  CHECK(m.back()["id"] == 4);
  h.session->receive(R"("just a string")");
  m = h.sink->wait_for(3);
  CHECK(m.back()["error"]["code"] == -32600);
  h.session->receive(R"({"jsonrpc":"2.0","id":5,"method":"ping","params":"x"})");
  m = h.sink->wait_for(4);
  CHECK(m.back()["error"]["code"] == -32600);
}

TEST_CASE("batches only in a 2025-03-26 session") {
  Harness modern;
  modern.init("2025-11-25");
  modern.session->receive(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  auto m = modern.sink->wait_for(2);
  CHECK(m.back()["error"]["code"] == -32600);

  Harness old;
  old.init("2025-03-26");
  old.sink->clear();
  old.session->receive(
      R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},)"
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}},)"
      R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}])");
  m = old.sink->wait_for(1);
  REQUIRE(m.size() == 1);
  REQUIRE(m[0].is_array());
  CHECK(m[0].size() == 3);
  std::set<int> ids;
  for (const auto& r : m[0]) ids.insert(r["id"].get<int>());
  CHECK(ids == std::set<int>{1, 2, 3});
  old.session->receive("[]");
  m = old.sink->wait_for(2);
  CHECK(m.back()["error"]["code"] == -32600);
}

TEST_CASE("tools/list pages with an opaque cursor in a stable order") {
  auto server = fixture_server();
  server->tools_page_size = 3;
  Harness h(server);
  h.init();
  std::vector<std::string> names;
  json cursor;
  for (int page = 0; page < 10; ++page) {
    json params = cursor.is_null() ? json::object() : json{{"cursor", cursor}};
    json r = h.send(request(100 + page, "tools/list", params));
    for (const auto& t : r["result"]["tools"]) {
      names.push_back(t["name"]);
      CHECK(t.contains("description"));
      CHECK(t["inputSchema"]["type"] == "object");
      CHECK(t["annotations"].contains("readOnlyHint"));
    }
    if (!r["result"].contains("nextCursor")) break;
    cursor = r["result"]["nextCursor"];
  }
  CHECK(names == std::vector<std::string>{"echo", "slow", "confirm", "boom", "bad_output", "chatty", "create_thing"});
  CHECK(h.send(request(200, "tools/list", {{"cursor", "garbage"}}))["error"]["code"] == -32602);
  // Served from the serialised cache: the same page every time, and the id is the request's own.
  json again = h.send(request("same", "tools/list", json::object()));
  CHECK(again["id"] == "same");
  CHECK(again["result"] == server->tools.list(nullptr, 3));
  // A cursor past the end is an empty last page.
  json beyond = h.send(request(201, "tools/list", {{"cursor", "tools/999999999"}}));
  CHECK(beyond["result"]["tools"].empty());
  CHECK_FALSE(beyond["result"].contains("nextCursor"));
}

TEST_CASE("tools/call: results, validation errors as isError, unknown tools as -32602") {
  Harness h;
  h.init();
  json r = h.call(1, "echo", {{"text", "hello"}});
  CHECK(r["result"]["structuredContent"]["text"] == "hello");
  CHECK(r["result"]["content"][0]["text"] == "hello");
  CHECK_FALSE(r["result"].contains("isError"));

  r = h.call(2, "echo", {{"text", 42}});
  CHECK(r["result"]["isError"] == true);
  std::string text = r["result"]["content"][0]["text"];
  CHECK(text.find("text") != std::string::npos);
  CHECK(text.find("string") != std::string::npos);

  r = h.call(3, "echo", json::object());
  CHECK(r["result"]["isError"] == true);

  r = h.call(4, "nonexistent");
  CHECK(r["error"]["code"] == -32602);
  r = h.send(request(5, "tools/call", {{"arguments", json::object()}}));
  CHECK(r["error"]["code"] == -32602);
  r = h.send(request(6, "tools/call", {{"name", "echo"}, {"arguments", "x"}}));
  CHECK(r["error"]["code"] == -32602);

  r = h.call(7, "boom");
  CHECK(r["result"]["isError"] == true);
  CHECK(r["result"]["content"][0]["text"].get<std::string>().find("kaput") != std::string::npos);

  r = h.call(8, "bad_output");
  CHECK(r["result"]["isError"] == true);
  CHECK(r["result"]["content"][0]["text"].get<std::string>().find("schema") != std::string::npos);
}

TEST_CASE("progress is sent only with a token, increases strictly, and never follows the response") {
  Harness h;
  h.init();
  h.sink->clear();
  json r = h.call(1, "slow", {{"steps", 4}}, {{"progressToken", "tok"}});
  CHECK(r["result"]["content"][0]["text"] == "done");
  auto all = h.sink->all();
  std::vector<double> progress;
  bool after_response = false, response_seen = false;
  for (const auto& m : all) {
    if (m.contains("id")) response_seen = true;
    if (m.value("method", "") == "notifications/progress") {
      if (response_seen) after_response = true;
      CHECK(m["params"]["progressToken"] == "tok");
      CHECK(m["params"]["total"] == 4);
      progress.push_back(m["params"]["progress"]);
    }
  }
  CHECK(progress == std::vector<double>{1, 2, 3, 4});
  CHECK_FALSE(after_response);

  h.sink->clear();
  h.call(2, "slow", {{"steps", 2}});
  for (const auto& m : h.sink->all()) CHECK(m.value("method", "") != "notifications/progress");
}

TEST_CASE("a slow call does not block ping, and calls answer out of order") {
  Harness h;
  h.init();
  h.sink->clear();
  h.session->receive(request(1, "tools/call", {{"name", "slow"}, {"arguments", {{"steps", 25}}}}).dump());
  json pong = h.send(request(2, "ping"));
  json echo = h.call(3, "echo", {{"text", "fast"}});
  CHECK(pong["result"] == json::object());
  CHECK(echo["result"]["structuredContent"]["text"] == "fast");
  auto before = h.sink->all();
  bool slow_done = false;
  for (const auto& m : before)
    if (m.value("id", json()) == 1) slow_done = true;
  CHECK_FALSE(slow_done);
  CHECK(h.sink->response(1)["result"]["content"][0]["text"] == "done");
}

TEST_CASE("notifications/cancelled stops the handler and suppresses its response") {
  Harness h;
  h.init();
  int finished_before = slow_tool_finished.load();
  h.session->receive(request("long", "tools/call", {{"name", "slow"}, {"arguments", {{"steps", 500}}}}).dump());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  h.session->receive(
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long","reason":"user"}})");
  h.session->receive(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"unknown"}})");
  CHECK(h.session->drain(std::chrono::seconds(3)));
  CHECK(slow_tool_finished.load() == finished_before + 1);
  CHECK(h.sink->response("long", std::chrono::milliseconds(100)).is_null());
}

TEST_CASE("a handler can ask the client through elicitation and get its answer") {
  Harness h;
  h.init("2025-11-25", {{"elicitation", json::object()}});
  h.sink->clear();
  h.session->receive(request(1, "tools/call", {{"name", "confirm"}, {"arguments", json::object()}}).dump());
  auto m = h.sink->wait_for(1);
  REQUIRE(m.size() >= 1);
  CHECK(m[0]["method"] == "elicitation/create");
  json reply{{"jsonrpc", "2.0"}, {"id", m[0]["id"]}, {"result", {{"action", "accept"}}}};
  h.session->receive(reply.dump());
  CHECK(h.sink->response(1)["result"]["content"][0]["text"] == "answer: accept");

  Harness without;
  without.init();
  CHECK(without.call(1, "confirm")["result"]["content"][0]["text"] == "no elicitation");
}

TEST_CASE("logging/setLevel filters notifications/message") {
  Harness h;
  h.init();
  CHECK(h.send(request(1, "logging/setLevel", {{"level", "loud"}}))["error"]["code"] == -32602);
  CHECK(h.send(request(2, "logging/setLevel", {{"level", "debug"}}))["result"] == json::object());
  h.sink->clear();
  h.call(3, "chatty");
  int logs = 0;
  for (const auto& m : h.sink->all()) logs += m.value("method", "") == "notifications/message";
  CHECK(logs == 2);
  h.send(request(4, "logging/setLevel", {{"level", "error"}}));
  h.sink->clear();
  h.call(5, "chatty");
  logs = 0;
  for (const auto& m : h.sink->all())
    if (m.value("method", "") == "notifications/message") {
      ++logs;
      CHECK(m["params"]["level"] == "error");
    }
  CHECK(logs == 1);
}

TEST_CASE("request_scope wraps each request on the thread that runs it and is released when it ends") {
  auto server = fixture_server();
  thread_local int t_scoped = 0;  // what a scope puts in place for the request's thread (the HaloPSA agent, in app/)
  std::atomic<int> opened{0}, released{0};
  server->request_scope = [&](const mcp::RequestContext&) -> std::shared_ptr<void> {
    ++opened;
    ++t_scoped;
    return std::shared_ptr<void>(nullptr, [&](void*) {
      --t_scoped;
      ++released;
    });
  };
  int seen_by_tool = -1;
  server->tools.add({"scoped", "Scoped", "Reports what the scope put in place", "misc",
                     json{{"type", "object"}, {"properties", json::object()}}, std::nullopt,
                     mcp::ToolAnnotations{.read_only = true}, [&](const json&, mcp::RequestContext&) {
                       seen_by_tool = t_scoped;
                       return mcp::ToolResult::text("ok");
                     }});
  Harness h(server);
  h.init();
  const int before = opened;
  json r = h.call(1, "scoped");
  CHECK(r["result"]["isError"].is_null());
  CHECK(seen_by_tool == 1);  // the tool ran (on its own thread) inside the scope
  CHECK(opened - before == 1);
  CHECK(released == opened);  // every scope opened was released when its request ended
}
