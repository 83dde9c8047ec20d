// Contact tools: a client's people (Halo "Users", end users). A contact hangs off a site (site_id); its client is
// the site's client.
#include <set>

#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/client_card.h"
#include "tools/common.h"
#include "tools/contact_guard.h"
#include "tools/schemas.h"
#include "tools/toolbox.h"
#include "tools/writes.h"

namespace tools {

namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

const std::vector<std::pair<std::string, std::string>> kContactColumns = {{"id", "Id"},
                                                                          {"name", "Name"},
                                                                          {"title", "Job title"},
                                                                          {"emailaddress", "E-mail"},
                                                                          {"client_name", "Client"},
                                                                          {"site_name", "Site"},
                                                                          {"inactive", "Inactive"}};

long long as_id(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number()) return static_cast<long long>(v.get<double>());
  return 0;
}

mcp::ToolResult search_contacts(halo::Client& halo, const json& args) {
  Query query;
  if (args.contains("client")) query.emplace_back("client_id", std::to_string(resolve_client(halo, args["client"])));
  if (args.contains("site_id")) query.emplace_back("site_id", args["site_id"].dump());
  if (args.contains("search")) query.emplace_back("search", args["search"].get<std::string>());
  add_status(query, args);
  std::function<bool(const json&)> filter;
  if (args.contains("email")) {
    const std::string email = normalise_email(args["email"].get<std::string>());
    if (!args.contains("search")) query.emplace_back("search", email);  // Halo's contact search also matches e-mail
    filter = [email](const json& c) { return normalise_email(c.value("emailaddress", std::string())) == email; };
  }
  json data = search_page(halo, Kind::contact, query, args, filter);
  std::string text = std::to_string(data["total"].get<std::size_t>()) + " contact(s) match";
  text += data["items"].empty() ? "."
                                : "; page " + data["page"].dump() + ":\n\n" +
                                      markdown_table(data["items"], kContactColumns, data["items"].size());
  if (data["has_more"].get<bool>())
    text += "\nMore: call again with page " + std::to_string(data["page"].get<int>() + 1) + ".";
  return mcp::ToolResult::data(std::move(data), text);
}

mcp::ToolResult get_contact(halo::Client& halo, const json& args) {
  // includepopups: a contact's pop-up notes come with the record only when asked for (documented on Users/{id}).
  const json record = halo::get(halo, Kind::contact, args["contact_id"].get<long long>(),
                                {{"includedetails", "true"}, {"includepopups", "true"}});
  json contact = project(Kind::contact, record, requested_fields(Kind::contact, args));
  json popups = json::array();
  for (const auto& n : record.value("popup_notes", json::array()))
    if (n.is_object() && n.contains("note") && n["note"].is_string()) popups.push_back(n["note"]);
  std::string text = "**" + record.value("name", std::string()) + "** (contact " + record["id"].dump() +
                     (record.value("inactive", false) ? ", INACTIVE" : "") + ")";
  for (const auto& p : popups) text += "\nPOP-UP NOTE: " + p.get<std::string>();
  for (const auto& [field, label] : kContactColumns)
    if (field != "id" && field != "name" && field != "inactive" && contact.contains(field) &&
        !plain(contact[field]).empty())
      text += "\n- " + label + ": " + plain(contact[field]);
  return mcp::ToolResult::data({{"contact", contact}, {"popup_notes", popups}}, text);
}

// The site a new contact goes on: the given one, else the client's main site. Returns the site record.
json target_site(halo::Client& halo, const json& args) {
  if (args.contains("site_id")) {
    json site = fetch_record(halo, Kind::site, args["site_id"].get<long long>());
    if (args.contains("client")) {
      const long long client_id = resolve_client(halo, args["client"]);
      if (as_id(site.value("client_id", json())) != client_id)
        throw InputError("site_id: site " + site["id"].dump() + " (\"" + site.value("name", std::string()) +
                         "\") belongs to " + site.value("client_name", std::string("another client")) +
                         ", not client " + std::to_string(client_id) +
                         ". Use search_sites with this client to find its sites.");
    }
    return site;
  }
  const long long client_id = resolve_client(halo, args["client"]);
  const json client = fetch_record(halo, Kind::client, client_id);
  const long long main_site = as_id(client.value("main_site_id", json()));
  if (main_site > 0) return fetch_record(halo, Kind::site, main_site);
  // No main site: the client's only active site is the one meant; several are a question for the caller.
  const halo::Page sites = fetch_page(
      halo, Kind::site, halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::active), 1, 10);
  if (sites.rows.size() == 1) return fetch_record(halo, Kind::site, as_id(sites.rows[0].value("id", json())));
  if (sites.rows.empty())
    throw InputError("client: " + describe(Kind::client, client) +
                     " has no sites, and a HaloPSA contact must belong to a site. Create one first with create_site "
                     "(client " +
                     std::to_string(client_id) + "), then call create_contact again (optionally with its site_id).");
  std::string text = "client: " + describe(Kind::client, client) + " has no main site and " +
                     std::to_string(sites.record_count_known ? sites.record_count : sites.rows.size()) +
                     " sites; give site_id for the one this contact belongs to:";
  for (const auto& s : sites.rows) text += "\n- " + s["id"].dump() + ": " + s.value("name", std::string());
  throw InputError(text + "\n(update_site with make_main_site: true sets the client's main site.)");
}

