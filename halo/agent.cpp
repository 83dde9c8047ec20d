#include "halo/agent.h"

namespace halo {
namespace {
thread_local std::shared_ptr<AgentCredentials> t_agent;
}  // namespace

AgentScope::AgentScope(std::shared_ptr<AgentCredentials> agent) : outer_(std::move(t_agent)) {
  t_agent = std::move(agent);
}

AgentScope::~AgentScope() { t_agent = std::move(outer_); }

const std::shared_ptr<AgentCredentials>& AgentScope::current() { return t_agent; }

}  // namespace halo
