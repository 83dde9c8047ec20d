// MCP 2026-07-28, the "modern" era: no initialize and no session; every request carries its protocol version and
// the client's capabilities in params._meta, and every result says what it is (resultType) and how long it may be
// cached. This file holds the rules that tell a modern request from a legacy one and check it, shared by the
// session (stdio and HTTP) and the HTTP entry (the mirrored headers). Nothing here keeps state: any replica
// answers any modern request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/input_required.h"
#include "server/jsonrpc.h"
#include "server/mcp_server.h"

namespace mcp::era {

inline constexpr std::string_view kModernVersion = "2026-07-28";
inline constexpr const char* kVersionKey = "io.modelcontextprotocol/protocolVersion";
inline constexpr const char* kCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
inline constexpr const char* kClientInfoKey = "io.modelcontextprotocol/clientInfo";
inline constexpr const char* kServerInfoKey = "io.modelcontextprotocol/serverInfo";

// Revisions served per request (modern), then those negotiated with initialize (legacy): what server/discover
// and the unsupported-version error list.
std::vector<std::string> supported_versions();

// True when a request or notification claims the modern era: its params._meta names a protocol version that is
// not a legacy one (an unknown version included: it is answered -32022), or carries the per-request client
// capabilities without a version (answered -32602). Everything else is legacy traffic, handled as before.
bool claims_modern(const json& message);

// The per-request fields of a modern request.
struct Envelope {
  std::string version;
  json capabilities = json::object();
  json client_info = json::object();
};

// Reads and checks params._meta. Throws RpcError: -32602 when a required field is missing or malformed,
// -32022 (data: supported, requested) when the version is not served.
Envelope read_envelope(const json& params);

// Whether the modern era offers `method` on this server. initialize, ping, logging/setLevel and
// resources/(un)subscribe belong to legacy sessions only (removed or deprecated by the revision).
bool serves(const McpServer& server, std::string_view method);
// Throws RpcError -32601 for a method `serves` refuses, saying why when it is a legacy-only one.
void require_served(const McpServer& server, std::string_view method);

// The server/discover result.
json discover(const McpServer& server);

// Marks a finished result as modern: resultType "complete", the server's identity in _meta, and the caching hints
// the revision requires on list results, resources/read and server/discover.
void finish_result(json& result, std::string_view method, const ServerInfo& info);
// The same for a result already serialised as a JSON object (a cached tools/list page), without parsing or
// copying it again: appends the finished result to `out`.
void append_finished(std::string& out, std::string_view result, std::string_view method, const ServerInfo& info);

// The client capability a server-to-client request needs ("elicitation/create" → "elicitation"), or empty.
std::string_view capability_for(std::string_view method);

// --- Streamable HTTP ---------------------------------------------------------------------------------------------

// The request headers the revision mirrors from the body (SEP-2243), as sent (absent: nullopt).
struct MirroredHeaders {
  std::optional<std::string> protocol_version;  // MCP-Protocol-Version
  std::optional<std::string> method;            // Mcp-Method
  std::optional<std::string> name;              // Mcp-Name (may be =?base64?…?= encoded)
};

// Everything checked before a modern HTTP request reaches the session, in the order the answer is chosen: the
// envelope (-32602), headers contradicting the body (-32020), the version (-32022), missing headers (-32020),
// the method (-32601). nullopt when the request may be dispatched.
std::optional<RpcError> check_http_request(const json& message, const MirroredHeaders& headers,
                                           const McpServer& server);
// The HTTP status for an error produced by those checks: 404 for an unknown method, else 400.
int http_status_for(int code);

// Decodes an Mcp-Name / Mcp-Param value: a plain value as is, "=?base64?…?=" decoded; nullopt when malformed.
std::optional<std::string> decode_header_value(std::string_view value);

}  // namespace mcp::era
