#pragma once
// `halopsa-mcp doctor`: a read-only self-check of the beliefs about HaloPSA that the tools depend on
// (docs/halopsa-quirks.md), against the configured tenant. It sends GETs only (and the token request), at most
// kMaxRequests in all, never retries, and stops at the first 429. Its report names fields and counts, never a
// record's values, a secret or a token, so it can be attached to a bug report.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "halo/config.h"

namespace halo::doctor {

// authinfo + token + 12 API reads.
inline constexpr int kMaxRequests = 14;

enum class Level {
  ok,       // as the tools expect
  note,     // differs, and the tools cope (or it limits what they can do)
  problem,  // a tool would misbehave or fail
};

struct Finding {
  std::string check;  // short name, e.g. "site addresses"
  Level level = Level::ok;
  std::string finding;                             // what was seen (field names, counts, shapes)
  std::string meaning;                             // what it means for the user: which tools are affected and how
  nlohmann::json data = nlohmann::json::object();  // machine-readable facts, no record values
};

struct Report {
  std::string backend;  // "tenant" or "sandbox"
  int requests = 0;     // requests sent, token and discovery included
  std::vector<Finding> findings;

  bool has_problem() const;
  nlohmann::json to_json() const;
  // A plain-text table: check | finding | what it means.
  std::string table() const;
};

// Runs every check in order. Never throws for what the tenant answers (a failure is a finding); throws
// ConfigError for an invalid configuration.
Report run(const Config& config, const std::string& backend);

}  // namespace halo::doctor
