// Streamable HTTP (MCP 2025-11-25 transports): routing, the security gate, sessions, and graceful shutdown.
#include "server/http_transport.h"

#include <malloc.h>

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "net/listen_socket.h"
#include "server/http_internal.h"
#include "server/jsonrpc.h"

namespace mcp {

using namespace http;
using std::chrono::milliseconds;

namespace {

constexpr int kTransportError = -32000;
constexpr int kSessionNotFound = -32001;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool accepts(const httplib::Request& req, std::string_view type) {
  return lower(req.get_header_value("Accept")).find(type) != std::string::npos;
}

bool supported_version(const std::string& v) {
  const auto& all = supported_protocol_versions();
  return std::find(all.begin(), all.end(), v) != all.end();
}

// A present but unsupported MCP-Protocol-Version is refused; an absent one means 2025-03-26.
bool check_version_header(const httplib::Request& req, httplib::Response& res) {
  std::string v = req.get_header_value("MCP-Protocol-Version");
  if (v.empty() || supported_version(v)) return true;
  std::string list;
  for (const auto& s : supported_protocol_versions()) list += (list.empty() ? "" : ", ") + s;
  refuse(res, 400, kTransportError, "Bad Request: unsupported MCP-Protocol-Version \"" + v + "\" (supported: " + list + ")");
  return false;
}

bool is_final(const json& m) { return m.is_array() || (m.is_object() && !m.contains("method")); }

// One reply, serialised as soon as it is sent (no copy of the message tree waits in the queue).
struct Reply {
  std::string text;
  bool final = false;      // the response (or batch of responses) that ends the POST
  bool malformed = false;  // an error with id null: the body itself was unusable
};

// The replies to one POST: the handler waits for the first to choose JSON or SSE, then streams the rest.
class PostReply : public MessageSink {
 public:
  void send(const json& message) override {
    push({dump_safe(message), is_final(message),
          message.is_object() && message.contains("error") && message["id"].is_null()});
  }
  // Only responses come serialised (tools/list): final, never the malformed-request kind.
  void send_serialized(std::string text) override { push({std::move(text), true, false}); }
  bool next(Reply& out, milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, wait, [&] { return !replies_.empty(); })) return false;
    out = std::move(replies_.front());
    replies_.pop_front();
    return true;
  }
  void push(Reply r) {
    std::lock_guard lock(mutex_);
    if (gone_) return;
    replies_.push_back(std::move(r));
    changed_.notify_all();
  }
  // The client went away: later messages are dropped (the call itself runs to completion).
  void abandon() {
    std::lock_guard lock(mutex_);
    gone_ = true;
    replies_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Reply> replies_;
  bool gone_ = false;
};

// What a POST body holds, decided before any session sees it.
struct BodyShape {
  bool has_requests = false;
  bool is_initialize = false;
};

std::optional<BodyShape> inspect(const json& body, httplib::Response& res) {
  BodyShape shape;
  auto look = [&](const json& m) {
    MessageKind kind = classify(m);
    if (kind == MessageKind::request || kind == MessageKind::invalid) shape.has_requests = true;
    return kind;
  };
  if (body.is_array()) {
    if (body.empty()) {
      refuse(res, 400, rpc::kInvalidRequest, "Invalid Request: empty batch");
      return std::nullopt;
    }
    for (const auto& m : body) look(m);
    return shape;
  }
  std::string why;
  MessageKind kind = classify(body, &why);
  if (kind == MessageKind::invalid) {
    refuse(res, 400, rpc::kInvalidRequest, "Invalid Request: " + why);
    return std::nullopt;
  }
  shape.has_requests = kind == MessageKind::request;
  shape.is_initialize = shape.has_requests && body["method"] == "initialize";
  return shape;
}

// Counts a POST as in progress (graceful shutdown waits for it) and keeps its session busy.
struct PostLease {
  PostLease(HttpTransport::State& st, std::shared_ptr<HttpSession> s) : state(st), busy(std::move(s)) {
    ++state.posts_in_progress;
  }
  ~PostLease() { --state.posts_in_progress; }
  HttpTransport::State& state;
  BusyGuard busy;
};

class StreamableHttp {
 public:
  explicit StreamableHttp(HttpTransport::State& state) : st_(state) {}

