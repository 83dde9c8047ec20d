#pragma once
// Walks a paginated HaloPSA list: page 1 first (it tells record_count), then the remaining pages
// with at most `concurrency` requests in flight. Stops when the rows reach record_count, when a
// page comes back empty, or at the caller's row cap; never on a short page, because some Halo
// endpoints ignore page_size.
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <stop_token>

namespace halo {

struct Page {
  nlohmann::json rows = nlohmann::json::array();
  std::size_t record_count = 0;
  bool record_count_known = true;  // false for a bare array answer without record_count
};

struct ListOptions {
  int page_size = 0;         // 0: the client's default_page_size
  std::size_t max_rows = 0;  // 0: all rows
  int concurrency = 0;       // 0: the client's page_concurrency; 1 walks pages one by one
  std::function<void(std::size_t fetched, std::size_t total)> on_progress;  // after each page, serialised
  std::stop_token stop;  // a stop request ends the walk with Error(cancelled)
};

struct ListResult {
  nlohmann::json rows = nlohmann::json::array();  // in page order
  std::size_t record_count = 0;                   // what the server reported (rows fetched when it reported nothing)
  bool truncated = false;                         // max_rows cut the list short of record_count
  int requests = 0;                               // pages requested
};

// Fetches one page; page_no counts from 1. Must be safe to call from several threads.
using PageFetcher = std::function<Page(int page_no, int page_size)>;

// Pages of `page_size` rows that hold `rows` rows: ceil(rows / page_size), 0 for no rows.
int page_count(std::size_t rows, std::size_t page_size);

class PageWalker {
 public:
  PageWalker(PageFetcher fetch, int page_size, const ListOptions& options, int concurrency);
  ListResult run();

 private:
  PageFetcher fetch_;
  int page_size_;
  const ListOptions& options_;
  int concurrency_;
};

}  // namespace halo
