// The write flows every record tool shares: dry runs, stale-write protection, before/after diffs, lost-response
// recovery on create, and confirmation of destructive steps (MCP elicitation, else `confirm: true`).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/tool.h"
#include "tools/records.h"

namespace mcp {
class RequestContext;
}

namespace tools {

// The structured result of a write, shaped like schemas/*write.output.json.
struct WriteResult {
  json data = json::object();  // {record, dry_run, written, request, diff?, warning?, additional_requests?}
  std::string text;
  mcp::ToolResult result() const { return mcp::ToolResult::data(data, text); }
};

// Fetches the record (with details), checks `if_unchanged_since`, computes the diff, and (unless dry_run or
// nothing changes) POSTs [{id, ...body}]. InputError when the record changed since the caller's stamp.
WriteResult update_record(halo::Client& halo, Kind kind, long long id, json body, const json& args,
                          const std::vector<std::string>& fields, const json& current);
// GET {path}/{id}?includedetails=true (halo::Error not_found when it does not exist).
json fetch_record(halo::Client& halo, Kind kind, long long id);

// Creates the record unless dry_run. `find_landed` recovers a create whose response was lost.
WriteResult create_record(halo::Client& halo, Kind kind, const json& body, const json& args,
                          const std::vector<std::string>& fields, std::function<std::optional<json>()> find_landed);

// The WriteResult for a duplicate found before creating: the existing record and a warning, nothing written.
WriteResult duplicate_result(Kind kind, const json& existing, const json& body, const std::string& why,
                             const std::vector<std::string>& fields);

// A follow-up write (e.g. making a site its client's main site): recorded in additional_requests, sent unless
// dry_run.
void follow_up(halo::Client& halo, WriteResult& result, Kind kind, json body, bool dry_run, const std::string& note);

// Sends an update of `body` ({id, fields...}) and reads back what HaloPSA saved; returns the fields that did not take
// the value sent ([{field, before (saved), after (sent)}], empty when all took).
json update_and_check(halo::Client& halo, Kind kind, const json& body);

// Asks the user to confirm a destructive step: elicitation when the client supports it, else `confirm: true` in
// args. Returns nullopt to proceed, or why not (declined, or how to confirm): return it as an error result.
std::optional<std::string> confirm_destructive(mcp::RequestContext& ctx, const json& args, const std::string& what,
                                               const std::string& alternative);

// " (client 12 \"Acme Corp\")"-style label.
std::string describe(Kind kind, const json& record);

}  // namespace tools
