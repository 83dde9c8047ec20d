// What the client makes of HaloPSA's answers, including the hostile values the fuzzer found
// (tests/fuzz/fuzz_halo_responses.cpp): numbers beyond every integer type must not wrap or overflow.
#include <doctest/doctest.h>

#include "halo/backoff.h"
#include "halo/errors.h"
#include "halo/responses.h"

using nlohmann::json;

TEST_CASE("responses: list pages come from the envelope, the first array, or a bare array") {
  auto page =
      halo::page_from_answer(json::parse(R"({"record_count": 7, "clients": [{"id": 1}]})"), "clients", "Client");
  CHECK(page.rows.size() == 1);
  CHECK(page.record_count == 7);
  CHECK(page.record_count_known);
  page = halo::page_from_answer(json::parse(R"({"record_count": "12", "other": [{"id": 2}, {"id": 3}]})"), "clients",
                                "Client");
  CHECK(page.rows.size() == 2);
  CHECK(page.record_count == 12);
  page = halo::page_from_answer(json::parse(R"([{"id": 1}, {"id": 2}])"), "clients", "Client");
  CHECK(page.record_count == 2);
  CHECK_FALSE(page.record_count_known);
  CHECK_THROWS_AS(halo::page_from_answer(json("text"), "clients", "Client"), halo::Error);
}

TEST_CASE("responses: absurd record counts are clamped, never undefined") {
  bool known = false;
  CHECK(halo::count_value(json(1e300), known) == static_cast<std::size_t>(INT64_MAX));
  CHECK(known);
  CHECK(halo::count_value(json(-5), known) == 0);
  CHECK(halo::count_value(json("99999999999999999999999"), known) == static_cast<std::size_t>(INT64_MAX));
  CHECK(halo::count_value(json(18446744073709551615ULL), known) == static_cast<std::size_t>(INT64_MAX));
  CHECK(halo::count_value(json("many"), known) == 0);
  CHECK_FALSE(known);
  CHECK(halo::count_value(json(NAN), known) == 0);
  CHECK_FALSE(known);
}

TEST_CASE("responses: token grants need an access_token; expires_in is read leniently and bounded") {
  CHECK_FALSE(halo::parse_token_grant(R"({"token_type": "Bearer"})"));
  CHECK_FALSE(halo::parse_token_grant("<html>500</html>"));
  CHECK(halo::parse_token_grant(R"({"access_token": "t", "expires_in": 600})")->expires_in == 600);
  CHECK(halo::parse_token_grant(R"({"access_token": "t", "expires_in": "600"})")->expires_in == 600);
  CHECK(halo::parse_token_grant(R"({"access_token": "t"})")->expires_in == 3600);
  CHECK(halo::parse_token_grant(R"({"access_token": "t", "expires_in": 1e300})")->expires_in == 365LL * 24 * 3600);
  CHECK(halo::parse_token_grant(R"({"access_token": "t", "expires_in": -10})")->expires_in == 1);
  CHECK(halo::parse_token_grant(R"({"access_token": "t", "expires_in": "soon"})")->expires_in == 3600);
}

TEST_CASE("responses: auth discovery reads the field names Halo versions use") {
  auto info = halo::parse_auth_info(R"({"authUrl": "https://auth.example.com", "tenantId": "acme"})");
  CHECK(info.auth_url == "https://auth.example.com");
  CHECK(info.tenant == "acme");
  CHECK(halo::parse_auth_info("not json").auth_url.empty());
}

TEST_CASE("backoff: Retry-After beyond a day is a day, whatever its form (found by fuzzing)") {
  using std::chrono::seconds;
  CHECK(halo::parse_retry_after("7") == seconds(7));
  CHECK(halo::parse_retry_after("9223372036854775807") == halo::kLongestRetryAfter);
  CHECK(halo::parse_retry_after("99999999999999999999999") == halo::kLongestRetryAfter);
  CHECK_FALSE(halo::parse_retry_after("-5"));
  CHECK(halo::parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT") == halo::kLongestRetryAfter);
  CHECK(halo::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == seconds(0));
  // The wait as milliseconds (what the client sleeps on) no longer overflows.
  std::chrono::milliseconds wait = *halo::parse_retry_after("9223372036854775807");
  CHECK(halo::seconds_to_wait(wait) == 24 * 3600);
}
