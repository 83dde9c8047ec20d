// The sandbox's authorization-code flow for agent logins and the agents it signs in, over real HTTP.
#include <chrono>
#include <regex>

#include "helpers.h"
#include "sandbox/agent_login.h"

using sbtest::json;
using sbtest::Tenant;

namespace {

// RFC 7636 appendix B's example pair: a test vector that does not come from the code under test.
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const std::string kOtherVerifier = "aBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kRedirect = "http://127.0.0.1:43111/oauth/callback";
const std::string kClient = "halopsa-sandbox-agents";

std::string enc(const std::string& s) { return httplib::detail::encode_query_param(s); }

std::string authorize_query(const std::string& scope = "all offline_access", const std::string& redirect = kRedirect,
                            const std::string& method = "S256", const std::string& client = kClient) {
  std::string q = "response_type=code&client_id=" + enc(client) + "&redirect_uri=" + enc(redirect) +
                  "&scope=" + enc(scope) + "&state=st-123";
  if (!method.empty()) q += "&code_challenge=" + enc(kChallenge) + "&code_challenge_method=" + method;
  return q;
}

httplib::Result post_login(const Tenant& t, const std::string& user, const std::string& password,
                           const std::string& query = authorize_query()) {
  return t.client()->Post("/auth/authorize", query + "&username=" + enc(user) + "&password=" + enc(password),
                          "application/x-www-form-urlencoded");
}

std::string param_of(const std::string& location, const std::string& name) {
  std::smatch m;
  const std::regex re("[?&]" + name + "=([^&]*)");
  if (!std::regex_search(location, m, re)) return "";
  return httplib::detail::decode_url(m[1], true);
}

// Signs in through the login form; returns the code the browser is sent back with.
std::string sign_in(const Tenant& t, const std::string& user, const std::string& password,
                    const std::string& scope = "all offline_access") {
  auto r = post_login(t, user, password, authorize_query(scope));
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 302, r->status << " " << r->body);
  const std::string location = r->get_header_value("Location");
  REQUIRE(location.rfind(kRedirect + "?", 0) == 0);
  CHECK(param_of(location, "state") == "st-123");
  const std::string code = param_of(location, "code");
  REQUIRE(!code.empty());
  return code;
}

httplib::Result redeem(const Tenant& t, const std::string& code, const std::string& verifier = kVerifier,
                       const std::string& redirect = kRedirect) {
  return t.token_request("grant_type=authorization_code&client_id=" + kClient + "&code=" + enc(code) +
                         "&redirect_uri=" + enc(redirect) + "&code_verifier=" + enc(verifier));
}

httplib::Result refresh(const Tenant& t, const std::string& refresh_token) {
  return t.token_request("grant_type=refresh_token&client_id=" + kClient + "&refresh_token=" + enc(refresh_token));
}

json tokens_for(const Tenant& t, const std::string& user, const std::string& password,
                const std::string& scope = "all offline_access") {
  auto r = redeem(t, sign_in(t, user, password, scope));
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  return json::parse(r->body);
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

json me(const Tenant& t, const std::string& token) {
  auto r = t.client()->Get("/api/Agent/me", bearer(token));
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->status << " " << r->body);
  return json::parse(r->body);
}

void check_invalid_grant(const httplib::Result& r) {
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"] == "invalid_grant");
}

}  // namespace

TEST_CASE("PKCE S256 matches RFC 7636's example; loopback redirect URIs are recognised") {
  CHECK(sandbox::pkce_s256(kVerifier) == kChallenge);
  CHECK(sandbox::is_loopback_redirect("http://127.0.0.1:5000/cb"));
  CHECK(sandbox::is_loopback_redirect("http://localhost:8080/"));
  CHECK(sandbox::is_loopback_redirect("http://[::1]:9/x?y=1"));
  CHECK_FALSE(sandbox::is_loopback_redirect("https://127.0.0.1:5000/cb"));
  CHECK_FALSE(sandbox::is_loopback_redirect("http://127.0.0.1:5000"));  // no path
  CHECK_FALSE(sandbox::is_loopback_redirect("http://127.0.0.1.evil.example/cb"));
  CHECK_FALSE(sandbox::is_loopback_redirect("http://localhost@evil.example/cb"));
  CHECK_FALSE(sandbox::is_loopback_redirect("http://127.0.0.1:5000/cb#frag"));
}

