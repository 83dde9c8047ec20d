// What the HaloPSA client makes of the answers it gets: list pages, saved records, error bodies, token grants,
// auth discovery, Retry-After headers and URLs. The first byte picks the HTTP status the body came with.
// Whatever the tenant (or something pretending to be it) sends, the client must answer with a value or a
// typed halo::Error, and an error message must never repeat the client secret.
#include <cstdint>
#include <string>
#include <string_view>

#include "halo/backoff.h"
#include "halo/errors.h"
#include "halo/redactor.h"
#include "halo/responses.h"
#include "halo/url.h"

namespace {
constexpr std::string_view kSecret = "fuzz-client-secret-0123456789";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const int kStatuses[] = {200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503};
  const int status = kStatuses[data[0] % std::size(kStatuses)];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  halo::Redactor redactor;
  redactor.add_secret(std::string(kSecret));
  const std::string scrubbed = redactor.scrub(std::string(body));
  if (scrubbed.find(kSecret) != std::string::npos) __builtin_trap();

  (void)halo::parse_error_body(scrubbed);
  (void)halo::truncate_body(scrubbed);
  const halo::Error error = halo::error_from_response(status, "POST", "Client", scrubbed);
  if (std::string_view(error.what()).find(kSecret) != std::string_view::npos) __builtin_trap();

  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_discarded()) {
    try {
      halo::Page page = halo::page_from_answer(json, "clients", "Client");
      if (!page.rows.is_array() && !page.rows.is_null()) (void)page.rows.size();
    } catch (const halo::Error& e) {
      if (e.kind() != halo::ErrorKind::upstream) __builtin_trap();
    }
    (void)halo::saved_record(json);
  }
  if (auto grant = halo::parse_token_grant(body)) {
    if (grant->access_token.empty() || grant->expires_in < 1 || grant->expires_in > 365LL * 24 * 3600) __builtin_trap();
  }
  (void)halo::parse_auth_info(body);

  const std::string_view line = body.substr(0, body.find('\n'));
  if (auto wait = halo::parse_retry_after(line)) {
    if (wait->count() < 0) __builtin_trap();
    (void)halo::try_again_in(halo::seconds_to_wait(*wait));
  }
  std::string why;
  if (auto url = halo::parse_url(line, &why)) (void)halo::is_loopback_host(url->host);
  (void)halo::percent_encode(line);
  return 0;
}
