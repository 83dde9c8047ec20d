#include "sandbox/service.h"

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

namespace sandbox {

using nlohmann::json;

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const auto next = path.find('/', pos);
    const std::string seg = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!seg.empty()) out.push_back(seg);
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

void apply_fault(httplib::Response& res, const FaultRule& rule) {
  res.headers.clear();
  res.body.clear();
  if (rule.drop_connections) {
    // Headers go out, then the chunked body fails: the connection closes without a complete response, which the
    // client sees as a network error.
    res.status = 200;
    res.set_chunked_content_provider("application/json", [](std::size_t, httplib::DataSink&) { return false; });
    return;
  }
  res.status = rule.status;
  if (rule.retry_after) res.set_header("Retry-After", std::to_string(*rule.retry_after));
  res.set_content(fault_body(rule), fault_content_type(rule));
}

}  // namespace

std::optional<int> RateWindow::admit(const RateLimit& limit, std::chrono::steady_clock::time_point now) {
  if (limit.limit <= 0) return std::nullopt;
  const auto window = std::chrono::seconds(limit.window_seconds);
  std::lock_guard lock(mu_);
  while (!seen_.empty() && seen_.front() + window <= now) seen_.pop_front();
  if (static_cast<int>(seen_.size()) < limit.limit) {
    seen_.push_back(now);
    return std::nullopt;
  }
  // The oldest request still counted leaves the window first; round up so a client that waits this long gets in.
  const auto wait = seen_[seen_.size() - static_cast<std::size_t>(limit.limit)] + window - now;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(wait + std::chrono::milliseconds(999)).count();
  return static_cast<int>(std::max<long long>(1, secs));
}

void RateWindow::clear() {
  std::lock_guard lock(mu_);
  seen_.clear();
}

Service::Service(Options opts)
    : options(std::move(opts)),
      store(options.db_path, options.seed, quirks),
      faults(options.latency_ms),
      agent_login(options.agent_app_redirect_uris, std::chrono::seconds(options.auth_code_ttl_seconds)) {
  Quirks strict;
  strict.rate_limit = options.rate_limit;
  try {
    quirks.configure(strict, options.quirks);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("sandbox: ") + e.what());
  }
}

void Service::reset() {
  store.reset(true);
  quirks.reset();
  rate.clear();
  agent_login.clear();
  agent_login.set_redirect_uris(options.agent_app_redirect_uris);
}

// Halo's answer once the rolling window is full: 429 with "Rate Limit Reached - N Requests per rolling M minute
// window" as JSON {"error": ...} or plain text, with or without Retry-After (quirk switches).
bool Service::rate_limited(httplib::Response& res) {
  const Quirks q = quirks.get();
  const auto wait = rate.admit(q.rate_limit, std::chrono::steady_clock::now());
  if (!wait) return false;
  const std::string message = rate_limit_message(q.rate_limit);
  if (q.rate_limit_body == Quirks::RateBody::Json) {
    send_json(res, 429, {{"error", message}});
  } else {
    res.status = 429;
    res.set_content(message, "text/plain; charset=utf-8");
  }
  if (q.rate_limit_retry_after) res.set_header("Retry-After", std::to_string(*wait));
  return true;
}

std::string Service::base_url() const { return "http://" + options.host + ":" + std::to_string(port.load()); }

