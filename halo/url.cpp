#include "halo/url.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace halo {
namespace {

using util::lower;

bool fail(std::string* why, const char* reason) {
  if (why) *why = reason;
  return false;
}

}  // namespace

std::string Url::origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return scheme + "://" + h + (default_port ? "" : ":" + std::to_string(port));
}

std::optional<Url> parse_url(std::string_view text, std::string* why) {
  Url url;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    fail(why, "it must start with https:// (or http:// for a loopback address)");
    return std::nullopt;
  }
  url.scheme = lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    fail(why, "only https:// (or http:// for a loopback address) is supported");
    return std::nullopt;
  }
  std::string_view rest = text.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    fail(why, "it must not contain a query string or fragment");
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    fail(why, "it must not contain user credentials");
    return std::nullopt;
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      fail(why, "its IPv6 address is missing ']'");
      return std::nullopt;
    }
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        fail(why, "it has text after the IPv6 address");
        return std::nullopt;
      }
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) {
    fail(why, "it has no host name");
    return std::nullopt;
  }
  for (unsigned char c : url.host) {
    if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == ':')) {
      fail(why, "its host name contains characters that are not allowed");
      return std::nullopt;
    }
  }
  url.host = lower(url.host);
  url.port = url.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port < 1 || port > 65535) {
      fail(why, "its port is not a number between 1 and 65535");
      return std::nullopt;
    }
    url.port = port;
  }
  std::string p(path);
  while (!p.empty() && p.back() == '/') p.pop_back();
  url.path = p;
  return url;
}

bool is_loopback_host(std::string_view host) {
  const std::string h = lower(host);
  if (h == "localhost" || h == "::1" || h == "[::1]") return true;
  if (h.size() > 10 && h.ends_with(".localhost")) return true;
  // 127.0.0.0/8, written as a dotted quad.
  if (!h.starts_with("127.")) return false;
  int parts = 0;
  std::size_t i = 0;
  while (i <= h.size()) {
    const auto dot = std::min(h.find('.', i), h.size());
    std::string_view part(h.data() + i, dot - i);
    int value = -1;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc{} || ptr != part.data() + part.size() || value > 255) return false;
    ++parts;
    i = dot + 1;
  }
  return parts == 4;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string encode_query(const Query& query) {
  std::string out;
  for (const auto& [key, value] : query) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(key);
    out.push_back('=');
    out += percent_encode(value);
  }
  return out;
}

}  // namespace halo
