// /token and bearer checks: PKCE verification, single-use codes, expiry on the injected clock, refresh-token
// rotation with reuse detection, audience binding; and the upstream token source's refresh.
#include "oauth/token_source.h"
#include "tests/unit/oauth/rig.h"

using test::json;
using test::kVerifier;

namespace {

json error_of(const httplib::Result& r) {
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->get_header_value("Cache-Control") == "no-store");
  return json::parse(r->body);
}

httplib::Params code_form(const test::Rig& rig, const std::string& client_id, const std::string& code,
                          const std::string& verifier) {
  return {{"grant_type", "authorization_code"},
          {"code", code},
          {"client_id", client_id},
          {"redirect_uri", "http://127.0.0.1:9/callback"},
          {"code_verifier", verifier},
          {"resource", rig.issuer + "/mcp"}};
}

}  // namespace

TEST_CASE("a code is redeemed once, with its verifier, by its client, before it expires") {
  test::Rig rig;
  const std::string client_id = rig.register_client();
  const std::string code = rig.code_for(client_id, kVerifier);

  SUBCASE("a wrong verifier") {
    json e = error_of(rig.token(code_form(rig, client_id, code, kVerifier + "x")));
    CHECK(e["error"] == "invalid_grant");
    CHECK(e["error_description"] == "the code_verifier does not match the code_challenge");
  }
  SUBCASE("no verifier") {
    CHECK(error_of(rig.token(code_form(rig, client_id, code, "")))["error"] == "invalid_request");
  }
  SUBCASE("another client's code") {
    const std::string other = rig.register_client();
    CHECK(error_of(rig.token(code_form(rig, other, code, kVerifier)))["error"] == "invalid_grant");
  }
  SUBCASE("a resource for another server") {
    auto form = code_form(rig, client_id, code, kVerifier);
    form.erase("resource");
    form.emplace("resource", "https://other.example/mcp");
    CHECK(error_of(rig.token(form))["error"] == "invalid_target");
  }
  SUBCASE("an expired code") {
    rig.now += 61;
    json e = error_of(rig.token(code_form(rig, client_id, code, kVerifier)));
    CHECK(e["error"] == "invalid_grant");
    CHECK(e["error_description"] == "the authorization code expired; authorize again");
  }
  SUBCASE("a replayed code revokes what the first redemption got") {
    json tokens = rig.exchange(client_id, code, kVerifier);
    const std::string access = tokens["access_token"];
    CHECK(rig.mcp(access, test::Rig::call("whoami"))->status != 401);
    json e = error_of(rig.token(code_form(rig, client_id, code, kVerifier)));
    CHECK(e["error"] == "invalid_grant");
    CHECK(e["error_description"] == "the authorization code was already used; the tokens issued from it are revoked");
    CHECK(rig.mcp(access, test::Rig::call("whoami"))->status == 401);
    auto refreshed = rig.token({{"grant_type", "refresh_token"}, {"refresh_token", tokens["refresh_token"]}});
    CHECK(error_of(refreshed)["error"] == "invalid_grant");
  }
}

