// The checks every HTTP request passes before it reaches a session: Host and Origin (DNS rebinding),
// the optional bearer token, and where session ids come from. Pure functions, unit-tested on their own.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace mcp {

struct HttpSecurityPolicy {
  // Bound to a loopback address: the Host header must name loopback (or an allowed host).
  bool loopback_bind = true;
  // Lower-case host names, with or without ":port". Non-empty: Host must match one (or loopback when bound there).
  std::set<std::string> allowed_hosts;
  // Lower-case origins "scheme://host[:port]", or "*". Loopback origins are always allowed.
  std::set<std::string> allowed_origins;
  // Empty: no bearer token required. Never logged, never forwarded.
  std::string token;
};

enum class TokenCheck { ok, missing, wrong };

// Every loopback spelling, as a bind address or a Host name without port: "127.0.0.1", "127.1", "127.1.2.3",
// "localhost", "::1", "[::1]" (net::is_loopback_host: the one rule, shared with the sandbox).
bool is_loopback_host(std::string_view host);
// "[::1]:8080" → "[::1]", "Example.com:80" → "example.com".
std::string host_name_of(std::string_view host_header);

// False for a Host that is not exactly host[:port] (when there is anything to check against).
bool host_allowed(const HttpSecurityPolicy& policy, std::string_view host_header);
bool origin_allowed(const HttpSecurityPolicy& policy, std::string_view origin);  // empty origin: allowed
TokenCheck check_bearer(const HttpSecurityPolicy& policy, std::string_view authorization_header);
// The token of "Bearer <token>" (scheme case-insensitive, blanks trimmed); empty for any other header.
std::string_view bearer_token(std::string_view authorization_header);

// Same answer in the same time whatever the inputs' contents and lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// 256 bits from the OS CSPRNG as 64 lower-case hex characters (visible ASCII, as the spec requires).
std::string new_session_id();

// "a, b ,c" → {"a","b","c"}, lower-cased, trailing "/" dropped (for origins and hosts from the command line).
std::set<std::string> parse_host_or_origin_list(std::string_view text);

}  // namespace mcp