TEST_CASE("agents: the list, one by id, and the token's own agent") {
  Tenant t;
  const json list = t.get_json("/api/Agent");
  REQUIRE(list.is_array());  // Halo answers Agent lists unwrapped
  std::vector<std::string> names;
  for (const auto& a : list) names.push_back(a.at("name").get<std::string>());
  CHECK(names == std::vector<std::string>{"Rory Reader", "Sarah Connor", "Sarah Jones"});

  const json all = t.get_json("/api/Agent?includeenabled=true&includedisabled=true&includeapiagents=true");
  CHECK(all.size() == 5);
  const json disabled_only = t.get_json("/api/Agent?includeenabled=false&includedisabled=true");
  REQUIRE(disabled_only.size() == 1);
  CHECK(disabled_only[0]["name"] == "Tom Baker");
  CHECK(disabled_only[0]["isdisabled"] == true);
  const json found = t.get_json("/api/Agent?search=connor");
  REQUIRE(found.size() == 1);
  CHECK(found[0]["id"] == 12);

  const json rory = t.get_json("/api/Agent/13");
  CHECK(rory["name"] == "Rory Reader");
  CHECK(rory["email"] == "rory.reader@northwind-msp.example");
  CHECK(rory["isdisabled"] == false);
  CHECK(t.get("/api/Agent/99")->status == 404);
  CHECK(t.post("/api/Agent", json::array({{{"name", "x"}}}))->status == 405);

  const json self = me(t, t.token);  // a client-credentials token acts as the application's agent
  CHECK(self["id"] == 1);
  CHECK(self["name"] == "API User");
  CHECK(self["isapiagent"] == true);
}

TEST_CASE("the authorize endpoint shows a login page listing the demo logins") {
  Tenant t;
  auto r = t.client()->Get(("/auth/authorize?" + authorize_query()).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type").find("text/html") == 0);
  CHECK(r->body.find("<form method=\"post\" action=\"/auth/authorize\">") != std::string::npos);
  CHECK(r->body.find("name=\"code_challenge\" value=\"" + kChallenge + "\"") != std::string::npos);
  CHECK(r->body.find("name=\"redirect_uri\" value=\"" + kRedirect + "\"") != std::string::npos);
  for (const char* s :
       {"sarah.jones", "sandbox-sarah", "sarah.connor", "sandbox-connor", "rory.reader", "sandbox-rory", "read only"})
    CHECK_MESSAGE(r->body.find(s) != std::string::npos, s);
}

TEST_CASE("a wrong password shows the page again with an error and sends nobody anywhere") {
  Tenant t;
  for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{
           {"sarah.jones", "wrong"}, {"nobody", "sandbox-sarah"}, {"sarah.jones", ""}}) {
    CAPTURE(user);
    auto r = post_login(t, user, password);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(!r->has_header("Location"));
    CHECK(r->body.find("The username or password is incorrect.") != std::string::npos);
  }
}

TEST_CASE("an unknown client or a redirect URI the application does not allow is refused without a redirect") {
  Tenant t;
  auto refused = [&](const std::string& query) {
    CAPTURE(query);
    for (bool posted : {false, true}) {
      auto r = posted ? post_login(t, "sarah.jones", "sandbox-sarah", query)
                      : t.client()->Get(("/auth/authorize?" + query).c_str());
      REQUIRE(r);
      CHECK(r->status == 400);
      CHECK(!r->has_header("Location"));
      CHECK(r->get_header_value("Content-Type").find("text/html") == 0);
    }
  };
  refused(authorize_query("all", kRedirect, "S256", "someone-else"));
  refused(authorize_query("all", "https://evil.example/callback"));
  refused(authorize_query("all", "http://127.0.0.1.evil.example/callback"));
  refused(authorize_query() + "&tenant=othertenant");
  refused(std::regex_replace(authorize_query(), std::regex("&redirect_uri=[^&]*"), ""));

  SUBCASE("with an allow-list set at run time, exactly its URIs are allowed") {
    const json state = t.control("POST", "/_sandbox/agent_app", {{"redirect_uris", {"https://mcp.example/cb"}}});
    CHECK(state["any_loopback_redirect"] == false);
    refused(authorize_query("all", kRedirect));  // loopback no longer allowed
    refused(authorize_query("all", "https://mcp.example/cb/"));
    auto ok = t.client()->Get(("/auth/authorize?" + authorize_query("all", "https://mcp.example/cb")).c_str());
    REQUIRE(ok);
    CHECK(ok->status == 200);
    t.control("POST", "/_sandbox/reset");  // back to the Options' (any loopback)
    CHECK(t.control("GET", "/_sandbox/agent_app")["any_loopback_redirect"] == true);
  }
}

