// How a handler's run ends when it needs the client's answer to a modern (2026-07-28) request: kept apart from
// era.h so that the tool registry can let it pass without knowing the rest of the era rules.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mcp::era {

// A server-to-client request a handler makes while serving a modern request has no channel to travel on: the
// answer comes as a retry of the whole request carrying params.inputResponses (multi round-trip requests). The
// session throws this to end the handler's run; it becomes an InputRequiredResult. Deliberately not a
// std::exception: handlers that catch std::exception around ctx.request() must not swallow it.
struct InputRequired {
  std::string key;
  nlohmann::json request;  // {"method": ..., "params": ...}
};

}  // namespace mcp::era
