#include <algorithm>
#include <cctype>

#include "sandbox/service.h"

namespace sandbox {

using nlohmann::json;

std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

json acting_agent(const Agent& agent) { return {{"id", agent.id}, {"name", agent.name}}; }

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

std::string html_error_page(int status) {
  const std::string code = std::to_string(status);
  return "<!DOCTYPE html>\n<html>\n<head><title>Runtime Error</title></head>\n<body>\n"
         "<h1>Server Error in '/' Application.</h1>\n<h2><i>Runtime Error</i></h2>\n"
         "<p><b>Description:</b> An application error occurred on the server (HTTP " +
         code + ").</p>\n</body>\n</html>\n";
}

namespace {

QueryParams first_values(const httplib::Params& params, bool lower_names) {
  QueryParams out;
  for (const auto& [k, v] : params) out.emplace(lower_names ? to_lower(k) : k, v);  // emplace keeps the first
  return out;
}

bool is_form(const httplib::Request& req) {
  return to_lower(req.get_header_value("Content-Type")).find("application/x-www-form-urlencoded") != std::string::npos;
}

}  // namespace

QueryParams query_params(const httplib::Request& req) {
  httplib::Params params;
  const auto q = req.target.find('?');
  if (q != std::string::npos) httplib::detail::parse_query_text(req.target.substr(q + 1), params);
  return first_values(params, true);
}

QueryParams form_fields(const httplib::Request& req) {
  httplib::Params params;
  if (is_form(req)) httplib::detail::parse_query_text(req.body, params);
  return first_values(params, false);
}

json body_for_log(const httplib::Request& req) {
  if (req.body.empty()) return nullptr;
  if (is_form(req)) {
    json fields = json::object();
    for (const auto& [k, v] : form_fields(req)) fields[k] = v;
    return fields;
  }
  json parsed = json::parse(req.body, nullptr, false);
  if (!parsed.is_discarded()) return parsed;
  return req.body.size() > 4096 ? req.body.substr(0, 4096) : req.body;
}

}  // namespace sandbox
