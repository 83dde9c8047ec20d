// Who a request comes from, when the HTTP transport authenticated it as a user (HttpOptions::auth). Set per request
// by the transport and carried to the tool call in its RequestContext; null for stdio and the static-token mode.
#pragma once

#include <set>
#include <string>

namespace mcp {

struct CallerInfo {
  std::string subject;       // the user's stable id at the identity provider
  std::string display_name;  // for logs and audit records
  std::set<std::string> scopes;
  std::string grant_id;   // the authorization the token belongs to (what its upstream credentials hang on)
  std::string client_id;  // the MCP client it was issued to
};

}  // namespace mcp
