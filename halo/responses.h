#pragma once
// What HaloPSA's answers mean, apart from how they were fetched: list pages, saved records, token grants and
// auth discovery. Pure functions over untrusted input, so they are fuzzed (tests/fuzz/fuzz_halo_responses.cpp).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "halo/page_walker.h"

namespace halo {

// One page of a list answer: rows from `envelope_key`, else the first array member, else the bare array.
// record_count may be a number or a numeric string; anything else counts as unknown. Throws Error(upstream)
// when the answer is neither an array nor an object (`path` names the request in that message).
Page page_from_answer(nlohmann::json answer, std::string_view envelope_key, std::string_view path);

// The rows of an answer that is a list in some shape: `envelope_key`'s array, else the first array member of an
// object, else the answer itself when it is an array; an empty array for anything else.
nlohmann::json rows_of_answer(nlohmann::json answer, std::string_view envelope_key = {});

// Create/update answers come back as the saved object, an array of them, or an envelope.
nlohmann::json saved_record(nlohmann::json answer);

// A record_count value as a row count; `known` is false when it is not a number (or numeric string).
std::size_t count_value(const nlohmann::json& value, bool& known);

struct TokenGrant {
  std::string access_token;
  long long expires_in = 3600;  // seconds, clamped to [1, one year]
};
// The token endpoint's 200 answer; nullopt when it holds no access_token.
std::optional<TokenGrant> parse_token_grant(std::string_view body);

struct AuthInfo {
  std::string auth_url;  // "" when absent
  std::string tenant;    // "" when absent
};
// GET /api/authinfo's answer (field names vary between Halo versions).
AuthInfo parse_auth_info(std::string_view body);

}  // namespace halo
