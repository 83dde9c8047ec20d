// The evaluator: walks a compiled Node tree over an instance and reports violations as messages a model can act on
// ("`sites[2].name`: expected a string, got 42"). Nothing here parses a schema or builds a regex.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <unordered_set>

#include "server/json_schema_internal.h"

namespace mcp {
namespace schema_detail {

// ---- value helpers ----

std::size_t code_points(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::wstring widen(std::string_view utf8) {
  std::wstring out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    char32_t point = length == 1 ? lead : length == 2 ? lead & 0x1F : length == 3 ? lead & 0x0F : lead & 0x07;
    bool ok = length != 0 && i + length <= utf8.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      ok = (next & 0xC0) == 0x80;
      point = (point << 6) | (next & 0x3F);
    }
    out += ok ? static_cast<wchar_t>(point) : L'\uFFFD';
    i += ok ? length : 1;
  }
  return out;
}

namespace {

bool is_integral_type(const json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

// Three-way comparison of two JSON numbers; exact when both are integers (no rounding through double).
int compare_numbers(const json& a, const json& b) {
  if (is_integral_type(a) && is_integral_type(b)) {
    const bool a_negative = !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
    const bool b_negative = !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
    if (a_negative != b_negative) return a_negative ? -1 : 1;
    if (a_negative) {
      const auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const auto x = a.get<std::uint64_t>(), y = b.get<std::uint64_t>();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const double x = a.get<double>(), y = b.get<double>();
  return x < y ? -1 : x > y ? 1 : 0;
}

bool is_multiple_of(const json& value, const json& divisor) {
  if (is_integral_type(value) && is_integral_type(divisor)) {
    const auto magnitude = [](const json& v) {
      return v.is_number_unsigned() ? v.get<std::uint64_t>()
                                    : static_cast<std::uint64_t>(std::llabs(v.get<std::int64_t>()));
    };
    return magnitude(value) % magnitude(divisor) == 0;
  }
  const double quotient = value.get<double>() / divisor.get<double>();
  if (!std::isfinite(quotient)) {
    // Too large to divide: still a multiple when the value is whole and the divisor divides 1 (0.5, 0.25, ...).
    const double value_double = value.get<double>();
    return std::floor(value_double) == value_double && is_multiple_of(json(1), divisor);
  }
  return std::abs(quotient - std::round(quotient)) <= std::abs(quotient) * 8 * DBL_EPSILON;
}

// A hash that agrees with json_equal (1 and 1.0 hash alike), used to find duplicate candidates quickly.
std::size_t shallow_hash(const json& v) {
  switch (v.type()) {
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return std::hash<double>{}(v.get<double>());
    case json::value_t::string: return std::hash<std::string>{}(v.get_ref<const std::string&>());
    case json::value_t::boolean: return v.get<bool>() ? 1 : 2;
    case json::value_t::array: return 31 * v.size() + 3;
    case json::value_t::object: return 37 * v.size() + 5;
    default: return 0;
  }
}

void write_preview(const json& value, std::string& out, std::size_t limit) {
  if (out.size() > limit) return;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    std::size_t end = 0, points = 0;
    while (end < text.size() && points <= limit) {
      ++end;
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
      ++points;
    }
    out += json(text.substr(0, end)).dump(-1, ' ', false, json::error_handler_t::replace);
  } else if (value.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < value.size() && out.size() <= limit; ++i) {
      if (i > 0) out += ',';
      write_preview(value[i], out, limit);
    }
    out += ']';
  } else if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, item] : value.items()) {
      if (out.size() > limit) break;
      if (!first) out += ',';
      first = false;
      write_preview(json(key), out, limit);
      out += ':';
      write_preview(item, out, limit);
    }
    out += '}';
  } else {
    out += value.dump();
  }
}

}  // namespace

bool json_equal(const json& a, const json& b) {
  // Iterative, so two deeply nested values cannot exhaust the stack.
  std::vector<std::pair<const json*, const json*>> pending{{&a, &b}};
  while (!pending.empty()) {
    const auto [x, y] = pending.back();
    pending.pop_back();
    if (x->is_number() && y->is_number()) {
      if (compare_numbers(*x, *y) != 0) return false;
      continue;
    }
    if (x->type() != y->type() || x->size() != y->size()) return false;
    if (x->is_array()) {
      for (std::size_t i = 0; i < x->size(); ++i) pending.emplace_back(&(*x)[i], &(*y)[i]);
    } else if (x->is_object()) {
      for (const auto& [key, value] : x->items()) {
        const auto other = y->find(key);
        if (other == y->end()) return false;
        pending.emplace_back(&value, &*other);
      }
    } else if (*x != *y) {
      return false;
    }
  }
  return true;
}

