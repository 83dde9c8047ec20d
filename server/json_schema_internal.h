// Private to the JSON Schema validator: the compiled tree shared by the compiler (json_schema.cpp), the evaluator
// (json_schema_validate.cpp) and the format checks (json_schema_formats.cpp). Nothing outside those files includes it.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/json_schema.h"

namespace mcp::schema_detail {

using nlohmann::json;

// Bits of the "type" keyword. kInteger is separate because 1.0 is an integer but "number" also accepts it.
enum TypeBit : unsigned {
  kNull = 1u << 0,
  kBoolean = 1u << 1,
  kObject = 1u << 2,
  kArray = 1u << 3,
  kNumber = 1u << 4,
  kString = 1u << 5,
  kInteger = 1u << 6,
};

enum class Format { kNone, kEmail, kUri, kDate, kDateTime };

// A pattern compiled once; `source` is kept for messages. Patterns run over UTF-32 text (std::wregex) so that `.`
// and character classes see code points, as in the ECMAScript "u" mode JSON Schema asks for.
struct Pattern {
  std::string source;
  std::wregex regex;
};

struct Node {
  std::string location;  // where the schema sits in its document ("#/properties/name"), for compile errors
  int resource = 0;      // index into Impl::resources: the schema resource ($id) this node belongs to

  bool is_boolean = false;  // `true` / `false` schema
  bool boolean_value = true;

  unsigned types = 0;  // TypeBit mask, 0 = any
  std::optional<json> const_value;
  std::optional<std::vector<json>> enum_values;

  // Numbers are kept as json so integer bounds compare exactly with integer instances.
  std::optional<json> minimum, maximum, exclusive_minimum, exclusive_maximum, multiple_of;

  std::optional<std::size_t> min_length, max_length;  // in Unicode code points
  std::optional<Pattern> pattern;
  Format format = Format::kNone;

  std::optional<std::size_t> min_items, max_items, min_contains, max_contains;
  bool unique_items = false;
  std::vector<const Node*> prefix_items;
  const Node* items = nullptr;
  const Node* contains = nullptr;
  std::string contains_preview;  // compact text of the `contains` subschema, for its message
  const Node* unevaluated_items = nullptr;

  std::optional<std::size_t> min_properties, max_properties;
  std::vector<std::string> required;
  std::vector<std::pair<std::string, std::vector<std::string>>> dependent_required;
  std::map<std::string, const Node*, std::less<>> properties;
  std::vector<std::pair<Pattern, const Node*>> pattern_properties;
  const Node* additional_properties = nullptr;
  const Node* property_names = nullptr;
  std::vector<std::pair<std::string, const Node*>> dependent_schemas;
  const Node* unevaluated_properties = nullptr;

  std::vector<const Node*> all_of, any_of, one_of;
  const Node* not_schema = nullptr;
  std::string not_preview;  // compact text of the `not` subschema, for its message
  const Node* if_schema = nullptr;
  const Node* then_schema = nullptr;
  const Node* else_schema = nullptr;

  const Node* ref = nullptr;
  // $dynamicRef: the statically resolved target, and the anchor name to look up in the dynamic scope when the
  // target itself carries that $dynamicAnchor (otherwise it behaves like $ref).
  const Node* dynamic_ref = nullptr;
  std::string dynamic_anchor;

  bool has_unevaluated() const { return unevaluated_items != nullptr || unevaluated_properties != nullptr; }
};

// A schema resource (the root or any subschema with $id): dynamic anchors are looked up per resource.
struct Resource {
  std::string uri;
  std::map<std::string, const Node*, std::less<>> dynamic_anchors;
};

// Format checks (json_schema_formats.cpp).
bool is_email(std::string_view text);
bool is_uri(std::string_view text);
bool is_date(std::string_view text);
bool is_date_time(std::string_view text);

// Value helpers shared by compiler and evaluator (json_schema_validate.cpp).
bool json_equal(const json& a, const json& b);  // JSON Schema equality: 1 == 1.0, no recursion limit issues
std::string preview(const json& value, std::size_t limit = 60);  // compact, truncated JSON text for messages
std::size_t code_points(std::string_view utf8);
std::wstring widen(std::string_view utf8);  // UTF-8 to UTF-32; invalid bytes become U+FFFD

}  // namespace mcp::schema_detail

struct mcp::JsonSchema::Impl {
  std::vector<std::unique_ptr<schema_detail::Node>> nodes;
  std::vector<schema_detail::Resource> resources;
  const schema_detail::Node* root = nullptr;
};
