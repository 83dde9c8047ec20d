// Site tools: a client's locations (schema Site). The address lives in Halo's delivery_address object; the main
// site is the client's main_site_id, not a flag on the site.
#include <algorithm>
#include <memory>
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
#include "util/text.h"

namespace tools {

namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

// Sites fetched one by one by a city search when list rows carry no address.
constexpr std::size_t kAddressFetches = 50;

using util::lower;

// An address argument merged over the current address: only the lines given change.
json address_body(const json& given, const json& current) {
  json out = json::object();
  // The address record's own id goes with an update: without it HaloPSA may ignore the change or make a new record.
  if (current.is_object())
    for (const char* k : {"id", "line1", "line2", "line3", "line4", "postcode"})
      if (current.contains(k) && !current[k].is_null()) out[k] = current[k];
  for (const auto& [k, v] : given.items()) {
    std::string s = v.get<std::string>();
    const auto b = s.find_first_not_of(" \t");
    s = b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(" \t") - b + 1);
    out[k] = s;
  }
  return out;
}

json site_body(halo::Client& halo, const json& args, const json& current_or_null) {
  const json current = current_or_null.is_object() ? current_or_null : json::object();
  json body = map_arguments(Kind::site, args);
  if (args.contains("address"))
    body["delivery_address"] = address_body(args["address"], current.value("delivery_address", json()));
  if (args.contains("invoice_address"))
    body["invoice_address"] = address_body(args["invoice_address"], current.value("invoice_address", json()));
  if (args.contains("custom_fields"))
    body["customfields"] = map_custom_fields(halo, Kind::site, args["custom_fields"], current);
  return body;
}

// A site's main contact must be one of its client's contacts.
void check_main_contact(halo::Client& halo, const json& body, long long client_id) {
  if (!body.contains("maincontact_id") || !body["maincontact_id"].is_number() ||
      body["maincontact_id"].get<long long>() <= 0)
    return;
  const json contact = fetch_record(halo, Kind::contact, body["maincontact_id"].get<long long>());
  const long long owner = id_of(contact.value("client_id", json()));
  if (owner != client_id)
    throw InputError("main_contact_id: contact " + contact.value("id", json(0)).dump() + " (\"" +
                     contact.value("name", std::string()) + "\") belongs to " +
                     contact.value("client_name", std::string("another client")) + " (client " + std::to_string(owner) +
                     "), not to this site's client " + std::to_string(client_id) +
                     ". Choose one of the client's own contacts (search_contacts with client " +
                     std::to_string(client_id) + ").");
}

const std::vector<std::pair<std::string, std::string>> kSiteColumns = {{"id", "Id"},
                                                                       {"name", "Name"},
                                                                       {"client_name", "Client"},
                                                                       {"delivery_address", "Address"},
                                                                       {"maincontact_name", "Main contact"},
                                                                       {"inactive", "Inactive"}};

mcp::ToolResult search_sites(halo::Client& halo, const json& args) {
  Query query;
  if (args.contains("client")) query.emplace_back("client_id", std::to_string(resolve_client(halo, args["client"])));
  if (args.contains("search")) query.emplace_back("search", args["search"].get<std::string>());
  add_status(query, args);
  std::function<bool(const json&)> filter;
  if (args.contains("city") || args.value("without_main_contact", false)) {
    const std::string city = lower(args.value("city", std::string()));
    const bool no_contact = args.value("without_main_contact", false);
    // A row without any address field is fetched whole (a bounded number per call): an unknown address must not
    // read as "not in that city".
    auto fetched = std::make_shared<std::size_t>(0);
    filter = [&halo, city, no_contact, fetched](const json& s) {
      if (no_contact && s.contains("maincontact_id") && s["maincontact_id"].is_number() &&
          s["maincontact_id"].get<double>() > 0)
        return false;
      if (city.empty()) return true;
      json address = s.value("delivery_address", json());
      if (!address.is_object()) {
        if (*fetched == kAddressFetches)
          throw InputError(
              "city: HaloPSA's site list returned no addresses (even with includeaddress=true), and "
              "fetching sites one by one stopped after " +
              std::to_string(kAddressFetches) +
              "; narrow the search with client or search. halopsa-mcp doctor checks this.");
        ++*fetched;
        address = fetch_record(halo, Kind::site, s.value("id", 0LL)).value("delivery_address", json::object());
      }
      for (const char* k : {"line1", "line2", "line3", "line4", "postcode"})
        if (address.contains(k) && address[k].is_string() &&
            lower(address[k].get<std::string>()).find(city) != std::string::npos)
          return true;
      return false;
    };
  }
  json data = search_page(halo, Kind::site, query, args, filter);
  std::string text = std::to_string(data["total"].get<std::size_t>()) + " site(s) match";
  text += data["items"].empty() ? "."
                                : "; page " + data["page"].dump() + ":\n\n" +
                                      markdown_table(data["items"], kSiteColumns, data["items"].size());
  if (data["has_more"].get<bool>())
    text += "\nMore: call again with page " + std::to_string(data["page"].get<int>() + 1) + ".";
  if (data.contains("note")) text += "\n" + data["note"].get<std::string>();
  return mcp::ToolResult::data(std::move(data), text);
}

