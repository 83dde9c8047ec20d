#include "halo/redactor.h"

#include <algorithm>

#include "halo/url.h"

namespace halo {
namespace {

// Shorter strings would mangle ordinary text and are not credentials worth the name.
constexpr std::size_t kMinSecretLength = 6;
constexpr std::size_t kTokensRemembered = 8;

void remember(std::vector<std::string>& into, const std::string& s) {
  if (s.size() >= kMinSecretLength && std::find(into.begin(), into.end(), s) == into.end()) into.push_back(s);
}

void replace_all(std::string& text, const std::string& needle) {
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos)) {
    text.replace(pos, needle.size(), "[redacted]");
    pos += 10;
  }
}

}  // namespace

void Redactor::add_secret(const std::string& secret) {
  std::lock_guard lock(mu_);
  remember(secrets_, secret);
  remember(secrets_, percent_encode(secret));  // as it travels in the form body
}

void Redactor::add_token(const std::string& token) {
  if (token.size() < kMinSecretLength) return;
  std::lock_guard lock(mu_);
  if (std::find(tokens_.begin(), tokens_.end(), token) != tokens_.end()) return;
  tokens_.push_back(token);
  if (tokens_.size() > kTokensRemembered) tokens_.pop_front();
}

std::string Redactor::scrub(std::string text) const {
  std::lock_guard lock(mu_);
  for (const auto& s : secrets_) replace_all(text, s);
  for (const auto& t : tokens_) replace_all(text, t);
  return text;
}

}  // namespace halo