TEST_CASE("PKCE with S256 is required: missing or plain is an error sent back to the (allowed) redirect URI") {
  Tenant t;
  for (const std::string method : {"", "plain"}) {
    CAPTURE(method);
    std::string query = authorize_query("all", kRedirect, "S256");
    if (method.empty())
      query = std::regex_replace(query, std::regex("&code_challenge=[^&]*&code_challenge_method=S256"), "");
    else
      query = std::regex_replace(query, std::regex("code_challenge_method=S256"), "code_challenge_method=plain");
    auto r = post_login(t, "sarah.jones", "sandbox-sarah", query);
    REQUIRE(r);
    CHECK(r->status == 302);
    const std::string location = r->get_header_value("Location");
    CHECK(param_of(location, "error") == "invalid_request");
    CHECK(param_of(location, "code").empty());
    CHECK(param_of(location, "state") == "st-123");
  }
}

TEST_CASE("an unknown scope or response type is an error sent back to the redirect URI, with no code") {
  Tenant t;
  for (const auto& [query, error] : std::vector<std::pair<std::string, std::string>>{
           {authorize_query("all read:actions"), "invalid_scope"},
           {std::regex_replace(authorize_query(), std::regex("response_type=code"), "response_type=token"),
            "unsupported_response_type"}}) {
    CAPTURE(query);
    auto r = t.client()->Get(("/auth/authorize?" + query).c_str());
    REQUIRE(r);
    CHECK(r->status == 302);
    const std::string location = r->get_header_value("Location");
    CHECK(location.rfind(kRedirect + "?", 0) == 0);
    CHECK(param_of(location, "error") == error);
    CHECK(param_of(location, "code").empty());
  }
}

TEST_CASE("a code is exchanged once, with the right verifier and redirect URI, for tokens acting as that agent") {
  Tenant t;
  SUBCASE("a wrong verifier is invalid_grant, and the code is spent") {
    const std::string code = sign_in(t, "sarah.jones", "sandbox-sarah");
    check_invalid_grant(redeem(t, code, kOtherVerifier));
    check_invalid_grant(redeem(t, code));
  }
  SUBCASE("a redirect URI other than the code's is invalid_grant") {
    check_invalid_grant(
        redeem(t, sign_in(t, "sarah.jones", "sandbox-sarah"), kVerifier, "http://127.0.0.1:43111/other"));
  }
  SUBCASE("the right verifier gets tokens; a replayed code is refused and revokes them") {
    const std::string code = sign_in(t, "sarah.jones", "sandbox-sarah");
    auto r = redeem(t, code);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json tokens = json::parse(r->body);
    CHECK(tokens["token_type"] == "Bearer");
    CHECK(tokens["expires_in"] == 3600);
    CHECK(tokens["scope"] == "all offline_access");
    CHECK(tokens["refresh_token"].is_string());
    const json self = me(t, tokens["access_token"]);
    CHECK(self["id"] == 11);
    CHECK(self["name"] == "Sarah Jones");

    check_invalid_grant(redeem(t, code));
    auto after = t.client()->Get("/api/Agent/me", bearer(tokens["access_token"]));
    REQUIRE(after);
    CHECK(after->status == 401);
    check_invalid_grant(refresh(t, tokens["refresh_token"]));
  }
  SUBCASE("without offline_access there is no refresh token") {
    const json tokens = tokens_for(t, "sarah.connor", "sandbox-connor", "all");
    CHECK(!tokens.contains("refresh_token"));
    CHECK(me(t, tokens["access_token"])["id"] == 12);
  }
  SUBCASE("the token endpoint refuses another client and a missing verifier") {
    const std::string code = sign_in(t, "sarah.jones", "sandbox-sarah");
    auto other = t.token_request("grant_type=authorization_code&client_id=halopsa-sandbox&code=" + enc(code) +
                                 "&redirect_uri=" + enc(kRedirect) + "&code_verifier=" + kVerifier);
    REQUIRE(other);
    CHECK(other->status == 401);
    CHECK(json::parse(other->body)["error"] == "invalid_client");
    auto missing = t.token_request("grant_type=authorization_code&client_id=" + kClient + "&code=" + enc(code) +
                                   "&redirect_uri=" + enc(kRedirect));
    REQUIRE(missing);
    CHECK(missing->status == 400);
    CHECK(json::parse(missing->body)["error"] == "invalid_request");
  }
}

