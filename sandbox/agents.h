// The sandbox's HaloPSA agents (Halo's "Agent" / Uname records): who works at the MSP. A fixed seed that the
// sandbox's login flow shares (research contract: ids 1, 11-14), served read-only at GET /api/Agent,
// /api/Agent/{id} and /api/Agent/me. Internal to sandbox/; the Store calls these under its lock.
#pragma once

#include <nlohmann/json.hpp>

#include "sandbox/db.h"
#include "sandbox/quirks.h"
#include "sandbox/store.h"

namespace sandbox {

// The agent a client-credentials token acts as: the API application's login agent.
inline constexpr long long kApiAgentId = 1;

void create_agents_table(Database& db);
void seed_agents(Database& db);  // replaces every row with the fixed seed

// GET /api/Agent: a bare array of Uname_List-shaped rows (RDX's n8n node reads the answer as an array). Filters:
// search (name or e-mail, like Halo's "name, email address or telephone number like your search"),
// includeenabled / includedisabled (a missing one follows the include_pair_defaults switch, as for
// includeactive/includeinactive), includeapiagents (API-only agents are left out unless it is true: observed on a
// live tenant), pageinate/page_no/page_size.
nlohmann::json list_agents(Database& db, const QueryParams& query, const Quirks& quirks);
// GET /api/Agent/{id}: the agent, or ApiError 404.
nlohmann::json get_agent(Database& db, long long id);

}  // namespace sandbox
