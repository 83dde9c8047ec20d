// Small readers for stored records shared by the store's source files (internal to sandbox/).
#pragma once

#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/store.h"

namespace sandbox {

inline bool blank(const nlohmann::json& v) {
  if (!v.is_string()) return true;
  for (unsigned char c : v.get_ref<const std::string&>())
    if (!std::isspace(c)) return false;
  return true;
}

inline long long int_or_zero(const nlohmann::json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end() || !it->is_number_integer()) return 0;
  return it->get<long long>();
}

inline std::string str_or_empty(const nlohmann::json& record, const char* key) {
  auto it = record.find(key);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline nlohmann::json not_found(Kind kind, long long id) {
  return {{"Message", std::string(kind_info(kind).label) + " " + std::to_string(id) + " not found."}};
}

}  // namespace sandbox
