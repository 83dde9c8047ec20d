// Per-user authentication on the HTTP transport (HttpOptions::auth): the 401 that starts a client's OAuth flow, and
// the 403 insufficient_scope that asks it to step up to a scope a tool needs (MCP 2025-11-25, Authorization).
#include <spdlog/spdlog.h>

#include "server/http_internal.h"
#include "server/jsonrpc.h"

namespace mcp::http {

namespace {

constexpr int kTransportError = -32000;

// The tools/call requests of a body (one message or a batch) that name a tool the caller may not call: the first
// such tool and the scope it needs.
std::optional<std::pair<std::string, std::string>> first_missing_scope(const McpServer& server, const json& body,
                                                                       const CallerInfo* caller) {
  auto check = [&](const json& m) -> std::optional<std::pair<std::string, std::string>> {
    if (!m.is_object() || m.value("method", json()) != "tools/call" || !m.contains("id")) return std::nullopt;
    const json params = m.value("params", json::object());
    if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) return std::nullopt;
    const std::string name = params["name"].get<std::string>();
    const ToolSpec* tool = server.tools.find(name);
    if (!tool) return std::nullopt;  // the session answers unknown and hidden tools itself
    if (auto scope = server.tools.missing_scope(*tool, caller)) return std::pair{name, *scope};
    return std::nullopt;
  };
  if (!body.is_array()) return check(body);
  for (const auto& m : body)
    if (auto found = check(m)) return found;
  return std::nullopt;
}

}  // namespace

std::optional<std::shared_ptr<const CallerInfo>> authorize(HttpTransport::State& st, const httplib::Request& req,
                                                           httplib::Response& res) {
  if (!st.options.auth) return std::shared_ptr<const CallerInfo>();
  AuthOutcome outcome = st.options.auth->authenticate(bearer_token(req.get_header_value("Authorization")));
  if (outcome.status == AuthOutcome::Status::ok && outcome.caller) return outcome.caller;
  if (outcome.status == AuthOutcome::Status::unavailable) {
    res.set_header("Retry-After", "2");
    refuse(res, 503, kTransportError,
           "Service Unavailable: the access token cannot be checked right now (the server's shared store is "
           "unreachable); retry in a moment, the token stays valid");
    return std::nullopt;
  }
  res.set_header("WWW-Authenticate", st.options.auth->challenge(outcome.status));
  refuse(res, 401, kTransportError,
         outcome.status == AuthOutcome::Status::missing
             ? "Unauthorized: this server needs an OAuth access token (see the WWW-Authenticate header's "
               "resource_metadata)"
             : "Unauthorized: the access token is not valid here (expired, revoked or issued for another server): "
               "authorize again");
  return std::nullopt;
}

bool refuse_missing_scope(HttpTransport::State& st, const json& body, const CallerInfo* caller,
                          httplib::Response& res) {
  if (!caller || !st.options.auth) return false;
  auto missing = first_missing_scope(*st.server, body, caller);
  if (!missing) return false;
  spdlog::info("http: {} may not call {} without the scope {}", caller->display_name, missing->first, missing->second);
  // The scopes to ask for: those held plus the one missing, so that authorizing again for it loses nothing.
  std::set<std::string> wanted = caller->scopes;
  wanted.insert(missing->second);
  std::string scope;
  for (const auto& s : wanted) scope += (scope.empty() ? "" : " ") + s;
  res.set_header("WWW-Authenticate", st.options.auth->insufficient_scope_challenge(scope));
  refuse(res, 403, kTransportError,
         "Forbidden: the tool " + missing->first + " needs the scope \"" + missing->second +
             "\", which this authorization lacks: authorize again asking for it");
  return true;
}

}  // namespace mcp::http
