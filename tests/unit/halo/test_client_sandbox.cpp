// The client against the in-process sandbox tenant, including each fault the issue lists.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "halo/client.h"
#include "sandbox_fixture.h"

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

halo::Error error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const halo::Error& e) {
    return e;
  }
  FAIL("expected a halo::Error");
  return halo::Error(halo::ErrorKind::upstream, "unreachable");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int count_status(const json& requests, int status) {
  int n = 0;
  for (const auto& r : requests) n += r["status"] == status;
  return n;
}

// A loopback port nothing listens on: bound once to learn a free number, then closed.
int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::size_t client_count(halo::Client& client, const halo::Query& query = {}) {
  return client.page("Client", "clients", query, 1, 1).record_count;
}

// The shared sandbox keeps what earlier tests added; top it up to at least n active clients.
void ensure_clients(test::SandboxFixture& fx, halo::Client& client, std::size_t n) {
  const std::size_t have = client_count(client);
  if (have < n) fx.sandbox().add_bulk_clients(n - have);
}

}  // namespace

TEST_CASE("sandbox: lists walk every page with pageinate/page_no/page_size on each request, under a server cap") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  ensure_clients(fx, client, 730);
  const std::size_t total = client_count(client, {{"includeactive", "true"}, {"includeinactive", "true"}});
  REQUIRE(total >= 730);

  const auto seq = fx.mark();
  halo::ListOptions options;
  options.page_size = 500;  // the sandbox caps pages at 100, as Halo does
  options.concurrency = 4;
  std::size_t last_progress = 0;
  options.on_progress = [&](std::size_t fetched, std::size_t of) {
    CHECK(of == total);
    last_progress = fetched;
  };
  auto result = client.list("Client", "clients", {{"includeactive", "true"}, {"includeinactive", "true"}}, options);
  CHECK(result.record_count == total);
  REQUIRE(result.rows.size() == total);
  CHECK_FALSE(result.truncated);
  CHECK(last_progress == total);
  std::set<long long> ids;
  for (const auto& row : result.rows) ids.insert(row["id"].get<long long>());
  CHECK(ids.size() == total);  // no page fetched twice, none skipped

  const json sent = fx.requests(seq, "/api/Client");
  CHECK(static_cast<int>(sent.size()) == result.requests);
  CHECK(result.requests == halo::page_count(total, 100));
  std::set<std::string> pages;
  for (const auto& r : sent) {
    CHECK(r["query"]["pageinate"] == "true");
    CHECK(r["query"]["includeinactive"] == "true");
    REQUIRE(r["query"].contains("page_no"));
    pages.insert(r["query"]["page_no"].get<std::string>());
  }
  CHECK(pages.count("1") == 1);  // the first request is paginated too
  CHECK(pages.size() == sent.size());

  auto capped = client.list("Client", "clients", {}, {.page_size = 100, .max_rows = 150});
  CHECK(capped.rows.size() == 150);
  CHECK(capped.truncated);
  CHECK(capped.requests == 2);
}

TEST_CASE("sandbox: a sequential walk and a concurrent walk return the same rows") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  ensure_clients(fx, client, 400);
  auto one = client.list("Client", "clients", {}, {.page_size = 100, .concurrency = 1});
  auto four = client.list("Client", "clients", {}, {.page_size = 100, .concurrency = 4});
  CHECK(one.rows == four.rows);
  CHECK(one.requests == four.requests);
}

TEST_CASE("sandbox: token expiry mid-run is recovered with one refresh") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  ensure_clients(fx, client, 500);
  const auto seq = fx.mark();
  bool expired = false;
  halo::ListOptions options;
  options.page_size = 50;
  options.concurrency = 3;
  options.on_progress = [&](std::size_t, std::size_t) {
    if (!expired) {
      expired = true;
      fx.fault({{"expire_tokens", true}});  // every token issued so far stops working now
    }
  };
  auto result = client.list("Client", "clients", {}, options);
  CHECK(result.rows.size() == result.record_count);
  const json tokens = fx.requests(seq, "/auth/token");
  CHECK(tokens.size() == 1);  // exactly one refresh for all workers (the first token came before the mark)
  CHECK(count_status(fx.requests(seq, "/api/Client"), 401) >= 1);
}

