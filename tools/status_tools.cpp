// halopsa_status: which HaloPSA this server talks to, and whether it answers right now.
#include <sstream>

#include "halo/client.h"
#include "halo/doctor.h"
#include "server/caller.h"
#include "server/request_context.h"
#include "tools/schemas.h"
#include "tools/toolbox.h"

namespace tools {

namespace {

// Who is calling, on a team server (--auth halo): the HaloPSA agent their calls run as, and what they may do here.
void describe_caller(const mcp::CallerInfo& caller, nlohmann::json& data, std::ostringstream& text) {
  std::string scopes;
  for (const auto& s : caller.scopes) scopes += (scopes.empty() ? "" : " ") + s;
  data["caller"] = {
      {"agent_id", caller.subject}, {"agent_name", caller.display_name}, {"scopes", nlohmann::json(caller.scopes)}};
  text << "Signed in as HaloPSA agent " << caller.display_name << " (id " << caller.subject
       << "), scopes: " << (scopes.empty() ? "none" : scopes) << ". Every HaloPSA request runs as this agent.\n";
}

mcp::ToolResult status(const Backend& backend, bool deep, const mcp::CallerInfo* caller) {
  halo::Client::Status s = backend.halo->probe();
  nlohmann::json data{
      {"backend", backend.kind},
      {"base_url", s.base_url},
      {"auth_url", s.auth_url},
      {"tenant", s.tenant},
      {"reachable", s.ok},
      {"latency_ms", std::max(0, s.latency_ms)},
      {"error", s.ok ? nlohmann::json() : nlohmann::json(s.error)},
      {"error_kind", s.ok ? nlohmann::json() : nlohmann::json(s.error_kind)},
      {"token_seconds_left", std::max(0, s.token_seconds_left)},
      {"rate_budget",
       {{"limit", s.budget_limit}, {"remaining", s.budget_left}, {"window_seconds", s.budget_window_seconds}}},
  };
  if (backend.kind == "sandbox") data["sandbox_db"] = backend.sandbox_db;

  std::ostringstream text;
  if (caller) describe_caller(*caller, data, text);
  if (backend.kind == "sandbox")
    text << "SANDBOX: an embedded demo tenant with made-up data (" << backend.sandbox_db << "), not a real HaloPSA.\n";
  text << "HaloPSA at " << s.base_url << " (tenant " << (s.tenant.empty() ? "-" : s.tenant) << "): ";
  if (s.ok) text << "reachable, probe took " << s.latency_ms << " ms.\n";
  else
    text << "NOT reachable: " << s.error << "\n";
  if (backend.halo->agents_only())
    text << "Token: each signed-in agent's own, refreshed by this server (the rate budget is the tenant's, shared by "
            "every agent)";
  else
    text << "Token: " << (s.token_seconds_left > 0 ? std::to_string(s.token_seconds_left) + " s left" : "none held");
  text << ". Rate budget: " << s.budget_left << " of " << s.budget_limit << " requests left in the rolling "
       << s.budget_window_seconds << " s window.";
  if (deep && backend.halo->agents_only()) {
    // The self-check runs as the API application, which a team server never acts as on a caller's behalf.
    text << "\n\nThe deep self-check is not run here: on a team server every request runs as the signed-in agent, "
            "and the self-check needs the API application. Run `halopsa-mcp doctor` where the server runs.";
  } else if (deep) {
    // The same self-check as `halopsa-mcp doctor`, on its own connection and token (GETs only, bounded).
    const halo::doctor::Report report = halo::doctor::run(backend.halo->config(), backend.kind);
    data["doctor"] = report.to_json();
    text << "\n\nSelf-check:\n" << report.table();
  }
  return mcp::ToolResult::data(std::move(data), text.str());
}

}  // namespace

void register_status_tools(mcp::McpServer& server, const Backend& backend) {
  server.tools.add({
      .name = "halopsa_status",
      .title = "HaloPSA connection status",
      .description =
          "Checks the connection to HaloPSA with one real request and reports which tenant (or the embedded "
          "sandbox) this server uses, whether it answers and how fast, the access token's remaining lifetime and "
          "the client-side rate budget left. Use it first when other tools fail, or when the user asks which "
          "HaloPSA is connected; on a team server it also says which HaloPSA agent the caller is signed in as and "
          "with which scopes. deep: true also runs the read-only self-check of `halopsa-mcp doctor` (at most " +
          std::to_string(halo::doctor::kMaxRequests) +
          " more requests): what the tenant's answers look like and which tools that affects.",
      .toolset = "status",
      .input_schema = schema("halopsa_status.input"),
      .output_schema = schema("halopsa_status.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [backend](
                     const nlohmann::json& args,
                     mcp::RequestContext& ctx) { return status(backend, args.value("deep", false), ctx.caller()); },
  });
}

}  // namespace tools
