// The cryptography of the authorization server, all OpenSSL: random secrets, hashes to store them by, PKCE's S256,
// and AES-256-GCM for what must be stored but read back (the upstream's tokens).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace oauth {

// `bytes` bytes from the OS CSPRNG, base64url without padding (43 characters for 32 bytes).
std::string random_secret(std::size_t bytes = 32);
// Lower-case hex SHA-256: how codes and tokens are stored and looked up.
std::string hash_secret(std::string_view secret);
// base64url(SHA-256(verifier)), no padding (RFC 7636 §4.2).
std::string s256(std::string_view verifier);
std::string base64url(std::string_view bytes);

// Authenticated encryption with one 32-byte key. seal: base64url(nonce ‖ ciphertext ‖ tag), a fresh random 96-bit
// nonce each time. open: throws std::runtime_error (naming no secret) when the text was altered or sealed with
// another key.
class Cipher {
 public:
  using Key = std::array<unsigned char, 32>;
  explicit Cipher(const Key& key) : key_(key) {}
  ~Cipher();
  std::string seal(std::string_view plaintext) const;
  std::string open(std::string_view sealed) const;

 private:
  Key key_;
};

// A key as written in a file or an environment variable: 64 hex digits or base64 (standard or url-safe) of 32
// bytes, surrounding blanks ignored. Throws std::invalid_argument saying what is wrong (never echoing the key):
// empty, not hex/base64, not 32 bytes, or one byte repeated.
Cipher::Key parse_key(std::string_view text);
// The key from HALOPSA-style settings: the file at `path` if non-empty, else the variable's value. Same refusals,
// plus naming the file or variable that is missing.
Cipher::Key load_key(const std::string& path, const char* env_var);

}  // namespace oauth
