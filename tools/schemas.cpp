#include "tools/schemas.h"

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

namespace tools {

const std::map<std::string_view, std::string_view>& embedded_files();

const nlohmann::json& schema(std::string_view name) {
  static const std::map<std::string_view, nlohmann::json> parsed = [] {
    std::map<std::string_view, nlohmann::json> out;
    for (const auto& [key, text] : embedded_files()) out.emplace(key, nlohmann::json::parse(text));
    return out;
  }();
  auto it = parsed.find(name);
  if (it == parsed.end()) throw std::out_of_range("no schema file schemas/" + std::string(name) + ".json");
  return it->second;
}

}  // namespace tools
