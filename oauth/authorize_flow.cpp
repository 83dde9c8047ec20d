// GET /authorize and GET /oauth/callback: the browser's round trip through the upstream's sign-in.
//   client → /authorize (checked: client, redirect URI, PKCE S256, resource, scope)
//          → the upstream's authorize URL (our own state and PKCE leg)
//          → /oauth/callback (the upstream's code exchanged, the user identified, its tokens sealed)
//          → the client's redirect_uri with our code and the client's state.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "oauth/server_internal.h"

namespace oauth {

namespace {

// The client's error, sent back to its redirect URI (RFC 6749 §4.1.2.1, with iss from RFC 9207).
void redirect_error(httplib::Response& res, const std::string& issuer, const std::string& redirect_uri,
                    const std::string& state, const std::string& error, const std::string& description) {
  std::vector<std::pair<std::string, std::string>> params{{"error", error}, {"error_description", description}};
  if (!state.empty()) params.emplace_back("state", state);
  params.emplace_back("iss", issuer);
  res.set_redirect(with_query(redirect_uri, params), 302);
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

void AuthorizationServer::Impl::authorize(const httplib::Request& req, httplib::Response& res) {
  purge_now_and_then();
  static constexpr const char* kParams[] = {"response_type", "client_id",      "redirect_uri",          "state",
                                            "scope",         "code_challenge", "code_challenge_method", "resource"};
  std::map<std::string, std::string> p;
  for (const char* name : kParams) {
    auto value = single_param(req, name);
    if (!value)
      return error_page(res, "Invalid authorization request",
                        std::string("the parameter ") + name + " appears more than once");
    p[name] = *value;
  }
  // Until the client and its redirect URI check out, nothing may be redirected: the page says what is wrong.
  if (p["client_id"].empty()) return error_page(res, "Invalid authorization request", "client_id is missing");
  ClientRecord client;
  try {
    client = find_client(p["client_id"]);
  } catch (const StoreUnavailable&) {
    throw;  // 503 (mount): the client may well be known
  } catch (const std::exception& e) {
    return error_page(res, "Unknown application", e.what());
  }
  std::string redirect_uri = p["redirect_uri"];
  if (redirect_uri.empty() && client.redirect_uris.size() == 1) redirect_uri = client.redirect_uris.front();
  if (std::find(client.redirect_uris.begin(), client.redirect_uris.end(), redirect_uri) == client.redirect_uris.end())
    return error_page(res, "Invalid redirect URI",
                      redirect_uri.empty() ? "redirect_uri is missing"
                                           : "the redirect_uri is not one registered for " + client.client_name);

  const std::string& state = p["state"];
  auto refuse = [&](const std::string& error, const std::string& description) {
    redirect_error(res, config.issuer, redirect_uri, state, error, description);
  };
  if (p["response_type"] != "code") return refuse("unsupported_response_type", "response_type must be \"code\"");
  if (p["code_challenge"].empty())
    return refuse("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256");
  if (p["code_challenge_method"] != "S256")
    return refuse("invalid_request", "code_challenge_method must be S256 (plain is not accepted)");
  if (p["code_challenge"].size() != 43)
    return refuse("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier (43 characters)");
  if (p["resource"].empty())
    return refuse("invalid_target", "resource is required: this server's MCP endpoint, " + resource);
  if (p["resource"] != resource && p["resource"] != resource + "/")
    return refuse("invalid_target", "resource names another server; this one is " + resource);
  std::set<std::string> scopes = space_split(p["scope"].empty() ? config.default_scope : p["scope"]);
  for (const auto& scope : scopes)
    if (std::find(config.scopes_supported.begin(), config.scopes_supported.end(), scope) ==
        config.scopes_supported.end())
      return refuse("invalid_scope", "unknown scope \"" + scope + "\"");

  const std::string verifier = random_secret(32);
  PendingAuthorization pending{.state = random_secret(32),
                               .client_id = client.client_id,
                               .redirect_uri = redirect_uri,
                               .client_state = state,
                               .scope = space_joined(scopes),
                               .resource = resource,
                               .code_challenge = p["code_challenge"],
                               .upstream_verifier_sealed = cipher->seal(verifier),
                               .expires_at = now() + config.pending_ttl.count()};
  store->put_pending(pending);
  res.set_redirect(upstream->authorize_url(callback, pending.state, s256(verifier)), 302);
  res.set_header("Cache-Control", "no-store");
}

void AuthorizationServer::Impl::callback_from_upstream(const httplib::Request& req, httplib::Response& res) {
  const std::string state = req.get_param_value("state");
  auto pending = state.empty() ? std::nullopt : store->take_pending(state);
  if (!pending || pending->expires_at <= now())
    return error_page(res, "Sign-in expired",
                      "this sign-in is unknown, was already completed, or took too long; start again");
  auto refuse = [&](const std::string& error, const std::string& description) {
    redirect_error(res, config.issuer, pending->redirect_uri, pending->client_state, error, description);
  };
  if (req.has_param("error")) {
    spdlog::info("oauth: the identity provider ended a sign-in for {} with {}", pending->client_id,
                 req.get_param_value("error").substr(0, 64));
    return refuse("access_denied", "the sign-in at the identity provider was refused or cancelled");
  }
  const std::string code = req.get_param_value("code");
  if (code.empty()) return refuse("server_error", "the identity provider sent no authorization code");

  UpstreamTokens tokens;
  UpstreamIdentity user;
  try {
    tokens = upstream->exchange_code(code, callback, cipher->open(pending->upstream_verifier_sealed));
    user = upstream->identify(tokens.access_token);
  } catch (const std::exception& e) {
    spdlog::warn("oauth: completing a sign-in at the identity provider failed: {}", e.what());
    return refuse("server_error", "the sign-in at the identity provider could not be completed; try again");
  }
  if (user.id.empty()) return refuse("server_error", "the identity provider did not say who signed in");

  Grant grant{.grant_id = random_secret(16),
              .client_id = pending->client_id,
              .user = user,
              .scopes = space_split(pending->scope),
              .resource = pending->resource,
              .created_at = now()};
  store->put_grant(grant);
  const json sealed{{"access_token", tokens.access_token},
                    {"refresh_token", tokens.refresh_token},
                    {"expires_at", tokens.expires_at}};
  store->put_upstream(grant.grant_id, {cipher->seal(sealed.dump()), tokens.expires_at});

  const std::string our_code = random_secret(32);
  store->put_code({.code_hash = hash_secret(our_code),
                   .grant_id = grant.grant_id,
                   .client_id = pending->client_id,
                   .redirect_uri = pending->redirect_uri,
                   .code_challenge = pending->code_challenge,
                   .expires_at = now() + config.code_ttl.count()});
  spdlog::info("oauth: {} ({}) signed in for client {} with scopes [{}]", user.name, user.id, pending->client_id,
               pending->scope);
  std::vector<std::pair<std::string, std::string>> params{{"code", our_code}};
  if (!pending->client_state.empty()) params.emplace_back("state", pending->client_state);
  params.emplace_back("iss", config.issuer);
  res.set_redirect(with_query(pending->redirect_uri, params), 302);
  res.set_header("Cache-Control", "no-store");
}

}  // namespace oauth
