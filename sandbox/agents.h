// The tenant's agents (Halo's "Agent" records, schema Uname_List): a SQLite table `agents` in the store's database,
// seeded with fixed ids, and the demo logins of the sandbox's authorization-code flow. Shared contract:
// /work/research/agents-contract.md (ids, names, e-mails, logins); see sandbox/README.md ("Agents and agent login").
// The functions take the store's Database and expect the caller to hold the store's lock.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/db.h"

namespace sandbox {

// The agent a client-credentials token acts as: the API application's "Agent to log in as".
inline constexpr long long kApiAgentId = 1;

struct Agent {
  long long id = 0;
  std::string name;
  std::string email;
  bool inactive = false;
  bool api_only = false;  // an API-only agent (Halo's isapiagent)
  bool can_edit = false;  // may create, change and delete customers, sites and contacts
};

// Creates the table when missing and (re)inserts the seed agents that are missing.
void ensure_agents(Database& db);
void wipe_agents(Database& db);

std::optional<Agent> find_agent(Database& db, long long id);
// The agent whose sandbox login this is, when the password matches and the agent is active.
std::optional<Agent> check_agent_login(Database& db, const std::string& username, const std::string& password);

// A record as Halo's Agent endpoints show it (Uname_List field names).
nlohmann::json agent_json(const Agent& agent);
// GET /api/Agent: a bare array (Halo answers Agent lists unwrapped). Enabled, non-API agents unless
// includedisabled / includeenabled / includeapiagents say otherwise; `search` matches name or e-mail.
// `query`: lower-cased query parameter names (Store's QueryParams). Throws ApiError 400 on a bad boolean.
nlohmann::json list_agents(Database& db, const std::map<std::string, std::string>& query);

// The sandbox's demo logins (shown on its login page: this is a sandbox, not a secret).
struct DemoLogin {
  const char* username;
  const char* password;
  long long agent_id;
};
std::span<const DemoLogin> demo_logins();

}  // namespace sandbox
