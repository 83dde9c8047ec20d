// One MCP conversation: JSON-RPC framing, lifecycle, dispatch, and requests in flight.
// Transport-agnostic: frames come in through receive(), messages go out through sinks.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

#include "server/jsonrpc.h"
#include "server/mcp_server.h"
#include "server/message_sink.h"
#include "server/request_context.h"

namespace mcp {

inline const std::vector<std::string>& supported_protocol_versions() {
  static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
  return versions;
}

struct SessionOptions {
  std::string id = "stdio";
  std::size_t max_in_flight = 64;  // concurrent requests before "busy" errors
  // False when the transport cannot deliver server-initiated messages (stateless HTTP): no resource
  // subscriptions are offered then, since their notifications could never arrive.
  bool server_push = true;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  static std::shared_ptr<Session> create(std::shared_ptr<const McpServer> server, std::shared_ptr<MessageSink> outbound,
                                         SessionOptions options = {});
  ~Session();

  // One frame (a line, an HTTP body). Replies and related notifications go to `reply` (default: outbound).
  void receive(std::string_view frame, const std::shared_ptr<MessageSink>& reply = nullptr);
  // `caller`: who sent it, when the transport authenticated a user (reaches the handlers' RequestContext).
  void receive_message(const json& message, const std::shared_ptr<MessageSink>& reply = nullptr,
                       std::shared_ptr<const CallerInfo> caller = nullptr);

  // Cancels what is in flight and waits for the handlers to return. False if some did not within `grace`.
  bool close(std::chrono::milliseconds grace);
  // Waits for in-flight requests to finish on their own (graceful shutdown). False on timeout.
  bool drain(std::chrono::milliseconds grace);

  // For stateless HTTP: every request arrives in a fresh, already negotiated session.
  void assume_initialized(const std::string& protocol_version);

  bool initialized() const;
  std::string protocol_version() const;
  const std::string& id() const { return options_.id; }
  std::size_t in_flight() const;

  struct InFlight;
  class RequestChannel;
  struct ModernCall;

 private:
  Session(std::shared_ptr<const McpServer> server, std::shared_ptr<MessageSink> outbound, SessionOptions options);

  using Caller = std::shared_ptr<const CallerInfo>;
  void handle_request(const json& message, const std::shared_ptr<MessageSink>& reply, const Caller& caller);
  // A 2026-07-28 request (per-request _meta, no handshake): answered without touching the session's state.
  void handle_modern(const json& id, const std::string& method, json params, const std::shared_ptr<MessageSink>& reply,
                     const Caller& caller);
  // Runs a request both eras share, inline or on its own thread; `modern` is null for a legacy session's request.
  void run(const json& id, const std::string& method, json params, const std::shared_ptr<MessageSink>& reply,
           std::shared_ptr<ModernCall> modern, const Caller& caller);
  // The response to a request: its result (finished per era) or its error.
  json respond(const json& id, const std::string& method, const json& params, RequestContext& ctx,
               const ModernCall* modern);
  void handle_notification(const json& message);
  void handle_response(const json& message);
  void handle_batch(const json& batch, const std::shared_ptr<MessageSink>& reply, const Caller& caller);
  bool runs_async(const std::string& method) const;
  json dispatch(const std::string& method, const json& params, RequestContext& ctx);
  json initialize(const json& params);
  json call_tool(const json& params, RequestContext& ctx);
  json complete(const json& params, RequestContext& ctx);
  json subscription(const std::string& method, const json& params);  // resources/subscribe and /unsubscribe

  json send_request(std::string_view method, json params, const std::shared_ptr<MessageSink>& via,
                    std::chrono::milliseconds timeout, std::stop_token stop);

  std::shared_ptr<const McpServer> server_;
  std::shared_ptr<MessageSink> outbound_;
  SessionOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  bool initialize_answered_ = false;
  bool closing_ = false;
  std::string version_;
  json client_capabilities_ = json::object();
  json client_info_ = json::object();
  std::atomic<int> log_level_{static_cast<int>(LogLevel::info)};
  std::map<std::string, std::shared_ptr<InFlight>> in_flight_;           // by dumped request id
  std::map<std::string, std::shared_ptr<std::promise<json>>> awaiting_;  // server-to-client requests by id
  std::uint64_t next_outgoing_id_ = 1;
};

}  // namespace mcp
