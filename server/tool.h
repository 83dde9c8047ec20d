// What a tool is: its public definition (what the model sees) and its handler, declared in one place.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mcp {

using json = nlohmann::json;
class RequestContext;

struct ToolAnnotations {
  bool read_only = false;    // readOnlyHint
  bool destructive = false;  // destructiveHint (only meaningful when !read_only)
  bool idempotent = false;   // idempotentHint
  bool open_world = true;    // openWorldHint: talks to HaloPSA
};

struct ToolResult {
  json content = json::array();
  std::optional<json> structured;
  bool is_error = false;

  // A result with structured data and the text a person or model reads (defaults to the data as JSON).
  static ToolResult data(json structured, std::string text = {});
  static ToolResult text(std::string text);
  // A failure the model can act on: the text says what went wrong and what to do.
  static ToolResult error(std::string message, std::optional<json> structured = std::nullopt);

  json to_json() const;
};

using ToolHandler = std::function<ToolResult(const json& arguments, RequestContext& ctx)>;

struct ToolSpec {
  std::string name;
  std::string title;
  std::string description;
  std::string toolset;  // clients, sites, contacts, workflows, status …
  json input_schema;    // a JSON Schema object
  std::optional<json> output_schema;
  ToolAnnotations annotations;
  ToolHandler handler;

  bool writes() const { return !annotations.read_only; }
  json definition() const;  // the tools/list entry
};

}  // namespace mcp
