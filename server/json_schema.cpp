// The schema compiler: turns a draft 2020-12 schema document into the Node tree of json_schema_internal.h once, at
// start-up, so that validating a call never parses a schema, resolves a $ref or builds a regex.
//
// Compilation runs in three steps:
//  1. index: walk every subschema in a keyword position, recording its base URI ($id) and JSON pointer, and every
//     $id / $anchor / $dynamicAnchor it declares;
//  2. build: turn each schema that is reachable from the root into a Node, resolving $ref through the index (and
//     through Options::load_document for URIs the document does not define);
//  3. reject schemas that refer back to themselves without descending into the instance, since validating them
//     could never end.
#include <cctype>
#include <cmath>
#include <cwctype>
#include <deque>
#include <locale>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "server/json_schema_internal.h"

namespace mcp {
namespace schema_detail {
namespace {

// Base URI of a root schema without $id. Hierarchical, so relative $id / $ref inside such a schema still resolve.
constexpr std::string_view kDefaultBase = "mem:///schema.json";
// Subschema nesting accepted in a schema document; deeper is almost certainly a generated mistake.
constexpr int kMaxSchemaDepth = 200;

// ---- URI references (RFC 3986 section 5) ----

struct Uri {
  std::optional<std::string> scheme, authority, query, fragment;
  std::string path;
};

Uri parse_uri(std::string_view text) {
  Uri uri;
  const auto colon = text.find(':');
  const auto first_delimiter = text.find_first_of("/?#");
  if (colon != std::string_view::npos && colon > 0 && colon < first_delimiter) {
    uri.scheme = std::string(text.substr(0, colon));
    text.remove_prefix(colon + 1);
  }
  if (text.starts_with("//")) {
    text.remove_prefix(2);
    const auto end = std::min(text.find_first_of("/?#"), text.size());
    uri.authority = std::string(text.substr(0, end));
    text.remove_prefix(end);
  }
  const auto path_end = std::min(text.find_first_of("?#"), text.size());
  uri.path = std::string(text.substr(0, path_end));
  text.remove_prefix(path_end);
  if (text.starts_with('?')) {
    const auto end = std::min(text.find('#'), text.size());
    uri.query = std::string(text.substr(1, end - 1));
    text.remove_prefix(end);
  }
  if (text.starts_with('#')) uri.fragment = std::string(text.substr(1));
  return uri;
}

std::string to_string(const Uri& uri) {
  std::string out;
  if (uri.scheme) out += *uri.scheme + ":";
  if (uri.authority) out += "//" + *uri.authority;
  out += uri.path;
  if (uri.query) out += "?" + *uri.query;
  if (uri.fragment) out += "#" + *uri.fragment;
  return out;
}

std::string remove_dot_segments(std::string_view input) {
  std::string output;
  while (!input.empty()) {
    if (input.starts_with("../")) {
      input.remove_prefix(3);
    } else if (input.starts_with("./")) {
      input.remove_prefix(2);
    } else if (input.starts_with("/./")) {
      input.remove_prefix(2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.starts_with("/../") || input == "/..") {
      input = input.size() == 3 ? std::string_view("/") : input.substr(3);
      const auto last = output.rfind('/');
      output.erase(last == std::string::npos ? 0 : last);
    } else if (input == "." || input == "..") {
      input = {};
    } else {
      const auto next = input.find('/', 1);
      const auto segment = input.substr(0, next);
      output += segment;
      input.remove_prefix(segment.size());
    }
  }
  return output;
}

// Resolves `reference` against the absolute `base` (RFC 3986 section 5.2.2).
std::string resolve_uri(const std::string& base_text, const std::string& reference_text) {
  const Uri reference = parse_uri(reference_text);
  const Uri base = parse_uri(base_text);
  Uri target;
  if (reference.scheme) {
    target = reference;
    target.path = remove_dot_segments(reference.path);
  } else {
    target.scheme = base.scheme;
    if (reference.authority) {
      target.authority = reference.authority;
      target.path = remove_dot_segments(reference.path);
      target.query = reference.query;
    } else {
      target.authority = base.authority;
      if (reference.path.empty()) {
        target.path = base.path;
        target.query = reference.query ? reference.query : base.query;
      } else {
        if (reference.path.starts_with('/')) {
          target.path = remove_dot_segments(reference.path);
        } else if (base.authority && base.path.empty()) {
          target.path = remove_dot_segments("/" + reference.path);
        } else {
          const auto slash = base.path.rfind('/');
          const std::string merged =
              (slash == std::string::npos ? std::string() : base.path.substr(0, slash + 1)) + reference.path;
          target.path = remove_dot_segments(merged);
        }
        target.query = reference.query;
      }
    }
  }
  target.fragment = reference.fragment;
  return to_string(target);
}

std::pair<std::string, std::string> split_fragment(const std::string& uri) {
  const auto hash = uri.find('#');
  if (hash == std::string::npos) return {uri, ""};
  return {uri.substr(0, hash), uri.substr(hash + 1)};
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_pointer_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

// ---- patterns ----

// The locale whose wide character classes know Unicode letters, for \p{Letter}; built once.
const std::locale& unicode_locale() {
  static const std::locale locale = [] {
    for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
      try {
        return std::locale(name);
      } catch (const std::runtime_error&) {}
    }
    return std::locale::classic();
  }();
  return locale;
}

// Rewrites what std::regex lacks from ECMAScript's "u" mode: \p{...} property escapes become character classes, and
// \d \w keep their ASCII meaning even though the Unicode locale would widen them.
std::wstring translate_pattern(const std::wstring& source, const std::string& location) {
  // clang-format off
  static const std::map<std::wstring, std::wstring> kProperties = {
      {L"L", L"alpha"},  {L"Letter", L"alpha"},           {L"Alphabetic", L"alpha"},
      {L"Lu", L"upper"}, {L"Uppercase_Letter", L"upper"}, {L"Ll", L"lower"},
      {L"Lowercase_Letter", L"lower"}, {L"White_Space", L"space"}};
  // clang-format on
  std::wstring out;
  bool in_class = false;
  for (std::size_t i = 0; i < source.size(); ++i) {
    const wchar_t c = source[i];
    if (c == L'\\' && i + 1 < source.size()) {
      const wchar_t escape = source[i + 1];
      if ((escape == L'p' || escape == L'P') && i + 2 < source.size() && source[i + 2] == L'{') {
        const auto close = source.find(L'}', i + 3);
        const auto name = close == std::wstring::npos ? std::wstring() : source.substr(i + 3, close - i - 3);
        const auto property = kProperties.find(name);
        if (property == kProperties.end() || (in_class && escape == L'P')) {
          throw std::invalid_argument(
              "invalid schema at " + location +
              ": the Unicode property escape in pattern is "
              "not supported (supported: \\p{L}, \\p{Letter}, \\p{Lu}, \\p{Ll}, \\p{White_Space})");
        }
        const std::wstring set = L"[:" + property->second + L":]";
        out += in_class ? set : (escape == L'p' ? L"[" : L"[^") + set + L"]";
        i = close;
        continue;
      }
      if (escape == L'c' && i + 2 < source.size() && std::iswalpha(source[i + 2]) && source[i + 2] < 0x80) {
        const auto control = static_cast<unsigned>(source[i + 2]) % 32;  // \cJ is U+000A
        out += L"\\x";
        out += L"0123456789abcdef"[control / 16];
        out += L"0123456789abcdef"[control % 16];
        i += 2;
        continue;
      }
      if (escape == L'd' || escape == L'D' || escape == L'w' || escape == L'W' || escape == L's' || escape == L'S') {
        // ECMAScript's own sets: ASCII digits and word characters, and its list of Unicode white space.
        static const std::wstring kSpace =
            L" \\t\\n\\v\\f\\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
        const wchar_t kind = static_cast<wchar_t>(std::towlower(escape));
        const std::wstring set = kind == L'd' ? L"0-9" : kind == L'w' ? L"A-Za-z0-9_" : kSpace;
        const bool negated = escape != kind;
        if (!in_class) {
          out += (negated ? L"[^" : L"[") + set + L"]";
        } else {
          out += negated ? std::wstring{c, escape} : set;
        }
        ++i;
        continue;
      }
      out += c;
      out += escape;
      ++i;
      continue;
    }
    if (c == L'[' && !in_class) {
      in_class = true;
    } else if (c == L']' && in_class) {
      in_class = false;
    }
    out += c;
  }
  return out;
}

// ---- where subschemas sit ----

bool is_single_subschema_keyword(std::string_view key) {
  return key == "additionalProperties" || key == "propertyNames" || key == "items" || key == "contains" ||
         key == "not" || key == "if" || key == "then" || key == "else" || key == "unevaluatedItems" ||
         key == "unevaluatedProperties" || key == "contentSchema";
}
bool is_subschema_array_keyword(std::string_view key) {
  return key == "allOf" || key == "anyOf" || key == "oneOf" || key == "prefixItems";
}
bool is_subschema_map_keyword(std::string_view key) {
  return key == "properties" || key == "patternProperties" || key == "$defs" || key == "dependentSchemas";
}

// ---- the compiler ----

class Compiler {
 public:
  explicit Compiler(const JsonSchema::Options& options) : options_(options) {}

  std::shared_ptr<JsonSchema::Impl> run(const json& schema) {
    impl_ = std::make_shared<JsonSchema::Impl>();
    const json& root = own(schema);
    index_document(root, std::string(kDefaultBase), "");
    impl_->root = node_for(root);
    drain();
    reject_in_place_cycles();
    return impl_;
  }

 private:
  struct Place {
    std::string base;      // absolute base URI in effect for this schema
    int resource = 0;      // index into Impl::resources
    std::string location;  // "#/properties/a" (prefixed with the document URI for loaded documents)
  };

  [[noreturn]] static void fail(const std::string& location, const std::string& message) {
    throw std::invalid_argument("invalid schema at " + location + ": " + message);
  }

  const json& own(json document) {
    documents_.push_back(std::make_unique<json>(std::move(document)));
    return *documents_.back();
  }

  void index_document(const json& root, const std::string& retrieval_uri, const std::string& location_prefix) {
    identified_.emplace(retrieval_uri, &root);
    index(root, retrieval_uri, -1, location_prefix + "#", 0);
  }

  int add_resource(const std::string& uri, const json& schema, const std::string& location) {
    if (const auto [it, inserted] = identified_.emplace(uri, &schema); !inserted && it->second != &schema) {
      fail(location, "$id \"" + uri + "\" is declared twice");
    }
    impl_->resources.push_back(Resource{uri, {}});
    return static_cast<int>(impl_->resources.size() - 1);
  }

  // Step 1: record base URI, resource and location of `schema` and of every subschema under it.
  void index(const json& schema, std::string base, int resource, const std::string& location, int depth) {
    if (depth > kMaxSchemaDepth) fail(location, "subschemas are nested more than 200 levels deep");
    if (schema.is_object()) {
      if (const auto id = schema.find("$id"); id != schema.end()) {
        if (!id->is_string()) fail(location, "$id must be a string");
        auto [uri, fragment] = split_fragment(resolve_uri(base, id->get<std::string>()));
        if (!fragment.empty()) fail(location, "$id must not contain a fragment (use $anchor), got " + preview(*id));
        base = uri;
        resource = add_resource(uri, schema, location);
      }
    }
    if (resource < 0) resource = add_resource(base, schema, location);
    places_.emplace(&schema, Place{base, resource, location});
    if (!schema.is_object()) return;

    for (const char* keyword : {"$anchor", "$dynamicAnchor"}) {
      const auto anchor = schema.find(keyword);
      if (anchor == schema.end()) continue;
      if (!anchor->is_string()) fail(location, std::string(keyword) + " must be a string");
      const std::string name = anchor->get<std::string>();
      if (const auto [it, inserted] = identified_.emplace(base + "#" + name, &schema);
          !inserted && it->second != &schema) {
        fail(location, "anchor \"" + name + "\" is declared twice in " + base);
      }
      if (std::string_view(keyword) == "$dynamicAnchor") dynamic_anchors_.push_back({resource, name, &schema});
    }

    for (const auto& [key, value] : schema.items()) {
      const std::string child = location + "/" + escape_pointer_token(key);
      if (is_single_subschema_keyword(key)) {
        index(value, base, resource, child, depth + 1);
      } else if (is_subschema_array_keyword(key) && value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
          index(value[i], base, resource, child + "/" + std::to_string(i), depth + 1);
        }
      } else if (is_subschema_map_keyword(key) && value.is_object()) {
        for (const auto& [name, subschema] : value.items()) {
          index(subschema, base, resource, child + "/" + escape_pointer_token(name), depth + 1);
        }
      }
    }
  }

  // A Node for `schema`, created once per schema location; it is filled in by drain().
  Node* node_for(const json& schema) {
    if (const auto it = nodes_.find(&schema); it != nodes_.end()) return it->second;
    const Place& place = places_.at(&schema);
    impl_->nodes.push_back(std::make_unique<Node>());
    Node* node = impl_->nodes.back().get();
    node->location = place.location;
    node->resource = place.resource;
    nodes_.emplace(&schema, node);
    to_build_.emplace_back(node, &schema);
    return node;
  }

  // Step 2: build every node created so far (building creates more) until none is left.
  void drain() {
    while (!to_build_.empty() || !dynamic_anchors_.empty()) {
      while (!dynamic_anchors_.empty()) {
        const auto anchor = dynamic_anchors_.front();
        dynamic_anchors_.pop_front();
        impl_->resources[anchor.resource].dynamic_anchors.emplace(anchor.name, node_for(*anchor.schema));
      }
      if (to_build_.empty()) break;
      const auto [node, schema] = to_build_.front();
      to_build_.pop_front();
      build(*node, *schema, places_.at(schema));
    }
  }

  // The schema an absolute URI (with optional fragment) points at, or nullptr.
  const json* lookup(const std::string& absolute) {
    auto [document_uri, raw_fragment] = split_fragment(absolute);
    const std::string fragment = percent_decode(raw_fragment);
    if (!fragment.empty() && !fragment.starts_with('/')) {
      auto found = identified_.find(document_uri + "#" + fragment);
      if (found == identified_.end() && load(document_uri)) found = identified_.find(document_uri + "#" + fragment);
      return found == identified_.end() ? nullptr : found->second;
    }
    const json* current = nullptr;
    if (const auto found = identified_.find(document_uri); found != identified_.end()) {
      current = found->second;
    } else {
      current = load(document_uri);
    }
    if (current == nullptr) return nullptr;

    const Place* nearest = &places_.at(current);  // deepest indexed schema on the way, for unindexed targets
    std::string_view rest(fragment);
    while (!rest.empty()) {
      rest.remove_prefix(1);  // the '/'
      const auto end = std::min(rest.find('/'), rest.size());
      const std::string token = unescape_pointer_token(rest.substr(0, end));
      rest.remove_prefix(end);
      if (current->is_object()) {
        const auto it = current->find(token);
        if (it == current->end()) return nullptr;
        current = &*it;
      } else if (current->is_array()) {
        if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos) return nullptr;
        const auto index = std::stoull(token);
        if (index >= current->size()) return nullptr;
        current = &(*current)[index];
      } else {
        return nullptr;
      }
      if (const auto it = places_.find(current); it != places_.end()) nearest = &it->second;
    }
    if (!places_.contains(current)) {
      const Place from = *nearest;  // copy: index() may rehash places_
      const std::string shown = document_uri == kDefaultBase ? "#" + raw_fragment : absolute;
      index(*current, from.base, from.resource, shown, 0);
    }
    return current;
  }

