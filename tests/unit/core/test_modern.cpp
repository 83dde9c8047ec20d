// MCP 2026-07-28 requests (per-request _meta, no initialize) served by the same session as legacy ones.
#include <doctest/doctest.h>

#include "fixture_server.h"
#include "server/era.h"
#include "sinks.h"

using namespace test;
using mcp::json;

namespace {

json envelope(json caps = json::object(), std::string version = "2026-07-28") {
  return {{"io.modelcontextprotocol/protocolVersion", std::move(version)},
          {"io.modelcontextprotocol/clientCapabilities", std::move(caps)},
          {"io.modelcontextprotocol/clientInfo", {{"name", "modern-test"}, {"version", "1"}}}};
}

json modern(const json& id, const std::string& method, json params = json::object(), json caps = json::object()) {
  params["_meta"] = envelope(std::move(caps));
  return request(id, method, std::move(params));
}

struct Harness {
  std::shared_ptr<RecordingSink> sink = std::make_shared<RecordingSink>();
  std::shared_ptr<mcp::McpServer> server = fixture_server();
  std::shared_ptr<mcp::Session> session = mcp::Session::create(server, sink);
  ~Harness() { session->close(std::chrono::seconds(5)); }
  json send(const json& message) {
    session->receive(message.dump());
    return message.contains("id") ? sink->response(message["id"]) : json();
  }
};

std::shared_ptr<mcp::McpServer> server_with_prompts_and_resources() {
  auto server = fixture_server();
  server->prompts.add(
      {"greet",
       "Greet",
       "Says hello",
       {{"who", "whom", true}},
       [](const std::map<std::string, std::string>& args, mcp::RequestContext&) {
         return json{{"messages", json::array({{{"role", "user"},
                                                {"content", {{"type", "text"}, {"text", "hi " + args.at("who")}}}}})}};
       }});
  server->resources.add(mcp::ResourceTemplateSpec{
      "thing://{id}", "thing", "Thing", "A thing", "application/json",
      [](const std::string& uri, const std::map<std::string, std::string>& vars, mcp::RequestContext&) {
        if (vars.at("id") == "0") return json::array();
        return json::array({{{"uri", uri}, {"text", "{}"}}});
      }});
  return server;
}

}  // namespace

TEST_CASE("server/discover answers a modern request without initialize") {
  Harness h;
  json r = h.send(modern(1, "server/discover"));
  REQUIRE(r.contains("result"));
  const json& result = r["result"];
  CHECK(result["resultType"] == "complete");
  CHECK(result["supportedVersions"][0] == "2026-07-28");
  CHECK(std::find(result["supportedVersions"].begin(), result["supportedVersions"].end(), "2025-11-25") !=
        result["supportedVersions"].end());
  CHECK(result["capabilities"].contains("tools"));
  CHECK_FALSE(result["capabilities"].contains("logging"));  // deprecated: not offered to modern requests
  CHECK(result["instructions"] == "fixture instructions");
  CHECK(result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "fixture");
  CHECK(result["ttlMs"].get<long long>() > 0);
  CHECK(result["cacheScope"] == "public");
  CHECK_FALSE(h.session->initialized());  // nothing sticky
}

TEST_CASE("server/discover without the per-request _meta stays unknown to the legacy era") {
  Harness h;
  CHECK(h.send(request(1, "server/discover"))["error"]["code"] == -32601);
}

TEST_CASE("modern tools/list and tools/call carry resultType, serverInfo and caching hints") {
  Harness h;
  json list = h.send(modern(1, "tools/list"));
  REQUIRE(list.contains("result"));
  CHECK(list["result"]["resultType"] == "complete");
  CHECK(list["result"]["cacheScope"] == "public");
  CHECK(list["result"]["ttlMs"] == 3600000);
  CHECK(list["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["version"] == "1.2.3");
  CHECK(list["result"]["tools"].size() == h.server->tools.size());

  json call = h.send(modern(2, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "hi"}}}}));
  CHECK(call["result"]["resultType"] == "complete");
  CHECK(call["result"]["structuredContent"]["text"] == "hi");
  CHECK_FALSE(call["result"].contains("ttlMs"));  // tool results are not cacheable

  // The legacy answer is unchanged: no modern fields.
  Harness legacy;
  legacy.send(init_request());
  json old = legacy.send(request(3, "tools/list"));
  CHECK_FALSE(old["result"].contains("resultType"));
  CHECK_FALSE(old["result"].contains("ttlMs"));
}

