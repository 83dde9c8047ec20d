// The conformance fixture: the same protocol core and HTTP transport as halopsa-mcp, serving the tools,
// prompts and resources that @modelcontextprotocol/conformance's server scenarios call (test_*).
// Usage: conformance-fixture [--port N] (0: any free port; "listening on http://127.0.0.1:PORT/mcp" on stderr).
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "server/http_transport.h"
#include "server/logging.h"
#include "server/mcp_server.h"
#include "server/request_context.h"

namespace {

using json = nlohmann::json;
using mcp::RequestContext;
using mcp::ToolResult;

// A 1×1 PNG and a tiny WAV (44-byte header + 2 samples), base64.
constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
constexpr const char* kWav = "UklGRigAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQQAAAAAAAAA";

json no_args() { return {{"type", "object"}, {"properties", json::object()}}; }
json string_arg(const std::string& name, const std::string& description) {
  return {{"type", "object"},
          {"properties", {{name, {{"type", "string"}, {"description", description}}}}},
          {"required", {name}}};
}
json text(const std::string& t) { return {{"type", "text"}, {"text", t}}; }
json image() { return {{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}}; }
json embedded(const std::string& uri, const std::string& t) {
  return {{"type", "resource"}, {"resource", {{"uri", uri}, {"mimeType", "text/plain"}, {"text", t}}}};
}
ToolResult content(json blocks) {
  ToolResult r;
  r.content = std::move(blocks);
  return r;
}

mcp::ToolSpec tool(std::string name, std::string description, json schema, mcp::ToolHandler handler) {
  mcp::ToolSpec spec;
  spec.name = name;
  spec.title = name;
  spec.description = std::move(description);
  spec.toolset = "conformance";
  spec.input_schema = std::move(schema);
  spec.annotations = {.read_only = true, .open_world = false};
  spec.handler = std::move(handler);
  return spec;
}

ToolResult elicit(RequestContext& ctx, const std::string& message, json schema, const std::string& label) {
  if (!ctx.client_supports("elicitation")) return ToolResult::error("The client does not support elicitation");
  json answer = ctx.request("elicitation/create", {{"message", message}, {"requestedSchema", std::move(schema)}},
                            std::chrono::seconds(30));
  return ToolResult::text(label + "action=" + answer.value("action", std::string("?")) +
                          ", content=" + answer.value("content", json::object()).dump());
}

void add_tools(mcp::McpServer& s) {
  s.tools.add(tool("test_simple_text", "Returns a simple text", no_args(), [](const json&, RequestContext&) {
    return ToolResult::text("This is a simple text response for testing.");
  }));
  s.tools.add(tool("test_image_content", "Returns an image", no_args(),
                   [](const json&, RequestContext&) { return content({image()}); }));
  s.tools.add(tool("test_audio_content", "Returns audio", no_args(), [](const json&, RequestContext&) {
    return content({{{"type", "audio"}, {"data", kWav}, {"mimeType", "audio/wav"}}});
  }));
  s.tools.add(
      tool("test_embedded_resource", "Returns an embedded resource", no_args(), [](const json&, RequestContext&) {
        return content({embedded("test://embedded-resource", "This is an embedded resource content.")});
      }));
  s.tools.add(tool("test_multiple_content_types", "Returns text, an image and a resource", no_args(),
                   [](const json&, RequestContext&) {
                     return content({text("Multiple content types test:"), image(),
                                     embedded("test://mixed-content-resource", "Mixed content resource")});
                   }));
  s.tools.add(tool("test_tool_with_logging", "Logs three messages while it runs", no_args(),
                   [](const json&, RequestContext& ctx) {
                     ctx.log(mcp::LogLevel::info, "Tool execution started", "conformance");
                     std::this_thread::sleep_for(std::chrono::milliseconds(50));
                     ctx.log(mcp::LogLevel::info, "Tool processing data", "conformance");
                     std::this_thread::sleep_for(std::chrono::milliseconds(50));
                     ctx.log(mcp::LogLevel::info, "Tool execution completed", "conformance");
                     return ToolResult::text("Logging test completed");
                   }));
  s.tools.add(tool("test_tool_with_progress", "Reports progress 0, 50, 100 of 100", no_args(),
                   [](const json&, RequestContext& ctx) {
                     ctx.progress(0, 100);
                     std::this_thread::sleep_for(std::chrono::milliseconds(50));
                     ctx.progress(50, 100);
                     std::this_thread::sleep_for(std::chrono::milliseconds(50));
                     ctx.progress(100, 100);
                     return ToolResult::text("Progress test completed");
                   }));
  // SEP-1699 polling: the server ends the connection mid-call; the client resumes with GET and Last-Event-ID and
  // gets the response there.
  s.tools.add(tool("test_reconnection", "Closes its SSE connection mid-call, then answers", no_args(),
                   [](const json&, RequestContext& ctx) {
                     ctx.close_sse_stream();
                     std::this_thread::sleep_for(std::chrono::milliseconds(100));
                     return ToolResult::text("Reconnection test completed");
                   }));
  s.tools.add(tool("test_error_handling", "Always fails", no_args(), [](const json&, RequestContext&) {
    return ToolResult::error("This tool intentionally returns an error for testing");
  }));
  s.tools.add(
      tool("test_sampling", "Asks the client's LLM", string_arg("prompt", "The prompt to send to the LLM"),
           [](const json& args, RequestContext& ctx) {
             if (!ctx.client_supports("sampling")) return ToolResult::error("The client does not support sampling");
             json result =
                 ctx.request("sampling/createMessage",
                             {{"messages", {{{"role", "user"}, {"content", text(args["prompt"].get<std::string>())}}}},
                              {"maxTokens", 100}},
                             std::chrono::seconds(30));
             json c = result.value("content", json::object());
             return ToolResult::text("LLM response: " + (c.is_object() ? c.value("text", std::string()) : c.dump()));
           }));
  s.tools.add(tool("test_elicitation", "Asks the user for a name and e-mail",
                   string_arg("message", "The message to show the user"), [](const json& args, RequestContext& ctx) {
                     json schema{{"type", "object"},
                                 {"properties",
                                  {{"username", {{"type", "string"}, {"description", "User's response"}}},
                                   {"email", {{"type", "string"}, {"description", "User's email address"}}}}},
                                 {"required", {"username", "email"}}};
                     return elicit(ctx, args["message"].get<std::string>(), schema, "User response: ");
                   }));
  s.tools.add(
      tool("test_elicitation_sep1034_defaults", "Elicitation with defaults", no_args(),
           [](const json&, RequestContext& ctx) {
             json schema{
                 {"type", "object"},
                 {"properties",
                  {{"name", {{"type", "string"}, {"default", "John Doe"}}},
                   {"age", {{"type", "integer"}, {"default", 30}}},
                   {"score", {{"type", "number"}, {"default", 95.5}}},
                   {"status", {{"type", "string"}, {"enum", {"active", "inactive", "pending"}}, {"default", "active"}}},
                   {"verified", {{"type", "boolean"}, {"default", true}}}}}};
             return elicit(ctx, "Please review your details", schema, "Elicitation completed: ");
           }));
  s.tools.add(
      tool("test_elicitation_sep1330_enums", "Elicitation with every enum style", no_args(),
           [](const json&, RequestContext& ctx) {
             auto titled = [](const char* prefix, const char* word) {
               json out = json::array();
               const char* names[] = {"First", "Second", "Third"};
               for (int i = 0; i < 3; ++i)
                 out.push_back({{"const", std::string(prefix) + std::to_string(i + 1)},
                                {"title", std::string(names[i]) + " " + word}});
               return out;
             };
             json schema{
                 {"type", "object"},
                 {"properties",
                  {{"untitledSingle", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}},
                   {"titledSingle", {{"type", "string"}, {"oneOf", titled("value", "Option")}}},
                   {"legacyEnum",
                    {{"type", "string"},
                     {"enum", {"opt1", "opt2", "opt3"}},
                     {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
                   {"untitledMulti",
                    {{"type", "array"}, {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
                   {"titledMulti", {{"type", "array"}, {"items", {{"anyOf", titled("value", "Choice")}}}}}}}};
             return elicit(ctx, "Pick some options", schema, "Elicitation completed: ");
           }));
  s.tools.add(tool(
      "json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features",
      {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
       {"type", "object"},
       {"$defs",
        {{"address",
          {{"type", "object"}, {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}}}}},
       {"properties", {{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}}}},
       {"additionalProperties", false}},
      [](const json& args, RequestContext&) { return ToolResult::text("received " + args.dump()); }));
}

void add_prompts(mcp::McpServer& s) {
  auto user = [](json c) { return json{{"role", "user"}, {"content", std::move(c)}}; };
  s.prompts.add({"test_simple_prompt",
                 "",
                 "A simple prompt without arguments",
                 {},
                 [user](const auto&, RequestContext&) {
                   return json{{"messages", {user(text("This is a simple prompt for testing."))}}};
                 },
                 nullptr});
  s.prompts.add(
      {"test_prompt_with_arguments",
       "",
       "A prompt with two arguments",
       {{"arg1", "First test argument", true}, {"arg2", "Second test argument", true}},
       [user](const std::map<std::string, std::string>& a, RequestContext&) {
         return json{{"messages",
                      {user(text("Prompt with arguments: arg1='" + a.at("arg1") + "', arg2='" + a.at("arg2") + "'"))}}};
       },
       [](const std::string&, const std::string& value, const json&) {
         std::vector<std::string> out;
         for (std::string c : {"paris", "park", "party", "test", "testing", "tested"})
           if (c.rfind(value, 0) == 0) out.push_back(c);
         return out;
       }});
  s.prompts.add({"test_prompt_with_embedded_resource",
                 "",
                 "A prompt embedding a resource",
                 {{"resourceUri", "URI of the resource to embed", true}},
                 [user](const std::map<std::string, std::string>& a, RequestContext&) {
                   return json{{"messages",
                                {user(embedded(a.at("resourceUri"), "Embedded resource content for testing.")),
                                 user(text("Please process the embedded resource above."))}}};
                 },
                 nullptr});
  s.prompts.add({"test_prompt_with_image",
                 "",
                 "A prompt with an image",
                 {},
                 [user](const auto&, RequestContext&) {
                   return json{{"messages", {user(image()), user(text("Please analyze the image above."))}}};
                 },
                 nullptr});
}

void add_resources(mcp::McpServer& s) {
  auto text_resource = [&s](std::string uri, std::string name, std::string body) {
    s.resources.add(mcp::ResourceSpec{uri, name, "", name, "text/plain", [body](const std::string& u, RequestContext&) {
                                        return json::array({{{"uri", u}, {"mimeType", "text/plain"}, {"text", body}}});
                                      }});
  };
  text_resource("test://static-text", "Static text resource", "This is the content of the static text resource.");
  s.resources.add(mcp::ResourceSpec{"test://static-binary", "Static binary resource", "", "A PNG image", "image/png",
                                    [](const std::string& u, RequestContext&) {
                                      return json::array({{{"uri", u}, {"mimeType", "image/png"}, {"blob", kPng}}});
                                    }});
  text_resource("test://watched-resource", "Watched resource", "Watched resource content");
  s.resources.add(mcp::ResourceTemplateSpec{
      "test://template/{id}/data", "Template resource", "", "Data for an id", "application/json",
      [](const std::string& u, const std::map<std::string, std::string>& vars, RequestContext&) {
        json data{{"id", vars.at("id")}, {"templateTest", true}, {"data", "Data for ID: " + vars.at("id")}};
        return json::array({{{"uri", u}, {"mimeType", "application/json"}, {"text", data.dump()}}});
      },
      nullptr});
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  mcp::setup_logging(std::getenv("FIXTURE_LOG_LEVEL") ? std::getenv("FIXTURE_LOG_LEVEL") : "info");

  mcp::HttpOptions options;
  options.port = 0;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--port") == 0) options.port = std::atoi(argv[i + 1]);
  options.shutdown_grace = std::chrono::seconds(2);

  auto server = std::make_shared<mcp::McpServer>();
  server->info = {"conformance-fixture", "Conformance fixture", "1.0.0", "Fixture for the MCP conformance suite"};
  add_tools(*server);
  add_prompts(*server);
  add_resources(*server);

  mcp::HttpTransport transport(options);
  std::thread watcher([&set, &transport] {
    int sig = 0;
    sigwait(&set, &sig);
    transport.stop();
  });
  watcher.detach();
  return transport.run(server);
}
