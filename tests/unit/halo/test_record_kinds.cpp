// Record kinds: the request a write reports is the request it sends, and every kind's table entry is real.
#include <doctest/doctest.h>

#include "halo/client.h"
#include "halo/openapi_fields.h"
#include "halo/record_kinds.h"
#include "sandbox_fixture.h"

using nlohmann::json;

TEST_CASE("record kinds: a save or delete request reports Halo's method, path and body") {
  const halo::Request save = halo::save_request(halo::Kind::site, {{"id", 7}, {"inactive", true}});
  CHECK(save.to_json() ==
        json{{"method", "POST"}, {"path", "/api/Site"}, {"body", json::array({{{"id", 7}, {"inactive", true}}})}});
  const halo::Request removal = halo::delete_request(halo::Kind::contact, 12);
  CHECK(removal.to_json() == json{{"method", "DELETE"}, {"path", "/api/Users/12"}});
  CHECK(halo::save_request(halo::Kind::client, {{"name", "Acme"}}).path() == "/api/Client");
}

TEST_CASE("record kinds: the edited kinds name OpenAPI schemas and stamps that exist") {
  for (halo::Kind kind : {halo::Kind::client, halo::Kind::site, halo::Kind::contact}) {
    const halo::KindWire& w = halo::wire(kind);
    CAPTURE(w.collection);
    const auto& fields = halo::openapi::schema(w.schema);
    CHECK_FALSE(fields.empty());
    CHECK(fields.count(w.stamp) == 1);
    CHECK(fields.count("id") == 1);
  }
}

TEST_CASE("record kinds: send() puts exactly the reported request on the wire") {
  test::SandboxFixture sb;
  halo::Client halo(sb.config());
  const json site = halo::page(halo, halo::Kind::site, {}, 1, 1).rows.at(0);
  const halo::Request request =
      halo::save_request(halo::Kind::site, {{"id", site["id"]}, {"phonenumber", "0100 000 001"}});
  const auto mark = sb.mark();
  halo::send(halo, request);
  const json sent = sb.requests(mark, "/api/Site");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["method"] == "POST");
  CHECK(sent[0]["path"] == request.path());
  CHECK(sent[0]["body"] == request.body);
  CHECK(halo::get(halo, halo::Kind::site, site["id"].get<long long>())["phonenumber"] == "0100 000 001");
}
