// The tool schemas from schemas/, embedded at build time and parsed once.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace tools {

// schema("search_clients.input"): the parsed file schemas/search_clients.input.json.
// Throws std::out_of_range naming the file when it does not exist (a build defect, caught at start-up).
const nlohmann::json& schema(std::string_view name);

}  // namespace tools
