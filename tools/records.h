// What the client, site and contact tools share: the record types, the friendly-argument → Halo field maps,
// curated output fields and `fields` projection, client references by id or name, duplicate-detection
// normalisation, before/after diffs, stale-write checks and the Markdown rendering of lists.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "halo/record_kinds.h"

namespace tools {

using json = nlohmann::json;

// A problem with the caller's arguments (or a refusal) found before anything is written. The registry (through
// translate_error) turns it into an isError result whose text is the message, so it must name the field and say
// what to do.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The records the tools edit: halo::Kind::client, site and contact (their wire format is halo::wire(kind)).
using Kind = halo::Kind;

// How the tools name a record kind to people and in resource URIs.
struct KindInfo {
  const char* label;   // "client"
  const char* plural;  // "clients": also the resource URI segment (halopsa://clients/{id})
};
const KindInfo& kind_info(Kind kind);

// A documented argument and the Halo field it is sent as (the same name where Halo's is clear).
struct FieldMapping {
  const char* argument;
  const char* halo;
};
// The plain value fields of a record type (references, addresses and custom fields are handled separately).
const std::vector<FieldMapping>& field_mappings(Kind kind);

// The tool argument that writes Halo field `halo_field` of `kind` ("notes" -> "notes", "client_to_invoice" ->
// "billing_parent"), or "" when none does; `extra` refuses such fields so their checks cannot be bypassed.
std::string argument_for(Kind kind, std::string_view halo_field);

// Up to `max` names closest to `word` (edit distance, case-insensitive), nearest first.
std::vector<std::string> nearest(std::string_view word, const std::vector<std::string>& names, std::size_t max = 3);
// " Did you mean \"a\" or \"b\"?" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& names);

// The fields a compact result shows by default.
const std::vector<std::string>& curated_fields(Kind kind);
// The `fields` argument, checked against the OpenAPI field list (InputError with suggestions).
std::vector<std::string> requested_fields(Kind kind, const json& args);
// The curated fields plus the requested ones, in that order; fields the record lacks are left out.
json project(Kind kind, const json& record, const std::vector<std::string>& extra_fields = {});

// Argument checks the JSON Schema cannot express. Each throws InputError naming `field`.
std::string checked_name(const json& value, const char* field);  // trimmed, 1..255 characters, one line
// `text` unchanged when it is one line of plain text: no line break, other control character, line or paragraph
// separator, or bidirectional override; otherwise InputError naming `field`, the character and where it is.
std::string checked_line(std::string text, std::string_view field);
// Whether a Halo field of `kind` is one-line text (names, reference, e-mail, phone…; notes are not).
bool is_one_line_field(Kind kind, std::string_view halo_field);
std::string checked_country(const json& value, const char* field);  // ISO 3166-1 alpha-2, upper-cased
long long positive_id(const json& value, const char* field);

// Maps the friendly arguments of `kind` present in args to Halo fields (validated), and merges `extra` (raw
// Halo fields, validated against the OpenAPI list; a field given both ways is an error).
json map_arguments(Kind kind, const json& args);

// A client given as an id or a name → its id. A name must match exactly one client (case-insensitive exact
// match wins over partial ones); otherwise InputError listing the candidates.
long long resolve_client(halo::Client& halo, const json& ref, const char* argument = "client");
// A client type (customertype lookup value) given as id or name → its id.
long long resolve_client_type(halo::Client& halo, const json& ref);
// A TopLevel given as id or name → its id.
long long resolve_toplevel(halo::Client& halo, const json& ref);

// An agent given as an id or a name. A name must match one agent (an exact, case-insensitive match wins over partial
// ones; an ambiguous name is an InputError listing the candidates); a disabled agent matches only by its exact name,
// and is then returned with inactive set. Names are looked up in halo::agent_list (read once, remembered).
struct AgentRef {
  long long id = 0;
  std::string name;  // "" when given by id
  bool inactive = false;
};
AgentRef resolve_agent(halo::Client& halo, const json& ref, const char* argument);
// The arguments of `kind` that name an agent (account_manager_id, ...): by id or name.
const std::vector<std::string>& agent_arguments(Kind kind);
// Resolves the agent arguments present in `args` into `body` (Halo field = agent id); `notes` gets a line for each
// inactive agent chosen by exact name.
void resolve_agent_arguments(halo::Client& halo, Kind kind, const json& args, json& body,
                             std::vector<std::string>& notes);

// The tenant's client types: [{id, name}], from the client-type Lookup table (halo::find_client_type_table),
// else the distinct values found on clients. `source` says which.
json client_types(halo::Client& halo, std::string* source = nullptr);

// `custom_fields: {"<name, label or id>": value}` → Halo's customfields [{id, value}], field ids looked up from the
// tenant's records of this kind (and `current`); unknown names are rejected with the nearest real ones, and a value
// that does not fit the field's type (FieldInfo: a checkbox takes true/false, a date YYYY-MM-DD...) is refused.
json map_custom_fields(halo::Client& halo, Kind kind, const json& custom_fields, const json& current);

// The custom fields the tenant makes mandatory on a new record of `kind` (FieldInfo definitions, read once):
// [{id, name, label, type (in words), given}], `given` when `customfields` (Halo's [{id, value}]) has a value for it.
json custom_field_requirements(halo::Client& halo, Kind kind, const json& customfields);
// "CFBillingCode (\"Billing code\"), text, ..." for the requirements (only those not given when `missing_only`).
std::string describe_custom_fields(const json& requirements, bool missing_only);

// Duplicate detection: the one company-name key (dedupe::company_key) every guard, name resolution and find_duplicates
// share: invisible characters, case, accents, punctuation, a leading "the", legal suffixes and abbreviations set
// aside. "ACME Corporation", "Acme Corp." and "ACME\u200BCorp" all become "acme".
std::string normalise_name(std::string_view name);
std::string normalise_email(std::string_view email);

// Field-by-field changes an update body would make to `current`: [{field, before, after}] for the fields that
// differ (nested address fields as "delivery_address.line1", custom fields as "customfields[<name>]").
json diff(const json& current, const json& body);

// True when the two timestamps name the same instant (Halo writes them with or without "Z" and milliseconds).
bool same_instant(std::string_view a, std::string_view b);

// A Markdown table of `rows` with the given (field, heading) columns, at most `max_rows` rows, then "…and N more"
// when `total` exceeds the rows shown.
std::string markdown_table(const json& rows, const std::vector<std::pair<std::string, std::string>>& columns,
                           std::size_t total, std::size_t max_rows = 20);

// A cell or summary value as text: strings as is, null as "", others as JSON.
std::string plain(const json& value);

}  // namespace tools