TEST_CASE("sandbox: a token that expires by its lifetime is replaced before the server refuses it") {
  auto& fx = test::shared_sandbox();
  // The client's clock is the test's: a token's lifetime runs out when the test says so, not after a real wait.
  auto clock_now = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  halo::Config config = fx.config();
  config.token_clock = [clock_now] { return *clock_now; };
  halo::Client client(config);
  const auto seq = fx.mark();
  client.get("Client/1");
  // The lifetime the sandbox granted (3600 s) is over by the client's clock, and the sandbox now refuses that token
  // too: a client that sent it anyway would be answered 401.
  *clock_now += std::chrono::seconds(3601);
  fx.fault({{"expire_tokens", true}});
  client.get("Client/1");
  CHECK(fx.requests(seq, "/auth/token").size() == 2);
  CHECK(count_status(fx.requests(seq, "/api/"), 401) == 0);
}

TEST_CASE("sandbox: a 401 refreshes the token once and retries once") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  client.get("Client/1");
  auto seq = fx.mark();
  fx.fault({{"expire_tokens", true}});
  CHECK(client.get("Client/1")["id"] == 1);
  json log = fx.requests(seq);
  REQUIRE(log.size() == 3);
  CHECK(log[0]["status"] == 401);
  CHECK(log[1]["path"] == "/auth/token");
  CHECK(log[2]["status"] == 200);

  // A 401 that persists after the refresh is an auth failure, not a loop.
  seq = fx.mark();
  fx.fault({{"status", 401}, {"count", 5}, {"path_prefix", "/api/Client"}});
  auto e = error_of([&] { client.get("Client/1"); });
  CHECK(e.kind() == halo::ErrorKind::auth_failed);
  CHECK(e.status() == 401);
  CHECK(fx.requests(seq, "/api/Client").size() == 2);
  CHECK(fx.requests(seq, "/auth/token").size() == 1);
  fx.clear_faults();
}

TEST_CASE("sandbox: 429 with Retry-After waits that long, then succeeds") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  client.get("Client/1");
  const auto seq = fx.mark();
  fx.fault({{"status", 429}, {"count", 1}, {"retry_after", 1}, {"path_prefix", "/api/Client"}});
  const auto start = Clock::now();
  CHECK(client.get("Client/1")["id"] == 1);
  CHECK(Clock::now() - start >= std::chrono::milliseconds(950));
  CHECK(fx.requests(seq, "/api/Client").size() == 2);
}

TEST_CASE("sandbox: 429 without Retry-After holds until this client's oldest request leaves Halo's window") {
  // HaloPSA sends no Retry-After that anyone has seen, and its window is a rolling five minutes: retrying after a
  // fraction of a second only spends requests. The wait told is the true one: the oldest request this client sent
  // leaves the window in about 300 s (it was sent just now).
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  client.get("Client/1");
  const auto seq = fx.mark();
  fx.fault({{"status", 429}, {"count", 3}, {"path_prefix", "/api/Client"}});
  auto e = error_of([&] { client.get("Client/1"); });
  CHECK(e.kind() == halo::ErrorKind::rate_limited);
  CHECK(e.retry_after_seconds() >= 290);
  CHECK(e.retry_after_seconds() <= 300);
  CHECK(contains(e.what(), "300 requests per rolling 300 s"));
  CHECK(contains(e.what(), "counts every integration on the tenant"));
  CHECK(fx.requests(seq, "/api/Client").size() == 1);  // no retries into a full window
  // Every caller is held: the next call is refused without reaching HaloPSA.
  auto held = error_of([&] { client.get("Site/1"); });
  CHECK(held.kind() == halo::ErrorKind::rate_limited);
  CHECK(fx.requests(seq).size() == 1);
  fx.clear_faults();
}

