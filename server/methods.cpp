#include "server/methods.h"

#include <array>

#include "server/mcp_server.h"

namespace mcp {

namespace {

using enum Needs;
using enum Caching;

constexpr std::array kMethods = {
    Method{"initialize", true, false, false, nothing, none},
    Method{"ping", true, false, false, nothing, none},
    Method{"server/discover", false, true, false, nothing, fixed_for_run},
    Method{"tools/list", true, true, false, nothing, fixed_for_run},
    Method{"tools/call", true, true, true, nothing, none},
    Method{"logging/setLevel", true, false, false, nothing, none},
    Method{"prompts/list", true, true, false, prompts, fixed_for_run},
    Method{"prompts/get", true, true, true, prompts, none},
    Method{"resources/list", true, true, false, resources, fixed_for_run},
    Method{"resources/templates/list", true, true, false, resources, fixed_for_run},
    Method{"resources/read", true, true, true, resources, fresh_private},
    Method{"resources/subscribe", true, false, false, resource_push, none},
    Method{"resources/unsubscribe", true, false, false, resource_push, none},
    Method{"completion/complete", true, true, true, prompts_or_resources, none},
};

}  // namespace

const Method* find_method(std::string_view name) {
  for (const auto& m : kMethods)
    if (m.name == name) return &m;
  return nullptr;
}

bool offered(const Method& method, const McpServer& server, bool push) {
  switch (method.needs) {
    case Needs::nothing: return true;
    case Needs::prompts: return !server.prompts.empty();
    case Needs::resources: return !server.resources.empty();
    case Needs::prompts_or_resources: return !server.prompts.empty() || !server.resources.empty();
    case Needs::resource_push: return !server.resources.empty() && push;
  }
  return false;
}

}  // namespace mcp
