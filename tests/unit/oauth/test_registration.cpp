// Dynamic client registration (RFC 7591): redirect URI rules, the allowlist, turning it off, the initial access token.
#include "tests/unit/oauth/rig.h"

using test::json;

namespace {

httplib::Result post_register(test::Rig& rig, const json& body, const std::string& bearer = "") {
  httplib::Headers headers;
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  return rig.http().Post("/register", headers, body.dump(), "application/json");
}

json refused(const httplib::Result& r) {
  REQUIRE(r);
  CHECK(r->status == 400);
  return json::parse(r->body);
}

}  // namespace

TEST_CASE("registration checks redirect URIs and answers a public client") {
  test::Rig rig;
  auto ok =
      post_register(rig, {{"client_name", "Claude"},
                          {"redirect_uris", {"https://claude.ai/api/mcp/auth_callback", "http://localhost:6274/cb"}},
                          {"token_endpoint_auth_method", "client_secret_post"}});
  REQUIRE(ok);
  REQUIRE(ok->status == 201);
  json client = json::parse(ok->body);
  CHECK(client["client_id"].get<std::string>().size() >= 32);
  CHECK(client["token_endpoint_auth_method"] == "none");
  CHECK(!client.contains("client_secret"));

  for (const char* bad : {"http://claude.example/cb", "https://claude.ai/cb#frag", "javascript:alert(1)", "/relative",
                          "https://claude.ai/c b"}) {
    CAPTURE(bad);
    CHECK(refused(post_register(rig, {{"redirect_uris", {bad}}}))["error"] == "invalid_redirect_uri");
  }
  CHECK(refused(post_register(rig, {{"redirect_uris", json::array()}}))["error"] == "invalid_redirect_uri");
  CHECK(refused(post_register(rig, {{"redirect_uris", {"https://a.example/cb"}},
                                    {"grant_types", {"implicit"}}}))["error"] == "invalid_client_metadata");
}

TEST_CASE("an allowlist limits redirect URIs to its patterns") {
  test::Rig rig([](oauth::ServerConfig& c) { c.redirect_uri_allowlist = {"https://claude.ai/api/mcp/*"}; });
  auto ok = post_register(rig, {{"redirect_uris", {"https://claude.ai/api/mcp/auth_callback"}}});
  REQUIRE(ok);
  CHECK(ok->status == 201);
  json e = refused(post_register(rig, {{"redirect_uris", {"https://evil.example/api/mcp/x"}}}));
  CHECK(e["error_description"].get<std::string>().find("allowlist") != std::string::npos);
}

TEST_CASE("registration can be turned off, or require an initial access token") {
  SUBCASE("off") {
    test::Rig rig([](oauth::ServerConfig& c) { c.dynamic_registration = false; });
    auto r = post_register(rig, {{"redirect_uris", {"https://a.example/cb"}}});
    REQUIRE(r);
    CHECK(r->status == 404);
    auto meta = json::parse(rig.http().Get("/.well-known/oauth-authorization-server")->body);
    CHECK(!meta.contains("registration_endpoint"));
  }
  SUBCASE("initial access token") {
    test::Rig rig([](oauth::ServerConfig& c) { c.registration_token = "reg-secret-123"; });
    auto none = post_register(rig, {{"redirect_uris", {"https://a.example/cb"}}});
    REQUIRE(none);
    CHECK(none->status == 401);
    CHECK(json::parse(none->body)["error"] == "invalid_token");
    CHECK(post_register(rig, {{"redirect_uris", {"https://a.example/cb"}}}, "wrong")->status == 401);
    CHECK(post_register(rig, {{"redirect_uris", {"https://a.example/cb"}}}, "reg-secret-123")->status == 201);
  }
}
