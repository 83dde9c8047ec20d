// Host headers, origins and loopback addresses, parsed exactly: one rule for the MCP transport's gate and the
// sandbox's control API (DNS rebinding and cross-site requests). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace net {

// A Host header value (RFC 9110 §7.2: uri-host [":" port]), or the authority of an origin.
struct HostPort {
  std::string host;         // lower-case; an IPv6 literal keeps its brackets: "[::1]"
  std::optional<int> port;  // absent when the value has no ":port"
  std::string text() const { return port ? host + ":" + std::to_string(*port) : host; }
};

// Exactly host[:port]: a DNS name (letters, digits, "-", ".", "_", "~"), an IPv4 address or a bracketed IPv6
// literal, then at most a decimal port up to 65535. Anything else (userinfo "@", a path, a second colon, spaces
// inside, an empty host) is nullopt. Surrounding blanks are ignored.
std::optional<HostPort> parse_host(std::string_view value);

// Every spelling of a loopback address: localhost (and "localhost."), 127.0.0.0/8 in any form inet_aton reads
// (127.0.0.1, 127.1, 0x7f.1, 2130706433), ::1 with or without brackets, and ::ffff:127.x.y.z.
bool is_loopback_host(std::string_view host);

// An Origin header "scheme://host[:port]" (a trailing "/" tolerated); nullopt for "null", paths, userinfo.
struct Origin {
  std::string scheme;  // lower-case
  HostPort authority;
};
std::optional<Origin> parse_origin(std::string_view value);

// An http(s) origin whose host is loopback.
bool is_loopback_origin(std::string_view value);

}  // namespace net
