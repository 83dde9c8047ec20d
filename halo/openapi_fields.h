// The HaloPSA record schemas (field name -> JSON type, nullability, length cap) from Halo's OpenAPI, embedded so
// neither the tools nor the sandbox need a file at run time. The raw tables live in openapi_fields.cpp.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace halo::openapi {

enum class Type : char {
  Int32 = 'i',
  Int64 = 'l',
  Number = 'n',
  Boolean = 'b',
  String = 's',
  DateTime = 'd',
  Array = 'a',
  Object = 'o',
  Any = '*',
};

struct Field {
  Type type = Type::Any;
  bool nullable = false;
  std::string ref;     // item schema for arrays, schema for objects; may name a schema outside the subset
  int max_length = 0;  // 0 = unlimited
};

using Schema = std::unordered_map<std::string, Field>;

// "Area", "Site", "Users", "Tree", "Lookup", "AddressStore", "CustomField", and the list rows "Area_List",
// "Site_List", "Users_List" plus "FieldInfo". nullptr for any other name (the
// OpenAPI subset leaves references to other schemas dangling).
const Schema* find_schema(std::string_view name);
// Same, but throws std::out_of_range for an unknown name.
const Schema& schema(std::string_view name);

extern const char* const kAreaFields;
extern const char* const kSiteFields;
extern const char* const kUsersFields;
extern const char* const kTreeFields;
extern const char* const kLookupFields;
extern const char* const kAddressStoreFields;
extern const char* const kCustomFieldFields;
// List rows and custom-field definitions (2025-03 document): "Area_List", "Site_List", "Users_List", "FieldInfo".
extern const char* const kAreaListFields;
extern const char* const kSiteListFields;
extern const char* const kUsersListFields;
extern const char* const kFieldInfoFields;

}  // namespace halo::openapi
