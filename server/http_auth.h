// How the HTTP transport authenticates callers when something richer than one static token protects it (an OAuth
// authorization server, oauth/). server/ defines this interface and knows nothing of what implements it; the
// composition root plugs an implementation into HttpOptions::auth. The static --token mode does not use it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <httplib.h>

#include "server/caller.h"

namespace mcp {

struct AuthOutcome {
  // invalid: unknown, expired, revoked or for another audience. unavailable: the token could not be checked right now
  // (a shared store away); the client should retry, not authorize again.
  enum class Status { ok, missing, invalid, unavailable };
  Status status = Status::missing;
  std::shared_ptr<const CallerInfo> caller;  // set when ok
};

class HttpAuth {
 public:
  virtual ~HttpAuth() = default;
  // The bearer token of a request to /mcp, /sse or /messages (empty: none was sent). Thread-safe.
  virtual AuthOutcome authenticate(std::string_view bearer_token) = 0;
  // The WWW-Authenticate value of a 401 for `status` (missing or invalid), e.g.
  // Bearer resource_metadata="https://…/.well-known/oauth-protected-resource/mcp", error="invalid_token".
  virtual std::string challenge(AuthOutcome::Status status) const = 0;
  // The WWW-Authenticate value of a 403 when a call needs a scope the token lacks (step-up authorization): `scope`
  // is the space-separated set to ask for (the held scopes plus the missing one), e.g.
  // Bearer error="insufficient_scope", scope="…", resource_metadata="…".
  virtual std::string insufficient_scope_challenge(std::string_view scope) const = 0;
  // Adds its own routes (the OAuth endpoints) to the MCP listener; called once, before it binds.
  virtual void mount(httplib::Server& server) = 0;
  // True for the paths mount() serves: the transport lets them through without a bearer token.
  virtual bool serves(std::string_view path) const = 0;
};

}  // namespace mcp
