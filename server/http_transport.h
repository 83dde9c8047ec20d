// MCP over HTTP: Streamable HTTP at /mcp, the legacy HTTP+SSE transport at /sse + /messages, and /healthz.
// Every HTTP session owns its own protocol Session; the server (tools, prompts, resources) is shared.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "server/http_auth.h"
#include "server/mcp_server.h"

namespace mcp {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;    // 0: any free port (the chosen one is logged: "listening on http://HOST:PORT/mcp")
  std::string token;  // bearer token; empty: none required
  // Instead of `token`: callers authenticated per user (an OAuth authorization server), which also serves its own
  // routes on this listener. Setting both is refused by run().
  std::shared_ptr<HttpAuth> auth;
  std::set<std::string> allowed_origins;  // besides loopback origins
  std::set<std::string> allowed_hosts;    // besides loopback names when bound to loopback
  bool stateless = false;                 // no sessions: every POST is self-contained (for load balancers)
  std::size_t max_sessions = 1000;
  std::chrono::seconds session_idle_timeout{30 * 60};
  std::size_t max_body_bytes = 4 * 1024 * 1024;  // as read, whatever the transfer encoding (413)
  std::size_t max_header_lines = 100;            // header lines of one request (431)
  std::size_t max_header_bytes = 64 * 1024;      // request line and headers (431)
  std::chrono::seconds header_timeout{10};       // first byte to the end of the request head (408)
  std::size_t max_connections_per_client = 64;   // open at once from one address, 0: no cap (429)
  std::size_t worker_threads = 128;              // HTTP connections served at once
  std::size_t max_streams = 32;                  // long-lived SSE streams (GET /mcp, GET /sse) at once; beyond: 503
  std::chrono::seconds keepalive_interval{15};   // SSE comment on an idle stream (also detects gone clients)
  std::chrono::seconds read_timeout{30};         // between two reads (the head also has header_timeout)
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds shutdown_grace{20};  // calls in flight get this long to finish on SIGTERM
  std::size_t max_in_flight_per_session = 64;
  // Replicas behind a load balancer: prepended to every session id, so the balancer can route a session's requests
  // to the replica that holds it (deploy/nginx.conf maps the prefix to the replica).
  std::string session_id_prefix;
  // Merged into /healthz's JSON (replicas: the shared store's state; a "status" given here replaces "ok").
  std::function<json()> health;
};

class HttpTransport {
 public:
  explicit HttpTransport(HttpOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Binds, serves until stop(), then shuts down gracefully. Returns the exit code (nonzero if binding failed).
  int run(std::shared_ptr<const McpServer> server);
  // From any thread (a signal watcher): stop accepting sessions, let calls in flight finish, end run().
  void stop();

  struct State;

 private:
  HttpOptions options_;
  std::shared_ptr<State> state_;
};

}  // namespace mcp
