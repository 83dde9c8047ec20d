// Access tokens the sandbox's token endpoint issues: random opaque strings with an expiry, revocable all at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sandbox {

// Hex of `bytes` bytes from OpenSSL's CSPRNG.
std::string random_hex(std::size_t bytes);

class TokenStore {
 public:
  enum class Status { Valid, Unknown, Expired };

  // `epoch` ties the token to Faults::token_epoch(): bumping the epoch revokes every earlier token.
  std::string issue(std::chrono::seconds ttl, std::uint64_t epoch);
  Status check(std::string_view token, std::uint64_t epoch) const;

 private:
  struct Entry {
    std::chrono::steady_clock::time_point expires;
    std::uint64_t epoch;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> tokens_;
};

}  // namespace sandbox
