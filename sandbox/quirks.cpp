#include "sandbox/quirks.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace sandbox {

using nlohmann::json;

namespace {

template <typename E>
struct Choice {
  const char* name;
  E value;
};

template <typename E, std::size_t N>
const char* name_of(const Choice<E> (&choices)[N], E value) {
  for (const auto& c : choices)
    if (c.value == value) return c.name;
  return "?";
}

template <typename E, std::size_t N>
E parse_choice(const Choice<E> (&choices)[N], const std::string& key, const json& v) {
  std::string allowed;
  for (const auto& c : choices) {
    if (v.is_string() && v.get<std::string>() == c.name) return c.value;
    allowed += std::string(allowed.empty() ? "" : " or ") + "\"" + c.name + "\"";
  }
  throw std::invalid_argument(key + ": " + v.dump() + " is not a valid value; use " + allowed + ".");
}

const Choice<Quirks::ListRows> kListRows[] = {{"list", Quirks::ListRows::List}, {"full", Quirks::ListRows::Full}};
const Choice<Quirks::PopupWrite> kPopupWrites[] = {{"replace", Quirks::PopupWrite::Replace},
                                                   {"add", Quirks::PopupWrite::Add}};
const Choice<Quirks::AddressShape> kShapes[] = {{"flat", Quirks::AddressShape::Flat},
                                                {"nested", Quirks::AddressShape::Nested}};
const Choice<Quirks::SearchScope> kScopes[] = {{"wide", Quirks::SearchScope::Wide},
                                               {"name", Quirks::SearchScope::Name}};
const Choice<Quirks::IncludePair> kPairs[] = {{"strict", Quirks::IncludePair::Strict},
                                              {"lenient", Quirks::IncludePair::Lenient}};
const Choice<Quirks::PostAnswer> kAnswers[] = {{"object", Quirks::PostAnswer::Object},
                                               {"array", Quirks::PostAnswer::Array}};
const Choice<Quirks::RateBody> kBodies[] = {{"json", Quirks::RateBody::Json}, {"text", Quirks::RateBody::Text}};
const Choice<Quirks::RefreshRotation> kRotations[] = {{"rotate", Quirks::RefreshRotation::Rotate},
                                                      {"reuse", Quirks::RefreshRotation::Reuse}};
const Choice<Quirks::CustomFieldSet> kFieldSets[] = {{"optional", Quirks::CustomFieldSet::Optional},
                                                     {"mandatory", Quirks::CustomFieldSet::Mandatory}};

bool parse_bool(const std::string& key, const json& v) {
  if (!v.is_boolean()) throw std::invalid_argument(key + ": " + v.dump() + " is not valid; use true or false.");
  return v.get<bool>();
}

long long parse_positive(const std::string& key, const json& v, long long max) {
  if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > max)
    throw std::invalid_argument(key + ": " + v.dump() + " is not valid; use a whole number from 1 to " +
                                std::to_string(max) + ".");
  return v.get<long long>();
}

RateLimit parse_rate_limit(const json& v) {
  const std::string hint = " Use {\"limit\": N, \"window_seconds\": S} (limit 0 = unlimited).";
  if (!v.is_object()) throw std::invalid_argument("rate_limit: " + v.dump() + " is not an object." + hint);
  RateLimit out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() == "limit") {
      if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 1000000)
        throw std::invalid_argument("rate_limit.limit: " + it->dump() + " is not a whole number from 0 to 1000000.");
      out.limit = it->get<int>();
    } else if (it.key() == "window_seconds") {
      out.window_seconds = static_cast<int>(parse_positive("rate_limit.window_seconds", *it, 86400));
    } else {
      throw std::invalid_argument("rate_limit." + it.key() + ": unknown field." + hint);
    }
  }
  return out;
}

json parse_overrides(const std::string& text) {
  std::string t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(t.begin());
  if (t.empty()) return nullptr;
  if (t == "kind" || t == "strict") return json{{"preset", t}};
  json parsed = json::parse(t, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    throw std::invalid_argument(
        "HALOPSA_SANDBOX_QUIRKS must be a JSON object of quirk settings, \"kind\" or "
        "\"strict\"; got: " +
        text.substr(0, 200));
  return parsed;
}

}  // namespace

Quirks Quirks::kind(const RateLimit& rate_limit) {
  Quirks q;
  q.list_rows = ListRows::Full;
  q.site_address_shape = AddressShape::Nested;
  q.client_type_lookup_id = 33;
  q.first_site_becomes_main = true;
  q.null_clears_billing_parent = true;
  q.address_update_needs_id = false;
  q.client_search_scope = SearchScope::Name;
  q.include_pair_defaults = IncludePair::Lenient;
  q.post_answer = PostAnswer::Array;
  q.rate_limit = rate_limit;
  q.rate_limit_retry_after = true;
  q.rate_limit_body = RateBody::Text;
  q.popup_notes_on_record = true;
  q.popup_notes_write = PopupWrite::Add;
  q.refresh_token_rotation = RefreshRotation::Reuse;
  q.mandatory_custom_fields_enforced = false;
  return q;
}

