// Replicas behind a load balancer (--redis): what they share through Redis, wired into the layers that use it.
// halo/ gets a shared rate budget, tools/ locks for its duplicate guards, server/ a relay for resource changes, a
// write gate and /healthz lines, and the team server its OAuth store. Without --redis none of this exists and the process works alone, as before.
#pragma once

#include <memory>
#include <string>

#include "oauth/store.h"
#include "oauth/token_source.h"
#include "server/http_transport.h"
#include "server/mcp_server.h"
#include "tools/toolbox.h"

namespace app {

struct ReplicaSettings {
  std::string redis_url;      // --redis / HALOPSA_REDIS_URL; empty: one process
  int expected_replicas = 3;  // --expected-replicas / HALOPSA_EXPECTED_REPLICAS: the budget share when Redis is away
  std::string replica_id;     // --replica-id / HALOPSA_REPLICA_ID: prefix of session ids (sticky routing)
};

// Connects what the replicas share. Call after the halo client exists and before tools::register_all (the tools
// keep backend.locks); finish() after it. Throws halo::ConfigError for a bad setting (never echoing the password).
class Replicas {
 public:
  static std::unique_ptr<Replicas> join(const ReplicaSettings& settings, tools::Backend& backend);
  virtual ~Replicas() = default;
  // Relay for resource changes, the write gate, and the session id prefix and /healthz report for HTTP.
  virtual void finish(mcp::McpServer& server, mcp::HttpOptions& http) = 0;

  // What the team server (--auth halo) keeps in Redis, so a sign-in finished on one replica serves on every other:
  // the OAuth store, and the lock that lets one replica at a time refresh an agent's HaloPSA token.
  struct SharedOAuth {
    std::shared_ptr<oauth::Store> store;
    std::shared_ptr<oauth::RefreshLocks> refresh_locks;
  };
  virtual SharedOAuth oauth() const = 0;
};

}  // namespace app
