#include "app/app.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <gnu/libc-version.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <spdlog/version.h>

#include "halo/client.h"
#include "halo/config.h"
#include "app/replicas.h"
#include "halo/doctor.h"
#include "app/team_server.h"
#include "sandbox/sandbox.h"
#include "server/audit_log.h"
#include "server/logging.h"
#include "server/mcp_server.h"
#include "server/http_security.h"
#include "server/http_transport.h"
#include "server/stdio_transport.h"
#include "tools/toolbox.h"

#ifndef HALOPSA_VERSION
#define HALOPSA_VERSION "0.0.0"
#endif

namespace app {

namespace {

struct Options {
  std::string log_level;
  // Boolean flags as given ("true" for a bare --flag, else its =value): resolve_booleans() reads them, and their
  // variables, through halo::parse_bool, so every boolean setting accepts the same words.
  std::string read_only_flag, redact_pii_flag, http_flag, stateless_flag;
  bool read_only = false;
  bool validate_output = false;
  std::string tools, toolsets, allow_writes;
  // HaloPSA overrides of the environment.
  std::string base_url, auth_url, tenant, client_id, client_secret, scope, ca_file;
  int rate_limit = 0;
  std::string sandbox_db;
  int sandbox_port = 0;
  std::string sandbox_quirks;  // sandbox --quirks (else env HALOPSA_SANDBOX_QUIRKS)
  std::string doctor_json;     // doctor --json FILE ("-" = stdout)
  std::string audit_log;
  bool redact_pii = false;
  // Transport: stdio unless --http.
  bool http = false;
  mcp::HttpOptions http_options;
  std::string token, allowed_origins, allowed_hosts;
  // --auth: "token" (the static bearer token, or none on loopback) or "halo" (agents sign in: app/team_server.h).
  std::string auth_mode;
  TeamServerOptions team;
  int session_idle_seconds = 1800;
  int sse_keepalive_seconds = 15;
  int header_timeout_seconds = 10;
  // Replicas (app/replicas.h): flags here, variables read in replica_settings().
  std::string redis_url, replica_id;
  int expected_replicas = 0;
};

std::string env_or(const char* name, std::string fallback) {
  auto value = halo::system_getenv(name);
  return halo::is_unset_value(value) ? fallback : *value;
}

// A flag wins over its variable (given with a value, `--read-only=false` beats HALOPSA_READ_ONLY=1). Throws
// halo::ConfigError, naming the flag or variable, for a value that is not a boolean.
bool flag_or_env(const std::string& flag_value, const char* flag, const char* variable) {
  if (!flag_value.empty()) return halo::parse_bool_setting(flag, flag_value);
  return variable ? halo::read_bool(halo::system_getenv, variable) : false;
}

void resolve_booleans(Options& o) {
  o.read_only = flag_or_env(o.read_only_flag, "--read-only", "HALOPSA_READ_ONLY");
  o.redact_pii = flag_or_env(o.redact_pii_flag, "--redact-pii", "HALOPSA_REDACT_PII");
  o.http = flag_or_env(o.http_flag, "--http", nullptr);
  o.http_options.stateless = flag_or_env(o.stateless_flag, "--stateless", nullptr);
  o.validate_output = halo::read_bool(halo::system_getenv, "HALOPSA_VALIDATE_OUTPUT");
}

std::set<std::string> split_list(const std::string& text) {
  std::set<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.insert(item.substr(b, e - b + 1));
  }
  return out;
}

const char* kEnvironmentHelp = R"(
Environment (a flag wins over its variable; blank values and unexpanded ${...} count as unset):
  HALOPSA_BASE_URL        tenant origin, e.g. https://acme.halopsa.com (unset: use the sandbox)
  HALOPSA_AUTH_URL        authorisation server (default: GET {base}/api/authinfo, else {base}/auth)
  HALOPSA_TENANT          tenant name (default: derived from a {tenant}.halopsa.com host)
  HALOPSA_CLIENT_ID       API application client id (client credentials)
  HALOPSA_CLIENT_SECRET   API application client secret (never logged)
  HALOPSA_SCOPE           OAuth scope (default: all)
  HALOPSA_CA_FILE         PEM CA bundle instead of the system store
  HALOPSA_RATE_LIMIT      client-side budget: requests per rolling window (default 300)
  HALOPSA_RATE_WINDOW_SECONDS  the window (default 300)
  HALOPSA_READ_ONLY=1     expose and allow no tool that writes (every boolean, a variable or a switch's
                          =value as in --read-only=false: true/false, yes/no, on/off, 1/0 in any case;
                          anything else stops the server)
  HALOPSA_TOOLS, HALOPSA_TOOLSETS, HALOPSA_ALLOW_WRITES  comma lists, as the flags
  HALOPSA_LOG_LEVEL       trace, debug, info, warn, error, critical, off (default info; logs go to stderr)
  HALOPSA_SANDBOX_DB      sandbox database file, or :memory: (default ~/.local/share/halopsa-mcp/sandbox.db)
  HALOPSA_AUDIT_LOG       file to append a JSON line to for every write tool call (off by default)
  HALOPSA_REDACT_PII=1    mask e-mail addresses and phone numbers in tool results
  HALOPSA_MCP_TOKEN       with --http: the bearer token clients must send (never logged, never sent to HaloPSA)
  HALOPSA_REDIS_URL       redis://[:password@]host[:port][/db]: replicas share the rate budget, duplicate-guard
                          locks and resource changes there (docs/deployment.md; the password is never logged)
  HALOPSA_EXPECTED_REPLICAS  how many replicas share the budget: each keeps to 1/N of it while Redis is away
                          (default 3)
  HALOPSA_REPLICA_ID      this replica's name: it starts every session id, for sticky routing (deploy/nginx.conf)
  HALOPSA_MCP_AUTH        token (default) or halo: each user signs in as their own HaloPSA agent (--auth)
  HALOPSA_AGENT_CLIENT_ID --auth halo: the 'Authorisation Code (Native Application)' API application's client ID
  HALOPSA_AGENT_SCOPE     --auth halo: the scope agents' sign-ins ask HaloPSA for (default: all offline_access)
  HALOPSA_MCP_PUBLIC_URL  --auth halo: the https URL clients reach this server at (the OAuth issuer)
  HALOPSA_MCP_KEY_FILE, HALOPSA_MCP_KEY  --auth halo: 32-byte key (64 hex digits or base64) sealing the agents'
                          HaloPSA tokens at rest; required on a real tenant (never logged)
  HALOPSA_MCP_OAUTH_DB    --auth halo: SQLite file of registrations, grants and tokens (with --redis: kept in Redis)
                          (default ~/.local/share/halopsa-mcp/oauth.db; :memory: on the sandbox)
  HALOPSA_MCP_REGISTRATION  --auth halo: dynamic client registration open (default), token, off
  HALOPSA_MCP_REGISTRATION_TOKEN  the initial access token registration=token requires
  HALOPSA_MCP_REDIRECT_URIS  --auth halo: comma list of redirect URIs clients may register ('*' matches any run)
  HALOPSA_MCP_CLIENT_METADATA_DOCUMENTS  --auth halo: accept client ID metadata documents (default on)

Without HALOPSA_BASE_URL the server starts an embedded sandbox tenant (seeded demo data) on loopback
and says so on stderr, in its instructions and in the halopsa_status tool.
)";

