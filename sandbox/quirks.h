// The sandbox's quirk switches: every belief about HaloPSA that the evidence leaves open ("assumed" in
// docs/halopsa-quirks.md) is a setting tests can flip. The defaults are the unkind side, so a tool cannot pass only
// because the sandbox is lenient; the "kind" preset flips every switch to its other side. Documented in
// sandbox/README.md ("Quirk switches"). Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace sandbox {

struct RateLimit {
  int limit = 0;             // requests per window; 0 = unlimited
  int window_seconds = 300;  // the rolling window
};

struct Quirks {
  enum class ListRows { List, Full };
  enum class AddressShape { Flat, Nested };
  enum class SearchScope { Wide, Name };
  enum class IncludePair { Strict, Lenient };
  enum class PostAnswer { Object, Array };
  enum class RateBody { Json, Text };
  enum class PopupWrite { Replace, Add };
  enum class RefreshRotation { Rotate, Reuse };
  enum class CustomFieldSet { Optional, Mandatory };

  ListRows list_rows = ListRows::List;
  AddressShape site_address_shape = AddressShape::Flat;
  long long client_type_lookup_id = 57;
  std::string lookup_type_name = "Customer Type";
  bool first_site_becomes_main = false;
  bool null_clears_billing_parent = false;
  bool address_update_needs_id = true;
  SearchScope client_search_scope = SearchScope::Wide;
  IncludePair include_pair_defaults = IncludePair::Strict;
  PostAnswer post_answer = PostAnswer::Object;
  RateLimit rate_limit;
  bool rate_limit_retry_after = false;
  RateBody rate_limit_body = RateBody::Json;
  bool popup_notes_on_record = false;
  PopupWrite popup_notes_write = PopupWrite::Replace;
  // An agent sign-in's refresh grant: "rotate" answers a new refresh token and spends the old one (reusing it
  // revokes the sign-in); "reuse" answers none and the old one stays good.
  RefreshRotation refresh_token_rotation = RefreshRotation::Rotate;
  // Tenant configuration rather than a belief, set the same way: the custom fields FieldInfo defines. "optional": the
  // demo set (clients 101-103, sites 201-202), none mandatory; "mandatory": 103 mandatory, plus a mandatory site field
  // (203) and contact fields (301 mandatory, 302). The kind preset leaves it as it is.
  CustomFieldSet custom_fields = CustomFieldSet::Optional;
  // Whether a create missing a mandatory custom field is refused (400). Nothing public shows HaloPSA's API enforcing
  // the flag (n8n issue 12560 shows a client create failing on required fields, not which): strict, refused.
  bool mandatory_custom_fields_enforced = true;

  // Every switch on its other side; the rate limit stays as it is (a budget, not a belief).
  static Quirks kind(const RateLimit& rate_limit);
  nlohmann::json to_json() const;
  // Applies {"name": value, ...} or {"preset": "kind"|"strict"} (a preset first, then the other names). Throws
  // std::invalid_argument naming the first unknown switch or bad value; nothing changes then.
  Quirks with(const nlohmann::json& changes, const Quirks& strict_base) const;
};

// The live settings plus the defaults a reset returns to (strict, with the Options' rate limit and the
// HALOPSA_SANDBOX_QUIRKS overrides applied on top).
class QuirkSwitches {
 public:
  QuirkSwitches() = default;
  // `strict` = the strict defaults for this sandbox; `overrides` = a JSON object, "kind" or "strict" (or empty),
  // re-applied after every reset. Throws std::invalid_argument on a bad override.
  void configure(const Quirks& strict, const std::string& overrides);

  Quirks get() const;
  nlohmann::json to_json() const;
  // POST /_sandbox/quirks. Throws std::invalid_argument (nothing changes).
  void set(const nlohmann::json& changes);
  void reset();  // back to the defaults plus the overrides

 private:
  mutable std::mutex mu_;
  Quirks strict_;
  nlohmann::json overrides_;  // null or an object / preset string
  Quirks current_;
};

// The text Halo answers a 429 with: "Rate Limit Reached - 300 Requests per rolling 5 minute window".
std::string rate_limit_message(const RateLimit& limit);

}  // namespace sandbox