TEST_CASE("an unknown protocol version is -32022 listing the supported ones; a missing one is -32602") {
  Harness h;
  json params{{"_meta", envelope(json::object(), "1900-01-01")}};
  json r = h.send(request(1, "tools/list", params));
  CHECK(r["error"]["code"] == -32022);
  CHECK(r["error"]["data"]["requested"] == "1900-01-01");
  CHECK(r["error"]["data"]["supported"][0] == "2026-07-28");

  json no_version{{"_meta", {{"io.modelcontextprotocol/clientCapabilities", json::object()}}}};
  r = h.send(request(2, "tools/list", no_version));
  CHECK(r["error"]["code"] == -32602);
  CHECK(r["error"]["message"].get<std::string>().find("protocolVersion") != std::string::npos);

  json no_caps{{"_meta", {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"}}}};
  r = h.send(request(3, "tools/list", no_caps));
  CHECK(r["error"]["code"] == -32602);
  CHECK(r["error"]["message"].get<std::string>().find("clientCapabilities") != std::string::npos);

  json number_version{{"_meta", {{"io.modelcontextprotocol/protocolVersion", 2026}}}};
  CHECK(h.send(request(4, "tools/list", number_version))["error"]["code"] == -32602);

  // The session keeps serving.
  CHECK(h.send(modern(5, "tools/list"))["result"]["resultType"] == "complete");
}

TEST_CASE("legacy-only methods are not offered to modern requests") {
  Harness h;
  for (std::string method : {"ping", "logging/setLevel", "initialize", "resources/subscribe"}) {
    json r = h.send(modern(method, method));
    CHECK_MESSAGE(r["error"]["code"] == -32601, method);
  }
  CHECK_FALSE(h.session->initialized());  // an initialize carrying modern _meta opened no legacy session
}

TEST_CASE("a modern request inside a legacy session is served with its own capabilities, not the session's") {
  Harness h;
  h.send(init_request("2025-11-25", {{"elicitation", json::object()}}));
  // The modern request declares no elicitation: the tool must not ask.
  json r = h.send(modern(1, "tools/call", {{"name", "confirm"}}));
  CHECK(r["result"]["isError"] == true);
  CHECK(r["result"]["content"][0]["text"] == "no elicitation");
  CHECK(r["result"]["resultType"] == "complete");
  // The legacy session is untouched: still 2025-11-25, still initialized.
  CHECK(h.session->protocol_version() == "2025-11-25");
  CHECK(h.send(request(2, "ping"))["result"] == json::object());
}

TEST_CASE("elicitation on a modern request is a multi round-trip: input_required, then the retry's answer") {
  Harness h;
  json caps{{"elicitation", json::object()}};
  json first = h.send(modern(1, "tools/call", {{"name", "confirm"}}, caps));
  REQUIRE(first.contains("result"));
  CHECK(first["result"]["resultType"] == "input_required");
  const json& asked = first["result"]["inputRequests"];
  REQUIRE(asked.size() == 1);
  const std::string key = asked.begin().key();
  CHECK(asked[key]["method"] == "elicitation/create");
  CHECK(asked[key]["params"]["message"] == "Sure?");
  CHECK_FALSE(first["result"].contains("ttlMs"));
  // No server-to-client request went out: the modern era has none.
  for (const auto& m : h.sink->all()) CHECK_FALSE((m.contains("method") && m.contains("id")));

  json retry = h.send(modern(
      2, "tools/call",
      {{"name", "confirm"}, {"inputResponses", {{key, {{"action", "accept"}, {"content", {{"ok", true}}}}}}}}, caps));
  CHECK(retry["result"]["resultType"] == "complete");
  CHECK(retry["result"]["content"][0]["text"] == "answer: accept");

  json bad = h.send(modern(3, "tools/call", {{"name", "confirm"}, {"inputResponses", "yes"}}, caps));
  CHECK(bad["error"]["code"] == -32602);
}

TEST_CASE("no log messages reach a modern request; progress does") {
  Harness h;
  json r = h.send(modern(1, "tools/call", {{"name", "chatty"}}));
  CHECK(r["result"]["content"][0]["text"] == "ok");
  for (const auto& m : h.sink->all()) CHECK(m.value("method", std::string()) != "notifications/message");

  json params{{"name", "slow"}, {"arguments", {{"steps", 2}}}};
  json msg = modern(2, "tools/call", params);
  msg["params"]["_meta"]["progressToken"] = "p";
  json done = h.send(msg);
  CHECK(done["result"]["content"][0]["text"] == "done");
  int progress = 0;
  for (const auto& m : h.sink->all())
    if (m.value("method", std::string()) == "notifications/progress" && m["params"]["progressToken"] == "p") ++progress;
  CHECK(progress == 2);
}

TEST_CASE("a modern request is cancelled by notifications/cancelled (stdio)") {
  Harness h;
  slow_tool_finished = 0;
  h.session->receive(modern(7, "tools/call", {{"name", "slow"}, {"arguments", {{"steps", 500}}}}).dump());
  h.session->receive(
      json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 7}}}}.dump());
  CHECK(h.session->drain(std::chrono::seconds(5)));
  CHECK(slow_tool_finished == 1);
  CHECK(h.sink->response(7, std::chrono::milliseconds(50)).is_null());  // no reply after cancellation
}

