// Shared between the HTTP transports (Streamable HTTP and legacy SSE): the session table, event queues
// feeding SSE streams, and the transport's state. Not part of the public interface.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <httplib.h>

#include "server/http_security.h"
#include "server/http_transport.h"
#include "server/reply_stream.h"
#include "server/session.h"

namespace mcp::http {

using Clock = std::chrono::steady_clock;

// One SSE event carrying a JSON-RPC message ("data:" never holds a newline: dump() escapes them).
std::string sse_event(const json& message);
inline constexpr std::string_view kKeepAliveComment = ": keep-alive\n\n";

// Pre-formatted SSE text waiting for the HTTP worker that writes one stream.
class EventQueue {
 public:
  enum class Next { event, idle, closed };
  // False once the queue is closed (the stream ended); a runaway backlog closes it too.
  bool push(std::string event);
  Next pop(std::string& out, std::chrono::milliseconds wait);
  void close();
  bool closed() const;

 private:
  static constexpr std::size_t kMaxBacklog = 10000;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> events_;
  bool closed_ = false;
};

// Where a session's server-initiated messages go: the open GET stream (or the legacy stream), else nowhere.
class OutboundRelay : public MessageSink {
 public:
  void send(const json& message) override;
  bool attach(std::shared_ptr<EventQueue> queue);  // false if a stream is already attached
  void detach(const std::shared_ptr<EventQueue>& queue);
  void close_stream();
  bool attached() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<EventQueue> queue_;
};

// Whose session it is, with per-user authentication: the user who opened it (another user's token gets 404, as
// for an unknown session, so a leaked session id is no way into someone else's session). Empty otherwise.
inline std::string owner_of(const CallerInfo* caller) { return caller ? caller->subject : std::string(); }

struct HttpSession {
  std::string id;
  std::string owner;    // owner_of the caller who opened it
  bool legacy = false;  // HTTP+SSE (2024-11-05): lives as long as its GET /sse stream
  std::shared_ptr<Session> session;
  std::shared_ptr<OutboundRelay> outbound;
  std::atomic<int> busy{0};  // requests being handled and open streams: never expired while busy
  std::atomic<Clock::rep> last_seen{Clock::now().time_since_epoch().count()};
  void touch() { last_seen = Clock::now().time_since_epoch().count(); }

  // POST streams a client may resume with GET and Last-Event-ID "N.k", by N. A stream stays five minutes after
  // its response (delivered or not: the connection may have dropped just before or after it), at most
  // kMaxKeptStreams finished ones are kept, and none outlives the session.
  static constexpr std::size_t kMaxKeptStreams = 64;
  std::shared_ptr<ReplyStream> new_reply_stream() { return std::make_shared<ReplyStream>(next_stream++); }
  void keep_stream(std::shared_ptr<ReplyStream> stream);
  std::shared_ptr<ReplyStream> find_stream(const std::string& last_event_id) const;

 private:
  std::atomic<std::uint64_t> next_stream{1};
  mutable std::mutex streams_mutex_;
  std::map<std::uint64_t, std::shared_ptr<ReplyStream>> streams_;
};

class SessionTable {
 public:
  std::shared_ptr<HttpSession> find(const std::string& id) const;
  bool insert(std::shared_ptr<HttpSession> session, std::size_t cap);  // false when full
  std::shared_ptr<HttpSession> remove(const std::string& id);
  // Removes and returns sessions idle longer than `idle` (nothing in flight, no stream, no request).
  std::vector<std::shared_ptr<HttpSession>> take_expired(std::chrono::seconds idle);
  std::vector<std::shared_ptr<HttpSession>> all() const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<HttpSession>> sessions_;
};

// Marks a session busy for a scope (a request, a stream).
class BusyGuard {
 public:
  explicit BusyGuard(std::shared_ptr<HttpSession> s) : s_(std::move(s)) {
    if (s_) ++s_->busy, s_->touch();
  }
  ~BusyGuard() {
    if (s_) s_->touch(), --s_->busy;
  }
  BusyGuard(const BusyGuard&) = delete;
  BusyGuard& operator=(const BusyGuard&) = delete;

 private:
  std::shared_ptr<HttpSession> s_;
};

}  // namespace mcp::http

namespace mcp {

struct HttpTransport::State {
  HttpOptions options;
  HttpSecurityPolicy policy;
  std::shared_ptr<const McpServer> server;
  http::SessionTable sessions;

  std::atomic<bool> draining{false};  // SIGTERM: no new sessions or streams
  std::atomic<bool> aborting{false};  // the grace period is over: waiting handlers give up
  std::atomic<int> open_streams{0};
  std::atomic<int> posts_in_progress{0};

  std::mutex mutex;
  std::condition_variable wake;  // stop requested / shutdown progress
  bool stop_requested = false;

  // Claims a long-lived stream slot; the returned token releases it when the last copy goes away.
  std::shared_ptr<void> claim_stream_slot();
  // Ends a session for good: it leaves the table, its stream closes, calls in flight are cancelled.
  void end_session(const std::shared_ptr<http::HttpSession>& s);
  std::shared_ptr<http::HttpSession> new_session(bool legacy);
  std::string endpoint_host() const;
};

namespace http {

// Runs `fn` once, when the last copy of the returned handle goes away (the end of a stream or response).
std::shared_ptr<void> on_release(std::function<void()> fn);

// A JSON-RPC error body with id null, used for transport-level refusals.
std::string error_body(int code, std::string_view message);
void refuse(httplib::Response& res, int status, int code, std::string_view message);

// Serves `queue` as an SSE stream on `res` until it closes, the client goes away or the server stops.
// `keep` is held until the stream ends (stream slot, busy guard, cleanup).
void stream_queue(httplib::Response& res, std::shared_ptr<EventQueue> queue, HttpTransport::State& state,
                  std::shared_ptr<void> keep);

void add_legacy_sse_routes(httplib::Server& svr, HttpTransport::State& state);

// With HttpOptions::auth: who sent this request to /mcp, /sse or /messages; nullopt when it is refused (a 401 with
// the authenticator's challenge is written). Without: a null caller, since the gate already checked any token.
std::optional<std::shared_ptr<const CallerInfo>> authorize(HttpTransport::State& state, const httplib::Request& req,
                                                           httplib::Response& res);
// True (and a 403 insufficient_scope written) when `body` calls a tool whose scope the caller lacks.
bool refuse_missing_scope(HttpTransport::State& state, const json& body, const CallerInfo* caller,
                          httplib::Response& res);

// The security gate (Host, Origin, bearer token), error handlers and every route, on a server not yet bound:
// run() binds and listens; the HTTP fuzz target feeds requests to it directly. `state` must outlive `svr`.
void install_routes(httplib::Server& svr, HttpTransport::State& state);

}  // namespace http
}  // namespace mcp
