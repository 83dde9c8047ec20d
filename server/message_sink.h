// Where outgoing messages go: a transport's side of a session.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mcp {

using json = nlohmann::json;

// Implementations must be thread-safe: handlers run concurrently.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void send(const json& message) = 0;
  // A message already serialised (a cached tools/list page in its envelope). Sinks that deal in text take it as
  // it is; the default parses it back.
  virtual void send_serialized(std::string text) { send(json::parse(text)); }
  // A handler asks to end the connection carrying its messages before its response, the stream staying
  // resumable (Streamable HTTP polling). Sinks that cannot do that ignore it.
  virtual void close_sse_stream() {}
};

}  // namespace mcp