void make_main_site(halo::Client& halo, WriteResult& result, long long client_id, const json& site_id, bool dry_run) {
  follow_up(halo, result, Kind::client, {{"id", client_id}, {"main_site_id", site_id}}, dry_run,
            "make it the main site of client " + std::to_string(client_id));
}

mcp::ToolResult create_site(halo::Client& halo, CreateLocks& locks, const json& args) {
  const long long client_id = resolve_client(halo, args["client"]);
  const json client = fetch_record(halo, Kind::client, client_id);  // a clear not-found before anything is sent
  json body = site_body(halo, args, json());
  body["client_id"] = client_id;
  check_main_contact(halo, body, client_id);
  const auto fields = requested_fields(Kind::site, args);
  const std::string name = body["name"].get<std::string>();
  const auto guard = args.value("dry_run", false) ? nullptr : locks.hold({site_key(client_id, name)});
  std::set<long long> before;
  // Every site of the client (up to 1,000): a retail chain can have more than one page of them.
  const halo::Query all_sites = halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all);
  for (const auto& s : halo::list(halo, Kind::site, all_sites, {.page_size = 100, .max_rows = 1000}).rows) {
    before.insert(s.value("id", 0LL));
    if (lower(s.value("name", std::string())) == lower(name) && !args.value("dry_run", false))
      throw InputError("name: client " + std::to_string(client_id) + " already has a site named \"" +
                       s.value("name", std::string()) + "\" (site " + s["id"].dump() +
                       "). Use update_site to change it, or choose a different name.");
  }
  auto find_landed = [&halo, client_id, name, before]() -> std::optional<json> {
    for (const auto& s :
         halo::page(halo, Kind::site, {{"client_id", std::to_string(client_id)}, {"search", name}}, 1, 100).rows)
      if (s.value("name", std::string()) == name && !before.contains(s.value("id", 0LL))) return s;
    return std::nullopt;
  };
  if (guard) guard->verify();
  WriteResult r = create_record(halo, Kind::site, body, args, fields, find_landed);
  // A client without a main site gets this one as its main site, set explicitly: HaloPSA is not known to make a
  // client's first site its main site by itself, and contacts created by client are placed on the main site.
  const bool has_main_site =
      client.contains("main_site_id") && client["main_site_id"].is_number() && client["main_site_id"].get<double>() > 0;
  if (args.value("make_main_site", !has_main_site)) {
    const json site_id = r.data["record"].is_object() ? r.data["record"]["id"] : json("(id of the new site)");
    if (client.value("main_site_id", json(0)) != site_id)
      make_main_site(halo, r, client_id, site_id, args.value("dry_run", false));
  }
  if (r.data["written"].get<bool>()) r.text += " Client: " + client.value("name", std::string()) + ".";
  return r.result();
}

mcp::ToolResult update_site(halo::Client& halo, const json& args) {
  const long long id = args["site_id"].get<long long>();
  const json current = fetch_record(halo, Kind::site, id);
  json body = site_body(halo, args, current);
  check_main_contact(halo, body, id_of(current.value("client_id", json())));
  const bool main_wanted = args.value("make_main_site", false);
  const bool note = args.contains("add_popup_note");
  if (body.empty() && !main_wanted && !note)
    throw InputError(
        "Nothing to update: give at least one field to change besides site_id (e.g. address, phonenumber).");
  const auto fields = requested_fields(Kind::site, args);
  WriteResult r;
  if (!body.empty()) {
    r = update_record(halo, Kind::site, id, body, args, fields, current);
  } else if (note) {
    r = popup_only_result(Kind::site, current, fields, args.value("dry_run", false));
  } else {
    r.data = {{"record", project(Kind::site, current, fields)},
              {"dry_run", args.value("dry_run", false)},
              {"written", false},
              {"request", halo::save_request(Kind::site, {{"id", id}}).to_json()},
              {"diff", json::array()}};
    r.text = "Site " + std::to_string(id) + " itself is unchanged.";
  }
  if (main_wanted) {
    const long long client_id = current.value("client_id", json(0)).is_number()
                                    ? static_cast<long long>(current["client_id"].get<double>())
                                    : 0;
    const json client = fetch_record(halo, Kind::client, client_id);
    if (client.value("main_site_id", json(0)) == json(id))
      r.text += "\nIt already is the main site of " + describe(Kind::client, client) + ".";
    else
      make_main_site(halo, r, client_id, id, args.value("dry_run", false));
  }
  if (note)
    add_popup_note(halo, r, Kind::site, id, args["add_popup_note"].get<std::string>(), args.value("dry_run", false));
  return r.result();
}