TEST_CASE("sandbox: when the wait would exceed the bound the caller gets rate_limited with seconds to wait") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  client.get("Client/1");
  fx.fault({{"status", 429}, {"count", 1}, {"retry_after", 120}, {"path_prefix", "/api/Client"}});
  const auto before = fx.mark();
  auto e = error_of([&] { client.get("Client/1"); });
  // No point waiting: 120 s > the 3 s bound. Counted, not timed: a client that waited would have retried.
  CHECK(fx.requests(before, "/api/Client").size() == 1);
  CHECK(e.kind() == halo::ErrorKind::rate_limited);
  CHECK(e.retry_after_seconds() == 120);
  CHECK(contains(e.what(), "try again in 120 seconds"));
  CHECK(contains(e.what(), "Rate Limit Reached - 300 Requests per rolling 5 minute window"));

  // The hold applies to every caller: the next call is refused without reaching the server.
  const auto seq = fx.mark();
  auto held = error_of([&] { client.get("Site/1"); });
  CHECK(held.kind() == halo::ErrorKind::rate_limited);
  CHECK(held.retry_after_seconds() >= 119);
  CHECK(fx.requests(seq).empty());
}

TEST_CASE("sandbox: a 429 stating a smaller budget than ours is adopted for the pacing that follows") {
  auto& fx = test::shared_sandbox();
  auto config = fx.config();
  config.rate_limit = 300;
  config.rate_window_seconds = 60;
  halo::Client client(config);
  client.get("Client/1");
  fx.fault({{"status", 429},
            {"count", 1},
            {"path_prefix", "/api/Client"},
            {"body", "{\"error\":\"Rate Limit Reached - 100 Requests per rolling 10 minute window\"}"},
            {"content_type", "application/json"}});
  auto e = error_of([&] { client.get("Client/1"); });
  CHECK(e.kind() == halo::ErrorKind::rate_limited);
  CHECK(contains(e.what(), "Rate Limit Reached - 100 Requests per rolling 10 minute window"));
  CHECK(e.retry_after_seconds() >= 590);  // the stated ten minutes, not our configured one
  const auto status = client.probe();
  CHECK(status.budget_limit == 100);
  CHECK(status.budget_window_seconds == 600);
  fx.clear_faults();
}

TEST_CASE("sandbox: the client-side budget is shared and spent before the server sees a request too many") {
  auto& fx = test::shared_sandbox();
  auto config = fx.config();
  config.rate_limit = 4;
  config.rate_window_seconds = 60;
  halo::Client client(config);
  const auto seq = fx.mark();
  // The first call's token discovery (GET /api/authinfo, an /api request too) takes the first slot.
  for (int i = 0; i < 3; ++i) client.get("Client/1");
  CHECK(fx.requests(seq, "/api/authinfo").size() == 1);
  auto e = error_of([&] { client.get("Client/1"); });
  CHECK(e.kind() == halo::ErrorKind::rate_limited);
  CHECK(e.retry_after_seconds() >= 59);
  CHECK(e.retry_after_seconds() <= 60);
  CHECK(contains(e.what(), "4 requests per 60 s"));
  CHECK(fx.requests(seq, "/api/Client").size() == 3);
  auto status = client.probe();
  CHECK(status.budget_left == 0);
  CHECK(status.budget_limit == 4);
}

TEST_CASE("sandbox: a 5xx on a read is retried") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  client.get("Client/1");
  const auto seq = fx.mark();
  fx.fault({{"status", 503}, {"count", 2}, {"path_prefix", "/api/Client"}});
  CHECK(client.get("Client/1")["id"] == 1);
  CHECK(fx.requests(seq, "/api/Client").size() == 3);

  fx.fault({{"status", 500}, {"count", 10}, {"path_prefix", "/api/Site"}});
  auto e = error_of([&] { client.get("Site/1"); });
  CHECK(e.kind() == halo::ErrorKind::upstream);
  CHECK(e.status() == 500);
  CHECK(contains(e.what(), "an HTML error page: 500 - Server Error"));
  CHECK(contains(e.body_excerpt(), "<title>500 - Server Error</title>"));
  fx.clear_faults();
}

