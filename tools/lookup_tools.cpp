// Billing hierarchy, TopLevel groupings, client types and agents: how clients are organised in HaloPSA.
#include <set>
#include "halo/agents.h"
#include "halo/client.h"
#include "tools/common.h"
#include "tools/schemas.h"
#include "tools/toolbox.h"
#include "tools/writes.h"
#include "util/text.h"

namespace tools {

namespace {

mcp::ToolResult get_client_hierarchy(halo::Client& halo, const json& args) {
  const long long id = resolve_client(halo, args["client"]);
  const json record = fetch_record(halo, Kind::client, id);
  json chain = json::array();
  json parent = ref_summary(record, "client_to_invoice", "client_to_invoice_name");
  // Walk up the billing parents; a loop or a long chain stops the walk (Halo does not forbid either).
  std::set<long long> seen{id};
  for (json up = parent; !up.is_null() && chain.size() < 10 && !seen.contains(up["id"].get<long long>());) {
    seen.insert(up["id"].get<long long>());
    chain.push_back(up);
    up = ref_summary(fetch_record(halo, Kind::client, up["id"].get<long long>()), "client_to_invoice",
                     "client_to_invoice_name");
  }
  bool complete = true;
  json billed = billed_clients(halo, id, complete);
  json data{{"client", {{"id", id}, {"name", record.value("name", std::string())}}},
            {"billing_parent", parent},
            {"billing_chain", chain},
            {"billed_clients", billed},
            {"billed_clients_complete", complete},
            {"toplevel", ref_summary(record, "toplevel_id", "toplevel_name")}};
  std::string text = "Billing hierarchy of " + describe(Kind::client, record) + ":\n- Invoiced by: ";
  if (chain.empty()) text += "itself (no billing parent)";
  for (std::size_t i = 0; i < chain.size(); ++i)
    text += (i ? " → " : "") + chain[i]["name"].get<std::string>() + " (" + chain[i]["id"].dump() + ")";
  text += "\n- Invoices for: ";
  if (billed.empty()) text += "no other clients";
  for (std::size_t i = 0; i < billed.size(); ++i)
    text += (i ? ", " : "") + billed[i]["name"].get<std::string>() + " (" + billed[i]["id"].dump() + ")";
  if (!complete) text += " (only the first 1000 clients were checked)";
  text += "\n- TopLevel grouping: " +
          (data["toplevel"].is_null() ? std::string("none") : data["toplevel"]["name"].get<std::string>()) +
          " (a grouping, not a parent client)";
  return mcp::ToolResult::data(std::move(data), text);
}

mcp::ToolResult list_toplevels(halo::Client& halo, const json& args) {
  halo::ListOptions options;
  options.max_rows = 500;
  halo::Query query;
  if (args.contains("search")) query.emplace_back("search", args["search"].get<std::string>());
  auto list = halo::list(halo, halo::Kind::top_level, query, options);
  json items = json::array();
  for (const auto& t : list.rows) {
    json item{{"id", t.value("id", 0)}, {"name", t.value("name", std::string())}};
    if (t.contains("notes")) item["notes"] = t["notes"];
    items.push_back(std::move(item));
  }
  const std::size_t total = std::max(list.record_count, items.size());
  std::string text = std::to_string(total) +
                     " TopLevel grouping(s). Clients are grouped under these (toplevel); "
                     "they are not parent clients.\n\n" +
                     markdown_table(items, {{"id", "Id"}, {"name", "Name"}, {"notes", "Notes"}}, total, 50);
  return mcp::ToolResult::data({{"items", items}, {"total", total}}, text);
}

mcp::ToolResult list_client_types(halo::Client& halo) {
  std::string source;
  json items = client_types(halo, &source);
  std::string text = std::to_string(items.size()) + " client type(s) (from " + source +
                     "). Pass a name or id as client_type to create_client, update_client or search_clients.\n\n" +
                     markdown_table(items, {{"id", "Id"}, {"name", "Name"}}, items.size(), 100);
  return mcp::ToolResult::data({{"items", items}, {"source", source}}, text);
}

// The agents from the remembered list (no request after the first), filtered here by name or e-mail.
mcp::ToolResult search_agents(halo::Client& halo, const json& args) {
  const std::string search = util::lower(args.value("search", std::string()));
  const bool inactive_too = args.value("include_inactive", false);
  json items = json::array();
  for (const auto& a : halo::agent_list(halo)) {
    if (a["inactive"].get<bool>() && !inactive_too) continue;
    if (!search.empty() && util::lower(a["name"].get<std::string>()).find(search) == std::string::npos &&
        util::lower(a["email"].get<std::string>()).find(search) == std::string::npos)
      continue;
    items.push_back(a);
  }
  std::string text =
      std::to_string(items.size()) + " agent(s)" + (search.empty() ? "" : " matching \"" + search + "\"") +
      (inactive_too ? "" : " (active only; include_inactive: true for disabled agents)") +
      ". Pass a name or id as account_manager_id, primary_technician_id or secondary_technician_id.\n\n" +
      markdown_table(
          items,
          {{"id", "Id"}, {"name", "Name"}, {"email", "E-mail"}, {"inactive", "Inactive"}, {"api_only", "API only"}},
          items.size(), 100);
  const std::size_t total = items.size();
  return mcp::ToolResult::data({{"items", std::move(items)}, {"total", total}}, text);
}

}  // namespace

void register_lookup_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "get_client_hierarchy",
      .title = "Client billing hierarchy",
      .description =
          "Shows who invoices a client (its billing parent, client_to_invoice, and that parent's parents), which "
          "clients it invoices, and its TopLevel grouping. Use it for group/subsidiary questions. Finding the "
          "invoiced clients scans up to 1000 clients (Halo has no filter for it).",
      .toolset = "clients",
      .input_schema = schema("get_client_hierarchy.input"),
      .output_schema = schema("get_client_hierarchy.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return get_client_hierarchy(*halo, a); },
  });
  server.tools.add({
      .name = "list_toplevels",
      .title = "List TopLevel groupings",
      .description =
          "Lists the tenant's TopLevel groupings (the top of Halo's client tree, e.g. \"Managed Services\"), with "
          "ids and names, to filter search_clients or set a client's toplevel. Not parent clients.",
      .toolset = "clients",
      .input_schema = schema("list_toplevels.input"),
      .output_schema = schema("list_toplevels.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return list_toplevels(*halo, a); },
  });
  server.tools.add({
      .name = "list_client_types",
      .title = "List client types",
      .description =
          "Lists the tenant's client types (customertype lookup: e.g. Customer, Prospect, Lead, Partner, Vendor, "
          "whatever this tenant defines) with their ids, so a type can be used by name in other tools.",
      .toolset = "clients",
      .input_schema = schema("list_client_types.input"),
      .output_schema = schema("list_client_types.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json&, mcp::RequestContext&) { return list_client_types(*halo); },
  });
  server.tools.add({
      .name = "search_agents",
      .title = "Search agents",
      .description =
          "Finds HaloPSA agents (the MSP's staff) by name or e-mail, with ids, to pick an account manager or "
          "technician. Client tools also take agent names directly; use this when a name is ambiguous.",
      .toolset = "clients",
      .input_schema = schema("search_agents.input"),
      .output_schema = schema("search_agents.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return search_agents(*halo, a); },
  });
}

}  // namespace tools
