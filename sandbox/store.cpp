#include "sandbox/store.h"

#include <spdlog/spdlog.h>

#include "sandbox/agents.h"

namespace sandbox {

using nlohmann::json;

namespace {

const KindInfo kKinds[] = {
    {Kind::Client, "clients", "Area", "clients", "Client", "alastupdate", "name"},
    {Kind::Site, "sites", "Site", "sites", "Site", "slastupdate", "name"},
    {Kind::User, "users", "Users", "users", "User", "ulastupdate", "name"},
    {Kind::TopLevel, "toplevels", "Tree", "tree", "Top Level", nullptr, "name"},
    {Kind::Ticket, "tickets", nullptr, "tickets", "Ticket", "lastactiondate", "summary"},
    {Kind::Contract, "contracts", nullptr, "contracts", "Contract", nullptr, "ref"},
};

// The same columns for every record table keep the query code uniform; each kind fills the ones it has.
constexpr const char* kRecordTableDdl = R"sql(
CREATE TABLE IF NOT EXISTS {T} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL DEFAULT '',
  inactive INTEGER NOT NULL DEFAULT 0,
  client_id INTEGER,
  site_id INTEGER,
  user_id INTEGER,
  toplevel_id INTEGER,
  parent_id INTEGER,
  email TEXT,
  closed INTEGER NOT NULL DEFAULT 0,
  lastupdate TEXT,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS {T}_name ON {T}(name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS {T}_inactive ON {T}(inactive);
CREATE INDEX IF NOT EXISTS {T}_client ON {T}(client_id);
CREATE INDEX IF NOT EXISTS {T}_site ON {T}(site_id);
CREATE INDEX IF NOT EXISTS {T}_user ON {T}(user_id);
CREATE INDEX IF NOT EXISTS {T}_toplevel ON {T}(toplevel_id);
CREATE INDEX IF NOT EXISTS {T}_parent ON {T}(parent_id);
CREATE INDEX IF NOT EXISTS {T}_email ON {T}(email COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS {T}_lastupdate ON {T}(lastupdate);
)sql";

std::string table_ddl(const char* table) {
  std::string ddl = kRecordTableDdl;
  for (std::size_t pos; (pos = ddl.find("{T}")) != std::string::npos;) ddl.replace(pos, 3, table);
  return ddl;
}

bool is_memory_path(const std::string& path) { return path.empty() || path == ":memory:"; }

}  // namespace

const KindInfo& kind_info(Kind kind) { return kKinds[static_cast<int>(kind)]; }

ApiError::ApiError(int status, json body) : std::runtime_error(body.dump()), status_(status), body_(std::move(body)) {}

Store::Store(const std::string& path, bool seed, const QuirkSwitches& quirks)
    : db_(is_memory_path(path) ? ":memory:" : path), quirks_(quirks) {
  if (!is_memory_path(path)) {
    // WAL keeps readers off the writer's back; NORMAL sync is still crash-safe for committed transactions in WAL.
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=NORMAL");
  }
  std::lock_guard lock(mu_);
  create_schema();
  const bool seeded = db_.scalar("SELECT COUNT(*) FROM meta WHERE key='seeded'") > 0;
  const bool empty = db_.scalar("SELECT COUNT(*) FROM clients") == 0;
  if (seed && !seeded && empty) {
    Transaction tx(db_);
    seed_locked();
    tx.commit();
    spdlog::info("sandbox: seeded the demo client book into {}", is_memory_path(path) ? ":memory:" : path);
  }
}

void Store::create_schema() {
  db_.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)");
  for (const auto& k : kKinds) db_.exec(table_ddl(k.table));
  db_.exec(
      "CREATE TABLE IF NOT EXISTS lookups (lookupid INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT NOT NULL, "
      "data TEXT NOT NULL, PRIMARY KEY (lookupid, id))");
  db_.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1')");
  ensure_agents(db_);
}

void Store::wipe_locked() {
  for (const auto& k : kKinds) db_.exec(std::string("DELETE FROM ") + k.table);
  db_.exec("DELETE FROM lookups");
  wipe_agents(db_);
  db_.exec("DELETE FROM sqlite_sequence");
  db_.exec("DELETE FROM meta WHERE key IN ('seeded', 'address_seq')");
}

void Store::reset(bool seed) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  wipe_locked();
  if (seed) seed_locked();
  ensure_agents(db_);
  tx.commit();
}

json Store::list_agents(const QueryParams& query) {
  const Quirks quirks = quirks_.get();
  std::lock_guard lock(mu_);
  return sandbox::list_agents(db_, query, quirks);
}

json Store::get_agent(long long id) {
  std::lock_guard lock(mu_);
  auto a = find_agent(db_, id);
  if (!a) throw ApiError(404, {{"Message", "Agent " + std::to_string(id) + " not found."}});
  return agent_json(*a);
}

