#include "halo/agents.h"

#include <string>

#include "halo/client.h"
#include "halo/responses.h"

namespace halo {

using nlohmann::json;

json agent_list(Client& halo) {
  return halo.remembered("agents", [&]() -> json {
    // One request, not paged: /Agent is listed whole by HaloAPI (AutoPaginateOff) and its 2025-03 parameters have
    // no paging; includeenabled and includedisabled both sent because a missing one's default is undocumented.
    const json answer =
        halo.get("Agent", {{"includeenabled", "true"}, {"includedisabled", "true"}, {"includeapiagents", "true"}});
    json out = json::array();
    for (const auto& a : rows_of_answer(answer, "agents")) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || a["id"].get<long long>() <= 0)
        continue;
      auto text = [&](const char* key) { return a.contains(key) && a[key].is_string() ? a[key] : json(""); };
      auto flag = [&](const char* key) { return a.contains(key) && a[key].is_boolean() && a[key].get<bool>(); };
      out.push_back({{"id", a["id"]},
                     {"name", text("name")},
                     {"email", text("email")},
                     {"inactive", flag("isdisabled") || flag("inactive")},
                     {"api_only", flag("isapiagent")}});
    }
    return out;
  });
}

}  // namespace halo
