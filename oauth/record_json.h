// The JSON document of each stored OAuth record, one codec for every Store implementation (SQLite in one process,
// Redis across replicas), so a record reads back the same from either.
#pragma once

#include <nlohmann/json.hpp>

#include "oauth/store.h"

namespace oauth {

// What each store calls the kinds of record it keeps (a SQLite column, a Redis key part).
namespace record_kind {
inline constexpr const char* kClient = "client";
inline constexpr const char* kPending = "pending";
inline constexpr const char* kCode = "code";
inline constexpr const char* kGrant = "grant";
inline constexpr const char* kToken = "token";
inline constexpr const char* kUpstream = "upstream";
}  // namespace record_kind

nlohmann::json to_doc(const ClientRecord& client);
nlohmann::json to_doc(const PendingAuthorization& pending);
nlohmann::json to_doc(const AuthorizationCode& code);
nlohmann::json to_doc(const Grant& grant);
nlohmann::json to_doc(const TokenRecord& token);
ClientRecord client_of(const nlohmann::json& doc);
PendingAuthorization pending_of(const nlohmann::json& doc);
AuthorizationCode code_of(const nlohmann::json& doc);
Grant grant_of(const nlohmann::json& doc);
TokenRecord token_of(const nlohmann::json& doc);

}  // namespace oauth