void make_main_contact(halo::Client& halo, WriteResult& r, long long site_id, const json& contact_id, bool dry_run) {
  follow_up(halo, r, Kind::site, {{"id", site_id}, {"maincontact_id", contact_id}}, dry_run,
            "make it the main contact of site " + std::to_string(site_id));
}

mcp::ToolResult create_contact(halo::Client& halo, CreateLocks& locks, const json& args) {
  const json site = target_site(halo, args);
  const long long site_id = site["id"].get<long long>();
  const long long client_id = as_id(site.value("client_id", json()));
  json body = map_arguments(Kind::contact, args);
  body["site_id"] = site_id;
  if (args.contains("custom_fields"))
    body["customfields"] = map_custom_fields(halo, Kind::contact, args["custom_fields"], json());
  const auto fields = requested_fields(Kind::contact, args);
  const std::string email = normalise_email(body.value("emailaddress", std::string()));
  std::string display = body.value("name", std::string());
  if (display.empty())
    display = body.value("firstname", std::string()) +
              (body.contains("firstname") && body.contains("surname") ? " " : "") +
              body.value("surname", std::string());
  const std::string norm = normalise_name(display);
  const auto guard =
      args.value("dry_run", false)
          ? nullptr
          : locks.hold({email.empty() ? contact_name_key(client_id, display) : contact_email_key(email)});

  // Duplicate guard (tools/contact_guard.h): the contacts holding this e-mail anywhere, else those sharing a first
  // name at this client, judged by the contact identity rule.
  Query query = halo::with_status({}, halo::Status::all);
  if (!email.empty()) query.emplace_back("search", email);
  else {
    query.emplace_back("client_id", std::to_string(client_id));
    query.emplace_back("search", norm.substr(0, norm.find(' ')));
  }
  std::set<long long> existing;
  std::vector<json> found;
  // Up to 1,000 candidates: a busy client can have more than a page of contacts sharing a first name.
  for (const auto& c : halo::list(halo, Kind::contact, query, {.page_size = 100, .max_rows = 1000}).rows) {
    existing.insert(c.value("id", 0LL));
    if (email.empty() || normalise_email(c.value("emailaddress", std::string())) == email) found.push_back(c);
  }
  if (!args.value("allow_duplicate", false)) {
    const ContactCheck check = check_contact(body, client_id, found);
    if (!check.same.empty()) {
      const json& c = check.same.front();
      return duplicate_result(Kind::contact, c, body,
                              (!email.empty() ? "a contact with the e-mail " + email + " already exists"
                                              : "a contact named \"" + c.value("name", std::string()) +
                                                    "\" already exists at this client") +
                                  " (at " + c.value("client_name", std::string("?")) + ", site " +
                                  c.value("site_name", std::string("?")) + ").",
                              fields)
          .result();
    }
    if (!check.candidates.empty())
      return not_created(
          check, "\"" + display + "\"",
          "If this is a different person, call create_contact again with allow_duplicate: true; if it is one of "
          "these, use that contact (update_contact to correct it).");
  }
  auto find_landed = [&halo, query, existing, email, norm]() -> std::optional<json> {
    for (const auto& c : halo::page(halo, Kind::contact, query, 1, 100).rows)
      if (!existing.contains(c.value("id", 0LL)) &&
          (!email.empty() ? normalise_email(c.value("emailaddress", std::string())) == email
                          : normalise_name(c.value("name", std::string())) == norm))
        return c;
    return std::nullopt;
  };
  if (guard) guard->verify();
  WriteResult r = create_record(halo, Kind::contact, body, args, fields, find_landed);
  if (args.value("make_site_main_contact", false))
    make_main_contact(halo, r, site_id,
                      r.data["record"].is_object() ? r.data["record"]["id"] : json("(id of the new contact)"),
                      args.value("dry_run", false));
  r.text += " Site: " + site.value("name", std::string()) + " (" + std::to_string(site_id) + ") of " +
            site.value("client_name", std::string()) + ".";
  return r.result();
}

