#include "server/request_context.h"

#include <array>

#include "server/jsonrpc.h"

namespace mcp {

namespace {
constexpr std::array<std::string_view, 8> kLevelNames = {"debug", "info",     "notice", "warning",
                                                         "error", "critical", "alert",  "emergency"};
}

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == name) return static_cast<LogLevel>(i);
  return std::nullopt;
}

std::string_view to_string(LogLevel level) { return kLevelNames[static_cast<std::size_t>(level)]; }

void RequestContext::progress(double done, std::optional<double> total, std::string message) {
  if (progress_token_.is_null()) return;
  std::lock_guard lock(mutex_);
  if (finished_ || (last_progress_ && done <= *last_progress_)) return;
  last_progress_ = done;
  json params{{"progressToken", progress_token_}, {"progress", done}};
  if (total) params["total"] = *total;
  if (!message.empty()) params["message"] = std::move(message);
  channel_.notify(make_notification("notifications/progress", std::move(params)));
}

void RequestContext::log(LogLevel level, json data, std::string logger) {
  if (level < channel_.log_level()) return;
  std::lock_guard lock(mutex_);
  if (finished_) return;
  channel_.notify(
      make_notification("notifications/message",
                        {{"level", to_string(level)}, {"logger", std::move(logger)}, {"data", std::move(data)}}));
}

bool RequestContext::client_supports(std::string_view capability) const {
  const json& caps = channel_.client_capabilities();
  return caps.is_object() && caps.contains(capability) && !caps.at(capability).is_null();
}

json RequestContext::request(std::string_view method, json params, std::chrono::milliseconds timeout) {
  return channel_.request(method, std::move(params), timeout, stop_);
}

void RequestContext::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
}

}  // namespace mcp