std::string sandbox_db_path(const Options& o) {
  if (!o.sandbox_db.empty()) return o.sandbox_db;
  return env_or("HALOPSA_SANDBOX_DB", sandbox::default_db_path());
}

app::ReplicaSettings replica_settings(const Options& o) {
  app::ReplicaSettings s;
  s.redis_url = o.redis_url.empty() ? env_or("HALOPSA_REDIS_URL", "") : o.redis_url;
  s.replica_id = o.replica_id.empty() ? env_or("HALOPSA_REPLICA_ID", "") : o.replica_id;
  s.expected_replicas = o.expected_replicas;
  if (s.expected_replicas == 0) {
    const std::string text = env_or("HALOPSA_EXPECTED_REPLICAS", "3");
    std::size_t used = 0;
    try {
      s.expected_replicas = std::stoi(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size())
      throw halo::ConfigError("HALOPSA_EXPECTED_REPLICAS: \"" + text + "\" is not a whole number");
  }
  return s;
}

halo::Config halo_config(const Options& o) {
  halo::Config config = halo::Config::from_env();
  auto take = [](std::string& field, const std::string& flag) {
    if (!flag.empty()) field = flag;
  };
  take(config.base_url, o.base_url);
  take(config.auth_url, o.auth_url);
  take(config.tenant, o.tenant);
  take(config.client_id, o.client_id);
  take(config.client_secret, o.client_secret);
  take(config.scope, o.scope);
  take(config.ca_file, o.ca_file);
  if (o.rate_limit > 0) config.rate_limit = o.rate_limit;
  return config;
}

// SIGTERM/SIGINT are taken by a watcher thread, which asks the transport to finish. They are blocked
// before any thread starts, so no other thread can be killed by them; SIGUSR2 only wakes the watcher.
sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

template <typename Stop>
std::thread watch_signals(sigset_t set, Stop stop) {
  return std::thread([set, stop] {
    int sig = 0;
    if (sigwait(&set, &sig) == 0 && sig != SIGUSR2) {
      spdlog::info("signal {}: finishing calls in flight and exiting", sig);
      stop();
    }
  });
}

// The embedded sandbox, started and `config` pointed at it as a tenant. Users get hosted Halo's budget (300 requests
// per rolling 5 minutes), so a tool that would exhaust it on a real tenant does so here too.
std::unique_ptr<sandbox::Sandbox> start_embedded_sandbox(const std::string& db_path, halo::Config& config) {
  sandbox::Options so;
  so.db_path = db_path;
  so.rate_limit = {300, 300};
  auto embedded = std::make_unique<sandbox::Sandbox>(so);
  embedded->start();
  config.base_url = embedded->base_url();
  config.client_id = so.client_id;
  config.client_secret = so.client_secret;
  config.tenant = so.tenant;
  config.agent_client_id = so.agent_app_client_id;  // agents sign in there with --auth halo
  return embedded;
}

// `halopsa-mcp doctor`: the read-only self-check (halo/doctor.h) against the configured tenant, else the embedded
// sandbox. The table goes to stdout (to stderr when the JSON does); exit 1 when a tool would misbehave.
int doctor(const Options& o) {
  halo::Config config = halo_config(o);
  std::unique_ptr<sandbox::Sandbox> embedded;
  std::string backend = "tenant";
  if (!config.configured()) {
    embedded = start_embedded_sandbox(sandbox_db_path(o), config);
    backend = "sandbox";
  }
  const halo::doctor::Report report = halo::doctor::run(config, backend);
  const std::string json_text = report.to_json().dump(2) + "\n";
  if (o.doctor_json == "-") {
    std::cerr << report.table();
    std::cout << json_text << std::flush;
  } else {
    std::cout << report.table() << std::flush;
    if (!o.doctor_json.empty()) {
      std::ofstream out(o.doctor_json, std::ios::trunc);
      out << json_text;
      if (!out) {
        std::cerr << "halopsa-mcp doctor: cannot write " << o.doctor_json << "\n";
        return 2;
      }
    }
  }
  return report.has_problem() ? 1 : 0;
}

// Wakes the watcher if no signal came (SIGUSR2 stays pending until its sigwait takes it) and waits for it, so it
// never outlives the transport or logs while the process tears spdlog down.
void end_watcher(std::thread& watcher) {
  pthread_kill(watcher.native_handle(), SIGUSR2);
  watcher.join();
}

std::string default_oauth_db() {
  // Beside the sandbox's default database: the same per-user data folder.
  const std::string sandbox_db = sandbox::default_db_path();
  return sandbox_db.substr(0, sandbox_db.find_last_of('/') + 1) + "oauth.db";
}

int serve(const Options& o) {
  const std::string auth_mode = o.auth_mode.empty() ? env_or("HALOPSA_MCP_AUTH", "token") : o.auth_mode;
  if (auth_mode != "token" && auth_mode != "halo")
    throw halo::ConfigError("--auth '" + auth_mode +
                            "': use token (one shared bearer token) or halo (each user signs in "
                            "as their HaloPSA agent)");
  const bool team_mode = auth_mode == "halo";
  if (team_mode && !o.http) throw halo::ConfigError("--auth halo is for --http: over stdio the user is the process");
  if (team_mode && (!o.token.empty() || !halo::is_unset_value(halo::system_getenv("HALOPSA_MCP_TOKEN"))))
    throw halo::ConfigError(
        "--auth halo and a static token (--token / HALOPSA_MCP_TOKEN) exclude each other: unset one");
  sigset_t signals = block_shutdown_signals();
  halo::Config config = halo_config(o);
  std::unique_ptr<sandbox::Sandbox> embedded;
  tools::Backend backend;
  if (config.configured()) {
    if (team_mode) require_agent_app(config);
    config.validate();
    backend.kind = "tenant";
  } else {
    backend.kind = "sandbox";
    backend.sandbox_db = sandbox_db_path(o);
    embedded = start_embedded_sandbox(backend.sandbox_db, config);
    spdlog::warn("========================================================================");
    spdlog::warn("SANDBOX MODE: no HALOPSA_BASE_URL set. Serving an embedded demo HaloPSA tenant");
    spdlog::warn("at {} (data: {}). Nothing here touches a real HaloPSA.", embedded->base_url(), backend.sandbox_db);
    spdlog::warn("========================================================================");
  }
  auto client = std::make_shared<halo::Client>(config);
  // A team server never acts as the API application on a caller's behalf: each call runs as the caller's agent.
  client->require_agent(team_mode);
  backend.halo = client;
  // Before the tools are registered: they keep the duplicate guards' locks.
  const auto replicas = Replicas::join(replica_settings(o), backend);

  auto server = std::make_shared<mcp::McpServer>();
  server->info.name = "halopsa-mcp";
  server->info.title = "HaloPSA customer book";
  server->info.version = HALOPSA_VERSION;
  tools::register_all(*server, backend);
  server->info.instructions = tools::instructions(backend);
  mcp::HttpOptions http = o.http_options;
  if (replicas) replicas->finish(*server, http);

  mcp::ToolPolicy policy;
  policy.read_only = o.read_only;
  policy.tools = split_list(o.tools.empty() ? env_or("HALOPSA_TOOLS", "") : o.tools);
  policy.toolsets = split_list(o.toolsets.empty() ? env_or("HALOPSA_TOOLSETS", "") : o.toolsets);
  std::string writes = o.allow_writes.empty() ? env_or("HALOPSA_ALLOW_WRITES", "") : o.allow_writes;
  if (!writes.empty()) policy.allow_writes = split_list(writes);
  server->apply(policy);  // tools, prompts, resources and completion alike
  if (o.validate_output) server->tools.set_validate_output(true);
  std::string audit_path = o.audit_log.empty() ? env_or("HALOPSA_AUDIT_LOG", "") : o.audit_log;
  if (!audit_path.empty()) {
    server->tools.set_audit_log(mcp::AuditLog::open(audit_path));
    spdlog::info("audit log: every write tool call is recorded in {}", audit_path);
  }
  if (o.redact_pii) {
    server->tools.set_pii_redactor(std::make_shared<mcp::PiiRedactor>());
    spdlog::info("e-mail addresses and phone numbers are masked in tool results (--redact-pii)");
  }
  spdlog::info("halopsa-mcp {} serving {} tools over {} ({} backend{})", HALOPSA_VERSION, server->tools.size(),
               o.http ? "HTTP" : "stdio", backend.kind, policy.read_only ? ", read-only" : "");

  TeamServer team;
  if (team_mode) {
    TeamServerOptions t = o.team;
    auto take = [](std::string& field, const char* variable) {
      if (field.empty()) field = env_or(variable, "");
    };
    take(t.public_url, "HALOPSA_MCP_PUBLIC_URL");
    take(t.key_file, "HALOPSA_MCP_KEY_FILE");
    take(t.store_path, "HALOPSA_MCP_OAUTH_DB");
    take(t.registration, "HALOPSA_MCP_REGISTRATION");
    take(t.registration_token, "HALOPSA_MCP_REGISTRATION_TOKEN");
    take(t.redirect_uris, "HALOPSA_MCP_REDIRECT_URIS");
    take(t.metadata_documents, "HALOPSA_MCP_CLIENT_METADATA_DOCUMENTS");
    take(t.metadata_internal_hosts, "HALOPSA_MCP_METADATA_INTERNAL_HOSTS");
    t.sandbox = embedded != nullptr;
    if (t.store_path.empty()) t.store_path = t.sandbox ? ":memory:" : default_oauth_db();
    if (replicas) {
      const auto shared = replicas->oauth();
      t.shared_store = shared.store;
      t.refresh_locks = shared.refresh_locks;
    }
    t.host = o.http_options.host;
    t.port = o.http_options.port;
    team = make_team_server(t, config, *server);
    server->request_scope = team.request_scope;
  }

  int code = 0;
  std::thread watcher;
  if (o.http) {
    http.token = o.token.empty() ? env_or("HALOPSA_MCP_TOKEN", "") : o.token;
    http.auth = team.auth;
    http.allowed_origins = mcp::parse_host_or_origin_list(o.allowed_origins);
    http.allowed_hosts = mcp::parse_host_or_origin_list(o.allowed_hosts);
    http.session_idle_timeout = std::chrono::seconds(o.session_idle_seconds);
    http.keepalive_interval = std::chrono::seconds(o.sse_keepalive_seconds);
    http.header_timeout = std::chrono::seconds(o.header_timeout_seconds);
    mcp::HttpTransport transport(std::move(http));
    watcher = watch_signals(signals, [&transport] { transport.stop(); });
    code = transport.run(server);
    end_watcher(watcher);  // before the transport it may be stopping goes away
  } else {
    if (isatty(STDIN_FILENO))
      spdlog::info(
          "waiting for MCP messages on stdin; connect an MCP client to this binary (see README), "
          "or type JSON-RPC lines; Ctrl-D ends");
    mcp::StdioTransport transport;
    watcher = watch_signals(signals, [&transport] { transport.stop(); });
    code = transport.run(server);
    end_watcher(watcher);
  }
  // The sandbox's stop() waits for open keep-alive connections: close the client's idle ones first.
  client->close_idle_connections();
  if (embedded) embedded->stop();
  return code;
}

}  // namespace

