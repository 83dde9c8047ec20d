#include "server/jsonrpc.h"

#include <algorithm>

namespace mcp {

namespace {
bool valid_id(const json& id) {
  // Strings and integers; null is tolerated only on error responses (handled by the caller).
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}
}  // namespace

MessageKind classify(const json& message, std::string* why) {
  auto fail = [&](const char* reason) {
    if (why) *why = reason;
    return MessageKind::invalid;
  };
  if (!message.is_object()) return fail("a JSON-RPC message must be an object");
  auto version = message.find("jsonrpc");
  if (version == message.end() || *version != "2.0") return fail("\"jsonrpc\" must be \"2.0\"");
  auto method = message.find("method");
  auto id = message.find("id");
  if (method != message.end()) {
    if (!method->is_string()) return fail("\"method\" must be a string");
    auto params = message.find("params");
    if (params != message.end() && !params->is_object() && !params->is_array())
      return fail("\"params\" must be an object or an array");
    if (id == message.end()) return MessageKind::notification;
    if (!valid_id(*id)) return fail("\"id\" must be a string or an integer");
    return MessageKind::request;
  }
  bool has_result = message.contains("result");
  bool has_error = message.contains("error");
  if (has_result == has_error) return fail("a message needs \"method\", or exactly one of \"result\" and \"error\"");
  if (id == message.end() || !(valid_id(*id) || id->is_null())) return fail("a response needs an \"id\"");
  return MessageKind::response;
}

json make_result(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, int code, std::string_view message, const json& data) {
  json error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_notification(std::string_view method, json params) {
  json message{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  return message;
}

std::string dump_safe(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

namespace {

// Deepest nesting of arrays and objects in the text, strings skipped. A linear pre-scan: the parser itself then
// runs without a per-value callback (which nlohmann makes slow on large inputs).
int nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::optional<json> parse(std::string_view text, std::string* error) {
  // Deep nesting is refused before parsing: later recursive walks (dump, copies, validation) stay shallow.
  if (nesting_depth(text) > kMaxNestingDepth) {
    if (error) *error = "JSON nested deeper than " + std::to_string(kMaxNestingDepth) + " levels";
    return std::nullopt;
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers such as 1e999
    if (error) *error = e.what();
  }
  return std::nullopt;
}

}  // namespace mcp
