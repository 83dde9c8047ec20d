// The server the protocol fuzz targets talk to: real registry, catalog and policy code, with tools whose
// input schemas are the shipped ones (create_client, search_clients) so fuzzed arguments meet real validation.
// Handlers answer at once and never call back into the client: a fuzz input must not wait on anything.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "server/mcp_server.h"
#include "server/request_context.h"
#include "server/session.h"

namespace fuzz {

using json = nlohmann::json;

inline json load_schema(const std::string& name) {
  std::ifstream in(std::string(HALOPSA_SCHEMA_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// Handler threads are detached and drop their reference to the session last, after their locals are gone. Waits
// for that (the caller holds the only other reference), so a leak check after an input sees a quiet heap.
inline void wait_for_handlers(const std::shared_ptr<mcp::Session>& session) {
  for (int i = 0; i < 20000 && session.use_count() > 1; ++i)
    std::this_thread::sleep_for(std::chrono::microseconds(100));
}

inline std::shared_ptr<const mcp::McpServer> make_server() {
  spdlog::set_level(spdlog::level::off);
  auto server = std::make_shared<mcp::McpServer>();
  server->info = {"fuzz", "Fuzz", "0.0.0", "fuzz instructions"};
  auto echo = [](const json& args, mcp::RequestContext& ctx) {
    ctx.log(mcp::LogLevel::info, "called");
    ctx.progress(1, 1, "done");
    return mcp::ToolResult::data({{"arguments", args}}, args.dump());
  };
  server->tools.add({"create_client", "Create", "Writes", "clients", load_schema("create_client.input.json"),
                     std::nullopt, mcp::ToolAnnotations{}, echo});
  server->tools.add({"search_clients", "Search", "Reads", "clients", load_schema("search_clients.input.json"),
                     std::nullopt, mcp::ToolAnnotations{.read_only = true}, echo});
  server->tools.add({"throws", "Throws", "Fails", "misc", json{{"type", "object"}}, std::nullopt,
                     mcp::ToolAnnotations{.read_only = true},
                     [](const json&, mcp::RequestContext&) -> mcp::ToolResult { throw std::runtime_error("kaput"); }});
  server->prompts.add(
      {"triage",
       "Triage",
       "A prompt",
       {{"client", "Client name", true}},
       [](const std::map<std::string, std::string>& a, mcp::RequestContext&) {
         return json{{"messages",
                      json::array({{{"role", "user"}, {"content", {{"type", "text"}, {"text", a.at("client")}}}}})}};
       },
       [](const std::string&, const std::string& value, const json&) {
         return std::vector<std::string>{value + "a", value + "b"};
       }});
  server->resources.add(mcp::ResourceTemplateSpec{
      "halopsa://clients/{id}",
      "client",
      "Client",
      "A client",
      "application/json",
      [](const std::string& uri, const std::map<std::string, std::string>& vars, mcp::RequestContext&) {
        return json::array({{{"uri", uri},
                             {"mimeType", "application/json"},
                             {"text", json{{"id", vars.at("id")}, {"emailaddress", "a@b.com"}}.dump()}}});
      },
      {}});
  server->tools.add({"delete_site", "Delete", "Writes", "sites", json{{"type", "object"}}, std::nullopt,
                     mcp::ToolAnnotations{.destructive = true}, echo});
  mcp::ToolPolicy policy;
  policy.allow_writes = std::set<std::string>{"clients"};  // delete_site hidden: exercises the refusal path
  server->tools.apply(policy);
  // Every write is audited and every result PII-masked, as in a shared deployment.
  server->tools.set_audit_log(mcp::AuditLog::open("/dev/null"));
  server->tools.set_pii_redactor(std::make_shared<mcp::PiiRedactor>());
  return server;
}

}  // namespace fuzz
