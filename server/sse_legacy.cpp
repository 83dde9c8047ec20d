// The HTTP+SSE transport of protocol 2024-11-05, still used by some clients: GET /sse opens the session's
// stream (first event: the endpoint to POST to), POST /messages?sessionId=… delivers each client message
// (answered 202), and every reply travels on the stream. The session ends when the stream does.
#include <spdlog/spdlog.h>

#include "server/http_internal.h"
#include "server/jsonrpc.h"

namespace mcp::http {

namespace {

constexpr int kTransportError = -32000;

}  // namespace

void add_legacy_sse_routes(httplib::Server& svr, HttpTransport::State& st) {
  svr.Get("/sse", [&st](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorize(st, req, res);
    if (!caller) return;
    if (st.draining) return refuse(res, 503, kTransportError, "Service Unavailable: the server is shutting down");
    auto slot = st.claim_stream_slot();
    if (!slot) {
      res.set_header("Retry-After", "5");
      return refuse(res, 503, kTransportError,
                    "Service Unavailable: " + std::to_string(st.options.max_streams) + " SSE streams are open");
    }
    auto hs = st.new_session(true);
    hs->owner = owner_of(caller->get());
    auto queue = std::make_shared<EventQueue>();
    hs->outbound->attach(queue);
    if (!st.sessions.insert(hs, st.options.max_sessions)) {
      res.set_header("Retry-After", "5");
      return refuse(res, 503, kTransportError,
                    "Service Unavailable: " + std::to_string(st.options.max_sessions) + " sessions are open");
    }
    queue->push("event: endpoint\ndata: /messages?sessionId=" + hs->id + "\n\n");
    spdlog::debug("legacy SSE session {}… opened", hs->id.substr(0, 8));
    auto busy = std::make_shared<BusyGuard>(hs);
    HttpTransport::State* state = &st;
    stream_queue(res, queue, st, on_release([state, hs, slot, busy] {
                   // The client disconnected (or the server stops): the session and its calls end with it.
                   state->end_session(hs);
                   spdlog::debug("legacy SSE session {}… closed", hs->id.substr(0, 8));
                 }));
  });

  svr.Post("/messages", [&st](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorize(st, req, res);
    if (!caller) return;
    std::string sid = req.get_param_value("sessionId");
    if (sid.empty())
      return refuse(res, 400, kTransportError,
                    "Bad Request: the sessionId query parameter is required (from GET /sse)");
    auto hs = st.sessions.find(sid);
    if (!hs || !hs->legacy || hs->owner != owner_of(caller->get()))
      return refuse(res, 404, kTransportError, "Session not found: open a new stream with GET /sse");
    std::string type = req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) != 0)
      return refuse(res, 415, kTransportError, "Unsupported Media Type: send the body as application/json");
    std::string error;
    auto body = parse(req.body, &error);
    if (!body) return refuse(res, 400, rpc::kParseError, "Parse error: " + error);
    if (refuse_missing_scope(st, *body, caller->get(), res)) return;
    BusyGuard busy(hs);
    hs->session->receive_message(*body, hs->outbound, *caller);
    res.status = 202;
    res.set_content("Accepted", "text/plain");
  });
}

}  // namespace mcp::http
