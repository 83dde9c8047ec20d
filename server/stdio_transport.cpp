#include "server/stdio_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <string>

#include <spdlog/spdlog.h>

#include "server/session.h"
#include "server/write_all.h"

namespace mcp {

namespace {

// Whole lines to stdout, one writer at a time, flushed at once (no buffering layer in between).
class LineWriter : public MessageSink {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  void send(const json& message) override { send_serialized(dump_safe(message)); }
  void send_serialized(std::string line) override {
    line.push_back('\n');
    std::lock_guard lock(mutex_);
    if (broken_) return;
    if (!write_all(fd_, line)) {
      broken_ = true;  // the client went away; reading will end too
      spdlog::warn("stdout closed: dropping further messages");
    }
  }

 private:
  int fd_;
  std::mutex mutex_;
  bool broken_ = false;
};

}  // namespace

StdioTransport::StdioTransport(StdioOptions options) : options_(options) {
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
}

StdioTransport::~StdioTransport() {
  for (int fd : wake_pipe_)
    if (fd >= 0) ::close(fd);
}

void StdioTransport::stop() {
  if (wake_pipe_[1] >= 0) {
    char c = 'x';
    [[maybe_unused]] auto n = ::write(wake_pipe_[1], &c, 1);
  }
}

int StdioTransport::run(std::shared_ptr<const McpServer> server) {
  auto writer = std::make_shared<LineWriter>(options_.out_fd);
  auto session = Session::create(std::move(server), writer, {.id = "stdio"});

  std::string pending;      // bytes of the line being read
  bool discarding = false;  // inside an over-long line: drop until its end
  char buffer[64 * 1024];

  auto dispatch_line = [&](std::string& line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) return;
    session->receive(line);
  };

  auto refuse_long_line = [&] {
    writer->send(
        make_error(nullptr, rpc::kInvalidRequest,
                   "Message too large: a line may hold at most " + std::to_string(options_.max_line_bytes) + " bytes"));
  };

  while (true) {
    pollfd fds[2] = {{options_.in_fd, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    int ready = ::poll(fds, wake_pipe_[0] >= 0 ? 2 : 1, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (wake_pipe_[0] >= 0 && (fds[1].revents & POLLIN)) break;
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    ssize_t n = ::read(options_.in_fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the client is done
    std::size_t start = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      if (buffer[i] != '\n') continue;
      if (!discarding) {
        if (pending.size() + (i - start) > options_.max_line_bytes) {
          refuse_long_line();
        } else {
          pending.append(buffer + start, i - start);
          dispatch_line(pending);
        }
      }
      pending.clear();
      discarding = false;
      start = i + 1;
    }
    if (!discarding) {
      pending.append(buffer + start, static_cast<std::size_t>(n) - start);
      if (pending.size() > options_.max_line_bytes) {
        refuse_long_line();
        pending.clear();
        discarding = true;  // drop the rest of this line as it arrives
      }
    }
  }
  if (!discarding && !pending.empty()) dispatch_line(pending);  // a last line without its newline

  // Let calls in flight answer (the client may still be reading), then cancel the rest.
  if (!session->drain(std::chrono::seconds(2))) session->close(std::chrono::milliseconds(500));
  return 0;
}

}  // namespace mcp
