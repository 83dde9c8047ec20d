// A started MCP listener protected by the authorization server, with a fake upstream identity provider and a clock
// the test moves, plus the steps of an OAuth client and its user's browser (no redirect is followed by itself).
#pragma once

#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "oauth/authorization_server.h"
#include "tests/unit/free_port.h"
#include "oauth/sqlite_store.h"
#include "server/http_transport.h"
#include "server/request_context.h"

namespace test {

using json = nlohmann::json;

inline oauth::Cipher::Key test_key() {
  oauth::Cipher::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 3);
  return key;
}

// The identity provider: checks our PKCE leg, hands out numbered tokens, rotates its refresh token.
struct FakeUpstream : oauth::Upstream {
  explicit FakeUpstream(std::atomic<long long>& clock) : now(clock) {}
  std::string authorize_url(const std::string& redirect_uri, const std::string& state,
                            const std::string& challenge) override {
    std::lock_guard lock(mutex);
    challenges[state] = challenge;
    last_redirect_uri = redirect_uri;
    return "https://idp.test/authorize?state=" + state;
  }
  oauth::UpstreamTokens exchange_code(const std::string& code, const std::string& redirect_uri,
                                      const std::string& verifier) override {
    std::lock_guard lock(mutex);
    // The code the test's browser brings back is "idp-code:<state>", so the PKCE leg of that state is checked.
    auto state = code.substr(code.find(':') + 1);
    if (code.rfind("idp-code:", 0) != 0 || redirect_uri != last_redirect_uri ||
        oauth::s256(verifier) != challenges[state])
      throw std::runtime_error("the identity provider refused the code");
    ++issued;
    refresh_token = "idp-refresh-" + std::to_string(issued);
    return {"idp-access-" + std::to_string(issued), refresh_token, now + 3600};
  }
  oauth::UpstreamTokens refresh(const std::string& presented) override {
    std::lock_guard lock(mutex);
    if (presented != refresh_token) throw std::runtime_error("the identity provider refused the refresh token");
    ++issued;
    ++refreshes;
    refresh_token = "idp-refresh-" + std::to_string(issued);
    return {"idp-access-" + std::to_string(issued), refresh_token, now + 3600};
  }
  oauth::UpstreamIdentity identify(const std::string& access_token) override {
    if (access_token.rfind("idp-access-", 0) != 0) throw std::runtime_error("unknown token");
    return {user_id, user_name};
  }

  std::atomic<long long>& now;
  std::mutex mutex;
  std::map<std::string, std::string> challenges;
  std::string last_redirect_uri, refresh_token;
  int issued = 0, refreshes = 0;
  std::string user_id = "agent-7", user_name = "Alex Agent";
};

// Two tools: whoami (read-only; answers with the caller the transport handed it) and write_thing (a write).
inline std::shared_ptr<mcp::McpServer> scoped_server() {
  auto server = std::make_shared<mcp::McpServer>();
  server->info = {"oauth-test", "", "1.0", ""};
  json empty{{"type", "object"}, {"properties", json::object()}};
  server->tools.add({"whoami", "Who am I", "The caller", "misc", empty, std::nullopt,
                     mcp::ToolAnnotations{.read_only = true}, [](const json&, mcp::RequestContext& ctx) {
                       const mcp::CallerInfo* c = ctx.caller();
                       if (!c) return mcp::ToolResult::text("nobody");
                       std::string scopes;
                       for (const auto& s : c->scopes) scopes += (scopes.empty() ? "" : " ") + s;
                       return mcp::ToolResult::data({{"subject", c->subject},
                                                     {"name", c->display_name},
                                                     {"scopes", scopes},
                                                     {"grant", c->grant_id},
                                                     {"client", c->client_id}});
                     }});
  server->tools.add({"write_thing", "Write", "Writes", "misc", empty, std::nullopt, mcp::ToolAnnotations{},
                     [](const json&, mcp::RequestContext&) { return mcp::ToolResult::text("written"); }});
  server->tools.set_scope_policy({.read = "t:read", .write = "t:write"});
  return server;
}

inline std::string encode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else
      out += {'%', kHex[c >> 4], kHex[c & 0xF]};
  }
  return out;
}

inline std::string decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