TEST_CASE("refresh tokens rotate: the old one is spent, and reusing it revokes the sign-in") {
  Tenant t;
  const json first = tokens_for(t, "sarah.jones", "sandbox-sarah");
  auto r = refresh(t, first["refresh_token"]);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  const json second = json::parse(r->body);
  CHECK(second["refresh_token"].is_string());
  CHECK(second["refresh_token"] != first["refresh_token"]);
  CHECK(second["access_token"] != first["access_token"]);
  CHECK(me(t, second["access_token"])["id"] == 11);

  check_invalid_grant(refresh(t, first["refresh_token"]));   // reuse
  check_invalid_grant(refresh(t, second["refresh_token"]));  // the whole sign-in is revoked
  auto revoked = t.client()->Get("/api/Agent/me", bearer(second["access_token"]));
  REQUIRE(revoked);
  CHECK(revoked->status == 401);
}

TEST_CASE("refresh_token_rotation reuse: the refresh answer has no new refresh token and the old one stays good") {
  Tenant t;
  t.quirks({{"refresh_token_rotation", "reuse"}});
  const json first = tokens_for(t, "sarah.jones", "sandbox-sarah");
  for (int i = 0; i < 2; ++i) {
    auto r = refresh(t, first["refresh_token"]);
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
    const json again = json::parse(r->body);
    CHECK(!again.contains("refresh_token"));
    CHECK(me(t, again["access_token"])["id"] == 11);
  }
}

TEST_CASE("an expired agent access token answers 401 and its refresh token still renews it") {
  Tenant t;
  const json tokens = tokens_for(t, "sarah.jones", "sandbox-sarah");
  t.sb->faults().expire_tokens();
  auto expired = t.client()->Get("/api/Agent/me", bearer(tokens["access_token"]));
  REQUIRE(expired);
  CHECK(expired->status == 401);
  auto r = refresh(t, tokens["refresh_token"]);
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(me(t, json::parse(r->body)["access_token"])["id"] == 11);
}

