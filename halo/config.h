#pragma once
// Where the HaloPSA tenant is and how the client behaves towards it. Loaded from the environment
// (main() lets command-line flags override the fields before validate()).
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace halo {

// A start-up problem the user must fix; the message says what to set.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Getenv = std::function<std::optional<std::string>(const char*)>;
std::optional<std::string> system_getenv(const char* name);

// Blank values and unexpanded "${...}" placeholders (left behind by MCP client configs) are unset.
bool is_unset_value(const std::optional<std::string>& value);

// The one way a boolean setting (an environment variable or a flag's value) is read: true/false, yes/no, on/off,
// 1/0, in any case, surrounding blanks ignored. Anything else is nullopt.
std::optional<bool> parse_bool(std::string_view text);
// parse_bool, or a ConfigError naming the setting, the value and the accepted values.
bool parse_bool_setting(std::string_view name, std::string_view text);
// The variable as a boolean; `fallback` when unset (blank or an unexpanded "${...}"). Throws ConfigError.
bool read_bool(const Getenv& getenv, const char* name, bool fallback = false);

// "acme" for acme.halopsa.com, acme.haloitsm.com, acme.haloservicedesk.com, acme.nethelpdesk.com;
// "" for any other host.
std::string tenant_from_host(const std::string& base_url);

struct Config {
  std::string base_url;       // HALOPSA_BASE_URL: tenant origin, e.g. https://acme.halopsa.com
  std::string auth_url;       // HALOPSA_AUTH_URL: optional; else {api}/authinfo, else {base}/auth
  std::string tenant;         // HALOPSA_TENANT: optional; else authinfo's tenant_id, else from host
  std::string client_id;      // HALOPSA_CLIENT_ID
  std::string client_secret;  // HALOPSA_CLIENT_SECRET (never logged)
  std::string scope = "all";  // HALOPSA_SCOPE
  std::string ca_file;        // HALOPSA_CA_FILE: PEM bundle used instead of the system CA store
  // HALOPSA_AGENT_CLIENT_ID: the "Authorisation Code (Native Application)" API application agents sign in through
  // (`--auth halo`, halo/agent_login.h). With it, the client-credentials pair is optional: every call then runs as
  // the signed-in agent.
  std::string agent_client_id;
  // HALOPSA_AGENT_SCOPE: what an agent's sign-in asks HaloPSA for; offline_access brings the refresh token.
  std::string agent_scope = "all offline_access";

  int rate_limit = 300;                   // HALOPSA_RATE_LIMIT: requests per window, shared by all calls
  int rate_window_seconds = 300;          // HALOPSA_RATE_WINDOW_SECONDS
  int max_rate_wait_seconds = 30;         // HALOPSA_MAX_RATE_WAIT_SECONDS: longest a call waits/retries
  int connect_timeout_ms = 10000;         // HALOPSA_CONNECT_TIMEOUT_MS
  int read_timeout_ms = 30000;            // HALOPSA_READ_TIMEOUT_MS
  int page_concurrency = 4;               // HALOPSA_PAGE_CONCURRENCY: pages in flight per list
  int default_page_size = 100;            // HALOPSA_PAGE_SIZE
  int max_retries = 3;                    // transient-failure retries per read (429s are bounded by time)
  int backoff_base_ms = 500;              // first backoff step; doubles per attempt, with jitter
  int token_refresh_margin_seconds = 60;  // refresh this long before expires_in runs out
  // What the token cache reads the time from; empty = std::chrono::steady_clock. Tests set it to make a token's
  // lifetime run out without waiting for it.
  std::function<std::chrono::steady_clock::time_point()> token_clock;
  // HALOPSA_CLIENT_TYPE_LOOKUP_ID: the Lookup table holding client types; 0 = find it in Halo's table of lookup
  // types (halo/lookup_tables.h). Lookup table ids differ between tenants.
  int client_type_lookup_id = 0;

  static Config from_env(const Getenv& getenv = system_getenv);  // throws ConfigError on bad numbers

  // True when any tenant setting (base_url, auth_url, tenant, client_id, client_secret, agent_client_id) is given:
  // the user meant a real tenant, so a missing piece is an error, never a reason to use the sandbox.
  bool configured() const;
  void validate() const;  // throws ConfigError naming what is missing or wrong

  std::string origin() const;            // base_url without trailing '/' (and without a pasted "/api")
  std::string api_base() const;          // {origin}/api
  std::string default_auth_url() const;  // {origin}/auth
};

}  // namespace halo
