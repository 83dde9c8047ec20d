#include "halo/token_cache.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "halo/errors.h"
#include "halo/responses.h"
#include "halo/url.h"

namespace halo {
namespace {

using nlohmann::json;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

const char* const kCauses =
    "Known causes: the client ID or secret is wrong (HALOPSA_CLIENT_ID / HALOPSA_CLIENT_SECRET); the API "
    "application has no login agent (Configuration > Integrations > HaloPSA API > Applications); the tenant is "
    "missing or wrong (HALOPSA_TENANT, sent as ?tenant=); the auth server URL is wrong (HALOPSA_AUTH_URL); the "
    "application's authentication method is not 'Client ID and Secret (Services)' (client credentials).";

bool acceptable_auth_url(const std::string& text) {
  auto url = parse_url(text);
  return url && (url->scheme == "https" || is_loopback_host(url->host));
}

}  // namespace

TokenCache::TokenCache(const Config& config, HttpTransport& transport, Redactor& redactor,
                       std::function<void()> take_budget_slot)
    : config_(config), transport_(transport), redactor_(redactor), take_budget_slot_(std::move(take_budget_slot)) {
  redactor_.add_secret(config_.client_secret);
}

AuthServer discover_auth_server(const Config& config, HttpTransport& transport,
                                const std::function<void()>& take_budget_slot) {
  using Clock = std::chrono::steady_clock;
  AuthServer found{config.auth_url, config.tenant};
  std::string source = "configured";
  if (found.auth_url.empty()) {
    // Anonymous; tenants that have it name their auth server (it may live on another host).
    if (take_budget_slot) take_budget_slot();
    try {
      const auto start = Clock::now();
      HttpResponse r = transport.send("GET", config.api_base() + "/authinfo", {{"Accept", "application/json"}});
      spdlog::debug("halo: GET /api/authinfo -> {} in {} ms", r.status,
                    duration_cast<milliseconds>(Clock::now() - start).count());
      if (r.status == 200) {
        const AuthInfo info = parse_auth_info(r.body);
        if (!info.auth_url.empty() && acceptable_auth_url(info.auth_url)) {
          found.auth_url = info.auth_url;
          source = "from /api/authinfo";
        } else if (!info.auth_url.empty()) {
          spdlog::warn("halo: ignoring auth_url '{}' from /api/authinfo: not https", info.auth_url);
        }
        if (found.tenant.empty()) found.tenant = info.tenant;
      }
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::network) throw;  // the token request would fail the same way
    }
  }
  if (found.auth_url.empty()) {
    found.auth_url = config.default_auth_url();
    source = "default";
  }
  while (!found.auth_url.empty() && found.auth_url.back() == '/') found.auth_url.pop_back();
  if (found.tenant.empty()) found.tenant = tenant_from_host(config.base_url);
  spdlog::debug("halo: auth server {} ({}), tenant '{}'", found.auth_url, source, found.tenant);
  return found;
}

