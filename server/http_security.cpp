#include "server/http_security.h"

#include "net/host_check.h"
#include "util/text.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace mcp {

namespace {

using util::lower;

std::string_view trim(std::string_view s) { return util::trim_blanks(s); }

}  // namespace

bool is_loopback_host(std::string_view host) { return net::is_loopback_host(host); }

std::string host_name_of(std::string_view host_header) {
  if (auto parsed = net::parse_host(host_header)) return parsed->host;
  return lower(trim(host_header));
}

bool host_allowed(const HttpSecurityPolicy& policy, std::string_view host_header) {
  if (!policy.loopback_bind && policy.allowed_hosts.empty()) return true;  // nothing to check against
  // Exactly host[:port]: "127.0.0.1:8080@evil.example" or "localhost/x" name no host of ours.
  auto parsed = net::parse_host(host_header);
  if (!parsed) return false;
  if (policy.allowed_hosts.count(parsed->text()) || policy.allowed_hosts.count(parsed->host)) return true;
  return policy.loopback_bind && net::is_loopback_host(parsed->host);
}

bool origin_allowed(const HttpSecurityPolicy& policy, std::string_view origin) {
  std::string o = lower(trim(origin));
  if (o.empty()) return true;  // not a browser, or a same-origin navigation
  while (!o.empty() && o.back() == '/') o.pop_back();
  if (policy.allowed_origins.count("*") || policy.allowed_origins.count(o)) return true;
  return net::is_loopback_origin(o);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Comparing digests makes the time independent of where the inputs differ and of their lengths.
  std::array<unsigned char, SHA256_DIGEST_LENGTH> da{}, db{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db.data());
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

std::string_view bearer_token(std::string_view authorization_header) {
  std::string_view h = trim(authorization_header);
  constexpr std::string_view kScheme = "bearer ";
  if (h.size() <= kScheme.size() || lower(h.substr(0, kScheme.size())) != kScheme) return {};
  return trim(h.substr(kScheme.size()));
}

TokenCheck check_bearer(const HttpSecurityPolicy& policy, std::string_view authorization_header) {
  if (policy.token.empty()) return TokenCheck::ok;
  std::string_view presented = bearer_token(authorization_header);
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
