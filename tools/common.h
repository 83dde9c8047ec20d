// What every HaloPSA tool shares: turning upstream failures into results a model can act on.
#pragma once

#include <functional>
#include <string>

#include "halo/errors.h"
#include "server/tool.h"

namespace tools {

// The text a model reads for a HaloPSA failure: what happened and what to do next.
std::string explain(const halo::Error& error);

// Runs a handler body; a halo::Error or tools::InputError becomes an isError result instead of an exception.
mcp::ToolResult guarded(const std::function<mcp::ToolResult()>& body);

}  // namespace tools
