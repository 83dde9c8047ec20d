// Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): a client_id that is an https URL
// names a JSON document describing the client, which the authorization server fetches. Fetching a URL a stranger
// chose is a server-side request forgery risk, so the fetch is fenced: https only, a size cap, a time cap, no
// redirects, and no host resolving to a private, loopback, link-local or otherwise internal address (unless the
// operator allows that host by name, for a test or an intranet client).
#pragma once

#include <chrono>
#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "oauth/store.h"

namespace oauth {

struct MetadataFetchOptions {
  bool enabled = true;
  std::size_t max_bytes = 5 * 1024;
  std::chrono::milliseconds timeout{3000};  // connect, and the whole response
  std::chrono::seconds cache_ttl{3600};
  // Host names (lower case) allowed even though they resolve to internal addresses.
  std::set<std::string> allowed_internal_hosts;
  // Tests only: plain http allowed for the allowed internal hosts (a local stub server has no certificate).
  bool allow_http_for_allowed_hosts = false;
  std::string ca_file;  // CA bundle to verify the document's server; empty: OpenSSL's defaults
};

// True for addresses no metadata fetch may reach: loopback, private (RFC 1918), carrier-grade NAT, link-local,
// unspecified, multicast, reserved/benchmark/documentation ranges, IPv6 ULA (fc00::/7), link-local (fe80::/10),
// and IPv4-mapped/compatible/NAT64 forms of any of those. Also true for text that is no IP address.
bool is_internal_address(std::string_view ip);

// Why the document cannot be used; the message says what is wrong for the client's developer, never a secret.
struct MetadataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Is this client_id a metadata document URL at all (https, with a path)? Syntax only, nothing fetched.
bool looks_like_metadata_url(std::string_view client_id);

// Fetches, checks and returns the client described at `url` (client_id must equal the URL, redirect_uris
// non-empty, client_name present). Throws MetadataError.
ClientRecord fetch_client_metadata(const std::string& url, const MetadataFetchOptions& options);

}  // namespace oauth