TEST_CASE("prompts and resources for modern requests; an unknown resource is -32602, not -32002") {
  Harness h;
  h.server = server_with_prompts_and_resources();
  h.session = mcp::Session::create(h.server, h.sink);
  json prompts = h.send(modern(1, "prompts/list"));
  CHECK(prompts["result"]["prompts"][0]["name"] == "greet");
  CHECK(prompts["result"]["cacheScope"] == "public");
  json got = h.send(modern(2, "prompts/get", {{"name", "greet"}, {"arguments", {{"who", "bob"}}}}));
  CHECK(got["result"]["messages"][0]["content"]["text"] == "hi bob");
  CHECK(got["result"]["resultType"] == "complete");
  json templates = h.send(modern(3, "resources/templates/list"));
  CHECK(templates["result"]["resourceTemplates"][0]["uriTemplate"] == "thing://{id}");
  json read = h.send(modern(4, "resources/read", {{"uri", "thing://5"}}));
  CHECK(read["result"]["contents"][0]["uri"] == "thing://5");
  CHECK(read["result"]["cacheScope"] == "private");
  CHECK(read["result"]["ttlMs"] == 0);
  json missing = h.send(modern(5, "resources/read", {{"uri", "nothing://1"}}));
  CHECK(missing["error"]["code"] == -32602);
  // A legacy session still gets the code of its revision.
  h.send(init_request());
  CHECK(h.send(request(6, "resources/read", {{"uri", "nothing://1"}}))["error"]["code"] == -32002);
}

