// Registers every HaloPSA tool, prompt and resource with the server.
#pragma once

#include <memory>
#include <string>

#include "server/mcp_server.h"
#include "tools/create_guard.h"

namespace halo {
class Client;
}

namespace tools {

// What the tools talk to.
struct Backend {
  std::shared_ptr<halo::Client> halo;
  std::string kind;        // "sandbox" or "tenant"
  std::string sandbox_db;  // sandbox only: where its data lives
  // What the duplicate guards hold between their check and their create (tools/create_guard.h).
  std::shared_ptr<CreateLocks> locks = in_process_locks();
};

void register_all(mcp::McpServer& server, const Backend& backend);

// The initialize instructions: what the server is for and how its tools fit together.
std::string instructions(const Backend& backend);

// One registration function per domain file.
void register_status_tools(mcp::McpServer& server, const Backend& backend);
void register_client_tools(mcp::McpServer& server, const Backend& backend);   // toolset "clients"
void register_client_card(mcp::McpServer& server, const Backend& backend);    // toolset "clients"
void register_lookup_tools(mcp::McpServer& server, const Backend& backend);   // toolset "clients"
void register_site_tools(mcp::McpServer& server, const Backend& backend);     // toolset "sites"
void register_contact_tools(mcp::McpServer& server, const Backend& backend);  // toolset "contacts"
// halopsa://clients/{id}, halopsa://sites/{id}, halopsa://contacts/{id}
void register_record_resources(mcp::McpServer& server, const Backend& backend);
// onboard_client, onboard_contact, offboard_client, find_duplicates, merge_preview, data_quality_report
void register_workflow_tools(mcp::McpServer& server, const Backend& backend);  // toolset "workflows"
// onboard-new-client, offboard-client, clean-up-duplicates, client-health-check (+ client-name completion)
void register_prompts(mcp::McpServer& server, const Backend& backend);

}  // namespace tools
