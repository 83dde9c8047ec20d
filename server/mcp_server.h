// What this server offers, shared by every session: identity, tools, prompts, resources.
#pragma once

#include <string>

#include "server/catalog.h"
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
  std::size_t tools_page_size = 100;

  // Exactly what is implemented: tools and logging always, prompts/resources/completions when offered.
  json capabilities() const {
    json caps{{"tools", {{"listChanged", false}}}, {"logging", json::object()}};
    if (!prompts.empty()) caps["prompts"] = {{"listChanged", false}};
    if (!resources.empty()) caps["resources"] = {{"listChanged", false}, {"subscribe", false}};
    if (!prompts.empty() || !resources.empty()) caps["completions"] = json::object();
    return caps;
  }
};

}  // namespace mcp