void Service::handle(const httplib::Request& req, httplib::Response& res) {
  const std::string lower = to_lower(req.path);
  if (starts_with(lower, "/_sandbox/")) {
    try {
      handle_control(*this, req, res);
    } catch (const std::exception& e) {
      send_json(res, 500, {{"error", e.what()}});
    }
    return;
  }
  const bool is_api = lower == "/api" || starts_with(lower, "/api/");
  const bool is_auth = lower == "/auth" || starts_with(lower, "/auth/");
  if (!is_api && !is_auth) {
    send_json(res, 404, {{"Message", "No HTTP resource was found that matches the request URI '" + req.path + "'."}});
    return;
  }

  if (const int ms = faults.latency(); ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));

  LoggedRequest entry;
  entry.method = req.method;
  entry.path = req.path;
  for (const auto& [k, v] : query_params(req)) entry.query[k] = v;
  entry.body = body_for_log(req);
  if (is_auth) {
    // An authorisation code is a credential on the authorisation server's paths (elsewhere "code" is a field).
    for (json* part : {&entry.query, &entry.body})
      if (part->is_object() && part->contains("code")) (*part)["code"] = "***";
  }

  std::optional<FaultRule> rule;
  const bool token_failure = lower == "/auth/token" && faults.take_token_html_500();
  if (token_failure) {
    res.status = 500;
    res.set_content(html_error_page(500), "text/html; charset=utf-8");
  } else {
    rule = faults.take(req.method, req.path);
    if (rule && rule->delay_ms > 0) {  // slow, not failing: served normally once the delay is over
      std::this_thread::sleep_for(std::chrono::milliseconds(rule->delay_ms));
      rule.reset();
    }
    if (rule && !rule->apply_after_write) {
      apply_fault(res, *rule);
    } else if (is_api && rate_limited(res)) {
      rule.reset();
    } else {
      try {
        route(req, res, entry.agent);
      } catch (const ApiError& e) {
        send_json(res, e.status(), e.body());
      } catch (const std::exception& e) {
        spdlog::error("sandbox: {} {} failed: {}", req.method, req.path, e.what());
        send_json(res, 500, {{"Message", "An error has occurred."}, {"ExceptionMessage", e.what()}});
      }
      if (rule) apply_fault(res, *rule);  // the write has committed; now the reply goes wrong
    }
  }
  entry.status = rule && rule->drop_connections ? 0 : res.status;
  spdlog::debug("sandbox: {} {} -> {}", req.method, req.path, entry.status);
  log.record(std::move(entry));
}

void Service::route(const httplib::Request& req, httplib::Response& res, json& acting) {
  std::string lower = to_lower(req.path);
  while (lower.size() > 1 && lower.back() == '/') lower.pop_back();
  if (lower == "/auth/authorize") {
    if (req.method != "GET" && req.method != "POST") {
      send_json(res, 405,
                {{"error", "invalid_request"}, {"error_description", "Use GET or POST for /auth/authorize."}});
      return;
    }
    handle_authorize(*this, req, res, acting);
    return;
  }
  if (lower == "/auth/token") {
    if (req.method != "POST") {
      send_json(res, 405, {{"error", "invalid_request"}, {"error_description", "Use POST for the token endpoint."}});
      return;
    }
    handle_token(*this, req, res);
    return;
  }
  if (starts_with(lower, "/auth")) {
    send_json(res, 404, {{"error", "not_found"}, {"error_description", "Unknown authorisation server path."}});
    return;
  }
  std::vector<std::string> segments = split_path(req.path.substr(4));  // after "/api"
  if (segments.size() == 1 && to_lower(segments[0]) == "authinfo" && req.method == "GET") {
    handle_authinfo(*this, req, res);
    return;
  }
  const auto caller = authenticate(req, res);
  if (!caller) return;
  acting = acting_agent(caller->agent);
  handle_api(*this, segments, req, res, *caller);
}

std::optional<Caller> Service::authenticate(const httplib::Request& req, httplib::Response& res) {
  const std::string header = req.get_header_value("Authorization");
  std::string token;
  if (to_lower(header.substr(0, 7)) == "bearer ") token = header.substr(7);
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  TokenGrant grant;
  const auto status = token.empty() ? TokenStore::Status::Unknown : tokens.check(token, faults.token_epoch(), &grant);
  if (status == TokenStore::Status::Valid && !grant.scope.empty()) {
    // An agent removed since the token was issued can no longer act (a reset wipes and reseeds agents).
    if (auto agent = store.agent(grant.agent_id); agent && !agent->inactive) return Caller{grant.scope, *agent};
  }
  send_json(res, 401, {{"Message", "Authorization has been denied for this request."}});
  res.set_header("WWW-Authenticate", status == TokenStore::Status::Expired
                                         ? "Bearer error=\"invalid_token\", error_description=\"The token expired\""
                                         : "Bearer");
  return std::nullopt;
}

}  // namespace sandbox
