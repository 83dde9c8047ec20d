// Everything the authorization server remembers, behind one interface: registered clients, authorizations waiting
// for the upstream's callback, authorization codes, grants, our access and refresh tokens, and the upstream's
// tokens. One-process SQLite implementation in sqlite_store.h; replicas share one in Redis (app/redis_oauth_store.h).
//
// The store never holds a secret in clear: codes and tokens are stored by their SHA-256 (callers pass the hash,
// oauth::hash_secret), the upstream PKCE verifier and upstream tokens are sealed (AES-256-GCM, oauth::Cipher)
// before they get here. Every method is thread-safe; the read-modify-write ones are atomic. A shared store throws
// StoreUnavailable while it cannot be reached.
#pragma once

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "oauth/upstream.h"

namespace oauth {

struct ClientRecord {
  std::string client_id;
  std::string client_name;
  std::vector<std::string> redirect_uris;
  bool metadata_document = false;  // client_id is an https URL whose document we fetched (a cache entry)
  long long created_at = 0;
  long long expires_at = 0;  // metadata documents: refetch after this; 0: never expires (dynamic registration)
};

// An /authorize request waiting for the upstream's callback, keyed by the state we sent upstream.
struct PendingAuthorization {
  std::string state;  // ours, sent upstream (random)
  std::string client_id, redirect_uri, client_state, scope, resource, code_challenge;
  std::string upstream_verifier_sealed;  // our PKCE verifier for the upstream leg
  long long expires_at = 0;
};

// A grant: one user's consent to one client, created when our code is issued. Its tokens (and the refresh-token
// family) live and die with it: revoking the grant revokes every token issued under it.
struct Grant {
  std::string grant_id;
  std::string client_id;
  UpstreamIdentity user;
  std::set<std::string> scopes;
  std::string resource;  // the audience of its access tokens
  long long created_at = 0;
  bool revoked = false;
};

struct AuthorizationCode {
  std::string code_hash;
  std::string grant_id;
  std::string client_id, redirect_uri, code_challenge;
  long long expires_at = 0;
  bool used = false;
};

struct TokenRecord {
  enum class Kind { access, refresh };
  std::string token_hash;
  Kind kind = Kind::access;
  std::string grant_id;
  long long expires_at = 0;
  bool used = false;  // refresh tokens: rotated away (presenting it again is reuse)
  bool revoked = false;
};

// Upstream tokens as stored: sealed, with the expiry in clear so a refresh can be planned without opening them.
struct SealedUpstream {
  std::string sealed;  // Cipher::seal of the tokens
  long long expires_at = 0;
};

// A shared store that cannot be reached right now (Redis away): nothing was read or written. The OAuth endpoints
// answer 503 temporarily_unavailable and a bearer check 503, so a client retries instead of signing in again.
class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual void put_client(const ClientRecord& client) = 0;  // insert or replace
  virtual std::optional<ClientRecord> client(const std::string& client_id) = 0;

  virtual void put_pending(const PendingAuthorization& pending) = 0;
  // Reads and deletes (a state is good for one callback); nullopt if unknown. Expiry is the caller's check.
  virtual std::optional<PendingAuthorization> take_pending(const std::string& state) = 0;

  virtual void put_code(const AuthorizationCode& code) = 0;
  // Marks the code used and returns it as it was before: `used` true means this is a replay.
  virtual std::optional<AuthorizationCode> consume_code(const std::string& code_hash) = 0;

  virtual void put_grant(const Grant& grant) = 0;
  virtual std::optional<Grant> grant(const std::string& grant_id) = 0;
  // The grant and every token under it; its upstream tokens are forgotten.
  virtual void revoke_grant(const std::string& grant_id) = 0;

  virtual void put_token(const TokenRecord& token) = 0;
  virtual std::optional<TokenRecord> token(const std::string& token_hash) = 0;
  // Marks a refresh token used and returns it as it was before (`used` true: reuse). Atomic.
  virtual std::optional<TokenRecord> use_refresh(const std::string& token_hash) = 0;
  virtual void revoke_token(const std::string& token_hash) = 0;

  virtual void put_upstream(const std::string& grant_id, const SealedUpstream& tokens) = 0;
  virtual std::optional<SealedUpstream> upstream(const std::string& grant_id) = 0;

  // Deletes what expired before `now` (pending authorizations, codes, tokens, cached metadata documents).
  virtual void purge_expired(long long now) = 0;
};

}  // namespace oauth
