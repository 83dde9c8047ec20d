// A server with fixture tools that exercise every session path.
#pragma once

#include <atomic>
#include <thread>

#include "server/mcp_server.h"
#include "server/request_context.h"

namespace test {

using json = nlohmann::json;

inline std::atomic<int> slow_tool_finished{0};

inline std::shared_ptr<mcp::McpServer> fixture_server() {
  auto server = std::make_shared<mcp::McpServer>();
  server->info = {"fixture", "Fixture", "1.2.3", "fixture instructions"};
  auto object_schema = [](json props, json required = json::array()) {
    return json{{"type", "object"}, {"properties", props}, {"required", required}, {"additionalProperties", false}};
  };
  mcp::ToolAnnotations ro{.read_only = true};
  server->tools.add({"echo", "Echo", "Returns its text", "misc",
                     object_schema({{"text", {{"type", "string"}, {"minLength", 1}}}}, {"text"}),
                     json{{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}, {"required", {"text"}}},
                     ro, [](const json& args, mcp::RequestContext&) {
                       return mcp::ToolResult::data({{"text", args["text"]}}, args["text"].get<std::string>());
                     }});
  server->tools.add({"slow", "Slow", "Counts to n, 20 ms a step, with progress", "misc",
                     object_schema({{"steps", {{"type", "integer"}, {"minimum", 1}}}}, {"steps"}), std::nullopt, ro,
                     [](const json& args, mcp::RequestContext& ctx) {
                       int steps = args["steps"].get<int>();
                       for (int i = 1; i <= steps; ++i) {
                         if (ctx.cancelled()) {
                           slow_tool_finished++;
                           return mcp::ToolResult::error("cancelled");
                         }
                         std::this_thread::sleep_for(std::chrono::milliseconds(20));
                         ctx.progress(i, steps, "step " + std::to_string(i));
                         ctx.progress(i - 0.5, steps);  // not increasing: must be dropped
                       }
                       slow_tool_finished++;
                       return mcp::ToolResult::text("done");
                     }});
  server->tools.add({"confirm", "Confirm", "Asks the user through elicitation", "misc", object_schema(json::object()),
                     std::nullopt, mcp::ToolAnnotations{.destructive = true},
                     [](const json&, mcp::RequestContext& ctx) {
                       if (!ctx.client_supports("elicitation")) return mcp::ToolResult::error("no elicitation");
                       json answer = ctx.request("elicitation/create", {{"message", "Sure?"}}, std::chrono::seconds(5));
                       return mcp::ToolResult::text("answer: " + answer.value("action", std::string("?")));
                     }});
  server->tools.add({"boom", "Boom", "Throws", "misc", object_schema(json::object()), std::nullopt, ro,
                     [](const json&, mcp::RequestContext&) -> mcp::ToolResult { throw std::runtime_error("kaput"); }});
  server->tools.add({"bad_output", "Bad output", "Breaks its own output schema", "misc", object_schema(json::object()),
                     json{{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}, {"required", {"n"}}}, ro,
                     [](const json&, mcp::RequestContext&) {
                       return mcp::ToolResult::data({{"n", "text"}});
                     }});
  server->tools.add({"chatty", "Chatty", "Logs at debug and error", "misc", object_schema(json::object()), std::nullopt,
                     ro, [](const json&, mcp::RequestContext& ctx) {
                       ctx.log(mcp::LogLevel::debug, "debug line");
                       ctx.log(mcp::LogLevel::error, "error line");
                       return mcp::ToolResult::text("ok");
                     }});
  server->tools.add({"create_thing", "Create", "Writes", "clients", object_schema(json::object()), std::nullopt,
                     mcp::ToolAnnotations{},
                     [](const json&, mcp::RequestContext&) { return mcp::ToolResult::text("created"); }});
  server->tools.set_validate_output(true);
  return server;
}

}  // namespace test
