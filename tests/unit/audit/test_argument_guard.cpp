// Arguments that pass a schema but would still do harm: numbers that wrap into other ids, control characters.
#include <doctest/doctest.h>

#include "server/request_context.h"
#include "server/tool_registry.h"

using json = nlohmann::json;

namespace {
struct Channel : mcp::RequestContext::Channel {
  void notify(const json&) override {}
  json request(std::string_view, json, std::chrono::milliseconds, std::stop_token) override { return {}; }
  mcp::LogLevel log_level() const override { return mcp::LogLevel::info; }
  const json& client_capabilities() const override { return caps; }
  std::string session_id() const override { return "stdio"; }
  json caps = json::object();
};
}  // namespace

TEST_CASE("ids beyond 64 bits and control characters are refused before the handler runs") {
  mcp::ToolRegistry registry;
  json seen;
  mcp::ToolSpec spec;
  spec.name = "get_contact";
  spec.description = "test";
  spec.toolset = "contacts";
  spec.annotations.read_only = true;
  spec.input_schema = {{"type", "object"},
                       {"properties",
                        {{"contact_id", {{"type", "integer"}, {"minimum", 1}}},
                         {"name", {{"type", "string"}}},
                         {"extra", {{"type", "object"}}}}}};
  spec.handler = [&](const json& args, mcp::RequestContext&) {
    seen = args;
    return mcp::ToolResult::text("ran");
  };
  registry.add(spec);
  Channel channel;
  mcp::RequestContext ctx(channel, nullptr, {});
  auto call = [&](const std::string& text) {
    seen = nullptr;
    return registry.call(*registry.find("get_contact"), json::parse(text), ctx);
  };
  auto text_of = [](const mcp::ToolResult& r) { return r.content[0]["text"].get<std::string>(); };

  auto wrapped = call(R"({"contact_id": 9223372036854775808})");
  CHECK(wrapped.is_error);
  CHECK(text_of(wrapped).find("`contact_id`: 9223372036854775808 is out of range") != std::string::npos);
  CHECK(call(R"({"contact_id": 1e308})").is_error);
  CHECK(call(R"({"extra": {"n": -1e300}})").is_error);
  CHECK(seen.is_null());

  auto nul = call(R"({"name": "Nul\u0000Corp"})");
  CHECK(nul.is_error);
  CHECK(text_of(nul).find("`name`: the text contains the control character U+0000") != std::string::npos);
  CHECK(text_of(call(R"({"extra": {"a\u0007b": 1}})")).find("`extra`: a property name contains") != std::string::npos);
  CHECK(seen.is_null());

  CHECK_FALSE(call(R"({"contact_id": 9223372036854775807, "name": "Line one\nline\ttwo\r\n"})").is_error);
  CHECK(seen["contact_id"] == 9223372036854775807LL);
}
