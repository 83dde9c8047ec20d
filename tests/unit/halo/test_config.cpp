#include <doctest/doctest.h>

#include <map>

#include "halo/config.h"
#include "halo/url.h"

namespace {

halo::Getenv env(std::map<std::string, std::string> values) {
  return [values](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string validation_message(const halo::Config& c) {
  try {
    c.validate();
  } catch (const halo::ConfigError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("config: environment variables fill every field") {
  auto c = halo::Config::from_env(env({{"HALOPSA_BASE_URL", "https://acme.halopsa.com"},
                                       {"HALOPSA_AUTH_URL", "https://auth.example.com/auth"},
                                       {"HALOPSA_TENANT", "acme"},
                                       {"HALOPSA_CLIENT_ID", "id-1"},
                                       {"HALOPSA_CLIENT_SECRET", "s3cret-value"},
                                       {"HALOPSA_SCOPE", "read:customers edit:customers"},
                                       {"HALOPSA_RATE_LIMIT", "120"},
                                       {"HALOPSA_PAGE_CONCURRENCY", " 2 "}}));
  CHECK(c.base_url == "https://acme.halopsa.com");
  CHECK(c.auth_url == "https://auth.example.com/auth");
  CHECK(c.tenant == "acme");
  CHECK(c.client_id == "id-1");
  CHECK(c.client_secret == "s3cret-value");
  CHECK(c.scope == "read:customers edit:customers");
  CHECK(c.rate_limit == 120);
  CHECK(c.page_concurrency == 2);
  CHECK(c.configured());
  CHECK_NOTHROW(c.validate());
  CHECK(c.api_base() == "https://acme.halopsa.com/api");
}

TEST_CASE("config: blank values and ${...} placeholders count as unset") {
  auto c = halo::Config::from_env(env({{"HALOPSA_BASE_URL", "   "},
                                       {"HALOPSA_CLIENT_ID", "${HALOPSA_CLIENT_ID}"},
                                       {"HALOPSA_CLIENT_SECRET", ""},
                                       {"HALOPSA_SCOPE", "${user_config.scope}"},
                                       {"HALOPSA_RATE_LIMIT", "${RATE}"}}));
  CHECK(c.base_url.empty());
  CHECK(c.client_id.empty());
  CHECK(c.client_secret.empty());
  CHECK(c.scope == "all");
  CHECK(c.rate_limit == 300);
  CHECK_FALSE(c.configured());
  CHECK_NOTHROW(c.validate());  // nothing given: the sandbox is used
}

TEST_CASE("config: a half-configured tenant says what is missing and never means the sandbox") {
  halo::Config c;
  c.base_url = "https://acme.halopsa.com";
  c.client_id = "id";
  CHECK(c.configured());
  CHECK(validation_message(c) ==
        "HaloPSA is half-configured: HALOPSA_CLIENT_SECRET is missing (set it, or unset HALOPSA_BASE_URL and "
        "HALOPSA_CLIENT_ID to use the sandbox)");

  halo::Config only_tenant;
  only_tenant.tenant = "acme";
  CHECK(validation_message(only_tenant) ==
        "HaloPSA is half-configured: HALOPSA_BASE_URL, HALOPSA_CLIENT_ID and HALOPSA_CLIENT_SECRET are missing (set "
        "them, or unset HALOPSA_TENANT to use the sandbox)");

  halo::Config only_secret;
  only_secret.client_secret = "abcdef";
  CHECK(validation_message(only_secret) ==
        "HaloPSA is half-configured: HALOPSA_BASE_URL and HALOPSA_CLIENT_ID are missing (set them, or unset "
        "HALOPSA_CLIENT_SECRET to use the sandbox)");
}

TEST_CASE("config: http:// only for loopback hosts") {
  halo::Config c;
  c.client_id = "id";
  c.client_secret = "secret";
  c.base_url = "http://acme.halopsa.com";
  CHECK(validation_message(c).find("http://, which is accepted for loopback hosts only") != std::string::npos);
  for (const char* ok :
       {"http://127.0.0.1:8080", "http://localhost:1234", "http://[::1]:99", "https://acme.halopsa.com"}) {
    c.base_url = ok;
    CHECK_MESSAGE(validation_message(c).empty(), ok);
  }
  c.base_url = "http://127.0.0.1.evil.com";
  CHECK_FALSE(validation_message(c).empty());
  c.base_url = "https://acme.halopsa.com";
  c.auth_url = "http://auth.example.com";
  CHECK(validation_message(c).find("HALOPSA_AUTH_URL") != std::string::npos);
}

TEST_CASE("config: malformed URLs and numbers are rejected with the reason") {
  halo::Config c;
  c.client_id = "id";
  c.client_secret = "secret";
  c.base_url = "acme.halopsa.com";
  CHECK(validation_message(c).find("must start with https://") != std::string::npos);
  c.base_url = "https://acme.halopsa.com/?x=1";
  CHECK(validation_message(c).find("query string") != std::string::npos);
  c.base_url = "https://user:pw@acme.halopsa.com";
  CHECK(validation_message(c).find("user credentials") != std::string::npos);
  c.base_url = "https://acme.halopsa.com:99999";
  CHECK(validation_message(c).find("port") != std::string::npos);
  c.base_url = "https://acme.halopsa.com";
  c.page_concurrency = 0;
  CHECK(validation_message(c).find("HALOPSA_PAGE_CONCURRENCY must be between 1 and 64") != std::string::npos);
  c.page_concurrency = 4;
  c.ca_file = "/nonexistent/ca.pem";
  CHECK(validation_message(c).find("HALOPSA_CA_FILE") != std::string::npos);

  CHECK_THROWS_WITH_AS(halo::Config::from_env(env({{"HALOPSA_RATE_LIMIT", "lots"}})),
                       "HALOPSA_RATE_LIMIT must be a whole number, got 'lots'", halo::ConfigError);
}

TEST_CASE("config: the API lives at {base}/api, with or without a pasted /api or trailing slash") {
  halo::Config c;
  c.base_url = "https://acme.halopsa.com/";
  CHECK(c.api_base() == "https://acme.halopsa.com/api");
  c.base_url = "https://acme.halopsa.com/api/";
  CHECK(c.api_base() == "https://acme.halopsa.com/api");
  CHECK(c.default_auth_url() == "https://acme.halopsa.com/auth");
  c.base_url = "https://help.example.com/halo";
  CHECK(c.api_base() == "https://help.example.com/halo/api");
}

TEST_CASE("config: tenant derived from hosted HaloPSA hosts only") {
  CHECK(halo::tenant_from_host("https://acme.halopsa.com") == "acme");
  CHECK(halo::tenant_from_host("https://ACME.HaloITSM.com/") == "acme");
  CHECK(halo::tenant_from_host("https://acme.haloservicedesk.com") == "acme");
  CHECK(halo::tenant_from_host("https://acme.nethelpdesk.com") == "acme");
  CHECK(halo::tenant_from_host("https://halo.acme-it.co.uk") == "");
  CHECK(halo::tenant_from_host("https://halopsa.com") == "");
  CHECK(halo::tenant_from_host("https://eu.acme.halopsa.com") == "");
  CHECK(halo::tenant_from_host("http://127.0.0.1:8080") == "");
}

TEST_CASE("url: parsing, loopback and query encoding") {
  auto u = halo::parse_url("https://Acme.HaloPSA.com:8443/base/");
  REQUIRE(u);
  CHECK(u->host == "acme.halopsa.com");
  CHECK(u->port == 8443);
  CHECK(u->path == "/base");
  CHECK(u->origin() == "https://acme.halopsa.com:8443");
  CHECK(halo::parse_url("https://acme.halopsa.com")->origin() == "https://acme.halopsa.com");
  CHECK(halo::parse_url("http://[::1]:8080")->origin() == "http://[::1]:8080");
  CHECK_FALSE(halo::parse_url("ftp://x"));
  CHECK(halo::is_loopback_host("127.0.0.1"));
  CHECK(halo::is_loopback_host("127.1.2.3"));
  CHECK(halo::is_loopback_host("localhost"));
  CHECK_FALSE(halo::is_loopback_host("127.0.0.1.nip.io"));
  CHECK_FALSE(halo::is_loopback_host("10.0.0.1"));
  CHECK(halo::encode_query({{"search", "Smith & Sons+co"}, {"page_no", "2"}}) ==
        "search=Smith%20%26%20Sons%2Bco&page_no=2");
}
