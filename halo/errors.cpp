#include "halo/errors.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>

namespace halo {
namespace {

using nlohmann::json;

using util::lower;

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (unsigned char c : text) {
    if (std::isspace(c)) {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string decode_entities(std::string text) {
  static const std::pair<const char*, const char*> entities[] = {{"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""},
                                                                 {"&#39;", "'"}, {"&nbsp;", " "}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities) {
    const std::string f(from);
    for (auto pos = text.find(f); pos != std::string::npos; pos = text.find(f, pos + 1))
      text.replace(pos, f.size(), to);
  }
  return text;
}

// Text inside the first <tag ...>...</tag>, tags stripped; "" when absent.
std::string element_text(std::string_view html, std::string_view lowered, std::string_view tag) {
  const std::string open = "<" + std::string(tag);
  auto start = lowered.find(open);
  while (start != std::string_view::npos) {
    const char next = start + open.size() < lowered.size() ? lowered[start + open.size()] : '\0';
    if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r') break;
    start = lowered.find(open, start + 1);
  }
  if (start == std::string_view::npos) return {};
  const auto body = lowered.find('>', start);
  if (body == std::string_view::npos) return {};
  const auto end = lowered.find("</" + std::string(tag), body);
  std::string_view inner = html.substr(body + 1, (end == std::string_view::npos ? html.size() : end) - body - 1);
  std::string text;
  bool in_tag = false;
  for (char c : inner) {
    if (c == '<') in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag)
      text.push_back(c);
  }
  return collapse_whitespace(decode_entities(text));
}

std::string html_message(std::string_view html) {
  const std::string lowered = lower(html);
  std::string title = element_text(html, lowered, "title");
  std::string heading = element_text(html, lowered, "h1");
  if (heading.empty()) heading = element_text(html, lowered, "h2");
  std::string message = !title.empty() ? title : heading;
  if (!heading.empty() && !title.empty() && heading != title) message += " - " + heading;
  return message.empty() ? "an HTML error page" : "an HTML error page: " + truncate_body(message, 200);
}

std::string as_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      const std::string part = as_text(item);
      if (part.empty()) continue;
      if (!out.empty()) out += " ";
      out += part;
    }
    return out;
  }
  if (value.is_null()) return {};
  return value.dump();
}

std::string string_member(const json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
  }
  return {};
}

std::string fields_message(const json& fields) {
  std::string out;
  for (const auto& [key, value] : fields.items()) {
    if (!out.empty()) out += "; ";
    out += key.empty() ? as_text(value) : key + ": " + as_text(value);
  }
  return out;
}

bool is_message_map(const json& object) {
  if (!object.is_object() || object.empty()) return false;
  for (const auto& [key, value] : object.items()) {
    const bool strings =
        value.is_string() ||
        (value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); }));
    if (!strings) return false;
  }
  return true;
}

ErrorBody from_json(const json& value, int depth = 0) {
  ErrorBody out;
  if (depth > 3) return out;
  if (value.is_string()) {
    out.message = collapse_whitespace(value.get<std::string>());
    return out;
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      ErrorBody part = from_json(item, depth + 1);
      if (!part.message.empty()) out.message += (out.message.empty() ? "" : "; ") + part.message;
      for (const auto& [k, v] : part.field_errors.items()) out.field_errors[k] = v;
    }
    return out;
  }
  if (!value.is_object()) {
    if (!value.is_null()) out.message = value.dump();
    return out;
  }
  // ASP.NET model-state: {"errors": {"[0].name": ["..."]}, "title": "..."}; Halo: {"[0].name": "..."}.
  if (auto errors = value.find("errors"); errors != value.end() && errors->is_object() && is_message_map(*errors)) {
    out.field_errors = *errors;
    out.message = fields_message(*errors);
    return out;
  }
  // {"resultCode": .., "errorMessage": ..}, {"ClassName": .., "Message": ..}, {"Message": ..},
  // ASP.NET Web API {"Message": "An error has occurred.", "ExceptionMessage": ".."}, RFC 7807.
  std::string message = string_member(
      value, {"errorMessage", "ErrorMessage", "ExceptionMessage", "Message", "message", "detail", "title"});
  if (message.empty()) {
    if (auto error = value.find("error"); error != value.end()) {
      if (error->is_string()) {
        message = error->get<std::string>();
        const std::string description = string_member(value, {"error_description"});
        if (!description.empty()) message += ": " + description;
      } else {
        ErrorBody inner = from_json(*error, depth + 1);
        out.field_errors = inner.field_errors;
        message = inner.message;
      }
    }
  }
  if (!message.empty()) {
    out.message = collapse_whitespace(message);
    return out;
  }
  if (is_message_map(value)) {
    out.field_errors = value;
    out.message = fields_message(value);
    return out;
  }
  const std::string class_name = string_member(value, {"ClassName"});
  if (!class_name.empty()) out.message = class_name;
  return out;
}

}  // namespace

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::validation: return "validation";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::rate_limited: return "rate_limited";
    case ErrorKind::auth_failed: return "auth_failed";
    case ErrorKind::upstream: return "upstream";
    case ErrorKind::network: return "network";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::config: return "config";
  }
  return "upstream";
}

