#pragma once
// HaloPSA's Lookup tables: lists of (id, name) values, each table known by a `lookupid` that differs between tenants.
// Halo keeps a table of the tables (lookupid 11, rows {id: <lookupid>, name: <table name>}; homotechsual/HaloAPI
// reads it on every connect), so a table is found by its name instead of a hard-coded id.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace halo {

class Client;

// The table of lookup types.
inline constexpr long long kLookupTypesTable = 11;

struct LookupTable {
  long long id = 0;    // the table's lookupid
  std::string name;    // its name in the table of lookup types ("" when configured by id)
  std::string source;  // how it was found, for people: "HALOPSA_CLIENT_TYPE_LOOKUP_ID", "lookup types table (11)"
};

// The values of one table, as {id, name, inactive} rows: a bare array or an enveloped one, Halo's id-0 default row
// left out. Throws halo::Error as any read does.
nlohmann::json lookup_rows(Client& halo, long long lookupid);

// The table holding client (customer) types: HALOPSA_CLIENT_TYPE_LOOKUP_ID when set, else the row of the lookup
// types table named "Customer Type" or "Client Type" (case, spaces and an "s" ignored). nullopt when neither finds
// it. Found once per Client and then remembered (one request at most per process).
std::optional<LookupTable> find_client_type_table(Client& halo);

// Whether `name` names the client-type table ("Customer Type", "client types", "CustomerType"...).
bool is_client_type_table_name(std::string_view name);

}  // namespace halo
