// The gate in front of every HTTP request: Host/Origin (DNS rebinding), the bearer token, session ids.
#include <doctest/doctest.h>

#include <set>

#include "server/http_security.h"

using namespace mcp;

TEST_CASE("loopback hosts are recognised, others are not") {
  for (const char* h : {"127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]"})
    CHECK_MESSAGE(is_loopback_host(h), h);
  for (const char* h :
       {"0.0.0.0", "10.0.0.1", "evil.example.com", "localhost.evil.com", "127.0.0.1.evil.com", "::", "128.0.0.1", ""})
    CHECK_MESSAGE(!is_loopback_host(h), h);
}

TEST_CASE("the host name of a Host header drops the port, keeps IPv6 brackets") {
  CHECK(host_name_of("localhost:8080") == "localhost");
  CHECK(host_name_of("[::1]:8080") == "[::1]");
  CHECK(host_name_of("Example.COM") == "example.com");
  CHECK(host_name_of("[::1]") == "[::1]");
}

TEST_CASE("bound to loopback, only loopback Host headers pass unless more are allowed") {
  HttpSecurityPolicy p;
  CHECK(host_allowed(p, "127.0.0.1:8080"));
  CHECK(host_allowed(p, "localhost:3000"));
  CHECK(host_allowed(p, "[::1]:8080"));
  CHECK_FALSE(host_allowed(p, "evil.example.com"));
  CHECK_FALSE(host_allowed(p, "evil.example.com:8080"));
  CHECK_FALSE(host_allowed(p, ""));  // HTTP/1.1 requires Host
  p.allowed_hosts = {"mcp.internal"};
  CHECK(host_allowed(p, "mcp.internal:8080"));
  CHECK(host_allowed(p, "localhost:8080"));
  CHECK_FALSE(host_allowed(p, "other.internal"));
}

TEST_CASE("bound elsewhere, Host is only checked when allowed hosts are configured") {
  HttpSecurityPolicy p;
  p.loopback_bind = false;
  CHECK(host_allowed(p, "anything.example.com"));
  p.allowed_hosts = {"mcp.example.com:443"};
  CHECK(host_allowed(p, "mcp.example.com:443"));
  CHECK_FALSE(host_allowed(p, "mcp.example.com:444"));
  CHECK_FALSE(host_allowed(p, "localhost"));  // not bound to loopback: loopback names get no free pass
}

TEST_CASE("Origin: absent passes, loopback origins pass, others need to be listed") {
  HttpSecurityPolicy p;
  CHECK(origin_allowed(p, ""));
  CHECK(origin_allowed(p, "http://localhost:6274"));
  CHECK(origin_allowed(p, "http://127.0.0.1:8080/"));
  CHECK(origin_allowed(p, "https://[::1]"));
  CHECK_FALSE(origin_allowed(p, "http://evil.example.com"));
  CHECK_FALSE(origin_allowed(p, "null"));
  CHECK_FALSE(origin_allowed(p, "file://localhost"));
  CHECK_FALSE(origin_allowed(p, "http://localhost.evil.com"));
  CHECK_FALSE(origin_allowed(p, "http://user@localhost"));
  p.allowed_origins = parse_host_or_origin_list(" https://App.Example.com/ , https://b.example.com");
  CHECK(origin_allowed(p, "https://app.example.com"));
  CHECK(origin_allowed(p, "https://B.example.com"));
  CHECK_FALSE(origin_allowed(p, "http://app.example.com"));  // scheme matters
}

TEST_CASE("bearer token: missing, wrong and right") {
  HttpSecurityPolicy p;
  CHECK(check_bearer(p, "") == TokenCheck::ok);  // no token configured
  p.token = "s3cret-token";
  CHECK(check_bearer(p, "") == TokenCheck::missing);
  CHECK(check_bearer(p, "Basic czNjcmV0") == TokenCheck::missing);
  CHECK(check_bearer(p, "Bearer ") == TokenCheck::missing);
  CHECK(check_bearer(p, "Bearer s3cret") == TokenCheck::wrong);
  CHECK(check_bearer(p, "Bearer s3cret-token-and-more") == TokenCheck::wrong);
  CHECK(check_bearer(p, "Bearer S3CRET-TOKEN") == TokenCheck::wrong);
  CHECK(check_bearer(p, "Bearer s3cret-token") == TokenCheck::ok);
  CHECK(check_bearer(p, "bearer   s3cret-token ") == TokenCheck::ok);
}

TEST_CASE("constant-time comparison is still a comparison") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK_FALSE(constant_time_equal("", "a"));
}

TEST_CASE("session ids are 256-bit random hex strings, all different") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = new_session_id();
    REQUIRE(id.size() == 64);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}
