#include "server/tool_registry.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <regex>

#include <spdlog/spdlog.h>

#include "server/input_required.h"
#include "server/jsonrpc.h"
#include "server/request_context.h"

namespace mcp {

namespace {
const std::regex kToolName("^[A-Za-z0-9_.-]{1,128}$");
constexpr std::string_view kCursorPrefix = "tools/";

// What JSON Schema cannot say but every handler relies on: numbers fit a signed 64-bit integer (larger ones
// would wrap into other ids, e.g. 9223372036854775808 → -9223372036854775808) and strings hold no control
// characters but tab, newline and carriage return (a NUL would be written into HaloPSA as part of a name).
// Returns the first offending place as "`path`: why", or "".
std::string unsafe_value(const json& value, const std::string& where, int depth = 0) {
  constexpr double kInt64Limit = 9223372036854775807.0;
  if (depth > kMaxNestingDepth) return "";
  auto at = [&](const std::string& why) {
    return "`" + (where.empty() ? std::string("arguments") : where) + "`: " + why;
  };
  auto check_text = [&](const std::string& text, bool key) -> std::string {
    for (unsigned char c : text)
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        char code[8];
        std::snprintf(code, sizeof code, "U+%04X", c);
        return at(std::string(key ? "a property name" : "the text") + " contains the control character " + code +
                  "; remove it");
      }
    return "";
  };
  switch (value.type()) {
    case json::value_t::number_unsigned:
      if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        return at(value.dump() + " is out of range; ids and counts are at most 9223372036854775807");
      return "";
    case json::value_t::number_float: {
      double d = value.get<double>();
      if (!std::isfinite(d) || d >= kInt64Limit || d <= -kInt64Limit)
        return at(value.dump() +
                  " is out of range; numbers must lie between -9223372036854775807 and "
                  "9223372036854775807");
      return "";
    }
    case json::value_t::string: return check_text(value.get_ref<const std::string&>(), false);
    case json::value_t::array: {
      std::size_t i = 0;
      for (const auto& item : value)
        if (auto why = unsafe_value(item, where + "[" + std::to_string(i++) + "]", depth + 1); !why.empty()) return why;
      return "";
    }
    case json::value_t::object:
      for (const auto& [key, item] : value.items()) {
        std::string path = where.empty() ? key : where + "." + key;
        if (auto why = check_text(key, true); !why.empty()) return why;
        if (auto why = unsafe_value(item, path, depth + 1); !why.empty()) return why;
      }
      return "";
    default: return "";
  }
}

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
  list_cache_.clear();
}

void ToolRegistry::apply(const ToolPolicy& policy) {
  std::set<std::string> names, sets;
  for (const auto& e : entries_) {
    names.insert(e.spec.name);
    sets.insert(e.spec.toolset);
  }
  for (const auto& n : policy.tools)
    if (!names.count(n))
      throw std::invalid_argument("--tools: no tool named \"" + n + "\"; known tools: " + join(names));
  auto check_sets = [&](const std::set<std::string>& wanted, const char* flag) {
    for (const auto& s : wanted)
      if (!sets.count(s))
        throw std::invalid_argument(std::string(flag) + ": no toolset named \"" + s + "\"; toolsets: " + join(sets));
  };
  check_sets(policy.toolsets, "--toolsets");
  if (policy.allow_writes) check_sets(*policy.allow_writes, "--allow-writes");

  list_cache_.clear();
  for (auto& e : entries_) {
    e.hidden.reset();
    const auto& s = e.spec;
    if (policy.read_only && s.writes()) e.hidden = "the server runs read-only (--read-only / HALOPSA_READ_ONLY)";
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

std::size_t ToolRegistry::size() const {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.hidden; }));
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
  return *page(offset_of(cursor), page_size, kAllTools).json_page;
}

std::optional<std::string> ToolRegistry::missing_scope(const ToolSpec& tool, const CallerInfo* caller) const {
  if (!caller) return std::nullopt;
  const std::string& needed = tool.writes() ? scopes_.write : scopes_.read;
  if (needed.empty() || caller->scopes.count(needed)) return std::nullopt;
  return needed;
}

unsigned ToolRegistry::permitted_kinds(const CallerInfo* caller) const {
  if (!caller) return kAllTools;
  auto has = [&](const std::string& scope) { return scope.empty() || caller->scopes.count(scope) > 0; };
  return (has(scopes_.read) ? kReadTools : 0u) | (has(scopes_.write) ? kWriteTools : 0u);
}

std::size_t ToolRegistry::offset_of(const json& cursor) {
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
  return offset;
}

std::shared_ptr<const std::string> ToolRegistry::list_serialized(const json& cursor, std::size_t page_size,
                                                                 const CallerInfo* caller) const {
  return page(offset_of(cursor), page_size, permitted_kinds(caller)).text;
}

