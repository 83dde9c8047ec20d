// What onboard_client (tools/workflow_onboard_client.cpp) and onboard_contact (tools/workflow_onboarding.cpp) share
// (tools/onboarding.cpp): the request bodies built from their arguments, the lookups that find what already exists,
// a create whose lost response is recovered, and the roll-back of a failed run.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "server/tool.h"
#include "tools/create_guard.h"
#include "tools/workflow_support.h"

namespace tools::onboarding {

// Clients whose normalised company name (dedupe::company_key) equals `name`'s, active and inactive.
std::vector<json> clients_named(halo::Client& halo, const std::string& name);
// Contacts anywhere in the tenant with this normalised e-mail (Halo's contact search matches e-mail).
std::vector<json> contacts_with_email(halo::Client& halo, const std::string& email);
// Contacts at `client_id` that are this person: by normalised e-mail when there is one, else by person name. Reads
// one page: it finds the record a lost create response left behind (create_once), not a whole book.
std::vector<json> contacts_at_client(halo::Client& halo, long long client_id, const std::string& email,
                                     const std::string& name);

// Halo bodies from a tool's arguments (field table: schemas/record_fields.json). contact_body refuses a contact
// with neither name nor e-mail, or a malformed e-mail (InputError); site_body names an unnamed site "Main".
json contact_body(halo::Client& halo, const json& contact);
json site_body(halo::Client& halo, const json& site);
json client_body(halo::Client& halo, const json& args, std::vector<std::string>& notes);

// Creates the record; when the response is lost, the record `find` returns that was not there before is the one
// saved. Returns the saved record (read back when HaloPSA answered with its id only); throws when there is no id.
json create_once(halo::Client& halo, Kind kind, const json& body, const std::function<std::vector<json>()>& find);

// Deactivates what a run created, newest first (never deletes), marking the steps that created them rolled_back.
void roll_back(halo::Client& halo, Steps& steps, const std::vector<std::pair<Kind, long long>>& created);

mcp::ToolResult onboard_client(halo::Client& halo, CreateLocks& locks, const json& args, mcp::RequestContext& ctx);

}  // namespace tools::onboarding
