#include <chrono>
#include <regex>
#include <thread>

#include "helpers.h"

using sbtest::json;
using sbtest::Tenant;

TEST_CASE("token endpoint issues opaque bearer tokens for the documented credentials") {
  Tenant t;
  auto r = t.token_request(
      "grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret"
      "&scope=read%3Acustomers%20edit%3Acustomers");
  REQUIRE(r);
  CHECK(r->status == 200);
  const json body = json::parse(r->body);
  CHECK(body["token_type"] == "Bearer");
  CHECK(body["expires_in"] == 3600);
  CHECK(body["scope"] == "read:customers edit:customers");
  CHECK(std::regex_match(body["access_token"].get<std::string>(), std::regex("[0-9a-f]{64}")));
  CHECK(body["access_token"] != t.token);  // a fresh random token every time

  SUBCASE("a token asked for without a scope is issued but refused 401 on every call (observed on Halo)") {
    auto r2 = t.token_request("grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret");
    REQUIRE(r2);
    REQUIRE(r2->status == 200);
    CHECK(json::parse(r2->body)["scope"] == "");
    t.token = json::parse(r2->body)["access_token"].get<std::string>();
    CHECK(t.get("/api/Client/1")->status == 401);
  }
}

TEST_CASE("bad credentials and a missing tenant answer HTTP 500 with an HTML page, like hosted Halo") {
  Tenant t;
  for (const auto& [body, tenant] : std::vector<std::pair<std::string, std::string>>{
           {"grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=wrong", "sandbox"},
           {"grant_type=client_credentials&client_id=someone-else&client_secret=sandbox-secret", "sandbox"},
           {"grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret", ""},
           {"grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret", "othertenant"}}) {
    CAPTURE(body);
    CAPTURE(tenant);
    auto r = t.token_request(body, tenant);
    REQUIRE(r);
    CHECK(r->status == 500);
    CHECK(r->get_header_value("Content-Type").find("text/html") == 0);
    CHECK(r->body.find("<html>") != std::string::npos);
  }
}

TEST_CASE("a malformed grant answers 400 unsupported_grant_type") {
  Tenant t;
  auto r = t.token_request("grant_type=password&client_id=halopsa-sandbox&client_secret=sandbox-secret");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"] == "unsupported_grant_type");

  auto as_json =
      t.client()->Post("/auth/token?tenant=sandbox",
                       R"({"grant_type":"client_credentials","client_id":"halopsa-sandbox"})", "application/json");
  REQUIRE(as_json);
  CHECK(as_json->status == 400);
  CHECK(json::parse(as_json->body)["error"] == "unsupported_grant_type");
}

TEST_CASE("the API needs a valid bearer token; authinfo does not") {
  Tenant t;
  auto anon = t.client()->Get("/api/Client");
  REQUIRE(anon);
  CHECK(anon->status == 401);
  CHECK(anon->get_header_value("WWW-Authenticate") == "Bearer");
  CHECK(json::parse(anon->body).contains("Message"));

  auto bogus = t.client()->Get("/api/Client", {{"Authorization", "Bearer 00ff"}});
  REQUIRE(bogus);
  CHECK(bogus->status == 401);

  auto info = t.client()->Get("/api/authinfo");
  REQUIRE(info);
  CHECK(info->status == 200);
  const json body = json::parse(info->body);
  CHECK(body["auth_url"] == t.sb->base_url() + "/auth");
  CHECK(body["tenant_id"] == "sandbox");

  CHECK(t.get("/api/Client")->status == 200);
  CHECK(t.client()->Get("/api/client", t.auth())->status == 200);  // Halo's routes are case-insensitive
}

TEST_CASE("tokens expire after token_ttl_seconds and on expire_tokens") {
  SUBCASE("ttl") {
    auto options = sbtest::memory_options();
    options.token_ttl_seconds = 1;
    Tenant t(options);
    CHECK(t.get("/api/Client/1")->status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    auto r = t.get("/api/Client/1");
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->get_header_value("WWW-Authenticate").find("invalid_token") != std::string::npos);
  }
  SUBCASE("expire_tokens, programmatic and over HTTP") {
    Tenant t;
    t.sb->faults().expire_tokens();
    CHECK(t.get("/api/Client/1")->status == 401);
    t.token = t.fetch_token();
    CHECK(t.get("/api/Client/1")->status == 200);
    t.control("POST", "/_sandbox/faults", {{"expire_tokens", true}});
    CHECK(t.get("/api/Client/1")->status == 401);
    t.token = t.fetch_token();
    CHECK(t.get("/api/Client/1")->status == 200);
  }
}

TEST_CASE("unknown API paths and unsupported methods answer like ASP.NET") {
  Tenant t;
  CHECK(t.get("/api/Nonsense")->status == 404);
  CHECK(t.get("/api/Client/abc")->status == 404);
  CHECK(t.post("/api/Tickets", json::array({{{"summary", "x"}}}))->status == 405);
  CHECK(t.del("/api/TopLevel/1")->status == 405);
}
