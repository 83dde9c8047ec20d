#include <doctest/doctest.h>

#include "fixture_server.h"
#include "server/jsonrpc.h"
#include "server/session.h"
#include "sinks.h"
#include "server/request_context.h"
#include "server/tool_registry.h"

using mcp::json;

TEST_CASE("read-only policy hides write tools and says why when they are called anyway") {
  auto server = test::fixture_server();
  REQUIRE(server->tools.find("create_thing"));
  server->tools.apply({.read_only = true});
  CHECK_FALSE(server->tools.find("create_thing"));
  CHECK(server->tools.find("echo"));
  auto reason = server->tools.hidden_reason("create_thing");
  REQUIRE(reason);
  CHECK(reason->find("read-only") != std::string::npos);
  // Destructive tools are write tools too.
  CHECK_FALSE(server->tools.find("confirm"));
}

TEST_CASE("tool and toolset filters, and the write allowlist") {
  auto server = test::fixture_server();
  server->tools.apply({.tools = {"echo", "create_thing"}});
  CHECK(server->tools.size() == 2);
  server->tools.apply({.toolsets = {"clients"}});
  CHECK(server->tools.size() == 1);
  CHECK(server->tools.find("create_thing"));
  server->tools.apply({.allow_writes = std::set<std::string>{"misc"}});
  CHECK_FALSE(server->tools.find("create_thing"));
  CHECK(server->tools.hidden_reason("create_thing")->find("allow-writes") != std::string::npos);
  CHECK(server->tools.find("confirm"));  // a misc write tool is allowed
  server->tools.apply({});
  CHECK(server->tools.size() == 7);
}

TEST_CASE("policies naming unknown tools or toolsets are start-up errors") {
  auto server = test::fixture_server();
  CHECK_THROWS_WITH_AS(server->tools.apply({.tools = {"ecko"}}), doctest::Contains("ecko"), std::invalid_argument);
  CHECK_THROWS_AS(server->tools.apply({.toolsets = {"nope"}}), std::invalid_argument);
  CHECK_THROWS_AS(server->tools.apply({.allow_writes = std::set<std::string>{"nope"}}), std::invalid_argument);
}

TEST_CASE("registration refuses bad names, duplicates, missing descriptions and non-object schemas") {
  mcp::ToolRegistry r;
  auto ok = [] {
    return mcp::ToolSpec{
        "ok", "Ok", "desc", "misc", json{{"type", "object"}}, std::nullopt, {}, [](const json&, mcp::RequestContext&) {
          return mcp::ToolResult::text("");
        }};
  };
  r.add(ok());
  CHECK_THROWS(r.add(ok()));
  auto bad = ok();
  bad.name = "has space";
  CHECK_THROWS(r.add(bad));
  bad = ok();
  bad.name = "other";
  bad.description = "";
  CHECK_THROWS(r.add(bad));
  bad = ok();
  bad.name = "other2";
  bad.input_schema = json{{"type", "string"}};
  CHECK_THROWS(r.add(bad));
}

TEST_CASE("tool definitions carry title, schemas and annotations") {
  auto server = test::fixture_server();
  json def = server->tools.find("echo")->definition();
  CHECK(def["title"] == "Echo");
  CHECK(def["outputSchema"]["type"] == "object");
  CHECK(def["annotations"]["readOnlyHint"] == true);
  json write = server->tools.find("confirm")->definition();
  CHECK(write["annotations"]["readOnlyHint"] == false);
  CHECK(write["annotations"]["destructiveHint"] == true);
}

TEST_CASE("what a handler throws is translated once, by the registry: the model reads the domain's text") {
  struct Refused : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  struct Channel : mcp::RequestContext::Channel {
    void notify(const json&) override {}
    json request(std::string_view, json, std::chrono::milliseconds, std::stop_token) override { return {}; }
    mcp::LogLevel log_level() const override { return mcp::LogLevel::info; }
    const json& client_capabilities() const override { return caps; }
    std::string session_id() const override { return "stdio"; }
    json caps = json::object();
  } channel;
  mcp::ToolRegistry registry;
  registry.add(
      {.name = "refuse",
       .title = "Refuse",
       .description = "Always refuses.",
       .toolset = "misc",
       .input_schema = {{"type", "object"}},
       .annotations = {.read_only = true},
       .handler = [](const json&, mcp::RequestContext&) -> mcp::ToolResult { throw Refused("name: give one"); }});
  mcp::RequestContext ctx(channel, nullptr, {});
  // No translator: an internal error the session reports without details.
  CHECK_THROWS_AS(registry.call(*registry.find("refuse"), json::object(), ctx), Refused);
  registry.set_error_translator([](const std::exception& e) -> std::optional<std::string> {
    if (dynamic_cast<const Refused*>(&e)) return std::string("Refused: ") + e.what();
    return std::nullopt;
  });
  const mcp::ToolResult r = registry.call(*registry.find("refuse"), json::object(), ctx);
  CHECK(r.is_error);
  CHECK(r.to_json()["content"][0]["text"] == "Refused: name: give one");
}