// The query parameters of a URL, split before decoding (as a browser does).
inline std::multimap<std::string, std::string> query_of(const std::string& location) {
  std::multimap<std::string, std::string> out;
  auto q = location.find('?');
  if (q == std::string::npos) return out;
  std::string rest = location.substr(q + 1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('&', start);
    if (end == std::string::npos) end = rest.size();
    std::string pair = rest.substr(start, end - start);
    auto eq = pair.find('=');
    if (!pair.empty())
      out.emplace(decode(pair.substr(0, eq)), eq == std::string::npos ? "" : decode(pair.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

inline std::string param(const std::string& location, const std::string& name) {
  auto params = query_of(location);
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

struct Rig {
  explicit Rig(std::function<void(oauth::ServerConfig&)> tweak = {}) {
    port = free_port();
    issuer = "http://127.0.0.1:" + std::to_string(port);
    oauth::ServerConfig config{.issuer = issuer, .scopes_supported = {"t:read", "t:write"}, .default_scope = "t:read"};
    if (tweak) tweak(config);
    upstream = std::make_shared<FakeUpstream>(now);
    store = std::make_shared<oauth::SqliteStore>(":memory:");
    cipher = std::make_shared<oauth::Cipher>(test_key());
    auth = std::make_shared<oauth::AuthorizationServer>(config, store, upstream, cipher, [this] { return now.load(); });
    mcp::HttpOptions options;
    options.port = port;
    options.auth = auth;
    options.shutdown_grace = std::chrono::seconds(2);
    transport = std::make_unique<mcp::HttpTransport>(options);
    server = std::thread([this] { transport->run(scoped_server()); });
    for (int i = 0; i < 200; ++i) {
      httplib::Client probe("127.0.0.1", port);
      if (auto r = probe.Get("/healthz"); r && r->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~Rig() {
    transport->stop();
    server.join();
  }

  httplib::Client http() {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    return c;
  }

  std::string register_client(const std::string& redirect_uri = "http://127.0.0.1:9/callback") {
    auto r = http().Post("/register", json{{"client_name", "Test client"}, {"redirect_uris", {redirect_uri}}}.dump(),
                         "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 201);
    return json::parse(r->body).at("client_id");
  }

  // GET /authorize with these parameters (an empty value leaves the parameter out).
  httplib::Result authorize(const std::map<std::string, std::string>& params) {
    std::string query;
    for (const auto& [k, v] : params)
      if (!v.empty()) query += (query.empty() ? "?" : "&") + k + "=" + encode(v);
    return http().Get(("/authorize" + query).c_str());
  }

  // A complete, valid authorization request for `client_id`.
  std::map<std::string, std::string> request(const std::string& client_id, const std::string& verifier,
                                             const std::string& scope = "t:read",
                                             const std::string& redirect_uri = "http://127.0.0.1:9/callback") {
    return {{"response_type", "code"},
            {"client_id", client_id},
            {"redirect_uri", redirect_uri},
            {"state", "client-state-1"},
            {"scope", scope},
            {"code_challenge", oauth::s256(verifier)},
            {"code_challenge_method", "S256"},
            {"resource", issuer + "/mcp"}};
  }

  // The browser's trip: /authorize → the identity provider (signs the user in) → /oauth/callback. Returns where the
  // callback sends the browser (the client's redirect URI with code and state, or an error).
  std::string browse(const std::map<std::string, std::string>& params) {
    auto start = authorize(params);
    REQUIRE(start);
    REQUIRE(start->status == 302);
    const std::string to_idp = start->get_header_value("Location");
    REQUIRE(to_idp.rfind("https://idp.test/authorize?", 0) == 0);
    const std::string state = param(to_idp, "state");
    auto back = http().Get(("/oauth/callback?code=" + encode("idp-code:" + state) + "&state=" + encode(state)).c_str());
    REQUIRE(back);
    REQUIRE(back->status == 302);
    return back->get_header_value("Location");
  }

  std::string code_for(const std::string& client_id, const std::string& verifier, const std::string& scope = "t:read") {
    std::string location = browse(request(client_id, verifier, scope));
    REQUIRE(location.rfind("http://127.0.0.1:9/callback?", 0) == 0);
    CHECK(param(location, "state") == "client-state-1");
    CHECK(param(location, "iss") == issuer);
    return param(location, "code");
  }

  httplib::Result token(const httplib::Params& form) { return http().Post("/token", form); }

  json exchange(const std::string& client_id, const std::string& code, const std::string& verifier) {
    auto r = token({{"grant_type", "authorization_code"},
                    {"code", code},
                    {"client_id", client_id},
                    {"redirect_uri", "http://127.0.0.1:9/callback"},
                    {"code_verifier", verifier},
                    {"resource", issuer + "/mcp"}});
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 200);
    return json::parse(r->body);
  }

  // One stateless-style JSON-RPC POST to /mcp (initialize first when `session` is empty).
  httplib::Result mcp(const std::string& access_token, const json& body, const std::string& session = "") {
    httplib::Headers headers{{"Accept", "application/json, text/event-stream"}};
    if (!access_token.empty()) headers.emplace("Authorization", "Bearer " + access_token);
    if (!session.empty()) headers.emplace("Mcp-Session-Id", session);
    return http().Post("/mcp", headers, body.dump(), "application/json");
  }

  // initialize → the session id (or "" when refused).
  std::string open_session(const std::string& access_token) {
    auto r = mcp(access_token, {{"jsonrpc", "2.0"},
                                {"id", 1},
                                {"method", "initialize"},
                                {"params",
                                 {{"protocolVersion", "2025-11-25"},
                                  {"capabilities", json::object()},
                                  {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    if (!r || r->status != 200) return "";
    std::string session = r->get_header_value("Mcp-Session-Id");
    mcp(access_token, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, session);
    return session;
  }

  static json call(const std::string& tool, int id = 2) {
    return {{"jsonrpc", "2.0"},
            {"id", id},
            {"method", "tools/call"},
            {"params", {{"name", tool}, {"arguments", json::object()}}}};
  }

  std::atomic<long long> now{1'700'000'000};
  int port = 0;
  std::string issuer;
  std::shared_ptr<FakeUpstream> upstream;
  std::shared_ptr<oauth::SqliteStore> store;
  std::shared_ptr<oauth::Cipher> cipher;
  std::shared_ptr<oauth::AuthorizationServer> auth;
  std::unique_ptr<mcp::HttpTransport> transport;
  std::thread server;
};

inline const std::string kVerifier = "verifier-0123456789-0123456789-0123456789-abcdef";

}  // namespace test
