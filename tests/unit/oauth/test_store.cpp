// The one-process store against the store contract every oauth::Store keeps, and the token source's answer to an
// upstream that refused a token early (refreshed): one refresh however many calls saw the refusal.
#include <thread>
#include <vector>

#include "oauth/sqlite_store.h"
#include "oauth/token_source.h"
#include "tests/unit/oauth/rig.h"
#include "tests/unit/oauth/store_contract.h"

TEST_CASE("the SQLite store keeps the store contract") {
  oauth::SqliteStore store(":memory:");
  test::check_store_contract(store);
}

TEST_CASE("a token the upstream refused early is replaced once, however many calls saw the refusal") {
  auto store = std::make_shared<oauth::SqliteStore>(":memory:");
  auto cipher = std::make_shared<oauth::Cipher>(test::test_key());
  auto upstream = std::make_shared<test::RotatingUpstream>("refresh-1");
  test::seed_grant(*store, *cipher, "g", "access-1", "refresh-1", 5'000);  // far from expiry at t=100
  oauth::StoredUpstreamTokens source(store, upstream, cipher, [] { return 100LL; });

  CHECK(source.access_token("g") == "access-1");  // not near expiry: no refresh
  CHECK(upstream->refreshes.load() == 0);
  // Eight tool calls all got 401 for access-1 at once: the first refreshes, the others find access-2 waiting.
  std::vector<std::thread> calls;
  std::vector<std::string> got(8);
  for (int i = 0; i < 8; ++i) calls.emplace_back([&, i] { got[i] = source.refreshed("g", "access-1"); });
  for (auto& t : calls) t.join();
  CHECK(upstream->refreshes.load() == 1);
  for (const auto& token : got) CHECK(token == "access-2");
  // A refusal of the current token refreshes again.
  CHECK(source.refreshed("g", "access-2") == "access-3");
  CHECK(upstream->refreshes.load() == 2);
}
