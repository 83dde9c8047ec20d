#pragma once
// URL handling the client needs and nothing more: split an absolute http(s) URL, tell loopback
// hosts apart, and build percent-encoded query strings (we encode ourselves so that httplib's
// own path encoding never touches a value twice).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace halo {

using Query = std::vector<std::pair<std::string, std::string>>;

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // as written, without brackets for IPv6 literals
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "" or "/something", never a trailing '/'

  std::string origin() const;  // scheme://host[:port] (port only when not the default)
  std::string str() const { return origin() + path; }
};

// Parses "scheme://host[:port][/path]". Returns nullopt (and a reason) for anything else,
// including user-info, a query or a fragment, which never belong in a base URL.
std::optional<Url> parse_url(std::string_view text, std::string* why = nullptr);

bool is_loopback_host(std::string_view host);

std::string percent_encode(std::string_view text);
std::string encode_query(const Query& query);  // "a=1&b=x%20y", no leading '?'

}  // namespace halo
