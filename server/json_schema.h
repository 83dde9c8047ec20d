// A JSON Schema (draft 2020-12) validator for tool inputs and outputs.
// No C++ validator is packaged for Debian, so this one is ours: compiled once, validated many times.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp {

class JsonSchema {
 public:
  struct Error {
    std::string path;     // instance location for a model to read: "emailaddress", "sites[2].name", "" for the root
    std::string message;  // what was expected, with the offending value: "expected an e-mail address, got \"bob@\""
  };

  struct Options {
    // format email/uri/date/date-time reject values that do not match. The spec's default is to treat format as an
    // annotation only (false); the server wants real checking, so compile(schema) asserts.
    bool assert_formats = true;
    // Supplies the document for a $ref to an absolute URI that the schema itself does not define. Called during
    // compile only; return nullopt when unknown (compile then throws). The validator never fetches anything itself.
    std::function<std::optional<nlohmann::json>(const std::string& uri)> load_document;
  };

  // Compiles a schema (object or boolean). Throws std::invalid_argument when the schema itself is malformed.
  static JsonSchema compile(const nlohmann::json& schema);
  static JsonSchema compile(const nlohmann::json& schema, const Options& options);

  // All violations, up to max_errors. Empty means valid.
  std::vector<Error> validate(const nlohmann::json& instance, std::size_t max_errors = 10) const;
  bool is_valid(const nlohmann::json& instance) const;

  JsonSchema(JsonSchema&&) noexcept;
  JsonSchema& operator=(JsonSchema&&) noexcept;
  ~JsonSchema();

  struct Impl;

 private:
  explicit JsonSchema(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// "`a`: expected …; `b[0]`: …" — one line a model can act on.
std::string describe(const std::vector<JsonSchema::Error>& errors);

}  // namespace mcp
