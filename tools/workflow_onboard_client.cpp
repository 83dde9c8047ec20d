// onboard_client: client → main site → primary contact → the site's main contact → the client's main_site_id,
// idempotent and resumable. One run is an Onboarding: its inputs, what it found or created so far and the step log.
// Each step is a member function; run() walks kPlan with one step runner until a step fails, then records the steps
// it never reached as skipped, rolls back if asked, and reports.
#include <algorithm>
#include <array>
#include <set>
#include <tuple>

#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/common.h"
#include "tools/contact_guard.h"
#include "tools/onboarding.h"
#include "tools/writes.h"
#include "util/text.h"

namespace tools::onboarding {

namespace {

// Placeholders in a dry run's requests for the ids that earlier steps would create.
constexpr const char* kNewClientId = "<id of the new client>";
constexpr const char* kNewSiteId = "<id of the new site>";
constexpr const char* kNewContactId = "<id of the new contact>";

json id_or(long long id, const char* placeholder) { return id ? json(id) : json(placeholder); }
json id_or_null(long long id) { return id ? json(id) : json(nullptr); }

class Onboarding {
 public:
  Onboarding(halo::Client& halo, CreateLocks& locks, const json& args, mcp::RequestContext& ctx);
  mcp::ToolResult run();

 private:
  struct Step {
    const char* name;
    void (Onboarding::*body)(json& step);
    bool contact_only;  // runs only when the call gives a contact
  };
  static const std::array<Step, 5> kPlan;

  // The steps, in kPlan's order.
  void client_step(json& step);
  void site_step(json& step);
  void contact_step(json& step);
  void site_main_contact_step(json& step);
  void client_main_site_step(json& step);

  // Shared by the steps.
  bool note_missing(json& step, const std::string& missing, const char* argument);
  bool refused_for_missing(json& step, const std::string& missing, const char* argument);
  void fail(json& step, const std::string& error);
  void link(json& step, Kind kind, const json& body, bool already, long long id);
  void refuse_if_custom_fields_missing() const;
  void skip_the_rest();
  json checklist() const;
  std::string summary(const json& checklist) const;

