// MCP prompts for the common conversations, with completion of client names in their arguments.
#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/toolbox.h"
#include "tools/workflow_support.h"

namespace tools {

namespace {

json user_message(const std::string& text) {
  return {{"role", "user"}, {"content", {{"type", "text"}, {"text", text}}}};
}

std::string arg(const std::map<std::string, std::string>& args, const std::string& name,
                const std::string& fallback = {}) {
  auto it = args.find(name);
  return it == args.end() || it->second.empty() ? fallback : it->second;
}

// Client names starting with (or containing) what has been typed, from the tenant; at most 20.
mcp::Completer client_names(std::shared_ptr<halo::Client> halo) {
  return [halo](const std::string& argument, const std::string& value, const json&) -> std::vector<std::string> {
    if (argument != "client") return {};
    std::vector<std::string> starts, contains;
    try {
      Query q = halo::with_status({}, halo::Status::active);
      if (!value.empty()) q.emplace_back("search", value);
      for (const auto& c : halo::page(*halo, Kind::client, q, 1, 50).rows) {
        const std::string name = text_of(c, "name");
        std::string a = dedupe::fold(name), b = dedupe::fold(value);
        // Halo's search may match other fields (reference, notes...): offer only names that contain the text.
        if (a.rfind(b, 0) == 0) starts.push_back(name);
        else if (a.find(b) != std::string::npos)
          contains.push_back(name);
      }
    } catch (const halo::Error&) {
      return {};  // completion is a convenience: a failing tenant offers nothing rather than an error
    }
    starts.insert(starts.end(), contains.begin(), contains.end());
    if (starts.size() > 20) starts.resize(20);
    return starts;
  };
}

}  // namespace

void register_prompts(mcp::McpServer& server, const Backend& backend) {
  auto complete = client_names(backend.halo);
  server.prompts.add({
      .name = "onboard-new-client",
      .title = "Onboard a new client",
      .description = "Walks through onboarding a new customer: client, main site, primary contact, then the checklist.",
      .arguments = {{"client", "The new client's name", true},
                    {"contact_email", "The primary contact's e-mail address", false},
                    {"site_address", "The main site's address", false}},
      .render =
          [](const std::map<std::string, std::string>& a, mcp::RequestContext&) {
            std::string text =
                "Onboard the new client \"" + arg(a, "client") +
                "\" in HaloPSA.\n"
                "1. Gather what is missing: client type, account manager, billing parent (if another client "
                "invoices it), the main site's address and phone, and the primary contact (name, e-mail, job title).";
            if (!arg(a, "contact_email").empty())
              text += " The primary contact's e-mail is " + arg(a, "contact_email") + ".";
            if (!arg(a, "site_address").empty()) text += " The main site is at " + arg(a, "site_address") + ".";
            text +=
                "\n2. Call onboard_client with dry_run: true and show me the plan and any conflicts (an existing client of "
                "that name, the e-mail in use at another client).\n3. Only after I agree, call it again without dry_run. "
                "If a step fails, tell me which, and offer to resume (same call) or roll back (rollback: true).\n"
                "4. Finish with the checklist of what a person still has to do.";
            return json{{"description", "Onboard " + arg(a, "client")},
                        {"messages", json::array({user_message(text)})}};
          },
      .complete = complete,
      .tools = {"onboard_client"},  // the tools its steps call
  });
  server.prompts.add({
      .name = "offboard-client",
      .title = "Off-board a client",
      .description =
          "Reviews a churning client's open tickets, contracts, sites, contacts and billed clients, then deactivates it with confirmation.",
      .arguments = {{"client", "The client to off-board", true}, {"reason", "Why the client is leaving", false}},
      .render =
          [](const std::map<std::string, std::string>& a, mcp::RequestContext&) {
            std::string text =
                "The client \"" + arg(a, "client") + "\" is leaving" +
                (arg(a, "reason").empty() ? "" : " (" + arg(a, "reason") + ")") +
                ".\n1. Call offboard_client (preview, the default) and summarise the impact: open tickets, "
                "active contracts, active sites and contacts, clients it invoices.\n2. Ask me whether to "
                "deactivate the sites and contacts too.\n3. Only after I confirm, call offboard_client with "
                "apply: true (and the reason). Never delete anything.\n4. List the checklist of what a person must still do.";
            return json{{"description", "Off-board " + arg(a, "client")},
                        {"messages", json::array({user_message(text)})}};
          },
      .complete = complete,
      .tools = {"offboard_client"},  // the tools its steps call
  });
  server.prompts.add({
      .name = "clean-up-duplicates",
      .title = "Clean up duplicates",
      .description = "Finds duplicate clients, contacts or sites and prepares merges for a person to perform.",
      .arguments = {{"kind", "clients (default), contacts or sites", false}, {"client", "Limit to one client", false}},
      .render =
          [](const std::map<std::string, std::string>& a, mcp::RequestContext&) {
            const std::string kind = arg(a, "kind", "clients");
            std::string text =
                "Find duplicate " + kind + " in HaloPSA" +
                (arg(a, "client").empty() ? "" : " for the client \"" + arg(a, "client") + "\"") +
                ".\n1. Call find_duplicates with kind \"" + kind + "\"" +
                (arg(a, "client").empty() ? "" : " and client \"" + arg(a, "client") + "\"") +
                " and show the groups, best first, with their reasons.\n2. For the groups I pick, call "
                "merge_preview and show which record to keep, what would move, the fields to copy first and "
                "the exact merge request.\n3. Do not merge or delete anything: merging is for a person to do in Halo.";
            return json{{"description", "Clean up duplicate " + kind}, {"messages", json::array({user_message(text)})}};
          },
      .complete = complete,
      .tools = {"find_duplicates", "merge_preview"},  // the tools its steps call
  });
  server.prompts.add({
      .name = "client-health-check",
      .title = "Client health check",
      .description = "Checks one client's (or the whole book's) records for gaps and inconsistencies.",
      .arguments = {{"client", "The client to check (leave empty for the whole tenant)", false}},
      .render =
          [](const std::map<std::string, std::string>& a, mcp::RequestContext&) {
            const std::string who = arg(a, "client");
            std::string text =
                "Run a health check on " +
                (who.empty() ? std::string("the whole customer book") : "the client \"" + who + "\"") +
                " in HaloPSA.\n1. Call data_quality_report" + (who.empty() ? "" : " with client \"" + who + "\"") +
                ".\n" + (who.empty() ? "" : "2. Call get_client for its sites, contacts and billing.\n") +
                "Summarise the problems by importance (missing main site or contacts, invalid e-mails, likely "
                "duplicates) and propose fixes, asking me before changing anything.";
            return json{{"description", "Health check" + (who.empty() ? std::string() : " of " + who)},
                        {"messages", json::array({user_message(text)})}};
          },
      .complete = complete,
      .tools = {"data_quality_report", "get_client"},  // the tools its steps call
  });
}

}  // namespace tools
