// Host headers, origins and loopback spellings, parsed exactly (net/host_check.h): the rule behind the Host and
// Origin checks of /mcp and of the sandbox's control API.
#include <doctest/doctest.h>

#include "net/host_check.h"
#include "server/http_security.h"

TEST_CASE("a Host header is exactly host[:port]") {
  auto h = net::parse_host("Example.COM:8080");
  REQUIRE(h);
  CHECK(h->host == "example.com");
  CHECK(h->port == 8080);
  CHECK(net::parse_host("[::1]:9")->host == "[::1]");
  CHECK(net::parse_host("[::1]:9")->port == 9);
  CHECK(net::parse_host(" localhost ")->host == "localhost");
  CHECK_FALSE(net::parse_host("localhost")->port.has_value());
  for (const char* bad : {"127.0.0.1:8080@evil.example", "evil.example@127.0.0.1", "127.0.0.1/evil", "a b",
                          "127.0.0.1:80:80", "127.0.0.1:65536", "127.0.0.1:8o", "[::1", "[evil.example]:80", "[::1]x",
                          ":8080", "", "user@localhost", "localhost?x", "localhost#x", "ex%41mple.com"})
    CHECK_MESSAGE(!net::parse_host(bad), bad);
}

TEST_CASE("every loopback spelling is loopback, and nothing else is") {
  for (const char* h :
       {"127.0.0.1", "127.1", "127.0.1", "127.9.8.7", "2130706433", "0x7f.1", "0177.0.0.1", "localhost", "LOCALHOST",
        "localhost.", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "[::ffff:127.1.2.3]"})
    CHECK_MESSAGE(net::is_loopback_host(h), h);
  for (const char* h :
       {"0.0.0.0", "10.0.0.1", "128.0.0.1", "126.255.255.255", "::", "::2", "::ffff:10.0.0.1", "localhost.evil.com",
        "127.0.0.1.evil.com", "127.0.0.1.ad", "evil.localhost.com", "", "127.0.0.1 evil", "1.2.3.4.5", "bad"})
    CHECK_MESSAGE(!net::is_loopback_host(h), h);
}

TEST_CASE("origins: scheme://host[:port], loopback only over http(s)") {
  CHECK(net::is_loopback_origin("http://127.1:8080"));
  CHECK(net::is_loopback_origin("https://[::1]/"));
  CHECK_FALSE(net::is_loopback_origin("null"));
  CHECK_FALSE(net::is_loopback_origin("file://localhost"));
  CHECK_FALSE(net::is_loopback_origin("http://localhost@evil.example"));
  CHECK_FALSE(net::is_loopback_origin("http://127.0.0.1:80@evil.example"));
  CHECK_FALSE(net::is_loopback_origin("http://localhost/path"));
  CHECK_FALSE(net::is_loopback_origin("http://evil.example"));
}

TEST_CASE("the MCP gate: a loose Host no longer passes, and a 127.1 bind keeps the check on") {
  mcp::HttpSecurityPolicy p;  // bound to loopback
  CHECK_FALSE(mcp::host_allowed(p, "127.0.0.1:8080@evil.example"));
  CHECK_FALSE(mcp::host_allowed(p, "localhost:8080/x"));
  CHECK(mcp::host_allowed(p, "127.1:8080"));
  CHECK(mcp::is_loopback_host("127.1"));  // what run() asks of --host to decide that the check is on
  p.allowed_hosts = {"mcp.internal:8443"};
  CHECK(mcp::host_allowed(p, "MCP.internal:8443"));
  CHECK_FALSE(mcp::host_allowed(p, "mcp.internal:8443@evil.example"));
}