TEST_CASE("sandbox: a 5xx on a create is not repeated") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  const std::size_t before = client_count(client);
  const auto seq = fx.mark();
  fx.fault({{"status", 500}, {"count", 1}, {"method", "POST"}, {"path_prefix", "/api/Client"}});
  auto e = error_of([&] { client.create("Client", {{"name", "Never Twice Ltd"}}); });
  CHECK(e.kind() == halo::ErrorKind::upstream);
  CHECK(contains(e.what(), "may have landed"));
  CHECK(fx.requests(seq, "/api/Client").size() == 1);
  CHECK(client_count(client) == before);

  // An update is idempotent: one retry.
  const auto seq2 = fx.mark();
  fx.fault({{"status", 503}, {"count", 1}, {"method", "POST"}, {"path_prefix", "/api/Client"}});
  auto updated = client.update("Client", {{"id", 1}, {"notes", "retried once"}});
  CHECK(updated["notes"] == "retried once");
  CHECK(fx.requests(seq2, "/api/Client").size() == 2);
}

TEST_CASE("sandbox: a create whose reply was lost is checked, not repeated") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  const std::size_t before = client_count(client);
  auto find = [&](const std::string& name) {
    return [&client, name]() -> std::optional<json> {
      auto found = client.list("Client", "clients", {{"search", name}});
      for (const auto& row : found.rows)
        if (row["name"] == name) return row;
      return std::nullopt;
    };
  };

  // The write commits, then the answer is a 502.
  auto seq = fx.mark();
  fx.fault({{"status", 502}, {"method", "POST"}, {"path_prefix", "/api/Client"}, {"apply_after_write", true}});
  auto landed = client.create("Client", {{"name", "Landed Anyway Ltd"}}, find("Landed Anyway Ltd"));
  CHECK(landed["name"] == "Landed Anyway Ltd");
  CHECK(landed["id"].get<long long>() > 0);
  CHECK(fx.requests(seq, "/api/Client").size() == 2);  // the POST and the check
  CHECK(client_count(client) == before + 1);

  // The write commits, then the connection drops: a network error, still never repeated.
  seq = fx.mark();
  fx.fault(
      {{"drop_connections", true}, {"method", "POST"}, {"path_prefix", "/api/Client"}, {"apply_after_write", true}});
  auto e = error_of([&] { client.create("Client", {{"name", "Dropped Reply Ltd"}}); });
  CHECK(e.kind() == halo::ErrorKind::network);
  CHECK(contains(e.what(), "may have landed"));
  int posts = 0;
  for (const auto& r : fx.requests(seq, "/api/Client")) posts += r["method"] == "POST";
  CHECK(posts == 1);
  CHECK(client_count(client) == before + 2);

  // Nothing landed: after the check says so, the create is repeated once.
  seq = fx.mark();
  fx.fault({{"status", 500}, {"method", "POST"}, {"path_prefix", "/api/Client"}});
  auto repeated = client.create("Client", {{"name", "Second Try Ltd"}}, find("Second Try Ltd"));
  CHECK(repeated["name"] == "Second Try Ltd");
  json log = fx.requests(seq, "/api/Client");
  REQUIRE(log.size() == 3);
  CHECK(log[0]["method"] == "POST");
  CHECK(log[0]["status"] == 500);
  CHECK(log[1]["method"] == "GET");  // the check
  CHECK(log[2]["method"] == "POST");
  CHECK(log[2]["status"] == 201);  // Halo answers a POST with 201
  CHECK(client.list("Client", "clients", {{"search", "Second Try Ltd"}}).rows.size() == 1);

  // Still failing after the one repeat: the error says it did not land.
  fx.fault({{"status", 500}, {"count", 2}, {"method", "POST"}, {"path_prefix", "/api/Client"}});
  auto missing = error_of([&] { client.create("Client", {{"name", "Not There Ltd"}}, find("Not There Ltd")); });
  CHECK(contains(missing.what(), "did not find the record"));
  CHECK(client_count(client) == before + 3);
}

TEST_CASE("sandbox: validation errors keep Halo's message and field names") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  auto e = error_of([&] { client.create("Client", {{"notes", "no name"}}); });
  CHECK(e.kind() == halo::ErrorKind::validation);
  CHECK(e.status() == 400);
  CHECK(e.field_errors() == json{{"[0].name", "The name field is required."}});
  CHECK(std::string(e.what()) == "HaloPSA rejected POST /api/Client (400): [0].name: The name field is required.");

  auto nf = error_of([&] { client.get("Client/987654"); });
  CHECK(nf.kind() == halo::ErrorKind::not_found);
}

