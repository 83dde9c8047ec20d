#include "net/hardened_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace net {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const char* reason_phrase(int status) {
  switch (status) {
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    default: return "Error";
  }
}

int wait_for(socket_t sock, short events, milliseconds timeout) {
  pollfd p{sock, events, 0};
  int n;
  do {
    n = ::poll(&p, 1, static_cast<int>(std::max<milliseconds::rep>(timeout.count(), 0)));
  } while (n < 0 && errno == EINTR);
  return n;
}

void peer_or_local(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  if (addr.ss_family == AF_INET) port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  else if (addr.ss_family == AF_INET6)
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  else
    return;
  char host[NI_MAXHOST] = {};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) == 0)
    ip = host;
}

milliseconds to_ms(time_t sec, time_t usec) { return milliseconds(sec * 1000 + usec / 1000); }

// One connection, across its keep-alive requests (bytes a client sent ahead stay buffered for the next request).
// The head and body limits are counted on the bytes handed to httplib's parser, which reads a head a byte at a
// time: the limit is hit at the byte that passes it, never after buffering the excess.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(socket_t sock, const ConnectionLimits& limits, const RefusalFormatter& format,
                   milliseconds read_timeout, milliseconds write_timeout)
      : sock_(sock), limits_(limits), format_(format), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  // Before each request on the connection.
  void begin_request() {
    in_head_ = true;
    head_bytes_ = head_lines_ = body_bytes_ = 0;
    line_length_ = 0;
    last_was_cr_ = false;
    head_deadline_.reset();
  }
  bool refused() const { return refused_; }
  bool has_buffered() const { return pos_ < buffer_.size(); }

  // Writes a complete response and ends the connection's use: httplib's own later answer is dropped.
  void refuse(int status, std::string_view message, std::string_view extra_headers = {}) {
    if (refused_) return;
    refused_ = true;
    auto [type, body] = format_(status, message);
    std::string response = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
                           "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n" + std::string(extra_headers) + "\r\n" + body;
    send_all(response.data(), response.size());
    // The client may still be sending: closing with unread bytes would reset the connection, and a reset makes the
    // client's kernel drop the answer it has not read yet. Say we are done, then read and discard what arrives
    // until the client stops or a bound is reached. Bounded in time (a busy client needs a moment to read the answer
    // and stop sending) and in bytes; nothing is kept, so memory does not grow.
    ::shutdown(sock_, SHUT_WR);
    char sink[64 * 1024];
    std::size_t drained = 0;
    const auto until = Clock::now() + milliseconds(2000);
    while (drained < std::size_t{1024} * 1024 * 1024) {
      auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
      if (left.count() <= 0 || wait_for(sock_, POLLIN, left) <= 0) break;
      const ssize_t n = ::recv(sock_, sink, sizeof sink, MSG_DONTWAIT);
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
  }

  bool is_readable() const override { return has_buffered() || wait_for(sock_, POLLIN, read_timeout_) > 0; }

  bool is_writable() const override {
    if (refused_ || wait_for(sock_, POLLOUT, write_timeout_) <= 0) return false;
    // Alive unless the peer has closed: a readable socket with nothing to read is an end of stream.
    if (wait_for(sock_, POLLIN, milliseconds(0)) == 0) return true;
    char c;
    const ssize_t n = ::recv(sock_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  }

  ssize_t read(char* ptr, size_t size) override {
    if (refused_) return -1;
    if (size == 0) return 0;
    if (in_head_) return read_head(ptr, size);
    if (body_bytes_ >= limits_.max_body_bytes) {
      refuse(413, "Payload Too Large: the request body exceeds the configured limit of " +
                      std::to_string(limits_.max_body_bytes) + " bytes");
      return -1;
    }
    size = std::min(size, limits_.max_body_bytes - body_bytes_);
    const ssize_t n = take(ptr, size, std::nullopt);
    if (n > 0) body_bytes_ += static_cast<std::size_t>(n);
    return n;
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    return n < 0 && errno == EINTR ? 0 : n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { peer_or_local(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { peer_or_local(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  void refuse_late_head() {
    refuse(408, "Request Timeout: the request head was not complete within " +
                    std::to_string(limits_.head_timeout.count()) + " ms");
  }

  ssize_t read_head(char* ptr, size_t size) {
    // The deadline holds however the bytes come: a client sending one every second never lets a read time out.
    if (!head_deadline_) head_deadline_ = Clock::now() + limits_.head_timeout;
    if (Clock::now() >= *head_deadline_) {
      refuse_late_head();
      return -1;
    }
    // httplib asks for one byte at a time here; hand out at most up to the end of the current line.
    size_t given = 0;
    while (given < size) {
      if (!has_buffered() && given > 0) break;
      char c;
      if (take(&c, 1, head_deadline_) <= 0) {
        if (given > 0) break;
        return refused_ ? -1 : (eof_ ? 0 : -1);
      }
      if (++head_bytes_ > limits_.max_header_bytes) {
        refuse(431, "Request Header Fields Too Large: the request line and headers exceed " +
                        std::to_string(limits_.max_header_bytes) + " bytes");
        return -1;
      }
      ptr[given++] = c;
      if (c == '\n') {
        if (line_length_ == 1 && last_was_cr_ && head_lines_ > 0) {
          in_head_ = false;                                         // the blank line: the head is complete
        } else if (++head_lines_ > limits_.max_header_lines + 1) {  // + the request line
          refuse(431, "Request Header Fields Too Large: more than " + std::to_string(limits_.max_header_lines) +
                          " header lines");
          return -1;
        }
        line_length_ = 0;
        last_was_cr_ = false;
        break;
      }
      ++line_length_;
      last_was_cr_ = c == '\r';
    }
    return static_cast<ssize_t>(given);
  }

  // Up to `size` buffered bytes, receiving more first if none are. With a deadline, waits no longer than it
  // (and answers 408 when it passes); without one, the read timeout alone applies.
  ssize_t take(char* ptr, size_t size, std::optional<Clock::time_point> deadline) {
    while (!has_buffered()) {
      if (eof_) return 0;
      const auto now = Clock::now();
      if (deadline && now >= *deadline) {
        refuse_late_head();
        return -1;
      }
      milliseconds wait = read_timeout_;
      if (deadline) wait = std::min(wait, std::chrono::ceil<milliseconds>(*deadline - now));
      const int ready = wait_for(sock_, POLLIN, wait);
      if (ready < 0) return -1;
      if (ready == 0) {
        if (deadline && Clock::now() >= *deadline) continue;  // answered 408 above
        return -1;                                            // the read timeout
      }
      buffer_.resize(kBufferSize);
      ssize_t n;
      do {
        n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      pos_ = 0;
      if (n <= 0) {
        buffer_.clear();
        eof_ = n == 0;
        return n == 0 ? 0 : -1;
      }
      buffer_.resize(static_cast<size_t>(n));
    }
    const size_t n = std::min(size, buffer_.size() - pos_);
    std::memcpy(ptr, buffer_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }

  bool send_all(const char* data, size_t size) {
    while (size > 0) {
      if (wait_for(sock_, POLLOUT, write_timeout_) <= 0) return false;
      const ssize_t n = ::send(sock_, data, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  static constexpr size_t kBufferSize = 16 * 1024;
  socket_t sock_;
  const ConnectionLimits& limits_;
  const RefusalFormatter& format_;
  milliseconds read_timeout_, write_timeout_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool refused_ = false;
  bool in_head_ = true;
  size_t head_bytes_ = 0, head_lines_ = 0, body_bytes_ = 0, line_length_ = 0;
  bool last_was_cr_ = false;
  std::optional<Clock::time_point> head_deadline_;
};

}  // namespace

HardenedServer::HardenedServer(ConnectionLimits limits, RefusalFormatter format)
    : limits_(limits), format_(std::move(format)) {}

bool HardenedServer::claim_client_slot(const std::string& address) {
  if (limits_.max_connections_per_client == 0) return true;
  std::lock_guard lock(clients_mutex_);
  auto& open = open_per_client_[address];
  if (open >= limits_.max_connections_per_client) return false;
  ++open;
  return true;
}

void HardenedServer::release_client_slot(const std::string& address) {
  if (limits_.max_connections_per_client == 0) return;
  std::lock_guard lock(clients_mutex_);
  auto it = open_per_client_.find(address);
  if (it != open_per_client_.end() && --it->second == 0) open_per_client_.erase(it);
}

// httplib's own loop (process_server_socket) with our stream, kept for the connection's life.
bool HardenedServer::process_and_close_socket(socket_t sock) {
  ConnectionStream strm(sock, limits_, format_, to_ms(read_timeout_sec_, read_timeout_usec_),
                        to_ms(write_timeout_sec_, write_timeout_usec_));
  std::string address;
  int port = 0;
  strm.get_remote_ip_and_port(address, port);
  bool ret = false;
  if (!claim_client_slot(address)) {
    strm.refuse(429,
                "Too Many Requests: " + std::to_string(limits_.max_connections_per_client) +
                    " connections from this address are open; close some or retry later",
                "Retry-After: 5\r\n");
  } else {
    std::size_t count = keep_alive_max_count_;
    const milliseconds keep_alive(keep_alive_timeout_sec_ * 1000);
    while (svr_sock_ != INVALID_SOCKET && count > 0 &&
           (strm.has_buffered() || wait_for(sock, POLLIN, keep_alive) > 0)) {
      strm.begin_request();
      bool connection_closed = false;
      ret = process_request(strm, count == 1, connection_closed, nullptr);
      if (!ret || connection_closed || strm.refused()) break;
      --count;
    }
    release_client_slot(address);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace net
