// ReplyStream: the numbered replies of one POST, read by one connection at a time, resumable by event id.
#include <doctest/doctest.h>

#include <thread>

#include "server/reply_stream.h"

using mcp::json;
using mcp::http::Reply;
using mcp::http::ReplyStream;
using namespace std::chrono_literals;

namespace {
json progress(int n) {
  return {{"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", {{"progress", n}}}};
}
json response(int id) { return {{"jsonrpc", "2.0"}, {"id", id}, {"result", json::object()}}; }
}  // namespace

TEST_CASE("event ids name the stream; Last-Event-ID maps to the next reply, and only for this stream") {
  ReplyStream s(7);
  s.send(progress(1));
  s.send(progress(2));
  CHECK(s.event_id(0) == "7.0");  // the priming event
  CHECK(s.event_id(2) == "7.2");
  CHECK(s.resume_index("7.0") == 0u);
  CHECK(s.resume_index("7.1") == 1u);
  CHECK(s.resume_index("7.2") == 2u);
  CHECK_FALSE(s.resume_index("7.3"));  // not sent yet
  CHECK_FALSE(s.resume_index("8.1"));  // another stream
  CHECK_FALSE(s.resume_index("71.1"));
  CHECK_FALSE(s.resume_index("7."));
  CHECK_FALSE(s.resume_index("7.1x"));
  CHECK_FALSE(s.resume_index("7.-1"));
  CHECK_FALSE(s.resume_index(""));
}

TEST_CASE("a reader sees replies in order, including ones sent while nobody was reading") {
  ReplyStream s(1);
  auto first = s.attach();
  Reply r;
  CHECK(s.next(first, 0, r, 0ms) == ReplyStream::Next::idle);
  s.send(progress(1));
  REQUIRE(s.next(first, 0, r, 0ms) == ReplyStream::Next::reply);
  CHECK_FALSE(r.final);
  // The first reader's connection drops; replies keep coming; a resumed reader gets them from where it asks.
  s.send(progress(2));
  s.send(response(5));
  auto second = s.attach();
  CHECK(s.next(first, 1, r, 0ms) == ReplyStream::Next::superseded);
  REQUIRE(s.next(second, 1, r, 0ms) == ReplyStream::Next::reply);
  CHECK(json::parse(r.text)["params"]["progress"] == 2);
  REQUIRE(s.next(second, 2, r, 0ms) == ReplyStream::Next::reply);
  CHECK(r.final);
  CHECK(json::parse(r.text)["id"] == 5);
}

TEST_CASE("a close request ends the current connection once; the stream goes on") {
  ReplyStream s(2);
  auto reader = s.attach();
  CHECK_FALSE(s.wait_first(0ms));
  s.close_sse_stream();
  CHECK(s.wait_first(0ms));  // the POST answers as SSE even before any reply
  Reply r;
  CHECK(s.next(reader, 0, r, 0ms) == ReplyStream::Next::close_connection);
  CHECK(s.next(reader, 0, r, 0ms) == ReplyStream::Next::idle);
  std::thread late([&] {
    std::this_thread::sleep_for(20ms);
    s.send(response(1));
  });
  auto resumed = s.attach();
  CHECK(s.next(resumed, 0, r, 5s) == ReplyStream::Next::reply);  // woken by the reply, not the timeout
  CHECK(r.final);
  late.join();
}

TEST_CASE("a stream nobody reads stops growing at its cap but still takes its response") {
  ReplyStream s(3);
  for (int i = 0; i < 10005; ++i) s.send(progress(i));
  CHECK(s.size() == 10000);
  s.send(response(9));
  CHECK(s.size() == 10001);
  Reply r;
  REQUIRE(s.next(s.attach(), 10000, r, 0ms) == ReplyStream::Next::reply);
  CHECK(r.final);
}

TEST_CASE("a serialised response is final; an error with id null is the malformed-body kind") {
  ReplyStream s(4);
  s.send_serialized(R"({"jsonrpc":"2.0","id":1,"result":{}})");
  s.send({{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", -32700}, {"message", "Parse error"}}}});
  Reply r;
  auto reader = s.attach();
  REQUIRE(s.next(reader, 0, r, 0ms) == ReplyStream::Next::reply);
  CHECK(r.final);
  CHECK_FALSE(r.malformed);
  REQUIRE(s.next(reader, 1, r, 0ms) == ReplyStream::Next::reply);
  CHECK(r.malformed);
}

TEST_CASE("a response that comes first is taken whole for a JSON answer; a stream that began otherwise is not") {
  ReplyStream json_answer(5);
  json_answer.send(response(1));
  auto taken = json_answer.take_final_first();
  REQUIRE(taken);
  CHECK(json::parse(taken->text)["id"] == 1);
  CHECK(json_answer.size() == 0);

  ReplyStream streamed(6);
  streamed.send(progress(1));
  streamed.send(response(2));
  CHECK_FALSE(streamed.take_final_first());
  CHECK(streamed.size() == 2);
}
