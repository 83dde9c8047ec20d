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

struct Service {
  explicit Service(Options opts);

  Options options;
  QuirkSwitches quirks;  // before store: the store reads it
  Store store;
  RateWindow rate;
  Faults faults;
  TokenStore tokens;
  RequestLog log;
  std::atomic<int> port{0};

  std::string base_url() const;
  // Entry point for every request the HTTP server receives.
  void handle(const httplib::Request& req, httplib::Response& res);
  void reset();  // wipe and reseed, quirks to their defaults, the rate window emptied

 private:
  void route(const httplib::Request& req, httplib::Response& res);
  // The granted scope of the request's valid token; nullopt after answering 401.
  std::optional<std::string> authenticate(const httplib::Request& req, httplib::Response& res);
  bool rate_limited(httplib::Response& res);
};

// Routes (routes_*.cpp).
void handle_token(Service& svc, const httplib::Request& req, httplib::Response& res);
void handle_authinfo(Service& svc, const httplib::Request& req, httplib::Response& res);
void handle_api(Service& svc, const std::vector<std::string>& segments, const httplib::Request& req,
                httplib::Response& res, const std::string& scope);
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

}  // namespace sandbox
