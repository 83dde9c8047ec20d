// The listening socket of a cpp-httplib server (the MCP HTTP transport and the sandbox).
// Debian's cpp-httplib 0.11 is a compiled library with two defaults we cannot override with a macro:
//   - it sets SO_REUSEPORT, so a second server started on a busy port binds it too and the kernel splits new
//     connections between the two (requests for a session land in a process that never heard of it);
//   - it listens with a backlog of 5, so a burst of new connections overflows the queue, the kernel drops the
//     SYNs and each of those clients waits a full second before retrying.
#pragma once

#include <httplib.h>
#include <sys/socket.h>

#include <memory>

namespace net {

class ListenSocket {
 public:
  // Before bind_to_port / bind_to_any_port: replaces httplib's socket options with SO_REUSEADDR alone.
  explicit ListenSocket(httplib::Server& server) : fd_(std::make_shared<socket_t>(INVALID_SOCKET)) {
    server.set_socket_options([fd = fd_](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      *fd = sock;  // the last socket tried is the one that was bound
    });
  }

  // After a successful bind: listening again on a listening socket only changes its backlog (the kernel caps it
  // at net.core.somaxconn).
  void deepen_backlog(int backlog = SOMAXCONN) const {
    if (*fd_ != INVALID_SOCKET) ::listen(*fd_, backlog);
  }

 private:
  std::shared_ptr<socket_t> fd_;
};

}  // namespace net
