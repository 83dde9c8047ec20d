// net::HardenedServer in-process: the limits answer at the byte that passes them, and what is within them is served
// as before (pipelined requests, bodies up to the limit exactly, connection slots given back).
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "net/hardened_server.h"

namespace {

struct Served {
  explicit Served(net::ConnectionLimits limits)
      : svr(limits, [](int status, std::string_view message) {
          return std::pair{std::string("text/plain"), std::to_string(status) + " " + std::string(message)};
        }) {
    svr.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.body.size()), "text/plain");
    });
    svr.Get("/ping", [](const httplib::Request&, httplib::Response& res) { res.set_content("pong", "text/plain"); });
    port = svr.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { svr.listen_after_bind(); });
    while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Served() {
    svr.stop();
    thread.join();
  }
  net::HardenedServer svr;
  int port = 0;
  std::thread thread;
};

// A blocking client socket; every receive gives up after 10 s so that a broken server fails the test, not hangs it.
struct Conn {
  explicit Conn(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Conn() { ::close(fd); }
  void send(const std::string& s) const { (void)!::send(fd, s.data(), s.size(), MSG_NOSIGNAL); }
  // Everything until the server closes (or 10 s pass).
  std::string until_closed() const {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  // Reads until `needle` has appeared `times` times.
  std::string until(const std::string& needle, int times = 1) const {
    std::string out;
    char buf[4096];
    auto count = [&] {
      int c = 0;
      for (auto p = out.find(needle); p != std::string::npos; p = out.find(needle, p + 1)) ++c;
      return c;
    };
    while (count() < times) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  int fd;
  bool connected = false;
};

std::string chunked(std::size_t payload) {
  std::string out;
  char size_line[32];
  for (std::size_t left = payload; left > 0;) {
    const std::size_t n = std::min<std::size_t>(left, 1000);
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
    out += size_line + std::string(n, 'a') + "\r\n";
    left -= n;
  }
  return out + "0\r\n\r\n";
}

}  // namespace

TEST_CASE("header lines: the limit passes, one more is 431, and the answer names the limit") {
  Served s({.max_header_lines = 5});
  Conn ok(s.port);
  ok.send("GET /ping HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nConnection: close\r\n\r\n");  // 5 lines
  CHECK(ok.until_closed().find("pong") != std::string::npos);
  Conn over(s.port);
  over.send("GET /ping HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n");
  const std::string text = over.until_closed();
  CHECK(text.rfind("HTTP/1.1 431 ", 0) == 0);
  CHECK(text.find("431 Request Header Fields Too Large: more than 5 header lines") != std::string::npos);
}

TEST_CASE("head bytes: a long request line or header is 431 at the byte that passes the limit") {
  Served s({.max_header_bytes = 200});
  Conn longline(s.port);
  longline.send("GET /ping?" + std::string(300, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(longline.until_closed().rfind("HTTP/1.1 431 ", 0) == 0);
  Conn fits(s.port);
  fits.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(fits.until_closed().find("pong") != std::string::npos);
}

TEST_CASE("bodies: exactly the limit is served (Content-Length and chunked), one byte more is 413") {
  const std::string wire = chunked(3000);
  Served s({.max_body_bytes = wire.size()});
  Conn exact(s.port);
  exact.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(wire.size()) +
             "\r\nConnection: close\r\n\r\n" + std::string(wire.size(), 'b'));
  CHECK(exact.until_closed().find("\r\n\r\n" + std::to_string(wire.size())) != std::string::npos);
  Conn chunk(s.port);
  chunk.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + wire);
  CHECK(chunk.until_closed().find("\r\n\r\n3000") != std::string::npos);  // the payload, as the handler saw it
  Conn over(s.port);
  over.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(3001));
  const std::string text = over.until_closed();
  CHECK(text.rfind("HTTP/1.1 413 ", 0) == 0);
  CHECK(text.find("exceeds the configured limit of " + std::to_string(wire.size()) + " bytes") != std::string::npos);
}

TEST_CASE("keep-alive: pipelined requests are all answered (bytes read ahead stay for the next request)") {
  Served s({});
  Conn c(s.port);
  c.send(
      "GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string text = c.until("pong", 3);
  int answers = 0;
  for (auto p = text.find("HTTP/1.1 200 "); p != std::string::npos; p = text.find("HTTP/1.1 200 ", p + 1)) ++answers;
  CHECK(answers == 3);
}

TEST_CASE("connections per client: beyond the cap 429 at once; a closed connection gives its slot back") {
  Served s({.max_connections_per_client = 2});
  auto first = std::make_unique<Conn>(s.port);
  Conn second(s.port);
  // Both served (and held open by keep-alive): a request on each proves the server took them.
  first->send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  second.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(first->until("pong").find("pong") != std::string::npos);
  REQUIRE(second.until("pong").find("pong") != std::string::npos);
  Conn third(s.port);
  const std::string refused = third.until_closed();
  CHECK(refused.rfind("HTTP/1.1 429 ", 0) == 0);
  CHECK(refused.find("Retry-After: 5\r\n") != std::string::npos);
  first.reset();  // closes: the server's worker notices, the slot frees
  std::string answer;
  for (int i = 0; i < 200 && answer.find("pong") == std::string::npos; ++i) {  // until the slot is given back
    Conn again(s.port);
    again.send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    answer = again.until_closed();
    if (answer.find("pong") == std::string::npos) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(answer.find("pong") != std::string::npos);
}

TEST_CASE("head deadline: a head trickled past it is answered 408") {
  Served s({.head_timeout = std::chrono::milliseconds(200)});
  Conn slow(s.port);
  slow.send("GET /ping HTTP/1.1\r\n");
  std::string text;
  // A byte every 20 ms keeps the connection from ever being idle; only the deadline can end it. Bounded loop.
  for (int i = 0; i < 500; ++i) {
    slow.send("X");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    char buf[512];
    ssize_t n = ::recv(slow.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      text.assign(buf, static_cast<size_t>(n));
      break;
    }
  }
  CHECK(text.rfind("HTTP/1.1 408 ", 0) == 0);
}