  halo::Client& halo_;
  CreateLocks& locks_;
  mcp::RequestContext& ctx_;
  const json& args_;
  // Inputs, checked and mapped before anything is read from or written to HaloPSA.
  const bool dry_run_;
  const bool rollback_;
  const std::string name_;
  std::vector<std::string> notes_;
  json client_fields_, site_in_, site_fields_, contact_in_, person_;
  bool want_contact_ = false;
  std::string email_;
  // The custom fields the tenant makes mandatory on each record this run may create (FieldInfo, read once each).
  std::string missing_client_, missing_site_, missing_contact_;
  // Held for the whole run: the client (and the site under it) by name, the contact by e-mail; each create checks
  // the hold is still its own just before it is sent. A contact without e-mail is held by name at the client, once
  // the client is known.
  std::unique_ptr<CreateGuard> guard_, contact_guard_;
  // What the run found or created.
  Steps steps_;
  json conflicts_ = json::array();
  std::vector<std::pair<Kind, long long>> created_;
  json client_, site_, contact_;
  long long client_id_ = 0, site_id_ = 0, contact_id_ = 0;
  std::string failure_;  // the first failed step's reason; empty while all is well
};

const std::array<Onboarding::Step, 5> Onboarding::kPlan = {{
    {"client", &Onboarding::client_step, false},
    {"main site", &Onboarding::site_step, false},
    {"primary contact", &Onboarding::contact_step, true},
    {"site main contact", &Onboarding::site_main_contact_step, true},
    {"client main site", &Onboarding::client_main_site_step, false},
}};

Onboarding::Onboarding(halo::Client& halo, CreateLocks& locks, const json& args, mcp::RequestContext& ctx)
    : halo_(halo),
      locks_(locks),
      ctx_(ctx),
      args_(args),
      dry_run_(args.value("dry_run", false)),
      rollback_(args.value("rollback", false)),
      name_(checked_name(args["name"], "name")) {
  client_fields_ = client_body(halo, args, notes_);
  site_in_ = args.value("site", json::object());
  site_fields_ = site_body(halo, site_in_);
  contact_in_ = args.value("contact", json::object());
  want_contact_ = !contact_in_.empty();
  if (want_contact_) person_ = contact_body(halo, contact_in_);
  auto missing = [&](Kind kind, const json& body) {
    return describe_custom_fields(custom_field_requirements(halo, kind, body.value("customfields", json())), true);
  };
  missing_client_ = missing(Kind::client, client_fields_);
  missing_site_ = missing(Kind::site, site_fields_);
  if (want_contact_) missing_contact_ = missing(Kind::contact, person_);
  if (want_contact_ && args.value("send_welcome_email", false)) person_["sendwelcomeemail"] = true;
  if (want_contact_) email_ = normalise_email(person_.value("emailaddress", std::string()));
  std::vector<std::string> keys{client_key(name_)};
  if (!email_.empty()) keys.push_back(contact_email_key(email_));
  if (!dry_run_) guard_ = locks_.hold(keys);
}

// The step runner: each step of the plan that applies, in order, until one fails. A step's HaloPSA error fails that
// step (the result says which, and what was written before it); bad input and guard errors end the call.
mcp::ToolResult Onboarding::run() {
  const double total = want_contact_ ? 5 : 3;
  double done = 0;
  for (const Step& s : kPlan) {
    if (!failure_.empty()) break;
    if (s.contact_only && !want_contact_) continue;
    json& step = steps_.add(s.name, "planned");
    try {
      (this->*s.body)(step);
    } catch (const halo::Error& e) {
      fail(step, explain(e));
    }
    ctx_.progress(++done, total, s.name);
  }
  if (!failure_.empty()) {
    skip_the_rest();
    if (rollback_) roll_back(halo_, steps_, created_);
  }
  const json todo = checklist();
  const bool complete = failure_.empty();
  json out{{"dry_run", dry_run_},
           {"complete", complete && !dry_run_},
           {"client_id", id_or_null(client_id_)},
           {"site_id", id_or_null(site_id_)},
           {"contact_id", id_or_null(contact_id_)},
           {"steps", steps_.list},
           {"conflicts", conflicts_},
           {"checklist", todo},
           {"rolled_back", !complete && rollback_}};
  if (client_.is_object() && !client_.empty()) out["client"] = project(Kind::client, client_);
  return mcp::ToolResult::data(std::move(out), summary(todo));
}

// A record about to be created without the tenant's mandatory custom fields: named on the step (a dry run shows it).
bool Onboarding::note_missing(json& step, const std::string& missing, const char* argument) {
  if (missing.empty()) return false;
  step["missing_custom_fields"] = missing;
  step["note"] = "MISSING mandatory custom fields: " + missing + " (give them in " + argument + ")";
  return true;
}

// The same on a real run: the step fails and nothing is sent for it. True when refused.
bool Onboarding::refused_for_missing(json& step, const std::string& missing, const char* argument) {
  if (!note_missing(step, missing, argument) || dry_run_) return false;
  fail(step, "not sent: mandatory custom fields missing: " + missing + " (give them in " + argument + ")");
  return true;
}

void Onboarding::fail(json& step, const std::string& error) {
  step["status"] = "failed";
  step["error"] = error;
  failure_ = step["step"].get<std::string>() + ": " + error;
}

// A new client means a new site and contact too: a missing mandatory custom field on any of them refuses the whole
// run before its first write, not half-way.
void Onboarding::refuse_if_custom_fields_missing() const {
  if (dry_run_ || (missing_client_ + missing_site_ + missing_contact_).empty()) return;
  std::string what;
  const std::tuple<const char*, const std::string&, const char*> parts[] = {
      {"client", missing_client_, "custom_fields"},
      {"site", missing_site_, "site.custom_fields"},
      {"contact", missing_contact_, "contact.custom_fields"}};
  for (const auto& [record, missing, argument] : parts)
    if (!missing.empty())
      what += std::string(what.empty() ? "" : "; ") + record + ": " + missing + " (in " + argument + ")";
  throw InputError("Not onboarded: this tenant makes custom fields mandatory that are missing. " + what +
                   ". Nothing was sent.");
}

// 1. The client, found by normalised name before anything is created.
void Onboarding::client_step(json& step) {
  const auto existing = clients_named(halo_, name_);
  if (existing.empty()) {
    step["request"] = halo::save_request(Kind::client, client_fields_).to_json();
    note_missing(step, missing_client_, "custom_fields");
    refuse_if_custom_fields_missing();
    if (dry_run_) return;
    guard_->verify();
    client_ = create_once(halo_, Kind::client, client_fields_, [&] { return clients_named(halo_, name_); });
    client_id_ = id_of(client_["id"]);
    created_.emplace_back(Kind::client, client_id_);
    step["status"] = "created";
    step["id"] = client_id_;
    return;
  }
  client_ = fetch_record(halo_, Kind::client, id_of(existing.front()["id"]));
  client_id_ = id_of(client_["id"]);
  const bool inactive = client_.value("inactive", false) == true;
  step["status"] = "existing";
  step["id"] = client_id_;
  step["note"] = "A client with this name already exists (\"" + text_of(client_, "name") + "\"" +
                 (inactive ? ", INACTIVE: reactivate it with set_client_active" : "") +
                 "); it is used instead of creating another.";
  conflicts_.push_back(
      {{"kind", "client_exists"}, {"id", client_id_}, {"name", text_of(client_, "name")}, {"inactive", inactive}});
  for (std::size_t i = 1; i < existing.size(); ++i)
    conflicts_.push_back(
        {{"kind", "client_exists"}, {"id", existing[i]["id"]}, {"name", text_of(existing[i], "name")}});
}

// 2. The main site: an existing site of that name, else the client's main site when no name was asked for.
void Onboarding::site_step(json& step) {
  const std::string wanted = util::lower(site_fields_["name"].get<std::string>());
  if (client_id_) {
    const long long main_site = id_of(client_.value("main_site_id", json()));
    for (const auto& s :
         load_all(halo_, Kind::site, halo::with_status({{"client_id", std::to_string(client_id_)}}, halo::Status::all),
                  ctx_, 0, 0, "sites"))
      if (util::lower(text_of(s, "name")) == wanted ||
          (!site_in_.contains("name") && id_of(s.value("id", json())) == main_site))
        if (!site_id_ || id_of(s["id"]) == main_site) site_ = s, site_id_ = id_of(s["id"]);
  }
  if (site_id_) {
    step["status"] = "existing";
    step["id"] = site_id_;
    return;
  }
  json body = site_fields_;
  body["client_id"] = id_or(client_id_, kNewClientId);
  step["request"] = halo::save_request(Kind::site, body).to_json();
  if (refused_for_missing(step, missing_site_, "site.custom_fields") || dry_run_) return;
  guard_->verify();
  site_ = create_once(halo_, Kind::site, body, [&] {
    std::vector<json> out;
    for (const auto& s :
         halo::page(halo_, Kind::site,
                    halo::with_status({{"client_id", std::to_string(client_id_)}}, halo::Status::all), 1, 100)
             .rows)
      if (util::lower(text_of(s, "name")) == wanted) out.push_back(s);
    return out;
  });
  site_id_ = id_of(site_["id"]);
  created_.emplace_back(Kind::site, site_id_);
  step["status"] = "created";
  step["id"] = site_id_;
}

// 3. The primary contact on that site: found by e-mail within the client (or by name), else created.
void Onboarding::contact_step(json& step) {
  std::vector<json> same, here;
  const long long named = contact_in_.value("existing_contact_id", 0LL);
  if (!dry_run_ && email_.empty() && client_id_)
    contact_guard_ = locks_.hold({contact_name_key(client_id_, text_of(person_, "name"))});
  if (named) {  // the caller says who the primary contact is
    const json c = fetch_record(halo_, Kind::contact, named);
    if (!client_id_ || id_of(c.value("client_id", json())) != client_id_)
      throw InputError("contact.existing_contact_id: contact " + std::to_string(named) + " (" + text_of(c, "name") +
                       ") is at " + text_of(c, "client_name") + ", not at this client.");
    contact_ = c, contact_id_ = named;
  } else if (!email_.empty()) {
    same = contacts_with_email(halo_, email_);
  } else if (client_id_) {
    same = halo::list(halo_, Kind::contact,
                      halo::with_status({{"client_id", std::to_string(client_id_)}}, halo::Status::all),
                      {.max_rows = 1000})
               .rows;
  }
  for (const auto& c : same) {
    if (client_id_ && id_of(c.value("client_id", json())) == client_id_) here.push_back(c);
    else if (!email_.empty())
      conflicts_.push_back({{"kind", "email_in_use_elsewhere"},
                            {"id", c.value("id", json())},
                            {"name", text_of(c, "name")},
                            {"client_id", c.value("client_id", json())},
                            {"client_name", text_of(c, "client_name")}});
  }
  // At this client the contact identity rule decides (tools/contact_guard.h).
  if (!contact_id_ && !here.empty() && !contact_in_.value("allow_duplicate", false)) {
    const ContactCheck check = check_contact(person_, client_id_, here);
    if (!check.same.empty()) {
      contact_ = check.same.front(), contact_id_ = id_of(contact_["id"]);
    } else if (!check.candidates.empty()) {
      std::string why;
      for (const auto& [row, reason] : check.candidates)
        why += (why.empty() ? "" : "; ") + text_of(row, "name") + " (contact " + row.value("id", json()).dump() +
               "): " + reason;
      step["status"] = "not_created";
      step["candidates"] = candidates_json(check);
      step["error"] = "not created, the rule cannot tell whether this person exists: " + why;
      failure_ = "the primary contact was NOT created: " + why +
                 ". If this is a different person, call onboard_client again with the same input and "
                 "contact.allow_duplicate: true; if it is one of these, with contact.existing_contact_id.";
      return;
    }
  }
  if (contact_id_) {
    step["status"] = "existing";
    step["id"] = contact_id_;
    return;
  }
  json body = person_;
  body["site_id"] = id_or(site_id_, kNewSiteId);
  body["ismaincontact"] = true;
  step["request"] = halo::save_request(Kind::contact, body).to_json();
  if (refused_for_missing(step, missing_contact_, "contact.custom_fields") || dry_run_) return;
  guard_->verify();
  if (contact_guard_) contact_guard_->verify();
  contact_ = create_once(halo_, Kind::contact, body, [&] {
    return contacts_at_client(halo_, client_id_, email_, body.value("name", std::string()));
  });
  contact_id_ = id_of(contact_["id"]);
  created_.emplace_back(Kind::contact, contact_id_);
  step["status"] = "created";
  step["id"] = contact_id_;
}

// 4. The site's main contact.
void Onboarding::site_main_contact_step(json& step) {
  const json body{{"id", id_or(site_id_, kNewSiteId)}, {"maincontact_id", id_or(contact_id_, kNewContactId)}};
  link(step, Kind::site, body, site_id_ && contact_id_ && id_of(site_.value("maincontact_id", json())) == contact_id_,
       site_id_);
}

// 5. The client's main_site_id.
void Onboarding::client_main_site_step(json& step) {
  const json body{{"id", id_or(client_id_, kNewClientId)}, {"main_site_id", id_or(site_id_, kNewSiteId)}};
  link(step, Kind::client, body, client_id_ && site_id_ && id_of(client_.value("main_site_id", json())) == site_id_,
       client_id_);
}

// One reference set on a record (a site's main contact, a client's main site): "existing" when it already holds,
// read back after writing so a value HaloPSA did not take fails the step instead of passing unseen.
void Onboarding::link(json& step, Kind kind, const json& body, bool already, long long id) {
  if (already) {
    step["status"] = "existing";
    step["id"] = id;
    return;
  }
  step["request"] = halo::save_request(kind, body).to_json();
  if (dry_run_) return;
  const json missed = update_and_check(halo_, kind, body);
  step["id"] = id;
  if (missed.empty()) {
    step["status"] = "created";
    return;
  }
  fail(step, "HaloPSA accepted the write but did not take " + missed[0]["field"].get<std::string>() + " (it is " +
                 missed[0]["before"].dump() + ", not " + missed[0]["after"].dump() + "); set it in HaloPSA.");
}

// Steps never reached after a failure are recorded as skipped, so nothing is silently half-done.
void Onboarding::skip_the_rest() {
  std::set<std::string> seen;
  for (const auto& s : steps_.list) seen.insert(s["step"].get<std::string>());
  for (const Step& s : kPlan)
    if (!seen.contains(s.name) && (want_contact_ || !s.contact_only))
      steps_.add(s.name, "skipped")["note"] = "not attempted: an earlier step failed";
}

// What a person still has to do in HaloPSA after a run.
json Onboarding::checklist() const {
  json out = json::array();
  out.push_back("Add the client's contract (Halo: Contracts) with its billing plan and SLA.");
  out.push_back("Record the client's assets (devices, licences) and link them to the site.");
  auto set_on_client = [&](const char* field) {
    return client_fields_.contains(field) || (client_.is_object() && id_of(client_.value(field, json())) > 0);
  };
  if (!set_on_client("customertype")) out.push_back("Set the client type (customertype).");
  if (!set_on_client("accountmanagertech")) out.push_back("Assign an account manager.");
  if (!site_in_.contains("address")) out.push_back("Add the main site's address.");
  if (!want_contact_) out.push_back("Add a primary contact (onboard_contact).");
  else if (!args_.value("send_welcome_email", false))
    out.push_back("Send the primary contact their portal welcome e-mail if they should have one.");
  return out;
}

// The text the model reads: the outcome, each step with its request, conflicts, what to do next.
std::string Onboarding::summary(const json& todo) const {
  const bool complete = failure_.empty();
  std::string text = dry_run_   ? "DRY RUN, nothing written. Plan for onboarding \"" + name_ + "\":"
                     : complete ? "Onboarded \"" + name_ + "\" (client " + std::to_string(client_id_) + "):"
                                : "INCOMPLETE onboarding of \"" + name_ + "\": " + failure_;
  for (const auto& s : steps_.list) {
    text += "\n- " + s["step"].get<std::string>() + ": " + s["status"].get<std::string>();
    if (s.contains("id")) text += " (id " + s["id"].dump() + ")";
    if (s.contains("request"))
      text += (dry_run_ ? " would send " : " sent ") + s["request"]["method"].get<std::string>() + " " +
              s["request"]["path"].get<std::string>() + " " + s["request"]["body"].dump();
    if (s.contains("note")) text += " — " + s["note"].get<std::string>();
  }
  for (const auto& c : conflicts_)
    text += "\nCONFLICT: " +
            std::string(c["kind"] == "client_exists" ? "a client of that name already exists: "
                                                     : "the contact's e-mail is in use at another client: ") +
            c["name"].get<std::string>() + " (" + c["id"].dump() +
            (c.contains("client_name") ? ", " + c["client_name"].get<std::string>() : std::string()) + ")";
  const bool undecided =
      std::any_of(steps_.list.begin(), steps_.list.end(), [](const json& s) { return s["status"] == "not_created"; });
  if (!complete && undecided && !rollback_)
    text +=
        "\nWhat was created is kept; the primary contact waits for the decision above (the same input again stops at "
        "the same question).";
  else if (!complete)
    text += rollback_ ? "\nWhat this run created was deactivated (rolled_back); nothing was deleted."
                      : "\nWhat was created is kept: call onboard_client again with the same input to resume (it "
                        "finds what exists and creates only what is missing), or with rollback: true to deactivate "
                        "what a run creates when it fails.";
  for (const auto& n : notes_) text += "\nNOTE: " + n;
  text += "\nStill to do by a person:";
  for (const auto& c : todo) text += "\n- [ ] " + c.get<std::string>();
  return text;
}

}  // namespace

mcp::ToolResult onboard_client(halo::Client& halo, CreateLocks& locks, const json& args, mcp::RequestContext& ctx) {
  return Onboarding(halo, locks, args, ctx).run();
}

}  // namespace tools::onboarding
