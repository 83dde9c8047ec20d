#pragma once
// Query parameters every list of Client, Site or Users records needs. Halo documents includeactive and
// includeinactive as a pair but not what a missing one means, so every list sends both (docs/halopsa-quirks.md).
#include <vector>

#include "halo/url.h"

namespace halo {

enum class Status { active, inactive, all };

// `query` plus includeactive/includeinactive for `status` (any given in `query` are replaced).
inline Query with_status(Query query, Status status) {
  std::erase_if(query, [](const auto& kv) { return kv.first == "includeactive" || kv.first == "includeinactive"; });
  query.emplace_back("includeactive", status == Status::inactive ? "false" : "true");
  query.emplace_back("includeinactive", status == Status::active ? "false" : "true");
  return query;
}

}  // namespace halo
