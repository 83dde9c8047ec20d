// Fault injection for tests: queued failure rules for the next matching /api or /auth requests, added latency,
// token revocation and the HTML 500 Halo answers bad token requests with. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

struct FaultRule {
  int status = 503;                         // the HTTP status answered (ignored when drop_connections)
  int count = 1;                            // how many matching requests it applies to
  std::optional<int> retry_after;           // seconds, sent as Retry-After
  std::optional<std::string> body;          // default: Halo's rate-limit text for 429, an HTML page for 5xx
  std::optional<std::string> content_type;  // default: text/plain for 429, text/html for 5xx, JSON otherwise
  std::string path_prefix;                  // case-insensitive prefix of the request path; empty = any
  std::string method;                       // empty = any; with apply_after_write, POST and DELETE only
  bool drop_connections = false;            // close the connection mid-response instead of answering
  bool apply_after_write = false;           // let the write commit, then fail ("the create landed, reply lost")
  int delay_ms = 0;                         // hold the request this long, then serve it normally (slow but lands)
};

// What one POST /_sandbox/faults asks for: a rule, an array of rules, and/or the switches.
struct FaultCommand {
  std::vector<FaultRule> rules;
  std::optional<int> latency_ms;
  bool expire_tokens = false;
  std::optional<int> token_html_500;
};

// Parses {"status": 429, "count": 3, ...}, {"latency_ms": N}, {"expire_tokens": true}, {"token_html_500": N} or an
// array of those. Throws std::invalid_argument with a message that says what to fix.
FaultCommand parse_fault_command(const nlohmann::json& body);

// The response body and content type a rule answers with.
std::string fault_body(const FaultRule& rule);
std::string fault_content_type(const FaultRule& rule);

class Faults {
 public:
  explicit Faults(int latency_ms = 0) : latency_ms_(latency_ms) {}

  void add(FaultRule rule);
  void apply(const FaultCommand& command);
  void clear();  // rules, latency and pending token failures
  void set_latency(int ms);
  int latency() const;
  void expire_tokens();  // every token issued so far stops working now
  void token_html_500(int n);

  // Takes one use of the first queued rule matching this request, if any.
  std::optional<FaultRule> take(std::string_view method, std::string_view path);
  bool take_token_html_500();
  std::uint64_t token_epoch() const { return token_epoch_.load(); }
  std::size_t pending_rules() const;

 private:
  mutable std::mutex mu_;
  std::deque<FaultRule> rules_;
  int latency_ms_;
  int token_html_500_ = 0;
  std::atomic<std::uint64_t> token_epoch_{0};
};

}  // namespace sandbox
