#include <chrono>

#include "helpers.h"

using sbtest::json;
using sbtest::Tenant;

TEST_CASE("fault rules parse from the control API's JSON, with clear errors") {
  const auto cmd = sandbox::parse_fault_command(json::array(
      {{{"status", 429}, {"count", 3}, {"retry_after", 7}, {"path_prefix", "/api/Client"}, {"method", "get"}},
       {{"drop_connections", true}},
       {{"status", 500}, {"apply_after_write", true}},
       {{"latency_ms", 25}, {"token_html_500", 2}, {"expire_tokens", true}}}));
  REQUIRE(cmd.rules.size() == 3);
  CHECK(cmd.rules[0].status == 429);
  CHECK(cmd.rules[0].count == 3);
  CHECK(cmd.rules[0].retry_after == 7);
  CHECK(cmd.rules[0].method == "GET");
  CHECK(cmd.rules[1].drop_connections);
  CHECK(cmd.rules[2].apply_after_write);
  CHECK(cmd.latency_ms == 25);
  CHECK(cmd.token_html_500 == 2);
  CHECK(cmd.expire_tokens);

  auto error_of = [](const json& body) {
    try {
      sandbox::parse_fault_command(body);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of({{"status", 99}}).find("between 100 and 599") != std::string::npos);
  CHECK(error_of({{"status", 429}, {"count", 0}}).find("at least 1") != std::string::npos);
  CHECK(error_of({{"statsu", 429}}).find("unknown fault field \"statsu\"") != std::string::npos);
  CHECK(error_of({{"count", 2}}).find("needs a \"status\"") != std::string::npos);
  CHECK(error_of(json::object()).find("nothing to do") != std::string::npos);
  CHECK(error_of(json::array()).find("empty") != std::string::npos);
  CHECK(error_of({{"status", "429"}}).find("integer") != std::string::npos);

  sandbox::FaultRule plain;
  plain.status = 429;
  CHECK(sandbox::fault_body(plain) == "Rate Limit Reached - 300 Requests per rolling 5 minute window");
  CHECK(sandbox::fault_content_type(plain).find("text/plain") == 0);
  plain.status = 502;
  CHECK(sandbox::fault_content_type(plain).find("text/html") == 0);
}

TEST_CASE("429 for the next N calls, with Halo's text and an optional Retry-After") {
  Tenant t;
  t.control("POST", "/_sandbox/faults", {{"status", 429}, {"count", 2}, {"retry_after", 3}});
  for (int i = 0; i < 2; ++i) {
    auto r = t.get("/api/Client");
    REQUIRE(r);
    CHECK(r->status == 429);
    CHECK(r->body == "Rate Limit Reached - 300 Requests per rolling 5 minute window");
    CHECK(r->get_header_value("Content-Type").find("text/plain") == 0);
    CHECK(r->get_header_value("Retry-After") == "3");
  }
  CHECK(t.get("/api/Client")->status == 200);
}

TEST_CASE("5xx faults match by path prefix and method, in queue order") {
  Tenant t;
  sandbox::FaultRule only_post_sites;
  only_post_sites.status = 502;
  only_post_sites.path_prefix = "/api/site";
  only_post_sites.method = "POST";
  t.sb->faults().add(only_post_sites);
  t.control("POST", "/_sandbox/faults", {{"status", 503}, {"path_prefix", "/api/Users"}});

  CHECK(t.get("/api/Site")->status == 200);
  CHECK(t.get("/api/Client")->status == 200);
  auto users = t.get("/api/Users/1001");
  REQUIRE(users);
  CHECK(users->status == 503);
  CHECK(users->get_header_value("Content-Type").find("text/html") == 0);
  auto post = t.post("/api/Site", json::array({{{"name", "X"}, {"client_id", 1}}}));
  REQUIRE(post);
  CHECK(post->status == 502);
  CHECK(t.get_json("/api/Site?client_id=1")["record_count"] == 2);  // the failed write did not land
  CHECK(t.sb->faults().pending_rules() == 0);
}

TEST_CASE("drop_connections makes the client see a network error") {
  Tenant t;
  t.control("POST", "/_sandbox/faults", {{"drop_connections", true}, {"count", 1}});
  auto r = t.get("/api/Client");
  CHECK_FALSE(r);
  CHECK(t.get("/api/Client")->status == 200);
}

TEST_CASE("apply_after_write: the create lands, then the reply fails") {
  Tenant t;
  t.control("POST", "/_sandbox/faults", {{"status", 500}, {"apply_after_write", true}});
  CHECK(t.get("/api/Client")->status == 200);  // reads pass: the rule waits for a write
  auto r = t.post("/api/Client", json::array({{{"name", "Landed Anyway Ltd"}}}));
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(t.get_json("/api/Client?search=Landed%20Anyway")["record_count"] == 1);

  t.control("POST", "/_sandbox/faults", {{"drop_connections", true}, {"apply_after_write", true}});
  CHECK_FALSE(t.post("/api/Client", json::array({{{"name", "Dropped But Saved"}}})));
  CHECK(t.get_json("/api/Client?search=Dropped%20But")["record_count"] == 1);
}

TEST_CASE("latency is added to every API call until cleared") {
  Tenant t;
  t.control("POST", "/_sandbox/faults", {{"latency_ms", 250}});
  auto start = std::chrono::steady_clock::now();
  CHECK(t.get("/api/Client/1")->status == 200);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));  // a lower bound: load only adds
  // Cleared means gone, shown without timing a fast answer: with a minute of latency set and then cleared, a GET
  // answers within the client's 10 s read timeout (had the latency stayed, it would time out and fail).
  t.control("POST", "/_sandbox/faults", {{"latency_ms", 60000}});
  const json cleared = t.control("DELETE", "/_sandbox/faults");
  CHECK(cleared["latency_ms"] == 0);
  auto after = t.get("/api/Client/1");
  REQUIRE(after);
  CHECK(after->status == 200);
}

