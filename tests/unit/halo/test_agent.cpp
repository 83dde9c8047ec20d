// Calls made for a signed-in agent (team server, `--auth halo`) and the agent's sign-in with HaloPSA, against a stub.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "halo/agent_login.h"
#include "halo/client.h"
#include "stub_server.h"

using nlohmann::json;

namespace {

halo::Config stub_config(const test::StubServer& stub) {
  halo::Config c;
  c.base_url = stub.base_url();
  c.client_id = "stub-client";
  c.client_secret = "stub-secret-9f8e7d";
  c.tenant = "acme";
  c.backoff_base_ms = 5;
  c.max_rate_wait_seconds = 3;
  c.read_timeout_ms = 2000;
  return c;
}

// An agent whose tokens are "agent-<name>-<n>"; refreshed() hands out the next one.
struct FakeAgent : halo::AgentCredentials {
  FakeAgent(std::string id, std::string name)
      : who{std::move(id), std::move(name), ""}, prefix("agent-" + who.id + "-") {}
  std::string access_token() override { return prefix + std::to_string(generation.load()); }
  std::string refreshed(const std::string& rejected) override {
    CHECK(rejected == access_token());
    ++refreshes;
    return prefix + std::to_string(++generation);
  }
  const halo::AgentIdentity& identity() const override { return who; }
  halo::AgentIdentity who;
  std::string prefix;
  std::atomic<int> generation{1};
  std::atomic<int> refreshes{0};
};

struct Seen {
  std::mutex mu;
  std::vector<std::string> bearers;
  void add(const httplib::Request& req) {
    std::lock_guard lock(mu);
    bearers.push_back(req.get_header_value("Authorization"));
  }
  std::vector<std::string> copy() {
    std::lock_guard lock(mu);
    return bearers;
  }
};

halo::Error error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const halo::Error& e) {
    return e;
  }
  FAIL("expected a halo::Error");
  return halo::Error(halo::ErrorKind::upstream, "unreachable");
}

}  // namespace

