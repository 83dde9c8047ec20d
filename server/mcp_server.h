// What this server offers, shared by every session: identity, tools, prompts, resources.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
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
  // Called before each request a session dispatches, on the thread that runs it; what it returns is released when
  // the request ends. The composition root puts in place what a request needs that the protocol core knows nothing
  // of (the HaloPSA agent a signed-in caller's calls run as). Set before serving; may be empty.
  std::function<std::shared_ptr<void>(const RequestContext&)> request_scope;

  // The one place the policy is applied: to the tools, then to the prompts, resources and templates that
  // stand for them. Throws std::invalid_argument for a name the policy or a declaration gets wrong.
  void apply(const ToolPolicy& policy) {
    tools.apply(policy);
    ToolHiddenReason why_hidden = [this](std::string_view tool) -> std::optional<std::string> {
      if (tools.find(tool)) return std::nullopt;
      if (auto reason = tools.hidden_reason(tool)) return reason;
      throw std::invalid_argument("a prompt or resource stands for the tool \"" + std::string(tool) +
                                  "\", which does not exist");
    };
    prompts.apply(why_hidden);
    resources.apply(why_hidden);
  }

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
