// Client tools: search, read, create, update, (de)activate and delete HaloPSA clients (schema Area).
#include <set>

#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/client_card.h"
#include "tools/common.h"
#include "tools/schemas.h"
#include "tools/toolbox.h"
#include "tools/workflow_support.h"
#include "tools/writes.h"

namespace tools {

namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

const std::vector<std::pair<std::string, std::string>> kClientColumns = {{"id", "Id"},
                                                                         {"name", "Name"},
                                                                         {"inactive", "Inactive"},
                                                                         {"credit_stop", "Credit stop"},
                                                                         {"toplevel_name", "TopLevel"},
                                                                         {"client_to_invoice_name", "Billed by"},
                                                                         {"main_site_name", "Main site"}};

// The rows as the table shows them: a non-zero `stopped` (Area_List carries it) as "on credit stop".
json table_rows(const json& items) {
  json rows = items;
  for (auto& r : rows)
    if (r.contains("stopped")) r["credit_stop"] = on_credit_stop(r) ? "on credit stop" : "";
  return rows;
}

// Following `parent`'s own billing parents upward must not come back to `self_id`: 5 billed by 6 and 6 by 5 would
// leave HaloPSA with a loop no invoice run can settle. At most kBillingDepth records are read.
constexpr int kBillingDepth = 10;
void refuse_billing_loop(halo::Client& halo, long long self_id, long long parent) {
  std::string chain = std::to_string(parent);
  long long at = parent;
  for (int depth = 0; depth < kBillingDepth; ++depth) {
    const json record = fetch_record(halo, Kind::client, at);
    const long long next = id_of(record.value("client_to_invoice", json()));
    if (next <= 0) return;
    chain += " -> " + std::to_string(next);
    if (next == self_id)
      throw InputError("billing_parent: client " + std::to_string(parent) +
                       " is itself invoiced through this client (" + chain +
                       "), so this would make a billing loop. Change the other client's billing parent first.");
    at = next;
  }
}

// Client fields from the arguments, references resolved by name; `notes` gets what the caller should be told
// (an inactive agent chosen by exact name).
json client_body(halo::Client& halo, const json& args, long long self_id, const json& current,
                 std::vector<std::string>& notes) {
  json body = map_arguments(Kind::client, args);
  resolve_agent_arguments(halo, Kind::client, args, body, notes);
  if (args.contains("client_type")) body["customertype"] = resolve_client_type(halo, args["client_type"]);
  if (args.contains("toplevel")) body["toplevel_id"] = resolve_toplevel(halo, args["toplevel"]);
  if (args.contains("billing_parent")) {
    if (args["billing_parent"].is_null()) {
      // 0, not null: Halo stores "no billing parent" as 0 (its column defaults to 0); a null may be ignored.
      body["client_to_invoice"] = 0;
    } else {
      const long long parent = resolve_client(halo, args["billing_parent"], "billing_parent");
      if (parent == self_id) throw InputError("billing_parent: a client cannot be its own billing parent.");
      if (self_id > 0) refuse_billing_loop(halo, self_id, parent);
      body["client_to_invoice"] = parent;
    }
  }
  if (args.contains("custom_fields"))
    body["customfields"] = map_custom_fields(halo, Kind::client, args["custom_fields"], current);
  return body;
}

// Adds the notes to a write's result as a warning (kept with any warning the write made).
mcp::ToolResult with_notes(WriteResult r, const std::vector<std::string>& notes) {
  if (notes.empty()) return r.result();
  std::string text;
  for (const auto& n : notes) text += (text.empty() ? "" : " ") + n;
  r.data["warning"] = r.data.contains("warning") ? r.data["warning"].get<std::string>() + " " + text : text;
  r.text += "\nNOTE: " + text;
  return r.result();
}

mcp::ToolResult search_clients(halo::Client& halo, const json& args) {
  Query query;
  if (args.contains("search")) query.emplace_back("search", args["search"].get<std::string>());
  add_status(query, args);
  if (args.contains("toplevel"))
    query.emplace_back("toplevel_id", std::to_string(resolve_toplevel(halo, args["toplevel"])));
  std::function<bool(const json&)> filter;
  if (args.contains("billing_parent") || args.contains("client_type")) {
    const long long parent =
        args.contains("billing_parent") ? resolve_client(halo, args["billing_parent"], "billing_parent") : 0;
    const long long type = args.contains("client_type") ? resolve_client_type(halo, args["client_type"]) : 0;
    filter = [parent, type](const json& c) {
      if (parent && c.value("client_to_invoice", json(0)) != json(parent)) return false;
      if (type && c.value("customertype", json(0)) != json(type)) return false;
      return true;
    };
  }
  json data = search_page(halo, Kind::client, query, args, filter);
  std::string text = std::to_string(data["total"].get<std::size_t>()) + " client(s) match";
  if (data["items"].empty()) {
    text +=
        data["page"].get<int>() > 1 ? " (no rows on this page)." : ". Try a shorter search text or status: \"all\".";
  } else {
    text += "; page " + std::to_string(data["page"].get<int>()) + ":\n\n" +
            markdown_table(table_rows(data["items"]), kClientColumns, data["items"].size());
    if (data["has_more"].get<bool>())
      text += "\nMore: call again with page " + std::to_string(data["page"].get<int>() + 1) + ".";
  }
  if (data.contains("note")) text += "\n" + data["note"].get<std::string>();
  return mcp::ToolResult::data(std::move(data), text);
}

mcp::ToolResult get_client(halo::Client& halo, const json& args) {
  const long long id = resolve_client(halo, args["client"]);
  const auto fields = requested_fields(Kind::client, args);
  const json record = fetch_record(halo, Kind::client, id);
  const int limit = args.value("related_limit", 20);
  const Query related = halo::with_status({{"client_id", std::to_string(id)}}, halo::Status::all);
  halo::Page sites = fetch_page(halo, Kind::site, related, 1, limit);
  halo::Page contacts = halo::page(halo, Kind::contact, related, 1, limit);
  bool complete = true;
  json billed = billed_clients(halo, id, complete);
  json popups;
  try {
    int requests = 0;
    popups = read_popup_notes(halo, "client_id", id, requests);
    popups["permitted"] = true;
  } catch (const halo::Error& e) {
    if (e.kind() != halo::ErrorKind::forbidden) throw;
    popups = {{"permitted", false},
              {"items", json::array()},
              {"note", "not permitted: HaloPSA refused the pop-up notes (403); check them in HaloPSA."}};
  }

  json data{{"client", project(Kind::client, record, fields)},
            {"sites", {{"items", json::array()}, {"total", std::max(sites.record_count, sites.rows.size())}}},
            {"contacts", {{"items", json::array()}, {"total", std::max(contacts.record_count, contacts.rows.size())}}},
            {"billing_parent", ref_summary(record, "client_to_invoice", "client_to_invoice_name")},
            {"billed_clients", billed},
            {"billed_clients_complete", complete},
            {"toplevel", ref_summary(record, "toplevel_id", "toplevel_name")},
            {"credit_stop", on_credit_stop(record)},
            {"popup_notes", popups}};
  for (const auto& s : sites.rows) data["sites"]["items"].push_back(project(Kind::site, s));
  for (const auto& c : contacts.rows) data["contacts"]["items"].push_back(project(Kind::contact, c));

  std::string text = "**" + record.value("name", std::string()) + "** (client " + std::to_string(id) + ", " +
                     (record.value("inactive", false) ? "INACTIVE" : "active") +
                     (record.value("is_vip", false) ? ", VIP" : "") + ")";
  if (on_credit_stop(record)) text += "\nON CREDIT STOP (Halo stopped = " + record["stopped"].dump() + ")";
  if (!popups["permitted"].get<bool>()) text += "\nPop-up notes: " + popups["note"].get<std::string>();
  for (const auto& n : popups["items"]) text += "\nPOP-UP NOTE: " + plain(n.value("note", json()));
  if (!data["toplevel"].is_null()) text += "\nTopLevel: " + data["toplevel"]["name"].get<std::string>();
  if (!data["billing_parent"].is_null())
    text += "\nInvoiced by: " + data["billing_parent"]["name"].get<std::string>() + " (" +
            data["billing_parent"]["id"].dump() + ")";
  if (!billed.empty()) {
    text += "\nInvoices for:";
    for (const auto& b : billed) text += " " + b["name"].get<std::string>() + " (" + b["id"].dump() + ");";
  }
  text += "\nMain site: " + (record.contains("main_site_name") ? plain(record["main_site_name"]) : std::string("none"));
  if (record.contains("alastupdate")) text += "\nLast changed (alastupdate): " + plain(record["alastupdate"]);
  text += "\n\nSites (" + data["sites"]["total"].dump() + "):\n" +
          markdown_table(data["sites"]["items"],
                         {{"id", "Id"}, {"name", "Name"}, {"delivery_address", "Address"}, {"inactive", "Inactive"}},
                         data["sites"]["total"].get<std::size_t>());
  text +=
      "\n\nContacts (" + data["contacts"]["total"].dump() + "):\n" +
      markdown_table(
          data["contacts"]["items"],
          {{"id", "Id"}, {"name", "Name"}, {"title", "Job title"}, {"emailaddress", "E-mail"}, {"site_name", "Site"}},
          data["contacts"]["total"].get<std::size_t>());
  return mcp::ToolResult::data(std::move(data), text);
}

mcp::ToolResult create_client(halo::Client& halo, CreateLocks& locks, const json& args) {
  const auto fields = requested_fields(Kind::client, args);
  std::vector<std::string> notes;
  json body = client_body(halo, args, 0, json(), notes);
  const std::string name = body["name"].get<std::string>();
  const std::string norm = normalise_name(name);
  // Held from the check to the create's answer: a concurrent create of the same name waits, then finds this one.
  const auto guard = args.value("dry_run", false) ? nullptr : locks.hold({client_key(name)});

  // Duplicate guard: same normalised name among active and inactive clients. Halo's search matches substrings, so
  // the first normalised word finds "ACME Corp." for "Acme Corporation"; a common word can match hundreds, so the
  // walk goes on to 1,000 matches, and past that the name as typed is searched too.
  const std::string term = norm.substr(0, norm.find(' ')).size() >= 3 ? norm.substr(0, norm.find(' ')) : name;
  const halo::Query both = halo::with_status({}, halo::Status::all);
  auto search = [&](const std::string& text) {
    halo::Query q = both;
    q.emplace_back("search", text);
    return q;
  };
  halo::ListResult near = halo::list(halo, Kind::client, search(term), {.page_size = 100, .max_rows = 1000});
  if (near.truncated && term != name)
    for (auto& row : halo::page(halo, Kind::client, search(name), 1, 100).rows) near.rows.push_back(std::move(row));
  std::set<long long> existing_ids;
  for (const auto& c : near.rows) {
    existing_ids.insert(c.value("id", 0LL));
    if (!args.value("allow_duplicate", false) && normalise_name(c.value("name", std::string())) == norm)
      return duplicate_result(
                 Kind::client, c, body,
                 "a client with the same name already exists (\"" + c.value("name", std::string()) + "\"" +
                     (c.value("inactive", false) ? ", inactive: set_client_active can reactivate it" : "") + ").",
                 fields)
          .result();
  }
  auto find_landed = [&halo, name, existing_ids]() -> std::optional<json> {
    halo::Page p = halo::page(halo, Kind::client, halo::with_status({{"search", name}}, halo::Status::all), 1, 100);
    std::optional<json> best;
    for (const auto& c : p.rows)
      if (c.value("name", std::string()) == name && !existing_ids.contains(c.value("id", 0LL)) &&
          (!best || c.value("id", 0LL) > best->value("id", 0LL)))
        best = c;
    return best;
  };
  if (guard) guard->verify();
  return with_notes(create_record(halo, Kind::client, body, args, fields, find_landed), notes);
}

mcp::ToolResult update_client(halo::Client& halo, const json& args) {
  const long long id = resolve_client(halo, args["client"]);
  const json current = fetch_record(halo, Kind::client, id);
  std::vector<std::string> notes;
  json body = client_body(halo, args, id, current, notes);
  const bool note = args.contains("add_popup_note");
  if (body.empty() && !note)
    throw InputError("Nothing to update: give at least one field to change besides client (e.g. website, notes).");
  const auto fields = requested_fields(Kind::client, args);
  const bool dry_run = args.value("dry_run", false);
  WriteResult r = body.empty() ? popup_only_result(Kind::client, current, fields, dry_run)
                               : update_record(halo, Kind::client, id, body, args, fields, current);
  if (note) add_popup_note(halo, r, Kind::client, id, args["add_popup_note"].get<std::string>(), dry_run);
  return with_notes(r, notes);
}

mcp::ToolResult set_client_active(halo::Client& halo, const json& args) {
  const long long id = resolve_client(halo, args["client"]);
  const json current = fetch_record(halo, Kind::client, id);
  const bool active = args["active"].get<bool>();
  WriteResult r = update_record(halo, Kind::client, id, {{"inactive", !active}}, args,
                                requested_fields(Kind::client, args), current);
  if (r.data["written"].get<bool>())
    r.text =
        (active ? "Reactivated " : "Deactivated ") + describe(Kind::client, current) + "." +
        (active ? "" : " Its sites, contacts and history are kept; set_client_active with active: true undoes this.");
  return r.result();
}

mcp::ToolResult delete_client(halo::Client& halo, const json& args, mcp::RequestContext& ctx) {
  const long long id = resolve_client(halo, args["client"]);
  const json current = fetch_record(halo, Kind::client, id);
  const Query related = halo::with_status({{"client_id", std::to_string(id)}}, halo::Status::all);
  const std::size_t sites = count_records(halo, Kind::site, related);
  const std::size_t contacts = count_records(halo, Kind::contact, related);
  const std::string alternative =
      "To retire the client instead (reversible, keeps history), use set_client_active "
      "with client " +
      std::to_string(id) + " and active: false.";
  if (sites + contacts > 0)
    throw InputError("Not deleted: " + describe(Kind::client, current) + " still has " + std::to_string(sites) +
                     " site(s) and " + std::to_string(contacts) + " contact(s). " + alternative +
                     " Only to remove it completely: delete its contacts and sites first.");
  const halo::Request request = halo::delete_request(Kind::client, id);
  json data{{"deleted", false},
            {"dry_run", args.value("dry_run", false)},
            {"record", project(Kind::client, current)},
            {"request", request.to_json()}};
  if (args.value("dry_run", false))
    return mcp::ToolResult::data(data, "DRY RUN, nothing deleted. Would send DELETE " + request.path() + " for " +
                                           describe(Kind::client, current) + ".");
  if (auto refusal = confirm_destructive(ctx, args, describe(Kind::client, current), alternative))
    return mcp::ToolResult::error(*refusal);
  halo::send(halo, request);
  data["deleted"] = true;
  return mcp::ToolResult::data(data, "Deleted " + describe(Kind::client, current) + ".");
}

}  // namespace