  void post(const httplib::Request& req, httplib::Response& res) {
    if (!accepts(req, "application/json") || !accepts(req, "text/event-stream"))
      return refuse(res, 406, kTransportError,
                    "Not Acceptable: the Accept header must list both application/json and text/event-stream");
    if (lower(req.get_header_value("Content-Type")).rfind("application/json", 0) != 0)
      return refuse(res, 415, kTransportError, "Unsupported Media Type: send the body as application/json");
    if (!check_version_header(req, res)) return;
    std::string error;
    auto body = parse(req.body, &error);
    if (!body) return refuse(res, 400, rpc::kParseError, "Parse error: " + error);
    auto shape = inspect(*body, res);
    if (!shape) return;

    std::shared_ptr<HttpSession> hs;
    bool created = false;
    if (st_.options.stateless) {
      hs = stateless_session(req, *shape);
    } else {
      std::string sid = req.get_header_value("Mcp-Session-Id");
      if (sid.empty()) {
        if (!shape->is_initialize)
          return refuse(res, 400, kTransportError,
                        "Bad Request: the Mcp-Session-Id header is required (initialize first to get one)");
        if (st_.draining) return refuse(res, 503, kTransportError, "Service Unavailable: the server is shutting down");
        if (st_.sessions.size() >= st_.options.max_sessions) return too_many_sessions(res);
        hs = st_.new_session(false);
        created = true;
      } else if (hs = st_.sessions.find(sid); !hs || hs->legacy) {
        return refuse(res, 404, kSessionNotFound, "Session not found: it ended or expired; initialize a new session");
      }
    }

    auto lease = std::make_shared<PostLease>(st_, hs);
    auto reply = std::make_shared<PostReply>();
    hs->session->receive_message(*body, reply);
    if (!shape->has_requests) {
      res.status = 202;
      return;
    }
    if (created && hs->session->initialized()) {
      if (!st_.sessions.insert(hs, st_.options.max_sessions)) return too_many_sessions(res);
      res.set_header("Mcp-Session-Id", hs->id);
      spdlog::debug("http session {}… opened ({} open)", hs->id.substr(0, 8), st_.sessions.size());
    }

    Reply first;
    while (!reply->next(first, milliseconds(200)))
      if (st_.aborting) return refuse(res, 503, kTransportError, "Service Unavailable: the server is shutting down");
    if (first.final) {
      res.status = first.malformed ? 400 : 200;
      res.set_content(std::move(first.text), "application/json");
      return;
    }
    stream_replies(res, std::move(first), reply, lease);
  }

  void get(const httplib::Request& req, httplib::Response& res) {
    if (st_.options.stateless) return method_not_allowed(res, "POST");
    if (!accepts(req, "text/event-stream"))
      return refuse(res, 406, kTransportError, "Not Acceptable: the Accept header must list text/event-stream");
    if (!check_version_header(req, res)) return;
    auto hs = session_of(req, res);
    if (!hs) return;
    if (st_.draining) return refuse(res, 503, kTransportError, "Service Unavailable: the server is shutting down");
    auto slot = st_.claim_stream_slot();
    if (!slot) return too_many_streams(res);
    auto queue = std::make_shared<EventQueue>();
    if (!hs->outbound->attach(queue))
      return refuse(res, 409, kTransportError, "Conflict: this session already has an open GET stream");
    auto busy = std::make_shared<BusyGuard>(hs);
    stream_queue(res, queue, st_, on_release([hs, queue, slot, busy] { hs->outbound->detach(queue); }));
  }

  void del(const httplib::Request& req, httplib::Response& res) {
    if (st_.options.stateless) return method_not_allowed(res, "POST");
    if (!check_version_header(req, res)) return;
    auto hs = session_of(req, res);
    if (!hs) return;
    st_.end_session(hs);
    spdlog::debug("http session {}… ended by the client", hs->id.substr(0, 8));
    res.status = 200;
  }

 private:
  std::shared_ptr<HttpSession> stateless_session(const httplib::Request& req, const BodyShape& shape) {
    auto hs = std::make_shared<HttpSession>();
    hs->outbound = std::make_shared<OutboundRelay>();
    hs->session = Session::create(st_.server, hs->outbound,
                                  {.id = "stateless",
                                   .max_in_flight = st_.options.max_in_flight_per_session,
                                   .server_push = false});
    if (!shape.is_initialize) {
      std::string v = req.get_header_value("MCP-Protocol-Version");
      hs->session->assume_initialized(v.empty() ? "2025-03-26" : v);
    }
    return hs;
  }

