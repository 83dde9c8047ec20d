// Encryption at rest and the key rules: a missing, short, malformed or one-byte key is refused with a message
// that says what to do and never repeats the key.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "oauth/crypto.h"
#include "oauth/sqlite_store.h"
#include "tests/unit/oauth/rig.h"

namespace {

std::string refusal(const std::string& text) {
  try {
    oauth::parse_key(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("sealed values open with their key only, and any change is detected") {
  oauth::Cipher cipher(test::test_key());
  const std::string sealed = cipher.seal("idp-refresh-secret");
  CHECK(sealed.find("idp-refresh-secret") == std::string::npos);
  CHECK(cipher.open(sealed) == "idp-refresh-secret");
  CHECK(cipher.seal("idp-refresh-secret") != sealed);  // a fresh nonce each time

  std::string altered = sealed;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  CHECK_THROWS_WITH(cipher.open(altered), doctest::Contains("does not open"));
  auto other_key = test::test_key();
  other_key[0] ^= 1;
  CHECK_THROWS_WITH(oauth::Cipher(other_key).open(sealed), doctest::Contains("another key"));
}

TEST_CASE("keys: 64 hex digits or base64 of 32 bytes; weak or malformed ones are refused") {
  const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  auto key = oauth::parse_key("  " + hex + "\n");
  CHECK(key[1] == 1);
  CHECK(key[31] == 31);
  CHECK(oauth::parse_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=") == key);  // the same bytes, base64
  CHECK(oauth::parse_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") == key);   // unpadded

  CHECK(refusal("") == "the encryption key is empty");
  CHECK(refusal("0011223344556677").find("must be 32 bytes") != std::string::npos);
  CHECK(refusal(std::string(64, 'a')).find("one byte repeated") != std::string::npos);
  CHECK(refusal("not a key!!").find("neither hex nor base64") != std::string::npos);
  CHECK(refusal(hex.substr(0, 62) + "zz").find("0102") == std::string::npos);  // never echoes the key

  ::unsetenv("OAUTH_TEST_KEY");
  CHECK_THROWS_WITH(oauth::load_key("", "OAUTH_TEST_KEY"), doctest::Contains("set OAUTH_TEST_KEY"));
  ::setenv("OAUTH_TEST_KEY", std::string(64, '0').c_str(), 1);
  CHECK_THROWS_WITH(oauth::load_key("", "OAUTH_TEST_KEY"),
                    doctest::Contains("OAUTH_TEST_KEY: the encryption key is one byte"));
  ::setenv("OAUTH_TEST_KEY", hex.c_str(), 1);
  CHECK(oauth::load_key("", "OAUTH_TEST_KEY") == key);

  const auto path = std::filesystem::temp_directory_path() / "oauth-test-key";
  std::ofstream(path) << "short";
  CHECK_THROWS_WITH(oauth::load_key(path.string(), "OAUTH_TEST_KEY"), doctest::Contains(path.string().c_str()));
  std::filesystem::remove(path);
  CHECK_THROWS_WITH(oauth::load_key(path.string(), "OAUTH_TEST_KEY"), doctest::Contains("cannot read"));
}

TEST_CASE("PKCE S256 matches RFC 7636's example") {
  CHECK(oauth::s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  CHECK(oauth::random_secret().size() == 43);
  CHECK(oauth::random_secret() != oauth::random_secret());
}

TEST_CASE("the SQLite store keeps records across connections and holds no secret in clear") {
  const auto path = std::filesystem::temp_directory_path() / "oauth-store-test.db";
  std::filesystem::remove(path);
  {
    oauth::SqliteStore store(path.string());
    store.put_grant({.grant_id = "g",
                     .client_id = "c",
                     .user = {"u1", "Una"},
                     .scopes = {"a", "b"},
                     .resource = "https://x/mcp",
                     .created_at = 5});
    store.put_token({.token_hash = oauth::hash_secret("the-token"),
                     .kind = oauth::TokenRecord::Kind::refresh,
                     .grant_id = "g",
                     .expires_at = 100});
    CHECK(!store.use_refresh(oauth::hash_secret("the-token"))->used);
    CHECK(store.use_refresh(oauth::hash_secret("the-token"))->used);
  }
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  oauth::SqliteStore again(path.string());
  auto grant = again.grant("g");
  REQUIRE(grant);
  CHECK(grant->user.name == "Una");
  CHECK(grant->scopes == std::set<std::string>{"a", "b"});
  again.purge_expired(101);
  CHECK(!again.token(oauth::hash_secret("the-token")));
  CHECK(again.grant("g"));  // grants are not purged by time
  std::ifstream file(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)), {});
  CHECK(bytes.find("the-token") == std::string::npos);
  std::filesystem::remove(path);
}
