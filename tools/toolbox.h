// Registers every HaloPSA tool, prompt and resource with the server.
#pragma once

#include <memory>
#include <string>

#include "server/mcp_server.h"

namespace halo {
class Client;
}

namespace tools {

// What the tools talk to.
struct Backend {
  std::shared_ptr<halo::Client> halo;
  std::string kind;        // "sandbox" or "tenant"
  std::string sandbox_db;  // sandbox only: where its data lives
};

void register_all(mcp::McpServer& server, const Backend& backend);

// The initialize instructions: what the server is for and how its tools fit together.
std::string instructions(const Backend& backend);

// One registration function per domain file.
void register_status_tools(mcp::McpServer& server, const Backend& backend);

}  // namespace tools
