#include "sandbox/tokens.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace sandbox {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
    throw std::runtime_error("sandbox: OpenSSL could not produce random bytes for a token");
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : buf) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

std::string TokenStore::issue(std::chrono::seconds ttl, std::uint64_t epoch) {
  const auto now = std::chrono::steady_clock::now();
  std::string token = random_hex(32);
  std::lock_guard lock(mu_);
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    if (it->second.expires <= now || it->second.epoch != epoch)
      it = tokens_.erase(it);
    else
      ++it;
  }
  tokens_[token] = Entry{now + ttl, epoch};
  return token;
}

TokenStore::Status TokenStore::check(std::string_view token, std::uint64_t epoch) const {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(std::string(token));
  if (it == tokens_.end()) return Status::Unknown;
  if (it->second.epoch != epoch || it->second.expires <= std::chrono::steady_clock::now()) return Status::Expired;
  return Status::Valid;
}

}  // namespace sandbox