mcp::ToolResult delete_site(halo::Client& halo, const json& args, mcp::RequestContext& ctx) {
  const long long id = args["site_id"].get<long long>();
  const json current = fetch_record(halo, Kind::site, id);
  const std::size_t contacts =
      count_records(halo, Kind::contact, halo::with_status({{"site_id", std::to_string(id)}}, halo::Status::all));
  const std::string alternative = "To keep its history, deactivate it instead with update_site site_id " +
                                  std::to_string(id) + " and inactive: true.";
  if (contacts > 0)
    throw InputError("Not deleted: " + describe(Kind::site, current) + " still has " + std::to_string(contacts) +
                     " contact(s). Move them to another site (update_contact with site_id) or delete them first. " +
                     alternative);
  const halo::Request request = halo::delete_request(Kind::site, id);
  json data{{"deleted", false},
            {"dry_run", args.value("dry_run", false)},
            {"record", project(Kind::site, current)},
            {"request", request.to_json()}};
  if (args.value("dry_run", false))
    return mcp::ToolResult::data(data, "DRY RUN, nothing deleted. Would send DELETE " + request.path() + " for " +
                                           describe(Kind::site, current) + ".");
  if (auto refusal = confirm_destructive(
          ctx, args, describe(Kind::site, current) + " of " + current.value("client_name", std::string("its client")),
          alternative))
    return mcp::ToolResult::error(*refusal);
  halo::send(halo, request);
  data["deleted"] = true;
  return mcp::ToolResult::data(data, "Deleted " + describe(Kind::site, current) + ".");
}

}  // namespace

void register_site_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "search_sites",
      .title = "Search sites",
      .description =
          "Finds client sites (offices, locations) by client (id or name), name text, status, city/address text, "
          "or missing main contact. city and without_main_contact are filtered client-side over at most 1000 sites "
          "(Halo has no such filters). Returns one page of compact site records with addresses and main contacts.",
      .toolset = "sites",
      .input_schema = schema("search_sites.input"),
      .output_schema = schema("search_sites.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return search_sites(*halo, a); },
  });
  server.tools.add({
      .name = "create_site",
      .title = "Create a site",
      .description =
          "Adds a site (office, location) to a client given by id or name, with its address (sent as Halo's "
          "delivery_address), phone, country and so on. make_main_site: true also makes it the client's main site. "
          "Refuses a second site with the same name on the client. dry_run: true previews the exact request.",
      .toolset = "sites",
      .input_schema = schema("create_site.input"),
      .output_schema = schema("create_site.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = false},
      .handler = [halo, locks = backend.locks](const json& a,
                                               mcp::RequestContext&) { return create_site(*halo, *locks, a); },
  });
  server.tools.add({
      .name = "update_site",
      .title = "Update a site",
      .description =
          "Changes a site's fields (only those given are sent; address lines merge into the current address), "
          "sets its main contact (main_contact_id), deactivates it (inactive), or makes it its client's main site. "
          "Returns a before/after diff; supports if_unchanged_since (slastupdate) and dry_run.",
      .toolset = "sites",
      .input_schema = schema("update_site.input"),
      .output_schema = schema("update_site.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return update_site(*halo, a); },
  });
  server.tools.add({
      .name = "delete_site",
      .title = "Delete a site permanently",
      .description =
          "Permanently deletes a site that has no contacts (otherwise refused: move or delete them, or deactivate "
          "the site with update_site inactive: true). Asks the user to confirm (elicitation), or needs confirm: "
          "true after the user agreed when the client app cannot ask.",
      .toolset = "sites",
      .input_schema = schema("delete_site.input"),
      .output_schema = schema("delete_site.output"),
      .annotations = {.read_only = false, .destructive = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext& ctx) { return delete_site(*halo, a, ctx); },
  });
}

}  // namespace tools
