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

namespace {

std::vector<std::string_view> split_scopes(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const auto next = s.find_first_of(" +,", pos);
    const auto part = s.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    if (!part.empty()) out.push_back(part);
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

}  // namespace

bool is_known_scope(std::string_view scope) {
  static const char* const kScopes[] = {
      "all", "all:standard", "all:teams", "admin", "read:tickets", "edit:tickets", "read:calendar", "edit:calendar",
      "read:customers", "edit:customers", "read:crm", "edit:crm", "editMine:timesheets", "read:timesheets",
      "edit:timesheets", "read:contracts", "edit:contracts", "read:suppliers", "edit:suppliers", "read:items",
      "edit:items", "read:projects", "edit:projects", "read:sales", "edit:sales", "read:quotes", "edit:quotes",
      "read:sos", "edit:sos", "read:pos", "edit:pos", "read:invoices", "edit:invoices", "read:reporting",
      "edit:reporting", "read:software", "edit:software", "read:softwarelicensing", "edit:softwarelicensing", "read:kb",
      "edit:kb", "read:assets", "edit:assets", "access:chat", "access:adpasswordreset",
      // Asks an agent sign-in for a refresh token (docs/halopsa-quirks.md: assumed, as in OpenID Connect).
      "offline_access"};
  for (const char* known : kScopes)
    if (scope == known) return true;
  return false;
}

bool scope_allows(std::string_view granted, std::string_view area, bool write) {
  const std::string edit = "edit:" + std::string(area), read = "read:" + std::string(area);
  for (auto s : split_scopes(granted))
    if (s == "all" || s == edit || (!write && s == read)) return true;
  return false;
}

std::string TokenStore::issue(std::chrono::seconds ttl, std::uint64_t epoch, TokenGrant grant) {
  const auto now = std::chrono::steady_clock::now();
  std::string token = random_hex(32);
  std::lock_guard lock(mu_);
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    if (it->second.expires <= now || it->second.epoch != epoch) it = tokens_.erase(it);
    else
      ++it;
  }
  tokens_[token] = Entry{now + ttl, epoch, std::move(grant)};
  return token;
}

TokenStore::Status TokenStore::check(std::string_view token, std::uint64_t epoch, TokenGrant* grant) const {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(std::string(token));
  if (it == tokens_.end()) return Status::Unknown;
  if (it->second.epoch != epoch || it->second.expires <= std::chrono::steady_clock::now()) return Status::Expired;
  if (grant) *grant = it->second.grant;
  return Status::Valid;
}

void TokenStore::revoke_family(const std::string& family) {
  if (family.empty()) return;
  std::lock_guard lock(mu_);
  std::erase_if(tokens_, [&](const auto& entry) { return entry.second.grant.family == family; });
}

}  // namespace sandbox
