// JSON-RPC 2.0 vocabulary shared by the session and the transports.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcp {

using json = nlohmann::json;

namespace rpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kResourceNotFound = -32002;  // MCP: resources/read or /subscribe of an unknown URI
// MCP 2026-07-28 (the range -32020..-32099 is the specification's)
inline constexpr int kHeaderMismatch = -32020;                   // HTTP headers contradict the body, or are missing
inline constexpr int kMissingRequiredClientCapability = -32021;  // the request's client did not declare it
inline constexpr int kUnsupportedProtocolVersion = -32022;       // data: {supported, requested}
}  // namespace rpc

// Thrown by method handlers; the session turns it into a JSON-RPC error response.
struct RpcError : std::runtime_error {
  RpcError(int code, std::string message, json data = nullptr)
      : std::runtime_error(std::move(message)), code(code), data(std::move(data)) {}
  int code;
  json data;
};

enum class MessageKind { request, notification, response, invalid };

// What a parsed JSON value is, per JSON-RPC 2.0. `why` says what is wrong when invalid.
MessageKind classify(const json& message, std::string* why = nullptr);

json make_result(const json& id, json result);
json make_error(const json& id, int code, std::string_view message, const json& data = nullptr);
json make_notification(std::string_view method, json params);

// Serialises data that may carry strings from outside: invalid UTF-8 becomes U+FFFD instead of throwing.
std::string dump_safe(const json& value);

inline constexpr int kMaxNestingDepth = 128;

// Parses one frame (nesting capped at kMaxNestingDepth); nullopt on a syntax error (with the parser's message in *error).
std::optional<json> parse(std::string_view text, std::string* error = nullptr);

}  // namespace mcp