std::optional<Agent> Store::agent(long long id) {
  std::lock_guard lock(mu_);
  return find_agent(db_, id);
}

std::optional<Agent> Store::agent_login(const std::string& username, const std::string& password) {
  std::lock_guard lock(mu_);
  return check_agent_login(db_, username, password);
}

std::optional<json> Store::load(Kind kind, long long id) {
  auto st = db_.prepare(std::string("SELECT data FROM ") + kind_info(kind).table + " WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  json record = json::parse(st.text_at(0));
  record["id"] = id;
  return record;
}

bool Store::exists(Kind kind, long long id) {
  if (id <= 0) return false;
  return db_.scalar(std::string("SELECT COUNT(*) FROM ") + kind_info(kind).table + " WHERE id=?", {id}) > 0;
}

namespace {

std::optional<std::string> name_of(Database& db, const char* table, const json& id_value) {
  if (!id_value.is_number_integer() || id_value.get<long long>() <= 0) return std::nullopt;
  auto st = db.prepare(std::string("SELECT name FROM ") + table + " WHERE id=?");
  st.bind(1, id_value.get<long long>());
  if (!st.step()) return std::nullopt;
  return st.text_at(0);
}

json int_field(const json& record, const char* key) {
  auto it = record.find(key);
  return it == record.end() ? json() : *it;
}

}  // namespace

// Names and other fields Halo derives from related records are computed at read time, so a rename shows everywhere.
json Store::enrich(Kind kind, json r) {
  auto set_name = [&](const char* field, const char* table, const char* id_field) {
    if (auto n = name_of(db_, table, int_field(r, id_field))) r[field] = *n;
    else
      r.erase(field);
  };
  switch (kind) {
    case Kind::Client: {
      set_name("toplevel_name", "toplevels", "toplevel_id");
      set_name("client_to_invoice_name", "clients", "client_to_invoice");
      set_name("accountmanagertech_name", "agents", "accountmanagertech");
      set_name("pritech_name", "agents", "pritech");
      set_name("sectech_name", "agents", "sectech");
      r.erase("main_site_name");
      r.erase("main_phonenumber");
      const json main = int_field(r, "main_site_id");
      if (main.is_number_integer() && main.get<long long>() > 0) {
        auto st = db_.prepare("SELECT name, json_extract(data, '$.phonenumber') FROM sites WHERE id=?");
        st.bind(1, main.get<long long>());
        if (st.step()) {
          r["main_site_name"] = st.text_at(0);
          if (!st.is_null(1)) r["main_phonenumber"] = st.text_at(1);
        }
      }
      break;
    }
    case Kind::Site:
      set_name("client_name", "clients", "client_id");
      set_name("maincontact_name", "users", "maincontact_id");
      break;
    case Kind::User: {
      r.erase("client_id");
      r.erase("client_name");
      r.erase("site_name");
      const json site = int_field(r, "site_id");
      if (site.is_number_integer()) {
        auto st = db_.prepare(
            "SELECT s.name, s.client_id, c.name FROM sites s LEFT JOIN clients c ON c.id = s.client_id "
            "WHERE s.id=?");
        st.bind(1, site.get<long long>());
        if (st.step()) {
          r["site_name"] = st.text_at(0);
          if (!st.is_null(1)) r["client_id"] = st.int_at(1);
          if (!st.is_null(2)) r["client_name"] = st.text_at(2);
        }
      }
      break;
    }
    case Kind::Ticket:
      set_name("client_name", "clients", "client_id");
      set_name("site_name", "sites", "site_id");
      set_name("user_name", "users", "user_id");
      break;
    case Kind::Contract:
      set_name("client_name", "clients", "client_id");
      set_name("site_name", "sites", "site_id");
      break;
    case Kind::TopLevel: break;
  }
  return r;
}

json Store::read_rows(Kind kind, Statement& st, bool id_only) {
  json rows = json::array();
  while (st.step()) {
    const long long id = st.int_at(0);
    if (id_only) {
      rows.push_back({{"id", id}});
      continue;
    }
    json record = json::parse(st.text_at(1));
    record["id"] = id;
    rows.push_back(enrich(kind, std::move(record)));
  }
  return rows;
}

json Store::get(Kind kind, long long id, const QueryParams& query) {
  std::lock_guard lock(mu_);
  auto record = load(kind, id);
  if (!record)
    throw ApiError(404, {{"Message", std::string(kind_info(kind).label) + " " + std::to_string(id) + " not found."}});
  const auto wants_popups = [&] {
    auto it = query.find("includepopups");
    return it != query.end() && (it->second == "true" || it->second == "1");
  };
  if ((kind == Kind::Client || kind == Kind::Site || kind == Kind::User) && !quirks_.get().popup_notes_on_record &&
      !(kind == Kind::User && wants_popups()))
    record->erase("popup_notes");
  return enrich(kind, std::move(*record));
}

}  // namespace sandbox
