#pragma once
// Which documented fields of a HaloPSA record a generic write (the tools' `extra`) may set. Halo's records carry more
// than data: write-only helpers that make Halo act, credentials, permissions, and fields that create other records.
// None of those may reach HaloPSA unless a tool asks for it by name, so `extra` is an allowlist: the fields of the
// record's OpenAPI schema (halo/openapi_fields.h) minus the ones refused here.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace halo::openapi {

enum class Refused {
  helper,      // "_"-prefixed write-only helper: merges, anonymises, imports, suppresses automations...
  credential,  // sets a password, a login, an API key or secret
  permission,  // grants access or a role, or links the record to an agent
  creates,     // creates or rewrites other records (a new site or contact, nested lists of other records)
  action,      // starts an action: sends an e-mail, resets a password, syncs to another system
  derived,     // Halo fills it itself (the record's id, change stamp, names of related records, counts)
};
const char* refused_name(Refused why);  // "write-only helper", "credential", ...

struct Refusal {
  Refused why;
  std::string reason;  // one sentence for the person who asked
};

// nullopt when `field` of `schema` ("Area", "Site", "Users") may be written generically; else why not. A field that
// is not in the schema at all is not this function's business (the caller says "not a field").
std::optional<Refusal> refusal(std::string_view schema, std::string_view field);

// The explicit table behind refusal(), by schema: for tests that check every entry is a real field.
struct Listed {
  const char* schema;
  const char* field;
  Refused why;
};
const std::vector<Listed>& listed_refusals();

}  // namespace halo::openapi
