// Streamable HTTP (MCP 2025-11-25 transports): routing, the security gate, sessions, and graceful shutdown.
#include "server/http_transport.h"

#include <malloc.h>

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "net/hardened_server.h"
#include "net/host_check.h"
#include "net/listen_socket.h"
#include "server/era.h"
#include "server/http_internal.h"
#include "server/jsonrpc.h"
#include "util/text.h"

namespace mcp {

using namespace http;
using std::chrono::milliseconds;

namespace {

constexpr int kTransportError = -32000;
constexpr int kSessionNotFound = -32001;

using util::lower;

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
  if (v == era::kModernVersion) {  // what reaches here is no single modern request
    refuse(res, 400, rpc::kInvalidRequest,
           "Bad Request: MCP-Protocol-Version 2026-07-28 takes one JSON-RPC request per POST, with its _meta (no "
           "batches, no GET stream, no DELETE: it has no sessions)");
    return false;
  }
  std::string list;
  for (const auto& s : supported_protocol_versions()) list += (list.empty() ? "" : ", ") + s;
  refuse(res, 400, kTransportError,
         "Bad Request: unsupported MCP-Protocol-Version \"" + v + "\" (supported: " + list + ")");
  return false;
}

std::string era_header(const httplib::Request& req) { return req.get_header_value("MCP-Protocol-Version"); }

era::MirroredHeaders mirrored_headers(const httplib::Request& req) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    if (!req.has_header(name)) return std::nullopt;
    return req.get_header_value(name);
  };
  return {get("MCP-Protocol-Version"), get("Mcp-Method"), get("Mcp-Name")};
}

