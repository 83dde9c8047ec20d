#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "halo/openapi_fields.h"

namespace halo::openapi {
namespace {

Schema parse_table(const char* table) {
  Schema out;
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::istringstream parts(line);
    std::string name, type, extra;
    parts >> name >> type;
    Field f;
    f.type = static_cast<Type>(type.at(0));
    f.nullable = type.size() > 1 && type[1] == '?';
    while (parts >> extra) {
      if (extra.rfind("max=", 0) == 0) f.max_length = std::stoi(extra.substr(4));
      else
        f.ref = extra;
    }
    out.emplace(std::move(name), std::move(f));
  }
  return out;
}

const std::vector<std::pair<std::string, Schema>>& all() {
  static const std::vector<std::pair<std::string, Schema>> schemas = {
      {"Area", parse_table(kAreaFields)},
      {"Site", parse_table(kSiteFields)},
      {"Users", parse_table(kUsersFields)},
      {"Tree", parse_table(kTreeFields)},
      {"Lookup", parse_table(kLookupFields)},
      {"AddressStore", parse_table(kAddressStoreFields)},
      {"CustomField", parse_table(kCustomFieldFields)},
      {"Area_List", parse_table(kAreaListFields)},
      {"Site_List", parse_table(kSiteListFields)},
      {"Users_List", parse_table(kUsersListFields)},
      {"FieldInfo", parse_table(kFieldInfoFields)},
  };
  return schemas;
}

}  // namespace

const Schema* find_schema(std::string_view name) {
  for (const auto& [n, s] : all())
    if (n == name) return &s;
  return nullptr;
}

const Schema& schema(std::string_view name) {
  if (const Schema* s = find_schema(name)) return *s;
  throw std::out_of_range("no embedded OpenAPI schema named " + std::string(name));
}

}  // namespace halo::openapi