TEST_CASE("access tokens expire on the clock and die when revoked") {
  test::Rig rig;
  const std::string client_id = rig.register_client();
  json tokens = rig.exchange(client_id, rig.code_for(client_id, kVerifier), kVerifier);
  const std::string access = tokens["access_token"];
  const std::string session = rig.open_session(access);
  REQUIRE(!session.empty());
  CHECK(rig.mcp(access, test::Rig::call("whoami"), session)->status == 200);

  SUBCASE("expired") {
    rig.now += 3600;
    auto r = rig.mcp(access, test::Rig::call("whoami"), session);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->get_header_value("WWW-Authenticate").find("error=\"invalid_token\"") != std::string::npos);
  }
  SUBCASE("revoked") {
    auto r = rig.http().Post("/revoke", httplib::Params{{"token", access}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(rig.mcp(access, test::Rig::call("whoami"), session)->status == 401);
    // Revoking an access token leaves the authorization: its refresh token still works.
    auto refreshed = rig.token({{"grant_type", "refresh_token"}, {"refresh_token", tokens["refresh_token"]}});
    REQUIRE(refreshed);
    CHECK(refreshed->status == 200);
  }
}

TEST_CASE("refresh tokens rotate, and presenting a rotated one revokes the whole family") {
  test::Rig rig;
  const std::string client_id = rig.register_client();
  json first = rig.exchange(client_id, rig.code_for(client_id, kVerifier), kVerifier);
  auto rotate = [&](const std::string& refresh) {
    return rig.token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}, {"client_id", client_id}});
  };
  auto r = rotate(first["refresh_token"]);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  json second = json::parse(r->body);
  CHECK(second["refresh_token"] != first["refresh_token"]);
  CHECK(rig.mcp(second["access_token"], test::Rig::call("whoami"))->status != 401);

  json e = error_of(rotate(first["refresh_token"]));
  CHECK(e["error"] == "invalid_grant");
  CHECK(e["error_description"].get<std::string>().find("already used") != std::string::npos);
  // The thief's replay costs the rightful holder too: everything of this authorization is gone.
  CHECK(error_of(rotate(second["refresh_token"]))["error"] == "invalid_grant");
  CHECK(rig.mcp(second["access_token"], test::Rig::call("whoami"))->status == 401);
}

TEST_CASE("a token issued for another server (audience) is refused") {
  // Two authorization servers share one store, as two deployments behind one database might.
  std::atomic<long long> now{1'700'000'000};
  auto store = std::make_shared<oauth::SqliteStore>(":memory:");
  auto cipher = std::make_shared<oauth::Cipher>(test::test_key());
  auto upstream = std::make_shared<test::FakeUpstream>(now);
  oauth::AuthorizationServer a({.issuer = "https://a.example", .scopes_supported = {"t:read"}}, store, upstream, cipher,
                               [&] { return now.load(); });
  oauth::AuthorizationServer b({.issuer = "https://b.example", .scopes_supported = {"t:read"}}, store, upstream, cipher,
                               [&] { return now.load(); });
  store->put_grant({.grant_id = "g1",
                    .client_id = "c",
                    .user = {"u", "U"},
                    .scopes = {"t:read"},
                    .resource = "https://a.example/mcp"});
  store->put_token({.token_hash = oauth::hash_secret("tok"), .grant_id = "g1", .expires_at = now + 60});
  CHECK(a.authenticate("tok").status == mcp::AuthOutcome::Status::ok);
  CHECK(b.authenticate("tok").status == mcp::AuthOutcome::Status::invalid);
  CHECK(a.authenticate("").status == mcp::AuthOutcome::Status::missing);
}

TEST_CASE("the upstream token source refreshes near expiry, stores the rotated token sealed, and stops at revocation") {
  test::Rig rig;
  const std::string client_id = rig.register_client();
  json tokens = rig.exchange(client_id, rig.code_for(client_id, kVerifier), kVerifier);
  auto caller = rig.auth->authenticate(tokens["access_token"].get<std::string>()).caller;
  REQUIRE(caller);
  oauth::StoredUpstreamTokens source(rig.store, rig.upstream, rig.cipher, [&] { return rig.now.load(); });

  CHECK(source.access_token(caller->grant_id) == "idp-access-1");
  CHECK(rig.upstream->refreshes == 0);
  auto sealed = rig.store->upstream(caller->grant_id);
  REQUIRE(sealed);
  CHECK(sealed->sealed.find("idp-") == std::string::npos);  // at rest, nothing readable

  rig.now += 3600 - 30;  // inside the refresh margin
  CHECK(source.access_token(caller->grant_id) == "idp-access-2");
  CHECK(rig.upstream->refreshes == 1);
  CHECK(source.access_token(caller->grant_id) == "idp-access-2");  // the new one is stored
  CHECK(rig.upstream->refreshes == 1);

  rig.http().Post("/revoke", httplib::Params{{"token", tokens["refresh_token"]}});
  CHECK_THROWS_AS(source.access_token(caller->grant_id), oauth::SignInAgain);
}
