#pragma once
// The MCP methods this server answers, in one table: which protocol era serves each, whether it runs on its own
// thread, what must be on offer for it to exist, and how long a modern client may cache its result. The session
// (legacy and modern paths) and the era module read it; a new method is one row here plus its handler.
#include <string_view>

namespace mcp {

class McpServer;

enum class Needs { nothing, prompts, resources, prompts_or_resources, resource_push };
enum class Caching { none, fixed_for_run, fresh_private };

struct Method {
  std::string_view name;
  bool legacy = false;  // served in sessions opened with initialize
  bool modern = false;  // served to stateless 2026-07-28 requests
  bool async = false;   // may block (HaloPSA, the client): runs on its own thread
  Needs needs = Needs::nothing;
  Caching caching = Caching::none;  // the ttlMs/cacheScope hint on a modern result
};

// The row for `name`, or nullptr for a method this server does not know.
const Method* find_method(std::string_view name);

// Whether `server` offers what the method needs (`push`: the transport can send unrequested messages).
bool offered(const Method& method, const McpServer& server, bool push);

}  // namespace mcp
