// JSON-RPC framing and the protocol session: each input is a run of newline-separated frames, as a stdio peer
// would send them, after a valid initialize. Every message the session sends back must be well-formed JSON-RPC.
#include <cstdint>
#include <mutex>
#include <string_view>

#include "server/jsonrpc.h"
#include "server/session.h"
#include "tests/fuzz/fuzz_server.h"

namespace {

class CheckingSink : public mcp::MessageSink {
 public:
  void send(const nlohmann::json& message) override {
    std::string why;
    const bool single = message.is_object() && mcp::classify(message, &why) != mcp::MessageKind::invalid;
    bool batch = message.is_array() && !message.empty();
    if (batch)
      for (const auto& m : message) batch = batch && mcp::classify(m, &why) != mcp::MessageKind::invalid;
    if (!single && !batch) __builtin_trap();  // the server produced something that is not JSON-RPC
    (void)mcp::dump_safe(message);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto server = fuzz::make_server();
  auto sink = std::make_shared<CheckingSink>();
  auto session = mcp::Session::create(server, sink);
  session->receive(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
                   R"("capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}})");
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int frames = 0; !input.empty() && frames < 64; ++frames) {
    std::size_t end = input.find('\n');
    session->receive(input.substr(0, end));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  session->drain(std::chrono::seconds(5));
  session->close(std::chrono::seconds(5));
  fuzz::wait_for_handlers(session);
  return 0;
}
