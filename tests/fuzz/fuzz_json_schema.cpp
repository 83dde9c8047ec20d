// The JSON Schema validator: an input is a schema, a newline, and an instance. Schemas the validator refuses
// must be refused with std::invalid_argument (what the registry reports), never a crash or a hang.
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "server/json_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t split = input.find('\n');
  if (split == std::string_view::npos) return 0;
  auto schema = nlohmann::json::parse(input.substr(0, split), nullptr, false);
  auto instance = nlohmann::json::parse(input.substr(split + 1), nullptr, false);
  if (schema.is_discarded() || instance.is_discarded()) return 0;
  try {
    auto compiled = mcp::JsonSchema::compile(schema);
    auto errors = compiled.validate(instance, 10);
    if (errors.size() > 10) __builtin_trap();  // max_errors is a promise
    if (compiled.is_valid(instance) != errors.empty()) __builtin_trap();  // the two answers must agree
    (void)mcp::describe(errors);
  } catch (const std::invalid_argument&) {
    // An unusable schema: refused, which is the contract.
  }
  return 0;
}
