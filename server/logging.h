// One configured logger, on stderr: in stdio mode stdout belongs to the protocol.
#pragma once

#include <string>

namespace mcp {

// Installs the stderr logger as spdlog's default. Call before anything logs.
// Throws std::invalid_argument for an unknown level name.
void setup_logging(const std::string& level);

}  // namespace mcp