TEST_CASE("sandbox: an HTML 500 from the token endpoint is auth_failed with the known causes") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  fx.fault({{"token_html_500", 1}});
  auto e = error_of([&] { client.get("Client/1"); });
  CHECK(e.kind() == halo::ErrorKind::auth_failed);
  CHECK(e.status() == 500);
  const std::string what = e.what();
  CHECK(contains(what, "an HTML error page: Runtime Error"));
  for (const char* cause : {"client ID or secret is wrong", "no login agent", "HALOPSA_TENANT", "HALOPSA_AUTH_URL",
                            "Client ID and Secret (Services)"}) {
    CHECK_MESSAGE(contains(what, cause), cause);
  }
  CHECK(client.get("Client/1")["id"] == 1);  // the next call fetches a token normally

  auto config = fx.config();
  config.tenant = "wrong-tenant";
  halo::Client wrong(config);
  auto tenant_error = error_of([&] { wrong.get("Client/1"); });
  CHECK(tenant_error.kind() == halo::ErrorKind::auth_failed);
  CHECK(contains(tenant_error.what(), "?tenant=wrong-tenant"));
}

TEST_CASE("sandbox: network refusal is a network error, after retries for reads") {
  const int closed_port = unused_port();
  halo::Config config;
  config.base_url = "http://127.0.0.1:" + std::to_string(closed_port);
  config.auth_url = config.base_url + "/auth";
  config.client_id = "id";
  config.client_secret = "secret-for-refusal";
  config.backoff_base_ms = 5;
  config.connect_timeout_ms = 500;
  halo::Client client(config);
  auto e = error_of([&] { client.get("Client/1"); });
  CHECK(e.kind() == halo::ErrorKind::network);
  CHECK(contains(e.what(), "could not connect to http://127.0.0.1:" + std::to_string(closed_port)));
  auto status = client.probe();
  CHECK_FALSE(status.ok);
  CHECK(status.error_kind == "network");
}

TEST_CASE("sandbox: a dropped connection on a read is retried") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  client.get("Client/1");
  const auto seq = fx.mark();
  fx.fault({{"drop_connections", true}, {"count", 1}, {"path_prefix", "/api/Client"}});
  CHECK(client.get("Client/1")["id"] == 1);
  CHECK(fx.requests(seq, "/api/Client").size() == 2);
}

TEST_CASE("sandbox: probe reports backend, tenant, latency, token lifetime and budget") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  const auto seq = fx.mark();
  auto status = client.probe();
  CHECK(status.ok);
  CHECK(status.error.empty());
  CHECK(status.base_url == fx.base_url());
  CHECK(status.auth_url == fx.base_url() + "/auth");
  CHECK(status.tenant == "sandbox");  // from /api/authinfo
  CHECK(status.latency_ms >= 0);
  CHECK(status.latency_ms < 2000);
  CHECK(status.token_seconds_left > 3500);
  CHECK(status.budget_limit == 300);
  CHECK(status.budget_left == 298);  // GET /api/authinfo and the probe
  const json probes = fx.requests(seq, "/api/Client");
  REQUIRE(probes.size() == 1);
  CHECK(probes[0]["method"] == "GET");
  CHECK(probes[0]["query"] == json{{"pageinate", "true"}, {"page_no", "1"}, {"page_size", "1"}});

  fx.fault({{"latency_ms", 30}});
  auto slow = client.probe();
  CHECK(slow.ok);
  CHECK(slow.latency_ms >= 30);
}

TEST_CASE("sandbox: a remove deletes, and the record is gone") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  auto created = client.create("Client", {{"name", "Short Lived Ltd"}});
  const std::string path = "Client/" + std::to_string(created["id"].get<long long>());
  client.remove(path);
  CHECK(error_of([&] { client.get(path); }).kind() == halo::ErrorKind::not_found);
}

