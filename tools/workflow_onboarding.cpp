// onboard_client (client → main site → primary contact → main_site_id, idempotent and resumable) and
// onboard_contact (find by e-mail within the client, else create on the right site).
#include <set>
#include <tuple>

#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/common.h"
#include "tools/schemas.h"
#include "tools/contact_guard.h"
#include "tools/workflow_support.h"
#include "tools/writes.h"
#include "util/text.h"

namespace tools {

namespace {

constexpr const char* kNewClientId = "<id of the new client>";
constexpr const char* kNewSiteId = "<id of the new site>";
constexpr const char* kNewContactId = "<id of the new contact>";

using util::lower;

// Clients whose normalised name equals `name`'s (active and inactive).
std::vector<json> clients_named(halo::Client& halo, const std::string& name) {
  const std::string key = dedupe::company_key(name);
  const auto words = dedupe::company_words(name);
  std::string term = words.empty() ? name : words.front();
  for (const auto& w : words)
    if (w.size() > term.size()) term = w;  // the longest word narrows Halo's name-like search best
  std::vector<json> out;
  for (const auto& c : halo::list(halo, Kind::client, halo::with_status({{"search", term}}, halo::Status::all),
                                 {.max_rows = 1000})
                           .rows)
    if (dedupe::company_key(text_of(c, "name")) == key) out.push_back(c);
  return out;
}

// Contacts with this e-mail anywhere in the tenant (Halo's contact search matches e-mail).
std::vector<json> contacts_with_email(halo::Client& halo, const std::string& email) {
  std::vector<json> out;
  for (const auto& c : halo::list(halo, Kind::contact, halo::with_status({{"search", email}}, halo::Status::all),
                                 {.max_rows = 500})
                           .rows)
    if (normalise_email(text_of(c, "emailaddress")) == email) out.push_back(c);
  return out;
}

json contact_body(halo::Client& halo, const json& c) {
  json body = map_arguments(Kind::contact, c);
  if (c.contains("custom_fields")) body["customfields"] = map_custom_fields(halo, Kind::contact, c["custom_fields"], json());
  body.erase("site_id");
  if (!body.contains("name") && (body.contains("firstname") || body.contains("surname")))
    body["name"] = body.value("firstname", std::string()) + (body.contains("firstname") && body.contains("surname") ? " " : "") +
                   body.value("surname", std::string());
  if (!body.contains("name") && !body.contains("emailaddress"))
    throw InputError("contact: give at least a name (or first_name / surname) or an email.");
  if (body.contains("emailaddress")) {
    const std::string e = body["emailaddress"].get<std::string>();
    if (e.find('@') == std::string::npos || dedupe::email_domain(e).empty())
      throw InputError("contact.email: \"" + e + "\" is not a valid e-mail address.");
  }
  return body;
}

json site_body(halo::Client& halo, const json& s) {
  json body = map_arguments(Kind::site, s);
  if (s.contains("custom_fields")) body["customfields"] = map_custom_fields(halo, Kind::site, s["custom_fields"], json());
  if (!body.contains("name")) body["name"] = "Main";
  // Street and invoice addresses as given (a new site has no address records to merge with).
  for (const auto& [argument, field] :
       {std::pair{"address", "delivery_address"}, std::pair{"invoice_address", "invoice_address"}})
    if (s.contains(argument)) {
      json address = json::object();
      for (const auto& [k, v] : s[argument].items()) address[k] = v;
      body[field] = address;
    }
  return body;
}

json client_body(halo::Client& halo, const json& args, std::vector<std::string>& notes) {
  json fields = json::object();
  for (const char* k : {"name", "website", "notes", "ref", "account_manager_id", "is_vip", "payment_terms", "tax_number",
                        "accounts_email", "trading_name", "extra"})
    if (args.contains(k)) fields[k] = args[k];
  json body = map_arguments(Kind::client, fields);
  resolve_agent_arguments(halo, Kind::client, fields, body, notes);
  if (args.contains("client_type")) body["customertype"] = resolve_client_type(halo, args["client_type"]);
  if (args.contains("toplevel")) body["toplevel_id"] = resolve_toplevel(halo, args["toplevel"]);
  if (args.contains("billing_parent")) body["client_to_invoice"] = resolve_client(halo, args["billing_parent"], "billing_parent");
  if (args.contains("custom_fields")) body["customfields"] = map_custom_fields(halo, Kind::client, args["custom_fields"], json());
  return body;
}

// A create whose lost response is recovered: the record `find` returns that was not there before.
json create_once(halo::Client& halo, Kind kind, const json& body, std::function<std::vector<json>()> find) {
  std::set<long long> before;
  for (const auto& r : find()) before.insert(id_of(r.value("id", json())));
  json saved = halo::create(halo, kind, body, [&]() -> std::optional<json> {
    for (const auto& r : find())
      if (!before.contains(id_of(r.value("id", json())))) return r;
    return std::nullopt;
  });
  if (saved.is_object() && id_of(saved.value("id", json())) > 0 && !saved.contains("name"))
    saved = fetch_record(halo, kind, id_of(saved["id"]));
  if (!saved.is_object() || id_of(saved.value("id", json())) <= 0)
    throw halo::Error(halo::ErrorKind::upstream, "HaloPSA accepted the " + std::string(kind_info(kind).label) +
                                                     " but returned no id; search for it before retrying");
  return saved;
}

// Deactivates what this run created, newest first (never deletes).
void roll_back(halo::Client& halo, Steps& steps, const std::vector<std::pair<Kind, long long>>& created) {
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    json& s = steps.add("roll back " + std::string(kind_info(it->first).label) + " " + std::to_string(it->second), "rolled_back");
    s["id"] = it->second;
    const halo::Request deactivate = halo::save_request(it->first, {{"id", it->second}, {"inactive", true}});
    s["request"] = deactivate.to_json();
    try {
      halo::send(halo, deactivate);
      for (auto& step : steps.list)
        if (step.value("id", json()) == json(it->second) && step["status"] == "created" &&
            step["step"].get<std::string>().find(kind_info(it->first).label) != std::string::npos)
          step["status"] = "rolled_back";
    } catch (const halo::Error& e) {
      s["status"] = "failed";
      s["error"] = explain(e);
    }
  }
}

mcp::ToolResult onboard_client(halo::Client& halo, CreateLocks& locks, const json& args, mcp::RequestContext& ctx) {
  const bool dry_run = args.value("dry_run", false);
  const bool rollback = args.value("rollback", false);
  const std::string name = checked_name(args["name"], "name");
  std::vector<std::string> notes;
  json client_fields = client_body(halo, args, notes);
  const json site_in = args.value("site", json::object());
  json site_fields = site_body(halo, site_in);
  const json contact_in = args.value("contact", json::object());
  const bool want_contact = !contact_in.empty();
  json person = want_contact ? contact_body(halo, contact_in) : json();
  // The custom fields the tenant makes mandatory on each record this run may create (FieldInfo, read once each).
  const std::string missing_client =
      describe_custom_fields(custom_field_requirements(halo, Kind::client, client_fields.value("customfields", json())), true);
  const std::string missing_site =
      describe_custom_fields(custom_field_requirements(halo, Kind::site, site_fields.value("customfields", json())), true);
  const std::string missing_contact =
      want_contact ? describe_custom_fields(custom_field_requirements(halo, Kind::contact, person.value("customfields", json())), true)
                   : "";
  // A record about to be created without them: named on the step of a dry run; otherwise nothing is sent for it.
  auto missing_on = [&](json& step, const std::string& missing, const char* argument) {
    if (missing.empty()) return false;
    step["missing_custom_fields"] = missing;
    step["note"] = "MISSING mandatory custom fields: " + missing + " (give them in " + argument + ")";
    return true;
  };
  if (want_contact && args.value("send_welcome_email", false)) person["sendwelcomeemail"] = true;
  const std::string email = want_contact ? normalise_email(person.value("emailaddress", std::string())) : "";
  // Held for the whole run: the client (and the site under it) by name, the contact by e-mail; each create checks
  // the hold is still its own just before it is sent.
  std::vector<std::string> keys{client_key(name)};
  if (!email.empty()) keys.push_back(contact_email_key(email));
  const auto guard = dry_run ? nullptr : locks.hold(keys);
  std::unique_ptr<CreateGuard> contact_guard;  // a contact without e-mail: by name at the client, once it is known

  Steps steps;
  json conflicts = json::array();
  std::vector<std::pair<Kind, long long>> created;
  const double total = want_contact ? 5 : 3;
  double done = 0;
  auto progress = [&](const std::string& what) { ctx.progress(++done, total, what); };

  json client, site, contact;
  long long client_id = 0, site_id = 0, contact_id = 0;
  std::string failure;
  // A site or contact step missing mandatory custom fields (missing_on): on a real run it fails, unsent; true then.
  auto refused_for_missing = [&](json& step, const std::string& missing, const char* argument, const char* what) {
    if (!missing_on(step, missing, argument) || dry_run) return false;
    step["status"] = "failed";
    step["error"] = "not sent: mandatory custom fields missing: " + missing + " (give them in " + argument + ")";
    failure = std::string(what) + ": " + step["error"].get<std::string>();
    return true;
  };
  auto fail = [&](json& step, const halo::Error& e) {
    step["status"] = "failed";
    step["error"] = explain(e);
    failure = step["step"].get<std::string>() + ": " + explain(e);
  };

  // One reference set on a record (a site's main contact, a client's main site) as its own step: "existing" when it
  // already holds, read back after writing so a value HaloPSA did not take fails the step instead of passing unseen.
  auto link_step = [&](const std::string& name, Kind kind, const json& body, bool already, long long id) {
    json& step = steps.add(name, "planned");
    if (already) {
      step["status"] = "existing";
      step["id"] = id;
      return;
    }
    step["request"] = halo::save_request(kind, body).to_json();
    if (dry_run) return;
    try {
      const json missed = update_and_check(halo, kind, body);
      step["id"] = id;
      if (missed.empty()) {
        step["status"] = "created";
        return;
      }
      step["status"] = "failed";
      step["error"] = "HaloPSA accepted the write but did not take " + missed[0]["field"].get<std::string>() + " (it is " +
                      missed[0]["before"].dump() + ", not " + missed[0]["after"].dump() + "); set it in HaloPSA.";
      failure = name + ": " + step["error"].get<std::string>();
    } catch (const halo::Error& e) {
      fail(step, e);
    }
  };

  // 1. Client, found by normalised name before anything is created.
  {
    json& step = steps.add("client", "planned");
    try {
      const auto existing = clients_named(halo, name);
      if (!existing.empty()) {
        client = fetch_record(halo, Kind::client, id_of(existing.front()["id"]));
        client_id = id_of(client["id"]);
        step["status"] = "existing";
        step["id"] = client_id;
        step["note"] = "A client with this name already exists (\"" + text_of(client, "name") + "\"" +
                       (client.value("inactive", false) == true ? ", INACTIVE: reactivate it with set_client_active" : "") +
                       "); it is used instead of creating another.";
        conflicts.push_back({{"kind", "client_exists"}, {"id", client_id}, {"name", text_of(client, "name")},
                             {"inactive", client.value("inactive", false) == true}});
        for (std::size_t i = 1; i < existing.size(); ++i)
          conflicts.push_back({{"kind", "client_exists"}, {"id", existing[i]["id"]}, {"name", text_of(existing[i], "name")}});
      } else {
        step["request"] = halo::save_request(Kind::client, client_fields).to_json();
        missing_on(step, missing_client, "custom_fields");
        if (!dry_run && !(missing_client + missing_site + missing_contact).empty()) {
          // A new client means a new site and contact too: refuse before the first write, not half-way.
          std::string what;
          const std::tuple<const char*, std::string, const char*> parts[] = {
              {"client", missing_client, "custom_fields"}, {"site", missing_site, "site.custom_fields"},
              {"contact", missing_contact, "contact.custom_fields"}};
          for (const auto& [record, missing, argument] : parts)
            if (!missing.empty()) what += std::string(what.empty() ? "" : "; ") + record + ": " + missing + " (in " + argument + ")";
          throw InputError("Not onboarded: this tenant makes custom fields mandatory that are missing. " + what +
                           ". Nothing was sent.");
        }
        if (!dry_run) {
          guard->verify();
          client = create_once(halo, Kind::client, client_fields, [&] { return clients_named(halo, name); });
          client_id = id_of(client["id"]);
          created.emplace_back(Kind::client, client_id);
          step["status"] = "created";
          step["id"] = client_id;
        }
      }
    } catch (const halo::Error& e) {
      fail(step, e);
    }
    progress("client");
  }

  // 2. Main site: an existing site of that name, else the client's main site when no name was asked for.
  if (failure.empty()) {
    json& step = steps.add("main site", "planned");
    try {
      const std::string wanted = lower(site_fields["name"].get<std::string>());
      if (client_id) {
        for (const auto& s : load_all(halo, Kind::site, halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all), ctx, 0, 0, "sites"))
          if (lower(text_of(s, "name")) == wanted || (!site_in.contains("name") && id_of(s.value("id", json())) == id_of(client.value("main_site_id", json()))))
            if (!site_id || id_of(s["id"]) == id_of(client.value("main_site_id", json()))) site = s, site_id = id_of(s["id"]);
      }
      if (site_id) {
        step["status"] = "existing";
        step["id"] = site_id;
      } else {
        json body = site_fields;
        body["client_id"] = client_id ? json(client_id) : json(kNewClientId);
        step["request"] = halo::save_request(Kind::site, body).to_json();
        if (!refused_for_missing(step, missing_site, "site.custom_fields", "main site") && !dry_run) {
          guard->verify();
          site = create_once(halo, Kind::site, body, [&] {
            std::vector<json> out;
            for (const auto& s : halo::page(halo, Kind::site, halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all), 1, 100).rows)
              if (lower(text_of(s, "name")) == wanted) out.push_back(s);
            return out;
          });
          site_id = id_of(site["id"]);
          created.emplace_back(Kind::site, site_id);
          step["status"] = "created";
          step["id"] = site_id;
        }
      }
    } catch (const halo::Error& e) {
      fail(step, e);
    }
    progress("main site");
  }

  // 3. Primary contact on that site: found by e-mail within the client (or name), else created.
  if (failure.empty() && want_contact) {
    json& step = steps.add("primary contact", "planned");
    try {
      std::vector<json> same, here;
      const long long named = contact_in.value("existing_contact_id", 0LL);
      if (!dry_run && email.empty() && client_id) contact_guard = locks.hold({contact_name_key(client_id, text_of(person, "name"))});
      if (named) {  // the caller says who the primary contact is
        const json c = fetch_record(halo, Kind::contact, named);
        if (!client_id || id_of(c.value("client_id", json())) != client_id)
          throw InputError("contact.existing_contact_id: contact " + std::to_string(named) + " (" + text_of(c, "name") +
                           ") is at " + text_of(c, "client_name") + ", not at this client.");
        contact = c, contact_id = named;
      } else if (!email.empty()) {
        same = contacts_with_email(halo, email);
      } else if (client_id) {
        same = halo::list(halo, Kind::contact, halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all), {.max_rows = 1000}).rows;
      }
      for (const auto& c : same) {
        if (client_id && id_of(c.value("client_id", json())) == client_id) here.push_back(c);
        else if (!email.empty())
          conflicts.push_back({{"kind", "email_in_use_elsewhere"}, {"id", c.value("id", json())}, {"name", text_of(c, "name")},
                               {"client_id", c.value("client_id", json())}, {"client_name", text_of(c, "client_name")}});
      }
      // At this client the contact identity rule decides (tools/contact_guard.h).
      if (!contact_id && !here.empty() && !contact_in.value("allow_duplicate", false)) {
        const ContactCheck check = check_contact(person, client_id, here);
        if (!check.same.empty()) contact = check.same.front(), contact_id = id_of(contact["id"]);
        else if (!check.candidates.empty()) {
          step["status"] = "not_created";
          step["candidates"] = candidates_json(check);
          std::string why;
          for (const auto& [row, reason] : check.candidates)
            why += (why.empty() ? "" : "; ") + text_of(row, "name") + " (contact " + row.value("id", json()).dump() + "): " + reason;
          step["error"] = "not created, the rule cannot tell whether this person exists: " + why;
          failure = "the primary contact was NOT created: " + why +
                    ". If this is a different person, call onboard_client again with the same input and contact.allow_duplicate: "
                    "true; if it is one of these, with contact.existing_contact_id.";
        }
      }
      if (contact_id) {
        step["status"] = "existing";
        step["id"] = contact_id;
      } else if (failure.empty()) {
        json body = person;
        body["site_id"] = site_id ? json(site_id) : json(kNewSiteId);
        body["ismaincontact"] = true;
        step["request"] = halo::save_request(Kind::contact, body).to_json();
        if (!refused_for_missing(step, missing_contact, "contact.custom_fields", "primary contact") && !dry_run) {
          guard->verify();
          if (contact_guard) contact_guard->verify();
          contact = create_once(halo, Kind::contact, body, [&]() -> std::vector<json> {
            std::vector<json> out;
            const Query q = !email.empty() ? halo::with_status({{"search", email}}, halo::Status::all)
                                           : halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all);
            for (const auto& c : halo::page(halo, Kind::contact, q, 1, 100).rows)
              if (id_of(c.value("client_id", json())) == client_id &&
                  (!email.empty() ? normalise_email(text_of(c, "emailaddress")) == email
                                  : dedupe::person_key(text_of(c, "name")) == dedupe::person_key(body.value("name", std::string()))))
                out.push_back(c);
            return out;
          });
          contact_id = id_of(contact["id"]);
          created.emplace_back(Kind::contact, contact_id);
          step["status"] = "created";
          step["id"] = contact_id;
        }
      }
    } catch (const halo::Error& e) {
      fail(step, e);
    }
    progress("primary contact");

    if (failure.empty()) {  // 3b. the site's main contact
      const json body{{"id", site_id ? json(site_id) : json(kNewSiteId)}, {"maincontact_id", contact_id ? json(contact_id) : json(kNewContactId)}};
      link_step("site main contact", Kind::site, body,
                site_id && contact_id && id_of(site.value("maincontact_id", json())) == contact_id, site_id);
      progress("site main contact");
    }
  }

  // 4. The client's main_site_id.
  if (failure.empty()) {
    const json body{{"id", client_id ? json(client_id) : json(kNewClientId)}, {"main_site_id", site_id ? json(site_id) : json(kNewSiteId)}};
    link_step("client main site", Kind::client, body,
              client_id && site_id && id_of(client.value("main_site_id", json())) == site_id, client_id);
    progress("client main site");
  }

  // Steps never reached after a failure are recorded as skipped, so nothing is silently half-done.
  if (!failure.empty()) {
    std::set<std::string> seen;
    for (const auto& s : steps.list) seen.insert(s["step"].get<std::string>());
    for (const char* s : {"client", "main site", "primary contact", "site main contact", "client main site"}) {
      if (seen.contains(s) || (!want_contact && (std::string(s) == "primary contact" || std::string(s) == "site main contact"))) continue;
      steps.add(s, "skipped")["note"] = "not attempted: an earlier step failed";
    }
    if (rollback) roll_back(halo, steps, created);
  }

  json checklist = json::array();
  auto todo = [&](const std::string& item) { checklist.push_back(item); };
  todo("Add the client's contract (Halo: Contracts) with its billing plan and SLA.");
  todo("Record the client's assets (devices, licences) and link them to the site.");
  if (!client_fields.contains("customertype") && !(client.is_object() && id_of(client.value("customertype", json())) > 0))
    todo("Set the client type (customertype).");
  if (!client_fields.contains("accountmanagertech") && !(client.is_object() && id_of(client.value("accountmanagertech", json())) > 0))
    todo("Assign an account manager.");
  if (!site_in.contains("address")) todo("Add the main site's address.");
  if (!want_contact) todo("Add a primary contact (onboard_contact).");
  else if (!args.value("send_welcome_email", false)) todo("Send the primary contact their portal welcome e-mail if they should have one.");

  const bool complete = failure.empty();
  json out{{"dry_run", dry_run},
           {"complete", complete && !dry_run},
           {"client_id", client_id ? json(client_id) : json(nullptr)},
           {"site_id", site_id ? json(site_id) : json(nullptr)},
           {"contact_id", contact_id ? json(contact_id) : json(nullptr)},
           {"steps", steps.list},
           {"conflicts", conflicts},
           {"checklist", checklist},
           {"rolled_back", !complete && rollback}};
  if (client.is_object() && !client.empty()) out["client"] = project(Kind::client, client);

  std::string text = dry_run ? "DRY RUN, nothing written. Plan for onboarding \"" + name + "\":"
                             : complete ? "Onboarded \"" + name + "\" (client " + std::to_string(client_id) + "):"
                                        : "INCOMPLETE onboarding of \"" + name + "\": " + failure;
  for (const auto& s : steps.list) {
    text += "\n- " + s["step"].get<std::string>() + ": " + s["status"].get<std::string>();
    if (s.contains("id")) text += " (id " + s["id"].dump() + ")";
    if (s.contains("request")) text += (dry_run ? " would send " : " sent ") + s["request"]["method"].get<std::string>() + " " + s["request"]["path"].get<std::string>() + " " + s["request"]["body"].dump();
    if (s.contains("note")) text += " — " + s["note"].get<std::string>();
  }
  for (const auto& c : conflicts)
    text += "\nCONFLICT: " + std::string(c["kind"] == "client_exists" ? "a client of that name already exists: " : "the contact's e-mail is in use at another client: ") +
            c["name"].get<std::string>() + " (" + c["id"].dump() + (c.contains("client_name") ? ", " + c["client_name"].get<std::string>() : std::string()) + ")";
  const bool undecided = std::any_of(steps.list.begin(), steps.list.end(), [](const json& s) { return s["status"] == "not_created"; });
  if (!complete && undecided && !rollback)
    text += "\nWhat was created is kept; the primary contact waits for the decision above (the same input again stops at the same question).";
  else if (!complete)
    text += rollback ? "\nWhat this run created was deactivated (rolled_back); nothing was deleted."
                     : "\nWhat was created is kept: call onboard_client again with the same input to resume (it finds "
                       "what exists and creates only what is missing), or with rollback: true to deactivate what a run creates when it fails.";
  for (const auto& n : notes) text += "\nNOTE: " + n;
  text += "\nStill to do by a person:";
  for (const auto& c : checklist) text += "\n- [ ] " + c.get<std::string>();
  return mcp::ToolResult::data(std::move(out), text);
}