const ToolRegistry::ListPage& ToolRegistry::page(std::size_t offset, std::size_t page_size, unsigned kinds) const {
  // The exposed set is fixed once the policy is applied, and a caller's scopes permit one of four kinds of tools
  // (none, read, write, all), so each page is built and serialised once. Offsets past the end are one empty page,
  // so clients cannot grow the cache with made-up cursors.
  offset = std::min(offset, size());
  std::lock_guard lock(list_cache_mutex_);
  auto& cached = list_cache_[{offset, page_size, kinds}];
  if (!cached.json_page) {
    auto tools = exposed();
    std::erase_if(tools, [kinds](const ToolSpec* t) { return !(kinds & (t->writes() ? kWriteTools : kReadTools)); });
    json built{{"tools", json::array()}};
    std::size_t end = std::min(tools.size(), offset + page_size);
    for (std::size_t i = offset; i < end; ++i) built["tools"].push_back(tools[i]->definition());
    if (end < tools.size()) built["nextCursor"] = std::string(kCursorPrefix) + std::to_string(end);
    cached.text = std::make_shared<const std::string>(dump_safe(built));
    cached.json_page = std::make_shared<const json>(std::move(built));
  }
  return cached;
}

ToolResult ToolRegistry::call(const ToolSpec& tool, const json& arguments, RequestContext& ctx) const {
  const Entry* e = entry(tool.name);
  ToolResult result = run(*e, arguments, ctx);
  return pii_ ? pii_->scrub(result) : result;
}

ToolResult ToolRegistry::run(const Entry& e, const json& arguments, RequestContext& ctx) const {
  const ToolSpec& tool = e.spec;
  const bool audited = audit_ && tool.writes();
  auto errors = e.input->validate(arguments);
  std::string unsafe = errors.empty() ? unsafe_value(arguments, "") : "";
  if (!errors.empty() || !unsafe.empty()) {
    std::string message = "Invalid arguments for " + tool.name + ": " + (errors.empty() ? unsafe : describe(errors)) +
                          ". Fix these and call the tool again.";
    if (audited) audit_->rejected("invalid", tool.name, ctx.session_id(), arguments, message, ctx.caller());
    return ToolResult::error(std::move(message));
  }
  if (write_gate_ && tool.writes()) {
    if (auto why = write_gate_()) {
      if (audited) audit_->rejected("refused", tool.name, ctx.session_id(), arguments, *why);
      return ToolResult::error(std::move(*why));
    }
  }
  std::string call_id;
  SecretValues noted_secrets;  // what the handler learns is secret (note_secret_value) is masked in its audit lines
  if (audited) {
    try {
      call_id = audit_->started(tool.name, ctx.session_id(), arguments, ctx.caller());
    } catch (const std::exception& ex) {
      // No audit trail, no write: the operator asked for every write to be recorded.
      return ToolResult::error(std::string("Not done: ") + ex.what() +
                               ". Nothing was sent to HaloPSA; ask the "
                               "operator to fix the audit log.");
    }
  }
  ToolResult result;
  try {
    result = tool.handler(arguments, ctx);
  } catch (const std::exception& ex) {
    // A failure the domain explains is an error result like any other (and audited as one); the rest is internal.
    const std::optional<std::string> told = translate_ ? translate_(ex) : std::nullopt;
    if (!told) {
      if (audited) audit_->failed(call_id, tool.name, ctx.session_id(), arguments, ex.what(), ctx.caller());
      throw;
    }
    result = ToolResult::error(*told);
  } catch (const era::InputRequired&) {
    // A 2026-07-28 call paused to ask the user; its retry is a new call with its own trail.
    if (audited)
      audit_->failed(call_id, tool.name, ctx.session_id(), arguments,
                     "paused: the client was asked for input (input_required); a retry of the call runs it again",
                     ctx.caller());
    throw;
  }
  if (audited) {
    try {
      audit_->finished(call_id, tool.name, ctx.session_id(), arguments, result, ctx.caller());
    } catch (const std::exception& ex) {
      spdlog::error("tool {}: {}", tool.name, ex.what());  // the write happened; the caller must still learn of it
    }
  }
  if (validate_output_ && e.output && !result.is_error) {
    if (!result.structured) {
      spdlog::error("tool {} returned no structuredContent despite its outputSchema", tool.name);
      return ToolResult::error("internal error: " + tool.name + " returned no structured result");
    }
    auto out_errors = e.output->validate(*result.structured);
    if (!out_errors.empty()) {
      spdlog::error("tool {} returned structuredContent that breaks its outputSchema: {}", tool.name,
                    describe(out_errors));
      return ToolResult::error("internal error: " + tool.name + " produced a result that breaks its own schema (" +
                               describe(out_errors) + ")");
    }
  }
  return result;
}

void ToolRegistry::record_refusal(std::string_view name, const json& arguments, const RequestContext& ctx,
                                  const std::string& reason) const {
  const Entry* e = entry(name);
  if (!audit_ || !e || !e->spec.writes()) return;
  try {
    audit_->rejected("refused", e->spec.name, ctx.session_id(), arguments, reason, ctx.caller());
  } catch (const std::exception& ex) {
    spdlog::error("{}", ex.what());  // refused either way
  }
}

}  // namespace mcp