TEST_CASE("writes act as the signed-in agent: a read-only agent is refused 403 and nothing changes") {
  Tenant t;
  const std::string rory = tokens_for(t, "rory.reader", "sandbox-rory")["access_token"];
  const std::string sarah = tokens_for(t, "sarah.jones", "sandbox-sarah")["access_token"];
  const json before = t.get_json("/api/Client/1");
  const std::uint64_t mark = t.control("GET", "/_sandbox/requests")["next"];

  auto c = t.client();
  auto read = c->Get("/api/Client/1", bearer(rory));
  REQUIRE(read);
  CHECK(read->status == 200);
  auto write = c->Post("/api/Client", bearer(rory), json::array({{{"id", 1}, {"name", "Renamed by Rory"}}}).dump(),
                       "application/json");
  REQUIRE(write);
  CHECK(write->status == 403);
  CHECK(json::parse(write->body)["Message"].get<std::string>().find("Rory Reader") != std::string::npos);
  auto created =
      c->Post("/api/Client", bearer(rory), json::array({{{"name", "Rory's Client"}}}).dump(), "application/json");
  REQUIRE(created);
  CHECK(created->status == 403);
  auto removed = c->Delete("/api/Users/1001", bearer(rory));
  REQUIRE(removed);
  CHECK(removed->status == 403);
  CHECK(t.get_json("/api/Client/1")["name"] == before["name"]);
  CHECK(t.get_json("/api/Client?search=Rory")["record_count"] == 0);
  CHECK(t.get("/api/Users/1001")->status == 200);

  auto allowed = c->Post("/api/Client", bearer(sarah), json::array({{{"id", 1}, {"name", "Renamed by Sarah"}}}).dump(),
                         "application/json");
  REQUIRE(allowed);
  CHECK(allowed->status == 201);
  CHECK(t.get_json("/api/Client/1")["name"] == "Renamed by Sarah");

  const json log = t.control("GET", "/_sandbox/requests?since=" + std::to_string(mark))["requests"];
  std::vector<std::pair<std::string, json>> seen;
  for (const auto& e : log)
    if (e["path"] != "/api/Agent/me")
      seen.emplace_back(e["method"].get<std::string>() + " " + e["path"].get<std::string>(), e["agent"]);
  const json rory_agent = {{"id", 13}, {"name", "Rory Reader"}};
  const json sarah_agent = {{"id", 11}, {"name", "Sarah Jones"}};
  const json api_agent = {{"id", 1}, {"name", "API User"}};
  REQUIRE(seen.size() >= 6);
  CHECK(seen[0] == std::pair<std::string, json>{"GET /api/Client/1", rory_agent});
  CHECK(seen[1] == std::pair<std::string, json>{"POST /api/Client", rory_agent});
  CHECK(seen[2] == std::pair<std::string, json>{"POST /api/Client", rory_agent});
  CHECK(seen[3] == std::pair<std::string, json>{"DELETE /api/Users/1001", rory_agent});
  CHECK(seen[4] == std::pair<std::string, json>{"GET /api/Client/1", api_agent});
  bool sarah_wrote = false;
  for (const auto& [what, agent] : seen) sarah_wrote |= what == "POST /api/Client" && agent == sarah_agent;
  CHECK(sarah_wrote);
}

TEST_CASE("the request log masks the password, the code and the verifier, and names no agent without a token") {
  Tenant t;
  const std::uint64_t mark = t.control("GET", "/_sandbox/requests")["next"];
  const std::string code = sign_in(t, "sarah.jones", "sandbox-sarah");
  REQUIRE(redeem(t, code)->status == 200);
  REQUIRE(t.client()->Get("/api/Client/1")->status == 401);
  const json log = t.control("GET", "/_sandbox/requests?since=" + std::to_string(mark))["requests"];
  REQUIRE(log.size() == 3);
  CHECK(log[0]["path"] == "/auth/authorize");
  CHECK(log[0]["body"]["password"] == "***");
  CHECK(log[0]["agent"] == json{{"id", 11}, {"name", "Sarah Jones"}});  // who signed in
  CHECK(log[1]["body"]["code"] == "***");
  CHECK(log[1]["body"]["code_verifier"] == "***");
  CHECK(log[1]["agent"].is_null());
  CHECK(log[2]["agent"].is_null());
  CHECK(log.dump().find(code) == std::string::npos);
  CHECK(log.dump().find("sandbox-sarah") == std::string::npos);
}

TEST_CASE("codes expire: past their lifetime a code is refused (injected clock)") {
  auto now = std::chrono::steady_clock::now();
  sandbox::AgentLogin login({}, std::chrono::seconds(60), [&] { return now; });
  sandbox::AgentLogin::Grant grant{kClient, kRedirect, kChallenge, "all", 11, ""};
  const std::string fresh = login.issue_code(grant);
  const std::string stale = login.issue_code(grant);
  now += std::chrono::seconds(59);
  CHECK(login.redeem_code(fresh, kClient, kRedirect, kVerifier).grant.has_value());
  now += std::chrono::seconds(2);
  const auto late = login.redeem_code(stale, kClient, kRedirect, kVerifier);
  CHECK(!late.grant.has_value());
  CHECK(late.error.find("expired") != std::string::npos);
}
