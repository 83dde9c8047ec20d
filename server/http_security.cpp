#include "server/http_security.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace mcp {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  std::string h = lower(host);
  if (h == "localhost" || h == "::1" || h == "[::1]") return true;
  // 127.0.0.0/8, written as a dotted quad.
  if (h.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : h) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

std::string host_name_of(std::string_view host_header) {
  std::string h = lower(trim(host_header));
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    return close == std::string::npos ? h : h.substr(0, close + 1);
  }
  auto colon = h.find(':');
  if (colon != std::string::npos && h.find(':', colon + 1) == std::string::npos) h.resize(colon);
  return h;
}

bool host_allowed(const HttpSecurityPolicy& policy, std::string_view host_header) {
  std::string full = lower(trim(host_header));
  if (!policy.loopback_bind && policy.allowed_hosts.empty()) return true;  // nothing to check against
  if (full.empty()) return false;
  std::string name = host_name_of(full);
  if (policy.allowed_hosts.count(full) || policy.allowed_hosts.count(name)) return true;
  return policy.loopback_bind && is_loopback_host(name);
}

bool origin_allowed(const HttpSecurityPolicy& policy, std::string_view origin) {
  std::string o = lower(trim(origin));
  if (o.empty()) return true;  // not a browser, or a same-origin navigation
  while (!o.empty() && o.back() == '/') o.pop_back();
  if (policy.allowed_origins.count("*") || policy.allowed_origins.count(o)) return true;
  auto sep = o.find("://");
  if (sep == std::string::npos) return false;  // includes the opaque origin "null"
  std::string scheme = o.substr(0, sep);
  if (scheme != "http" && scheme != "https") return false;
  std::string rest = o.substr(sep + 3);
  if (rest.find_first_of("/?#@") != std::string::npos) return false;
  return is_loopback_host(host_name_of(rest));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Comparing digests makes the time independent of where the inputs differ and of their lengths.
  std::array<unsigned char, SHA256_DIGEST_LENGTH> da{}, db{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db.data());
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

TokenCheck check_bearer(const HttpSecurityPolicy& policy, std::string_view authorization_header) {
  if (policy.token.empty()) return TokenCheck::ok;
  std::string_view h = trim(authorization_header);
  constexpr std::string_view kScheme = "bearer ";
  if (h.size() <= kScheme.size() || lower(h.substr(0, kScheme.size())) != kScheme) return TokenCheck::missing;
  std::string_view presented = trim(h.substr(kScheme.size()));
  if (presented.empty()) return TokenCheck::missing;
  return constant_time_equal(presented, policy.token) ? TokenCheck::ok : TokenCheck::wrong;
}

std::string new_session_id() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("the system random number generator failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0xF]);
  }
  return id;
}

std::set<std::string> parse_host_or_origin_list(std::string_view text) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item = lower(trim(text.substr(start, comma - start)));
    while (!item.empty() && item.back() == '/') item.pop_back();
    if (!item.empty()) out.insert(item);
    start = comma + 1;
  }
  return out;
}

}  // namespace mcp
