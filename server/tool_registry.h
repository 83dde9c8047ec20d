// Every tool the server offers, its compiled schemas, and the policy that decides which are exposed.
// The policy is enforced here, centrally: a hidden tool cannot be called, whatever a client sends.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "server/audit_log.h"
#include "server/caller.h"
#include "server/json_schema.h"
#include "server/pii_redactor.h"
#include "server/tool.h"

namespace mcp {

struct ToolPolicy {
  bool read_only = false;                             // no tool that writes
  std::set<std::string> tools;                        // if non-empty: only these tools
  std::set<std::string> toolsets;                     // if non-empty: only tools of these toolsets
  std::optional<std::set<std::string>> allow_writes;  // if set: write tools only in these toolsets
};

// Which scope an authenticated caller needs for a tool: `write` for a tool whose annotations do not say readOnlyHint,
// `read` for the others. An empty name requires nothing. Callers without an identity (stdio, the static-token
// mode) are not subject to it.
struct ScopePolicy {
  std::string read;
  std::string write;
};

class ToolRegistry {
 public:
  // Registers a tool; compiles its schemas now (throws std::invalid_argument naming the tool on a bad schema).
  void add(ToolSpec spec);

  // Applies the policy. Throws std::invalid_argument for names in the policy that match no tool or toolset.
  void apply(const ToolPolicy& policy);

  // Exposed tools, in registration order.
  std::vector<const ToolSpec*> exposed() const;
  std::size_t size() const;                           // exposed tools
  const ToolSpec* find(std::string_view name) const;  // exposed only
  // Why a registered tool is not exposed ("the server runs read-only"), or nullopt if unknown/exposed.
  std::optional<std::string> hidden_reason(std::string_view name) const;
  std::set<std::string> toolsets() const;

  // tools/list with an opaque cursor; throws RpcError(-32602) for a cursor it did not issue.
  json list(const json& cursor, std::size_t page_size) const;
  // The same page, serialised once: what a session sends without building or dumping it again. With a caller
  // subject to the scope policy, only the tools its scopes permit (built per call, not cached).
  std::shared_ptr<const std::string> list_serialized(const json& cursor, std::size_t page_size,
                                                     const CallerInfo* caller = nullptr) const;

  void set_scope_policy(ScopePolicy policy) { scopes_ = std::move(policy); }
  const ScopePolicy& scope_policy() const { return scopes_; }
  // The scope `caller` lacks to call `tool` (to ask for in a step-up), or nullopt when it may call it.
  std::optional<std::string> missing_scope(const ToolSpec& tool, const CallerInfo* caller) const;

  // Validates arguments, runs the handler, and (when enabled) checks structuredContent against the output
  // schema. Argument problems come back as isError results naming the field. Calls to write tools go to the
  // audit log (if set) before the result is returned; results are PII-masked (if set) last.
  ToolResult call(const ToolSpec& tool, const json& arguments, RequestContext& ctx) const;

  // A call the session refuses because the tool is hidden: recorded in the audit log when the tool writes.
  void record_refusal(std::string_view name, const json& arguments, const RequestContext& ctx,
                      const std::string& reason) const;

  void set_audit_log(std::shared_ptr<AuditLog> log) { audit_ = std::move(log); }
  // Masks e-mail addresses and phone numbers in every tool result (--redact-pii).
  void set_pii_redactor(std::shared_ptr<const PiiRedactor> redactor) { pii_ = std::move(redactor); }
  const PiiRedactor* pii_redactor() const { return pii_.get(); }

  // Check every structuredContent against the tool's outputSchema (on in debug builds and in tests).
  void set_validate_output(bool on) { validate_output_ = on; }

  // Turns what a handler throws into the text of an isError result the model can act on (the domain layer knows
  // its own failures: a refused argument, an upstream error); nullopt leaves it an internal error. Set once, before
  // serving. Handlers then hold no try/catch of their own.
  using ErrorTranslator = std::function<std::optional<std::string>(const std::exception&)>;
  void set_error_translator(ErrorTranslator translate) { translate_ = std::move(translate); }

  // Asked before every call of a tool that writes: a reason refuses the call (an isError result with that text,
  // audited as refused) before its handler runs; nullopt lets it run. For a write that must not run without
  // something outside this process (replicas: the shared store that guards writes). Set once, before serving.
  using WriteGate = std::function<std::optional<std::string>()>;
  void set_write_gate(WriteGate gate) { write_gate_ = std::move(gate); }

 private:
  struct Entry {
    ToolSpec spec;
    std::shared_ptr<JsonSchema> input;
    std::shared_ptr<JsonSchema> output;
    std::optional<std::string> hidden;
  };
  const Entry* entry(std::string_view name) const;
  ToolResult run(const Entry& e, const json& arguments, RequestContext& ctx) const;
  std::vector<Entry> entries_;
  ErrorTranslator translate_;
  WriteGate write_gate_;
  mutable std::mutex list_cache_mutex_;
  struct ListPage {
    std::shared_ptr<const json> json_page;
    std::shared_ptr<const std::string> text;
  };
  static std::size_t offset_of(const json& cursor);  // throws RpcError for a cursor we did not hand out
  static constexpr unsigned kReadTools = 1, kWriteTools = 2, kAllTools = 3;
  unsigned permitted_kinds(const CallerInfo* caller) const;  // which kinds of tools the caller's scopes permit
  const ListPage& page(std::size_t offset, std::size_t page_size, unsigned kinds) const;
  // (offset, page size, permitted kinds) → page
  mutable std::map<std::tuple<std::size_t, std::size_t, unsigned>, ListPage> list_cache_;
  std::shared_ptr<AuditLog> audit_;
  std::shared_ptr<const PiiRedactor> pii_;
  ScopePolicy scopes_;
#ifdef NDEBUG
  bool validate_output_ = false;
#else
  bool validate_output_ = true;
#endif
};

}  // namespace mcp
