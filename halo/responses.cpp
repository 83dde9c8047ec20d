#include "halo/responses.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "halo/errors.h"

namespace halo {

using json = nlohmann::json;

namespace {

constexpr long long kOneYear = 365LL * 24 * 3600;

std::string trim_slashes(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

std::string json_string(const json& object, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it == object.end()) continue;
    if (it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
  }
  return {};
}

// A JSON number or numeric string as a whole number in [lo, hi]; nullopt when it is neither. Doubles are
// clamped before conversion: casting one beyond the integer range is undefined behaviour.
std::optional<long long> whole_number(const json& value, long long lo, long long hi) {
  if (value.is_number_unsigned())
    return static_cast<long long>(std::min<unsigned long long>(value.get<unsigned long long>(), hi));
  if (value.is_number_integer()) return std::clamp(value.get<long long>(), lo, hi);
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::isnan(d)) return std::nullopt;
    // Compared as doubles, cast only inside the range: (double)INT64_MAX rounds up to 2^63, which is outside.
    if (d >= static_cast<double>(hi)) return hi;
    if (d <= static_cast<double>(lo)) return lo;
    return static_cast<long long>(d);
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    const char* first = s.data();
    while (first < s.data() + s.size() && *first == ' ') ++first;
    if (first < s.data() + s.size() && *first == '+') ++first;
    long long n = 0;
    auto [end, ec] = std::from_chars(first, s.data() + s.size(), n);
    if (ec == std::errc::result_out_of_range) return (!s.empty() && s.find('-') != std::string::npos) ? lo : hi;
    if (ec != std::errc() || end == first) return std::nullopt;
    return std::clamp(n, lo, hi);
  }
  return std::nullopt;
}

}  // namespace

std::size_t count_value(const json& value, bool& known) {
  auto n = whole_number(value, 0, std::numeric_limits<long long>::max());
  known = n.has_value();
  return n ? static_cast<std::size_t>(*n) : 0;
}

json rows_of_answer(json answer, std::string_view envelope_key) {
  if (answer.is_array()) return answer;
  if (!answer.is_object()) return json::array();
  if (!envelope_key.empty())
    if (auto it = answer.find(std::string(envelope_key)); it != answer.end() && it->is_array()) return std::move(*it);
  for (auto& value : answer)
    if (value.is_array()) return std::move(value);
  return json::array();
}

Page page_from_answer(json answer, std::string_view envelope_key, std::string_view path) {
  Page page;
  if (answer.is_array()) {
    page.rows = std::move(answer);
    page.record_count = page.rows.size();
    page.record_count_known = false;
    return page;
  }
  if (!answer.is_object()) {
    throw Error(ErrorKind::upstream, "HaloPSA answered GET /api/" + trim_slashes(path) +
                                         " with something that is not a list: " + truncate_body(answer.dump()));
  }
  const std::string key(envelope_key);
  auto rows = key.empty() ? answer.end() : answer.find(key);
  if (rows == answer.end() || !rows->is_array()) {
    rows = std::find_if(answer.begin(), answer.end(), [](const json& v) { return v.is_array(); });
  }
  if (rows != answer.end()) page.rows = std::move(*rows);
  auto count = answer.find("record_count");
  bool known = false;
  if (count != answer.end()) page.record_count = count_value(*count, known);
  page.record_count_known = known;
  if (!known) page.record_count = page.rows.size();
  return page;
}

json saved_record(json answer) {
  if (answer.is_array()) return answer.empty() ? json() : std::move(answer[0]);
  if (!answer.is_object() || answer.contains("id")) return answer;
  for (auto& [key, value] : answer.items()) {
    if (value.is_array() && !value.empty() && value[0].is_object()) return std::move(value[0]);
    if (value.is_object() && value.contains("id")) return std::move(value);
  }
  return answer;
}

std::optional<TokenGrant> parse_token_grant(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  TokenGrant grant;
  grant.access_token = json_string(parsed, {"access_token"});
  if (grant.access_token.empty()) return std::nullopt;
  auto it = parsed.find("expires_in");
  // Unstated or unreadable: assume Halo's usual hour; a 401 still recovers.
  std::optional<long long> seconds = it == parsed.end() ? std::nullopt : whole_number(*it, 1, kOneYear);
  grant.expires_in = seconds.value_or(3600);
  return grant;
}

AuthInfo parse_auth_info(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return {};
  return {json_string(parsed, {"auth_url", "authUrl", "AuthUrl"}),
          json_string(parsed, {"tenant_id", "tenantId", "tenant"})};
}

}  // namespace halo
