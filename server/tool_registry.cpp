#include "server/tool_registry.h"

#include <regex>

#include <spdlog/spdlog.h>

#include "server/jsonrpc.h"
#include "server/request_context.h"

namespace mcp {

namespace {
const std::regex kToolName("^[A-Za-z0-9_.-]{1,128}$");
constexpr std::string_view kCursorPrefix = "tools/";

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}
}  // namespace

void ToolRegistry::add(ToolSpec spec) {
  if (!std::regex_match(spec.name, kToolName)) throw std::invalid_argument("invalid tool name: " + spec.name);
  if (entry(spec.name)) throw std::invalid_argument("tool registered twice: " + spec.name);
  if (spec.description.empty()) throw std::invalid_argument("tool without a description: " + spec.name);
  if (!spec.input_schema.is_object() || spec.input_schema.value("type", "") != "object")
    throw std::invalid_argument("tool " + spec.name + ": inputSchema must be an object schema");
  Entry e;
  try {
    e.input = std::make_shared<JsonSchema>(JsonSchema::compile(spec.input_schema));
    if (spec.output_schema) e.output = std::make_shared<JsonSchema>(JsonSchema::compile(*spec.output_schema));
  } catch (const std::exception& ex) {
    throw std::invalid_argument("tool " + spec.name + ": " + ex.what());
  }
  e.spec = std::move(spec);
  entries_.push_back(std::move(e));
}

void ToolRegistry::apply(const ToolPolicy& policy) {
  std::set<std::string> names, sets;
  for (const auto& e : entries_) {
    names.insert(e.spec.name);
    sets.insert(e.spec.toolset);
  }
  for (const auto& n : policy.tools)
    if (!names.count(n)) throw std::invalid_argument("--tools: no tool named \"" + n + "\"; known tools: " + join(names));
  auto check_sets = [&](const std::set<std::string>& wanted, const char* flag) {
    for (const auto& s : wanted)
      if (!sets.count(s))
        throw std::invalid_argument(std::string(flag) + ": no toolset named \"" + s + "\"; toolsets: " + join(sets));
  };
  check_sets(policy.toolsets, "--toolsets");
  if (policy.allow_writes) check_sets(*policy.allow_writes, "--allow-writes");

  for (auto& e : entries_) {
    e.hidden.reset();
    const auto& s = e.spec;
    if (policy.read_only && s.writes())
      e.hidden = "the server runs read-only (--read-only / HALOPSA_READ_ONLY)";
    else if (policy.allow_writes && s.writes() && !policy.allow_writes->count(s.toolset))
      e.hidden = "writes to " + s.toolset + " are not allowed (--allow-writes " + join(*policy.allow_writes) + ")";
    else if (!policy.tools.empty() && !policy.tools.count(s.name))
      e.hidden = "it is not in the --tools list";
    else if (!policy.toolsets.empty() && !policy.toolsets.count(s.toolset))
      e.hidden = "its toolset \"" + s.toolset + "\" is not in --toolsets";
  }
}

const ToolRegistry::Entry* ToolRegistry::entry(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.spec.name == name) return &e;
  return nullptr;
}

std::vector<const ToolSpec*> ToolRegistry::exposed() const {
  std::vector<const ToolSpec*> out;
  for (const auto& e : entries_)
    if (!e.hidden) out.push_back(&e.spec);
  return out;
}

const ToolSpec* ToolRegistry::find(std::string_view name) const {
  const Entry* e = entry(name);
  return e && !e->hidden ? &e->spec : nullptr;
}

std::optional<std::string> ToolRegistry::hidden_reason(std::string_view name) const {
  const Entry* e = entry(name);
  return e ? e->hidden : std::nullopt;
}

std::set<std::string> ToolRegistry::toolsets() const {
  std::set<std::string> out;
  for (const auto& e : entries_) out.insert(e.spec.toolset);
  return out;
}

json ToolRegistry::list(const json& cursor, std::size_t page_size) const {
  std::size_t offset = 0;
  if (!cursor.is_null()) {
    // Opaque to clients; to us it is "tools/<offset>".
    std::string c = cursor.is_string() ? cursor.get<std::string>() : std::string();
    bool ok = c.rfind(kCursorPrefix, 0) == 0 && c.size() > kCursorPrefix.size();
    if (ok) {
      try {
        std::size_t used = 0;
        offset = std::stoul(c.substr(kCursorPrefix.size()), &used);
        ok = used == c.size() - kCursorPrefix.size();
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) throw RpcError(rpc::kInvalidParams, "Invalid cursor: pass the nextCursor of the previous tools/list");
  }
  auto tools = exposed();
  json out{{"tools", json::array()}};
  std::size_t end = std::min(tools.size(), offset + page_size);
  for (std::size_t i = offset; i < end; ++i) out["tools"].push_back(tools[i]->definition());
  if (end < tools.size()) out["nextCursor"] = std::string(kCursorPrefix) + std::to_string(end);
  return out;
}

ToolResult ToolRegistry::call(const ToolSpec& tool, const json& arguments, RequestContext& ctx) const {
  const Entry* e = entry(tool.name);
  auto errors = e->input->validate(arguments);
  if (!errors.empty())
    return ToolResult::error("Invalid arguments for " + tool.name + ": " + describe(errors) +
                             ". Fix these and call the tool again.");
  ToolResult result = tool.handler(arguments, ctx);
  if (validate_output_ && e->output && !result.is_error) {
    if (!result.structured) {
      spdlog::error("tool {} returned no structuredContent despite its outputSchema", tool.name);
      return ToolResult::error("internal error: " + tool.name + " returned no structured result");
    }
    auto out_errors = e->output->validate(*result.structured);
    if (!out_errors.empty()) {
      spdlog::error("tool {} returned structuredContent that breaks its outputSchema: {}", tool.name,
                    describe(out_errors));
      return ToolResult::error("internal error: " + tool.name + " produced a result that breaks its own schema (" +
                               describe(out_errors) + ")");
    }
  }
  return result;
}

}  // namespace mcp