namespace {

// `--version`: ours on the first line, then what the binary is made of (the linked libraries report their own
// version at run time where they can, so a shared-library build names the ones it actually loaded).
std::string version_text() {
  std::ostringstream out;
  out << HALOPSA_VERSION << "\n"
      << OpenSSL_version(OPENSSL_VERSION) << "\n"
      << "SQLite " << sqlite3_libversion() << "\n"
      << "cpp-httplib " << CPPHTTPLIB_VERSION << "\n"
      << "spdlog " << SPDLOG_VER_MAJOR << '.' << SPDLOG_VER_MINOR << '.' << SPDLOG_VER_PATCH << "\n"
      << "fmt " << FMT_VERSION / 10000 << '.' << FMT_VERSION / 100 % 100 << '.' << FMT_VERSION % 100 << "\n"
      << "nlohmann_json " << NLOHMANN_JSON_VERSION_MAJOR << '.' << NLOHMANN_JSON_VERSION_MINOR << '.'
      << NLOHMANN_JSON_VERSION_PATCH << "\n"
      << "CLI11 " << CLI11_VERSION << "\n"
      << "glibc " << gnu_get_libc_version() << " (running)";
#ifdef HALOPSA_PORTABLE_GLIBC
  out << "; portable build: all of the above linked in, needs glibc >= " HALOPSA_PORTABLE_GLIBC;
#endif
  return out.str();
}

}  // namespace

