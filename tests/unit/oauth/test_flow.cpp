// The whole flow over HTTP on a started listener: discovery from the 401, registration, authorization through the
// (fake) upstream's sign-in, token exchange, tool calls as the signed-in user; and /authorize's refusals.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "tests/unit/oauth/rig.h"

using test::json;
using test::kVerifier;
using test::param;

TEST_CASE("a client discovers, registers, authorizes through the upstream and calls tools as the signed-in user") {
  // Every log line of the run is kept, to check no secret reaches one.
  auto log = std::make_shared<std::ostringstream>();
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(*log));
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);

  test::Rig rig;
  auto http = rig.http();

  // 1. No token: 401 pointing at the protected resource metadata.
  auto denied = rig.mcp("", test::Rig::call("whoami"));
  REQUIRE(denied);
  CHECK(denied->status == 401);
  const std::string challenge = denied->get_header_value("WWW-Authenticate");
  CHECK(challenge.find("resource_metadata=\"" + rig.issuer + "/.well-known/oauth-protected-resource/mcp\"") !=
        std::string::npos);
  CHECK(challenge.find("scope=\"t:read\"") != std::string::npos);

  // 2. Discovery: resource metadata → authorization server metadata.
  auto prm = http.Get("/.well-known/oauth-protected-resource/mcp");
  REQUIRE(prm);
  REQUIRE(prm->status == 200);
  json resource = json::parse(prm->body);
  CHECK(resource["resource"] == rig.issuer + "/mcp");
  CHECK(resource["authorization_servers"] == json::array({rig.issuer}));
  CHECK(json::parse(http.Get("/.well-known/oauth-protected-resource")->body) == resource);
  auto as = http.Get("/.well-known/oauth-authorization-server");
  REQUIRE(as);
  json meta = json::parse(as->body);
  CHECK(meta["issuer"] == rig.issuer);
  CHECK(meta["authorization_endpoint"] == rig.issuer + "/authorize");
  CHECK(meta["token_endpoint"] == rig.issuer + "/token");
  CHECK(meta["registration_endpoint"] == rig.issuer + "/register");
  CHECK(meta["code_challenge_methods_supported"] == json::array({"S256"}));
  CHECK(meta["client_id_metadata_document_supported"] == true);

  // 3. Registration, authorization, token.
  const std::string client_id = rig.register_client();
  const std::string code = rig.code_for(client_id, kVerifier, "t:read t:write");
  CHECK(rig.upstream->last_redirect_uri == rig.issuer + "/oauth/callback");
  json tokens = rig.exchange(client_id, code, kVerifier);
  CHECK(tokens["token_type"] == "Bearer");
  CHECK(tokens["scope"] == "t:read t:write");
  CHECK(tokens["expires_in"] == 3600);
  const std::string access = tokens["access_token"];
  const std::string refresh = tokens["refresh_token"];

  // 4. Tool calls carry the user to the handler.
  const std::string session = rig.open_session(access);
  REQUIRE(!session.empty());
  auto who = rig.mcp(access, test::Rig::call("whoami"), session);
  REQUIRE(who);
  REQUIRE(who->status == 200);
  json result = json::parse(who->body)["result"]["structuredContent"];
  CHECK(result["subject"] == "agent-7");
  CHECK(result["name"] == "Alex Agent");
  CHECK(result["scopes"] == "t:read t:write");
  CHECK(result["client"] == client_id);
  auto wrote = rig.mcp(access, test::Rig::call("write_thing"), session);
  REQUIRE(wrote);
  CHECK(wrote->status == 200);
  CHECK(json::parse(wrote->body)["result"]["content"][0]["text"] == "written");

  // 5. The upstream's own token is no key to this server (no passthrough).
  auto passthrough = rig.mcp("idp-access-1", test::Rig::call("whoami"), session);
  REQUIRE(passthrough);
  CHECK(passthrough->status == 401);
  CHECK(passthrough->get_header_value("WWW-Authenticate").find("error=\"invalid_token\"") != std::string::npos);

  // 6. Refresh, then revoke: the refresh token stands for the whole authorization.
  auto refreshed = rig.token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}, {"client_id", client_id}});
  REQUIRE(refreshed);
  REQUIRE(refreshed->status == 200);
  json second = json::parse(refreshed->body);
  CHECK(second["access_token"] != access);
  CHECK(rig.mcp(second["access_token"], test::Rig::call("whoami"), session)->status == 200);
  auto revoked = http.Post("/revoke", httplib::Params{{"token", second["refresh_token"]}, {"client_id", client_id}});
  REQUIRE(revoked);
  CHECK(revoked->status == 200);
  CHECK(rig.mcp(second["access_token"], test::Rig::call("whoami"), session)->status == 401);
  CHECK(rig.mcp(access, test::Rig::call("whoami"), session)->status == 401);

  spdlog::set_default_logger(previous);
  const std::string lines = log->str();
  CHECK(lines.find("signed in") != std::string::npos);  // the capture worked
  for (const std::string& secret :
       {access, refresh, code, kVerifier, std::string(second["access_token"]), std::string(second["refresh_token"]),
        std::string("idp-access-1"), std::string("idp-refresh-1")})
    CHECK_MESSAGE(lines.find(secret) == std::string::npos, "a secret reached the log");
}

