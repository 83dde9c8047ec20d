#include "oauth/record_json.h"

namespace oauth {

using json = nlohmann::json;

json to_doc(const ClientRecord& c) {
  return {{"client_id", c.client_id},         {"client_name", c.client_name},
          {"redirect_uris", c.redirect_uris}, {"metadata_document", c.metadata_document},
          {"created_at", c.created_at},       {"expires_at", c.expires_at}};
}
ClientRecord client_of(const json& d) {
  return {.client_id = d.at("client_id"),
          .client_name = d.at("client_name"),
          .redirect_uris = d.at("redirect_uris").get<std::vector<std::string>>(),
          .metadata_document = d.at("metadata_document"),
          .created_at = d.at("created_at"),
          .expires_at = d.at("expires_at")};
}
json to_doc(const PendingAuthorization& p) {
  return {{"state", p.state},
          {"client_id", p.client_id},
          {"redirect_uri", p.redirect_uri},
          {"client_state", p.client_state},
          {"scope", p.scope},
          {"resource", p.resource},
          {"code_challenge", p.code_challenge},
          {"upstream_verifier_sealed", p.upstream_verifier_sealed},
          {"expires_at", p.expires_at}};
}
PendingAuthorization pending_of(const json& d) {
  return {.state = d.at("state"),
          .client_id = d.at("client_id"),
          .redirect_uri = d.at("redirect_uri"),
          .client_state = d.at("client_state"),
          .scope = d.at("scope"),
          .resource = d.at("resource"),
          .code_challenge = d.at("code_challenge"),
          .upstream_verifier_sealed = d.at("upstream_verifier_sealed"),
          .expires_at = d.at("expires_at")};
}
json to_doc(const AuthorizationCode& c) {
  return {{"code_hash", c.code_hash},
          {"grant_id", c.grant_id},
          {"client_id", c.client_id},
          {"redirect_uri", c.redirect_uri},
          {"code_challenge", c.code_challenge},
          {"expires_at", c.expires_at},
          {"used", c.used}};
}
AuthorizationCode code_of(const json& d) {
  return {.code_hash = d.at("code_hash"),
          .grant_id = d.at("grant_id"),
          .client_id = d.at("client_id"),
          .redirect_uri = d.at("redirect_uri"),
          .code_challenge = d.at("code_challenge"),
          .expires_at = d.at("expires_at"),
          .used = d.at("used")};
}
json to_doc(const Grant& g) {
  return {{"grant_id", g.grant_id},     {"client_id", g.client_id}, {"user_id", g.user.id},
          {"user_name", g.user.name},   {"scopes", g.scopes},       {"resource", g.resource},
          {"created_at", g.created_at}, {"revoked", g.revoked}};
}
Grant grant_of(const json& d) {
  return {.grant_id = d.at("grant_id"),
          .client_id = d.at("client_id"),
          .user = {d.at("user_id"), d.at("user_name")},
          .scopes = d.at("scopes").get<std::set<std::string>>(),
          .resource = d.at("resource"),
          .created_at = d.at("created_at"),
          .revoked = d.at("revoked")};
}
json to_doc(const TokenRecord& t) {
  return {{"token_hash", t.token_hash},
          {"kind", t.kind == TokenRecord::Kind::access ? "access" : "refresh"},
          {"grant_id", t.grant_id},
          {"expires_at", t.expires_at},
          {"used", t.used},
          {"revoked", t.revoked}};
}
TokenRecord token_of(const json& d) {
  return {.token_hash = d.at("token_hash"),
          .kind = d.at("kind") == "access" ? TokenRecord::Kind::access : TokenRecord::Kind::refresh,
          .grant_id = d.at("grant_id"),
          .expires_at = d.at("expires_at"),
          .used = d.at("used"),
          .revoked = d.at("revoked")};
}

}  // namespace oauth
