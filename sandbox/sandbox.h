// The embedded HaloPSA-compatible tenant: Halo's REST API for the customer book (token endpoint, authinfo, Client,
// Site, Users, TopLevel, Lookup, Tickets, ClientContract) served by cpp-httplib on loopback, backed by SQLite.
// Tests and the MCP server talk to it over real HTTP, through the same client code as a real tenant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/faults.h"
#include "sandbox/quirks.h"
#include "sandbox/request_log.h"

namespace sandbox {

struct Options {
  std::string db_path = ":memory:";  // a file path or ":memory:"
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = ephemeral
  std::string client_id = "halopsa-sandbox";
  std::string client_secret = "sandbox-secret";
  std::string tenant = "sandbox";
  int token_ttl_seconds = 3600;
  // The native "Authorisation Code" application agents sign in through (GET/POST /auth/authorize): a public client
  // (no secret, PKCE S256). Redirect URIs allowed: exactly these; when empty, any loopback http URI (RFC 8252).
  // Settable at run time with POST /_sandbox/agent_app; a reset returns to these.
  std::string agent_app_client_id = "halopsa-sandbox-agents";
  std::vector<std::string> agent_app_redirect_uris;
  int auth_code_ttl_seconds = 60;
  int max_page_size = 100;     // Halo-like server-enforced cap on page_size
  int default_page_size = 50;  // the quiet default page without pageinate
  bool seed = true;            // seed the demo book when the database is empty
  int latency_ms = 0;          // added latency on every /api and /auth request
  // The rate limit the strict defaults carry (a reset returns to it): off for tests; the embedded sandbox the server
  // starts for users counts Halo's 300 requests per rolling 5 minutes.
  RateLimit rate_limit;
  // Quirk overrides applied at start and after every reset: a JSON object of settings, "kind" or "strict" (env
  // HALOPSA_SANDBOX_QUIRKS). Empty = the strict defaults. A bad value makes the constructor throw.
  std::string quirks;
};

// $XDG_DATA_HOME/halopsa-mcp/sandbox.db, else ~/.local/share/halopsa-mcp/sandbox.db; creates the folder.
// (HALOPSA_SANDBOX_DB and the --db flag are the caller's business.) Throws std::runtime_error when no home is known
// or the folder cannot be created.
std::string default_db_path();

class Sandbox {
 public:
  explicit Sandbox(Options options);  // opens (and seeds) the database; throws std::runtime_error
  ~Sandbox();                         // stops and joins
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Binds (throws std::runtime_error with a clear message on failure) and serves on a background thread; returns
  // once listening.
  void start();
  void stop();
  void wait();  // blocks until stopped (standalone mode)
  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  const Options& options() const;
  Faults& faults();         // programmatic fault injection (same as the HTTP control API)
  QuirkSwitches& quirks();  // the quirk switches (same as GET/POST /_sandbox/quirks)
  // The request log: entries with seq >= since (see GET /_sandbox/requests).
  std::vector<LoggedRequest> requests(std::uint64_t since = 0) const;
  void reset();  // wipe and reseed, quirks back to their defaults (POST /_sandbox/reset)
  std::size_t add_bulk_clients(std::size_t n, unsigned seed = 1);  // n synthetic active clients, one transaction

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `halopsa-mcp sandbox`: starts, prints one line with the URL and credentials to stderr, serves until SIGINT or
// SIGTERM. Returns the process exit code.
int run_standalone(Options options);

}  // namespace sandbox
