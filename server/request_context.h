// What a handler gets besides its arguments: progress, logging, cancellation and requests to the client.
// Handlers never see a transport; the session implements the Channel.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/caller.h"

namespace mcp {

using json = nlohmann::json;

// MCP log levels (RFC 5424 severities), lowest first.
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency };
std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view to_string(LogLevel level);

class RequestContext {
 public:
  // The session's side of a request in flight.
  struct Channel {
    virtual ~Channel() = default;
    virtual void notify(const json& message) = 0;  // a notification related to this request
    // Sends a server-to-client request related to this request and waits for its result.
    // Throws RpcError with the client's error, or std::runtime_error on timeout or cancellation.
    virtual json request(std::string_view method, json params, std::chrono::milliseconds timeout,
                         std::stop_token stop) = 0;
    virtual LogLevel log_level() const = 0;
    virtual const json& client_capabilities() const = 0;
    virtual std::string session_id() const = 0;
    virtual void close_sse_stream() {}
  };

  RequestContext(Channel& channel, json progress_token, std::stop_token stop,
                 std::shared_ptr<const CallerInfo> caller = nullptr)
      : channel_(channel),
        progress_token_(std::move(progress_token)),
        stop_(std::move(stop)),
        caller_(std::move(caller)) {}

  // The authenticated user this request comes from (HTTP with HttpOptions::auth), else null.
  const CallerInfo* caller() const { return caller_.get(); }

  bool cancelled() const { return stop_.stop_requested(); }
  std::stop_token stop_token() const { return stop_; }

  // Reports progress when the caller asked for it (a progressToken); values that do not increase are dropped.
  void progress(double done, std::optional<double> total = std::nullopt, std::string message = {});
  bool wants_progress() const { return !progress_token_.is_null(); }

  // notifications/message at or above the client's chosen level. Never pass secrets or personal data.
  void log(LogLevel level, json data, std::string logger = "halopsa-mcp");

  // True when the client declared the capability (e.g. "elicitation", "sampling", "roots").
  bool client_supports(std::string_view capability) const;
  json request(std::string_view method, json params, std::chrono::milliseconds timeout = std::chrono::minutes(10));
  std::string session_id() const { return channel_.session_id(); }
  // Over Streamable HTTP, ends the connection carrying this request's SSE stream now; the client resumes it with
  // GET and Last-Event-ID and still gets what follows, the response included. A no-op elsewhere.
  void close_sse_stream() { channel_.close_sse_stream(); }

  // Called by the session once the response is on its way: nothing related may follow it.
  void finish();

 private:
  Channel& channel_;
  json progress_token_;
  std::stop_token stop_;
  std::shared_ptr<const CallerInfo> caller_;
  std::mutex mutex_;
  std::optional<double> last_progress_;
  bool finished_ = false;
};

}  // namespace mcp
