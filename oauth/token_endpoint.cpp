// POST /token (authorization_code with PKCE, refresh_token with rotation) and POST /revoke (RFC 7009).
// Every code and token is single-use or bound to its grant: a replayed code or a reused refresh token revokes the
// grant, and with it every token issued under it (OAuth 2.1 §4.1.2, §4.3.1; the MCP security best practices).
#include <spdlog/spdlog.h>

#include "oauth/server_internal.h"

namespace oauth {

namespace {

// RFC 7636 §4.1: 43 to 128 characters of [A-Za-z0-9-._~].
bool valid_verifier(const std::string& v) {
  if (v.size() < 43 || v.size() > 128) return false;
  for (char c : v)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~')) return false;
  return true;
}

}  // namespace

json AuthorizationServer::Impl::issue_tokens(const Grant& grant) {
  const std::string access = random_secret(32), refresh = random_secret(32);
  const long long t = now();
  store->put_token({.token_hash = hash_secret(access),
                    .kind = TokenRecord::Kind::access,
                    .grant_id = grant.grant_id,
                    .expires_at = t + config.access_ttl.count()});
  store->put_token({.token_hash = hash_secret(refresh),
                    .kind = TokenRecord::Kind::refresh,
                    .grant_id = grant.grant_id,
                    .expires_at = t + config.refresh_ttl.count()});
  return {{"access_token", access},
          {"token_type", "Bearer"},
          {"expires_in", config.access_ttl.count()},
          {"refresh_token", refresh},
          {"scope", space_joined(grant.scopes)}};
}

void AuthorizationServer::Impl::token(const httplib::Request& req, httplib::Response& res) {
  static constexpr const char* kParams[] = {"grant_type",    "code",     "redirect_uri",  "client_id",
                                            "code_verifier", "resource", "refresh_token", "scope"};
  std::map<std::string, std::string> p;
  for (const char* name : kParams) {
    auto value = single_param(req, name);
    if (!value) return oauth_error(res, 400, "invalid_request", std::string(name) + " appears more than once");
    p[name] = *value;
  }
  if (!p["resource"].empty() && p["resource"] != resource && p["resource"] != resource + "/")
    return oauth_error(res, 400, "invalid_target", "resource names another server; this one is " + resource);

  if (p["grant_type"] == "authorization_code") {
    if (p["code"].empty() || p["client_id"].empty())
      return oauth_error(res, 400, "invalid_request", "code and client_id are required");
    auto code = store->consume_code(hash_secret(p["code"]));
    if (!code) return oauth_error(res, 400, "invalid_grant", "the authorization code is unknown or expired");
    if (code->used) {
      // Someone holds a code that was already redeemed: whoever redeemed it first may be the thief.
      store->revoke_grant(code->grant_id);
      spdlog::warn("oauth: an authorization code was presented twice; the tokens issued from it are revoked");
      return oauth_error(res, 400, "invalid_grant",
                         "the authorization code was already used; the tokens issued from it are revoked");
    }
    if (code->expires_at <= now())
      return oauth_error(res, 400, "invalid_grant", "the authorization code expired; authorize again");
    if (code->client_id != p["client_id"])
      return oauth_error(res, 400, "invalid_grant", "the authorization code was issued to another client");
    if (code->redirect_uri != p["redirect_uri"])
      return oauth_error(res, 400, "invalid_grant", "redirect_uri differs from the one of the authorization request");
    if (!valid_verifier(p["code_verifier"]))
      return oauth_error(res, 400, "invalid_request",
                         "code_verifier is required: 43 to 128 characters of A-Z a-z 0-9 - . _ ~");
    if (s256(p["code_verifier"]) != code->code_challenge)
      return oauth_error(res, 400, "invalid_grant", "the code_verifier does not match the code_challenge");
    auto grant = store->grant(code->grant_id);
    if (!grant || grant->revoked) return oauth_error(res, 400, "invalid_grant", "the authorization was revoked");
    return json_reply(res, 200, issue_tokens(*grant));
  }

  if (p["grant_type"] == "refresh_token") {
    if (p["refresh_token"].empty()) return oauth_error(res, 400, "invalid_request", "refresh_token is required");
    auto token = store->use_refresh(hash_secret(p["refresh_token"]));
    if (!token || token->kind != TokenRecord::Kind::refresh)
      return oauth_error(res, 400, "invalid_grant", "the refresh token is unknown");
    if (token->used) {
      store->revoke_grant(token->grant_id);
      spdlog::warn("oauth: a rotated refresh token was presented again; its authorization is revoked");
      return oauth_error(res, 400, "invalid_grant",
                         "the refresh token was already used; every token of this authorization is revoked: "
                         "authorize again");
    }
    if (token->revoked || token->expires_at <= now())
      return oauth_error(res, 400, "invalid_grant", "the refresh token expired or was revoked; authorize again");
    auto grant = store->grant(token->grant_id);
    if (!grant || grant->revoked) return oauth_error(res, 400, "invalid_grant", "the authorization was revoked");
    if (!p["client_id"].empty() && p["client_id"] != grant->client_id)
      return oauth_error(res, 400, "invalid_grant", "the refresh token was issued to another client");
    for (const auto& scope : space_split(p["scope"]))
      if (!grant->scopes.count(scope))
        return oauth_error(res, 400, "invalid_scope",
                           "\"" + scope + "\" was not granted; authorize again to ask for it");
    return json_reply(res, 200, issue_tokens(*grant));
  }

  oauth_error(res, 400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
}

void AuthorizationServer::Impl::revoke(const httplib::Request& req, httplib::Response& res) {
  const std::string presented = req.get_param_value("token");
  if (presented.empty()) return oauth_error(res, 400, "invalid_request", "token is required");
  // Unknown tokens are answered 200 too (RFC 7009 §2.2): the answer tells nothing about which tokens exist.
  if (auto token = store->token(hash_secret(presented))) {
    auto grant = store->grant(token->grant_id);
    const std::string client_id = req.get_param_value("client_id");
    if (grant && (client_id.empty() || client_id == grant->client_id)) {
      // A refresh token stands for the whole authorization (RFC 7009 §2.1).
      if (token->kind == TokenRecord::Kind::refresh) store->revoke_grant(token->grant_id);
      else
        store->revoke_token(token->token_hash);
    }
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
}

}  // namespace oauth
