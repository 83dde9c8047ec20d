// HTTP request handling: an input is the raw bytes of one or more requests on a connection, parsed by
// cpp-httplib and served by our gate (Host, Origin, bearer token) and routes (/mcp, /sse, /messages,
// /healthz). A session "fuzz-session" is open, so seeds reach the protocol; long-lived streams are refused
// (no stream slots), so nothing waits. Every answer must be a complete HTTP response.
#include <cstdint>
#include <string>
#include <string_view>

#include <httplib.h>

#include "server/http_internal.h"
#include "tests/fuzz/fuzz_server.h"

namespace {

class InputStream : public httplib::Stream {
 public:
  explicit InputStream(std::string_view input) : input_(input) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size = std::min(size, input_.size());
    std::copy_n(input_.data(), size, ptr);
    input_.remove_prefix(size);
    return static_cast<ssize_t>(size);
  }
  ssize_t write(const char* ptr, size_t size) override {
    output.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 50000; }
  void get_local_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 8080; }
  socket_t socket() const override { return 0; }
  bool exhausted() const { return input_.empty(); }
  std::string output;

 private:
  std::string_view input_;
};

class FuzzServer : public httplib::Server {
 public:
  // As the listener would: requests on one keep-alive connection until the input runs out or it closes.
  void serve(InputStream& stream) {
    for (int i = 0; i < 8 && !stream.exhausted(); ++i) {
      bool closed = false;
      std::size_t before = stream.output.size();
      process_request(stream, false, closed, nullptr);
      if (stream.output.size() > before && stream.output.compare(before, 9, "HTTP/1.1 ") != 0) __builtin_trap();
      if (closed) break;
    }
  }
};

struct Fixture {
  mcp::HttpTransport::State state;
  FuzzServer svr;
  Fixture() {
    state.server = fuzz::make_server();
    state.options.max_streams = 0;
    state.options.keepalive_interval = std::chrono::seconds(1);
    state.policy.loopback_bind = true;
    state.policy.token = "fuzz-token";
    svr.set_payload_max_length(1 << 20);
    mcp::http::install_routes(svr, state);
  }
  void open_session() {
    if (state.sessions.find("fuzz-session")) return;
    auto hs = std::make_shared<mcp::http::HttpSession>();
    hs->id = "fuzz-session";
    hs->outbound = std::make_shared<mcp::http::OutboundRelay>();
    hs->session = mcp::Session::create(state.server, hs->outbound, {.id = hs->id});
    hs->session->assume_initialized("2025-11-25");
    state.sessions.insert(hs, 1000);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* fixture = new Fixture();  // outlives every input; never destroyed, like a server
  fixture->open_session();
  InputStream stream(std::string_view(reinterpret_cast<const char*>(data), size));
  fixture->svr.serve(stream);
  // Sessions an input opened by initialize would pile up across inputs: end all but the fixture's.
  for (auto& s : fixture->state.sessions.all()) {
    if (s->id != "fuzz-session") fixture->state.end_session(s);
    fuzz::wait_for_handlers(s->session);
  }
  return 0;
}
