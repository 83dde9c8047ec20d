// `--auth halo`: the glue between the OAuth authorization server (oauth/) and HaloPSA (halo/), which know nothing of
// each other. HaloUpstream lets agents sign in with HaloPSA (halo::AgentLogin as an oauth::Upstream); agent_scope()
// makes a signed-in caller's tool calls reach HaloPSA with that agent's own token.
#pragma once

#include <memory>
#include <string>

#include "halo/agent.h"
#include "halo/agent_login.h"
#include "oauth/clock.h"
#include "oauth/token_source.h"
#include "oauth/upstream.h"
#include "server/caller.h"

namespace app {

class HaloUpstream : public oauth::Upstream {
 public:
  HaloUpstream(std::shared_ptr<halo::AgentLogin> login, oauth::Clock clock = oauth::system_now)
      : login_(std::move(login)), clock_(std::move(clock)) {}
  std::string authorize_url(const std::string& redirect_uri, const std::string& state,
                            const std::string& code_challenge_s256) override;
  oauth::UpstreamTokens exchange_code(const std::string& code, const std::string& redirect_uri,
                                      const std::string& code_verifier) override;
  oauth::UpstreamTokens refresh(const std::string& refresh_token) override;
  oauth::UpstreamIdentity identify(const std::string& access_token) override;

 private:
  oauth::UpstreamTokens stamped(const halo::AgentTokens& tokens) const;
  std::shared_ptr<halo::AgentLogin> login_;
  oauth::Clock clock_;
};

// The agent a signed-in caller is, with their grant's HaloPSA token from `tokens` (refreshed ahead of expiry, and
// when HaloPSA refuses it early); null for a caller without a grant (stdio, the static-token mode).
std::shared_ptr<halo::AgentCredentials> agent_for(const mcp::CallerInfo* caller,
                                                  const std::shared_ptr<oauth::UpstreamTokenSource>& tokens);

}  // namespace app
