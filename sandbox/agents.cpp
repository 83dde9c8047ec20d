// The sandbox's agents: table, fixed seed and the read-only Agent endpoints (see agents.h).
#include "sandbox/agents.h"

#include <charconv>
#include <optional>
#include <string>

#include "util/text.h"

namespace sandbox {

using nlohmann::json;

namespace {

struct SeedAgent {
  long long id;
  const char* name;
  const char* firstname;
  const char* surname;
  const char* email;
  bool inactive;
  bool api_only;  // an API-only login (isapiagent): the client-credentials application acts as this agent
};

// The shared seed (research/agents-contract.md): keep it identical to the login flow's.
const SeedAgent kAgents[] = {
    {1, "API User", "API", "User", "api.user@northwind-msp.example", false, true},
    {11, "Sarah Jones", "Sarah", "Jones", "sarah.jones@northwind-msp.example", false, false},
    {12, "Sarah Connor", "Sarah", "Connor", "sarah.connor@northwind-msp.example", false, false},
    {13, "Rory Reader", "Rory", "Reader", "rory.reader@northwind-msp.example", false, false},
    {14, "Tom Baker", "Tom", "Baker", "tom.baker@northwind-msp.example", true, false},
};

[[noreturn]] void invalid(const std::string& key, const std::string& value) {
  throw ApiError(400, {{key, "The value '" + value + "' is not valid for " + key + "."}});
}

std::optional<bool> opt_bool(const QueryParams& q, const std::string& key) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return std::nullopt;
  const std::string s = util::lower(it->second);
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  invalid(key, it->second);
}

long long opt_int(const QueryParams& q, const std::string& key, long long fallback) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return fallback;
  long long out = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), out);
  if (ec != std::errc() || p != it->second.data() + it->second.size() || out < 0) invalid(key, it->second);
  return out;
}

json row_of(Statement& st) {
  json r = json::parse(st.text_at(1));
  r["id"] = st.int_at(0);
  return r;
}

}  // namespace

void create_agents_table(Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS agents (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, "
      "inactive INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL)");
}

void seed_agents(Database& db) {
  db.exec("DELETE FROM agents");
  for (const auto& a : kAgents) {
    // Uname_List field names (2025-03 OpenAPI excerpt): isdisabled is the inactive flag, isapiagent the API-only one.
    const json data{{"name", a.name},           {"firstname", a.firstname},
                    {"surname", a.surname},     {"email", a.email},
                    {"isdisabled", a.inactive}, {"isapiagent", a.api_only},
                    {"is_agent", true},         {"initials", std::string(1, a.firstname[0]) + a.surname[0]}};
    db.execute("INSERT INTO agents (id, name, email, inactive, data) VALUES (?,?,?,?,?)",
               {a.id, std::string(a.name), std::string(a.email), static_cast<long long>(a.inactive), data.dump()});
  }
}

json list_agents(Database& db, const QueryParams& q, const Quirks& quirks) {
  const std::optional<bool> enabled = opt_bool(q, "includeenabled");
  const std::optional<bool> disabled = opt_bool(q, "includedisabled");
  const bool api_agents = opt_bool(q, "includeapiagents").value_or(false);
  // With neither of the pair, enabled agents only; with one, the other's default is the include_pair_defaults
  // switch's (undocumented, as for includeactive/includeinactive).
  bool want_enabled = true, want_disabled = false;
  if (enabled || disabled) {
    want_enabled = enabled.value_or(quirks.include_pair_defaults == Quirks::IncludePair::Lenient);
    want_disabled = disabled.value_or(false);
  }
  std::string search;
  if (auto it = q.find("search"); it != q.end()) search = util::lower(it->second);

  json rows = json::array();
  auto st = db.prepare("SELECT id, data FROM agents ORDER BY name, id");
  while (st.step()) {
    json r = row_of(st);
    const bool inactive = r.value("isdisabled", false);
    if (inactive ? !want_disabled : !want_enabled) continue;
    if (r.value("isapiagent", false) && !api_agents) continue;
    if (!search.empty() && util::lower(r.value("name", std::string())).find(search) == std::string::npos &&
        util::lower(r.value("email", std::string())).find(search) == std::string::npos)
      continue;
    rows.push_back(std::move(r));
  }
  if (opt_bool(q, "pageinate").value_or(false)) {
    const long long size = std::max(1LL, opt_int(q, "page_size", 50));
    const long long page = std::max(1LL, opt_int(q, "page_no", 1));
    json slice = json::array();
    for (long long i = (page - 1) * size; i < page * size && i < static_cast<long long>(rows.size()); ++i)
      slice.push_back(rows[static_cast<std::size_t>(i)]);
    return slice;
  }
  return rows;
}

json get_agent(Database& db, long long id) {
  auto st = db.prepare("SELECT id, data FROM agents WHERE id=?");
  st.bind(1, id);
  if (!st.step()) throw ApiError(404, {{"Message", "Agent " + std::to_string(id) + " not found."}});
  return row_of(st);
}

}  // namespace sandbox
