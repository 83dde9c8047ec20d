// Access tokens the sandbox's token endpoint issues: random opaque strings with an expiry, revocable all at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sandbox {

// Hex of `bytes` bytes from OpenSSL's CSPRNG.
std::string random_hex(std::size_t bytes);

// Halo's OAuth scope names (HaloAPI's HaloAuth.psm1). Sites and contacts are gated by ":customers" (there is no
// ":sites" scope); "all" grants everything.
bool is_known_scope(std::string_view scope);
// Whether a token granted `granted` (space-separated) may read (write=false) or change (write=true) records of the
// area named by `area` ("customers", "tickets", "contracts").
bool scope_allows(std::string_view granted, std::string_view area, bool write);

// What an access token grants: its scope, the agent it acts as, and (for tokens from an agent's sign-in) the grant
// family it belongs to, so a replayed code or a reused refresh token can revoke every token of that sign-in.
struct TokenGrant {
  std::string scope = "all";  // space-separated
  long long agent_id = 1;     // the API application's agent for client credentials
  std::string family;         // empty for client-credentials tokens
};

class TokenStore {
 public:
  enum class Status { Valid, Unknown, Expired };

  // `epoch` ties the token to Faults::token_epoch(): bumping the epoch revokes every earlier token.
  std::string issue(std::chrono::seconds ttl, std::uint64_t epoch, TokenGrant grant);
  // `grant` (optional) receives what a valid token grants.
  Status check(std::string_view token, std::uint64_t epoch, TokenGrant* grant = nullptr) const;
  // Forgets every access token of the family (they answer 401 as unknown from then on).
  void revoke_family(const std::string& family);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point expires;
    std::uint64_t epoch;
    TokenGrant grant;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> tokens_;
};

}  // namespace sandbox