TEST_CASE("HTTP: headers that contradict the body are -32020; missing ones too") {
  auto server = fixture_server();
  json call = modern(1, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "x"}}}});
  mcp::era::MirroredHeaders good{"2026-07-28", "tools/call", "echo"};
  CHECK_FALSE(mcp::era::check_http_request(call, good, *server));

  auto code_of = [&](const json& message, mcp::era::MirroredHeaders headers) {
    auto error = mcp::era::check_http_request(message, headers, *server);
    return error ? error->code : 0;
  };
  CHECK(code_of(call, {"2025-11-25", "tools/call", "echo"}) == -32020);   // the version header disagrees
  CHECK(code_of(call, {"2026-07-28", "tools/list", "echo"}) == -32020);   // the method header disagrees
  CHECK(code_of(call, {"2026-07-28", "tools/call", "other"}) == -32020);  // the name header disagrees
  CHECK(code_of(call, {std::nullopt, "tools/call", "echo"}) == -32020);   // required headers missing
  CHECK(code_of(call, {"2026-07-28", std::nullopt, "echo"}) == -32020);
  CHECK(code_of(call, {"2026-07-28", "tools/call", std::nullopt}) == -32020);
  CHECK(code_of(call, {"2026-07-28", "tools/call", "=?base64?ZWNobw==?="}) == 0);  // "echo", encoded
  CHECK(code_of(call, {"2026-07-28", "tools/call", "=?base64?not base64?="}) == -32020);
  CHECK(code_of(call, {" 2026-07-28 ", "tools/call", "echo"}) == 0);  // optional whitespace around values

  json old_version = call;
  old_version["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "2099-01-01";
  CHECK(code_of(old_version, {"2099-01-01", "tools/call", "echo"}) == -32022);
  CHECK(code_of(modern(2, "ping"), {"2026-07-28", "ping", std::nullopt}) == -32601);
  CHECK(mcp::era::http_status_for(-32601) == 404);
  CHECK(mcp::era::http_status_for(-32020) == 400);
  // The header alone claims the modern era: initialize is the legacy handshake (mismatch), anything else lacks
  // its _meta (invalid params).
  CHECK(code_of(init_request(), {"2026-07-28", "initialize", std::nullopt}) == -32020);
  CHECK(code_of(request(3, "tools/list"), {"2026-07-28", "tools/list", std::nullopt}) == -32602);
}

TEST_CASE("what claims the modern era") {
  CHECK(mcp::era::claims_modern(modern(1, "tools/list")));
  CHECK(mcp::era::claims_modern(request(1, "tools/list", {{"_meta", envelope(json::object(), "1900-01-01")}})));
  CHECK(mcp::era::claims_modern(
      request(1, "tools/list", {{"_meta", {{"io.modelcontextprotocol/clientCapabilities", json::object()}}}})));
  CHECK_FALSE(mcp::era::claims_modern(request(1, "tools/list", {{"_meta", {{"progressToken", 1}}}})));
  CHECK_FALSE(mcp::era::claims_modern(request(1, "tools/list", {{"_meta", envelope(json::object(), "2025-11-25")}})));
  CHECK_FALSE(mcp::era::claims_modern(request(1, "tools/list")));
  CHECK_FALSE(mcp::era::claims_modern(json::array()));
}

TEST_CASE("a serialised page gets the modern fields without being parsed") {
  mcp::ServerInfo info{"n", "", "1", ""};
  auto finished = [&](std::string_view page) {
    std::string out;
    mcp::era::append_finished(out, page, "tools/list", info);
    return json::parse(out);
  };
  json page = finished(R"({"tools":[]})");
  CHECK(page["tools"] == json::array());
  CHECK(page["resultType"] == "complete");
  CHECK(page["cacheScope"] == "public");
  CHECK(finished("{}")["resultType"] == "complete");
}

TEST_CASE("a modern request inside a 2025-03-26 batch is refused on its own; the rest of the batch is served") {
  Harness h;
  h.send(init_request("2025-03-26"));
  h.sink->clear();
  json batch =
      json::array({request(1, "ping"), modern(2, "tools/list"),
                   json{{"jsonrpc", "2.0"}, {"method", "notifications/x"}, {"params", {{"_meta", envelope()}}}}});
  h.session->receive(batch.dump());
  auto m = h.sink->wait_for(1);
  REQUIRE(m.size() == 1);
  REQUIRE(m[0].is_array());
  REQUIRE(m[0].size() == 2);
  for (const auto& r : m[0]) {
    if (r["id"] == 1) CHECK(r["result"] == json::object());
    else
      CHECK(r["error"]["code"] == -32600);
  }
}
