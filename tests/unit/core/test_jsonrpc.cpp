#include <doctest/doctest.h>

#include "server/jsonrpc.h"

using mcp::json;
using mcp::MessageKind;

TEST_CASE("classify tells requests, notifications, responses and invalid messages apart") {
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})")) == MessageKind::request);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":"a","method":"ping"})")) == MessageKind::request);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")) ==
        MessageKind::notification);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")) == MessageKind::response);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}})")) ==
        MessageKind::response);

  std::string why;
  CHECK(mcp::classify(json::parse(R"({"id":1,"method":"ping"})"), &why) == MessageKind::invalid);
  CHECK(why.find("jsonrpc") != std::string::npos);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})")) == MessageKind::invalid);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":{},"method":"ping"})")) == MessageKind::invalid);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":7})")) == MessageKind::invalid);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})")) == MessageKind::invalid);
  CHECK(mcp::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})")) == MessageKind::invalid);
  CHECK(mcp::classify(json::parse(R"([1,2])")) == MessageKind::invalid);
  CHECK(mcp::classify(json::parse(R"("text")")) == MessageKind::invalid);
}

TEST_CASE("parse refuses syntax errors and pathological nesting without throwing") {
  std::string error;
  CHECK_FALSE(mcp::parse("{nope", &error));
  CHECK_FALSE(error.empty());
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  CHECK_FALSE(mcp::parse(deep, &error));
  CHECK(error.find("nested deeper") != std::string::npos);
  CHECK(mcp::parse(R"({"a":[[[1]]]})"));
  // A number beyond double range is nlohmann's out_of_range, not parse_error: it used to escape and end the
  // process (found by fuzz_jsonrpc_session).
  CHECK_FALSE(mcp::parse("1e999", &error));
  CHECK(error.find("number overflow") != std::string::npos);
  CHECK_FALSE(mcp::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"n":-3333333e333}})", &error));
}

TEST_CASE("dump_safe replaces invalid UTF-8 instead of throwing") {
  json j = std::string("bad \xff\xfe bytes");
  std::string out;
  CHECK_NOTHROW(out = mcp::dump_safe(j));
  CHECK(out.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
}

TEST_CASE("make_error carries code, message and optional data") {
  json e = mcp::make_error(7, mcp::rpc::kInvalidParams, "bad", {{"field", "x"}});
  CHECK(e["id"] == 7);
  CHECK(e["error"]["code"] == -32602);
  CHECK(e["error"]["data"]["field"] == "x");
  CHECK_FALSE(mcp::make_error(nullptr, -32700, "x")["error"].contains("data"));
}
