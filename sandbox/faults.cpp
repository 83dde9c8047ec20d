#include "sandbox/faults.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace sandbox {

using nlohmann::json;

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

int non_negative_int(const json& obj, const char* key) {
  const json& v = obj.at(key);
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 1000000)
    throw std::invalid_argument(std::string("\"") + key + "\" must be a non-negative integer, got " + v.dump());
  return v.get<int>();
}

bool boolean(const json& obj, const char* key) {
  const json& v = obj.at(key);
  if (!v.is_boolean())
    throw std::invalid_argument(std::string("\"") + key + "\" must be true or false, got " + v.dump());
  return v.get<bool>();
}

std::string text(const json& obj, const char* key) {
  const json& v = obj.at(key);
  if (!v.is_string()) throw std::invalid_argument(std::string("\"") + key + "\" must be a string, got " + v.dump());
  return v.get<std::string>();
}

void parse_one(const json& item, FaultCommand& out) {
  if (!item.is_object())
    throw std::invalid_argument("each fault must be a JSON object such as {\"status\": 429, \"count\": 2}, got " +
                                item.dump());
  // clang-format off
  static const char* const kKnown[] = {"status",      "count",      "retry_after",      "body",
                                       "content_type", "path_prefix", "method",          "drop_connections",
                                       "apply_after_write", "latency_ms", "expire_tokens", "token_html_500",
                                       "delay_ms"};
  // clang-format on
  for (auto it = item.begin(); it != item.end(); ++it)
    if (std::find(std::begin(kKnown), std::end(kKnown), it.key()) == std::end(kKnown))
      throw std::invalid_argument("unknown fault field \"" + it.key() + "\"");

  if (item.contains("latency_ms")) out.latency_ms = non_negative_int(item, "latency_ms");
  if (item.contains("expire_tokens")) out.expire_tokens = boolean(item, "expire_tokens") || out.expire_tokens;
  if (item.contains("token_html_500")) out.token_html_500 = non_negative_int(item, "token_html_500");

  const bool drop = item.contains("drop_connections") && boolean(item, "drop_connections");
  const bool delay = item.contains("delay_ms");
  if (!item.contains("status") && !drop && !delay) {
    for (const char* key :
         {"count", "retry_after", "body", "content_type", "path_prefix", "method", "apply_after_write"})
      if (item.contains(key))
        throw std::invalid_argument(std::string("\"") + key +
                                    "\" needs a \"status\" (or \"drop_connections\": true, or \"delay_ms\")");
    return;
  }
  FaultRule rule;
  rule.drop_connections = drop;
  if (delay) {
    rule.delay_ms = non_negative_int(item, "delay_ms");
    if (item.contains("status") || drop || item.contains("apply_after_write"))
      throw std::invalid_argument(
          "\"delay_ms\" serves the request normally, late: it takes no \"status\", "
          "\"drop_connections\" or \"apply_after_write\"");
  }
  if (item.contains("status")) {
    rule.status = non_negative_int(item, "status");
    if (rule.status < 100 || rule.status > 599)
      throw std::invalid_argument("\"status\" must be an HTTP status between 100 and 599, got " +
                                  std::to_string(rule.status));
  }
  if (item.contains("count")) {
    rule.count = non_negative_int(item, "count");
    if (rule.count == 0) throw std::invalid_argument("\"count\" must be at least 1");
  }
  if (item.contains("retry_after")) rule.retry_after = non_negative_int(item, "retry_after");
  if (item.contains("body")) rule.body = text(item, "body");
  if (item.contains("content_type")) rule.content_type = text(item, "content_type");
  if (item.contains("path_prefix")) rule.path_prefix = text(item, "path_prefix");
  if (item.contains("method")) rule.method = upper(text(item, "method"));
  if (item.contains("apply_after_write")) rule.apply_after_write = boolean(item, "apply_after_write");
  out.rules.push_back(std::move(rule));
}

}  // namespace

FaultCommand parse_fault_command(const json& body) {
  FaultCommand out;
  if (body.is_array()) {
    if (body.empty()) throw std::invalid_argument("the fault array is empty");
    for (const auto& item : body) parse_one(item, out);
  } else {
    parse_one(body, out);
  }
  if (out.rules.empty() && !out.latency_ms && !out.expire_tokens && !out.token_html_500)
    throw std::invalid_argument(
        "nothing to do: give \"status\" (with \"count\"), \"drop_connections\", \"delay_ms\", \"latency_ms\", "
        "\"expire_tokens\" or "
        "\"token_html_500\"");
  return out;
}

std::string fault_body(const FaultRule& rule) {
  if (rule.body) return *rule.body;
  if (rule.status == 429) return "Rate Limit Reached - 300 Requests per rolling 5 minute window";
  if (rule.status >= 500) {
    const std::string code = std::to_string(rule.status);
    return "<!DOCTYPE html>\n<html><head><title>" + code +
           " - Server Error</title></head><body><h1>Server Error</h1>"
           "<h2>" +
           code + " - The server encountered an error and could not complete your request.</h2></body></html>";
  }
  return json{{"Message", "Injected fault: HTTP " + std::to_string(rule.status)}}.dump();
}

std::string fault_content_type(const FaultRule& rule) {
  if (rule.content_type) return *rule.content_type;
  if (rule.body || rule.status == 429) return "text/plain; charset=utf-8";
  if (rule.status >= 500) return "text/html; charset=utf-8";
  return "application/json; charset=utf-8";
}

void Faults::add(FaultRule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(std::move(rule));
}

void Faults::apply(const FaultCommand& command) {
  if (command.latency_ms) set_latency(*command.latency_ms);
  if (command.expire_tokens) expire_tokens();
  if (command.token_html_500) token_html_500(*command.token_html_500);
  for (const auto& rule : command.rules) add(rule);
}

void Faults::clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
  latency_ms_ = 0;
  token_html_500_ = 0;
}

void Faults::set_latency(int ms) {
  std::lock_guard lock(mu_);
  latency_ms_ = std::max(0, ms);
}

int Faults::latency() const {
  std::lock_guard lock(mu_);
  return latency_ms_;
}

void Faults::expire_tokens() { ++token_epoch_; }

void Faults::token_html_500(int n) {
  std::lock_guard lock(mu_);
  token_html_500_ = std::max(0, n);
}

std::optional<FaultRule> Faults::take(std::string_view method, std::string_view path) {
  std::lock_guard lock(mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!it->path_prefix.empty() && !iequals_prefix(path, it->path_prefix)) continue;
    if (!it->method.empty() && upper(std::string(method)) != it->method) continue;
    if (it->method.empty() && it->apply_after_write && method != "POST" && method != "DELETE") continue;
    FaultRule taken = *it;
    if (--it->count <= 0) rules_.erase(it);
    return taken;
  }
  return std::nullopt;
}

bool Faults::take_token_html_500() {
  std::lock_guard lock(mu_);
  if (token_html_500_ <= 0) return false;
  --token_html_500_;
  return true;
}

std::size_t Faults::pending_rules() const {
  std::lock_guard lock(mu_);
  return rules_.size();
}

}  // namespace sandbox