void TokenCache::fetch_locked() {
  bool discovered = false;
  std::string auth_url, tenant;
  {
    std::lock_guard lock(mu_);
    discovered = discovered_;
    auth_url = auth_url_;
    tenant = tenant_;
  }
  if (!discovered) {
    AuthServer d = discover_auth_server(config_, transport_, take_budget_slot_);
    std::lock_guard lock(mu_);
    discovered_ = true;
    auth_url = auth_url_ = d.auth_url;
    tenant = tenant_ = d.tenant;
  }

  const std::string url = auth_url + "/token" + (tenant.empty() ? "" : "?tenant=" + percent_encode(tenant));
  const std::string form = "grant_type=client_credentials&client_id=" + percent_encode(config_.client_id) +
                           "&client_secret=" + percent_encode(config_.client_secret) +
                           "&scope=" + percent_encode(config_.scope);
  const auto start = now();
  HttpResponse r;
  try {
    r = transport_.send("POST", url, {{"Accept", "application/json"}}, form, "application/x-www-form-urlencoded");
  } catch (const Error& e) {
    spdlog::debug("halo: POST {} failed: {}", url, e.what());
    throw Error(ErrorKind::network, std::string("could not get a HaloPSA access token: ") + e.what());
  }
  spdlog::debug("halo: POST {} -> {} in {} ms", url, r.status, duration_cast<milliseconds>(now() - start).count());
  r.body = redactor_.scrub(std::move(r.body));
  const std::string excerpt = truncate_body(r.body);

  if (r.status != 200) {
    const ErrorBody parsed = parse_error_body(r.body);
    std::string message;
    if (parsed.html || r.status >= 500) {
      message = "HaloPSA's auth server answered " + std::to_string(r.status) + " with " +
                (parsed.message.empty() ? std::string("an empty body") : parsed.message) +
                " to the token request (POST " + url + "). " + kCauses;
    } else if (parsed.message.starts_with("invalid_scope")) {
      message = "HaloPSA refused the scope '" + config_.scope + "' (" + parsed.message +
                "): set HALOPSA_SCOPE to scopes the API application allows, e.g. 'all' or "
                "'read:customers edit:customers'";
    } else {
      message = "HaloPSA refused the token request POST " + url + " (" + std::to_string(r.status) +
                (parsed.message.empty() ? std::string{} : ": " + parsed.message) + "). " + kCauses;
    }
    throw Error(ErrorKind::auth_failed, redactor_.scrub(message), r.status, 0, {}, excerpt);
  }

  const std::optional<TokenGrant> grant = parse_token_grant(r.body);
  if (!grant) {
    throw Error(ErrorKind::auth_failed,
                "HaloPSA's token endpoint (" + url + ") answered 200 without an access_token. " + kCauses, r.status, 0,
                {}, excerpt);
  }
  const std::string& token = grant->access_token;
  redactor_.add_token(token);
  const long long ttl = grant->expires_in;
  // Refresh ahead by the configured margin, but never more than a fifth of a short lifetime.
  const milliseconds lifetime = std::chrono::seconds(ttl);
  const milliseconds margin =
      std::min<milliseconds>(std::chrono::seconds(config_.token_refresh_margin_seconds), lifetime / 5);
  const nlohmann::json answer = nlohmann::json::parse(r.body, nullptr, false);
  std::lock_guard lock(mu_);
  token_ = token;
  granted_scope_ = answer.is_object() && answer.contains("scope") && answer["scope"].is_string()
                       ? answer["scope"].get<std::string>()
                       : std::string();
  expires_at_ = start + lifetime;
  refresh_at_ = expires_at_ - margin;
  spdlog::debug("halo: access token obtained, expires in {} s", ttl);
}

std::string TokenCache::access_token() {
  std::unique_lock refresh(refresh_mu_, std::defer_lock);
  std::string current;
  {
    std::lock_guard lock(mu_);
    const auto at = now();
    if (!token_.empty() && at < refresh_at_) return token_;
    if (!token_.empty() && at < expires_at_) {
      if (!refresh.try_lock()) return token_;  // someone is already refreshing; this one still works
      current = token_;
    }
  }
  if (!refresh.owns_lock()) refresh.lock();
  {
    std::lock_guard lock(mu_);  // another thread may have refreshed while we waited
    if (!token_.empty() && now() < refresh_at_) return token_;
  }
  try {
    fetch_locked();
  } catch (const Error& e) {
    std::lock_guard lock(mu_);
    if (!token_.empty() && token_ == current && now() < expires_at_) {
      spdlog::warn("halo: early token refresh failed, keeping the current token: {}", e.what());
      return token_;
    }
    throw;
  }
  std::lock_guard lock(mu_);
  return token_;
}

void TokenCache::invalidate(const std::string& rejected) {
  std::lock_guard lock(mu_);
  if (token_ == rejected) {
    token_.clear();
    spdlog::debug("halo: access token rejected (401); a new one will be fetched");
  }
}

int TokenCache::seconds_left() const {
  std::lock_guard lock(mu_);
  if (token_.empty()) return -1;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(expires_at_ - now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string TokenCache::auth_url() const {
  std::lock_guard lock(mu_);
  return auth_url_;
}

std::string TokenCache::granted_scope() const {
  std::lock_guard lock(mu_);
  return granted_scope_;
}

std::string TokenCache::tenant() const {
  std::lock_guard lock(mu_);
  return tenant_;
}

}  // namespace halo
