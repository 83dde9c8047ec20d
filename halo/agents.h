#pragma once
// HaloPSA's agents (the MSP's staff, Halo's "Agent" records): the list the tools resolve agent names against.
// GET /api/Agent answers a bare array (RDX's n8n node; HaloAPI also unwraps an "agents" envelope, so both are read).
// Disabled agents and API-only agents are left out unless asked for (includedisabled / includeapiagents, observed on
// a live tenant), so every parameter that decides what is listed is sent explicitly. docs/halopsa-quirks.md.
#include <nlohmann/json.hpp>

namespace halo {

class Client;

// Every agent, enabled and disabled, API-only ones included: [{id, name, email, inactive, api_only}] in the
// tenant's order, read once per Client and then remembered. Throws halo::Error as any read does (a 403 when the
// application may not read agents) and then remembers nothing.
nlohmann::json agent_list(Client& halo);

}  // namespace halo
