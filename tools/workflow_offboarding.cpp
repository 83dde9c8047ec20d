// offboard_client: a read-only impact preview by default; with confirmation it deactivates the client (and, if
// asked, its sites and contacts) and adds a dated note. It never deletes.
#include <chrono>

#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/common.h"
#include "tools/schemas.h"
#include "tools/workflow_support.h"
#include "tools/writes.h"

namespace tools {

namespace {

constexpr std::size_t kShown = 10;

std::string today() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

json summary(Kind kind, const json& rows, std::size_t shown = kShown) {
  json items = json::array();
  for (const auto& r : rows) {
    if (items.size() >= shown) break;
    items.push_back(project(kind, r));
  }
  return {{"count", rows.size()}, {"items", items}};
}

// Asks the user (elicitation) or checks confirm: true. nullopt to proceed, else why not.
std::optional<std::string> confirmed(mcp::RequestContext& ctx, const json& args, const std::string& what) {
  if (ctx.client_supports("elicitation")) {
    json params{{"message", "Off-board " + what + "? The client" +
                                std::string(args.value("deactivate_sites", false) ? ", its sites" : "") +
                                (args.value("deactivate_contacts", false) ? ", its contacts" : "") +
                                " will be deactivated (reversible; nothing is deleted)."},
                {"requestedSchema",
                 {{"type", "object"},
                  {"properties", {{"confirm", {{"type", "boolean"}, {"title", "Deactivate " + what}}}}},
                  {"required", json::array({"confirm"})}}}};
    try {
      const json answer = ctx.request("elicitation/create", params, std::chrono::minutes(5));
      if (answer.value("action", std::string()) == "accept" && answer.contains("content") &&
          answer["content"].value("confirm", false) == true)
        return std::nullopt;
      return "Not off-boarded: the user " +
             std::string(answer.value("action", std::string()) == "accept" ? "did not tick confirm" : "declined") +
             ". Nothing was changed.";
    } catch (const std::exception& e) {
      return "Not off-boarded: asking the user failed (" + std::string(e.what()) + "). Nothing was changed.";
    }
  }
  if (args.value("confirm", false)) return std::nullopt;
  return std::string();  // not confirmed: show the preview and how to confirm
}

mcp::ToolResult offboard_client(halo::Client& halo, const json& args, mcp::RequestContext& ctx) {
  const long long id = resolve_client(halo, args["client"]);
  const json client = fetch_record(halo, Kind::client, id);
  const std::string cid = std::to_string(id);
  ctx.progress(1, 6, "Reading the client");

  // Impact, read-only. Tickets and contracts need their own scopes: a 403 degrades to a note.
  const json tickets = related_count(halo, halo::Kind::ticket, {{"client_id", cid}, {"open_only", "true"}}, kShown);
  ctx.progress(2, 6, "Open tickets");
  json contracts;
  try {
    auto rows = halo::list(halo, halo::Kind::contract, {{"client_id", cid}}, {.max_rows = 500}).rows;
    json active = json::array();
    for (const auto& c : rows)
      if (c.value("inactive", false) != true)
        active.push_back({{"id", c.value("id", json(0))},
                          {"ref", c.value("ref", json())},
                          {"description", c.value("billing_description", json())},
                          {"end_date", c.value("end_date", json())}});
    contracts = {{"count", active.size()}, {"visible", true}, {"items", active}};
  } catch (const halo::Error& e) {
    if (e.kind() != halo::ErrorKind::forbidden && e.kind() != halo::ErrorKind::not_found) throw;
    contracts = {{"count", nullptr},
                 {"visible", false},
                 {"note", "Not visible with this API application's permissions (ClientContract answered " +
                              std::to_string(e.status()) +
                              "; it needs the read:contracts scope). Check contracts in Halo directly."}};
  }
  ctx.progress(3, 6, "Contracts");
  const Query active = halo::with_status({{"client_id", cid}}, halo::Status::active);
  const json sites = load_all(halo, Kind::site, active, ctx, 0, 0, "sites");
  const json contacts = load_all(halo, Kind::contact, active, ctx, 0, 0, "contacts");
  bool complete_scan = true;
  const json children = billed_clients(halo, id, complete_scan);
  ctx.progress(4, 6, "Sites, contacts and billed clients");

  json impact{{"open_tickets", tickets},
              {"active_contracts", contracts},
              {"active_sites", summary(Kind::site, sites)},
              {"active_contacts", summary(Kind::contact, contacts)},
              {"billed_clients", children},
              {"billed_clients_complete", complete_scan}};

  json checklist = json::array();
  if (!tickets["visible"].get<bool>())
    checklist.push_back("Check for open tickets in Halo (not visible to this API application).");
  else if (tickets["count"].get<std::size_t>() > 0)
    checklist.push_back("Close or reassign " + tickets["count"].dump() + " open ticket(s).");
  if (!contracts["visible"].get<bool>())
    checklist.push_back("Check for active contracts in Halo (not visible to this API application).");
  else if (contracts["count"].get<std::size_t>() > 0)
    checklist.push_back("End " + contracts["count"].dump() + " active contract(s) and stop recurring billing.");
  if (!children.empty())
    checklist.push_back("Choose a new billing parent for " + std::to_string(children.size()) +
                        " client(s) invoiced by this one.");
  checklist.push_back("Recover the client's assets (devices, licences) and revoke remote access / RMM agents.");
  checklist.push_back("Remove the client's portal access and shared credentials from documentation.");

  const bool apply = args.value("apply", false);
  const bool with_sites = args.value("deactivate_sites", false);
  const bool with_contacts = args.value("deactivate_contacts", false);
  const std::string note = "[" + today() + "] Off-boarded" +
                           (args.contains("reason") ? ": " + args["reason"].get<std::string>() : std::string(".")) +
                           " Deactivated by halopsa-mcp offboard_client; nothing deleted.";
  const std::string old_notes = text_of(client, "notes");
  std::vector<halo::Request> plan;
  plan.push_back(halo::save_request(
      Kind::client, {{"id", id}, {"inactive", true}, {"notes", old_notes.empty() ? note : old_notes + "\n" + note}}));
  if (with_sites)
    for (const auto& s : sites) plan.push_back(halo::save_request(Kind::site, {{"id", s["id"]}, {"inactive", true}}));
  if (with_contacts)
    for (const auto& c : contacts)
      plan.push_back(halo::save_request(Kind::contact, {{"id", c["id"]}, {"inactive", true}}));
  json planned = json::array();
  for (const auto& req : plan) planned.push_back(req.to_json());

  json out{{"client", project(Kind::client, client)},
           {"impact", impact},
           {"plan", planned},
           {"performed", false},
           {"steps", json::array()},
           {"checklist", checklist}};
  std::string text = "Off-boarding impact for " + describe(Kind::client, client) +
                     (client.value("inactive", false) == true ? " (already INACTIVE)" : "") + ":";
  text += "\n- Open tickets: " +
          (tickets["visible"].get<bool>() ? tickets["count"].dump() : tickets["note"].get<std::string>());
  text += "\n- Active contracts: " +
          (contracts["visible"].get<bool>() ? contracts["count"].dump() : contracts["note"].get<std::string>());
  text += "\n- Active sites: " + std::to_string(sites.size()) + "; active contacts: " + std::to_string(contacts.size());
  text += "\n- Clients it invoices: " + std::to_string(children.size());
  for (const auto& c : children) text += " " + c["name"].get<std::string>() + " (" + c["id"].dump() + ");";

  if (!apply) {
    text +=
        "\nPREVIEW only, nothing changed. To off-board, call again with apply: true (optionally deactivate_sites / deactivate_contacts); the user will be asked to confirm.";
  } else if (auto refusal = confirmed(ctx, args, describe(Kind::client, client)); refusal) {
    if (!refusal->empty()) return mcp::ToolResult::error(*refusal);
    text += "\nNOT off-boarded yet: this deactivates the client" + std::string(with_sites ? ", its sites" : "") +
            (with_contacts ? ", its contacts" : "") +
            ". Show the user the impact above and, only if they agree, call again with apply: true and confirm: true.";
  } else {
    Steps steps;
    std::size_t done = 0;
    for (const auto& req : plan) {
      const json& body = req.body[0];
      json& s = steps.add("deactivate " + std::string(kind_info(req.kind).label) + " " + body["id"].dump(), "created");
      s["id"] = body["id"];
      s["request"] = req.to_json();
      try {
        halo::send(halo, req);
        ++done;
      } catch (const halo::Error& e) {
        s["status"] = "failed";
        s["error"] = explain(e);
      }
      ctx.progress(4 + 2.0 * static_cast<double>(done) / static_cast<double>(plan.size()), 6, "Deactivating");
    }
    out["performed"] = true;
    out["steps"] = steps.list;
    text +=
        steps.failed()
            ? "\nOff-boarding INCOMPLETE: some deactivations failed (see steps); calling again repeats only harmless updates."
            : "\nDeactivated the client" +
                  std::string(with_sites ? ", " + std::to_string(sites.size()) + " site(s)" : "") +
                  (with_contacts ? ", " + std::to_string(contacts.size()) + " contact(s)" : "") +
                  " and added the note \"" + note + "\". Nothing was deleted; set_client_active reverses it.";
  }
  text += "\nStill to do by a person:";
  for (const auto& c : checklist) text += "\n- [ ] " + c.get<std::string>();
  ctx.progress(6, 6, "Done");
  return mcp::ToolResult::data(std::move(out), text);
}

}  // namespace

void register_offboarding_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "offboard_client",
      .title = "Off-board a client",
      .description =
          "For a churning client. By default a read-only preview of the impact: open tickets, active contracts, "
          "active sites and contacts, and clients it invoices (tickets/contracts not visible to this API application "
          "are reported as such). With apply: true and the user's confirmation (asked via elicitation, else "
          "confirm: true) it deactivates the client and, if asked, its sites (deactivate_sites) and contacts "
          "(deactivate_contacts), and adds a dated note. Returns the checklist of what a person must still do "
          "(close tickets, end contracts, recover assets). Never deletes.",
      .toolset = "workflows",
      .input_schema = schema("offboard_client.input"),
      .output_schema = schema("offboard_client.output"),
      .annotations = {.read_only = false, .destructive = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext& ctx) { return offboard_client(*halo, a, ctx); },
  });
}

}  // namespace tools
