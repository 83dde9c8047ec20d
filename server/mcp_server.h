// What this server offers, shared by every session: identity, tools, prompts, resources.
#pragma once

#include <memory>
#include <string>

#include "server/catalog.h"
#include "server/resource_subscriptions.h"
#include "server/tool_registry.h"

namespace mcp {

struct ServerInfo {
  std::string name = "halopsa-mcp";
  std::string title;
  std::string version;
  std::string instructions;
};

struct McpServer {
  ServerInfo info;
  ToolRegistry tools;
  PromptCatalog prompts;
  ResourceCatalog resources;
  // Shared by every session; a pointer so that whatever changes a resource (a tool's write) can say so.
  std::shared_ptr<ResourceSubscriptions> subscriptions = std::make_shared<ResourceSubscriptions>();
  std::size_t tools_page_size = 100;

  // Exactly what is implemented: tools and logging always, prompts/resources/completions when offered;
  // resource subscriptions where the transport can deliver their notifications.
  json capabilities(bool server_push = true) const {
    json caps{{"tools", {{"listChanged", false}}}, {"logging", json::object()}};
    if (!prompts.empty()) caps["prompts"] = {{"listChanged", false}};
    if (!resources.empty()) caps["resources"] = {{"listChanged", false}, {"subscribe", server_push}};
    if (!prompts.empty() || !resources.empty()) caps["completions"] = json::object();
    return caps;
  }
};

}  // namespace mcp