TEST_CASE("token_html_500 fails the next token requests with Halo's HTML page") {
  Tenant t;
  t.control("POST", "/_sandbox/faults", {{"token_html_500", 1}});
  auto r = t.token_request("grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret");
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(r->body.find("<html>") != std::string::npos);
  CHECK_FALSE(t.fetch_token().empty());
}

TEST_CASE("the control API rejects bad rules with a reason") {
  Tenant t;
  auto r = t.client()->Post("/_sandbox/faults", R"({"status": 42})", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"].get<std::string>().find("status") != std::string::npos);
  auto junk = t.client()->Post("/_sandbox/faults", "not json", "application/json");
  REQUIRE(junk);
  CHECK(junk->status == 400);
}

TEST_CASE("the request log records what was sent upstream, with secrets masked") {
  Tenant t;
  const json first = t.control("GET", "/_sandbox/requests");
  REQUIRE(first["requests"].size() == 1);  // the fixture's token request
  const json token_call = first["requests"][0];
  CHECK(token_call["method"] == "POST");
  CHECK(token_call["path"] == "/auth/token");
  CHECK(token_call["query"]["tenant"] == "sandbox");
  CHECK(token_call["body"]["client_secret"] == "***");
  CHECK(token_call["body"]["client_id"] == "halopsa-sandbox");
  CHECK(token_call["status"] == 200);
  CHECK(first.dump().find("sandbox-secret") == std::string::npos);
  CHECK(first.dump().find(t.token) == std::string::npos);

  const std::uint64_t since = first["next"];
  t.post_json("/api/Users", json::array({{{"id", 1002}, {"title", "CFO"}, {"new_password", "hunter2"}}}));
  CHECK(t.get("/api/Site?client_id=1&pageinate=true&page_no=1")->status == 200);
  const json later = t.control("GET", "/_sandbox/requests?since=" + std::to_string(since));
  REQUIRE(later["requests"].size() == 2);
  const json write = later["requests"][0];
  CHECK(write["method"] == "POST");
  CHECK(write["path"] == "/api/Users");
  CHECK(write["body"] == json::array({{{"id", 1002}, {"title", "CFO"}, {"new_password", "***"}}}));
  CHECK(later["requests"][1]["query"] == json{{"client_id", "1"}, {"pageinate", "true"}, {"page_no", "1"}});
  CHECK(later["next"] == since + 2);
  CHECK(t.sb->requests(since).size() == 2);
  CHECK(t.control("GET", "/_sandbox/requests?since=" + std::to_string(since + 2))["requests"].empty());
}

TEST_CASE("reset wipes writes and reseeds the demo book") {
  Tenant t;
  CHECK(t.del("/api/Client/22")->status == 200);
  t.post_json("/api/Client", json::array({{{"name", "Temporary Ltd"}}}));
  t.control("POST", "/_sandbox/reset");
  CHECK(t.get_json("/api/Client/22")["name"] == "Kestrel Ventures");
  CHECK(t.get_json("/api/Client?search=Temporary")["record_count"] == 0);
  CHECK(t.post_json("/api/Client", json::array({{{"name", "After Reset"}}}))["id"] == 41);
}