json Quirks::to_json() const {
  return {{"list_rows", name_of(kListRows, list_rows)},
          {"site_address_shape", name_of(kShapes, site_address_shape)},
          {"client_type_lookup_id", client_type_lookup_id},
          {"lookup_type_name", lookup_type_name},
          {"first_site_becomes_main", first_site_becomes_main},
          {"null_clears_billing_parent", null_clears_billing_parent},
          {"address_update_needs_id", address_update_needs_id},
          {"client_search_scope", name_of(kScopes, client_search_scope)},
          {"include_pair_defaults", name_of(kPairs, include_pair_defaults)},
          {"post_answer", name_of(kAnswers, post_answer)},
          {"rate_limit", {{"limit", rate_limit.limit}, {"window_seconds", rate_limit.window_seconds}}},
          {"rate_limit_retry_after", rate_limit_retry_after},
          {"rate_limit_body", name_of(kBodies, rate_limit_body)},
          {"refresh_token_rotation", name_of(kRotations, refresh_token_rotation)},
          {"custom_fields", name_of(kFieldSets, custom_fields)},
          {"mandatory_custom_fields_enforced", mandatory_custom_fields_enforced},
          {"popup_notes_on_record", popup_notes_on_record},
          {"popup_notes_write", name_of(kPopupWrites, popup_notes_write)}};
}

Quirks Quirks::with(const json& changes, const Quirks& strict_base) const {
  if (!changes.is_object())
    throw std::invalid_argument(
        "Send a JSON object of quirk settings, e.g. {\"list_rows\": \"full\"} or "
        "{\"preset\": \"kind\"}.");
  Quirks q = *this;
  if (auto p = changes.find("preset"); p != changes.end()) {
    const RateLimit keep = q.rate_limit;
    const CustomFieldSet fields = q.custom_fields;  // tenant configuration, not a belief: a preset keeps it
    if (*p == "kind") q = kind(keep);
    else if (*p == "strict")
      q = strict_base;
    else
      throw std::invalid_argument("preset: " + p->dump() + " is not valid; use \"kind\" or \"strict\".");
    q.rate_limit = keep;
    q.custom_fields = fields;
  }
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    const std::string& k = it.key();
    const json& v = *it;
    if (k == "preset") continue;
    if (k == "list_rows") q.list_rows = parse_choice(kListRows, k, v);
    else if (k == "site_address_shape")
      q.site_address_shape = parse_choice(kShapes, k, v);
    else if (k == "client_type_lookup_id")
      q.client_type_lookup_id = parse_positive(k, v, 2147483647);
    else if (k == "lookup_type_name") {
      if (!v.is_string() || v.get<std::string>().empty())
        throw std::invalid_argument(k + ": " + v.dump() + " is not valid; use a non-empty string.");
      q.lookup_type_name = v.get<std::string>();
    } else if (k == "first_site_becomes_main")
      q.first_site_becomes_main = parse_bool(k, v);
    else if (k == "null_clears_billing_parent")
      q.null_clears_billing_parent = parse_bool(k, v);
    else if (k == "address_update_needs_id")
      q.address_update_needs_id = parse_bool(k, v);
    else if (k == "client_search_scope")
      q.client_search_scope = parse_choice(kScopes, k, v);
    else if (k == "include_pair_defaults")
      q.include_pair_defaults = parse_choice(kPairs, k, v);
    else if (k == "post_answer")
      q.post_answer = parse_choice(kAnswers, k, v);
    else if (k == "rate_limit")
      q.rate_limit = parse_rate_limit(v);
    else if (k == "rate_limit_retry_after")
      q.rate_limit_retry_after = parse_bool(k, v);
    else if (k == "rate_limit_body")
      q.rate_limit_body = parse_choice(kBodies, k, v);
    else if (k == "popup_notes_on_record")
      q.popup_notes_on_record = parse_bool(k, v);
    else if (k == "popup_notes_write")
      q.popup_notes_write = parse_choice(kPopupWrites, k, v);
    else if (k == "refresh_token_rotation")
      q.refresh_token_rotation = parse_choice(kRotations, k, v);
    else if (k == "custom_fields")
      q.custom_fields = parse_choice(kFieldSets, k, v);
    else if (k == "mandatory_custom_fields_enforced")
      q.mandatory_custom_fields_enforced = parse_bool(k, v);
    else
      throw std::invalid_argument(k +
                                  ": unknown quirk switch (GET /_sandbox/quirks lists them; see "
                                  "sandbox/README.md).");
  }
  return q;
}

void QuirkSwitches::configure(const Quirks& strict, const std::string& overrides) {
  const json parsed = parse_overrides(overrides);
  const Quirks applied = parsed.is_null() ? strict : strict.with(parsed, strict);  // throws before changing
  std::lock_guard lock(mu_);
  strict_ = strict;
  overrides_ = parsed;
  current_ = applied;
}

Quirks QuirkSwitches::get() const {
  std::lock_guard lock(mu_);
  return current_;
}

json QuirkSwitches::to_json() const { return get().to_json(); }

void QuirkSwitches::set(const json& changes) {
  std::lock_guard lock(mu_);
  current_ = current_.with(changes, strict_);
}

void QuirkSwitches::reset() {
  std::lock_guard lock(mu_);
  current_ = overrides_.is_null() ? strict_ : strict_.with(overrides_, strict_);
}

std::string rate_limit_message(const RateLimit& limit) {
  const double minutes = limit.window_seconds / 60.0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::round(minutes * 100) / 100);
  return "Rate Limit Reached - " + std::to_string(limit.limit) + " Requests per rolling " + buf + " minute window";
}

}  // namespace sandbox