mcp::ToolResult update_contact(halo::Client& halo, const json& args) {
  const long long id = args["contact_id"].get<long long>();
  const json current = fetch_record(halo, Kind::contact, id);
  json body = map_arguments(Kind::contact, args);
  if (args.contains("custom_fields"))
    body["customfields"] = map_custom_fields(halo, Kind::contact, args["custom_fields"], current);
  if (body.contains("site_id")) fetch_record(halo, Kind::site, body["site_id"].get<long long>());  // clear not-found
  const bool main_wanted = args.value("make_site_main_contact", false);
  const bool note = args.contains("add_popup_note");
  if (body.empty() && !main_wanted && !note)
    throw InputError(
        "Nothing to update: give at least one field to change besides contact_id (e.g. job_title, email).");
  const auto fields = requested_fields(Kind::contact, args);
  WriteResult r;
  if (!body.empty()) {
    r = update_record(halo, Kind::contact, id, body, args, fields, current);
  } else if (note) {
    r = popup_only_result(Kind::contact, current, fields, args.value("dry_run", false));
  } else {
    r.data = {{"record", project(Kind::contact, current, fields)},
              {"dry_run", args.value("dry_run", false)},
              {"written", false},
              {"request", halo::save_request(Kind::contact, {{"id", id}}).to_json()},
              {"diff", json::array()}};
    r.text = "Contact " + std::to_string(id) + " itself is unchanged.";
  }
  if (main_wanted) {
    const long long site_id =
        body.contains("site_id") ? body["site_id"].get<long long>() : as_id(current.value("site_id", json()));
    make_main_contact(halo, r, site_id, id, args.value("dry_run", false));
  }
  if (note)
    add_popup_note(halo, r, Kind::contact, id, args["add_popup_note"].get<std::string>(), args.value("dry_run", false));
  return r.result();
}

mcp::ToolResult delete_contact(halo::Client& halo, const json& args, mcp::RequestContext& ctx) {
  const long long id = args["contact_id"].get<long long>();
  const json current = fetch_record(halo, Kind::contact, id);
  const halo::Request request = halo::delete_request(Kind::contact, id);
  json data{{"deleted", false},
            {"dry_run", args.value("dry_run", false)},
            {"record", project(Kind::contact, current)},
            {"request", request.to_json()}};
  if (args.value("dry_run", false))
    return mcp::ToolResult::data(data, "DRY RUN, nothing deleted. Would send DELETE " + request.path() + " for " +
                                           describe(Kind::contact, current) + ".");
  const std::string alternative = "To keep their history, deactivate them instead with update_contact contact_id " +
                                  std::to_string(id) + " and inactive: true.";
  if (auto refusal = confirm_destructive(
          ctx, args,
          describe(Kind::contact, current) + " of " + current.value("client_name", std::string("their client")),
          alternative))
    return mcp::ToolResult::error(*refusal);
  halo::send(halo, request);
  data["deleted"] = true;
  return mcp::ToolResult::data(data, "Deleted " + describe(Kind::contact, current) + ".");
}

}  // namespace

void register_contact_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "search_contacts",
      .title = "Search contacts",
      .description =
          "Finds contacts (a client's people, Halo end users) by client (id or name), site_id, name/e-mail text "
          "(search) or exact e-mail (email), and status. Returns one page of compact contact records with job title, "
          "e-mail, phone, client and site.",
      .toolset = "contacts",
      .input_schema = schema("search_contacts.input"),
      .output_schema = schema("search_contacts.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return search_contacts(*halo, a); },
  });
  server.tools.add({
      .name = "get_contact",
      .title = "Get a contact",
      .description =
          "Reads one contact by id: name, job title, e-mail, phones, client, site and pop-up notes; fields adds "
          "more Halo fields.",
      .toolset = "contacts",
      .input_schema = schema("get_contact.input"),
      .output_schema = schema("get_contact.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return get_contact(*halo, a); },
  });
  server.tools.add({
      .name = "create_contact",
      .title = "Create a contact",
      .description =
          "Adds a contact (person) to a client. Contacts belong to a site: the given site_id, else the client's "
          "main site; a client without sites needs create_site first. If the same person exists (same e-mail and "
          "name, or without e-mail the same name at the client) they are returned with a warning instead; if the "
          "e-mail matches a differently named contact, is a shared mailbox (info@, accounts@ …) or the name only "
          "nearly matches, nothing is created and the candidates are returned as an error with the reason "
          "(allow_duplicate: true creates anyway). make_site_main_contact: true also makes them the site's main contact.",
      .toolset = "contacts",
      .input_schema = schema("create_contact.input"),
      .output_schema = schema("create_contact.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = false},
      .handler = [halo, locks = backend.locks](const json& a,
                                               mcp::RequestContext&) { return create_contact(*halo, *locks, a); },
  });
  server.tools.add({
      .name = "update_contact",
      .title = "Update a contact",
      .description =
          "Changes a contact's fields (only those given are sent), moves them to another site (site_id), "
          "deactivates them (inactive) or makes them their site's main contact. Returns a before/after diff; "
          "supports if_unchanged_since (ulastupdate) and dry_run.",
      .toolset = "contacts",
      .input_schema = schema("update_contact.input"),
      .output_schema = schema("update_contact.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return update_contact(*halo, a); },
  });
  server.tools.add({
      .name = "delete_contact",
      .title = "Delete a contact permanently",
      .description =
          "Permanently deletes a contact. Prefer update_contact with inactive: true to keep history. Asks the user "
          "to confirm (elicitation), or needs confirm: true after the user agreed when the client app cannot ask.",
      .toolset = "contacts",
      .input_schema = schema("delete_contact.input"),
      .output_schema = schema("delete_contact.output"),
      .annotations = {.read_only = false, .destructive = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext& ctx) { return delete_contact(*halo, a, ctx); },
  });
}

}  // namespace tools
