#include "server/jsonrpc.h"

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

std::string dump_safe(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {
struct TooDeep {};
}  // namespace

std::optional<json> parse(std::string_view text, std::string* error) {
  // Deep nesting is refused while parsing: later recursive walks (dump, validation) stay shallow.
  auto guard = [](int depth, json::parse_event_t, json&) {
    if (depth > kMaxNestingDepth) throw TooDeep{};
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), guard);
  } catch (const json::parse_error& e) {
    if (error) *error = e.what();
  } catch (const TooDeep&) {
    if (error) *error = "JSON nested deeper than " + std::to_string(kMaxNestingDepth) + " levels";
  }
  return std::nullopt;
}

}  // namespace mcp
