#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "halo/errors.h"
#include "halo/page_walker.h"

using nlohmann::json;

namespace {

// An in-memory list endpoint: `total` rows with ids 1..total, a server-side page-size cap, and
// counters for what the walker asked.
struct FakeList {
  std::size_t total = 0;
  std::size_t server_cap = 1000;   // the server serves at most this many rows a page
  bool ignores_page_size = false;  // always serves server_cap rows a page
  bool send_count = true;
  std::chrono::milliseconds delay{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::mutex mu;
  std::vector<std::pair<int, int>> asked;  // (page_no, page_size)

  halo::Page fetch(int page_no, int page_size) {
    const int now = ++in_flight;
    int seen = max_in_flight.load();
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {}
    if (delay.count()) std::this_thread::sleep_for(delay);
    {
      std::lock_guard lock(mu);
      asked.emplace_back(page_no, page_size);
    }
    const std::size_t size = ignores_page_size ? server_cap : std::min<std::size_t>(page_size, server_cap);
    halo::Page page;
    for (std::size_t i = (page_no - 1) * size; i < std::min(total, page_no * size); ++i)
      page.rows.push_back({{"id", i + 1}});
    page.record_count = send_count ? total : page.rows.size();
    page.record_count_known = send_count;
    --in_flight;
    return page;
  }
  halo::PageFetcher fetcher() {
    return [this](int no, int size) { return fetch(no, size); };
  }
};

void check_ids(const json& rows, std::size_t n) {
  REQUIRE(rows.size() == n);
  for (std::size_t i = 0; i < n; ++i) REQUIRE(rows[i]["id"] == i + 1);
}

}  // namespace

TEST_CASE("page math: ceil(rows / page_size)") {
  CHECK(halo::page_count(0, 100) == 0);
  CHECK(halo::page_count(1, 100) == 1);
  CHECK(halo::page_count(100, 100) == 1);
  CHECK(halo::page_count(101, 100) == 2);
  CHECK(halo::page_count(5000, 100) == 50);
  CHECK(halo::page_count(5000, 0) == 0);
}

TEST_CASE("page walker: every row in page order, one request per page") {
  FakeList list;
  list.total = 250;
  halo::ListOptions options;
  auto result = halo::PageWalker(list.fetcher(), 100, options, 4).run();
  check_ids(result.rows, 250);
  CHECK(result.record_count == 250);
  CHECK(result.requests == 3);
  CHECK_FALSE(result.truncated);
}

TEST_CASE("page walker: bounded concurrency is respected and actually used") {
  FakeList list;
  list.total = 2000;
  list.delay = std::chrono::milliseconds(15);
  halo::ListOptions options;
  auto result = halo::PageWalker(list.fetcher(), 100, options, 4).run();
  check_ids(result.rows, 2000);
  CHECK(result.requests == 20);
  CHECK(list.max_in_flight.load() <= 4);
  CHECK(list.max_in_flight.load() >= 2);

  FakeList sequential;
  sequential.total = 500;
  sequential.delay = std::chrono::milliseconds(2);
  auto one = halo::PageWalker(sequential.fetcher(), 100, options, 1).run();
  check_ids(one.rows, 500);
  CHECK(sequential.max_in_flight.load() == 1);
}

TEST_CASE("page walker: a server that caps page_size is followed with its real page size") {
  FakeList list;
  list.total = 730;
  list.server_cap = 100;
  halo::ListOptions options;
  auto result = halo::PageWalker(list.fetcher(), 500, options, 3).run();
  check_ids(result.rows, 730);
  CHECK(result.requests == 8);
  for (const auto& [no, size] : list.asked) {
    if (no > 1) CHECK(size == 100);
  }
}

TEST_CASE("page walker: an endpoint that ignores page_size (serves more) is still walked exactly") {
  FakeList list;
  list.total = 120;
  list.server_cap = 50;
  list.ignores_page_size = true;
  halo::ListOptions options;
  auto result = halo::PageWalker(list.fetcher(), 20, options, 2).run();
  check_ids(result.rows, 120);
  CHECK(result.requests == 3);
}

TEST_CASE("page walker: the row cap stops fetching and marks the result truncated") {
  FakeList list;
  list.total = 1000;
  halo::ListOptions options;
  options.max_rows = 250;
  auto result = halo::PageWalker(list.fetcher(), 100, options, 4).run();
  check_ids(result.rows, 250);
  CHECK(result.requests == 3);
  CHECK(result.truncated);
  CHECK(result.record_count == 1000);

  options.max_rows = 5000;
  auto all = halo::PageWalker(list.fetcher(), 100, options, 4).run();
  CHECK(all.rows.size() == 1000);
  CHECK_FALSE(all.truncated);
}

TEST_CASE("page walker: record_count larger than reality ends at the first empty page") {
  FakeList list;
  list.total = 150;
  halo::ListOptions options;
  // Lie about the count: 400 claimed, 150 exist.
  auto fetch = [&](int no, int size) {
    auto page = list.fetch(no, size);
    page.record_count = 400;
    return page;
  };
  auto result = halo::PageWalker(fetch, 100, options, 1).run();
  check_ids(result.rows, 150);
  CHECK(result.requests == 3);  // page 3 came back empty
}

TEST_CASE("page walker: short pages do not end the walk while record_count says there is more") {
  // Every page holds 7 rows although 10 were asked and page 1 looked full.
  std::size_t total = 30;
  auto fetch = [&](int no, int) {
    halo::Page page;
    page.record_count = total;
    const std::size_t per = no == 1 ? 10 : 7;
    const std::size_t start = no == 1 ? 0 : 10 + (no - 2) * 7;
    for (std::size_t i = start; i < std::min(total, start + per); ++i) page.rows.push_back({{"id", i + 1}});
    return page;
  };
  halo::ListOptions options;
  auto result = halo::PageWalker(fetch, 10, options, 2).run();
  check_ids(result.rows, 30);
}

TEST_CASE("page walker: without record_count, full pages are followed until a short one") {
  FakeList list;
  list.total = 230;
  list.send_count = false;
  halo::ListOptions options;
  auto result = halo::PageWalker(list.fetcher(), 100, options, 4).run();
  check_ids(result.rows, 230);
  CHECK(result.requests == 3);
  CHECK(result.record_count == 230);
}

TEST_CASE("page walker: an endpoint that ignores page_no does not loop forever") {
  auto fetch = [](int, int) {
    halo::Page page;
    for (int i = 1; i <= 10; ++i) page.rows.push_back({{"id", i}});
    page.record_count_known = false;
    return page;
  };
  halo::ListOptions options;
  auto result = halo::PageWalker(fetch, 10, options, 1).run();
  CHECK(result.rows.size() == 10);
  CHECK(result.requests == 2);
}

TEST_CASE("page walker: progress after each page, and a stop request cancels") {
  FakeList list;
  list.total = 500;
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  halo::ListOptions options;
  options.on_progress = [&](std::size_t fetched, std::size_t total) { progress.emplace_back(fetched, total); };
  halo::PageWalker(list.fetcher(), 100, options, 3).run();
  REQUIRE(progress.size() == 5);
  CHECK(progress.front() == std::make_pair<std::size_t, std::size_t>(100, 500));
  CHECK(progress.back() == std::make_pair<std::size_t, std::size_t>(500, 500));

  std::stop_source source;
  halo::ListOptions stoppable;
  stoppable.stop = source.get_token();
  int calls = 0;
  auto fetch = [&](int no, int size) {
    if (++calls == 2) source.request_stop();
    return list.fetch(no, size);
  };
  try {
    halo::PageWalker(fetch, 100, stoppable, 1).run();
    FAIL("expected cancelled");
  } catch (const halo::Error& e) {
    CHECK(e.kind() == halo::ErrorKind::cancelled);
  }
  CHECK(calls == 2);
}

TEST_CASE("page walker: a failing page fails the walk with that page's error") {
  FakeList list;
  list.total = 1000;
  auto fetch = [&](int no, int size) {
    if (no == 4) throw halo::Error(halo::ErrorKind::upstream, "page 4 broke", 500);
    return list.fetch(no, size);
  };
  halo::ListOptions options;
  CHECK_THROWS_WITH_AS(halo::PageWalker(fetch, 100, options, 3).run(), "page 4 broke", halo::Error);
}
