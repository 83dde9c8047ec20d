// cpp-httplib's server with the limits a server facing a hostile network needs before it authenticates anyone.
// Debian ships cpp-httplib 0.11 as a compiled library, so its CPPHTTPLIB_* limits are fixed inside the .so, and
// they do not cover this: it keeps every header line of a request (no count or total size: 15 MB to 1.5 GB with
// one request), lets a client trickle a request head a byte at a time for as long as it likes (each byte restarts
// the read timeout, each such connection holds a worker thread: slowloris), and reads a chunked body to the end
// whatever the payload limit. So this class replaces the per-connection loop (the virtual
// process_and_close_socket) and gives httplib's request parser its own stream, which
//   - caps the request head: header lines and total bytes (answered 431),
//   - puts a deadline on the whole head from its first byte (408), however the bytes trickle in,
//   - caps the body bytes read, whatever the transfer encoding (413, as soon as the limit is passed),
//   - caps the connections open at once from one client address (429, before anything is read).
// Those answers go out directly on the socket and the connection closes; the request never reaches a handler.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace net {

struct ConnectionLimits {
  std::size_t max_header_bytes = 64 * 1024;        // request line and header lines, line ends included
  std::size_t max_header_lines = 100;              // header lines (the request line not counted)
  std::chrono::milliseconds head_timeout{10'000};  // first byte of a request to the end of its head
  std::size_t max_body_bytes = 4 * 1024 * 1024;    // as read from the connection (chunk framing counts)
  std::size_t max_connections_per_client = 0;      // open at once from one address; 0: no cap
};

// The body of a refusal the server writes itself: {content type, body}, from the status and a sentence saying
// what to fix. Lets each server answer in its own error format.
using RefusalFormatter = std::function<std::pair<std::string, std::string>(int status, std::string_view message)>;

class HardenedServer : public httplib::Server {
 public:
  HardenedServer(ConnectionLimits limits, RefusalFormatter format);
  const ConnectionLimits& limits() const { return limits_; }

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool claim_client_slot(const std::string& address);
  void release_client_slot(const std::string& address);

  ConnectionLimits limits_;
  RefusalFormatter format_;
  std::mutex clients_mutex_;
  std::map<std::string, std::size_t> open_per_client_;
};

}  // namespace net
