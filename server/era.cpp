#include "server/era.h"

#include <algorithm>
#include <array>

#include "server/methods.h"
#include "server/request_context.h"
#include "server/session.h"

namespace mcp::era {

namespace {

// How long a client may keep what never changes during a run (tool, prompt and template lists, the discover
// result): an hour, so that a restarted server with another configuration is seen within the hour.
constexpr long long kStaticTtlMs = 60LL * 60 * 1000;

bool is_legacy_version(const std::string& v) {
  const auto& legacy = supported_protocol_versions();
  return std::find(legacy.begin(), legacy.end(), v) != legacy.end();
}

bool is_modern_version(const std::string& v) { return v == kModernVersion; }

const json* meta_of(const json& params) {
  if (!params.is_object()) return nullptr;
  auto it = params.find("_meta");
  return it != params.end() && it->is_object() ? &*it : nullptr;
}

std::string list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

RpcError mismatch(std::string message) {
  return RpcError(rpc::kHeaderMismatch, "Header mismatch: " + std::move(message));
}

// The body field Mcp-Name mirrors for `method`, if any.
const char* name_source(std::string_view method) {
  if (method == "tools/call" || method == "prompts/get") return "name";
  if (method == "resources/read") return "uri";
  return nullptr;
}

std::string trim_ows(std::string s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    std::array<int, 4> v{};
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = in[i + k];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        ++pad;
        v[k] = 0;
        continue;
      }
      if (pad > 0 || (v[k] = value(c)) < 0) return std::nullopt;  // '=' only at the very end
    }
    unsigned n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

}  // namespace

std::vector<std::string> supported_versions() {
  std::vector<std::string> all{std::string(kModernVersion)};
  for (const auto& v : supported_protocol_versions()) all.push_back(v);
  return all;
}

bool claims_modern(const json& message) {
  if (!message.is_object()) return false;
  auto params = message.find("params");
  if (params == message.end()) return false;
  const json* meta = meta_of(*params);
  if (!meta) return false;
  if (auto v = meta->find(kVersionKey); v != meta->end())
    return !v->is_string() || !is_legacy_version(v->get<std::string>());
  return meta->contains(kCapabilitiesKey);
}

Envelope read_envelope(const json& params) {
  const json* meta = meta_of(params);
  if (!meta || !meta->contains(kVersionKey))
    throw RpcError(rpc::kInvalidParams, std::string("Invalid params: params._meta lacks \"") + kVersionKey +
                                            "\", required on every request without initialize (e.g. \"" +
                                            std::string(kModernVersion) + "\")");
  const json& version = (*meta)[kVersionKey];
  if (!version.is_string())
    throw RpcError(rpc::kInvalidParams, std::string("Invalid params: \"") + kVersionKey +
                                            "\" must be a string such as \"" + std::string(kModernVersion) + "\"");
  Envelope env;
  env.version = version.get<std::string>();
  if (!is_modern_version(env.version))
    throw RpcError(rpc::kUnsupportedProtocolVersion,
                   "Unsupported protocol version \"" + env.version + "\": per-request metadata is served for " +
                       std::string(kModernVersion) + "; " + list(supported_protocol_versions()) +
                       " are negotiated with initialize",
                   {{"supported", supported_versions()}, {"requested", env.version}});
  auto caps = meta->find(kCapabilitiesKey);
  if (caps == meta->end() || !caps->is_object())
    throw RpcError(rpc::kInvalidParams, std::string("Invalid params: params._meta needs \"") + kCapabilitiesKey +
                                            "\", an object ({} when the client supports no optional capability)");
  env.capabilities = *caps;
  if (auto info = meta->find(kClientInfoKey); info != meta->end()) {
    if (!info->is_object())
      throw RpcError(rpc::kInvalidParams,
                     std::string("Invalid params: \"") + kClientInfoKey + "\" must be an object with name and version");
    env.client_info = *info;
  }
  if (auto level = meta->find("io.modelcontextprotocol/logLevel"); level != meta->end()) {
    if (!level->is_string() || !parse_log_level(level->get<std::string>()))
      throw RpcError(
          rpc::kInvalidParams,
          "Invalid params: \"io.modelcontextprotocol/logLevel\" must be one of debug, info, notice, warning, "
          "error, critical, alert, emergency");
  }
  return env;
}

