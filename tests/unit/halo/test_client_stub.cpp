// Client behaviour against a stub server, for answers the sandbox does not give.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "halo/client.h"
#include "halo/lookup_tables.h"
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

bool bearer_ok(const httplib::Request& req, httplib::Response& res) {
  if (req.get_header_value("Authorization").rfind("Bearer stub-token-", 0) == 0) return true;
  res.status = 401;
  return false;
}

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

TEST_CASE("client: token request is a client-credentials form post with the tenant in the query") {
  test::StubServer stub;
  stub.serve_tokens();
  stub.http().Get("/api/authinfo", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  stub.http().Get("/api/Client/7", [](const httplib::Request& req, httplib::Response& res) {
    if (bearer_ok(req, res)) res.set_content(R"({"id":7,"name":"Acme"})", "application/json");
  });
  stub.start();
  auto config = stub_config(stub);
  config.scope = "read:customers edit:customers";
  halo::Client client(config);
  CHECK(client.get("Client/7")["name"] == "Acme");

  auto requests = stub.token_requests_copy();
  REQUIRE(requests.size() == 1);
  const auto& req = requests[0];
  CHECK(req.get_param_value("tenant") == "acme");
  CHECK(req.get_header_value("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(req.body.find("client_secret") != std::string::npos);  // in the body, never the URL
  CHECK(req.target.find("secret") == std::string::npos);
  httplib::Params form;
  httplib::detail::parse_query_text(req.body, form);
  CHECK(form.find("grant_type")->second == "client_credentials");
  CHECK(form.find("client_id")->second == "stub-client");
  CHECK(form.find("client_secret")->second == "stub-secret-9f8e7d");
  CHECK(form.find("scope")->second == "read:customers edit:customers");

  auto status = client.probe();  // no /api/Client list here: the probe reports the 404
  CHECK_FALSE(status.ok);
  CHECK(status.error_kind == "not_found");
  CHECK(status.auth_url == stub.base_url() + "/auth");  // authinfo absent: {base}/auth
  CHECK(status.tenant == "acme");
  CHECK(status.token_seconds_left > 3500);
}

TEST_CASE("client: authinfo names the auth server and the tenant") {
  test::StubServer stub;
  std::atomic<int> token_calls{0};
  std::string seen_tenant;
  stub.http().Get("/api/authinfo", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(json{{"auth_url", stub.base_url() + "/identity"}, {"tenant_id", "from-authinfo"}}.dump(),
                    "application/json");
  });
  stub.http().Post("/identity/token", [&](const httplib::Request& req, httplib::Response& res) {
    ++token_calls;
    seen_tenant = req.get_param_value("tenant");
    res.set_content(R"({"access_token":"stub-token-x","expires_in":"3600"})", "application/json");
  });
  stub.http().Get("/api/Client", [](const httplib::Request& req, httplib::Response& res) {
    if (bearer_ok(req, res)) res.set_content(R"({"record_count":0,"clients":[]})", "application/json");
  });
  stub.start();
  auto config = stub_config(stub);
  config.tenant.clear();
  halo::Client client(config);
  auto status = client.probe();
  CHECK(status.ok);
  CHECK(status.error.empty());
  CHECK(token_calls == 1);
  CHECK(seen_tenant == "from-authinfo");
  CHECK(status.auth_url == stub.base_url() + "/identity");
  CHECK(status.latency_ms >= 0);
  CHECK(status.budget_limit == 300);
  CHECK(status.budget_left == 298);  // GET /api/authinfo takes a slot like the probe
}

TEST_CASE("client: create/update send JSON arrays and accept object, array and envelope answers") {
  test::StubServer stub;
  stub.serve_tokens();
  std::vector<json> bodies;
  std::mutex mu;
  std::string shape = "object";
  stub.http().Post("/api/Client", [&](const httplib::Request& req, httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    json sent = json::parse(req.body);
    {
      std::lock_guard lock(mu);
      bodies.push_back(sent);
    }
    json saved = sent[0];
    if (!saved.contains("id")) saved["id"] = 41;
    json answer = shape == "object" ? saved : shape == "array" ? json::array({saved}) : json{{"clients", {saved}}};
    res.set_content(answer.dump(), "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  for (const char* s : {"object", "array", "envelope"}) {
    shape = s;
    auto saved = client.create("Client", {{"name", "New Co"}});
    CHECK_MESSAGE(saved["id"] == 41, s);
    CHECK(saved["name"] == "New Co");
  }
  auto updated = client.update("Client", {{"id", 41}, {"inactive", true}});
  CHECK(updated["inactive"] == true);
  REQUIRE(bodies.size() == 4);
  CHECK(bodies[0] == json::array({{{"name", "New Co"}}}));
  CHECK(bodies[3] == json::array({{{"id", 41}, {"inactive", true}}}));  // id + changed fields only

  shape = "envelope";
  auto batch = client.post_batch("Client", json::array({{{"name", "A"}}, {{"name", "B"}}}));
  CHECK(batch["clients"][0]["id"] == 41);  // returned as the server gave it
  CHECK(bodies.back().size() == 2);

  CHECK(error_of([&] { client.update("Client", {{"name", "no id"}}); }).kind() == halo::ErrorKind::validation);
  CHECK(error_of([&] { client.create("Client", json::array()); }).kind() == halo::ErrorKind::validation);
}

TEST_CASE("client: a bare-array list (no record_count) is walked by full pages") {
  test::StubServer stub;
  stub.serve_tokens();
  stub.http().Get("/api/ClientContract", [](const httplib::Request& req, httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    CHECK(req.get_param_value("pageinate") == "true");
    CHECK(req.get_param_value("client_id") == "5");
    const int no = std::stoi(req.get_param_value("page_no"));
    const int size = std::stoi(req.get_param_value("page_size"));
    json rows = json::array();
    for (int i = (no - 1) * size; i < std::min(25, no * size); ++i) rows.push_back({{"id", i + 1}});
    res.set_content(rows.dump(), "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  halo::ListOptions options;
  options.page_size = 10;
  auto result = client.list("ClientContract", "contracts", {{"client_id", "5"}, {"page_no", "9"}}, options);
  REQUIRE(result.rows.size() == 25);
  CHECK(result.rows[24]["id"] == 25);
  CHECK(result.requests == 3);
}

TEST_CASE("client: HTML where JSON belongs, and HTML error pages, become clear upstream errors") {
  test::StubServer stub;
  stub.serve_tokens();
  std::atomic<int> gateway_calls{0};
  stub.http().Get("/api/Client/1", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html><head><title>Acme IT - Home</title></head><body>Welcome</body></html>", "text/html");
  });
  stub.http().Get("/api/Site", [&](const httplib::Request&, httplib::Response& res) {
    ++gateway_calls;
    res.status = 502;
    res.set_content("<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>", "text/html");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  auto html200 = error_of([&] { client.get("Client/1"); });
  CHECK(html200.kind() == halo::ErrorKind::upstream);
  CHECK(std::string(html200.what()).find("HALOPSA_BASE_URL") != std::string::npos);

  auto gateway = error_of([&] { client.get("Site"); });
  CHECK(gateway.kind() == halo::ErrorKind::upstream);
  CHECK(gateway.status() == 502);
  CHECK(std::string(gateway.what()) == "HaloPSA answered 502 to GET /api/Site: an HTML error page: 502 Bad Gateway");
  CHECK(gateway_calls == 4);  // a read: the first try plus max_retries (3)
}

TEST_CASE("client: 403 on tickets names the missing scope") {
  test::StubServer stub;
  stub.serve_tokens();
  stub.http().Get("/api/Tickets", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(R"({"ClassName":"Forbidden","Message":"You do not have access"})", "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  auto e = error_of([&] { client.page("Tickets", "tickets", {{"client_id", "3"}}, 1, 50); });
  CHECK(e.kind() == halo::ErrorKind::forbidden);
  CHECK(e.status() == 403);
  CHECK(std::string(e.what()).find("read:tickets") != std::string::npos);
  CHECK(std::string(e.what()).find("You do not have access") != std::string::npos);
}

TEST_CASE("client: a delete whose first answer was lost succeeds when the retry finds nothing") {
  test::StubServer stub;
  stub.serve_tokens();
  std::atomic<int> calls{0};
  stub.http().Delete("/api/Site/9",
                     [&](const httplib::Request&, httplib::Response& res) { res.status = ++calls == 1 ? 503 : 404; });
  stub.start();
  halo::Client client(stub_config(stub));
  CHECK_NOTHROW(client.remove("Site/9"));
  CHECK(calls == 2);
}

TEST_CASE("client: a read that times out is retried; the timeout is a network error") {
  test::StubServer stub;
  stub.serve_tokens();
  std::atomic<int> calls{0};
  stub.http().Get("/api/Users/3", [&](const httplib::Request&, httplib::Response& res) {
    if (++calls == 1) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    res.set_content(R"({"id":3})", "application/json");
  });
  stub.http().Get("/api/Users/4", [&](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    res.set_content(R"({"id":4})", "application/json");
  });
  stub.start();
  auto config = stub_config(stub);
  config.read_timeout_ms = 100;
  config.max_retries = 1;
  halo::Client client(config);
  CHECK(client.get("Users/3")["id"] == 3);
  CHECK(calls == 2);
  auto e = error_of([&] { client.get("Users/4"); });
  CHECK(e.kind() == halo::ErrorKind::network);
  CHECK(std::string(e.what()).find("GET /api/Users/4") != std::string::npos);
}

TEST_CASE("client: a burst of 401s from concurrent calls causes one token refresh") {
  test::StubServer stub;
  stub.serve_tokens();
  std::atomic<int> accepted_token{1};
  stub.http().Get("/api/Client/1", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer stub-token-" + std::to_string(accepted_token.load())) {
      res.status = 401;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    res.set_content(R"({"id":1})", "application/json");
  });
  stub.start();
  halo::Client client(stub_config(stub));
  client.get("Client/1");
  CHECK(stub.tokens_issued == 1);
  accepted_token = 2;  // the server revokes token 1
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (client.get("Client/1")["id"] == 1) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 8);
  CHECK(stub.tokens_issued == 2);
}

TEST_CASE(
    "lookup tables: rows bare or enveloped, the id-0 default and other tables' rows left out; found by name once") {
  test::StubServer stub;
  stub.serve_tokens();
  std::atomic<int> type_reads{0};
  stub.http().Get("/api/Lookup", [&](const httplib::Request& req, httplib::Response& res) {
    if (!bearer_ok(req, res)) return;
    const std::string id = req.get_param_value("lookupid");
    CHECK(req.get_param_value("exclude_zero") == "true");
    if (id == "11") {
      ++type_reads;
      // The table of lookup types, enveloped as HaloAPI unwraps it.
      res.set_content(R"({"lookup":[{"id":0,"name":"None","lookupid":11},{"id":17,"name":"Charge Type","lookupid":11},
                                     {"id":64,"name":"Customer  Types","lookupid":11}]})",
                      "application/json");
    } else if (id == "64") {
      res.set_content(R"J([{"id":0,"name":"(none)","lookupid":64},{"id":1,"name":"Customer","lookupid":64},
                          {"id":2,"name":"Prospect","lookupid":64,"inactive":true},{"id":9,"name":"Stray","lookupid":17}])J",
                      "application/json");
    } else {
      res.set_content("[]", "application/json");
    }
  });
  stub.start();
  halo::Client client(stub_config(stub));
  const auto table = halo::find_client_type_table(client);
  REQUIRE(table);
  CHECK(table->id == 64);
  CHECK(table->name == "Customer  Types");
  CHECK(halo::find_client_type_table(client)->id == 64);
  CHECK(type_reads == 1);  // remembered: one look-up per client
  const json rows = halo::lookup_rows(client, 64);
  CHECK(rows ==
        json::parse(R"([{"id":1,"name":"Customer","inactive":false},{"id":2,"name":"Prospect","inactive":true}])"));
  CHECK(halo::is_client_type_table_name("CustomerType"));
  CHECK(halo::is_client_type_table_name("client types"));
  CHECK_FALSE(halo::is_client_type_table_name("Customer Relationship"));
  // HALOPSA_CLIENT_TYPE_LOOKUP_ID wins without a look-up.
  auto config = stub_config(stub);
  config.client_type_lookup_id = 33;
  halo::Client configured(config);
  CHECK(halo::find_client_type_table(configured)->id == 33);
  CHECK(type_reads == 1);
}