TEST_CASE("sandbox: a create slower than the read timeout is waited for, never repeated into a duplicate") {
  auto& fx = test::shared_sandbox();
  auto config = fx.config();
  config.read_timeout_ms = 600;
  halo::Client client(config);
  auto find = [&client](const std::string& name) {
    return [&client, name]() -> std::optional<json> {
      for (const auto& row : client.list("Client", "clients", {{"search", name}}).rows)
        if (row["name"] == name) return row;
      return std::nullopt;
    };
  };
  // HaloPSA takes 0.9 s over the POST: the client gives up reading at 0.6 s, the record lands at 0.9 s.
  auto seq = fx.mark();
  fx.fault({{"delay_ms", 900}, {"method", "POST"}, {"path_prefix", "/api/Client"}});
  auto landed = client.create("Client", {{"name", "Slow Landing Ltd"}}, find("Slow Landing Ltd"));
  CHECK(landed["name"] == "Slow Landing Ltd");
  int posts = 0;
  for (const auto& r : fx.requests(seq, "/api/Client")) posts += r["method"] == "POST";
  CHECK(posts == 1);
  CHECK(client.list("Client", "clients", {{"search", "Slow Landing Ltd"}}).rows.size() == 1);

  // Slower than the pause too: the user is told it may still appear, and it is still not repeated.
  seq = fx.mark();
  fx.fault({{"delay_ms", 2500}, {"method", "POST"}, {"path_prefix", "/api/Client"}});
  auto e = error_of([&] { client.create("Client", {{"name", "Very Slow Ltd"}}, find("Very Slow Ltd")); });
  CHECK(e.kind() == halo::ErrorKind::network);
  CHECK(contains(e.what(), "may still be in progress"));
  CHECK(contains(e.what(), "not repeated"));
  // The first POST lands after all. Wait for the event, not for a guess at its time: the sandbox logs a request
  // once it has answered it (the write committed), so poll its log, bounded, until the POST is there.
  auto posts_logged = [&] {
    int n = 0;
    for (const auto& r : fx.requests(seq, "/api/Client")) n += r["method"] == "POST";
    return n;
  };
  for (int i = 0; i < 600 && posts_logged() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(client.list("Client", "clients", {{"search", "Very Slow Ltd"}}).rows.size() == 1);
  CHECK(posts_logged() == 1);
}

TEST_CASE("sandbox: every accepted write tells the change listener which records it touched, failed ones do not") {
  auto& fx = test::shared_sandbox();
  halo::Client client(fx.config());
  std::vector<std::string> changes;
  client.on_change([&](std::string_view collection, const std::string& id) {
    changes.push_back(std::string(collection) + "/" + id);
  });
  auto created = client.create("Client", {{"name", "Listened To Ltd"}});
  const std::string id = std::to_string(created["id"].get<long long>());
  CHECK(changes == std::vector<std::string>{"Client/" + id});

  client.update("/Client/", {{"id", created["id"]}, {"notes", "heard"}});
  CHECK(changes.back() == "Client/" + id);

  auto site = client.create("Site", {{"name", "Listened HQ"}, {"client_id", created["id"]}});
  const std::string site_id = std::to_string(site["id"].get<long long>());
  CHECK(changes.back() == "Site/" + site_id);
  changes.clear();
  client.post_batch("Site", json::array({{{"id", site["id"]}, {"notes", "a"}},
                                         {{"name", "Listened Annex"}, {"client_id", created["id"]}}}));
  REQUIRE(changes.size() == 2);  // the updated site once, and the one the batch created
  CHECK(std::count(changes.begin(), changes.end(), "Site/" + site_id) == 1);

  changes.clear();
  fx.fault({{"status", 500}, {"count", 1}, {"method", "POST"}, {"path_prefix", "/api/Client"}});
  CHECK_THROWS_AS(client.create("Client", {{"name", "Never Landed Ltd"}}), halo::Error);
  CHECK(changes.empty());

  // A listener that throws never turns an accepted write into a failure.
  client.on_change([](std::string_view, const std::string&) { throw std::runtime_error("listener broke"); });
  CHECK_NOTHROW(client.remove("Client/" + id));
  CHECK(error_of([&] { client.get("Client/" + id); }).kind() == halo::ErrorKind::not_found);
}
