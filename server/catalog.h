// Prompts and resources: the other two things an MCP server offers besides tools.
// Each declares the tools it stands for, so the tool policy (--tools, --toolsets, --read-only, --allow-writes)
// governs it too: while one of those tools is switched off, it is not listed, and reading it, getting it,
// completing its arguments or subscribing to it is refused with the reason, before anything reaches HaloPSA.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp {

using json = nlohmann::json;
class RequestContext;

// Suggestions for an argument being typed: (argument name, value so far, other arguments) → candidates.
using Completer = std::function<std::vector<std::string>(const std::string& argument, const std::string& value,
                                                         const json& context_arguments)>;
// Why a tool is switched off by the policy, or nullopt when it is exposed. Throws std::invalid_argument for a
// tool that does not exist (a prompt or resource declaring it is a programming error, caught at startup).
using ToolHiddenReason = std::function<std::optional<std::string>(std::string_view tool)>;

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
};

struct PromptSpec {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  // Returns the prompts/get result: {"description"?, "messages": [...]}. Arguments are strings.
  std::function<json(const std::map<std::string, std::string>& arguments, RequestContext& ctx)> render;
  Completer complete;                 // optional
  std::vector<std::string> tools;     // the tools it stands for: offered only while all of them are
  std::optional<std::string> hidden;  // set by apply(): why it is not offered
};

struct ResourceSpec {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type = "application/json";
  std::function<json(const std::string& uri, RequestContext& ctx)> read;  // returns the "contents" array
  std::vector<std::string> tools;     // the tools it stands for: offered only while all of them are
  std::optional<std::string> hidden;  // set by apply(): why it is not offered
};

// A parameterised resource such as halopsa://clients/{id}.
struct ResourceTemplateSpec {
  std::string uri_template;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type = "application/json";
  std::function<json(const std::string& uri, const std::map<std::string, std::string>& vars, RequestContext& ctx)> read;
  Completer complete;                 // optional
  std::vector<std::string> tools;     // the tools it stands for: offered only while all of them are
  std::optional<std::string> hidden;  // set by apply(): why it is not offered
};

class PromptCatalog {
 public:
  void add(PromptSpec spec);
  // Hides every prompt one of whose tools is switched off.
  void apply(const ToolHiddenReason& why_hidden);
  bool empty() const { return prompts_.empty(); }
  // An offered prompt, nullptr if there is none of that name; throws RpcError with the reason if it is hidden.
  const PromptSpec* find(std::string_view name) const;
  json list() const;
  json get(const json& params, RequestContext& ctx) const;  // throws RpcError on bad params
 private:
  std::vector<PromptSpec> prompts_;
};

class ResourceCatalog {
 public:
  void add(ResourceSpec spec);
  void add(ResourceTemplateSpec spec);
  // Hides every resource and template one of whose tools is switched off.
  void apply(const ToolHiddenReason& why_hidden);
  bool empty() const { return resources_.empty() && templates_.empty(); }
  json list() const;
  json list_templates() const;
  json read(const json& params, RequestContext& ctx) const;  // throws RpcError (-32002 when unknown)
  // A listed resource's URI, or one a template matches (without reading it); throws RpcError if it is hidden.
  bool offers(std::string_view uri) const;
  // An offered template, nullptr if there is none; throws RpcError with the reason if it is hidden.
  const ResourceTemplateSpec* find_template(std::string_view uri_template) const;

  // Matches "halopsa://clients/12" against "halopsa://clients/{id}"; simple {name} segments only.
  static std::optional<std::map<std::string, std::string>> match(std::string_view uri_template, std::string_view uri);

 private:
  std::vector<ResourceSpec> resources_;
  std::vector<ResourceTemplateSpec> templates_;
};

}  // namespace mcp
