// The audit log as an operator reads it after the fact: one JSON line per event, masked, durable, complete.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "server/audit_log.h"
#include "server/request_context.h"
#include "server/tool_registry.h"

using json = nlohmann::json;

namespace {

struct FakeChannel : mcp::RequestContext::Channel {
  std::string session = "stdio";
  void notify(const json&) override {}
  json request(std::string_view, json, std::chrono::milliseconds, std::stop_token) override { return {}; }
  mcp::LogLevel log_level() const override { return mcp::LogLevel::debug; }
  const json& client_capabilities() const override { return caps; }
  std::string session_id() const override { return session; }
  json caps = json::object();
};

struct TempFile {
  std::string path;
  TempFile() {
    char name[] = "/tmp/audit-test-XXXXXX";
    int fd = mkstemp(name);
    ::close(fd);
    ::unlink(name);  // AuditLog::open creates it, with its own mode
    path = name;
  }
  ~TempFile() { ::unlink(path.c_str()); }
  std::vector<json> lines() const {
    std::vector<json> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }
};

const json kObjectSchema = {{"type", "object"},
                            {"properties", {{"id", {{"type", "integer"}}}, {"emailaddress", {{"type", "string"}}}}},
                            {"additionalProperties", false}};

mcp::ToolSpec write_tool(mcp::ToolHandler handler) {
  mcp::ToolSpec spec;
  spec.name = "update_contact";
  spec.title = "Update contact";
  spec.description = "test write tool";
  spec.toolset = "contacts";
  spec.input_schema = kObjectSchema;
  spec.handler = std::move(handler);
  return spec;
}

// What update_contact returns: the request sent and the before/after of the changed field.
json update_result() {
  return {{"record", {{"id", 1001}, {"name", "Jane Doe"}, {"emailaddress", "jane.new@acme.com"}}},
          {"dry_run", false},
          {"written", true},
          {"request",
           {{"method", "POST"},
            {"path", "/api/Users"},
            {"body", json::array({{{"id", 1001},
                                   {"emailaddress", "jane.new@acme.com"},
                                   {"password", "hunter2"},
                                   {"phonenumber", "+44 20 7946 0958"}}})}}},
          {"diff",
           json::array({{{"field", "emailaddress"}, {"before", "jane@acme.com"}, {"after", "jane.new@acme.com"}}})}};
}

}  // namespace