  std::shared_ptr<HttpSession> session_of(const httplib::Request& req, httplib::Response& res) {
    std::string sid = req.get_header_value("Mcp-Session-Id");
    if (sid.empty()) {
      refuse(res, 400, kTransportError, "Bad Request: the Mcp-Session-Id header is required");
      return nullptr;
    }
    auto hs = st_.sessions.find(sid);
    if (!hs || hs->legacy) {
      refuse(res, 404, kSessionNotFound, "Session not found: it ended or expired; initialize a new session");
      return nullptr;
    }
    return hs;
  }

  // Progress, log messages or a request to the client came before the response: answer as SSE.
  void stream_replies(httplib::Response& res, Reply first, std::shared_ptr<PostReply> reply,
                      std::shared_ptr<PostLease> lease) {
    res.status = 200;
    res.set_header("Cache-Control", "no-cache, no-transform");
    res.set_header("X-Accel-Buffering", "no");
    auto pending = std::make_shared<std::optional<Reply>>(std::move(first));
    auto interval = std::chrono::duration_cast<milliseconds>(st_.options.keepalive_interval);
    HttpTransport::State* st = &st_;
    res.set_chunked_content_provider(
        "text/event-stream",
        [pending, reply, lease, interval, st](std::size_t, httplib::DataSink& sink) {
          Reply message;
          if (*pending) {
            message = std::move(**pending);
            pending->reset();
          } else {
            auto waited = milliseconds(0);
            const auto slice = std::min(interval, milliseconds(250));
            while (!reply->next(message, slice)) {
              if (st->aborting) {
                sink.done();
                return true;
              }
              waited += slice;
              if (waited >= interval) return sink.write(kKeepAliveComment.data(), kKeepAliveComment.size());
            }
          }
          std::string event = "event: message\ndata: " + message.text + "\n\n";
          if (!sink.write(event.data(), event.size())) return false;
          if (message.final) sink.done();
          return true;
        },
        [reply](bool) { reply->abandon(); });
  }

  void too_many_sessions(httplib::Response& res) {
    res.set_header("Retry-After", "5");
    refuse(res, 503, kTransportError,
           "Service Unavailable: " + std::to_string(st_.options.max_sessions) + " sessions are open; retry later");
  }
  void too_many_streams(httplib::Response& res) {
    res.set_header("Retry-After", "5");
    refuse(res, 503, kTransportError,
           "Service Unavailable: " + std::to_string(st_.options.max_streams) + " SSE streams are open; retry later");
  }
  void method_not_allowed(httplib::Response& res, const char* allow) {
    res.set_header("Allow", allow);
    refuse(res, 405, kTransportError, "Method Not Allowed: this server runs stateless; only POST is served");
  }

  HttpTransport::State& st_;
};

std::string describe_status(int status) {
  switch (status) {
    case 404: return "Not Found: MCP is served at /mcp (Streamable HTTP) and /sse (legacy HTTP+SSE)";
    case 413: return "Payload Too Large: the request body exceeds the configured limit (--max-body-bytes)";
    case 408: return "Request Timeout";
    default: return "HTTP error " + std::to_string(status);
  }
}

}  // namespace

