// What the workflow tools (onboarding, off-boarding, duplicates, data quality) share beyond tools/records.h:
// loading a whole record set with progress and cancellation, read-only counts of tickets and contracts that
// degrade on 403, and the step log of multi-step writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/dedupe.h"
#include "server/mcp_server.h"
#include "tools/records.h"
#include "tools/toolbox.h"

namespace halo {
class Client;
}
namespace mcp {
class RequestContext;
}

namespace tools {

using Query = std::vector<std::pair<std::string, std::string>>;

long long id_of(const json& value);                          // integer id from a number or numeric string, else 0
std::string text_of(const json& record, const char* field);  // a string field, "" when absent or not text
std::string address_text(const json& site);                  // delivery_address lines and postcode, comma-joined

// Every record of `kind` matching `query`, pages fetched concurrently; progress from `progress_from` to
// `progress_to` (of 100) while pages arrive; honours cancellation.
json load_all(halo::Client& halo, Kind kind, Query query, mcp::RequestContext& ctx, double progress_from,
              double progress_to, const std::string& what);

// Count of tickets or contracts visible to this API application: {count, visible, note?, items?}. A 403 gives
// visible: false and a note instead of failing.
json related_count(halo::Client& halo, halo::Kind kind, Query query, std::size_t first_items = 0);

// The dedupe engine's view of Halo records.
dedupe::Record dedupe_record(dedupe::Mode mode, const json& record);

// One step of a multi-step workflow: {step, status, id?, request?, error?, note?}.
struct Steps {
  json list = json::array();
  json& add(const std::string& step, const std::string& status);
  bool failed() const;
};

// The workflow files' registrations, called by register_workflow_tools.
void register_duplicate_tools(mcp::McpServer& server, const Backend& backend);
void register_onboarding_tools(mcp::McpServer& server, const Backend& backend);
void register_offboarding_tools(mcp::McpServer& server, const Backend& backend);
void register_quality_tools(mcp::McpServer& server, const Backend& backend);

}  // namespace tools
