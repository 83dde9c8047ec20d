#include "oauth/client_metadata.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstring>
#include <memory>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "util/text.h"

namespace oauth {

namespace {

using json = nlohmann::json;

bool v4_internal(const unsigned char* a) {
  auto in = [&](unsigned char b0, unsigned char b1, int prefix) {
    std::uint32_t ip = (std::uint32_t(a[0]) << 24) | (std::uint32_t(a[1]) << 16) | (std::uint32_t(a[2]) << 8) | a[3];
    std::uint32_t net = (std::uint32_t(b0) << 24) | (std::uint32_t(b1) << 16);
    std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
    return (ip & mask) == (net & mask);
  };
  auto in24 = [&](unsigned char b0, unsigned char b1, unsigned char b2) {
    return a[0] == b0 && a[1] == b1 && a[2] == b2;
  };
  return in(0, 0, 8) ||                              // "this network", 0.0.0.0
         in(10, 0, 8) ||                             // private
         in(100, 64, 10) ||                          // carrier-grade NAT
         in(127, 0, 8) ||                            // loopback
         in(169, 254, 16) ||                         // link-local (cloud metadata services live here)
         in(172, 16, 12) ||                          // private
         in24(192, 0, 0) ||                          // IETF protocol assignments
         in24(192, 0, 2) ||                          // documentation
         in24(192, 88, 99) ||                        // 6to4 relay anycast
         in(192, 168, 16) ||                         // private
         in(198, 18, 15) ||                          // benchmarking
         in24(198, 51, 100) || in24(203, 0, 113) ||  // documentation
         a[0] >= 224;                                // multicast, reserved, broadcast
}

bool v6_internal(const unsigned char* a) {
  static constexpr unsigned char kZero[16] = {};
  auto starts = [&](std::initializer_list<unsigned char> prefix) {
    return std::memcmp(a, prefix.begin(), prefix.size()) == 0;
  };
  if (std::memcmp(a, kZero, 10) == 0) {
    if (a[10] == 0xff && a[11] == 0xff) return v4_internal(a + 12);  // ::ffff:a.b.c.d (mapped)
    if (a[10] == 0 && a[11] == 0) return true;                       // ::, ::1, ::a.b.c.d (compatible)
  }
  if (starts({0x00, 0x64, 0xff, 0x9b}) && std::memcmp(a + 4, kZero, 8) == 0) return v4_internal(a + 12);  // NAT64
  if (starts({0x00, 0x64, 0xff, 0x9b, 0x00, 0x01})) return true;  // local-use NAT64
  if (starts({0x01, 0x00, 0, 0, 0, 0, 0, 0})) return true;        // discard-only
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02) return true;   // 2001::/23 IETF assignments (Teredo …)
  if (starts({0x20, 0x01, 0x0d, 0xb8})) return true;              // documentation
  if (a[0] == 0x20 && a[1] == 0x02) return v4_internal(a + 2);    // 6to4: the embedded IPv4 address decides
  if ((a[0] & 0xfe) == 0xfc) return true;                         // unique local fc00::/7
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return true;         // link-local fe80::/10
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return true;         // site-local fec0::/10 (deprecated)
  return a[0] == 0xff;                                            // multicast
}

struct ParsedUrl {
  std::string scheme, host, path;
  int port = 0;
};

// https://host[:port]/path, nothing else (no user info, no fragment). nullopt when it is not that.
std::optional<ParsedUrl> parse_url(std::string_view url) {
  ParsedUrl out;
  auto colon = url.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  out.scheme = util::lower(url.substr(0, colon));
  std::string_view rest = url.substr(colon + 3);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view authority = rest.substr(0, slash);
  out.path = std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos || out.path.find('#') != std::string::npos)
    return std::nullopt;
  std::string_view host = authority;
  if (host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(host.substr(1, close - 1));
    host = host.substr(close + 1);
    if (!host.empty() && host.front() != ':') return std::nullopt;
    if (!host.empty()) host.remove_prefix(1);
    else
      host = {};
  } else {
    auto c = host.find(':');
    out.host = std::string(host.substr(0, c));
    host = c == std::string_view::npos ? std::string_view() : host.substr(c + 1);
  }
  out.host = util::lower(out.host);
  if (out.host.empty()) return std::nullopt;
  if (!host.empty()) {
    int port = 0;
    for (char ch : host) {
      if (ch < '0' || ch > '9' || port > 65535) return std::nullopt;
      port = port * 10 + (ch - '0');
    }
    if (port <= 0 || port > 65535) return std::nullopt;
    out.port = port;
  } else {
    out.port = out.scheme == "https" ? 443 : 80;
  }
  return out;
}

