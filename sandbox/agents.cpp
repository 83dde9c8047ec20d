#include "sandbox/agents.h"

#include <algorithm>
#include <cctype>

#include "sandbox/store.h"

namespace sandbox {

using nlohmann::json;

namespace {

struct SeedAgent {
  long long id;
  const char* name;
  const char* email;
  bool inactive;
  bool api_only;
  bool can_edit;
};

// The shared contract's seed: fixed ids so tests and other branches can name them.
const SeedAgent kSeed[] = {
    {1, "API User", "api.user@northwind-msp.example", false, true, true},
    {11, "Sarah Jones", "sarah.jones@northwind-msp.example", false, false, true},
    {12, "Sarah Connor", "sarah.connor@northwind-msp.example", false, false, true},
    {13, "Rory Reader", "rory.reader@northwind-msp.example", false, false, false},
    {14, "Tom Baker", "tom.baker@northwind-msp.example", true, false, true},
};

const DemoLogin kLogins[] = {
    {"sarah.jones", "sandbox-sarah", 11},
    {"sarah.connor", "sandbox-connor", 12},
    {"rory.reader", "sandbox-rory", 13},
};

Agent read_agent(Statement& st) {
  Agent a;
  a.id = st.int_at(0);
  a.name = st.text_at(1);
  a.email = st.text_at(2);
  a.inactive = st.int_at(3) != 0;
  a.api_only = st.int_at(4) != 0;
  a.can_edit = st.int_at(5) != 0;
  return a;
}

constexpr const char* kColumns = "id, name, email, inactive, isapiagent, can_edit";

// Halo's boolean query values: "true"/"false" (any case) or 1/0.
std::optional<bool> flag(const QueryParams& q, const char* name) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty()) return std::nullopt;
  std::string v = it->second;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  throw ApiError(400, {{name, "The value '" + it->second + "' is not valid for " + name + "."}});
}

}  // namespace

std::span<const DemoLogin> demo_logins() { return kLogins; }

void ensure_agents(Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS agents (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, "
      "inactive INTEGER NOT NULL DEFAULT 0, isapiagent INTEGER NOT NULL DEFAULT 0, "
      "can_edit INTEGER NOT NULL DEFAULT 0)");
  for (const auto& a : kSeed)
    db.execute("INSERT OR IGNORE INTO agents (id, name, email, inactive, isapiagent, can_edit) VALUES (?,?,?,?,?,?)",
               {a.id, std::string(a.name), std::string(a.email), static_cast<long long>(a.inactive),
                static_cast<long long>(a.api_only), static_cast<long long>(a.can_edit)});
}

void wipe_agents(Database& db) { db.exec("DELETE FROM agents"); }

std::optional<Agent> find_agent(Database& db, long long id) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM agents WHERE id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_agent(st);
}

std::optional<Agent> check_agent_login(Database& db, const std::string& username, const std::string& password) {
  for (const auto& login : kLogins) {
    if (username != login.username || password != login.password) continue;
    auto agent = find_agent(db, login.agent_id);
    if (agent && !agent->inactive) return agent;
  }
  return std::nullopt;
}

json agent_json(const Agent& a) {
  const auto space = a.name.find(' ');
  const std::string first = a.name.substr(0, space);
  const std::string last = space == std::string::npos ? std::string() : a.name.substr(space + 1);
  std::string initials;
  if (!first.empty()) initials += first[0];
  if (!last.empty()) initials += last[0];
  return {{"id", a.id},           {"name", a.name},   {"firstname", first},       {"surname", last},
          {"initials", initials}, {"email", a.email}, {"isdisabled", a.inactive}, {"isapiagent", a.api_only}};
}

json list_agents(Database& db, const QueryParams& query, const Quirks& quirks) {
  const std::optional<bool> enabled_given = flag(query, "includeenabled");
  const std::optional<bool> disabled_given = flag(query, "includedisabled");
  const bool enabled = disabled_given && !enabled_given ? quirks.include_pair_defaults == Quirks::IncludePair::Lenient
                                                        : enabled_given.value_or(true);
  const bool disabled = disabled_given.value_or(false);
  const bool api = flag(query, "includeapiagents").value_or(false);
  std::string search;
  if (auto it = query.find("search"); it != query.end()) search = it->second;
  auto st = db.prepare(std::string("SELECT ") + kColumns +
                       " FROM agents WHERE (name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\') ORDER BY name");
  std::string pattern = "%";
  for (char c : search) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  st.bind(1, pattern);
  json rows = json::array();
  while (st.step()) {
    const Agent a = read_agent(st);
    if ((a.inactive ? !disabled : !enabled) || (a.api_only && !api)) continue;
    rows.push_back(agent_json(a));
  }
  return rows;
}

}  // namespace sandbox
