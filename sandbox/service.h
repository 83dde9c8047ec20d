// The request pipeline shared by the sandbox's routes (internal to sandbox/): latency and fault injection, bearer
// authentication, routing, error replies and the request log.
#pragma once

#include <atomic>
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

struct Service {
  explicit Service(Options opts);

  Options options;
  Store store;
  Faults faults;
  TokenStore tokens;
  RequestLog log;
  std::atomic<int> port{0};

  std::string base_url() const;
  // Entry point for every request the HTTP server receives.
  void handle(const httplib::Request& req, httplib::Response& res);

 private:
  void route(const httplib::Request& req, httplib::Response& res);
  bool authenticate(const httplib::Request& req, httplib::Response& res);
};

// Routes (routes_*.cpp).
void handle_token(Service& svc, const httplib::Request& req, httplib::Response& res);
void handle_authinfo(Service& svc, const httplib::Request& req, httplib::Response& res);
void handle_api(Service& svc, const std::vector<std::string>& segments, const httplib::Request& req,
                httplib::Response& res);
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