TEST_CASE("/authorize refuses what it cannot trust with a page, and the rest with an error at the redirect URI") {
  test::Rig rig;
  const std::string client_id = rig.register_client();
  auto base = rig.request(client_id, kVerifier);

  SUBCASE("an unknown client: a page, no redirect") {
    auto params = base;
    params["client_id"] = "nobody";
    auto r = rig.authorize(params);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(!r->has_header("Location"));
    CHECK(r->body.find("no application is registered") != std::string::npos);
  }
  SUBCASE("a redirect URI the client did not register: a page, no redirect") {
    auto params = base;
    params["redirect_uri"] = "http://127.0.0.1:9/elsewhere";
    auto r = rig.authorize(params);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(!r->has_header("Location"));
    CHECK(r->body.find("not one registered") != std::string::npos);
  }
  auto refused_with = [&](std::map<std::string, std::string> params) {
    auto r = rig.authorize(params);
    REQUIRE(r);
    REQUIRE(r->status == 302);
    const std::string location = r->get_header_value("Location");
    CHECK(location.rfind("http://127.0.0.1:9/callback?", 0) == 0);
    CHECK(param(location, "state") == "client-state-1");
    CHECK(param(location, "code").empty());
    return std::pair{param(location, "error"), param(location, "error_description")};
  };
  SUBCASE("no PKCE") {
    auto params = base;
    params.erase("code_challenge");
    params.erase("code_challenge_method");
    auto [error, description] = refused_with(params);
    CHECK(error == "invalid_request");
    CHECK(description.find("PKCE is required") != std::string::npos);
  }
  SUBCASE("plain PKCE, or no method (which means plain)") {
    auto params = base;
    params["code_challenge"] = kVerifier.substr(0, 43);
    params["code_challenge_method"] = "plain";
    CHECK(refused_with(params).first == "invalid_request");
    params.erase("code_challenge_method");
    auto [error, description] = refused_with(params);
    CHECK(error == "invalid_request");
    CHECK(description.find("S256") != std::string::npos);
  }
  SUBCASE("a resource that is another server, or none") {
    auto params = base;
    params["resource"] = "https://other.example/mcp";
    auto [error, description] = refused_with(params);
    CHECK(error == "invalid_target");
    CHECK(description.find(rig.issuer + "/mcp") != std::string::npos);
    params.erase("resource");
    CHECK(refused_with(params).first == "invalid_target");
  }
  SUBCASE("an unknown scope") {
    auto params = base;
    params["scope"] = "t:read t:admin";
    CHECK(refused_with(params).first == "invalid_scope");
  }
  SUBCASE("a response type other than code") {
    auto params = base;
    params["response_type"] = "token";
    CHECK(refused_with(params).first == "unsupported_response_type");
  }
  SUBCASE("the upstream's callback with a state it never got is a page") {
    auto r = rig.http().Get("/oauth/callback?code=idp-code:x&state=made-up");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(!r->has_header("Location"));
  }
  SUBCASE("a sign-in the user cancels at the upstream goes back as access_denied") {
    auto start = rig.authorize(base);
    REQUIRE(start);
    const std::string state = param(start->get_header_value("Location"), "state");
    auto back = rig.http().Get(("/oauth/callback?error=access_denied&state=" + state).c_str());
    REQUIRE(back);
    REQUIRE(back->status == 302);
    CHECK(param(back->get_header_value("Location"), "error") == "access_denied");
    CHECK(param(back->get_header_value("Location"), "state") == "client-state-1");
  }
}