TEST_CASE("a write gate refuses write tools with its reason before the handler runs; reads pass") {
  struct Channel : mcp::RequestContext::Channel {
    void notify(const json&) override {}
    json request(std::string_view, json, std::chrono::milliseconds, std::stop_token) override { return {}; }
    mcp::LogLevel log_level() const override { return mcp::LogLevel::info; }
    const json& client_capabilities() const override { return caps; }
    std::string session_id() const override { return "stdio"; }
    json caps = json::object();
  } channel;
  int writes_run = 0;
  mcp::ToolRegistry registry;
  registry.add({.name = "write_thing",
                .title = "Write",
                .description = "Writes.",
                .toolset = "misc",
                .input_schema = {{"type", "object"}},
                .annotations = {.read_only = false},
                .handler = [&](const json&, mcp::RequestContext&) {
                  ++writes_run;
                  return mcp::ToolResult::text("written");
                }});
  registry.add({.name = "read_thing",
                .title = "Read",
                .description = "Reads.",
                .toolset = "misc",
                .input_schema = {{"type", "object"}},
                .annotations = {.read_only = true},
                .handler = [](const json&, mcp::RequestContext&) { return mcp::ToolResult::text("read"); }});
  std::optional<std::string> closed = "writes are paused: the store is away";
  registry.set_write_gate([&] { return closed; });
  mcp::RequestContext ctx(channel, nullptr, {});
  mcp::ToolResult r = registry.call(*registry.find("write_thing"), json::object(), ctx);
  CHECK(r.is_error);
  CHECK(r.to_json()["content"][0]["text"] == "writes are paused: the store is away");
  CHECK(writes_run == 0);
  CHECK_FALSE(registry.call(*registry.find("read_thing"), json::object(), ctx).is_error);
  closed.reset();
  CHECK_FALSE(registry.call(*registry.find("write_thing"), json::object(), ctx).is_error);
  CHECK(writes_run == 1);
}

TEST_CASE("scope policy: a caller sees and calls only what its scopes permit; no caller, no policy") {
  auto server = test::fixture_server();
  server->tools.set_scope_policy({.read = "r", .write = "w"});
  const mcp::CallerInfo reader{.subject = "u", .scopes = {"r"}};
  const mcp::CallerInfo writer{.subject = "u", .scopes = {"r", "w"}};
  const mcp::ToolSpec* create = server->tools.find("create_thing");
  const mcp::ToolSpec* echo = server->tools.find("echo");
  REQUIRE(create);
  REQUIRE(echo);
  CHECK(server->tools.missing_scope(*create, &reader) == std::optional<std::string>("w"));
  CHECK(!server->tools.missing_scope(*echo, &reader));
  CHECK(!server->tools.missing_scope(*create, &writer));
  CHECK(!server->tools.missing_scope(*create, nullptr));  // stdio, the static token: not subject to scopes

  auto names = [&](const mcp::CallerInfo* caller) {
    json page = json::parse(*server->tools.list_serialized(json(), 100, caller));
    std::set<std::string> out;
    for (const auto& t : page["tools"]) out.insert(t["name"].get<std::string>());
    return out;
  };
  CHECK(names(&reader).count("echo") == 1);
  CHECK(names(&reader).count("create_thing") == 0);
  CHECK(names(&reader).count("confirm") == 0);  // destructive tools are write tools
  CHECK(names(&writer) == names(nullptr));
  CHECK(names(nullptr).count("create_thing") == 1);
}

TEST_CASE("the session refuses a tool call beyond the caller's scopes, whatever the transport") {
  auto server = test::fixture_server();
  server->tools.set_scope_policy({.read = "r", .write = "w"});
  auto sink = std::make_shared<test::RecordingSink>();
  auto session = mcp::Session::create(server, sink);
  session->assume_initialized("2025-11-25");
  auto reader = std::make_shared<const mcp::CallerInfo>(mcp::CallerInfo{.subject = "u", .scopes = {"r"}});
  session->receive_message(
      {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/call"}, {"params", {{"name", "create_thing"}}}}, sink, reader);
  json r = sink->response(7);
  REQUIRE(r.contains("error"));
  CHECK(r["error"]["message"].get<std::string>().find("needs the scope \"w\"") != std::string::npos);
  session->receive_message({{"jsonrpc", "2.0"},
                            {"id", 8},
                            {"method", "tools/call"},
                            {"params", {{"name", "echo"}, {"arguments", {{"text", "hi"}}}}}},
                           sink, reader);
  CHECK(sink->response(8)["result"]["content"][0]["text"] == "hi");
  session->close(std::chrono::seconds(1));
}