namespace http {

void install_routes(httplib::Server& svr, HttpTransport::State& st) {
  svr.set_pre_routing_handler([&st](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/healthz") return httplib::Server::HandlerResponse::Unhandled;
    auto reject = [&](int status, int code, std::string_view message) {
      refuse(res, status, code, message);
      res.set_header("Connection", "close");  // the body (if any) was not read
      return httplib::Server::HandlerResponse::Handled;
    };
    if (!host_allowed(st.policy, req.get_header_value("Host")))
      return reject(403, kTransportError, "Forbidden: this Host is not allowed (see --allowed-hosts)");
    const std::string origin = req.get_header_value("Origin");
    if (!origin_allowed(st.policy, origin))
      return reject(403, kTransportError, "Forbidden: this Origin is not allowed (see --allowed-origins)");
    // CORS for the origins allowed above, so a browser-based client (a web inspector, a gateway's UI) can read
    // the answers and the session id. A preflight never carries credentials, so it is answered before the token.
    if (!origin.empty()) {
      res.set_header("Access-Control-Allow-Origin", origin);
      res.set_header("Vary", "Origin");
      res.set_header("Access-Control-Expose-Headers", "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate");
    }
    if (req.method == "OPTIONS" && (req.path == "/mcp" || req.path == "/sse" || req.path == "/messages")) {
      res.status = 204;
      res.set_header("Allow", "GET, POST, DELETE, OPTIONS");
      if (!origin.empty()) {
        res.set_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        res.set_header("Access-Control-Allow-Headers",
                       "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID");
        res.set_header("Access-Control-Max-Age", "600");
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    TokenCheck token = check_bearer(st.policy, req.get_header_value("Authorization"));
    if (token != TokenCheck::ok) {
      res.set_header("WWW-Authenticate", token == TokenCheck::missing
                                             ? "Bearer realm=\"halopsa-mcp\""
                                             : "Bearer realm=\"halopsa-mcp\", error=\"invalid_token\"");
      return reject(401, kTransportError,
                    token == TokenCheck::missing ? "Unauthorized: send Authorization: Bearer <token>"
                                                 : "Unauthorized: the bearer token is not valid");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(error_body(kTransportError, describe_status(res.status)), "application/json");
  });
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler failed: {}", e.what());
    } catch (...) {
    }
    refuse(res, 500, rpc::kInternalError, "Internal error");
  });
  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("http {} {} → {}", req.method, req.path, res.status);  // never headers: they carry the token
  });

  auto mcp_endpoint = std::make_shared<StreamableHttp>(st);
  svr.Post("/mcp", [mcp_endpoint](const httplib::Request& q, httplib::Response& r) { mcp_endpoint->post(q, r); });
  svr.Get("/mcp", [mcp_endpoint](const httplib::Request& q, httplib::Response& r) { mcp_endpoint->get(q, r); });
  svr.Delete("/mcp", [mcp_endpoint](const httplib::Request& q, httplib::Response& r) { mcp_endpoint->del(q, r); });
  svr.Get("/healthz", [&st](const httplib::Request&, httplib::Response& res) {
    res.status = st.draining ? 503 : 200;
    res.set_content(st.draining ? R"({"status":"draining"})" : R"({"status":"ok"})", "application/json");
  });
  if (!st.options.stateless) add_legacy_sse_routes(svr, st);

}

}  // namespace http

std::shared_ptr<void> HttpTransport::State::claim_stream_slot() {
  int open = open_streams.load();
  do {
    if (open >= static_cast<int>(options.max_streams)) return nullptr;
  } while (!open_streams.compare_exchange_weak(open, open + 1));
  return on_release([this] { --open_streams; });
}

void HttpTransport::State::end_session(const std::shared_ptr<HttpSession>& s) {
  sessions.remove(s->id);
  s->outbound->close_stream();
  s->session->close(milliseconds(0));  // cancels calls in flight without waiting for them
}

std::shared_ptr<HttpSession> HttpTransport::State::new_session(bool legacy) {
  auto hs = std::make_shared<HttpSession>();
  hs->id = new_session_id();
  hs->legacy = legacy;
  hs->outbound = std::make_shared<OutboundRelay>();
  hs->session = Session::create(server, hs->outbound, {.id = hs->id, .max_in_flight = options.max_in_flight_per_session});
  return hs;
}

std::string HttpTransport::State::endpoint_host() const {
  return options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
}

HttpTransport::HttpTransport(HttpOptions options) : options_(std::move(options)), state_(std::make_shared<State>()) {}

HttpTransport::~HttpTransport() = default;

void HttpTransport::stop() {
  std::lock_guard lock(state_->mutex);
  state_->stop_requested = true;
  state_->wake.notify_all();
}