namespace halo {
struct Page;
struct ListOptions;
}  // namespace halo

namespace tools {

// One page of a search, shaped like schemas/*search*.output.json ({items, total, page, page_size, has_more,
// note?}). Without `filter` Halo pages (pageinate/page_no/page_size); with one, up to 1000 records are scanned,
// filtered here, and paged locally (the note says so).
json search_page(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query,
                 const json& args, const std::function<bool(const json&)>& filter = {});
// List rows as the tools read them. HaloPSA's list rows are a cut-down record (Area_List, Site_List, Users_List in
// its OpenAPI): a Site row carries its address only with includeaddress=true, and then as flat
// delivery_address_line1..5 fields. These add the include parameters the tools need and give every row one shape.
std::vector<std::pair<std::string, std::string>> list_query(Kind kind,
                                                            std::vector<std::pair<std::string, std::string>> query);
// A Site row's flat delivery_address_line1..5 (or nested delivery_address) become one delivery_address object
// {line1..line4, postcode}; a row that carried no address field at all is left without one (unknown, not empty).
void normalise_row(Kind kind, json& row);
// One page / every row (bounded by options) of `kind`, with list_query and normalise_row applied.
halo::Page fetch_page(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query, int page,
                      int page_size);
json fetch_rows(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query,
                const halo::ListOptions& options, bool* truncated = nullptr, std::size_t* record_count = nullptr);
// includeactive / includeinactive for status "active" | "inactive" | "all".
void add_status(std::vector<std::pair<std::string, std::string>>& query, const json& args);
// Number of records a list query matches (one request, page size 1).
std::size_t count_records(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query);
// Clients whose client_to_invoice is `id`: [{id, name}], scanning at most 1000 clients (`complete` says whether
// the scan saw them all; Halo has no filter for it).
json billed_clients(halo::Client& halo, long long id, bool& complete);
// Whether a record's `stopped` (Client, Site) says it is on credit stop: any non-zero value (the values are
// undocumented, docs/halopsa-quirks.md). False when the field is absent.
bool on_credit_stop(const json& record);
// {id, name} of a related record, or null when id is missing or 0.
json ref_summary(const json& record, const char* id_field, const char* name_field);

}  // namespace tools
