// MCP over stdio: one JSON message per line in, one per line out; stdout carries protocol messages only.
#pragma once

#include <cstddef>
#include <memory>

#include "server/mcp_server.h"

namespace mcp {

struct StdioOptions {
  int in_fd = 0;
  int out_fd = 1;
  std::size_t max_line_bytes = 8 * 1024 * 1024;
};

class StdioTransport {
 public:
  explicit StdioTransport(StdioOptions options = {});
  ~StdioTransport();
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;
  // Serves until end of input (or stop()), then waits briefly for calls in flight. Returns the exit code.
  int run(std::shared_ptr<const McpServer> server);
  // Ends run() from another thread (a signal watcher), letting calls in flight finish first. Safe until the
  // transport is destroyed, also while or after run() returns.
  void stop();

 private:
  StdioOptions options_;
  int wake_pipe_[2] = {-1, -1};  // open for the transport's whole life: stop() never writes to a closed fd
};

}  // namespace mcp
