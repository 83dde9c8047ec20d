#include "server/tool.h"

#include "server/jsonrpc.h"

namespace mcp {

ToolResult ToolResult::data(json structured, std::string text) {
  ToolResult result;
  if (text.empty()) text = dump_safe(structured);
  result.content.push_back({{"type", "text"}, {"text", std::move(text)}});
  result.structured = std::move(structured);
  return result;
}

ToolResult ToolResult::text(std::string text) {
  ToolResult result;
  result.content.push_back({{"type", "text"}, {"text", std::move(text)}});
  return result;
}

ToolResult ToolResult::error(std::string message, std::optional<json> structured) {
  ToolResult result = text(std::move(message));
  result.is_error = true;
  result.structured = std::move(structured);
  return result;
}

json ToolResult::to_json() const {
  json out{{"content", content}};
  if (structured) out["structuredContent"] = *structured;
  if (is_error) out["isError"] = true;
  return out;
}

json ToolSpec::definition() const {
  json def{{"name", name}, {"title", title}, {"description", description}, {"inputSchema", input_schema}};
  if (output_schema) def["outputSchema"] = *output_schema;
  json hints{{"title", title}, {"readOnlyHint", annotations.read_only}, {"openWorldHint", annotations.open_world}};
  if (!annotations.read_only) {
    hints["destructiveHint"] = annotations.destructive;
    hints["idempotentHint"] = annotations.idempotent;
  } else {
    hints["idempotentHint"] = true;
  }
  def["annotations"] = std::move(hints);
  return def;
}

}  // namespace mcp
