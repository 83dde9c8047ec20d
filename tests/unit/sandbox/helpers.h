// A started sandbox plus a plain HTTP client that talks to it the way a HaloPSA client would.
#pragma once

#include <doctest/doctest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/sandbox.h"

namespace sbtest {

using nlohmann::json;

inline sandbox::Options memory_options() {
  sandbox::Options o;
  o.db_path = ":memory:";
  return o;
}

struct Tenant {
  explicit Tenant(sandbox::Options options = memory_options())
      : sb(std::make_unique<sandbox::Sandbox>(std::move(options))) {
    sb->start();
    token = fetch_token();
  }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", sb->port());
    c->set_connection_timeout(5);
    c->set_read_timeout(10);
    return c;
  }

  httplib::Result token_request(const std::string& body, const std::string& tenant = "sandbox") const {
    const std::string path = tenant.empty() ? "/auth/token" : "/auth/token?tenant=" + tenant;
    return client()->Post(path.c_str(), body, "application/x-www-form-urlencoded");
  }

  std::string fetch_token() const {
    auto r = token_request(
        "grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret"
        "&scope=all");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body).at("access_token").get<std::string>();
  }

  httplib::Headers auth() const { return {{"Authorization", "Bearer " + token}}; }

  httplib::Result get(const std::string& path) const { return client()->Get(path.c_str(), auth()); }
  httplib::Result post(const std::string& path, const json& body) const {
    return client()->Post(path.c_str(), auth(), body.dump(), "application/json");
  }
  httplib::Result del(const std::string& path) const { return client()->Delete(path.c_str(), auth()); }

  // GET that must answer 200 with JSON.
  json get_json(const std::string& path) const {
    auto r = get(path);
    REQUIRE_MESSAGE(r, "no answer for GET " << path);
    REQUIRE_MESSAGE(r->status == 200, "GET " << path << " -> " << r->status << " " << r->body);
    return json::parse(r->body);
  }
  // Halo answers a POST with 201 (create and update).
  json post_json(const std::string& path, const json& body, int expected = 201) const {
    auto r = post(path, body);
    REQUIRE_MESSAGE(r, "no answer for POST " << path);
    REQUIRE_MESSAGE(r->status == expected, "POST " << path << " -> " << r->status << " " << r->body);
    return r->body.empty() ? json() : json::parse(r->body);
  }
  // Sets quirk switches (POST /_sandbox/quirks); returns the settings now in force.
  json quirks(const json& changes) const { return control("POST", "/_sandbox/quirks", changes); }
  json control(const std::string& method, const std::string& path, const json& body = nullptr) const {
    auto c = client();
    httplib::Result r = method == "POST"     ? c->Post(path.c_str(), body.dump(), "application/json")
                        : method == "DELETE" ? c->Delete(path.c_str())
                                             : c->Get(path.c_str());
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, method << " " << path << " -> " << r->status << " " << r->body);
    return json::parse(r->body);
  }

  std::unique_ptr<sandbox::Sandbox> sb;
  std::string token;
};

}  // namespace sbtest
