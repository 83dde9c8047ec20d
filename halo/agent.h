#pragma once
// The HaloPSA agent a call runs as. On a team server (`--auth halo`) every MCP caller has signed in with their own
// Halo account; the calls their tools make reach HaloPSA with that agent's access token, so Halo's own permissions
// decide and Halo's records name the agent. The composition root supplies the credentials (from its grant store);
// halo::Client only asks for a token, and for a fresh one after a 401.
#include <memory>
#include <string>

namespace halo {

// Who an agent is, as HaloPSA says (GET /api/Agent/me).
struct AgentIdentity {
  std::string id;     // Halo's agent id, as text ("11")
  std::string name;   // "Sarah Jones"
  std::string email;  // may be empty
};

class AgentCredentials {
 public:
  virtual ~AgentCredentials() = default;
  // The agent's current access token (refreshed ahead of expiry by the implementation). Throws halo::Error
  // (auth_failed: the agent must sign in again; network: HaloPSA's auth server did not answer).
  virtual std::string access_token() = 0;
  // HaloPSA answered 401 to `rejected`: a new token from the refresh token. Throws as access_token().
  virtual std::string refreshed(const std::string& rejected) = 0;
  virtual const AgentIdentity& identity() const = 0;
};

// While one lives, halo::Client calls on this thread run as `agent` (nullptr: as the API application). Nests; the
// client carries the agent onto the threads a list fetches pages with.
class AgentScope {
 public:
  explicit AgentScope(std::shared_ptr<AgentCredentials> agent);
  ~AgentScope();
  AgentScope(const AgentScope&) = delete;
  AgentScope& operator=(const AgentScope&) = delete;
  static const std::shared_ptr<AgentCredentials>& current();

 private:
  std::shared_ptr<AgentCredentials> outer_;
};

}  // namespace halo
