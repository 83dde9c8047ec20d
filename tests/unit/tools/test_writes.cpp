// The write flow's promise: a write reports what HaloPSA saved, not what was sent. A stub tenant that keeps some
// values and drops others shows each way a value can fail to take (the sandbox is too well behaved for it).
#include <doctest/doctest.h>

#include <mutex>

#include "halo/client.h"
#include "stub_server.h"
#include "tools/writes.h"

using tools::json;

namespace {

struct Tenant {
  test::StubServer stub;
  std::mutex mu;
  json client = {{"id", 5}, {"name", "Acme"}, {"website", "https://a.example"}, {"notes", ""}, {"main_site_id", 0}};
  std::vector<json> posts;
  bool answer_with_record = true;

  Tenant() {
    stub.serve_tokens();
    stub.http().Get("/api/Client/5", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mu);
      res.set_content(client.dump(), "application/json");
    });
    // Keeps website, drops notes (as a tenant with a workflow rule might), never sets main_site_id.
    stub.http().Post("/api/Client", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu);
      const json sent = json::parse(req.body);
      posts.push_back(sent);
      if (sent[0].contains("website")) client["website"] = sent[0]["website"];
      res.status = 201;
      res.set_content(answer_with_record ? client.dump() : std::string("{}"), "application/json");
    });
    stub.start();
  }
  halo::Config config() const {
    halo::Config c;
    c.base_url = stub.base_url();
    c.client_id = "stub-client";
    c.client_secret = "stub-secret";
    c.tenant = "acme";
    return c;
  }
};

}  // namespace

TEST_CASE("an update reports each field HaloPSA did not take, from its answer or a fresh read") {
  for (bool answer_with_record : {true, false}) {
    Tenant tenant;
    tenant.answer_with_record = answer_with_record;
    halo::Client halo(tenant.config());
    const json current = tools::fetch_record(halo, tools::Kind::client, 5);
    const json body = {{"website", "https://b.example"}, {"notes", "Call before visiting"}};
    tools::WriteResult r = tools::update_record(halo, tools::Kind::client, 5, body, json::object(), {}, current);
    CHECK(r.data["written"] == true);
    REQUIRE(r.data.contains("not_applied"));
    CHECK(r.data["not_applied"] == json::parse(R"([{"field":"notes","sent":"Call before visiting","saved":""}])"));
    CHECK(r.data["record"]["website"] == "https://b.example");
    CHECK(r.text.find("WARNING: HaloPSA saved the record but did not take 1 value(s)") != std::string::npos);
  }
}

TEST_CASE("a follow-up write that does not take is reported, not announced as done") {
  Tenant tenant;
  halo::Client halo(tenant.config());
  tools::WriteResult r;
  r.data = json::object();
  tools::follow_up(halo, r, tools::Kind::client, {{"id", 5}, {"main_site_id", 101}}, false,
                   "make site 101 the main site");
  REQUIRE(r.data.contains("not_applied"));
  CHECK(r.data["not_applied"][0]["field"] == "client 5.main_site_id");
  CHECK(r.data["not_applied"][0]["saved"] == 0);
  CHECK(r.text.find("Also make site 101") == std::string::npos);
  CHECK(r.text.find("WARNING: HaloPSA did not take the follow-up write to make site 101 the main site") !=
        std::string::npos);
}

TEST_CASE("a write whose values all took carries no not_applied") {
  Tenant tenant;
  halo::Client halo(tenant.config());
  const json current = tools::fetch_record(halo, tools::Kind::client, 5);
  tools::WriteResult r = tools::update_record(halo, tools::Kind::client, 5, {{"website", "https://c.example"}},
                                              json::object(), {}, current);
  CHECK(r.data["written"] == true);
  CHECK_FALSE(r.data.contains("not_applied"));
  CHECK_FALSE(r.data.contains("warning"));
}
