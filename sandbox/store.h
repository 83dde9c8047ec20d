// The sandbox's records on SQLite: one table per record type with the filter columns indexed and the record itself
// as JSON text (so records keep Halo's field names and types), plus the Lookup values. Every public call takes the
// store's lock; every write is one transaction.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sandbox/agents.h"
#include "sandbox/db.h"
#include "sandbox/quirks.h"

namespace sandbox {

enum class Kind { Client, Site, User, TopLevel, Ticket, Contract };

struct KindInfo {
  Kind kind;
  const char* table;       // SQLite table
  const char* schema;      // OpenAPI schema name, nullptr where the subset has none (Tickets, ClientContract)
  const char* envelope;    // list envelope key
  const char* label;       // for messages: "Client"
  const char* stamp;       // last-change field, nullptr where Halo has none
  const char* name_field;  // the field searched by `search` and kept in the name column
};

const KindInfo& kind_info(Kind kind);

// An error that becomes an HTTP reply as is: status plus a JSON body shaped like Halo's.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, nlohmann::json body);
  int status() const { return status_; }
  const nlohmann::json& body() const { return body_; }

 private:
  int status_;
  nlohmann::json body_;
};

// Query parameters with lower-cased names (Halo's are case-insensitive); the first value of a repeated name wins.
using QueryParams = std::map<std::string, std::string>;

struct PageLimits {
  int default_page_size = 50;
  int max_page_size = 100;
};

// The lookup table of lookup types ({id: <lookupid>, name: <type name>}), as HaloAPI reads it.
inline constexpr int kLookupTypesTable = 11;
// Where the store keeps the client types; served as the table the client_type_lookup_id switch names.
inline constexpr int kClientTypesStorageId = 0;
// Halo's "Closed" ticket status: the one status open_only / closed_only split on.
inline constexpr int kClosedStatusId = 9;
// The sandbox's "On Hold" status (tenants name their own; only the counts of showcounts use it).
inline constexpr int kOnHoldStatusId = 4;

// The custom-field definitions (FieldInfo rows, `usage` = the typeid) of the tenant the custom_fields switch picks.
nlohmann::json field_definitions(const Quirks& quirks);

class Store {
 public:
  // Opens (creating) the database; seeds the demo book when `seed` and the database has never been seeded. The
  // quirk switches decide what lists carry and what some writes mean; they must outlive the store.
  Store(const std::string& path, bool seed, const QuirkSwitches& quirks);

  // {"record_count": N, "<envelope>": [...]} (+ page_no/page_size when paginating).
  nlohmann::json list(Kind kind, const QueryParams& query, const PageLimits& limits);
  // ApiError 404 when missing. Pop-up notes come on a contact only with includepopups=true (documented); on a client
  // or site, per the popup_notes_on_record switch (strict: never, /api/PopupNote lists them).
  nlohmann::json get(Kind kind, long long id, const QueryParams& query = {});
  // Creates/updates every object of a JSON array in one transaction; returns the saved records (an array).
  nlohmann::json save(Kind kind, const nlohmann::json& body);
  void remove(Kind kind, long long id);

  nlohmann::json list_lookups(const QueryParams& query);     // a bare array, like Halo
  nlohmann::json list_field_info(const QueryParams& query);  // GET /api/FieldInfo?typeid=N: a bare array
  // GET /api/PopupNote?client_id=|site_id=|user_id=: the pop-up notes kept on that record, each with the record's
  // id filled in (AreaPopup); a bare array, like FieldInfo.
  nlohmann::json list_popup_notes(const QueryParams& query);
  nlohmann::json save_lookups(const nlohmann::json& body);
  // Agents (agents.cpp): seeded whether or not the demo book is, since every token acts as one.
  nlohmann::json list_agents(const QueryParams& query);  // a bare array, like Halo
  nlohmann::json get_agent(long long id);                // ApiError 404 when missing
  std::optional<Agent> agent(long long id);
  std::optional<Agent> agent_login(const std::string& username, const std::string& password);

  void reset(bool seed);
  std::size_t add_bulk_clients(std::size_t n, unsigned seed);

 private:
  struct WriteOptions {
    bool trusted = false;  // seeding: explicit ids, datecreated and stamps are kept
    std::string now;
  };

  void create_schema();
  void seed_locked();
  void wipe_locked();

  std::optional<nlohmann::json> load(Kind kind, long long id);
  bool exists(Kind kind, long long id);
  nlohmann::json enrich(Kind kind, nlohmann::json record);
  nlohmann::json read_rows(Kind kind, Statement& st, bool id_only);

  nlohmann::json save_locked(Kind kind, const nlohmann::json& body, const WriteOptions& opts);
  std::optional<long long> save_item(Kind kind, const nlohmann::json& item, const std::string& path,
                                     const WriteOptions& opts, nlohmann::json& errors);
  void validate(Kind kind, const nlohmann::json& record, const nlohmann::json& fields, bool creating, long long id,
                const std::string& path, nlohmann::json& errors);
  void require_custom_fields(Kind kind, const nlohmann::json& record, const Quirks& quirks, const std::string& path,
                             nlohmann::json& errors);
  long long write_row(Kind kind, long long id, nlohmann::json record, bool insert);
  void after_write(Kind kind, long long id, const std::optional<nlohmann::json>& before, const nlohmann::json& extras,
                   const std::string& path, const WriteOptions& opts, nlohmann::json& errors);
  // A client without a (valid) main site: the next site takes the role when `promote`, else the role is cleared.
  void ensure_main_site(long long client_id, const std::string& now, bool promote);
  void insert_lookup(int lookupid, long long id, const nlohmann::json& record);
  nlohmann::json list_row(Kind kind, nlohmann::json row, const QueryParams& query, const Quirks& quirks) const;
  long long next_address_id();
  nlohmann::json merged_popup_notes(const nlohmann::json& old, const nlohmann::json& sent, const std::string& now,
                                    bool replace);
  void give_addresses_ids(nlohmann::json& site);
  void merge_client(long long from, long long into, const std::string& now);
  void merge_user(long long from, long long into, const std::string& now);

  std::mutex mu_;
  Database db_;
  const QuirkSwitches& quirks_;
};

}  // namespace sandbox
