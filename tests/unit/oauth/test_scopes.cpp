// Scope policy on the transport: a read grant sees and calls only read tools; a write call answers 403
// insufficient_scope naming the scope to ask for (step-up); a session is its user's alone.
#include "tests/unit/oauth/rig.h"

using test::json;
using test::kVerifier;

namespace {

// "a b": the names tools/list answered.
std::string tool_names(const httplib::Result& r) {
  REQUIRE(r);
  REQUIRE(r->status == 200);
  std::string names;
  const json body = json::parse(r->body);
  for (const auto& t : body["result"]["tools"]) names += (names.empty() ? "" : " ") + t["name"].get<std::string>();
  return names;
}

json list_tools() { return {{"jsonrpc", "2.0"}, {"id", 3}, {"method", "tools/list"}}; }

}  // namespace

TEST_CASE("a read-only grant sees only read tools, and a write call asks for the write scope with 403") {
  test::Rig rig;
  const std::string client_id = rig.register_client();
  json read = rig.exchange(client_id, rig.code_for(client_id, kVerifier, "t:read"), kVerifier);
  const std::string access = read["access_token"];
  const std::string session = rig.open_session(access);
  REQUIRE(!session.empty());

  CHECK(tool_names(rig.mcp(access, list_tools(), session)) == "whoami");
  auto write = rig.mcp(access, test::Rig::call("write_thing"), session);
  REQUIRE(write);
  CHECK(write->status == 403);
  const std::string challenge = write->get_header_value("WWW-Authenticate");
  CHECK(challenge.find("error=\"insufficient_scope\"") != std::string::npos);
  CHECK(challenge.find("scope=\"t:read t:write\"") != std::string::npos);
  CHECK(challenge.find("resource_metadata=\"" + rig.issuer + "/.well-known/oauth-protected-resource/mcp\"") !=
        std::string::npos);
  CHECK(write->body.find("needs the scope \\\"t:write\\\"") != std::string::npos);

  // Step up: authorize again with both scopes; now the write tool is listed and runs.
  json both = rig.exchange(client_id, rig.code_for(client_id, kVerifier, "t:read t:write"), kVerifier);
  const std::string session2 = rig.open_session(both["access_token"]);
  CHECK(tool_names(rig.mcp(both["access_token"], list_tools(), session2)) == "whoami write_thing");
  auto wrote = rig.mcp(both["access_token"], test::Rig::call("write_thing"), session2);
  REQUIRE(wrote);
  CHECK(wrote->status == 200);
}

TEST_CASE("another user's token does not open someone's session") {
  test::Rig rig;
  const std::string client_id = rig.register_client();
  json alex = rig.exchange(client_id, rig.code_for(client_id, kVerifier), kVerifier);
  const std::string session = rig.open_session(alex["access_token"]);
  REQUIRE(!session.empty());
  rig.upstream->user_id = "agent-9";
  rig.upstream->user_name = "Sam Other";
  json sam = rig.exchange(client_id, rig.code_for(client_id, kVerifier), kVerifier);
  auto r = rig.mcp(sam["access_token"], test::Rig::call("whoami"), session);
  REQUIRE(r);
  CHECK(r->status == 404);
  auto own = rig.mcp(alex["access_token"], test::Rig::call("whoami"), session);
  REQUIRE(own);
  CHECK(own->status == 200);
}

TEST_CASE("the legacy SSE transport is behind the same gate") {
  test::Rig rig;
  auto r = rig.http().Get("/sse");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(r->get_header_value("WWW-Authenticate").find("resource_metadata=") != std::string::npos);
  auto post = rig.http().Post("/messages?sessionId=x", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 401);
}
