// /api/Client, /Site, /Users, /TopLevel, /Lookup, /Tickets, /ClientContract, /FieldInfo, /PopupNote and /Agent.
#include <charconv>
#include <optional>

#include "sandbox/service.h"

namespace sandbox {

using nlohmann::json;

namespace {

struct Resource {
  const char* name;  // lower-case path segment
  std::optional<Kind> kind;
  bool writable;
  bool deletable;
  const char* scope_area;  // read:<area> / edit:<area>
};

const Resource kResources[] = {
    {"client", Kind::Client, true, true, "customers"},
    {"site", Kind::Site, true, true, "customers"},
    {"users", Kind::User, true, true, "customers"},
    {"toplevel", Kind::TopLevel, true, false, "customers"},
    {"tickets", Kind::Ticket, false, false, "tickets"},
    {"clientcontract", Kind::Contract, false, false, "contracts"},
    {"lookup", std::nullopt, true, false, "customers"},
    {"fieldinfo", std::nullopt, false, false, "customers"},
    {"popupnote", std::nullopt, false, false, "customers"},
};

// The record id of a path segment ("12"), or nullopt when it is not one.
std::optional<long long> path_id(const std::string& segment) {
  long long id = 0;
  auto [p, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), id);
  if (ec != std::errc() || p != segment.data() + segment.size()) return std::nullopt;
  return id;
}

void no_resource(httplib::Response& res, const httplib::Request& req) {
  send_json(res, 404, {{"Message", "No HTTP resource was found that matches the request URI '" + req.path + "'."}});
}

void not_supported(httplib::Response& res, const std::string& method) {
  send_json(res, 405, {{"Message", "The requested resource does not support http method '" + method + "'."}});
}

// GET /api/Agent, /api/Agent/me, /api/Agent/{id}. Any accepted token may read agents (docs/halopsa-quirks.md: no
// scope names them).
void handle_agent(Service& svc, const std::vector<std::string>& segments, const httplib::Request& req,
                  httplib::Response& res, const Caller& caller) {
  if (req.method != "GET") return not_supported(res, req.method);
  if (segments.size() == 1) return send_json(res, 200, svc.store.list_agents(query_params(req)));
  if (to_lower(segments[1]) == "me") return send_json(res, 200, agent_json(caller.agent));
  const std::optional<long long> id = path_id(segments[1]);
  if (!id) return no_resource(res, req);
  send_json(res, 200, svc.store.get_agent(*id));
}

json parse_body(const httplib::Request& req) {
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded())
    throw ApiError(400, {{"$", "The request body is not valid JSON: send a JSON array of records."}});
  return body;
}

// Halo answers a POST with 201 (observed for Tickets, create and update); the body is the saved record for one, the
// array for several (post_answer "object"), or always the array ("array"): nothing public shows which.
void write_reply(Service& svc, httplib::Response& res, json saved) {
  const bool object = svc.quirks.get().post_answer == Quirks::PostAnswer::Object;
  send_json(res, 201, object && saved.size() == 1 ? saved[0] : saved);
}

}  // namespace

void handle_api(Service& svc, const std::vector<std::string>& segments, const httplib::Request& req,
                httplib::Response& res, const Caller& caller) {
  if (!segments.empty() && segments.size() <= 2 && to_lower(segments[0]) == "agent")
    return handle_agent(svc, segments, req, res, caller);
  const std::string& scope = caller.scope;
  const Resource* resource = nullptr;
  if (!segments.empty())
    for (const auto& r : kResources)
      if (to_lower(segments[0]) == r.name) resource = &r;
  if (!resource || segments.size() > 2) return no_resource(res, req);
  std::optional<long long> id;
  if (segments.size() == 2) {
    id = path_id(segments[1]);
    if (!id) return no_resource(res, req);
  }
  const QueryParams query = query_params(req);
  if (!scope_allows(scope, resource->scope_area, req.method != "GET")) {
    send_json(res, 403,
              {{"Message", std::string("The token's scope (") + scope + ") does not allow " +
                               (req.method == "GET" ? "reading " : "changing ") + resource->scope_area +
                               " records: it needs " + (req.method == "GET" ? "read:" : "edit:") +
                               resource->scope_area + " or all."}});
    return;
  }
  // Halo applies the signed-in agent's own permissions on top of the token's scope (assumed body: Halo's
  // {"Message"} shape, as for a scope refusal).
  if (req.method != "GET" && !caller.agent.can_edit) {
    send_json(res, 403,
              {{"Message", "Agent '" + caller.agent.name +
                               "' does not have permission to make this change: "
                               "their access to " +
                               resource->scope_area + " is read-only."}});
    return;
  }

  if (to_lower(segments[0]) == "fieldinfo") {
    if (req.method == "GET" && !id) return send_json(res, 200, svc.store.list_field_info(query));
    return not_supported(res, req.method);
  }
  if (to_lower(segments[0]) == "popupnote") {
    if (req.method == "GET" && !id) return send_json(res, 200, svc.store.list_popup_notes(query));
    return not_supported(res, req.method);
  }
  if (!resource->kind) {  // Lookup
    if (id) return not_supported(res, req.method);
    if (req.method == "GET") return send_json(res, 200, svc.store.list_lookups(query));
    if (req.method == "POST") return write_reply(svc, res, svc.store.save_lookups(parse_body(req)));
    return not_supported(res, req.method);
  }
  const Kind kind = *resource->kind;
  if (req.method == "GET") {
    if (id) return send_json(res, 200, svc.store.get(kind, *id, query));
    const PageLimits limits{svc.options.default_page_size, svc.options.max_page_size};
    return send_json(res, 200, svc.store.list(kind, query, limits));
  }
  if (req.method == "POST" && !id && resource->writable)
    return write_reply(svc, res, svc.store.save(kind, parse_body(req)));
  if (req.method == "DELETE" && id && resource->deletable) {
    svc.store.remove(kind, *id);
    res.status = 200;
    return;
  }
  not_supported(res, req.method);
}

}  // namespace sandbox
