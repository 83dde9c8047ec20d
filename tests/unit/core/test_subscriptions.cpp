// resources/subscribe and /unsubscribe: the session's answers and the cross-session hub that sends
// notifications/resources/updated.
#include <doctest/doctest.h>

#include "server/session.h"
#include "sinks.h"

using namespace test;
using mcp::json;

namespace {

std::shared_ptr<mcp::McpServer> server_with_resources() {
  auto server = std::make_shared<mcp::McpServer>();
  auto contents = [](const std::string& uri) { return json::array({{{"uri", uri}, {"text", "x"}}}); };
  server->resources.add(
      mcp::ResourceSpec{"test://static", "static", "", "", "text/plain",
                        [contents](const std::string& u, mcp::RequestContext&) { return contents(u); }});
  server->resources.add(
      mcp::ResourceTemplateSpec{"test://records/{id}", "record", "", "", "application/json",
                                [contents](const std::string& u, const std::map<std::string, std::string>&,
                                           mcp::RequestContext&) { return contents(u); },
                                nullptr});
  return server;
}

struct Client {
  std::shared_ptr<RecordingSink> sink = std::make_shared<RecordingSink>();
  std::shared_ptr<mcp::Session> session;
  int next_id = 1;
  Client(std::shared_ptr<mcp::McpServer> server, bool server_push = true) {
    session = mcp::Session::create(server, sink, {.id = "s", .server_push = server_push});
    json init = send("initialize", {{"protocolVersion", "2025-11-25"},
                                    {"capabilities", json::object()},
                                    {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
    capabilities = init["result"]["capabilities"];
  }
  ~Client() { session->close(std::chrono::seconds(5)); }
  json send(const std::string& method, json params) {
    const int id = next_id++;
    session->receive(request(id, method, std::move(params)).dump());
    return sink->response(id);
  }
  std::vector<json> updates() {
    std::vector<json> out;
    for (const auto& m : sink->all())
      if (m.value("method", "") == "notifications/resources/updated") out.push_back(m);
    return out;
  }
  json capabilities;
};

}  // namespace

TEST_CASE("subscriptions are declared where the transport can deliver their notifications") {
  auto server = server_with_resources();
  Client pushing(server);
  CHECK(pushing.capabilities["resources"]["subscribe"] == true);
  Client stateless(server, /*server_push=*/false);
  CHECK(stateless.capabilities["resources"]["subscribe"] == false);
  CHECK(stateless.send("resources/subscribe", {{"uri", "test://static"}})["error"]["code"] == -32601);

  Client no_resources(std::make_shared<mcp::McpServer>());
  CHECK_FALSE(no_resources.capabilities.contains("resources"));
  CHECK(no_resources.send("resources/subscribe", {{"uri", "test://static"}})["error"]["code"] == -32601);
}

TEST_CASE("subscribing to a resource or a templated URI succeeds; anything else says what to do") {
  auto server = server_with_resources();
  Client c(server);
  CHECK(c.send("resources/subscribe", {{"uri", "test://static"}})["result"] == json::object());
  CHECK(c.send("resources/subscribe", {{"uri", "test://records/42"}})["result"] == json::object());
  json unknown = c.send("resources/subscribe", {{"uri", "test://nothing/here"}});
  CHECK(unknown["error"]["code"] == -32002);
  CHECK(unknown["error"]["message"].get<std::string>().find("resources/templates/list") != std::string::npos);
  CHECK(c.send("resources/subscribe", json::object())["error"]["code"] == -32602);
  CHECK(c.send("resources/unsubscribe", {{"uri", 7}})["error"]["code"] == -32602);
  // Unsubscribing from something never subscribed to is not an error.
  CHECK(c.send("resources/unsubscribe", {{"uri", "test://records/9"}})["result"] == json::object());
  CHECK(server->subscriptions->size() == 2);
}

TEST_CASE("an update reaches every session subscribed to that URI, and no other") {
  auto server = server_with_resources();
  Client a(server), b(server), c(server);
  a.send("resources/subscribe", {{"uri", "test://records/42"}});
  b.send("resources/subscribe", {{"uri", "test://records/42"}});
  c.send("resources/subscribe", {{"uri", "test://records/43"}});

  CHECK(server->subscriptions->updated("test://records/42") == 2);
  REQUIRE(a.updates().size() == 1);
  CHECK(a.updates()[0] == json{{"jsonrpc", "2.0"},
                               {"method", "notifications/resources/updated"},
                               {"params", {{"uri", "test://records/42"}}}});
  CHECK(b.updates().size() == 1);
  CHECK(c.updates().empty());

  // Subscribing twice is one subscription; unsubscribing ends it.
  a.send("resources/subscribe", {{"uri", "test://records/42"}});
  CHECK(server->subscriptions->updated("test://records/42") == 2);
  CHECK(a.updates().size() == 2);
  a.send("resources/unsubscribe", {{"uri", "test://records/42"}});
  CHECK(server->subscriptions->updated("test://records/42") == 1);
  CHECK(a.updates().size() == 2);
  CHECK(b.updates().size() == 3);
  CHECK(server->subscriptions->updated("test://records/44") == 0);
}

TEST_CASE("a session that ends takes its subscriptions with it") {
  auto server = server_with_resources();
  auto watcher = std::make_unique<Client>(server);
  watcher->send("resources/subscribe", {{"uri", "test://static"}});
  watcher->send("resources/subscribe", {{"uri", "test://records/1"}});
  CHECK(server->subscriptions->size() == 2);
  std::weak_ptr<RecordingSink> sink = watcher->sink;
  watcher.reset();
  CHECK(server->subscriptions->size() == 0);
  CHECK(server->subscriptions->updated("test://static") == 0);
  CHECK(sink.expired());
}

TEST_CASE("the hub skips and prunes a subscriber whose sink is gone") {
  mcp::ResourceSubscriptions hub;
  auto live = std::make_shared<RecordingSink>();
  auto gone = std::make_shared<RecordingSink>();
  int a = 0, b = 0;
  hub.subscribe(&a, "u://1", live);
  hub.subscribe(&b, "u://1", gone);
  gone.reset();
  CHECK(hub.updated("u://1") == 1);
  CHECK(hub.size() == 1);
  CHECK(live->all().size() == 1);
  hub.forget(&a);
  CHECK(hub.size() == 0);
}

TEST_CASE("a session's subscriptions are capped, so a client cannot make the server hold unbounded state") {
  auto server = server_with_resources();
  Client c(server);
  for (std::size_t i = 0; i < mcp::ResourceSubscriptions::kMaxPerSubscriber; ++i)
    REQUIRE(c.send("resources/subscribe", {{"uri", "test://records/" + std::to_string(i)}})["result"] ==
            json::object());
  json refused = c.send("resources/subscribe", {{"uri", "test://records/next"}});
  CHECK(refused["error"]["code"] == -32600);
  CHECK(refused["error"]["message"].get<std::string>().find("unsubscribe") != std::string::npos);
  // Subscribing again to one it has is fine; after unsubscribing, there is room again.
  CHECK(c.send("resources/subscribe", {{"uri", "test://records/5"}})["result"] == json::object());
  c.send("resources/unsubscribe", {{"uri", "test://records/5"}});
  CHECK(c.send("resources/subscribe", {{"uri", "test://records/next"}})["result"] == json::object());
  CHECK(server->subscriptions->size() == mcp::ResourceSubscriptions::kMaxPerSubscriber);
  // Another session has its own allowance.
  Client other(server);
  CHECK(other.send("resources/subscribe", {{"uri", "test://records/next"}})["result"] == json::object());
}