std::string preview(const json& value, std::size_t limit) {
  std::string out;
  write_preview(value, out, limit);
  if (out.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "…";
  }
  return out;
}

namespace {

// Evaluation depth (nested schema applications) at which validation gives up with an error instead of risking the
// stack on absurdly deep input.
constexpr std::size_t kMaxDepth = 256;
// libstdc++'s std::regex recurses once per character; longer strings are refused rather than risking the stack.
constexpr std::size_t kMaxPatternInput = 2000;
// Errors kept per alternative of anyOf / oneOf, to summarise why none matched.
constexpr std::size_t kErrorsPerAlternative = 3;

std::string type_names(unsigned types) {
  if ((types & kNumber) != 0) types &= ~kInteger;
  static const std::pair<unsigned, const char*> kNames[] = {
      {kString, "a string"},  {kInteger, "an integer"}, {kNumber, "a number"}, {kBoolean, "a boolean"},
      {kObject, "an object"}, {kArray, "an array"},     {kNull, "null"}};
  std::vector<std::string> names;
  for (const auto& [bit, name] : kNames) {
    if ((types & bit) != 0) names.emplace_back(name);
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

bool has_type(const json& v, unsigned types) {
  if ((types & kNull) && v.is_null()) return true;
  if ((types & kBoolean) && v.is_boolean()) return true;
  if ((types & kObject) && v.is_object()) return true;
  if ((types & kArray) && v.is_array()) return true;
  if ((types & kString) && v.is_string()) return true;
  if ((types & kNumber) && v.is_number()) return true;
  if ((types & kInteger) && v.is_number()) {
    if (is_integral_type(v)) return true;
    const double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

// The `type` a branch of anyOf/oneOf demands, looking through plain $ref chains; 0 when it accepts any type.
unsigned demanded_types(const Node* node) {
  for (int hops = 0; node != nullptr && hops < 32; ++hops) {
    if (node->is_boolean) return 0;
    if (node->types != 0) return node->types;
    node = node->ref;
  }
  return 0;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string plural(std::size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// What a schema evaluated of the current instance: the annotations unevaluatedProperties/Items look at.
struct Evaluated {
  bool all_properties = false;
  std::unordered_set<std::string_view> properties;
  bool all_items = false;
  std::size_t prefix_items = 0;
  std::unordered_set<std::size_t> items;  // indices matched by contains

  void merge(const Evaluated& other) {
    all_properties = all_properties || other.all_properties;
    properties.insert(other.properties.begin(), other.properties.end());
    all_items = all_items || other.all_items;
    prefix_items = std::max(prefix_items, other.prefix_items);
    items.insert(other.items.begin(), other.items.end());
  }
};

class Evaluator {
 public:
  Evaluator(const JsonSchema::Impl& impl, std::vector<JsonSchema::Error>* errors, std::size_t max_errors)
      : impl_(impl), errors_(errors), max_errors_(max_errors) {}

  // Whether `instance` (at the current path) is valid against `node`. Violations go to errors_ when collecting;
  // what was evaluated goes to `evaluated` when a caller needs it for unevaluated*.
  bool eval(const Node& node, const json& instance, Evaluated* evaluated) {
    if (node.is_boolean) {
      if (!node.boolean_value) report("no value is allowed here");
      return node.boolean_value;
    }
    if (depth_ >= kMaxDepth) {
      report("is nested too deeply: validation stops after " + std::to_string(kMaxDepth) +
             " levels; send a flatter value");
      return false;
    }
    ScopeGuard scope(*this, node.resource);

    Evaluated local;
    Evaluated* annotations = node.has_unevaluated() ? &local : evaluated;
    bool valid = true;
    // Records a failure; true when evaluation can stop (not collecting, or enough errors).
    const auto fail = [&] {
      valid = false;
      return errors_ == nullptr || errors_->size() >= max_errors_;
    };

    if (node.ref != nullptr && !eval(*node.ref, instance, annotations) && fail()) return false;
    if (node.dynamic_ref != nullptr && !eval(dynamic_target(node), instance, annotations) && fail()) return false;

    if (node.types != 0 && !has_type(instance, node.types)) {
      report("expected " + type_names(node.types) + ", got " + preview(instance));
      if (fail()) return false;
    } else {
      if (node.const_value && !json_equal(*node.const_value, instance)) {
        report("must be exactly " + preview(*node.const_value) + "; got " + preview(instance));
        if (fail()) return false;
      }
      if (node.enum_values && std::none_of(node.enum_values->begin(), node.enum_values->end(),
                                           [&](const json& option) { return json_equal(option, instance); })) {
        report(enum_message(*node.enum_values, instance));
        if (fail()) return false;
      }
    }

    if (instance.is_string() && !check_string(node, instance.get_ref<const std::string&>()) && fail()) return false;
    if (instance.is_number() && !check_number(node, instance) && fail()) return false;
    if (instance.is_array() && !check_array(node, instance, annotations) && fail()) return false;
    if (instance.is_object() && !check_object(node, instance, annotations) && fail()) return false;

    for (const Node* branch : node.all_of) {
      if (!eval(*branch, instance, annotations) && fail()) return false;
    }
    if (!node.any_of.empty() && !check_any_of(node, instance, annotations) && fail()) return false;
    if (!node.one_of.empty() && !check_one_of(node, instance, annotations) && fail()) return false;
    if (node.not_schema != nullptr && silently(*node.not_schema, instance, nullptr)) {
      report("must not match " + node.not_preview);
      if (fail()) return false;
    }
    if (node.if_schema != nullptr) {
      Evaluated condition;
      if (silently(*node.if_schema, instance, annotations != nullptr ? &condition : nullptr)) {
        if (annotations != nullptr) annotations->merge(condition);
        if (node.then_schema != nullptr && !eval(*node.then_schema, instance, annotations) && fail()) return false;
      } else if (node.else_schema != nullptr && !eval(*node.else_schema, instance, annotations) && fail()) {
        return false;
      }
    }

    if (node.has_unevaluated() && !check_unevaluated(node, instance, local) && fail()) return false;
    if (annotations == &local && evaluated != nullptr) evaluated->merge(local);
    return valid;
  }

 private:
  struct Segment {
    const std::string* key;  // nullptr for an array index
    std::size_t index;
  };

  // Tracks evaluation depth and the dynamic scope (the schema resources entered), for $dynamicRef.
  struct ScopeGuard {
    ScopeGuard(Evaluator& evaluator, int resource) : self(evaluator) {
      ++self.depth_;
      pushed = self.scope_.empty() || self.scope_.back() != resource;
      if (pushed) self.scope_.push_back(resource);
    }
    ~ScopeGuard() {
      --self.depth_;
      if (pushed) self.scope_.pop_back();
    }
    Evaluator& self;
    bool pushed;
  };

  struct PathGuard {
    PathGuard(Evaluator& evaluator, Segment segment) : self(evaluator) { self.path_.push_back(segment); }
    ~PathGuard() { self.path_.pop_back(); }
    Evaluator& self;
  };

  // Runs `work` with errors going to `target` (nullptr: not collected) and restores the previous target after.
  template <typename Work>
  bool with_errors(std::vector<JsonSchema::Error>* target, std::size_t max, Work&& work) {
    auto* saved_errors = errors_;
    const auto saved_max = max_errors_;
    errors_ = target;
    max_errors_ = max;
    const bool result = work();
    errors_ = saved_errors;
    max_errors_ = saved_max;
    return result;
  }

  bool silently(const Node& node, const json& instance, Evaluated* evaluated) {
    return with_errors(nullptr, 0, [&] { return eval(node, instance, evaluated); });
  }

  std::string path_string() const {
    std::string out;
    for (const auto& segment : path_) {
      if (segment.key != nullptr) {
        if (!out.empty()) out += '.';
        out += *segment.key;
      } else {
        out += "[" + std::to_string(segment.index) + "]";
      }
    }
    return out;
  }

  std::string child_path(std::string_view key) const {
    std::string out = path_string();
    if (!out.empty()) out += '.';
    out += key;
    return out;
  }

  void report_at(std::string path, std::string message) {
    if (errors_ != nullptr && errors_->size() < max_errors_) {
      errors_->push_back({std::move(path), std::move(message)});
    }
  }
  void report(std::string message) { report_at(path_string(), std::move(message)); }

  const Node& dynamic_target(const Node& node) const {
    if (!node.dynamic_anchor.empty()) {
      for (const int resource : scope_) {  // outermost first: the first resource declaring the anchor wins
        const auto& anchors = impl_.resources[static_cast<std::size_t>(resource)].dynamic_anchors;
        if (const auto it = anchors.find(node.dynamic_anchor); it != anchors.end()) return *it->second;
      }
    }
    return *node.dynamic_ref;
  }

  static std::string enum_message(const std::vector<json>& options, const json& instance) {
    std::string out = "must be one of ";
    for (std::size_t i = 0; i < options.size(); ++i) {
      if (i == 12) {
        out += ", …";
        break;
      }
      if (i > 0) out += ", ";
      out += preview(options[i], 40);
    }
    return out + "; got " + preview(instance);
  }

  // Matches a pattern; nullopt (and an error) for input too long for std::regex's recursive matcher.
  std::optional<bool> search(const Pattern& pattern, const std::string& text, bool is_field_name) {
    if (text.size() > kMaxPatternInput && code_points(text) > kMaxPatternInput) {
      const std::string what = is_field_name ? "field name " + preview(json(text), 40) : "the value";
      report(what + " is too long to check against the pattern " + pattern.source + " (" +
             std::to_string(code_points(text)) + " characters, at most " + std::to_string(kMaxPatternInput) + ")");
      return std::nullopt;
    }
    return std::regex_search(widen(text), pattern.regex);
  }

  bool check_string(const Node& node, const std::string& text) {
    bool valid = true;
    if (node.min_length || node.max_length) {
      const std::size_t length = code_points(text);
      if (node.min_length && length < *node.min_length) {
        report("must be at least " + std::to_string(*node.min_length) + " characters, got " + preview(json(text)));
        valid = false;
      }
      if (node.max_length && length > *node.max_length) {
        report("must be at most " + std::to_string(*node.max_length) + " characters, got " + std::to_string(length) +
               ": " + preview(json(text)));
        valid = false;
      }
    }
    if (node.pattern) {
      const auto found = search(*node.pattern, text, false);
      if (found == false) report("must match the pattern " + node.pattern->source + ", got " + preview(json(text)));
      if (found != true) valid = false;
    }
    if (node.format != Format::kNone && !check_format(node.format, text)) valid = false;
    return valid;
  }

  bool check_format(Format format, const std::string& text) {
    switch (format) {
      case Format::kEmail:
        if (is_email(text)) return true;
        report("expected an e-mail address, got " + preview(json(text)));
        return false;
      case Format::kUri:
        if (is_uri(text)) return true;
        report("expected an absolute URI such as https://example.com/page, got " + preview(json(text)));
        return false;
      case Format::kDate:
        if (is_date(text)) return true;
        report("expected a date as YYYY-MM-DD, got " + preview(json(text)));
        return false;
      case Format::kDateTime:
        if (is_date_time(text)) return true;
        report("expected a date-time as YYYY-MM-DDThh:mm:ss with a time zone (Z or +hh:mm), got " +
               preview(json(text)));
        return false;
      case Format::kNone: break;
    }
    return true;
  }

  bool check_number(const Node& node, const json& value) {
    bool valid = true;
    const auto check = [&](const std::optional<json>& bound, bool ok, const char* wording) {
      if (bound && !ok) {
        report(std::string(wording) + bound->dump() + ", got " + value.dump());
        valid = false;
      }
    };
    check(node.minimum, !node.minimum || compare_numbers(value, *node.minimum) >= 0, "must be at least ");
    check(node.maximum, !node.maximum || compare_numbers(value, *node.maximum) <= 0, "must be at most ");
    check(node.exclusive_minimum, !node.exclusive_minimum || compare_numbers(value, *node.exclusive_minimum) > 0,
          "must be greater than ");
    check(node.exclusive_maximum, !node.exclusive_maximum || compare_numbers(value, *node.exclusive_maximum) < 0,
          "must be less than ");
    check(node.multiple_of, !node.multiple_of || is_multiple_of(value, *node.multiple_of), "must be a multiple of ");
    return valid;
  }

  bool check_array(const Node& node, const json& array, Evaluated* evaluated) {
    bool valid = true;
    const auto stop = [&] {
      valid = false;
      return errors_ == nullptr || errors_->size() >= max_errors_;
    };
    const std::size_t size = array.size();
    if (node.min_items && size < *node.min_items) {
      report("must have at least " + plural(*node.min_items, "item") + ", got " + std::to_string(size));
      if (stop()) return false;
    }
    if (node.max_items && size > *node.max_items) {
      report("must have at most " + plural(*node.max_items, "item") + ", got " + std::to_string(size));
      if (stop()) return false;
    }
    if (node.unique_items) {
      if (const auto duplicate = find_duplicate(array)) {
        report("must not contain duplicates: items [" + std::to_string(duplicate->first) + "] and [" +
               std::to_string(duplicate->second) + "] are both " + preview(array[duplicate->first]));
        if (stop()) return false;
      }
    }

    const std::size_t prefix = std::min(size, node.prefix_items.size());
    for (std::size_t i = 0; i < prefix; ++i) {
      PathGuard at(*this, {nullptr, i});
      if (!eval(*node.prefix_items[i], array[i], nullptr) && stop()) return false;
    }
    if (evaluated != nullptr) evaluated->prefix_items = std::max(evaluated->prefix_items, prefix);

    if (node.items != nullptr) {
      if (node.items->is_boolean && !node.items->boolean_value && size > prefix) {
        report("must have at most " + plural(prefix, "item") + ", got " + std::to_string(size));
        if (stop()) return false;
      } else {
        for (std::size_t i = prefix; i < size; ++i) {
          PathGuard at(*this, {nullptr, i});
          if (!eval(*node.items, array[i], nullptr) && stop()) return false;
        }
      }
      if (evaluated != nullptr) evaluated->all_items = true;
    }

    if (node.contains != nullptr) {
      std::size_t matches = 0;
      for (std::size_t i = 0; i < size; ++i) {
        if (silently(*node.contains, array[i], nullptr)) {
          ++matches;
          if (evaluated != nullptr) evaluated->items.insert(i);
        }
      }
      const std::size_t at_least = node.min_contains.value_or(1);
      if (matches < at_least) {
        report("must contain at least " + plural(at_least, "item") + " matching " + node.contains_preview + ", found " +
               std::to_string(matches));
        if (stop()) return false;
      }
      if (node.max_contains && matches > *node.max_contains) {
        report("must contain at most " + plural(*node.max_contains, "item") + " matching " + node.contains_preview +
               ", found " + std::to_string(matches));
        if (stop()) return false;
      }
    }
    return valid;
  }

  // The first pair of equal items, if any.
  static std::optional<std::pair<std::size_t, std::size_t>> find_duplicate(const json& array) {
    std::vector<std::pair<std::size_t, std::size_t>> hashed;  // (hash, index)
    hashed.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) hashed.emplace_back(shallow_hash(array[i]), i);
    std::sort(hashed.begin(), hashed.end());
    std::optional<std::pair<std::size_t, std::size_t>> first;
    for (std::size_t i = 0; i < hashed.size(); ++i) {
      for (std::size_t j = i + 1; j < hashed.size() && hashed[j].first == hashed[i].first; ++j) {
        const auto a = hashed[i].second, b = hashed[j].second;
        if (json_equal(array[a], array[b])) {
          const auto pair = std::make_pair(std::min(a, b), std::max(a, b));
          if (!first || pair < *first) first = pair;
        }
      }
    }
    return first;
  }

  bool check_object(const Node& node, const json& object, Evaluated* evaluated) {
    bool valid = true;
    const auto stop = [&] {
      valid = false;
      return errors_ == nullptr || errors_->size() >= max_errors_;
    };
    for (const auto& name : node.required) {
      if (!object.contains(name)) {
        report_at(child_path(name), "is required");
        if (stop()) return false;
      }
    }
    for (const auto& [trigger, names] : node.dependent_required) {
      if (!object.contains(trigger)) continue;
      for (const auto& name : names) {
        if (!object.contains(name)) {
          report_at(child_path(name), "is required when \"" + trigger + "\" is present");
          if (stop()) return false;
        }
      }
    }
    if (node.min_properties && object.size() < *node.min_properties) {
      report("must have at least " + plural(*node.min_properties, "field") + ", got " + std::to_string(object.size()));
      if (stop()) return false;
    }
    if (node.max_properties && object.size() > *node.max_properties) {
      report("must have at most " + plural(*node.max_properties, "field") + ", got " + std::to_string(object.size()));
      if (stop()) return false;
    }

    for (const auto& [key, value] : object.items()) {
      bool matched = false;
      if (const auto it = node.properties.find(key); it != node.properties.end()) {
        matched = true;
        PathGuard at(*this, {&key, 0});
        if (!eval(*it->second, value, nullptr) && stop()) return false;
      }
      for (const auto& [pattern, schema] : node.pattern_properties) {
        const auto found = search(pattern, key, true);
        if (!found && stop()) return false;
        if (found != true) continue;
        matched = true;
        PathGuard at(*this, {&key, 0});
        if (!eval(*schema, value, nullptr) && stop()) return false;
      }
      if (matched && evaluated != nullptr) evaluated->properties.insert(key);
      if (!matched && node.additional_properties != nullptr) {
        if (node.additional_properties->is_boolean && !node.additional_properties->boolean_value) {
          report(unknown_field_message(node, key));
          if (stop()) return false;
        } else {
          PathGuard at(*this, {&key, 0});
          if (!eval(*node.additional_properties, value, nullptr) && stop()) return false;
        }
      }
      if (node.property_names != nullptr) {
        std::vector<JsonSchema::Error> why;
        const json name(key);
        if (!with_errors(&why, 1, [&] { return eval(*node.property_names, name, nullptr); })) {
          report("field name " + preview(name) + " is not allowed" + (why.empty() ? "" : ": " + why.front().message));
          if (stop()) return false;
        }
      }
    }
    if (node.additional_properties != nullptr && evaluated != nullptr) evaluated->all_properties = true;

    for (const auto& [trigger, schema] : node.dependent_schemas) {
      if (object.contains(trigger) && !eval(*schema, object, evaluated) && stop()) return false;
    }
    return valid;
  }

  static std::string unknown_field_message(const Node& node, const std::string& key) {
    std::string message = "unknown field " + preview(json(key), 40);
    if (node.properties.empty()) return message + "; no other fields are allowed here";
    std::string allowed;
    const std::string* closest = nullptr;
    std::size_t closest_distance = 3;
    for (const auto& [name, schema] : node.properties) {
      if (!allowed.empty()) allowed += ", ";
      allowed += name;
      if (const auto distance = edit_distance(key, name); distance < closest_distance) {
        closest_distance = distance;
        closest = &name;
      }
    }
    if (allowed.size() > 300) allowed = allowed.substr(0, 300) + ", …";
    message += "; allowed: " + allowed;
    if (closest != nullptr) message += "; did you mean \"" + *closest + "\"?";
    return message;
  }

  bool check_unevaluated(const Node& node, const json& instance, Evaluated& evaluated) {
    bool valid = true;
    if (instance.is_object() && node.unevaluated_properties != nullptr && !evaluated.all_properties) {
      const Node& rest = *node.unevaluated_properties;
      for (const auto& [key, value] : instance.items()) {
        if (evaluated.properties.contains(key)) continue;
        if (rest.is_boolean && !rest.boolean_value) {
          report("unknown field " + preview(json(key), 40));
          valid = false;
        } else {
          PathGuard at(*this, {&key, 0});
          valid = eval(rest, value, nullptr) && valid;
        }
        if (!valid && (errors_ == nullptr || errors_->size() >= max_errors_)) return false;
      }
      evaluated.all_properties = true;
    }
    if (instance.is_array() && node.unevaluated_items != nullptr && !evaluated.all_items) {
      const Node& rest = *node.unevaluated_items;
      for (std::size_t i = evaluated.prefix_items; i < instance.size(); ++i) {
        if (evaluated.items.contains(i)) continue;
        PathGuard at(*this, {nullptr, i});
        if (rest.is_boolean && !rest.boolean_value) {
          report("is not allowed here: the list has more items than the schema describes");
          valid = false;
        } else {
          valid = eval(rest, instance[i], nullptr) && valid;
        }
        if (!valid && (errors_ == nullptr || errors_->size() >= max_errors_)) return false;
      }
      evaluated.all_items = true;
    }
    return valid;
  }

  // Evaluates every alternative, keeping a few errors of each for the summary; returns the indices that matched.
  std::vector<std::size_t> evaluate_alternatives(const std::vector<const Node*>& alternatives, const json& instance,
                                                 Evaluated* evaluated, bool stop_at_first,
                                                 std::vector<std::vector<JsonSchema::Error>>& errors) {
    std::vector<std::size_t> matched;
    errors.assign(alternatives.size(), {});
    for (std::size_t i = 0; i < alternatives.size(); ++i) {
      Evaluated branch;
      const bool ok = with_errors(errors_ != nullptr ? &errors[i] : nullptr, kErrorsPerAlternative, [&] {
        return eval(*alternatives[i], instance, evaluated != nullptr ? &branch : nullptr);
      });
      if (!ok) continue;
      matched.push_back(i);
      if (evaluated != nullptr) evaluated->merge(branch);
      if (stop_at_first && evaluated == nullptr) break;
    }
    return matched;
  }

  // Explains why no alternative matched, compactly: the one alternative of the right type speaks for itself;
  // otherwise the expected types, or the first problem of each alternative.
  void report_no_alternative(const std::vector<const Node*>& alternatives, const json& instance,
                             const std::vector<std::vector<JsonSchema::Error>>& errors) {
    if (errors_ == nullptr) return;
    unsigned all_types = 0;
    std::vector<std::size_t> fitting;  // alternatives whose `type` admits the instance
    bool all_typed = true;
    for (std::size_t i = 0; i < alternatives.size(); ++i) {
      const unsigned types = demanded_types(alternatives[i]);
      all_types |= types;
      all_typed = all_typed && types != 0;
      if (types == 0 || has_type(instance, types)) fitting.push_back(i);
    }
    if (fitting.empty() && all_typed) {
      report("expected " + type_names(all_types) + ", got " + preview(instance));
      return;
    }
    if (fitting.size() == 1 && all_typed && !errors[fitting.front()].empty()) {
      for (const auto& error : errors[fitting.front()]) report_at(error.path, error.message);
      return;
    }
    const std::string here = path_string();
    std::string summary = "matches none of the " + std::to_string(alternatives.size()) + " allowed forms:";
    for (std::size_t i = 0; i < alternatives.size(); ++i) {
      summary += (i == 0 ? " (" : "; (") + std::to_string(i + 1) + ") ";
      if (errors[i].empty()) {
        summary += "does not match";
        continue;
      }
      const auto& first = errors[i].front();
      if (first.path != here) summary += "`" + first.path + "`: ";
      summary += first.message;
    }
    report(summary);
  }

  bool check_any_of(const Node& node, const json& instance, Evaluated* evaluated) {
    std::vector<std::vector<JsonSchema::Error>> errors;
    if (!evaluate_alternatives(node.any_of, instance, evaluated, true, errors).empty()) return true;
    report_no_alternative(node.any_of, instance, errors);
    return false;
  }

  bool check_one_of(const Node& node, const json& instance, Evaluated* evaluated) {
    std::vector<std::vector<JsonSchema::Error>> errors;
    Evaluated matched_annotations;
    const auto matched = evaluate_alternatives(node.one_of, instance,
                                               evaluated != nullptr ? &matched_annotations : nullptr, false, errors);
    if (matched.size() == 1) {
      if (evaluated != nullptr) evaluated->merge(matched_annotations);
      return true;
    }
    if (matched.empty()) {
      report_no_alternative(node.one_of, instance, errors);
    } else {
      report("matches more than one of the allowed forms (" + std::to_string(matched[0] + 1) + " and " +
             std::to_string(matched[1] + 1) + "); it must match exactly one");
    }
    return false;
  }

  const JsonSchema::Impl& impl_;
  std::vector<JsonSchema::Error>* errors_;
  std::size_t max_errors_;
  std::vector<Segment> path_;
  std::vector<int> scope_;
  std::size_t depth_ = 0;
};

}  // namespace
}  // namespace schema_detail

std::vector<JsonSchema::Error> JsonSchema::validate(const nlohmann::json& instance, std::size_t max_errors) const {
  std::vector<Error> errors;
  schema_detail::Evaluator(*impl_, &errors, std::max<std::size_t>(max_errors, 1)).eval(*impl_->root, instance, nullptr);
  return errors;
}

bool JsonSchema::is_valid(const nlohmann::json& instance) const {
  return schema_detail::Evaluator(*impl_, nullptr, 0).eval(*impl_->root, instance, nullptr);
}

std::string describe(const std::vector<JsonSchema::Error>& errors) {
  std::string out;
  for (const auto& error : errors) {
    if (!out.empty()) out += "; ";
    out += "`" + (error.path.empty() ? std::string("(arguments)") : error.path) + "`: " + error.message;
  }
  return out;
}

}  // namespace mcp