int HttpTransport::run(std::shared_ptr<const McpServer> server) {
  State& st = *state_;
  st.options = options_;
  st.server = std::move(server);
  st.policy.loopback_bind = is_loopback_host(options_.host);
  st.policy.allowed_hosts = options_.allowed_hosts;
  st.policy.allowed_origins = options_.allowed_origins;
  st.policy.token = options_.token;
  if (!st.policy.loopback_bind && st.policy.token.empty())
    spdlog::warn("binding {} without a bearer token: anyone who can reach this port can use the tools; "
                 "set HALOPSA_MCP_TOKEN (or --token) or bind 127.0.0.1", options_.host);

  // Up to 8 malloc arenas per core would serve the worker threads; a few keep contention low and RSS bounded.
  mallopt(M_ARENA_MAX, 4);

  httplib::Server svr;
  const std::size_t workers = std::max<std::size_t>(options_.worker_threads, options_.max_streams + 8);
  svr.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  svr.set_payload_max_length(options_.max_body_bytes);
  svr.set_read_timeout(options_.read_timeout.count(), 0);
  svr.set_write_timeout(options_.write_timeout.count(), 0);
  svr.set_keep_alive_timeout(5);
  svr.set_keep_alive_max_count(100000);
  svr.set_tcp_nodelay(true);
  net::ListenSocket listen_socket(svr);

  install_routes(svr, st);

  int port = options_.port;
  if (port == 0) {
    port = svr.bind_to_any_port(options_.host);
  } else if (!svr.bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port < 0) {
    spdlog::critical("cannot listen on {}:{} (address in use, or not an address of this machine)", options_.host,
                     options_.port);
    return 1;
  }
  listen_socket.on_bound();
  spdlog::info("listening on http://{}:{}/mcp (legacy SSE at /sse{}, {} sessions max{})", st.endpoint_host(), port,
               options_.stateless ? " disabled: stateless" : "", options_.max_sessions,
               options_.token.empty() ? "" : ", bearer token required");

  std::atomic<bool> listener_returned{false};
  std::thread listener([&] {
    svr.listen_after_bind();
    listener_returned = true;
  });

  // Idle sessions expire here; the same loop waits for stop().
  const auto tick = std::clamp<milliseconds>(
      std::chrono::duration_cast<milliseconds>(options_.session_idle_timeout) / 4, milliseconds(100),
      milliseconds(5000));
  {
    auto last_trim = std::chrono::steady_clock::now();
    std::unique_lock lock(st.mutex);
    while (!st.stop_requested) {
      st.wake.wait_for(lock, tick);
      if (st.stop_requested) break;
      lock.unlock();
      for (auto& s : st.sessions.take_expired(options_.session_idle_timeout)) {
        spdlog::info("http session {}… expired after {} s idle", s->id.substr(0, 8),
                     options_.session_idle_timeout.count());
        st.end_session(s);
      }
      // glibc keeps freed memory in each worker thread's arena; without this the RSS of a long-running server
      // ratchets up to the sum of every arena's peak (the soak run: 16 to 90 MiB with 3 MB live).
      if (auto now = std::chrono::steady_clock::now(); now - last_trim >= std::chrono::seconds(10)) {
        malloc_trim(0);
        last_trim = now;
      }
      lock.lock();
    }
  }

  // Graceful shutdown: no new sessions or streams; GET streams end; calls in flight finish (within the grace).
  st.draining = true;
  auto busy_sessions = [&] {
    std::size_t n = 0;
    for (auto& s : st.sessions.all()) n += s->session->in_flight();
    return n;
  };
  spdlog::info("shutting down: {} calls in flight, {} requests open", busy_sessions(), st.posts_in_progress.load());
  for (auto& s : st.sessions.all())
    if (!s->legacy) s->outbound->close_stream();
  auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  while (std::chrono::steady_clock::now() < deadline && (st.posts_in_progress > 0 || busy_sessions() > 0))
    std::this_thread::sleep_for(milliseconds(20));
  if (st.posts_in_progress > 0 || busy_sessions() > 0)
    spdlog::warn("shutdown grace of {} s over: cancelling what is still running", options_.shutdown_grace.count());
  st.aborting = true;
  for (auto& s : st.sessions.all()) st.end_session(s);
  // stop() is a no-op until listen_after_bind has reached its accept loop: a SIGTERM right after start-up
  // would otherwise leave run() joining a listener that never ends.
  while (!listener_returned && !svr.is_running()) std::this_thread::sleep_for(milliseconds(1));
  svr.stop();
  listen_socket.end_connections();  // clients' idle keep-alive connections would hold the workers otherwise
  listener.join();
  spdlog::info("HTTP server stopped");
  return 0;
}

}  // namespace mcp