TEST_CASE("a write call leaves a started line before the handler runs and a finished line before the result") {
  TempFile file;
  mcp::ToolRegistry registry;
  auto log = mcp::AuditLog::open(file.path);
  registry.set_audit_log(log);
  std::size_t lines_seen_by_handler = 0;
  registry.add(write_tool([&](const json&, mcp::RequestContext&) {
    lines_seen_by_handler = file.lines().size();
    return mcp::ToolResult::data(update_result());
  }));
  FakeChannel channel;
  mcp::RequestContext ctx(channel, nullptr, {});
  auto result =
      registry.call(*registry.find("update_contact"), {{"id", 1001}, {"emailaddress", "jane.new@acme.com"}}, ctx);
  CHECK_FALSE(result.is_error);
  CHECK(lines_seen_by_handler == 1);

  auto lines = file.lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["event"] == "started");
  CHECK(lines[0]["tool"] == "update_contact");
  CHECK(lines[0]["session"] == "stdio");
  CHECK(lines[0]["arguments"]["emailaddress"] == "j***@acme.com");
  CHECK(lines[0]["ts"].get<std::string>().ends_with("Z"));
  const json& done = lines[1];
  CHECK(done["event"] == "finished");
  CHECK(done["call"] == lines[0]["call"]);
  CHECK(done["outcome"] == "ok");
  CHECK(done["written"] == true);
  CHECK(done["record_id"] == 1001);
  const json& sent = done["requests"][0];
  CHECK(sent["method"] == "POST");
  CHECK(sent["path"] == "/api/Users");
  CHECK(sent["body"][0]["id"] == 1001);
  CHECK(sent["body"][0]["emailaddress"] == "j***@acme.com");
  CHECK(sent["body"][0]["password"] == "***");
  CHECK(sent["body"][0]["phonenumber"] == "+** ** **** **58");
  // The undo information stays exact.
  CHECK(done["diff"][0] ==
        json{{"field", "emailaddress"}, {"before", "jane@acme.com"}, {"after", "jane.new@acme.com"}});

  struct stat st {};
  REQUIRE(::stat(file.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::ifstream raw(file.path);
  std::string all((std::istreambuf_iterator<char>(raw)), {});
  CHECK(all.find("hunter2") == std::string::npos);
  CHECK(all.find("7946 0958") == std::string::npos);
}

TEST_CASE("a signed-in caller's agent (id and name) is on every line of their write calls; none without one") {
  TempFile file;
  mcp::ToolRegistry registry;
  registry.set_audit_log(mcp::AuditLog::open(file.path));
  registry.add(write_tool([](const json& args, mcp::RequestContext&) {
    if (args.contains("emailaddress")) return mcp::ToolResult::data(update_result());
    throw std::runtime_error("boom");
  }));
  FakeChannel channel;
  auto sarah = std::make_shared<mcp::CallerInfo>(
      mcp::CallerInfo{"11", "Sarah Jones", {"halopsa:read", "halopsa:write"}, "grant-1", "client-1"});
  mcp::RequestContext as_sarah(channel, nullptr, {}, sarah);
  const auto& tool = *registry.find("update_contact");
  registry.call(tool, {{"id", 1001}, {"emailaddress", "jane.new@acme.com"}}, as_sarah);  // started, finished
  registry.call(tool, {{"id", "not a number"}}, as_sarah);                               // rejected (invalid)
  CHECK_THROWS(registry.call(tool, {{"id", 1001}}, as_sarah));                           // started, failed
  mcp::RequestContext anonymous(channel, nullptr, {});
  registry.call(tool, {{"id", 1001}, {"emailaddress", "jane.new@acme.com"}}, anonymous);

  const auto lines = file.lines();
  REQUIRE(lines.size() == 7);
  for (std::size_t i = 0; i < 5; ++i) {
    INFO(lines[i].dump());
    CHECK(lines[i]["agent"] == json{{"id", "11"}, {"name", "Sarah Jones"}});
  }
  CHECK(lines[2]["event"] == "rejected");
  CHECK(lines[4]["outcome"] == "internal_error");
  CHECK_FALSE(lines[5].contains("agent"));
  CHECK_FALSE(lines[6].contains("agent"));
  std::ifstream raw(file.path);
  std::string all((std::istreambuf_iterator<char>(raw)), {});
  CHECK(all.find("grant-1") == std::string::npos);  // the grant id is no one's business in the log
}

TEST_CASE("read-only tools are not logged; invalid, failed, thrown and refused write calls are") {
  TempFile file;
  mcp::ToolRegistry registry;
  registry.set_audit_log(mcp::AuditLog::open(file.path));
  mcp::ToolSpec reader = write_tool([](const json&, mcp::RequestContext&) { return mcp::ToolResult::text("ok"); });
  reader.name = "get_contact";
  reader.annotations.read_only = true;
  registry.add(reader);
  bool fail = false;
  registry.add(write_tool([&](const json&, mcp::RequestContext&) -> mcp::ToolResult {
    if (fail) throw std::runtime_error("connection reset by peer");
    return mcp::ToolResult::error("HaloPSA rejected the request: jane@acme.com is used by contact 1002");
  }));
  mcp::ToolSpec deleter = write_tool([](const json&, mcp::RequestContext&) { return mcp::ToolResult::text("gone"); });
  deleter.name = "delete_contact";
  registry.add(deleter);
  registry.apply({.tools = {"get_contact", "update_contact"}});

  FakeChannel channel;
  channel.session = "0123456789abcdef0123456789abcdef";
  mcp::RequestContext ctx(channel, nullptr, {});
  registry.call(*registry.find("get_contact"), json::object(), ctx);
  CHECK(file.lines().empty());

  auto invalid = registry.call(*registry.find("update_contact"), {{"id", "abc"}}, ctx);
  CHECK(invalid.is_error);
  auto rejected = registry.call(*registry.find("update_contact"), {{"id", 1001}}, ctx);
  CHECK(rejected.is_error);
  fail = true;
  CHECK_THROWS(registry.call(*registry.find("update_contact"), {{"id", 1001}}, ctx));
  registry.record_refusal("delete_contact", {{"id", 1001}}, ctx,
                          "Tool delete_contact is not available: not in --tools");
  registry.record_refusal("get_contact", json::object(), ctx, "reads are not audited");

  auto lines = file.lines();
  REQUIRE(lines.size() == 6);
  CHECK(lines[0]["event"] == "rejected");
  CHECK(lines[0]["outcome"] == "invalid");
  CHECK(lines[0]["session"] == "01234567…");  // HTTP session ids are credentials: never logged whole
  CHECK(lines[2]["outcome"] == "error");
  CHECK(lines[2]["error"] == "HaloPSA rejected the request: j***@acme.com is used by contact 1002");
  CHECK(lines[4]["outcome"] == "internal_error");
  CHECK(lines[4]["error"] == "connection reset by peer");
  CHECK(lines[5]["event"] == "rejected");
  CHECK(lines[5]["outcome"] == "refused");
  CHECK(lines[5]["tool"] == "delete_contact");
}

TEST_CASE("when the audit log cannot be written, a write tool does nothing and says why") {
  mcp::ToolRegistry registry;
  registry.set_audit_log(mcp::AuditLog::open("/dev/full"));
  bool ran = false;
  registry.add(write_tool([&](const json&, mcp::RequestContext&) {
    ran = true;
    return mcp::ToolResult::text("written");
  }));
  FakeChannel channel;
  mcp::RequestContext ctx(channel, nullptr, {});
  auto result = registry.call(*registry.find("update_contact"), {{"id", 1}}, ctx);
  CHECK(result.is_error);
  CHECK_FALSE(ran);
  CHECK(result.content[0]["text"].get<std::string>().find("audit log") != std::string::npos);
  CHECK_THROWS_WITH(mcp::AuditLog::open("/nonexistent-dir/audit.jsonl"),
                    doctest::Contains("/nonexistent-dir/audit.jsonl"));
}

TEST_CASE("workflow steps and follow-up requests are all collected, with their status") {
  json structured = {{"dry_run", false},
                     {"steps", json::array({{{"step", "create client"},
                                             {"status", "created"},
                                             {"id", 41},
                                             {"request", {{"method", "POST"}, {"path", "/api/Client"}}}},
                                            {{"step", "create contact"},
                                             {"status", "failed"},
                                             {"request", {{"method", "POST"}, {"path", "/api/Users"}}}}})},
                     {"request", {{"method", "POST"}, {"path", "/api/Site"}}},
                     {"additional_requests", json::array({{{"method", "POST"}, {"path", "/api/Client"}}})}};
  json requests = mcp::AuditLog::requests_of(structured);
  REQUIRE(requests.size() == 4);
  CHECK(requests[0]["path"] == "/api/Site");
  CHECK(requests[1]["path"] == "/api/Client");
  CHECK(requests[2]["step"] == "create client");
  CHECK(requests[3]["status"] == "failed");
}

// A secret can reach the log as a value under an innocent key: the diff names its field in "field" and puts the
// values in "before"/"after", a custom field is {name, value}, and a refused write repeats the diff as text.
TEST_CASE("secret fields are masked in the diff, custom fields and error text, not only under secret keys") {
  TempFile file;
  mcp::ToolRegistry registry;
  registry.set_audit_log(mcp::AuditLog::open(file.path));
  bool refuse = false;
  registry.add(write_tool([&](const json&, mcp::RequestContext&) -> mcp::ToolResult {
    if (refuse)
      return mcp::ToolResult::error(
          "Not written: contact 1001 \"Jane Doe\" changed at 2026-01-02T10:00:00Z, after your copy.\n"
          "Its current values against what you wanted to set:\n"
          "- customfields[CFPortalPassword]: \"old-pw-4471\" → \"new-pw-9932\"\n"
          "- emailaddress: \"jane@acme.com\" → \"jane.new@acme.com\"");
    json r = update_result();
    r["diff"] = json::array({{{"field", "new_password"}, {"before", nullptr}, {"after", "hunter2-diff"}},
                             {{"field", "customfields[CFApiToken]"}, {"before", "tok-old-1"}, {"after", "tok-new-2"}},
                             {{"field", "emailaddress"}, {"before", "jane@acme.com"}, {"after", "jane.new@acme.com"}}});
    r["not_applied"] = json::array({{{"field", "portal_secret"}, {"sent", "s3cr3t-sent"}, {"saved", "s3cr3t-saved"}}});
    r["record"]["customfields"] =
        json::array({{{"id", 7}, {"name", "CFApiToken"}, {"label", "API token"}, {"value", "tok-new-2"}}});
    return mcp::ToolResult::data(r);
  }));
  FakeChannel channel;
  mcp::RequestContext ctx(channel, nullptr, {});
  registry.call(*registry.find("update_contact"), {{"id", 1001}}, ctx);
  refuse = true;
  registry.call(*registry.find("update_contact"), {{"id", 1001}}, ctx);

  std::ifstream raw(file.path);
  std::string all((std::istreambuf_iterator<char>(raw)), {});
  for (const char* secret :
       {"hunter2", "tok-old-1", "tok-new-2", "s3cr3t-sent", "s3cr3t-saved", "old-pw-4471", "new-pw-9932"}) {
    INFO(secret);
    CHECK(all.find(secret) == std::string::npos);
  }
  auto lines = file.lines();
  REQUIRE(lines.size() == 4);
  // The masked entries still say which field changed, and the ordinary one keeps its undo values.
  CHECK(lines[1]["diff"][0] == json{{"field", "new_password"}, {"before", nullptr}, {"after", "***"}});
  CHECK(lines[1]["diff"][1] == json{{"field", "customfields[CFApiToken]"}, {"before", "***"}, {"after", "***"}});
  CHECK(lines[1]["diff"][2] ==
        json{{"field", "emailaddress"}, {"before", "jane@acme.com"}, {"after", "jane.new@acme.com"}});
  CHECK(lines[3]["error"].get<std::string>().find("- customfields[CFPortalPassword]: ***") != std::string::npos);
  CHECK(lines[3]["error"].get<std::string>().find("- emailaddress:") != std::string::npos);
}
