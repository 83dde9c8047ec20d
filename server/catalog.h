// Prompts and resources: the other two things an MCP server offers besides tools.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp {

using json = nlohmann::json;
class RequestContext;

// Suggestions for an argument being typed: (argument name, value so far, other arguments) → candidates.
using Completer = std::function<std::vector<std::string>(const std::string& argument, const std::string& value,
                                                         const json& context_arguments)>;

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
  Completer complete;  // optional
};

struct ResourceSpec {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type = "application/json";
  std::function<json(const std::string& uri, RequestContext& ctx)> read;  // returns the "contents" array
};

// A parameterised resource such as halopsa://clients/{id}.
struct ResourceTemplateSpec {
  std::string uri_template;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type = "application/json";
  std::function<json(const std::string& uri, const std::map<std::string, std::string>& vars, RequestContext& ctx)>
      read;
  Completer complete;  // optional
};

class PromptCatalog {
 public:
  void add(PromptSpec spec);
  bool empty() const { return prompts_.empty(); }
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
  bool empty() const { return resources_.empty() && templates_.empty(); }
  json list() const;
  json list_templates() const;
  json read(const json& params, RequestContext& ctx) const;  // throws RpcError (-32002 when unknown)
  // A listed resource's URI, or one a template matches (without reading it).
  bool offers(std::string_view uri) const;
  const ResourceTemplateSpec* find_template(std::string_view uri_template) const;

  // Matches "halopsa://clients/12" against "halopsa://clients/{id}"; simple {name} segments only.
  static std::optional<std::map<std::string, std::string>> match(std::string_view uri_template, std::string_view uri);

 private:
  std::vector<ResourceSpec> resources_;
  std::vector<ResourceTemplateSpec> templates_;
};

}  // namespace mcp