  // A document the schema refers to but does not contain, from Options::load_document.
  const json* load(const std::string& uri) {
    if (!options_.load_document || !asked_.insert(uri).second) return nullptr;
    auto document = options_.load_document(uri);
    if (!document) return nullptr;
    const json& root = own(std::move(*document));
    index_document(root, uri, uri);
    return &root;
  }

  const Node* subschema(const json& value, const std::string& location) {
    if (!value.is_object() && !value.is_boolean()) {
      fail(location, "a subschema must be an object or a boolean, got " + preview(value));
    }
    return node_for(value);
  }

  // minLength, maxItems, ...: a whole number >= 0 (2.0 counts as 2).
  static std::size_t non_negative_integer(const json& value, const std::string& location) {
    if (value.is_number_unsigned()) return value.get<std::size_t>();
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) return value.get<std::size_t>();
    if (value.is_number_float()) {
      const double number = value.get<double>();
      if (number >= 0 && number < 1e18 && std::floor(number) == number) return static_cast<std::size_t>(number);
    }
    fail(location, "expected a non-negative integer, got " + preview(value));
  }

  static json number(const json& value, const std::string& location) {
    if (!value.is_number()) fail(location, "expected a number, got " + preview(value));
    return value;
  }

  static Pattern compile_pattern(const json& value, const std::string& location) {
    if (!value.is_string()) fail(location, "a pattern must be a string, got " + preview(value));
    Pattern pattern{value.get<std::string>(), {}};
    try {
      pattern.regex.imbue(unicode_locale());
      pattern.regex.assign(translate_pattern(widen(pattern.source), location), std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      fail(location, "\"" + pattern.source +
                         "\" is not a regular expression this validator supports (ECMAScript): " + error.what());
    }
    return pattern;
  }

  static std::vector<std::string> string_list(const json& value, const std::string& location) {
    if (!value.is_array()) fail(location, "expected an array of strings, got " + preview(value));
    std::vector<std::string> out;
    for (const auto& item : value) {
      if (!item.is_string()) fail(location, "expected an array of strings, got " + preview(value));
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  static unsigned type_bit(const json& name, const std::string& location) {
    static const std::map<std::string, unsigned, std::less<>> kTypes = {
        {"null", kNull},     {"boolean", kBoolean}, {"object", kObject},  {"array", kArray},
        {"number", kNumber}, {"string", kString},   {"integer", kInteger}};
    if (name.is_string()) {
      if (const auto it = kTypes.find(name.get<std::string>()); it != kTypes.end()) return it->second;
    }
    fail(location, "type must be one of null, boolean, object, array, number, string, integer; got " + preview(name));
  }

  const Node* resolve_ref(const json& value, const Place& place, const std::string& location) {
    if (!value.is_string()) fail(location, "$ref must be a string, got " + preview(value));
    const std::string absolute = resolve_uri(place.base, value.get<std::string>());
    const json* target = lookup(absolute);
    if (target == nullptr) {
      fail(location, "$ref " + preview(value) + " (" + absolute + ") does not point at a schema");
    }
    return subschema(*target, location);
  }

  void build(Node& node, const json& schema, const Place& place) {
    if (schema.is_boolean()) {
      node.is_boolean = true;
      node.boolean_value = schema.get<bool>();
      return;
    }
    if (!schema.is_object()) fail(place.location, "a schema must be an object or a boolean, got " + preview(schema));

    for (const auto& [key, value] : schema.items()) {
      const std::string at = place.location + "/" + escape_pointer_token(key);
      if (key == "type") {
        if (value.is_array()) {
          for (const auto& name : value) node.types |= type_bit(name, at);
        } else {
          node.types = type_bit(value, at);
        }
      } else if (key == "enum") {
        if (!value.is_array()) fail(at, "enum must be an array, got " + preview(value));
        node.enum_values = std::vector<json>(value.begin(), value.end());
      } else if (key == "const") {
        node.const_value = value;
      } else if (key == "minimum") {
        node.minimum = number(value, at);
      } else if (key == "maximum") {
        node.maximum = number(value, at);
      } else if (key == "exclusiveMinimum") {
        node.exclusive_minimum = number(value, at);
      } else if (key == "exclusiveMaximum") {
        node.exclusive_maximum = number(value, at);
      } else if (key == "multipleOf") {
        if (!value.is_number() || value.get<double>() <= 0) fail(at, "multipleOf must be a number greater than 0");
        node.multiple_of = value;
      } else if (key == "minLength") {
        node.min_length = non_negative_integer(value, at);
      } else if (key == "maxLength") {
        node.max_length = non_negative_integer(value, at);
      } else if (key == "pattern") {
        node.pattern = compile_pattern(value, at);
      } else if (key == "format") {
        if (!value.is_string()) fail(at, "format must be a string, got " + preview(value));
        if (options_.assert_formats) {
          const auto name = value.get<std::string>();
          if (name == "email") node.format = Format::kEmail;
          if (name == "uri") node.format = Format::kUri;
          if (name == "date") node.format = Format::kDate;
          if (name == "date-time") node.format = Format::kDateTime;
        }
      } else if (key == "minItems") {
        node.min_items = non_negative_integer(value, at);
      } else if (key == "maxItems") {
        node.max_items = non_negative_integer(value, at);
      } else if (key == "minContains") {
        node.min_contains = non_negative_integer(value, at);
      } else if (key == "maxContains") {
        node.max_contains = non_negative_integer(value, at);
      } else if (key == "uniqueItems") {
        if (!value.is_boolean()) fail(at, "uniqueItems must be a boolean");
        node.unique_items = value.get<bool>();
      } else if (key == "prefixItems") {
        if (!value.is_array() || value.empty()) fail(at, "prefixItems must be a non-empty array of schemas");
        for (std::size_t i = 0; i < value.size(); ++i) {
          node.prefix_items.push_back(subschema(value[i], at + "/" + std::to_string(i)));
        }
      } else if (key == "items") {
        node.items = subschema(value, at);
      } else if (key == "contains") {
        node.contains = subschema(value, at);
        node.contains_preview = preview(value);
      } else if (key == "unevaluatedItems") {
        node.unevaluated_items = subschema(value, at);
      } else if (key == "minProperties") {
        node.min_properties = non_negative_integer(value, at);
      } else if (key == "maxProperties") {
        node.max_properties = non_negative_integer(value, at);
      } else if (key == "required") {
        node.required = string_list(value, at);
      } else if (key == "dependentRequired") {
        if (!value.is_object()) fail(at, "dependentRequired must be an object");
        for (const auto& [name, list] : value.items()) {
          node.dependent_required.emplace_back(name, string_list(list, at + "/" + escape_pointer_token(name)));
        }
      } else if (key == "properties" || key == "patternProperties" || key == "dependentSchemas") {
        if (!value.is_object()) fail(at, key + " must be an object of schemas");
        for (const auto& [name, sub] : value.items()) {
          const Node* compiled = subschema(sub, at + "/" + escape_pointer_token(name));
          if (key == "properties") node.properties.emplace(name, compiled);
          if (key == "patternProperties") node.pattern_properties.emplace_back(compile_pattern(name, at), compiled);
          if (key == "dependentSchemas") node.dependent_schemas.emplace_back(name, compiled);
        }
      } else if (key == "additionalProperties") {
        node.additional_properties = subschema(value, at);
      } else if (key == "propertyNames") {
        node.property_names = subschema(value, at);
      } else if (key == "unevaluatedProperties") {
        node.unevaluated_properties = subschema(value, at);
      } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
        if (!value.is_array() || value.empty()) fail(at, key + " must be a non-empty array of schemas");
        auto& list = key == "allOf" ? node.all_of : key == "anyOf" ? node.any_of : node.one_of;
        for (std::size_t i = 0; i < value.size(); ++i) {
          list.push_back(subschema(value[i], at + "/" + std::to_string(i)));
        }
      } else if (key == "not") {
        node.not_schema = subschema(value, at);
        node.not_preview = preview(value);
      } else if (key == "if") {
        node.if_schema = subschema(value, at);
      } else if (key == "then") {
        node.then_schema = subschema(value, at);
      } else if (key == "else") {
        node.else_schema = subschema(value, at);
      } else if (key == "$ref") {
        node.ref = resolve_ref(value, place, at);
      } else if (key == "$dynamicRef") {
        node.dynamic_ref = resolve_ref(value, place, at);
        // Only a reference whose static target declares the same $dynamicAnchor looks further (the spec's
        // "bookending"); any other $dynamicRef is a plain $ref.
        const auto fragment = split_fragment(value.get<std::string>()).second;
        const json* target = lookup(resolve_uri(place.base, value.get<std::string>()));
        if (!fragment.empty() && !fragment.starts_with('/') && target->is_object() &&
            target->value("$dynamicAnchor", "") == fragment) {
          node.dynamic_anchor = fragment;
        }
      }
      // Anything else is an annotation (title, description, default, examples, $comment, ...) or unknown: ignored.
    }
    if (node.if_schema == nullptr) node.then_schema = node.else_schema = nullptr;  // then/else need if
  }

  // Step 3: a cycle through keywords that apply to the same instance ($ref, allOf, not, if, ...) never terminates.
  void reject_in_place_cycles() const {
    enum class Mark { kNew, kOnPath, kDone };
    std::unordered_map<const Node*, Mark> marks;
    auto in_place = [](const Node& node) {
      std::vector<const Node*> next;
      for (const Node* n :
           {node.ref, node.dynamic_ref, node.not_schema, node.if_schema, node.then_schema, node.else_schema}) {
        if (n != nullptr) next.push_back(n);
      }
      for (const auto* list : {&node.all_of, &node.any_of, &node.one_of})
        next.insert(next.end(), list->begin(), list->end());
      for (const auto& [name, n] : node.dependent_schemas) next.push_back(n);
      return next;
    };
    for (const auto& start : impl_->nodes) {
      if (marks[start.get()] != Mark::kNew) continue;
      // Iterative depth-first search: (node, its in-place children, next child to visit).
      std::vector<std::tuple<const Node*, std::vector<const Node*>, std::size_t>> stack;
      stack.emplace_back(start.get(), in_place(*start), 0);
      marks[start.get()] = Mark::kOnPath;
      while (!stack.empty()) {
        auto& [node, next, i] = stack.back();
        if (i == next.size()) {
          marks[node] = Mark::kDone;
          stack.pop_back();
          continue;
        }
        const Node* child = next[i++];
        const Mark mark = marks[child];
        if (mark == Mark::kOnPath) {
          std::string cycle;
          bool in_cycle = false;
          for (const auto& frame : stack) {
            in_cycle = in_cycle || std::get<0>(frame) == child;
            if (in_cycle) cycle += std::get<0>(frame)->location + " -> ";
          }
          fail(child->location, "the schema refers back to itself without descending into the value (" + cycle +
                                    child->location + "), so validation would never end");
        }
        if (mark == Mark::kNew) {
          marks[child] = Mark::kOnPath;
          stack.emplace_back(child, in_place(*child), 0);
        }
      }
    }
  }

  struct PendingAnchor {
    int resource;
    std::string name;
    const json* schema;
  };

  const JsonSchema::Options& options_;
  std::shared_ptr<JsonSchema::Impl> impl_;
  std::vector<std::unique_ptr<json>> documents_;             // the schema and loaded documents, alive while compiling
  std::unordered_map<const json*, Place> places_;            // every indexed schema location
  std::unordered_map<std::string, const json*> identified_;  // "uri" and "uri#anchor" -> schema
  std::unordered_set<std::string> asked_;                    // URIs already asked of load_document
  std::unordered_map<const json*, Node*> nodes_;
  std::deque<std::pair<Node*, const json*>> to_build_;
  std::deque<PendingAnchor> dynamic_anchors_;
};

}  // namespace
}  // namespace schema_detail

JsonSchema JsonSchema::compile(const nlohmann::json& schema) { return compile(schema, Options{}); }

JsonSchema JsonSchema::compile(const nlohmann::json& schema, const Options& options) {
  return JsonSchema(schema_detail::Compiler(options).run(schema));
}

JsonSchema::JsonSchema(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;
JsonSchema::~JsonSchema() = default;

}  // namespace mcp
