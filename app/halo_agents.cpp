#include "app/halo_agents.h"

#include "halo/errors.h"

namespace app {

std::string HaloUpstream::authorize_url(const std::string& redirect_uri, const std::string& state,
                                        const std::string& code_challenge_s256) {
  return login_->authorize_url(redirect_uri, state, code_challenge_s256);
}

oauth::UpstreamTokens HaloUpstream::stamped(const halo::AgentTokens& tokens) const {
  return {tokens.access_token, tokens.refresh_token, clock_() + tokens.expires_in};
}

oauth::UpstreamTokens HaloUpstream::exchange_code(const std::string& code, const std::string& redirect_uri,
                                                  const std::string& code_verifier) {
  return stamped(login_->exchange_code(code, code_verifier, redirect_uri));
}

oauth::UpstreamTokens HaloUpstream::refresh(const std::string& refresh_token) {
  oauth::UpstreamTokens fresh = stamped(login_->refresh(refresh_token));
  // HaloPSA may keep the refresh token rather than rotate it: then the one we have stays good.
  if (fresh.refresh_token.empty()) fresh.refresh_token = refresh_token;
  return fresh;
}

oauth::UpstreamIdentity HaloUpstream::identify(const std::string& access_token) {
  const halo::AgentIdentity who = login_->identify(access_token);
  return {who.id, who.name};
}

namespace {

// One caller's agent for the length of one request.
class GrantAgent : public halo::AgentCredentials {
 public:
  GrantAgent(std::shared_ptr<oauth::UpstreamTokenSource> tokens, std::string grant_id, halo::AgentIdentity who)
      : tokens_(std::move(tokens)), grant_id_(std::move(grant_id)), who_(std::move(who)) {}

  std::string access_token() override {
    return guarded([&] { return tokens_->access_token(grant_id_); });
  }
  // HaloPSA answered 401 before the token's expiry (revoked, or its lifetime shorter than it said): the token source
  // decides under the grant's refresh lock whether another call already replaced it or it must refresh now.
  std::string refreshed(const std::string& rejected) override {
    return guarded([&] { return tokens_->refreshed(grant_id_, rejected); });
  }
  const halo::AgentIdentity& identity() const override { return who_; }

 private:
  // The grant's HaloPSA sign-in is gone (revoked, or HaloPSA refused its refresh token): the tool says so.
  template <typename F>
  std::string guarded(F get) {
    try {
      return get();
    } catch (const oauth::SignInAgain& e) {
      throw halo::Error(halo::ErrorKind::auth_failed,
                        "HaloPSA no longer accepts agent " + who_.name + "'s sign-in (" + e.what() +
                            "): nothing was sent to HaloPSA; sign in to this server again");
    } catch (const oauth::StoreUnavailable&) {
      throw halo::Error(halo::ErrorKind::network,
                        "agent " + who_.name +
                            "'s HaloPSA sign-in is kept in this server's shared store, which is unreachable right "
                            "now: nothing was sent to HaloPSA; try again in a moment");
    }
  }

  std::shared_ptr<oauth::UpstreamTokenSource> tokens_;
  std::string grant_id_;
  halo::AgentIdentity who_;
};

}  // namespace

std::shared_ptr<halo::AgentCredentials> agent_for(const mcp::CallerInfo* caller,
                                                  const std::shared_ptr<oauth::UpstreamTokenSource>& tokens) {
  if (!caller || caller->grant_id.empty()) return nullptr;
  return std::make_shared<GrantAgent>(tokens, caller->grant_id,
                                      halo::AgentIdentity{caller->subject, caller->display_name, ""});
}

}  // namespace app
