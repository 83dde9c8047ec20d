#include "server/catalog.h"

#include "server/jsonrpc.h"

namespace mcp {

namespace {

json prompt_definition(const PromptSpec& p) {
  json args = json::array();
  for (const auto& a : p.arguments)
    args.push_back({{"name", a.name}, {"description", a.description}, {"required", a.required}});
  json def{{"name", p.name}, {"description", p.description}, {"arguments", std::move(args)}};
  if (!p.title.empty()) def["title"] = p.title;
  return def;
}
// "it needs get_client, which is switched off: its toolset "clients" is not in --toolsets", or nullopt.
std::optional<std::string> hidden_by(const std::vector<std::string>& tools, const ToolHiddenReason& why_hidden) {
  for (const auto& tool : tools)
    if (auto reason = why_hidden(tool)) return "it needs the tool " + tool + ", which is switched off: " + *reason;
  return std::nullopt;
}

[[noreturn]] void refuse(int code, const std::string& what, const std::string& reason, json data = json::object()) {
  data["reason"] = reason;
  throw RpcError(code, what + " is not available on this server: " + reason + ".", std::move(data));
}

}  // namespace

void PromptCatalog::apply(const ToolHiddenReason& why_hidden) {
  for (auto& p : prompts_) p.hidden = hidden_by(p.tools, why_hidden);
}

void ResourceCatalog::apply(const ToolHiddenReason& why_hidden) {
  for (auto& r : resources_) r.hidden = hidden_by(r.tools, why_hidden);
  for (auto& t : templates_) t.hidden = hidden_by(t.tools, why_hidden);
}

void PromptCatalog::add(PromptSpec spec) { prompts_.push_back(std::move(spec)); }

const PromptSpec* PromptCatalog::find(std::string_view name) const {
  for (const auto& p : prompts_)
    if (p.name == name) {
      if (p.hidden) refuse(rpc::kInvalidParams, "The prompt " + p.name, *p.hidden, {{"prompt", p.name}});
      return &p;
    }
  return nullptr;
}

json PromptCatalog::list() const {
  json out{{"prompts", json::array()}};
  for (const auto& p : prompts_)
    if (!p.hidden) out["prompts"].push_back(prompt_definition(p));
  return out;
}

json PromptCatalog::get(const json& params, RequestContext& ctx) const {
  if (!params.contains("name") || !params["name"].is_string())
    throw RpcError(rpc::kInvalidParams, "prompts/get needs a string \"name\"");
  const PromptSpec* p = find(params["name"].get<std::string>());
  if (!p) throw RpcError(rpc::kInvalidParams, "Unknown prompt: " + params["name"].get<std::string>());
  std::map<std::string, std::string> args;
  if (params.contains("arguments")) {
    if (!params["arguments"].is_object()) throw RpcError(rpc::kInvalidParams, "\"arguments\" must be an object");
    for (const auto& [k, v] : params["arguments"].items()) {
      if (!v.is_string()) throw RpcError(rpc::kInvalidParams, "prompt argument \"" + k + "\" must be a string");
      args[k] = v.get<std::string>();
    }
  }
  for (const auto& a : p->arguments)
    if (a.required && (!args.count(a.name) || args[a.name].empty()))
      throw RpcError(rpc::kInvalidParams, "prompt " + p->name + " needs the argument \"" + a.name + "\"");
  return p->render(args, ctx);
}

void ResourceCatalog::add(ResourceSpec spec) { resources_.push_back(std::move(spec)); }
void ResourceCatalog::add(ResourceTemplateSpec spec) { templates_.push_back(std::move(spec)); }

json ResourceCatalog::list() const {
  json out{{"resources", json::array()}};
  for (const auto& r : resources_) {
    if (r.hidden) continue;
    json def{{"uri", r.uri}, {"name", r.name}, {"mimeType", r.mime_type}};
    if (!r.title.empty()) def["title"] = r.title;
    if (!r.description.empty()) def["description"] = r.description;
    out["resources"].push_back(std::move(def));
  }
  return out;
}

json ResourceCatalog::list_templates() const {
  json out{{"resourceTemplates", json::array()}};
  for (const auto& t : templates_) {
    if (t.hidden) continue;
    json def{{"uriTemplate", t.uri_template}, {"name", t.name}, {"mimeType", t.mime_type}};
    if (!t.title.empty()) def["title"] = t.title;
    if (!t.description.empty()) def["description"] = t.description;
    out["resourceTemplates"].push_back(std::move(def));
  }
  return out;
}

const ResourceTemplateSpec* ResourceCatalog::find_template(std::string_view uri_template) const {
  for (const auto& t : templates_)
    if (t.uri_template == uri_template) {
      if (t.hidden)
        refuse(rpc::kInvalidParams, "The resource template " + t.uri_template, *t.hidden, {{"uri", t.uri_template}});
      return &t;
    }
  return nullptr;
}

std::optional<std::map<std::string, std::string>> ResourceCatalog::match(std::string_view tmpl, std::string_view uri) {
  std::map<std::string, std::string> vars;
  std::size_t t = 0, u = 0;
  while (t < tmpl.size()) {
    if (tmpl[t] == '{') {
      std::size_t close = tmpl.find('}', t);
      if (close == std::string_view::npos) return std::nullopt;
      std::string name(tmpl.substr(t + 1, close - t - 1));
      char stop = close + 1 < tmpl.size() ? tmpl[close + 1] : '\0';
      std::size_t end = stop ? uri.find(stop, u) : uri.find('/', u);
      if (end == std::string_view::npos) end = uri.size();
      if (end == u) return std::nullopt;
      vars[name] = std::string(uri.substr(u, end - u));
      u = end;
      t = close + 1;
    } else {
      if (u >= uri.size() || uri[u] != tmpl[t]) return std::nullopt;
      ++t, ++u;
    }
  }
  if (u != uri.size()) return std::nullopt;
  return vars;
}

bool ResourceCatalog::offers(std::string_view uri) const {
  const std::string u(uri);
  for (const auto& r : resources_)
    if (r.uri == uri) {
      if (r.hidden) refuse(rpc::kResourceNotFound, "The resource " + u, *r.hidden, {{"uri", u}});
      return true;
    }
  for (const auto& t : templates_)
    if (match(t.uri_template, uri)) {
      if (t.hidden) refuse(rpc::kResourceNotFound, "The resource " + u, *t.hidden, {{"uri", u}});
      return true;
    }
  return false;
}

json ResourceCatalog::read(const json& params, RequestContext& ctx) const {
  if (!params.contains("uri") || !params["uri"].is_string())
    throw RpcError(rpc::kInvalidParams, "resources/read needs a string \"uri\"");
  std::string uri = params["uri"].get<std::string>();
  offers(uri);  // a hidden resource is refused here, before its reader can reach HaloPSA
  for (const auto& r : resources_)
    if (r.uri == uri) return {{"contents", r.read(uri, ctx)}};
  for (const auto& t : templates_)
    if (auto vars = match(t.uri_template, uri)) return {{"contents", t.read(uri, *vars, ctx)}};
  throw RpcError(rpc::kResourceNotFound, "Resource not found: " + uri, {{"uri", uri}});
}

}  // namespace mcp
