// onboard_contact (find by e-mail within the client, else create on the right site), and the registration of both
// onboarding tools (onboard_client itself: tools/workflow_onboard_client.cpp).
#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/common.h"
#include "tools/schemas.h"
#include "tools/contact_guard.h"
#include "tools/onboarding.h"
#include "tools/workflow_support.h"
#include "tools/writes.h"

namespace tools {

namespace {

using onboarding::contact_body;
using onboarding::contacts_at_client;
using onboarding::contacts_with_email;
using onboarding::create_once;

mcp::ToolResult onboard_contact(halo::Client& halo, CreateLocks& locks, const json& args, mcp::RequestContext& ctx) {
  const bool dry_run = args.value("dry_run", false);
  const long long client_id = resolve_client(halo, args["client"]);
  json body = contact_body(halo, args);
  const std::string missing =
      describe_custom_fields(custom_field_requirements(halo, Kind::contact, body.value("customfields", json())), true);
  if (args.value("send_welcome_email", false)) body["sendwelcomeemail"] = true;
  const std::string email = normalise_email(body.value("emailaddress", std::string()));
  const auto guard =
      dry_run
          ? nullptr
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
    else
      same = halo::list(halo, Kind::contact,
                        halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all),
                        {.max_rows = 1000})
                 .rows;
    for (const auto& c : same) {
      if (id_of(c.value("client_id", json())) == client_id) here.push_back(c);
      else
        elsewhere.push_back(project(Kind::contact, c));
    }
    // At this client the contact identity rule decides: the same person, or candidates it will not guess about.
    if (!args.value("allow_duplicate", false)) {
      const ContactCheck check = check_contact(body, client_id, here);
      for (const auto& c : check.same) at_client.push_back(project(Kind::contact, c));
      if (at_client.empty() && !check.candidates.empty())
        return not_created(
            check, "\"" + text_of(body, "name") + "\"",
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
           ") at this client" +
           (args.contains("existing_contact_id") ? " (existing_contact_id)"
            : email.empty()                      ? " by name"
                                                 : " by e-mail " + email + " and name") +
           "; nothing was created.";
    if (args.value("send_welcome_email", false))
      text += " The welcome e-mail is only sent when a contact is created: send it from Halo if needed.";
  } else {
    // The right site: the one given (it must belong to this client), else the client's main site.
    long long site_id = args.contains("site_id") ? args["site_id"].get<long long>() : 0;
    if (site_id) {
      const json site = fetch_record(halo, Kind::site, site_id);
      if (id_of(site.value("client_id", json())) != client_id)
        throw InputError("site_id: site " + std::to_string(site_id) + " belongs to " + text_of(site, "client_name") +
                         ", not client " + std::to_string(client_id) +
                         ". Use search_sites to find this client's sites.");
    } else {
      site_id = id_of(fetch_record(halo, Kind::client, client_id).value("main_site_id", json()));
      if (site_id <= 0)
        throw InputError("client " + std::to_string(client_id) +
                         " has no main site, and a HaloPSA contact must belong to a site. "
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
      text = "DRY RUN, nothing written. Would create the contact on site " + std::to_string(site_id) + ": POST " +
             s["request"]["path"].get<std::string>() + " " + s["request"]["body"].dump() +
             (missing.empty() ? ""
                              : "\nMISSING mandatory custom fields: " + missing +
                                    ". The create would be refused; add them in custom_fields.");
    } else {
      try {
        guard->verify();
        const json saved = create_once(halo, Kind::contact, body, [&] {
          return contacts_at_client(halo, client_id, email, body.value("name", std::string()));
        });
        s["id"] = saved["id"];
        out["status"] = "created";
        out["contact"] = project(Kind::contact, saved);
        text =
            "Created contact " + text_of(saved, "name") + " (" + saved["id"].dump() + ") on site " +
            std::to_string(site_id) +
            (args.value("send_welcome_email", false) ? "; Halo was asked to send the welcome e-mail (sendwelcomeemail)."
                                                     : ".");
      } catch (const halo::Error& e) {
        s["status"] = "failed";
        s["error"] = explain(e);
        out["status"] = "failed";
        out["contact"] = nullptr;
        text =
            "FAILED to create the contact: " + explain(e) +
            " Nothing else was changed; call again with the same input to retry (it will not create a second contact).";
      }
    }
  }
  for (const auto& m : elsewhere)
    text += "\nNote: the same " + std::string(email.empty() ? "name" : "e-mail") + " is on contact " +
            m["name"].get<std::string>() + " (" + m["id"].dump() + ") at " +
            m.value("client_name", std::string("another client")) + ".";
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
      .handler = [halo, locks = backend.locks](
                     const json& a,
                     mcp::RequestContext& ctx) { return onboarding::onboard_client(*halo, *locks, a, ctx); },
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
      .handler = [halo, locks = backend.locks](
                     const json& a, mcp::RequestContext& ctx) { return onboard_contact(*halo, *locks, a, ctx); },
  });
}

}  // namespace tools
