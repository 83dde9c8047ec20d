#include "sandbox/agent_login.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "sandbox/tokens.h"

namespace sandbox {

std::string pkce_s256(const std::string& verifier) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("sandbox: OpenSSL could not hash a PKCE verifier");
  static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned int i = 0;
  for (; i + 2 < len; i += 3) {
    const unsigned v = (digest[i] << 16) | (digest[i + 1] << 8) | digest[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (len - i == 1) {
    const unsigned v = digest[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (len - i == 2) {
    const unsigned v = (digest[i] << 16) | (digest[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool is_valid_pkce_verifier(const std::string& v) {
  if (v.size() < 43 || v.size() > 128) return false;
  return std::all_of(v.begin(), v.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; });
}

bool is_loopback_redirect(const std::string& uri) {
  const std::string scheme = "http://";
  if (uri.compare(0, scheme.size(), scheme) != 0 || uri.find('#') != std::string::npos) return false;
  const auto slash = uri.find('/', scheme.size());
  if (slash == std::string::npos) return false;  // a path is required
  const std::string authority = uri.substr(scheme.size(), slash - scheme.size());
  if (authority.find_first_of("@?") != std::string::npos) return false;
  std::string host = authority, port;
  if (authority.rfind("[::1]", 0) == 0) {
    host = "[::1]";
    port = authority.substr(5);
  } else if (const auto colon = authority.find(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon);
  }
  if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") return false;
  if (port.empty()) return true;
  if (port[0] != ':' || port.size() < 2 || port.size() > 6) return false;
  if (!std::all_of(port.begin() + 1, port.end(), [](unsigned char c) { return std::isdigit(c); })) return false;
  const long n = std::stol(port.substr(1));
  return n > 0 && n <= 65535;
}

AgentLogin::AgentLogin(std::vector<std::string> redirect_uris, std::chrono::seconds code_ttl, Clock clock)
    : redirect_uris_(std::move(redirect_uris)), code_ttl_(code_ttl), clock_(std::move(clock)) {}

std::chrono::steady_clock::time_point AgentLogin::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

bool AgentLogin::redirect_allowed(const std::string& uri) const {
  std::lock_guard lock(mu_);
  if (redirect_uris_.empty()) return is_loopback_redirect(uri);
  return std::find(redirect_uris_.begin(), redirect_uris_.end(), uri) != redirect_uris_.end();
}

void AgentLogin::set_redirect_uris(std::vector<std::string> uris) {
  std::lock_guard lock(mu_);
  redirect_uris_ = std::move(uris);
}

std::vector<std::string> AgentLogin::redirect_uris() const {
  std::lock_guard lock(mu_);
  return redirect_uris_;
}

std::string AgentLogin::issue_code(Grant grant) {
  grant.family = random_hex(16);
  std::string code = random_hex(32);
  std::lock_guard lock(mu_);
  const auto t = now();
  std::erase_if(codes_, [&](const auto& c) { return c.second.expires <= t; });
  codes_[code] = Code{std::move(grant), t + code_ttl_, false};
  return code;
}

AgentLogin::Redeemed AgentLogin::redeem_code(const std::string& code, const std::string& client_id,
                                             const std::string& redirect_uri, const std::string& verifier) {
  std::lock_guard lock(mu_);
  auto it = codes_.find(code);
  if (it == codes_.end() || it->second.expires <= now())
    return {std::nullopt, "The authorisation code is unknown or has expired.", ""};
  Code& c = it->second;
  if (c.used) {
    // A code seen twice was stolen or replayed: whatever the first use got is revoked too (RFC 6749 §4.1.2).
    revoked_families_.insert(c.grant.family);
    return {std::nullopt, "The authorisation code has already been used.", c.grant.family};
  }
  c.used = true;  // one attempt per code, right or wrong
  if (c.grant.client_id != client_id) return {std::nullopt, "The authorisation code was issued to another client.", ""};
  if (c.grant.redirect_uri != redirect_uri)
    return {std::nullopt, "redirect_uri does not match the one the code was issued for.", ""};
  if (!is_valid_pkce_verifier(verifier) || pkce_s256(verifier) != c.grant.code_challenge)
    return {std::nullopt, "code_verifier does not match the code_challenge.", ""};
  return {c.grant, "", ""};
}

std::string AgentLogin::issue_refresh(const Grant& grant) {
  std::string token = random_hex(32);
  std::lock_guard lock(mu_);
  refresh_[token] = Refresh{grant, false};
  return token;
}

AgentLogin::Redeemed AgentLogin::use_refresh(const std::string& refresh_token, const std::string& client_id,
                                             bool rotate) {
  std::lock_guard lock(mu_);
  auto it = refresh_.find(refresh_token);
  if (it == refresh_.end()) return {std::nullopt, "The refresh token is unknown.", ""};
  Refresh& r = it->second;
  if (revoked_families_.count(r.grant.family)) return {std::nullopt, "The refresh token has been revoked.", ""};
  if (r.used) {
    revoked_families_.insert(r.grant.family);
    return {std::nullopt, "The refresh token has already been used; the sign-in is revoked.", r.grant.family};
  }
  if (r.grant.client_id != client_id) return {std::nullopt, "The refresh token was issued to another client.", ""};
  r.used = rotate;
  return {r.grant, "", ""};
}

void AgentLogin::clear() {
  std::lock_guard lock(mu_);
  codes_.clear();
  refresh_.clear();
  revoked_families_.clear();
}

}  // namespace sandbox
