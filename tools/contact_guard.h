// The duplicate guard of every tool that creates a contact (create_contact, onboard_contact, the contact step of
// onboard_client): the contacts already holding the new contact's e-mail (or name at its client) judged by the one
// contact identity rule (tools/contact_identity.h). The same person is returned instead of a second record; when
// the rule cannot tell (the e-mail matches but the name does not, a shared mailbox, a nickname or a slip) nothing
// is created and the candidates come back with the reason.
#pragma once

#include <string>
#include <vector>

#include "server/tool.h"
#include "tools/records.h"

namespace tools {

struct ContactCheck {
  std::vector<json> same;                                // Halo rows: this person already exists
  std::vector<std::pair<json, std::string>> candidates;  // Halo rows the guard will not guess about, and why
};

// `body` is the contact as it would be sent (name / firstname / surname, emailaddress); `client_id` its client;
// `existing` the Halo contact rows found for it.
ContactCheck check_contact(const json& body, long long client_id, const std::vector<json>& existing);

// The candidates as {contact, reason} items for structured results.
json candidates_json(const ContactCheck& check);

// The result of a create that stopped to ask: an error result (nothing was created, not a success) naming each
// candidate by id with the reason, and what to call next (`retry_hint`).
mcp::ToolResult not_created(const ContactCheck& check, const std::string& who, const std::string& retry_hint);

}  // namespace tools