bool serves(const McpServer& server, std::string_view method) {
  const Method* m = find_method(method);
  return m && m->modern && offered(*m, server, false);
}

void require_served(const McpServer& server, std::string_view method) {
  if (serves(server, method)) return;
  const std::string m(method);
  const std::string modern(kModernVersion);
  if (method == "initialize")
    throw RpcError(rpc::kMethodNotFound, "Method not found: initialize opens a legacy session; a " + modern +
                                             " request needs no handshake (send initialize without the "
                                             "per-request _meta to use a legacy version)");
  if (const Method* row = find_method(method); row && row->legacy && !row->modern)
    throw RpcError(rpc::kMethodNotFound, "Method not found: " + m + " is not part of protocol " + modern +
                                             "; it is served in legacy sessions (opened with initialize)");
  throw RpcError(rpc::kMethodNotFound, "Method not found: " + m);
}

json discover(const McpServer& server) {
  // The legacy capabilities minus what the revision removed or deprecated: logging (no notifications/message is
  // ever sent to a modern request) and resource subscriptions (replaced by subscriptions/listen, not offered).
  json caps{{"tools", {{"listChanged", false}}}};
  if (!server.prompts.empty()) caps["prompts"] = {{"listChanged", false}};
  if (!server.resources.empty()) caps["resources"] = {{"listChanged", false}};
  if (!server.prompts.empty() || !server.resources.empty()) caps["completions"] = json::object();
  json result{{"supportedVersions", supported_versions()}, {"capabilities", std::move(caps)}};
  if (!server.info.instructions.empty()) result["instructions"] = server.info.instructions;
  finish_result(result, "server/discover", server.info);
  return result;
}

namespace {

json result_fields(std::string_view method, const ServerInfo& info) {
  json server_info{{"name", info.name}, {"version", info.version}};
  if (!info.title.empty()) server_info["title"] = info.title;
  json fields{{"resultType", "complete"}, {"_meta", {{kServerInfoKey, std::move(server_info)}}}};
  const Method* m = find_method(method);
  const Caching caching = m ? m->caching : Caching::none;
  if (caching == Caching::fixed_for_run) {
    // Fixed for the run and the same for every caller.
    fields["ttlMs"] = kStaticTtlMs;
    fields["cacheScope"] = "public";
  } else if (caching == Caching::fresh_private) {
    // A HaloPSA record as this server's credentials see it: fresh on every read, never shared across callers.
    fields["ttlMs"] = 0;
    fields["cacheScope"] = "private";
  }
  return fields;
}

}  // namespace

void finish_result(json& result, std::string_view method, const ServerInfo& info) {
  if (!result.is_object()) return;
  json fields = result_fields(method, info);
  for (auto& [key, value] : fields.items()) {
    if (key == "_meta" && result.contains("_meta") && result["_meta"].is_object()) result["_meta"].update(value);
    else
      result[key] = value;
  }
}

void append_finished(std::string& out, std::string_view result, std::string_view method, const ServerInfo& info) {
  if (result.size() < 2 || result.front() != '{') {
    out += result;
    return;
  }
  std::string fields = dump_safe(result_fields(method, info));  // "{...}", never empty
  fields.pop_back();                                            // its closing brace
  out += fields;
  const bool empty = result.find_first_not_of(" \t\r\n", 1) == result.size() - 1;
  if (empty) {
    out += '}';
    return;
  }
  out += ',';
  out.append(result.substr(1));
}

