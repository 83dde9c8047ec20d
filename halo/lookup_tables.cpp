#include "halo/lookup_tables.h"

#include <cctype>

#include "halo/client.h"
#include "halo/responses.h"

namespace halo {

using nlohmann::json;

json lookup_rows(Client& halo, long long lookupid) {
  // A bare array, or an envelope (HaloAPI unwraps "lookup"; others expect "lookups"): accept any.
  const json answer =
      rows_of_answer(halo.get("Lookup", {{"lookupid", std::to_string(lookupid)}, {"exclude_zero", "true"}}), "lookup");
  json rows = json::array();
  for (const auto& row : answer) {
    if (!row.is_object() || !row.contains("id") || !row["id"].is_number()) continue;
    // Rows of another table (a tenant that ignores lookupid) and the id-0 "none" default are not values.
    if (row.contains("lookupid") && row["lookupid"].is_number() && row["lookupid"].get<long long>() != lookupid)
      continue;
    const long long id = row["id"].get<long long>();
    if (id == 0) continue;
    rows.push_back(
        {{"id", id},
         {"name", row.contains("name") && row["name"].is_string() ? row["name"] : json("")},
         {"inactive", row.contains("inactive") && row["inactive"].is_boolean() && row["inactive"].get<bool>()}});
  }
  return rows;
}

bool is_client_type_table_name(std::string_view name) {
  std::string folded;
  for (unsigned char c : name)
    if (std::isalnum(c)) folded += static_cast<char>(std::tolower(c));
  if (!folded.empty() && folded.back() == 's') folded.pop_back();
  return folded == "customertype" || folded == "clienttype";
}

std::optional<LookupTable> find_client_type_table(Client& halo) {
  if (const int configured = halo.config().client_type_lookup_id; configured > 0)
    return LookupTable{configured, "", "HALOPSA_CLIENT_TYPE_LOOKUP_ID"};
  const json found = halo.remembered("client_type_table", [&]() -> json {
    for (const auto& row : lookup_rows(halo, kLookupTypesTable))
      if (is_client_type_table_name(row["name"].get<std::string>())) return {{"id", row["id"]}, {"name", row["name"]}};
    return nullptr;
  });
  if (found.is_null()) return std::nullopt;
  return LookupTable{found["id"].get<long long>(), found["name"].get<std::string>(),
                     "the table of lookup types (lookupid " + std::to_string(kLookupTypesTable) + ")"};
}

}  // namespace halo
