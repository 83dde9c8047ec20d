// The JSON Schema validator: an input is a schema, a newline, and an instance. Schemas the validator refuses
// must be refused with std::invalid_argument (what the registry reports), never a crash or a hang.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "server/json_schema.h"

namespace {

// Schemas are this repository's, not callers': a pattern with nested quantifiers ("(a*)*", "a**") makes
// std::regex backtrack for minutes, which is std::regex's nature, not a bug here. Such schemas are skipped.
bool nested_quantifiers(const std::string& re) {
  auto quantifier = [](char c) { return c == '*' || c == '+' || c == '{'; };
  std::vector<bool> group_has_quantifier;
  for (std::size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '(') group_has_quantifier.push_back(false);
    if (quantifier(c) || c == '?') {
      if (i > 0 && (re[i - 1] == '*' || re[i - 1] == '+' || re[i - 1] == '}' || re[i - 1] == '?') && c != '?')
        return true;
      if (!group_has_quantifier.empty() && c != '?') group_has_quantifier.back() = true;
    }
    if (c == ')' && !group_has_quantifier.empty()) {
      bool inner = group_has_quantifier.back();
      group_has_quantifier.pop_back();
      if (inner && i + 1 < re.size() && quantifier(re[i + 1])) return true;
      // An optional group ("(x*)?") runs at most once: it does not make its parent's repetition nested.
      const bool optional = i + 1 < re.size() && re[i + 1] == '?';
      if (inner && !optional && !group_has_quantifier.empty()) group_has_quantifier.back() = true;
    }
  }
  return false;
}

bool has_pathological_pattern(const nlohmann::json& schema, int depth = 0) {
  if (depth > 64) return true;
  if (schema.is_object()) {
    for (const auto& [key, value] : schema.items()) {
      if (key == "pattern" && value.is_string() && nested_quantifiers(value.get<std::string>())) return true;
      if (key == "patternProperties" && value.is_object())
        for (const auto& [re, sub] : value.items())
          if (nested_quantifiers(re)) return true;
      if (has_pathological_pattern(value, depth + 1)) return true;
    }
  } else if (schema.is_array()) {
    for (const auto& item : schema)
      if (has_pathological_pattern(item, depth + 1)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find('\n');
  if (split == std::string_view::npos) return 0;
  auto schema = nlohmann::json::parse(input.substr(0, split), nullptr, false);
  auto instance = nlohmann::json::parse(input.substr(split + 1), nullptr, false);
  if (schema.is_discarded() || instance.is_discarded() || has_pathological_pattern(schema)) return 0;
  try {
    auto compiled = mcp::JsonSchema::compile(schema);
    auto errors = compiled.validate(instance, 10);
    if (errors.size() > 10) __builtin_trap();                             // max_errors is a promise
    if (compiled.is_valid(instance) != errors.empty()) __builtin_trap();  // the two answers must agree
    (void)mcp::describe(errors);
  } catch (const std::invalid_argument&) {
    // An unusable schema: refused, which is the contract.
  }
  return 0;
}
