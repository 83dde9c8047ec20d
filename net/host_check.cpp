#include "net/host_check.h"
#include "util/text.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

namespace net {

namespace {

using util::lower;

std::string_view trim(std::string_view s) { return util::trim_blanks(s); }

bool name_char(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// "" (no port written after the colon is allowed by the grammar) or 1-5 digits up to 65535.
bool parse_port(std::string_view digits, std::optional<int>& port) {
  if (digits.empty()) return true;
  if (digits.size() > 5) return false;
  int value = 0;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  if (value > 65535) return false;
  port = value;
  return true;
}

bool ipv6_literal(const std::string& text, in6_addr* out = nullptr) {
  in6_addr addr{};
  if (inet_pton(AF_INET6, text.c_str(), &addr) != 1) return false;
  if (out) *out = addr;
  return true;
}

}  // namespace

std::optional<HostPort> parse_host(std::string_view value) {
  std::string_view v = trim(value);
  HostPort out;
  std::string_view rest;
  if (!v.empty() && v.front() == '[') {
    const auto close = v.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string inner = lower(v.substr(1, close - 1));
    if (!ipv6_literal(inner)) return std::nullopt;
    out.host = "[" + inner + "]";
    rest = v.substr(close + 1);
  } else {
    const auto colon = v.find(':');
    const std::string_view name = v.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return name_char(c); }))
      return std::nullopt;
    out.host = lower(name);
    rest = colon == std::string_view::npos ? std::string_view() : v.substr(colon);
  }
  if (rest.empty()) return out;
  if (rest.front() != ':' || !parse_port(rest.substr(1), out.port)) return std::nullopt;
  return out;
}

bool is_loopback_host(std::string_view host) {
  std::string h = lower(trim(host));
  if (h == "localhost" || h == "localhost.") return true;
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  in6_addr v6{};
  if (ipv6_literal(h, &v6)) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  // inet_aton reads every IPv4 spelling a resolver (and so a bind) accepts: dotted, shortened, hex, octal,
  // a single number. It also stops at a blank and ignores the rest, so only its own characters get this far.
  if (h.empty() ||
      !std::all_of(h.begin(), h.end(), [](unsigned char c) { return std::isxdigit(c) || c == '.' || c == 'x'; }))
    return false;
  in_addr v4{};
  if (inet_aton(h.c_str(), &v4) == 0) return false;
  return (ntohl(v4.s_addr) >> 24) == 127;
}

std::optional<Origin> parse_origin(std::string_view value) {
  std::string o = lower(trim(value));
  if (!o.empty() && o.back() == '/') o.pop_back();
  const auto sep = o.find("://");
  if (sep == std::string::npos || sep == 0) return std::nullopt;  // includes the opaque origin "null"
  Origin out;
  out.scheme = o.substr(0, sep);
  if (!std::all_of(out.scheme.begin(), out.scheme.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; }))
    return std::nullopt;
  auto authority = parse_host(std::string_view(o).substr(sep + 3));
  if (!authority) return std::nullopt;
  out.authority = std::move(*authority);
  return out;
}

bool is_loopback_origin(std::string_view value) {
  auto origin = parse_origin(value);
  return origin && (origin->scheme == "http" || origin->scheme == "https") && is_loopback_host(origin->authority.host);
}

}  // namespace net