Error::Error(ErrorKind kind, const std::string& message, int status, int retry_after_seconds,
             nlohmann::json field_errors, std::string body_excerpt)
    : std::runtime_error(message),
      kind_(kind),
      status_(status),
      retry_after_(retry_after_seconds),
      fields_(field_errors.is_object() ? std::move(field_errors) : nlohmann::json::object()),
      excerpt_(std::move(body_excerpt)) {}

ErrorBody parse_error_body(std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const std::string_view text = body.substr(first);
  const std::string head = lower(text.substr(0, 512));
  if (head.starts_with("<!doctype html") || head.starts_with("<html") || head.find("<html") != std::string::npos ||
      (head.starts_with("<") && head.find("<body") != std::string::npos)) {
    ErrorBody out;
    out.html = true;
    out.message = html_message(text);
    return out;
  }
  if (text.front() == '{' || text.front() == '[' || text.front() == '"') {
    json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return from_json(parsed);
  }
  ErrorBody out;  // plain text, e.g. .NET's "Operation is not valid due to the current state of the object."
  out.message = truncate_body(text, 500);
  return out;
}

std::string truncate_body(std::string_view body, std::size_t max_chars) {
  std::string text = collapse_whitespace(body);
  if (text.size() <= max_chars) return text;
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  text.resize(cut);
  return text + "…";
}

std::string probable_scope(std::string_view path, bool write) {
  std::string area = lower(path.substr(0, path.find_first_of("/?")));
  if (area == "client" || area == "site" || area == "users" || area == "toplevel" || area == "lookup" ||
      area == "customfield" || area == "addressstore") {
    return write ? "edit:customers" : "read:customers";
  }
  if (area == "tickets") return write ? "edit:tickets" : "read:tickets";
  if (area == "clientcontract") return write ? "edit:contracts" : "read:contracts";
  return {};
}

Error error_from_response(int status, std::string_view method, std::string_view path, std::string_view body) {
  const ErrorBody parsed = parse_error_body(body);
  const std::string where = std::string(method) + " /api/" + std::string(path.substr(0, path.find('?')));
  const std::string said = parsed.message.empty() ? std::string{} : ": " + parsed.message;
  const std::string excerpt = truncate_body(body);
  const bool write = method != "GET";
  switch (status) {
    case 400:
    case 409:
    case 422:
      return Error(ErrorKind::validation,
                   "HaloPSA rejected " + where + " (" + std::to_string(status) + ")" +
                       (parsed.message.empty() ? " without saying why" : said),
                   status, 0, parsed.field_errors, excerpt);
    case 401:
      return Error(ErrorKind::auth_failed,
                   "HaloPSA rejected the access token for " + where +
                       " (401) even after a new token was fetched; check that the API application is active "
                       "and its login agent may use the API" +
                       said,
                   status, 0, {}, excerpt);
    case 403: {
      const std::string scope = probable_scope(path, write);
      return Error(ErrorKind::forbidden,
                   "HaloPSA refused " + where + " (403 Forbidden)" + said + ". The API application " +
                       (scope.empty() ? std::string("probably lacks the permission for this area")
                                      : "probably lacks the '" + scope + "' scope") +
                       " (or its login agent lacks the matching permission)",
                   status, 0, {}, excerpt);
    }
    case 404:
      return Error(ErrorKind::not_found, "Not found: HaloPSA answered 404 to " + where + said, status, 0, {}, excerpt);
    case 429:
      return Error(ErrorKind::rate_limited, "HaloPSA rate limit reached on " + where + said, status, 0, {}, excerpt);
    default:
      return Error(ErrorKind::upstream,
                   "HaloPSA answered " + std::to_string(status) + " to " + where +
                       (parsed.message.empty() ? (body.empty() ? " with an empty body" : std::string{}) : said),
                   status, 0, parsed.field_errors, excerpt);
  }
}

}  // namespace halo
