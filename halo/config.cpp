#include "halo/config.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "halo/url.h"

namespace halo {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string read_string(const Getenv& getenv, const char* name, std::string fallback = {}) {
  auto value = getenv(name);
  if (is_unset_value(value)) return fallback;
  return trim(*value);
}

int read_int(const Getenv& getenv, const char* name, int fallback) {
  auto value = getenv(name);
  if (is_unset_value(value)) return fallback;
  const std::string text = trim(*value);
  int parsed = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc{} || ptr != text.data() + text.size()) {
    throw ConfigError(std::string(name) + " must be a whole number, got '" + text + "'");
  }
  return parsed;
}

void check_range(const char* name, int value, int min, int max) {
  if (value < min || value > max) {
    throw ConfigError(std::string(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                      ", got " + std::to_string(value));
  }
}

void check_url(const char* name, const std::string& text) {
  std::string why;
  auto url = parse_url(text, &why);
  if (!url) throw ConfigError(std::string(name) + " '" + text + "' is not a usable URL: " + why);
  if (url->scheme == "http" && !is_loopback_host(url->host)) {
    throw ConfigError(std::string(name) + " '" + text +
                      "' uses http://, which is accepted for loopback hosts only; use https://");
  }
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::optional<std::string> system_getenv(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  return std::string(value);
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string v = trim(std::string(text));
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  return std::nullopt;
}

bool parse_bool_setting(std::string_view name, std::string_view text) {
  if (auto value = parse_bool(text)) return *value;
  throw ConfigError(std::string(name) + " must be true/false, yes/no, on/off or 1/0 (any case), got '" +
                    std::string(text) + "'");
}

bool read_bool(const Getenv& getenv, const char* name, bool fallback) {
  auto value = getenv(name);
  if (is_unset_value(value)) return fallback;
  return parse_bool_setting(name, *value);
}

bool is_unset_value(const std::optional<std::string>& value) {
  if (!value) return true;
  const std::string text = trim(*value);
  if (text.empty()) return true;
  return text.starts_with("${") && text.ends_with("}");
}

std::string tenant_from_host(const std::string& base_url) {
  auto url = parse_url(base_url);
  if (!url) return {};
  static const char* const hosted[] = {".halopsa.com", ".haloitsm.com", ".haloservicedesk.com", ".nethelpdesk.com"};
  for (const char* suffix : hosted) {
    const std::string_view s(suffix);
    if (url->host.size() > s.size() && url->host.ends_with(s)) {
      std::string label = url->host.substr(0, url->host.size() - s.size());
      // Only a single label is a tenant name ("acme", not "eu.acme").
      if (label.find('.') == std::string::npos) return label;
    }
  }
  return {};
}

Config Config::from_env(const Getenv& getenv) {
  Config c;
  c.base_url = read_string(getenv, "HALOPSA_BASE_URL");
  c.auth_url = read_string(getenv, "HALOPSA_AUTH_URL");
  c.tenant = read_string(getenv, "HALOPSA_TENANT");
  c.client_id = read_string(getenv, "HALOPSA_CLIENT_ID");
  c.client_secret = read_string(getenv, "HALOPSA_CLIENT_SECRET");
  c.scope = read_string(getenv, "HALOPSA_SCOPE", c.scope);
  c.ca_file = read_string(getenv, "HALOPSA_CA_FILE");
  c.agent_client_id = read_string(getenv, "HALOPSA_AGENT_CLIENT_ID");
  c.agent_scope = read_string(getenv, "HALOPSA_AGENT_SCOPE", c.agent_scope);
  c.rate_limit = read_int(getenv, "HALOPSA_RATE_LIMIT", c.rate_limit);
  c.rate_window_seconds = read_int(getenv, "HALOPSA_RATE_WINDOW_SECONDS", c.rate_window_seconds);
  c.max_rate_wait_seconds = read_int(getenv, "HALOPSA_MAX_RATE_WAIT_SECONDS", c.max_rate_wait_seconds);
  c.connect_timeout_ms = read_int(getenv, "HALOPSA_CONNECT_TIMEOUT_MS", c.connect_timeout_ms);
  c.read_timeout_ms = read_int(getenv, "HALOPSA_READ_TIMEOUT_MS", c.read_timeout_ms);
  c.page_concurrency = read_int(getenv, "HALOPSA_PAGE_CONCURRENCY", c.page_concurrency);
  c.default_page_size = read_int(getenv, "HALOPSA_PAGE_SIZE", c.default_page_size);
  c.client_type_lookup_id = read_int(getenv, "HALOPSA_CLIENT_TYPE_LOOKUP_ID", c.client_type_lookup_id);
  return c;
}

bool Config::configured() const {
  return !base_url.empty() || !client_id.empty() || !client_secret.empty() || !auth_url.empty() || !tenant.empty() ||
         !agent_client_id.empty();
}

void Config::validate() const {
  if (configured()) {
    std::vector<std::string> missing;
    if (base_url.empty()) missing.push_back("HALOPSA_BASE_URL");
    // Agents signing in need no client-credentials pair; half of one is still a mistake.
    const bool agents_only = !agent_client_id.empty() && client_id.empty() && client_secret.empty();
    if (client_id.empty() && !agents_only) missing.push_back("HALOPSA_CLIENT_ID");
    if (client_secret.empty() && !agents_only) missing.push_back("HALOPSA_CLIENT_SECRET");
    if (!missing.empty()) {
      std::vector<std::string> given;
      if (!base_url.empty()) given.push_back("HALOPSA_BASE_URL");
      if (!auth_url.empty()) given.push_back("HALOPSA_AUTH_URL");
      if (!tenant.empty()) given.push_back("HALOPSA_TENANT");
      if (!client_id.empty()) given.push_back("HALOPSA_CLIENT_ID");
      if (!client_secret.empty()) given.push_back("HALOPSA_CLIENT_SECRET");
      if (!agent_client_id.empty()) given.push_back("HALOPSA_AGENT_CLIENT_ID");
      const bool plural = missing.size() > 1;
      throw ConfigError("HaloPSA is half-configured: " + join_names(missing) + (plural ? " are" : " is") +
                        " missing (set " + (plural ? "them" : "it") + ", or unset " + join_names(given) +
                        " to use the sandbox)");
    }
  }
  if (!base_url.empty()) check_url("HALOPSA_BASE_URL", base_url);
  if (!auth_url.empty()) check_url("HALOPSA_AUTH_URL", auth_url);
  if (scope.empty()) throw ConfigError("HALOPSA_SCOPE must not be empty (the default is 'all')");
  if (agent_scope.empty())
    throw ConfigError("HALOPSA_AGENT_SCOPE must not be empty (the default is 'all offline_access')");
  if (!ca_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(ca_file, ec)) {
      throw ConfigError("HALOPSA_CA_FILE '" + ca_file + "' is not a readable file");
    }
  }
  check_range("HALOPSA_RATE_LIMIT", rate_limit, 1, 100000);
  check_range("HALOPSA_RATE_WINDOW_SECONDS", rate_window_seconds, 1, 86400);
  check_range("HALOPSA_MAX_RATE_WAIT_SECONDS", max_rate_wait_seconds, 0, 3600);
  check_range("HALOPSA_CONNECT_TIMEOUT_MS", connect_timeout_ms, 1, 600000);
  check_range("HALOPSA_READ_TIMEOUT_MS", read_timeout_ms, 1, 3600000);
  check_range("HALOPSA_PAGE_CONCURRENCY", page_concurrency, 1, 64);
  check_range("HALOPSA_PAGE_SIZE", default_page_size, 1, 10000);
  check_range("HALOPSA_CLIENT_TYPE_LOOKUP_ID", client_type_lookup_id, 0, 1000000);
  check_range("max_retries", max_retries, 0, 20);
  check_range("backoff_base_ms", backoff_base_ms, 1, 60000);
  check_range("token_refresh_margin_seconds", token_refresh_margin_seconds, 0, 3600);
}

std::string Config::origin() const {
  std::string out = base_url;
  while (!out.empty() && out.back() == '/') out.pop_back();
  // People paste the API root; the API lives at {base}/api, so accept both.
  if (out.size() >= 4 && out.compare(out.size() - 4, 4, "/api") == 0) out.resize(out.size() - 4);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::string Config::api_base() const { return origin() + "/api"; }

std::string Config::default_auth_url() const { return origin() + "/auth"; }

}  // namespace halo
