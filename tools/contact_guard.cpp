#include "tools/contact_guard.h"

#include "tools/contact_identity.h"
#include "tools/workflow_support.h"

namespace tools {

ContactCheck check_contact(const json& body, long long client_id, const std::vector<json>& existing) {
  dedupe::Record incoming;
  incoming.name = text_of(body, "name");
  if (incoming.name.empty()) incoming.name = text_of(body, "firstname") + " " + text_of(body, "surname");
  incoming.client_id = client_id;
  if (auto e = text_of(body, "emailaddress"); !e.empty()) incoming.emails.push_back(e);
  std::vector<dedupe::Record> records;
  records.reserve(existing.size());
  for (const auto& row : existing) records.push_back(dedupe_record(dedupe::Mode::contacts, row));
  const auto verdicts = dedupe::guard_verdicts(incoming, records);
  ContactCheck out;
  for (std::size_t i = 0; i < existing.size(); ++i) {
    if (verdicts[i].kind == dedupe::GuardVerdict::same_person) out.same.push_back(existing[i]);
    else if (verdicts[i].kind == dedupe::GuardVerdict::candidate)
      out.candidates.emplace_back(existing[i], verdicts[i].reason);
  }
  return out;
}

json candidates_json(const ContactCheck& check) {
  json out = json::array();
  for (const auto& [row, reason] : check.candidates)
    out.push_back({{"contact", project(Kind::contact, row)}, {"reason", reason}});
  return out;
}

mcp::ToolResult not_created(const ContactCheck& check, const std::string& who, const std::string& retry_hint) {
  std::string text = "NOT CREATED: " + who +
                     " may already exist, and the e-mail and name do not settle it. Nothing was written. Candidates:";
  for (const auto& [row, reason] : check.candidates)
    text += "\n- " + text_of(row, "name") + " (contact " + row.value("id", json()).dump() + ", " +
            (text_of(row, "client_name").empty() ? "client " + row.value("client_id", json()).dump()
                                                 : text_of(row, "client_name")) +
            (text_of(row, "emailaddress").empty() ? "" : ", " + text_of(row, "emailaddress")) + "): " + reason;
  text += "\n" + retry_hint;
  return mcp::ToolResult::error(text);  // an error result carries no structuredContent: the text says it all
}

}  // namespace tools