// A modern request refused before dispatch: the status the revision sets, the error with the request's id.
void refuse_modern(httplib::Response& res, const json& body, const RpcError& error) {
  json id = body.is_object() && body.contains("id") ? body["id"] : json();
  res.status = era::http_status_for(error.code);
  res.set_content(dump_safe(make_error(id, error.code, error.what(), error.data)), "application/json");
}

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
    auto caller = authorize(st_, req, res);
    if (!caller) return;
    if (!accepts(req, "application/json") || !accepts(req, "text/event-stream"))
      return refuse(res, 406, kTransportError,
                    "Not Acceptable: the Accept header must list both application/json and text/event-stream");
    if (lower(req.get_header_value("Content-Type")).rfind("application/json", 0) != 0)
      return refuse(res, 415, kTransportError, "Unsupported Media Type: send the body as application/json");
    std::string error;
    auto body = parse(req.body, &error);
    // A 2026-07-28 request (per-request _meta, or a modern MCP-Protocol-Version) needs no session: its headers
    // are checked against its body and it is answered by a fresh stateless session, whatever Mcp-Session-Id says.
    const bool modern = body && body->is_object() && classify(*body) != MessageKind::invalid &&
                        (era::claims_modern(*body) || era_header(req) == era::kModernVersion);
    if (modern) {
      if (auto refusal = era::check_http_request(*body, mirrored_headers(req), *st_.server))
        return refuse_modern(res, *body, *refusal);
    } else if (!check_version_header(req, res)) {
      return;
    }
    if (!body) return refuse(res, 400, rpc::kParseError, "Parse error: " + error);
    auto shape = inspect(*body, res);
    if (!shape) return;
    if (refuse_missing_scope(st_, *body, caller->get(), res)) return;

    std::shared_ptr<HttpSession> hs;
    bool created = false;
    if (modern || st_.options.stateless) {
      hs = stateless_session(req, *shape, modern);
    } else {
      std::string sid = req.get_header_value("Mcp-Session-Id");
      if (sid.empty()) {
        if (!shape->is_initialize)
          return refuse(res, 400, kTransportError,
                        "Bad Request: the Mcp-Session-Id header is required (initialize first to get one)");
        if (st_.draining) return refuse(res, 503, kTransportError, "Service Unavailable: the server is shutting down");
        if (st_.sessions.size() >= st_.options.max_sessions) return too_many_sessions(res);
        hs = st_.new_session(false);
        hs->owner = owner_of(caller->get());
        created = true;
      } else if (hs = st_.sessions.find(sid); !hs || hs->legacy || hs->owner != owner_of(caller->get())) {
        return refuse(res, 404, kSessionNotFound, "Session not found: it ended or expired; initialize a new session");
      }
    }

    auto lease = std::make_shared<PostLease>(st_, hs);
    auto reply = hs->new_reply_stream();
    hs->session->receive_message(*body, reply, *caller);
    if (!shape->has_requests) {
      res.status = 202;
      return;
    }
    if (created && hs->session->initialized()) {
      if (!st_.sessions.insert(hs, st_.options.max_sessions)) return too_many_sessions(res);
      res.set_header("Mcp-Session-Id", hs->id);
      spdlog::debug("http session {}… opened ({} open)", hs->id.substr(0, 8), st_.sessions.size());
    }

    while (!reply->wait_first(milliseconds(200)))
      if (st_.aborting) return refuse(res, 503, kTransportError, "Service Unavailable: the server is shutting down");
    if (auto first = reply->take_final_first()) {
      res.status = first->malformed ? 400 : 200;
      res.set_content(std::move(first->text), "application/json");
      return;
    }
    const std::uint64_t reader = reply->attach();
    // Progress, log messages, a request to the client or a close request came before the response: SSE. A client
    // that negotiated 2025-11-25 can resume it (older ones cannot parse the empty priming event).
    const bool resumable = !modern && !st_.options.stateless && hs->session->protocol_version() >= "2025-11-25";
    if (resumable) hs->keep_stream(reply);
    std::shared_ptr<void> keep = lease;
    // 2026-07-28: closing a response stream cancels its request (nothing could resume it). The stream ends when a
    // write fails, at the next progress event or keep-alive.
    if (modern)
      keep = on_release([lease, hs, reply] {
        if (reply->finished_at()) return;
        spdlog::debug("http: a 2026-07-28 response stream closed before its response: request cancelled");
        hs->session->close(milliseconds(0));
      });
    serve_replies(res, reply, reader, 0, resumable ? Resume::post : Resume::no, keep);
  }

  void get(const httplib::Request& req, httplib::Response& res) {
    auto caller = authorize(st_, req, res);
    if (!caller) return;
    if (st_.options.stateless) return method_not_allowed(res, "POST");
    if (!accepts(req, "text/event-stream"))
      return refuse(res, 406, kTransportError, "Not Acceptable: the Accept header must list text/event-stream");
    if (!check_version_header(req, res)) return;
    auto hs = session_of(req, res, caller->get());
    if (!hs) return;
    if (st_.draining) return refuse(res, 503, kTransportError, "Service Unavailable: the server is shutting down");
    if (std::string last = req.get_header_value("Last-Event-ID"); !last.empty()) {
      auto stream = hs->find_stream(last);
      auto from = stream ? stream->resume_index(last) : std::nullopt;
      if (!from)
        return refuse(res, 400, kTransportError,
                      "Bad Request: Last-Event-ID \"" + last.substr(0, 64) +
                          "\" names no stream of this session that can be resumed (streams are kept five minutes "
                          "after their response)");
      spdlog::debug("http session {}…: resuming stream {} after event {}", hs->id.substr(0, 8), stream->number(), last);
      return serve_replies(res, stream, stream->attach(), *from, Resume::get, std::make_shared<BusyGuard>(hs));
    }
    auto slot = st_.claim_stream_slot();
    if (!slot) return too_many_streams(res);
    auto queue = std::make_shared<EventQueue>();
    if (!hs->outbound->attach(queue))
      return refuse(res, 409, kTransportError, "Conflict: this session already has an open GET stream");
    auto busy = std::make_shared<BusyGuard>(hs);
    stream_queue(res, queue, st_, on_release([hs, queue, slot, busy] { hs->outbound->detach(queue); }));
  }

  void del(const httplib::Request& req, httplib::Response& res) {
    auto caller = authorize(st_, req, res);
    if (!caller) return;
    if (st_.options.stateless) return method_not_allowed(res, "POST");
    if (!check_version_header(req, res)) return;
    auto hs = session_of(req, res, caller->get());
    if (!hs) return;
    st_.end_session(hs);
    spdlog::debug("http session {}… ended by the client", hs->id.substr(0, 8));
    res.status = 200;
  }

 private:
  std::shared_ptr<HttpSession> stateless_session(const httplib::Request& req, const BodyShape& shape, bool modern) {
    auto hs = std::make_shared<HttpSession>();
    hs->outbound = std::make_shared<OutboundRelay>();
    hs->session = Session::create(st_.server, hs->outbound,
                                  {.id = modern ? "modern" : "stateless",
                                   .max_in_flight = st_.options.max_in_flight_per_session,
                                   .server_push = false});
    if (!modern && !shape.is_initialize) {
      std::string v = req.get_header_value("MCP-Protocol-Version");
      hs->session->assume_initialized(v.empty() ? "2025-03-26" : v);
    }
    return hs;
  }

  std::shared_ptr<HttpSession> session_of(const httplib::Request& req, httplib::Response& res,
                                          const CallerInfo* caller) {
    std::string sid = req.get_header_value("Mcp-Session-Id");
    if (sid.empty()) {
      refuse(res, 400, kTransportError, "Bad Request: the Mcp-Session-Id header is required");
      return nullptr;
    }
    auto hs = st_.sessions.find(sid);
    if (!hs || hs->legacy || hs->owner != owner_of(caller)) {
      refuse(res, 404, kSessionNotFound, "Session not found: it ended or expired; initialize a new session");
      return nullptr;
    }
    return hs;
  }

  // A POST's replies as SSE from `index` on, for as long as this connection is the stream's reader. Resumable
  // streams carry event ids and start with a priming event (id, retry, empty data), so that a client whose
  // connection drops, or is closed on a handler's request, reconnects with GET and Last-Event-ID.
  enum class Resume { no, post, get };  // not resumable; a POST's stream (primed first); resumed by a GET
  void serve_replies(httplib::Response& res, std::shared_ptr<ReplyStream> stream, std::uint64_t reader,
                     std::size_t index, Resume mode, std::shared_ptr<void> keep) {
    const bool resumable = mode != Resume::no;
    res.status = 200;
    res.set_header("Cache-Control", "no-cache, no-transform");
    res.set_header("X-Accel-Buffering", "no");
    struct Cursor {
      std::size_t index;
      bool prime;
    };
    auto cursor = std::make_shared<Cursor>(Cursor{index, mode == Resume::post});
    auto interval = std::chrono::duration_cast<milliseconds>(st_.options.keepalive_interval);
    HttpTransport::State* st = &st_;
    res.set_chunked_content_provider("text/event-stream", [stream, reader, cursor, resumable, keep, interval, st](
                                                              std::size_t, httplib::DataSink& sink) {
      static constexpr std::string_view kRetry = "retry: 1000\n";
      if (cursor->prime) {
        cursor->prime = false;
        std::string event = "id: " + stream->event_id(0) + "\n" + std::string(kRetry) + "data: \n\n";
        return sink.write(event.data(), event.size());
      }
      Reply message;
      const auto slice = std::min(interval, milliseconds(250));
      for (auto waited = milliseconds(0);;) {
        auto next = stream->next(reader, cursor->index, message, slice);
        if (next == ReplyStream::Next::reply) break;
        if (next == ReplyStream::Next::superseded) {  // a newer connection resumed this stream
          sink.done();
          return true;
        }
        if (next == ReplyStream::Next::close_connection && resumable) {
          std::string event = std::string(kRetry) + "\n";
          sink.write(event.data(), event.size());
          sink.done();
          return true;
        }
        if (st->aborting) {
          sink.done();
          return true;
        }
        waited += slice;
        if (waited >= interval) return sink.write(kKeepAliveComment.data(), kKeepAliveComment.size());
      }
      std::string event = resumable ? "id: " + stream->event_id(cursor->index + 1) + "\n" : std::string();
      event += "event: message\ndata: " + message.text + "\n\n";
      if (!sink.write(event.data(), event.size())) return false;
      ++cursor->index;
      if (message.final) sink.done();
      return true;
    });
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

// Which flag sets the limit behind a refusal of the listener (net::HardenedServer), so the answer says what to change.
std::string limit_flag(int status) {
  switch (status) {
    case 408: return " (--header-timeout)";
    case 413: return " (--max-body-bytes)";
    case 429: return " (--max-connections-per-client)";
    case 431: return " (--max-header-lines, --max-header-bytes)";
    default: return "";
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
    // One Host, exactly host[:port] (RFC 9112 §3.2: anything else is a 400), then an allowed one.
    if (req.get_header_value_count("Host") > 1)
      return reject(400, kTransportError, "Bad Request: more than one Host header");
    if (const std::string host = req.get_header_value("Host"); !host.empty() && !net::parse_host(host))
      return reject(400, kTransportError, "Bad Request: the Host header must be host[:port]");
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
    const bool auth_route = st.options.auth && st.options.auth->serves(req.path);
    if (req.method == "OPTIONS" &&
        (req.path == "/mcp" || req.path == "/sse" || req.path == "/messages" || auth_route)) {
      res.status = 204;
      res.set_header("Allow", "GET, POST, DELETE, OPTIONS");
      if (!origin.empty()) {
        res.set_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        res.set_header("Access-Control-Allow-Headers",
                       "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, "
                       "Mcp-Method, Mcp-Name");
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
    } catch (...) {}
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
    json body{{"status", "ok"}};
    if (st.options.health) body.update(st.options.health());
    if (st.draining) body["status"] = "draining";
    res.set_content(body.dump(), "application/json");
  });
  if (!st.options.stateless) add_legacy_sse_routes(svr, st);
  if (st.options.auth) st.options.auth->mount(svr);  // its routes pass the gate above without a bearer token
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
  hs->id = options.session_id_prefix + new_session_id();
  hs->legacy = legacy;
  hs->outbound = std::make_shared<OutboundRelay>();
  hs->session =
      Session::create(server, hs->outbound, {.id = hs->id, .max_in_flight = options.max_in_flight_per_session});
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
  if (options_.auth && !options_.token.empty()) {
    spdlog::critical("a static bearer token and per-user authorization cannot both protect the listener: choose one");
    return 1;
  }
  if (!st.policy.loopback_bind && st.policy.token.empty() && !options_.auth)
    spdlog::warn(
        "binding {} without a bearer token: anyone who can reach this port can use the tools; "
        "set HALOPSA_MCP_TOKEN (or --token) or bind 127.0.0.1",
        options_.host);

  // Up to 8 malloc arenas per core would serve the worker threads; a few keep contention low and RSS bounded.
  mallopt(M_ARENA_MAX, 4);

  // Limits enforced before any route or token check sees the request: an unauthenticated client must not be
  // able to grow memory or hold the workers (net/hardened_server.h).
  net::HardenedServer svr({.max_header_bytes = options_.max_header_bytes,
                           .max_header_lines = options_.max_header_lines,
                           .head_timeout = std::chrono::duration_cast<milliseconds>(options_.header_timeout),
                           .max_body_bytes = options_.max_body_bytes,
                           .max_connections_per_client = options_.max_connections_per_client},
                          [](int status, std::string_view message) {
                            return std::pair{std::string("application/json"),
                                             error_body(kTransportError, std::string(message) + limit_flag(status))};
                          });
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
               options_.auth            ? ", OAuth access token required"
               : options_.token.empty() ? ""
                                        : ", bearer token required");

  std::atomic<bool> listener_returned{false};
  std::thread listener([&] {
    svr.listen_after_bind();
    listener_returned = true;
  });

  // Idle sessions expire here; the same loop waits for stop().
  const auto tick =
      std::clamp<milliseconds>(std::chrono::duration_cast<milliseconds>(options_.session_idle_timeout) / 4,
                               milliseconds(100), milliseconds(5000));
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