// ---------------------------------------------------------------------------------------------- onboard_contact
mcp::ToolResult onboard_contact(halo::Client& halo, CreateLocks& locks, const json& args, mcp::RequestContext& ctx) {
  const bool dry_run = args.value("dry_run", false);
  const long long client_id = resolve_client(halo, args["client"]);
  json body = contact_body(halo, args);
  const std::string missing = describe_custom_fields(custom_field_requirements(halo, Kind::contact, body.value("customfields", json())), true);
  if (args.value("send_welcome_email", false)) body["sendwelcomeemail"] = true;
  const std::string email = normalise_email(body.value("emailaddress", std::string()));
  const auto guard = dry_run ? nullptr
                             : locks.hold({email.empty() ? contact_name_key(client_id, text_of(body, "name")) : contact_email_key(email)});
  ctx.progress(1, 3, "Looking for the contact");

  json at_client = json::array(), elsewhere = json::array();
  std::vector<json> same, here;
  if (args.contains("existing_contact_id")) {  // the caller says who this is: that contact, if it is at this client
    const json c = fetch_record(halo, Kind::contact, args["existing_contact_id"].get<long long>());
    if (id_of(c.value("client_id", json())) != client_id)
      throw InputError("existing_contact_id: contact " + c["id"].dump() + " (" + text_of(c, "name") + ") is at " +
                       text_of(c, "client_name") + ", not client " + std::to_string(client_id) + ".");
    at_client.push_back(project(Kind::contact, c));
  } else {
    if (!email.empty()) same = contacts_with_email(halo, email);
    else same = halo::list(halo, Kind::contact, halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all), {.max_rows = 1000}).rows;
    for (const auto& c : same) {
      if (id_of(c.value("client_id", json())) == client_id) here.push_back(c);
      else elsewhere.push_back(project(Kind::contact, c));
    }
    // At this client the contact identity rule decides: the same person, or candidates it will not guess about.
    if (!args.value("allow_duplicate", false)) {
      const ContactCheck check = check_contact(body, client_id, here);
      for (const auto& c : check.same) at_client.push_back(project(Kind::contact, c));
      if (at_client.empty() && !check.candidates.empty())
        return not_created(check, "\"" + text_of(body, "name") + "\"",
                           "If this is a different person, call onboard_contact again with allow_duplicate: true; if it is "
                           "one of these, call it with existing_contact_id.");
    }
  }

  Steps steps;
  json out{{"dry_run", dry_run}, {"client_id", client_id}, {"matches_elsewhere", elsewhere}};
  std::string text;
  if (!at_client.empty()) {
    json& s = steps.add("contact", "existing");
    s["id"] = at_client[0]["id"];
    out["status"] = "existing";
    out["contact"] = at_client[0];
    text = "Found the existing contact " + at_client[0]["name"].get<std::string>() + " (" + at_client[0]["id"].dump() +
           ") at this client" + (args.contains("existing_contact_id") ? " (existing_contact_id)"
                                 : email.empty() ? " by name" : " by e-mail " + email + " and name") + "; nothing was created.";
    if (args.value("send_welcome_email", false)) text += " The welcome e-mail is only sent when a contact is created: send it from Halo if needed.";
  } else {
    // The right site: the one given (it must belong to this client), else the client's main site.
    long long site_id = args.contains("site_id") ? args["site_id"].get<long long>() : 0;
    if (site_id) {
      const json site = fetch_record(halo, Kind::site, site_id);
      if (id_of(site.value("client_id", json())) != client_id)
        throw InputError("site_id: site " + std::to_string(site_id) + " belongs to " + text_of(site, "client_name") +
                         ", not client " + std::to_string(client_id) + ". Use search_sites to find this client's sites.");
    } else {
      site_id = id_of(fetch_record(halo, Kind::client, client_id).value("main_site_id", json()));
      if (site_id <= 0)
        throw InputError("client " + std::to_string(client_id) + " has no main site, and a HaloPSA contact must belong to a site. "
                         "Give site_id, or run onboard_client (or create_site) first.");
    }
    body["site_id"] = site_id;
    if (!missing.empty() && !dry_run)
      throw InputError("Not created: this tenant makes these contact custom fields mandatory and they are missing: " +
                       missing + ". Add them in custom_fields (by name or label). Nothing was sent.");
    json& s = steps.add("contact", dry_run ? "planned" : "created");
    s["request"] = halo::save_request(Kind::contact, body).to_json();
    if (!missing.empty()) {
      s["missing_custom_fields"] = missing;
      s["note"] = "MISSING mandatory custom fields: " + missing + " (give them in custom_fields)";
    }
    ctx.progress(2, 3, "Creating the contact");
    if (dry_run) {
      out["status"] = "planned";
      out["contact"] = nullptr;
      text = "DRY RUN, nothing written. Would create the contact on site " + std::to_string(site_id) + ": POST " + s["request"]["path"].get<std::string>() + " " + s["request"]["body"].dump() +
             (missing.empty() ? "" : "\nMISSING mandatory custom fields: " + missing + ". The create would be refused; add them in custom_fields.");
    } else {
      try {
        guard->verify();
        const json saved = create_once(halo, Kind::contact, body, [&]() -> std::vector<json> {
          std::vector<json> found;
          const Query q = !email.empty() ? halo::with_status({{"search", email}}, halo::Status::all)
                                         : halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all);
          for (const auto& c : halo::page(halo, Kind::contact, q, 1, 100).rows)
            if (id_of(c.value("client_id", json())) == client_id &&
                (!email.empty() ? normalise_email(text_of(c, "emailaddress")) == email
                                : dedupe::person_key(text_of(c, "name")) == dedupe::person_key(body.value("name", std::string()))))
              found.push_back(c);
          return found;
        });
        s["id"] = saved["id"];
        out["status"] = "created";
        out["contact"] = project(Kind::contact, saved);
        text = "Created contact " + text_of(saved, "name") + " (" + saved["id"].dump() + ") on site " + std::to_string(site_id) +
               (args.value("send_welcome_email", false) ? "; Halo was asked to send the welcome e-mail (sendwelcomeemail)." : ".");
      } catch (const halo::Error& e) {
        s["status"] = "failed";
        s["error"] = explain(e);
        out["status"] = "failed";
        out["contact"] = nullptr;
        text = "FAILED to create the contact: " + explain(e) + " Nothing else was changed; call again with the same input to retry (it will not create a second contact).";
      }
    }
  }
  for (const auto& m : elsewhere)
    text += "\nNote: the same " + std::string(email.empty() ? "name" : "e-mail") + " is on contact " + m["name"].get<std::string>() + " (" + m["id"].dump() +
            ") at " + m.value("client_name", std::string("another client")) + ".";
  out["steps"] = steps.list;
  ctx.progress(3, 3, "Done");
  return mcp::ToolResult::data(std::move(out), text);
}

}  // namespace