TEST_CASE("agent calls carry the agent's token, not the API application's; without a scope the application's") {
  test::StubServer stub;
  stub.serve_tokens();
  Seen seen;
  stub.http().Get("/api/Client/7", [&](const httplib::Request& req, httplib::Response& res) {
    seen.add(req);
    res.set_content(R"({"id":7,"name":"Acme"})", "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  auto sarah = std::make_shared<FakeAgent>("11", "Sarah Jones");
  {
    halo::AgentScope as(sarah);
    client.get("Client/7");
  }
  client.get("Client/7");
  const auto bearers = seen.copy();
  REQUIRE(bearers.size() == 2);
  CHECK(bearers[0] == "Bearer agent-11-1");
  CHECK(bearers[1] == "Bearer stub-token-1");
  CHECK(stub.tokens_issued == 1);  // the agent's call fetched no client-credentials token
}

TEST_CASE("a list's page threads run as the agent the call runs as") {
  test::StubServer stub;
  stub.serve_tokens();
  Seen seen;
  stub.http().Get("/api/Client", [&](const httplib::Request& req, httplib::Response& res) {
    seen.add(req);
    const int page = std::stoi(req.get_param_value("page_no"));
    json rows = json::array();
    if (page <= 4) rows.push_back({{"id", page}, {"name", "Client " + std::to_string(page)}});
    res.set_content(json{{"record_count", 4}, {"clients", rows}}.dump(), "application/json");
  });
  stub.start();
  auto config = stub_config(stub);
  config.page_concurrency = 4;
  halo::Client client(config);
  auto sarah = std::make_shared<FakeAgent>("11", "Sarah Jones");
  halo::AgentScope as(sarah);
  halo::ListOptions options;
  options.page_size = 1;
  const auto result = client.list("Client", "clients", {}, options);
  CHECK(result.rows.size() == 4);
  const auto bearers = seen.copy();
  REQUIRE(bearers.size() >= 4);
  for (const auto& b : bearers) CHECK(b == "Bearer agent-11-1");
  CHECK(stub.tokens_issued == 0);
}

TEST_CASE("a 401 to an agent's token refreshes it once and repeats the call with the new one") {
  test::StubServer stub;
  Seen seen;
  stub.http().Get("/api/Client/7", [&](const httplib::Request& req, httplib::Response& res) {
    seen.add(req);
    if (req.get_header_value("Authorization") == "Bearer agent-11-1") {
      res.status = 401;
      return;
    }
    res.set_content(R"({"id":7,"name":"Acme"})", "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  auto sarah = std::make_shared<FakeAgent>("11", "Sarah Jones");
  halo::AgentScope as(sarah);
  CHECK(client.get("Client/7")["name"] == "Acme");
  CHECK(sarah->refreshes == 1);
  CHECK(seen.copy() == std::vector<std::string>{"Bearer agent-11-1", "Bearer agent-11-2"});
}

TEST_CASE("a second 401 after the refresh says to sign in again, naming the agent, with no token in it") {
  test::StubServer stub;
  stub.http().Get("/api/Client/7", [&](const httplib::Request&, httplib::Response& res) { res.status = 401; });
  stub.start();
  halo::Client client(stub_config(stub));
  auto sarah = std::make_shared<FakeAgent>("11", "Sarah Jones");
  halo::AgentScope as(sarah);
  const auto e = error_of([&] { client.get("Client/7"); });
  CHECK(e.kind() == halo::ErrorKind::auth_failed);
  CHECK(std::string(e.what()).find("Sarah Jones") != std::string::npos);
  CHECK(std::string(e.what()).find("sign in") != std::string::npos);
  CHECK(std::string(e.what()).find("agent-11-") == std::string::npos);
  CHECK(sarah->refreshes == 1);
}

TEST_CASE("HaloPSA's 403 to an agent's write names the agent and what they may not do, and claims nothing written") {
  test::StubServer stub;
  std::atomic<int> posts{0};
  stub.http().Post("/api/Client", [&](const httplib::Request&, httplib::Response& res) {
    ++posts;
    res.status = 403;
    res.set_content(R"({"message":"You do not have permission to edit customers"})", "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  auto rory = std::make_shared<FakeAgent>("13", "Rory Reader");
  halo::AgentScope as(rory);
  const auto e = error_of([&] { client.update("Client", json{{"id", 7}, {"name", "New"}}); });
  CHECK(e.kind() == halo::ErrorKind::forbidden);
  const std::string text = e.what();
  CHECK(text.rfind("HaloPSA refused: agent Rory Reader may not edit clients", 0) == 0);
  CHECK(text.find("Nothing was written") != std::string::npos);
  CHECK(text.find("scope") == std::string::npos);  // not the API application's scope wording
  CHECK(posts == 1);                               // a refusal is not retried
  CHECK(rory->refreshes == 0);
}

TEST_CASE("a client that must run as an agent refuses a call without one, sending nothing") {
  test::StubServer stub;
  stub.serve_tokens();
  std::atomic<int> gets{0};
  stub.http().Get("/api/Client/7", [&](const httplib::Request&, httplib::Response& res) {
    ++gets;
    res.set_content(R"({"id":7})", "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  client.require_agent(true);
  const auto e = error_of([&] { client.get("Client/7"); });
  CHECK(e.kind() == halo::ErrorKind::auth_failed);
  CHECK(std::string(e.what()).find("no signed-in HaloPSA agent") != std::string::npos);
  CHECK(gets == 0);
  CHECK(stub.tokens_issued == 0);
}

TEST_CASE("HALOPSA_AGENT_CLIENT_ID alone configures a tenant whose calls all run as agents") {
  halo::Config c;
  c.base_url = "https://acme.halopsa.com";
  c.agent_client_id = "native-app";
  CHECK(c.configured());
  CHECK_NOTHROW(c.validate());
  c.client_id = "half";
  CHECK_THROWS_WITH_AS(c.validate(), doctest::Contains("HALOPSA_CLIENT_SECRET"), halo::ConfigError);
  c.client_id.clear();
  halo::Client client(c);
  CHECK(client.agents_only());
}

TEST_CASE("agent login: authorize URL, code exchange with the verifier, refresh, and Agent/me") {
  test::StubServer stub;
  std::mutex mu;
  std::vector<httplib::Request> token_requests;
  stub.http().Get("/api/authinfo", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  stub.http().Post("/auth/token", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    token_requests.push_back(req);
    if (req.get_param_value("grant_type") == "refresh_token" &&
        req.get_param_value("refresh_token") == "dead-refresh") {
      res.status = 400;
      res.set_content(R"({"error":"invalid_grant"})", "application/json");
      return;
    }
    res.set_content(R"({"access_token":"agent-access-1","refresh_token":"agent-refresh-1","expires_in":1800,)"
                    R"("scope":"all offline_access","token_type":"Bearer"})",
                    "application/json");
  });
  stub.http().Get("/api/Agent/me", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer agent-access-1") {
      res.status = 401;
      return;
    }
    res.set_content(R"({"id":11,"name":"Sarah Jones","email":"sarah.jones@northwind-msp.example"})",
                    "application/json");
  });
  stub.start();
  halo::Config c;
  c.base_url = stub.base_url();
  c.tenant = "acme";
  c.agent_client_id = "native-app-id";
  halo::AgentLogin login(c);

  const std::string url = login.authorize_url("https://mcp.example/oauth/callback", "st-123", "chal-456");
  CHECK(url.rfind(stub.base_url() + "/auth/authorize?", 0) == 0);
  for (const char* part : {"response_type=code", "client_id=native-app-id",
                           "redirect_uri=https%3A%2F%2Fmcp.example%2Foauth%2Fcallback", "scope=all%20offline_access",
                           "state=st-123", "code_challenge=chal-456", "code_challenge_method=S256", "tenant=acme"}) {
    CHECK_MESSAGE(url.find(part) != std::string::npos, part);
  }

  const auto tokens = login.exchange_code("the-code", "the-verifier", "https://mcp.example/oauth/callback");
  CHECK(tokens.access_token == "agent-access-1");
  CHECK(tokens.refresh_token == "agent-refresh-1");
  CHECK(tokens.expires_in == 1800);
  CHECK(tokens.scope == "all offline_access");
  {
    std::lock_guard lock(mu);
    REQUIRE(token_requests.size() == 1);
    const auto& req = token_requests[0];
    CHECK(req.get_param_value("tenant") == "acme");
    CHECK(req.get_param_value("grant_type") == "authorization_code");
    CHECK(req.get_param_value("client_id") == "native-app-id");
    CHECK(req.get_param_value("code") == "the-code");
    CHECK(req.get_param_value("code_verifier") == "the-verifier");
    CHECK(req.get_param_value("redirect_uri") == "https://mcp.example/oauth/callback");
    CHECK_FALSE(req.has_param("client_secret"));
  }

  const auto who = login.identify(tokens.access_token);
  CHECK(who.id == "11");
  CHECK(who.name == "Sarah Jones");
  CHECK(who.email == "sarah.jones@northwind-msp.example");

  login.refresh("agent-refresh-1");
  {
    std::lock_guard lock(mu);
    REQUIRE(token_requests.size() == 2);
    CHECK(token_requests[1].get_param_value("grant_type") == "refresh_token");
    CHECK(token_requests[1].get_param_value("refresh_token") == "agent-refresh-1");
  }
  const auto e = error_of([&] { login.refresh("dead-refresh"); });
  CHECK(e.kind() == halo::ErrorKind::auth_failed);
  CHECK(std::string(e.what()).find("invalid_grant") != std::string::npos);
  CHECK(std::string(e.what()).find("dead-refresh") == std::string::npos);
  CHECK(error_of([&] { login.identify("someone-else"); }).kind() == halo::ErrorKind::auth_failed);
}

TEST_CASE("agent login needs the native application's client id") {
  halo::Config c;
  c.base_url = "https://acme.halopsa.com";
  CHECK_THROWS_WITH_AS(halo::AgentLogin{c}, doctest::Contains("HALOPSA_AGENT_CLIENT_ID"), halo::ConfigError);
}
