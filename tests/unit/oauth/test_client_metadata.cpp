// Client ID metadata documents: the address classifier, and the fetch's fences (internal addresses, size, time,
// redirects, a client_id that is not the URL) against a local server, which the operator option lets us reach.
#include <future>

#include "oauth/client_metadata.h"
#include "tests/unit/oauth/rig.h"

using test::json;

TEST_CASE("internal addresses are recognised in every spelling") {
  // clang-format off
  for (const char* ip : {"127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
                         "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1",
                         "::ffff:10.1.2.3", "64:ff9b::a9fe:a9fe", "2002:c0a8:0101::1", "ff02::1", "[::1]",
                         "not-an-ip", ""}) {
    // clang-format on
    CAPTURE(ip);
    CHECK(oauth::is_internal_address(ip));
  }
  for (const char* ip : {"1.1.1.1", "8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700::1111",
                         "::ffff:8.8.8.8", "2002:0808:0808::1", "64:ff9b::808:808"}) {
    CAPTURE(ip);
    CHECK(!oauth::is_internal_address(ip));
  }
}

TEST_CASE("only https URLs with a path are metadata document client_ids") {
  CHECK(oauth::looks_like_metadata_url("https://app.example/client.json"));
  CHECK(!oauth::looks_like_metadata_url("https://app.example/"));
  CHECK(!oauth::looks_like_metadata_url("http://app.example/client.json"));
  CHECK(!oauth::looks_like_metadata_url("https://user@app.example/client.json"));
  CHECK(!oauth::looks_like_metadata_url("3f2a9c"));
}

namespace {

// A local document server; `body` and `status` say what /client.json answers, `hold` makes it wait.
struct DocServer {
  DocServer() {
    server.Get("/client.json", [this](const httplib::Request&, httplib::Response& res) {
      ++hits;
      if (hold) released.wait();
      res.status = status;
      if (status == 302) res.set_header("Location", "https://elsewhere.example/c.json");
      res.set_content(body, "application/json");
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~DocServer() {
    if (hold) release.set_value();
    server.stop();
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/client.json"; }
  json document() const {
    return {{"client_id", url()}, {"client_name", "Doc client"}, {"redirect_uris", {"http://127.0.0.1:9/callback"}}};
  }

  httplib::Server server;
  std::thread thread;
  int port = 0;
  int status = 200;
  std::string body;
  std::atomic<int> hits{0};
  bool hold = false;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
};

oauth::MetadataFetchOptions allowing_local() {
  return {.timeout = std::chrono::milliseconds(300),
          .allowed_internal_hosts = {"127.0.0.1"},
          .allow_http_for_allowed_hosts = true};
}

std::string fetch_error(const std::string& url, const oauth::MetadataFetchOptions& options) {
  try {
    oauth::fetch_client_metadata(url, options);
  } catch (const oauth::MetadataError& e) {
    return e.what();
  }
  return "fetched";
}

}  // namespace

TEST_CASE("the metadata fetch is fenced") {
  DocServer doc;
  doc.body = doc.document().dump();

  SUBCASE("a host on an internal address is never contacted") {
    // https, as a real client_id would be: refused on the address, before any connection.
    const std::string url = "https://127.0.0.1:" + std::to_string(doc.port) + "/client.json";
    CHECK(fetch_error(url, {}).find("internal address") != std::string::npos);
    CHECK(fetch_error("https://localhost:" + std::to_string(doc.port) + "/client.json", {}).find("internal address") !=
          std::string::npos);
    CHECK(doc.hits == 0);
  }
  SUBCASE("plain http is refused unless the operator allows the host") {
    CHECK(fetch_error(doc.url(), {}).find("https URL") != std::string::npos);
    CHECK(doc.hits == 0);
  }
  SUBCASE("an allowed host is fetched and checked") {
    auto client = oauth::fetch_client_metadata(doc.url(), allowing_local());
    CHECK(client.client_name == "Doc client");
    CHECK(client.redirect_uris == std::vector<std::string>{"http://127.0.0.1:9/callback"});
  }
  SUBCASE("too large") {
    json big = doc.document();
    big["padding"] = std::string(6000, 'x');
    doc.body = big.dump();
    CHECK(fetch_error(doc.url(), allowing_local()).find("larger than 5 KB") != std::string::npos);
  }
  SUBCASE("too slow") {
    doc.hold = true;
    CHECK(fetch_error(doc.url(), allowing_local()).find("did not arrive within 300 ms") != std::string::npos);
  }
  SUBCASE("a redirect is not followed") {
    doc.status = 302;
    CHECK(fetch_error(doc.url(), allowing_local()).find("redirects") != std::string::npos);
  }
  SUBCASE("a document whose client_id is not its URL") {
    json other = doc.document();
    other["client_id"] = "https://someone.else/client.json";
    doc.body = other.dump();
    CHECK(fetch_error(doc.url(), allowing_local()).find("must equal its URL") != std::string::npos);
  }
}

TEST_CASE("a client identified by its metadata document authorizes end to end, fetched once and cached") {
  DocServer doc;
  doc.body = doc.document().dump();
  test::Rig rig([](oauth::ServerConfig& c) {
    c.metadata.allowed_internal_hosts = {"127.0.0.1"};
    c.metadata.allow_http_for_allowed_hosts = true;
  });
  const std::string code = rig.code_for(doc.url(), test::kVerifier);
  json tokens = rig.exchange(doc.url(), code, test::kVerifier);
  CHECK(rig.mcp(tokens["access_token"], test::Rig::call("whoami"))->status != 401);
  rig.code_for(doc.url(), test::kVerifier);
  CHECK(doc.hits == 1);
}

TEST_CASE("/authorize with a metadata document on a private address shows why, and fetches nothing") {
  DocServer doc;
  doc.body = doc.document().dump();
  test::Rig rig;
  auto r =
      rig.authorize(rig.request("https://127.0.0.1:" + std::to_string(doc.port) + "/client.json", test::kVerifier));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->body.find("internal address") != std::string::npos);
  CHECK(doc.hits == 0);
}
