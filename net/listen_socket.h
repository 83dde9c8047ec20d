// The listening socket of a cpp-httplib server (the MCP HTTP transport and the sandbox).
// Debian's cpp-httplib 0.11 is a compiled library with three behaviours we cannot override with a macro:
//   - it sets SO_REUSEPORT, so a second server started on a busy port binds it too and the kernel splits new
//     connections between the two (requests for a session land in a process that never heard of it);
//   - it listens with a backlog of 5, so a burst of new connections overflows the queue, the kernel drops the
//     SYNs and each of those clients waits a full second before retrying;
//   - after stop(), a worker thread holding an idle keep-alive connection only notices once the client speaks
//     or the keep-alive timeout passes, so shutting down waited up to 5 s for clients that had gone quiet.
#pragma once

#include <dirent.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
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
  // at net.core.somaxconn). Also notes the port for end_connections().
  void on_bound(int backlog = SOMAXCONN) {
    if (*fd_ == INVALID_SOCKET) return;
    ::listen(*fd_, backlog);
    port_ = local_port(*fd_);
  }

  // After the server's stop(), before waiting for its threads: shuts down every connection it accepted, so
  // threads waiting on idle keep-alive connections end now. Requests in flight must have finished first.
  void end_connections() const {
    if (port_ <= 0) return;
    DIR* fds = ::opendir("/proc/self/fd");
    if (!fds) return;
    while (const dirent* entry = ::readdir(fds)) {
      const int fd = std::atoi(entry->d_name);
      if (fd <= 2 || fd == ::dirfd(fds)) continue;
      sockaddr_storage peer{};
      socklen_t len = sizeof peer;
      // Accepted connections have a peer and our port as their local port; clients we opened elsewhere do not.
      if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0 && local_port(fd) == port_)
        ::shutdown(fd, SHUT_RDWR);
    }
    ::closedir(fds);
  }

 private:
  static int local_port(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
    if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
    if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
    return -1;
  }

  std::shared_ptr<socket_t> fd_;
  int port_ = -1;
};

}  // namespace net