void register_onboarding_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "onboard_client",
      .title = "Onboard a new client",
      .description =
          "One call from nothing to ready: the client (type, account manager, billing parent, custom fields), its "
          "main site (address, phone), the primary contact (on that site, its main contact) and the client's "
          "main_site_id; then a checklist of what a person still has to do (contract, assets). Idempotent: calling "
          "again with the same input finds what exists (client by normalised name, contact by e-mail and name) and "
          "creates only what is missing, so it resumes after a failure. If the contact's e-mail is a shared mailbox "
          "or on a differently named contact at the client, the contact step stops as not_created with the "
          "candidates (contact.allow_duplicate: true creates anyway, contact.existing_contact_id picks one). dry_run: true returns every request it would send "
          "and any conflicts (existing client, e-mail in use elsewhere). rollback: true deactivates what this run "
          "created if a step fails. Never deletes.",
      .toolset = "workflows",
      .input_schema = schema("onboard_client.input"),
      .output_schema = schema("onboard_client.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = true},
      .handler = [halo, locks = backend.locks](const json& a, mcp::RequestContext& ctx) { return onboard_client(*halo, *locks, a, ctx); },
  });
  server.tools.add({
      .name = "onboard_contact",
      .title = "Onboard a contact",
      .description =
          "Adds a person to a client without duplicates: looks for them by e-mail within the client (reporting "
          "matches at other clients) and returns the existing contact when the name agrees too; when the e-mail is "
          "a shared mailbox (info@, accounts@ …) or on a differently named contact, creates nothing and returns the "
          "candidates as an error (allow_duplicate: true creates anyway; existing_contact_id: that contact is this "
          "person). Otherwise creates them on site_id or the client's main site, optionally asking Halo to send the welcome e-mail (send_welcome_email). "
          "dry_run: true shows the request.",
      .toolset = "workflows",
      .input_schema = schema("onboard_contact.input"),
      .output_schema = schema("onboard_contact.output"),
      .annotations = {.read_only = false, .destructive = false, .idempotent = true},
      .handler = [halo, locks = backend.locks](const json& a, mcp::RequestContext& ctx) { return onboard_contact(*halo, *locks, a, ctx); },
  });
}

}  // namespace tools
