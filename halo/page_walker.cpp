#include "halo/page_walker.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <climits>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "halo/errors.h"

namespace halo {
namespace {

// A walk without record_count follows full pages; this bounds it against a server that ignores page_no.
constexpr int kMaxPagesWithoutCount = 10000;

void throw_if_stopped(const std::stop_token& stop) {
  if (stop.stop_requested()) throw Error(ErrorKind::cancelled, "the HaloPSA list was cancelled");
}

std::size_t row_count(const nlohmann::json& rows) { return rows.is_array() ? rows.size() : 0; }

}  // namespace

int page_count(std::size_t rows, std::size_t page_size) {
  if (page_size == 0) return 0;
  return static_cast<int>((rows + page_size - 1) / page_size);
}

PageWalker::PageWalker(PageFetcher fetch, int page_size, const ListOptions& options, int concurrency)
    : fetch_(std::move(fetch)),
      page_size_(std::max(1, page_size)),
      options_(options),
      concurrency_(std::max(1, concurrency)) {}

ListResult PageWalker::run() {
  const std::stop_token& stop = options_.stop;
  const std::size_t cap = options_.max_rows;
  ListResult result;
  std::mutex mu;  // guards progress reporting, pages, counters below
  std::size_t fetched = 0;

  throw_if_stopped(stop);
  Page first = fetch_(1, page_size_);
  result.requests = 1;
  nlohmann::json first_rows = first.rows.is_array() ? std::move(first.rows) : nlohmann::json::array();
  fetched = first_rows.size();
  const bool known = first.record_count_known;
  const std::size_t total = known ? first.record_count : 0;
  auto report = [&](std::size_t rows_so_far) {
    if (options_.on_progress)
      options_.on_progress(cap ? std::min(rows_so_far, cap) : rows_so_far, known ? total : rows_so_far);
  };
  report(fetched);

  // A server that caps page_size (or ignores it) tells us its real page size on page 1; page_no
  // offsets follow that size, so plan and ask with it.
  std::size_t size = static_cast<std::size_t>(page_size_);
  if (known && !first_rows.empty() && first_rows.size() != size && first_rows.size() < total) size = first_rows.size();

  const std::size_t target = known ? (cap ? std::min(total, cap) : total) : (cap ? cap : SIZE_MAX);
  std::map<int, nlohmann::json> pages;  // page_no -> rows, pages 2..
  int first_empty = INT_MAX;            // the walk ends before the first empty page
  bool last_full = first_rows.size() >= size;

  const bool more = !first_rows.empty() && fetched < target && (known || last_full);
  if (more && known) {
    const int last_page = page_count(target, size);
    std::atomic<int> next{2};
    std::atomic<bool> halt{false};
    std::exception_ptr error;
    auto worker = [&] {
      for (;;) {
        if (halt.load() || stop.stop_requested()) return;
        const int page_no = next.fetch_add(1);
        {
          std::lock_guard lock(mu);
          if (page_no > last_page || page_no > first_empty) return;
        }
        try {
          Page page = fetch_(page_no, static_cast<int>(size));
          std::lock_guard lock(mu);
          ++result.requests;
          if (row_count(page.rows) == 0) {
            first_empty = std::min(first_empty, page_no);
          } else {
            fetched += page.rows.size();
            pages.emplace(page_no, std::move(page.rows));
            report(fetched);
          }
        } catch (...) {
          std::lock_guard lock(mu);
          if (!error) error = std::current_exception();
          halt = true;
          return;
        }
      }
    };
    const int helpers = std::min(concurrency_, last_page - 1) - 1;
    std::vector<std::thread> threads;
    try {
      for (int i = 0; i < helpers; ++i) threads.emplace_back(worker);
    } catch (...) {
      halt = true;
      for (auto& t : threads) t.join();
      throw;
    }
    worker();
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    throw_if_stopped(stop);
  }

  // Assemble in page order, up to the first empty page or a page that repeats page 1 (page_no ignored).
  const nlohmann::json first_row = first_rows.empty() ? nlohmann::json() : first_rows[0];
  result.rows = std::move(first_rows);
  int page_no = 1;
  for (auto& [no, rows] : pages) {
    if (no >= first_empty || no != page_no + 1) break;
    if (rows[0] == first_row) {
      spdlog::warn("halo: page {} repeats page 1; the endpoint seems to ignore page_no", no);
      first_empty = no;
      break;
    }
    last_full = rows.size() >= size;
    for (auto& row : rows) result.rows.push_back(std::move(row));
    page_no = no;
  }

  // Rows still missing (pages shorter than planned, records added meanwhile, or no record_count):
  // continue one page at a time until an empty page or the target.
  while (!result.rows.empty() && first_empty == INT_MAX && result.rows.size() < target && (known || last_full) &&
         page_no < kMaxPagesWithoutCount) {
    throw_if_stopped(stop);
    Page page = fetch_(++page_no, static_cast<int>(size));
    ++result.requests;
    if (row_count(page.rows) == 0) break;
    if (page.rows[0] == first_row) {
      spdlog::warn("halo: page {} repeats page 1; the endpoint seems to ignore page_no", page_no);
      break;
    }
    last_full = page.rows.size() >= size;
    for (auto& row : page.rows) result.rows.push_back(std::move(row));
    report(result.rows.size());
  }

  const std::size_t got = result.rows.size();
  result.record_count = known ? total : got;
  if (cap && got > cap) {
    result.rows.erase(result.rows.begin() + static_cast<std::ptrdiff_t>(cap), result.rows.end());
  }
  result.truncated = cap > 0 && result.rows.size() == cap && (known ? total > cap : (got > cap || last_full));
  return result;
}

}  // namespace halo
