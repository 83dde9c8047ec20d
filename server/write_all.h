// write(2) until every byte is out, retrying on EINTR: the stdio transport and the audit log both need whole
// lines or nothing said about them.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace mcp {

// False (errno set) when the descriptor refuses bytes; what was written by then stays written.
inline bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace mcp
