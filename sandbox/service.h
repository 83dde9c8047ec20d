// The request pipeline shared by the sandbox's routes (internal to sandbox/): latency and fault injection, bearer
// authentication, routing, error replies and the request log.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "sandbox/agent_login.h"
#include "sandbox/agents.h"
#include "sandbox/faults.h"
#include "sandbox/request_log.h"
#include "sandbox/sandbox.h"
#include "sandbox/store.h"
#include "sandbox/tokens.h"

namespace sandbox {

// Halo's rolling request window: the times of the requests it let through in the last window.
class RateWindow {
 public:
  // Counts a request at `now` when the window has room; else the seconds until a slot frees (>= 1).
  std::optional<int> admit(const RateLimit& limit, std::chrono::steady_clock::time_point now);
  void clear();

 private:
  std::mutex mu_;
  std::deque<std::chrono::steady_clock::time_point> seen_;
};

// Who a request to /api comes from: what its token grants and the agent it acts as.
struct Caller {
  std::string scope;
  Agent agent;
};

struct Service {
  explicit Service(Options opts);

  Options options;
  QuirkSwitches quirks;  // before store: the store reads it
  Store store;
  RateWindow rate;
  Faults faults;
  TokenStore tokens;
  AgentLogin agent_login;
  RequestLog log;
  std::atomic<int> port{0};

  std::string base_url() const;
  // Entry point for every request the HTTP server receives.
  void handle(const httplib::Request& req, httplib::Response& res);
  // Wipe and reseed, quirks to their defaults, the rate window emptied, agent sign-ins forgotten and the agent
  // application's redirect URIs back to the Options'.
  void reset();

 private:
  // `acting` receives the agent the request acted as ({id, name}), for the request log.
  void route(const httplib::Request& req, httplib::Response& res, nlohmann::json& acting);
  // The caller behind the request's valid token; nullopt after answering 401.
  std::optional<Caller> authenticate(const httplib::Request& req, httplib::Response& res);
  bool rate_limited(httplib::Response& res);
};

// Routes (routes_*.cpp).
void handle_token(Service& svc, const httplib::Request& req, httplib::Response& res);
void handle_authinfo(Service& svc, const httplib::Request& req, httplib::Response& res);
// Agent sign-in (routes_agent_login.cpp): GET/POST /auth/authorize, and the token endpoint's authorization_code and
// refresh_token grants (handle_token passes them on once the tenant is checked).
void handle_authorize(Service& svc, const httplib::Request& req, httplib::Response& res, nlohmann::json& acting);
void handle_code_grant(Service& svc, const QueryParams& form, httplib::Response& res);
void handle_refresh_grant(Service& svc, const QueryParams& form, httplib::Response& res);
void handle_api(Service& svc, const std::vector<std::string>& segments, const httplib::Request& req,
                httplib::Response& res, const Caller& caller);
void handle_control(Service& svc, const httplib::Request& req, httplib::Response& res);

// HTTP helpers (http_util.cpp).
void send_json(httplib::Response& res, int status, const nlohmann::json& body);
// The HTML error page hosted Halo answers bad token requests with.
std::string html_error_page(int status);
// Query-string parameters only (not form fields), names lower-cased; the first of a repeated name wins.
QueryParams query_params(const httplib::Request& req);
// Form fields of an application/x-www-form-urlencoded body, names as sent.
QueryParams form_fields(const httplib::Request& req);
// The body as the request log shows it: parsed JSON, form fields as an object, other text, or null.
nlohmann::json body_for_log(const httplib::Request& req);
std::string to_lower(std::string s);
// {"id", "name"} of an agent, as the request log shows who acted.
nlohmann::json acting_agent(const Agent& agent);

}  // namespace sandbox
