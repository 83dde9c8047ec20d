// The queues and the session table under the HTTP transports: bounded, closable, expiring only idle sessions.
#include <doctest/doctest.h>

#include <thread>

#include "server/http_internal.h"

using namespace mcp;
using namespace mcp::http;
using namespace std::chrono_literals;

TEST_CASE("an event queue hands events over in order, then reports idle, then closed") {
  EventQueue q;
  CHECK(q.push("a"));
  CHECK(q.push("b"));
  std::string out;
  CHECK(q.pop(out, 10ms) == EventQueue::Next::event);
  CHECK(out == "a");
  q.close();
  CHECK_FALSE(q.push("c"));                            // nobody is listening any more
  CHECK(q.pop(out, 10ms) == EventQueue::Next::event);  // what was queued before close still goes out
  CHECK(out == "b");
  CHECK(q.pop(out, 10ms) == EventQueue::Next::closed);
  EventQueue idle;
  CHECK(idle.pop(out, 10ms) == EventQueue::Next::idle);
}

TEST_CASE("a client that never reads gets its stream closed instead of unbounded buffering") {
  EventQueue q;
  int accepted = 0;
  while (q.push("x") && accepted < 20000) ++accepted;
  CHECK(accepted == 10000);
  CHECK(q.closed());
}

TEST_CASE("the outbound relay feeds one stream at a time and drops messages when none is open") {
  OutboundRelay relay;
  relay.send(json{{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}});  // dropped, no crash
  auto first = std::make_shared<EventQueue>();
  CHECK(relay.attach(first));
  CHECK_FALSE(relay.attach(std::make_shared<EventQueue>()));
  relay.send(json{{"jsonrpc", "2.0"}, {"method", "ping-ish"}});
  std::string out;
  REQUIRE(first->pop(out, 10ms) == EventQueue::Next::event);
  CHECK(out.rfind("event: message\ndata: {", 0) == 0);
  CHECK(out.substr(out.size() - 2) == "\n\n");
  relay.detach(first);
  CHECK_FALSE(relay.attached());
  CHECK(relay.attach(std::make_shared<EventQueue>()));
}

namespace {
struct NullSink : MessageSink {
  void send(const json&) override {}
};
std::shared_ptr<HttpSession> make_session(const std::string& id) {
  auto s = std::make_shared<HttpSession>();
  s->id = id;
  s->outbound = std::make_shared<OutboundRelay>();
  s->session = Session::create(std::make_shared<McpServer>(), std::make_shared<NullSink>());
  return s;
}
}  // namespace

TEST_CASE("the session table caps its size and expires only idle sessions") {
  SessionTable table;
  CHECK(table.insert(make_session("a"), 2));
  CHECK(table.insert(make_session("b"), 2));
  CHECK_FALSE(table.insert(make_session("c"), 2));
  CHECK(table.size() == 2);

  auto a = table.find("a");
  auto b = table.find("b");
  REQUIRE(a);
  std::this_thread::sleep_for(1100ms);
  BusyGuard busy(a);  // a request is being handled for a: it must survive
  auto expired = table.take_expired(std::chrono::seconds(1));
  REQUIRE(expired.size() == 1);
  CHECK(expired[0]->id == "b");
  CHECK(table.find("a") != nullptr);
  CHECK(table.find("b") == nullptr);
  CHECK(table.remove("a") == a);
  CHECK(table.size() == 0);
}

TEST_CASE("a session keeps its resumable streams within bounds: running ones always, finished ones up to the cap") {
  mcp::http::HttpSession session;
  auto running = session.new_reply_stream();
  session.keep_stream(running);
  std::vector<std::shared_ptr<mcp::http::ReplyStream>> finished;
  for (std::size_t i = 0; i < mcp::http::HttpSession::kMaxKeptStreams + 10; ++i) {
    auto s = session.new_reply_stream();
    s->send({{"jsonrpc", "2.0"}, {"id", static_cast<int>(i)}, {"result", json::object()}});
    session.keep_stream(s);
    finished.push_back(s);
  }
  CHECK(session.find_stream(running->event_id(0)) == running);
  CHECK(session.find_stream(finished.back()->event_id(1)) == finished.back());
  CHECK(session.find_stream(finished.front()->event_id(1)) == nullptr);  // the oldest finished ones went first
  std::size_t kept = 0;
  for (const auto& s : finished) kept += session.find_stream(s->event_id(1)) != nullptr;
  CHECK(kept == mcp::http::HttpSession::kMaxKeptStreams);
  CHECK(session.find_stream("junk") == nullptr);
  CHECK(session.find_stream("") == nullptr);
}