int run(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options o;
  CLI::App cli{"halopsa-mcp " HALOPSA_VERSION
               ": an MCP server for the HaloPSA customer book (clients, sites, contacts).\n"
               "By default it speaks MCP over stdio; point any MCP client at this binary.",
               "halopsa-mcp"};
  cli.footer(kEnvironmentHelp);
  cli.set_version_flag("--version", version_text());
  cli.add_option("--log-level", o.log_level, "Log level on stderr (env HALOPSA_LOG_LEVEL; default info)");
  cli.add_flag("--read-only", o.read_only_flag, "Expose and allow no tool that writes (env HALOPSA_READ_ONLY=1)");
  cli.add_option("--tools", o.tools, "Comma list: expose only these tools (env HALOPSA_TOOLS)");
  cli.add_option(
      "--toolsets", o.toolsets,
      "Comma list: expose only these toolsets, e.g. clients,sites,contacts,workflows (env HALOPSA_TOOLSETS)");
  cli.add_option("--audit-log", o.audit_log,
                 "Append a JSON line for every write tool call to FILE, flushed per line (env HALOPSA_AUDIT_LOG)");
  cli.add_flag(
      "--redact-pii", o.redact_pii_flag,
      "Mask e-mail addresses and phone numbers in tool results, for shared deployments (env HALOPSA_REDACT_PII=1)");
  cli.add_option("--allow-writes", o.allow_writes,
                 "Comma list of toolsets whose write tools are allowed, e.g. clients,sites (env HALOPSA_ALLOW_WRITES)");
  auto* halo_group = "HaloPSA tenant (override the HALOPSA_* environment)";
  cli.add_option("--base-url", o.base_url, "Tenant origin, e.g. https://acme.halopsa.com")->group(halo_group);
  cli.add_option("--auth-url", o.auth_url, "Authorisation server URL")->group(halo_group);
  cli.add_option("--tenant", o.tenant, "Tenant name")->group(halo_group);
  cli.add_option("--client-id", o.client_id, "API application client id")->group(halo_group);
  cli.add_option("--client-secret", o.client_secret,
                 "API application secret (prefer HALOPSA_CLIENT_SECRET: flags are visible in ps)")
      ->group(halo_group);
  cli.add_option("--scope", o.scope, "OAuth scope (default all)")->group(halo_group);
  cli.add_option("--ca-file", o.ca_file, "PEM CA bundle for HTTPS")->group(halo_group);
  cli.add_option("--rate-limit", o.rate_limit, "Requests per rolling 5 minutes (default 300)")->group(halo_group);
  cli.add_option("--sandbox-db", o.sandbox_db, "Sandbox database file or :memory: (env HALOPSA_SANDBOX_DB)")
      ->group("Sandbox");

  auto* http_group = "HTTP transport (instead of stdio)";
  auto& ho = o.http_options;
  cli.add_flag("--http", o.http_flag, "Serve Streamable HTTP at /mcp and legacy SSE at /sse + /messages")
      ->group(http_group);
  cli.add_option("--host", ho.host, "Address to bind (default 127.0.0.1; elsewhere, set a token)")->group(http_group);
  cli.add_option("--port", ho.port, "Port (default 8080; 0 picks a free one, logged on stderr)")
      ->check(CLI::Range(0, 65535))
      ->group(http_group);
  cli.add_option("--token", o.token,
                 "Bearer token clients must send (env HALOPSA_MCP_TOKEN; prefer the variable: flags show in ps)")
      ->group(http_group);
  cli.add_option("--allowed-origins", o.allowed_origins,
                 "Comma list of browser origins allowed (and answered with CORS headers) besides loopback ones, "
                 "e.g. https://app.example.com")
      ->group(http_group);
  cli.add_option("--allowed-hosts", o.allowed_hosts,
                 "Comma list of Host header values allowed (default: loopback names when bound to loopback)")
      ->group(http_group);
  auto* team_group = "Team server (--auth halo: each user signs in as their HaloPSA agent; docs/team-server.md)";
  cli.add_option("--auth", o.auth_mode,
                 "token (default: --token/HALOPSA_MCP_TOKEN, or none on loopback) or halo: an OAuth authorization "
                 "server whose users sign in with HaloPSA, each call running as their agent (env HALOPSA_MCP_AUTH)")
      ->group(team_group);
  cli.add_option("--public-url", o.team.public_url,
                 "The https URL clients reach this server at, the OAuth issuer (env HALOPSA_MCP_PUBLIC_URL; default "
                 "http://HOST:PORT on loopback)")
      ->group(team_group);
  cli.add_option("--key-file", o.team.key_file,
                 "File holding the 32-byte key that seals agents' HaloPSA tokens at rest (env HALOPSA_MCP_KEY_FILE, "
                 "or the key itself in HALOPSA_MCP_KEY)")
      ->group(team_group);
  cli.add_option("--oauth-db", o.team.store_path,
                 "SQLite file of client registrations, grants and tokens (env HALOPSA_MCP_OAUTH_DB)")
      ->group(team_group);
  cli.add_option("--registration", o.team.registration,
                 "Dynamic client registration: open (default), token (needs HALOPSA_MCP_REGISTRATION_TOKEN) or off "
                 "(env HALOPSA_MCP_REGISTRATION)")
      ->group(team_group);
  cli.add_option("--redirect-uris", o.team.redirect_uris,
                 "Comma list of redirect URIs clients may use, '*' matching any run of characters, e.g. "
                 "https://claude.ai/api/mcp/auth_callback (env HALOPSA_MCP_REDIRECT_URIS; default: any)")
      ->group(team_group);
  cli.add_option("--client-metadata-documents", o.team.metadata_documents,
                 "Accept https client IDs naming a client ID metadata document: on (default) or off "
                 "(env HALOPSA_MCP_CLIENT_METADATA_DOCUMENTS)")
      ->group(team_group);
  cli.add_flag("--stateless", o.stateless_flag, "No sessions (for replicas behind a load balancer); no GET stream")
      ->group(http_group);
  auto* replica_group = "Replicas behind a load balancer (docs/deployment.md)";
  cli.add_option("--redis", o.redis_url,
                 "redis://[:password@]host[:port][/db]: share the rate budget, duplicate-guard locks and resource "
                 "changes with the other replicas there (env HALOPSA_REDIS_URL; prefer it: flags show in ps)")
      ->group(replica_group);
  cli.add_option(
         "--expected-replicas", o.expected_replicas,
         "Replicas sharing the budget; each keeps to 1/N of it while Redis is away (env HALOPSA_EXPECTED_REPLICAS; default 3)")
      ->check(CLI::Range(1, 1000))
      ->group(replica_group);
  cli.add_option(
         "--replica-id", o.replica_id,
         "This replica's name; it starts every session id so a load balancer can keep a session on it (env HALOPSA_REPLICA_ID)")
      ->group(replica_group);
  cli.add_option("--max-sessions", ho.max_sessions, "Open sessions at most (default 1000)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);
  cli.add_option("--session-idle-timeout", o.session_idle_seconds, "Seconds before an idle session ends (default 1800)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);
  cli.add_option("--max-body-bytes", ho.max_body_bytes,
                 "Largest request body accepted, counted as read whatever the transfer encoding (chunked too); "
                 "more is answered 413 as soon as it arrives (default 4194304)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);
  cli.add_option("--max-header-lines", ho.max_header_lines,
                 "Header lines one request may carry; more is answered 431 before any check (default 100)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);
  cli.add_option("--max-header-bytes", ho.max_header_bytes,
                 "Bytes of request line and headers one request may carry; more is answered 431 (default 65536)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);
  cli.add_option("--header-timeout", o.header_timeout_seconds,
                 "Seconds from a request's first byte to the end of its headers, however slowly they come; "
                 "later is answered 408 (default 10)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);
  cli.add_option("--max-connections-per-client", ho.max_connections_per_client,
                 "Connections open at once from one client address; more are answered 429 (default 64; 0: no cap, "
                 "e.g. behind a reverse proxy, where every client shares its address)")
      ->check(CLI::NonNegativeNumber)
      ->group(http_group);
  cli.add_option("--max-streams", ho.max_streams, "Long-lived SSE streams open at once (default 32)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);
  cli.add_option("--sse-keepalive", o.sse_keepalive_seconds,
                 "Seconds between keep-alive comments on idle SSE streams (default 15)")
      ->check(CLI::PositiveNumber)
      ->group(http_group);

  auto* sandbox_cmd = cli.add_subcommand("sandbox", "Serve the sandbox tenant's HaloPSA API standalone on loopback");
  sandbox_cmd->add_option("--port", o.sandbox_port, "Port (default: any free port)");
  sandbox_cmd->add_option("--db", o.sandbox_db, "Database file or :memory:");
  sandbox_cmd->add_option("--quirks", o.sandbox_quirks,
                          "Quirk switches: a JSON object of settings, kind or strict (default strict; env "
                          "HALOPSA_SANDBOX_QUIRKS; see sandbox/README.md)");

  auto* doctor_cmd = cli.add_subcommand(
      "doctor",
      "Read-only self-check of the configured HaloPSA tenant (else the embedded sandbox): token and scopes, paging, "
      "what list rows carry, lookup tables, custom fields, search, rate-limit headers. GETs only, at most " +
          std::to_string(halo::doctor::kMaxRequests) + " requests. Prints a table; exit 1 when a tool would misbehave");
  doctor_cmd->add_option("--json", o.doctor_json,
                         "Also write the report as JSON to FILE (- for stdout): no secret, no record values");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  try {
    mcp::setup_logging(o.log_level.empty() ? env_or("HALOPSA_LOG_LEVEL", "info") : o.log_level);
  } catch (const std::exception& e) {
    std::cerr << "halopsa-mcp: " << e.what() << "\n";
    return 2;
  }

  try {
    if (*doctor_cmd) return doctor(o);
    if (*sandbox_cmd) {
      sandbox::Options so;
      so.db_path = sandbox_db_path(o);
      so.port = o.sandbox_port;
      so.quirks = o.sandbox_quirks.empty() ? env_or("HALOPSA_SANDBOX_QUIRKS", "") : o.sandbox_quirks;
      return sandbox::run_standalone(so);
    }
    resolve_booleans(o);  // before anything starts: a value that is not a boolean stops the server here
    return serve(o);
  } catch (const halo::ConfigError& e) {
    spdlog::critical("configuration: {}", e.what());
    return 2;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}

}  // namespace app
