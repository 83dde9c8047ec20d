#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <future>
#include <sstream>

#include "fixture_server.h"
#include "server/stdio_transport.h"
#include "sinks.h"

using mcp::json;

namespace {

// Runs the transport on pipes: feed `input`, close, collect every output line.
std::vector<std::string> run_stdio(const std::string& input, std::size_t max_line = 1 << 20) {
  int in[2], out[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(out) == 0);
  mcp::StdioTransport transport({.in_fd = in[0], .out_fd = out[1], .max_line_bytes = max_line});
  auto done = std::async(std::launch::async, [&] { return transport.run(test::fixture_server()); });
  auto reader = std::async(std::launch::async, [&] {
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) all.append(buf, n);
    return all;
  });
  std::size_t off = 0;
  while (off < input.size()) {
    ssize_t n = write(in[1], input.data() + off, input.size() - off);
    REQUIRE(n > 0);
    off += n;
  }
  close(in[1]);
  CHECK(done.get() == 0);
  close(out[1]);
  std::string all = reader.get();
  close(in[0]);
  close(out[0]);
  std::vector<std::string> lines;
  std::stringstream ss(all);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  return lines;
}

std::string line(const json& j) { return j.dump() + "\n"; }

}  // namespace

TEST_CASE("stdio: one JSON message per line, CRLF tolerated, blank lines skipped, exit on EOF") {
  std::string input = line(test::init_request());
  input.insert(input.size() - 1, "\r");
  input += "\n   \n";
  input += line({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}});
  input += R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"a\nb"}}})";
  // (no final newline: the last line still counts)
  auto lines = run_stdio(input);
  REQUIRE(lines.size() == 3);
  for (const auto& l : lines) {
    json j = json::parse(l);  // every line is one complete JSON-RPC message
    CHECK(j["jsonrpc"] == "2.0");
  }
  CHECK(json::parse(lines[2])["result"]["structuredContent"]["text"] == "a\nb");
}

TEST_CASE("stdio: an over-long line gets a clear error and the next line is served") {
  std::string input = line(test::init_request());
  input += std::string(5000, 'x') + "\n";
  input += line({{"jsonrpc", "2.0"}, {"id", 9}, {"method", "ping"}});
  auto lines = run_stdio(input, 1024);
  REQUIRE(lines.size() == 3);
  json err = json::parse(lines[1]);
  CHECK(err["error"]["code"] == -32600);
  CHECK(err["error"]["message"].get<std::string>().find("1024") != std::string::npos);
  CHECK(json::parse(lines[2])["id"] == 9);
}

TEST_CASE("stdio: invalid UTF-8 in input is answered, not fatal") {
  std::string input = line(test::init_request());
  input +=
      "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"\xff\xfe\"}}}\n";
  input += line({{"jsonrpc", "2.0"}, {"id", 5}, {"method", "ping"}});
  auto lines = run_stdio(input);
  REQUIRE(lines.size() == 3);
  CHECK(json::parse(lines[1])["error"]["code"] == -32700);
  CHECK(json::parse(lines[2])["id"] == 5);
}