std::string_view capability_for(std::string_view method) {
  if (method == "elicitation/create") return "elicitation";
  if (method == "sampling/createMessage") return "sampling";
  if (method == "roots/list") return "roots";
  return {};
}

std::optional<std::string> decode_header_value(std::string_view value) {
  static constexpr std::string_view kPrefix = "=?base64?", kSuffix = "?=";
  if (value.size() >= kPrefix.size() + kSuffix.size() && value.substr(0, kPrefix.size()) == kPrefix &&
      value.substr(value.size() - kSuffix.size()) == kSuffix)
    return base64_decode(value.substr(kPrefix.size(), value.size() - kPrefix.size() - kSuffix.size()));
  for (unsigned char c : value)
    if (c != '\t' && (c < 0x20 || c > 0x7E)) return std::nullopt;
  return std::string(value);
}

std::optional<RpcError> check_http_request(const json& message, const MirroredHeaders& raw, const McpServer& server) {
  MirroredHeaders h;
  if (raw.protocol_version) h.protocol_version = trim_ows(*raw.protocol_version);
  if (raw.method) h.method = trim_ows(*raw.method);
  if (raw.name) h.name = trim_ows(*raw.name);
  const std::string method = message.value("method", std::string());
  const bool is_request = message.contains("id");
  const json params = message.contains("params") ? message["params"] : json::object();
  const json* meta = meta_of(params);

  if (!is_request && (!meta || !meta->contains(kVersionKey))) return std::nullopt;  // no rules for these
  if (!meta || !meta->contains(kVersionKey)) {
    // Only the header claims the modern era.
    if (method == "initialize")
      return mismatch("the MCP-Protocol-Version header names " + h.protocol_version.value_or("") +
                      " but the body is initialize, the legacy handshake: send initialize with a legacy version "
                      "header (or none), or skip it and send " +
                      std::string(kModernVersion) + " requests with their _meta");
    if (!meta || !meta->contains(kCapabilitiesKey))
      return RpcError(rpc::kInvalidParams, "Invalid params: the MCP-Protocol-Version header names " +
                                               h.protocol_version.value_or("") + " but params._meta lacks \"" +
                                               kVersionKey + "\" and \"" + kCapabilitiesKey + "\"");
  }
  if (meta && meta->contains(kVersionKey) && (*meta)[kVersionKey].is_string()) {
    const std::string body_version = (*meta)[kVersionKey].get<std::string>();
    if (h.protocol_version && *h.protocol_version != body_version)
      return mismatch("MCP-Protocol-Version header value '" + *h.protocol_version + "' does not match body value '" +
                      body_version + "'");
  }
  if (h.method && *h.method != method)
    return mismatch("Mcp-Method header value '" + *h.method + "' does not match body value '" + method + "'");
  try {
    read_envelope(params);
  } catch (const RpcError& e) {
    return e;
  }
  if (!is_request) return std::nullopt;  // the revision sets no header rules for notifications
  if (!h.protocol_version) return mismatch("the MCP-Protocol-Version header is required on every request");
  if (!h.method) return mismatch("the Mcp-Method header is required on every request (here: " + method + ")");
  if (const char* field = name_source(method); field && params.contains(field) && params[field].is_string()) {
    const std::string body_name = params[field].get<std::string>();
    if (!h.name)
      return mismatch(std::string("the Mcp-Name header is required on ") + method + " (here: '" + body_name + "')");
    auto decoded = decode_header_value(*h.name);
    if (!decoded)
      return mismatch("the Mcp-Name header is malformed (plain visible ASCII, or =?base64?…?= for anything else)");
    if (*decoded != body_name)
      return mismatch("Mcp-Name header value '" + *decoded + "' does not match body value '" + body_name + "'");
  }
  try {
    require_served(server, method);
  } catch (const RpcError& e) {
    return e;
  }
  return std::nullopt;
}

int http_status_for(int code) { return code == rpc::kMethodNotFound ? 404 : 400; }

}  // namespace mcp::era