// Every address the host resolves to; the first one that may be reached, or an error naming the refusal.
std::string pick_address(const std::string& host, bool internal_allowed) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found)
    throw MetadataError("the client_id host " + host + " does not resolve");
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(found, freeaddrinfo);
  std::string chosen;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (ai->ai_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, text, sizeof text);
    else if (ai->ai_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, text, sizeof text);
    else
      continue;
    // One internal address among the answers is enough to refuse: the connection could land on any of them.
    if (is_internal_address(text) && !internal_allowed)
      throw MetadataError("the client_id host " + host + " resolves to an internal address (" + text +
                          "): client metadata documents are only fetched from public hosts");
    if (chosen.empty()) chosen = text;
  }
  if (chosen.empty()) throw MetadataError("the client_id host " + host + " has no IPv4 or IPv6 address");
  return chosen;
}

}  // namespace

bool is_internal_address(std::string_view ip) {
  std::string text(ip);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto percent = text.find('%'); percent != std::string::npos) text.resize(percent);  // a zone: link-local
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) return v4_internal(bytes.data());
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) return v6_internal(bytes.data());
  return true;
}

bool looks_like_metadata_url(std::string_view client_id) {
  auto url = parse_url(client_id);
  return url && url->scheme == "https" && url->path.size() > 1;
}

ClientRecord fetch_client_metadata(const std::string& url, const MetadataFetchOptions& options) {
  if (!options.enabled) throw MetadataError("this server does not accept client ID metadata documents");
  auto parsed = parse_url(url);
  const bool allowed_host = parsed && options.allowed_internal_hosts.count(parsed->host);
  const bool scheme_ok = parsed && (parsed->scheme == "https" ||
                                    (parsed->scheme == "http" && allowed_host && options.allow_http_for_allowed_hosts));
  if (!parsed || !scheme_ok || parsed->path.size() < 2)
    throw MetadataError("a URL client_id must be an https URL with a path (a client ID metadata document)");
  const std::string address = pick_address(parsed->host, allowed_host);

  const std::string origin = parsed->scheme + "://" +
                             (parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host) +
                             ":" + std::to_string(parsed->port);
  httplib::Client client(origin);
  // Connect to the address just checked, not whatever a second lookup returns (DNS rebinding).
  client.set_hostname_addr_map({{parsed->host, address}});
  client.set_follow_location(false);
  client.set_keep_alive(false);
  const auto timeout = options.timeout;
  const time_t sec = static_cast<time_t>(timeout.count() / 1000);
  const time_t usec = static_cast<time_t>((timeout.count() % 1000) * 1000);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  client.enable_server_certificate_verification(true);
  if (!options.ca_file.empty()) client.set_ca_cert_path(options.ca_file);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string body;
  bool too_large = false, too_slow = false;
  auto result = client.Get(
      parsed->path, httplib::Headers{{"Accept", "application/json"}}, [&](const httplib::Response&) { return true; },
      [&](const char* data, std::size_t length) {
        if (std::chrono::steady_clock::now() > deadline) return !(too_slow = true);
        if (body.size() + length > options.max_bytes) return !(too_large = true);
        body.append(data, length);
        return true;
      });
  const std::string limit_kb = std::to_string(options.max_bytes / 1024) + " KB";
  if (too_large) throw MetadataError("the client metadata document at " + url + " is larger than " + limit_kb);
  if (too_slow || (!result && (result.error() == httplib::Error::Read || result.error() == httplib::Error::Connection)))
    throw MetadataError("the client metadata document at " + url + " did not arrive within " +
                        std::to_string(timeout.count()) + " ms");
  if (!result)
    throw MetadataError("the client metadata document at " + url + " could not be fetched (" +
                        httplib::to_string(result.error()) + ")");
  if (result->status >= 300 && result->status < 400)
    throw MetadataError("the client metadata document at " + url +
                        " redirects elsewhere; it must be served "
                        "directly");
  if (result->status != 200)
    throw MetadataError("the client metadata document at " + url + " answered HTTP " + std::to_string(result->status));
  json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) throw MetadataError("the client metadata document at " + url + " is not a JSON object");
  if (doc.value("client_id", json()) != url)
    throw MetadataError("the client metadata document's client_id must equal its URL (" + url + ")");
  if (!doc.contains("client_name") || !doc["client_name"].is_string())
    throw MetadataError("the client metadata document at " + url + " needs client_name");
  ClientRecord record{
      .client_id = url, .client_name = doc["client_name"].get<std::string>(), .metadata_document = true};
  if (doc.contains("redirect_uris") && doc["redirect_uris"].is_array())
    for (const auto& uri : doc["redirect_uris"])
      if (uri.is_string()) record.redirect_uris.push_back(uri.get<std::string>());
  if (record.redirect_uris.empty())
    throw MetadataError("the client metadata document at " + url + " lists no redirect_uris");
  if (auto method = doc.value("token_endpoint_auth_method", std::string("none")); method != "none")
    throw MetadataError("the client metadata document at " + url + " asks for token_endpoint_auth_method \"" + method +
                        "\"; this server serves public clients only (\"none\")");
  return record;
}

}  // namespace oauth
