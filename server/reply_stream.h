// The replies to one Streamable HTTP POST, kept in order so that the SSE stream carrying them can be resumed.
// A POST's progress, log messages and requests to the client, then its response, are numbered N.1, N.2, ...
// (N.0 is the priming event); a client whose connection drops asks for the rest with GET and Last-Event-ID
// (MCP 2025-11-25 "Resumability and Redelivery"). One connection reads at a time; a newer one takes over.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/message_sink.h"

namespace mcp::http {

struct Reply {
  std::string text;
  bool final = false;      // the response (or batch of responses) that ends the POST
  bool malformed = false;  // an error with id null: the body itself was unusable
};

class ReplyStream : public MessageSink {
 public:
  explicit ReplyStream(std::uint64_t number) : number_(number) {}

  void send(const json& message) override;
  // Only responses come serialised (tools/list): final, never the malformed-request kind.
  void send_serialized(std::string text) override;
  // A handler asks for the connection to end before its response (polling, SEP-1699): the reader ends its
  // connection at its next step; the stream itself goes on, for a GET with Last-Event-ID to pick up.
  void close_sse_stream() override;

  // Registers a new reader; any earlier one ends at its next step.
  std::uint64_t attach();
  enum class Next { reply, idle, close_connection, superseded };
  // What the reader `reader` should do about the reply at `index` within `wait`.
  Next next(std::uint64_t reader, std::size_t index, Reply& out, std::chrono::milliseconds wait);
  // Before the POST chooses JSON or SSE: true once a reply or a close request is there.
  bool wait_first(std::chrono::milliseconds wait);
  // The plain JSON answer: the first reply, moved out, when it is the response (nothing is streamed then).
  std::optional<Reply> take_final_first();

  std::uint64_t number() const { return number_; }
  // "N.k": k = 0 is the priming event, k = i + 1 the reply at index i.
  std::string event_id(std::size_t seq) const { return std::to_string(number_) + "." + std::to_string(seq); }
  // The index to resume from after Last-Event-ID "N.k" of this stream; nullopt if it names another stream or an
  // event not sent yet.
  std::optional<std::size_t> resume_index(const std::string& last_event_id) const;
  std::size_t size() const;
  // When the response arrived (nullopt while the request is still running).
  std::optional<std::chrono::steady_clock::time_point> finished_at() const;

 private:
  void push(Reply reply);

  static constexpr std::size_t kMaxReplies = 10000;  // a handler flooding a stream nobody reads
  const std::uint64_t number_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Reply> replies_;
  std::uint64_t reader_ = 0;
  bool close_requested_ = false;
  bool overflowed_ = false;
  std::optional<std::chrono::steady_clock::time_point> finished_at_;
};

}  // namespace mcp::http