void register_client_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "search_clients",
      .title = "Search clients",
      .description =
          "Finds HaloPSA clients (customers) by name text, active/inactive status, TopLevel grouping, billing "
          "parent or client type. Returns one page of compact client records ({items, total, page, page_size, "
          "has_more}) and a table. Use it to find a client's id, or to list clients; use get_client for one "
          "client's sites and contacts, and search_sites to filter by city/address.",
      .toolset = "clients",
      .input_schema = schema("search_clients.input"),
      .output_schema = schema("search_clients.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return search_clients(*halo, a); },
  });
  server.tools.add({
      .name = "get_client",
      .title = "Get a client",
      .description =
          "Reads one client by id or name, with its sites and contacts (first related_limit of each, with full "
          "counts), its billing parent (client_to_invoice), the clients it invoices, its TopLevel grouping, credit "
          "stop and pop-up notes. For the compact card (tickets, contracts, main contact) use client_card.",
      .toolset = "clients",
      .input_schema = schema("get_client.input"),
      .output_schema = schema("get_client.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return get_client(*halo, a); },
  });
  server.tools.add({
      .name = "create_client",
      .title = "Create a client",
      .description =
          "Creates a HaloPSA client. Only name is required; client_type, toplevel and billing_parent accept names. "
          "If a client with the same normalised name exists (case, punctuation and Ltd/Inc/Corp… ignored), it is "
          "returned with a warning instead (allow_duplicate: true overrides). Add its first site with create_site. "
          "Returns {record, written, request, warning?}; dry_run: true shows the request without sending it.",
      .toolset = "clients",
      .input_schema = schema("create_client.input"),
      .output_schema = schema("create_client.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = false},
      .handler = [halo, locks = backend.locks](const json& a,
                                               mcp::RequestContext&) { return create_client(*halo, *locks, a); },
  });
  server.tools.add({
      .name = "update_client",
      .title = "Update a client",
      .description =
          "Changes a client's fields; only the fields given are sent. Returns the updated record and a "
          "field-by-field before/after diff. Use if_unchanged_since (the alastupdate you read) to avoid "
          "overwriting someone else's change, and dry_run: true to preview. To deactivate use set_client_active.",
      .toolset = "clients",
      .input_schema = schema("update_client.input"),
      .output_schema = schema("update_client.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return update_client(*halo, a); },
  });
  server.tools.add({
      .name = "set_client_active",
      .title = "Deactivate or reactivate a client",
      .description = "Deactivates (active: false) or reactivates (active: true) a client. Reversible and keeps sites, "
                     "contacts and history: the recommended way to retire a client instead of deleting it.",
      .toolset = "clients",
      .input_schema = schema("set_client_active.input"),
      .output_schema = schema("set_client_active.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return set_client_active(*halo, a); },
  });
  server.tools.add({
      .name = "delete_client",
      .title = "Delete a client permanently",
      .description =
          "Permanently deletes a client that has no sites and no contacts (otherwise refused: use "
          "set_client_active to deactivate it instead). Asks the user to confirm (elicitation), or needs confirm: "
          "true after the user agreed when the client app cannot ask.",
      .toolset = "clients",
      .input_schema = schema("delete_client.input"),
      .output_schema = schema("delete_client.output"),
      .annotations = {.read_only = false, .destructive = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext& ctx) { return delete_client(*halo, a, ctx); },
  });
}

}  // namespace tools
