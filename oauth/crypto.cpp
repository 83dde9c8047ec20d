#include "oauth/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace oauth {

namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kNonce = 12, kTag = 16;

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("the system random number generator failed");
  return out;
}

// Standard or url-safe base64, padding optional; nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != '='; ++i) {
    char c = text[i];
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+' || c == '-')
      v = 62;
    else if (c == '/' || c == '_')
      v = 63;
    else
      return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  for (; i < text.size(); ++i)
    if (text[i] != '=') return std::nullopt;
  return out;
}

std::optional<std::string> decode_hex(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

}  // namespace

std::string base64url(std::string_view bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64Url[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kB64Url[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::string random_secret(std::size_t bytes) { return base64url(random_bytes(bytes)); }

std::string hash_secret(std::string_view secret) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::string s256(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Cipher::~Cipher() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string Cipher::seal(std::string_view plaintext) const {
  std::string nonce = random_bytes(kNonce);
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string out = nonce;
  out.resize(kNonce + plaintext.size() + kTag);
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonce;
  int len = 0, total = 0;
  bool ok = ctx &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(),
                               reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, dst + total) == 1;
  if (!ok) throw std::runtime_error("encryption failed (OpenSSL)");
  return base64url(out);
}

std::string Cipher::open(std::string_view sealed) const {
  auto raw = decode_base64(sealed);
  if (!raw || raw->size() < kNonce + kTag) throw std::runtime_error("a sealed value is malformed");
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  const std::size_t body = raw->size() - kNonce - kTag;
  std::string out(body, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  std::vector<unsigned char> tag(bytes + kNonce + body, bytes + raw->size());
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), bytes) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, bytes + kNonce,
                              static_cast<int>(body)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    throw std::runtime_error("a sealed value does not open with this key (altered, or sealed with another key)");
  }
  return out;
}

Cipher::Key parse_key(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) throw std::invalid_argument("the encryption key is empty");
  std::optional<std::string> bytes = text.size() == 64 ? decode_hex(text) : std::nullopt;
  if (!bytes) bytes = decode_base64(text);
  if (!bytes)
    throw std::invalid_argument(
        "the encryption key is neither hex nor base64 (generate one with: openssl rand -hex 32)");
  if (bytes->size() != 32)
    throw std::invalid_argument("the encryption key must be 32 bytes (64 hex digits or 44 base64 characters); it is " +
                                std::to_string(bytes->size()) + " bytes (generate one with: openssl rand -hex 32)");
  bool one_byte = true;
  for (char c : *bytes) one_byte = one_byte && c == (*bytes)[0];
  if (one_byte)
    throw std::invalid_argument(
        "the encryption key is one byte repeated, not a secret (generate one with: openssl "
        "rand -hex 32)");
  Cipher::Key key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return key;
}

Cipher::Key load_key(const std::string& path, const char* env_var) {
  std::string text;
  std::string source;
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot read the encryption key file " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    source = "the key file " + path;
  } else {
    const char* value = env_var ? std::getenv(env_var) : nullptr;
    if (!value || !*value)
      throw std::invalid_argument(std::string("no encryption key: set ") + (env_var ? env_var : "the key variable") +
                                  " (or give a key file); generate one with: openssl rand -hex 32");
    text = value;
    source = std::string(env_var);
  }
  try {
    auto key = parse_key(text);
    OPENSSL_cleanse(text.data(), text.size());
    return key;
  } catch (const std::invalid_argument& e) {
    OPENSSL_cleanse(text.data(), text.size());
    throw std::invalid_argument(source + ": " + e.what());
  }
}

}  // namespace oauth
