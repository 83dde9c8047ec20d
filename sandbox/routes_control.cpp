// /_sandbox/*: the test control API (fault injection, request log, reset). Loopback callers, loopback Host, and no
// cross-site Origin only.
#include <charconv>
#include <stdexcept>

#include "net/host_check.h"
#include "sandbox/service.h"

namespace sandbox {

using nlohmann::json;

namespace {

bool is_loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

json agent_app_state(const Service& svc) {
  const auto uris = svc.agent_login.redirect_uris();
  return {
      {"client_id", svc.options.agent_app_client_id}, {"redirect_uris", uris}, {"any_loopback_redirect", uris.empty()}};
}

json fault_state(const Service& svc) {
  return {{"ok", true}, {"pending_rules", svc.faults.pending_rules()}, {"latency_ms", svc.faults.latency()}};
}

}  // namespace

void handle_control(Service& svc, const httplib::Request& req, httplib::Response& res) {
  if (!is_loopback(req.remote_addr)) {
    send_json(res, 403, {{"error", "The sandbox control API only answers loopback callers."}});
    return;
  }
  // A web page the user visits can reach loopback too: by a cross-site request (it carries the page's Origin) or
  // by DNS rebinding (it carries the attacker's name as Host). The same checks as the MCP endpoint's.
  if (req.get_header_value_count("Host") > 1) {
    send_json(res, 400, {{"error", "More than one Host header."}});
    return;
  }
  if (auto host = net::parse_host(req.get_header_value("Host")); !host || !net::is_loopback_host(host->host)) {
    send_json(res, 403,
              {{"error",
                "The sandbox control API only answers requests whose Host is a loopback address "
                "(127.0.0.1, localhost, [::1])."}});
    return;
  }
  if (const std::string origin = req.get_header_value("Origin"); !origin.empty() && !net::is_loopback_origin(origin)) {
    send_json(res, 403,
              {{"error",
                "The sandbox control API does not answer cross-site requests (this Origin is not "
                "a loopback origin)."}});
    return;
  }
  std::string path = to_lower(req.path);
  while (path.size() > 1 && path.back() == '/') path.pop_back();

  if (path == "/_sandbox/faults") {
    if (req.method == "POST") {
      const json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded()) {
        send_json(res, 400, {{"error", "The body is not valid JSON: send a fault rule object or an array of them."}});
        return;
      }
      try {
        svc.faults.apply(parse_fault_command(body));
      } catch (const std::invalid_argument& e) {
        send_json(res, 400, {{"error", e.what()}});
        return;
      }
      send_json(res, 200, fault_state(svc));
      return;
    }
    if (req.method == "DELETE") {
      svc.faults.clear();
      send_json(res, 200, fault_state(svc));
      return;
    }
    if (req.method == "GET") {
      send_json(res, 200, fault_state(svc));
      return;
    }
  }
  if (path == "/_sandbox/requests" && req.method == "GET") {
    std::uint64_t since = 0;
    const QueryParams q = query_params(req);
    if (auto it = q.find("since"); it != q.end() && !it->second.empty()) {
      auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), since);
      if (ec != std::errc() || p != it->second.data() + it->second.size()) {
        send_json(res, 400, {{"error", "since must be a sequence number (the \"next\" of an earlier answer)."}});
        return;
      }
    }
    json requests = json::array();
    for (const auto& r : svc.log.since(since)) requests.push_back(to_json(r));
    send_json(res, 200, {{"next", svc.log.next_seq()}, {"requests", requests}});
    return;
  }
  if (path == "/_sandbox/quirks") {
    if (req.method == "GET") return send_json(res, 200, svc.quirks.to_json());
    if (req.method == "POST") {
      const json body = json::parse(req.body, nullptr, false);
      try {
        if (body.is_discarded()) throw std::invalid_argument("The body is not valid JSON: send an object of settings.");
        svc.quirks.set(body);
      } catch (const std::invalid_argument& e) {
        send_json(res, 400, {{"error", e.what()}});
        return;
      }
      send_json(res, 200, svc.quirks.to_json());
      return;
    }
  }
  if (path == "/_sandbox/agent_app") {
    if (req.method == "POST") {
      // {"redirect_uris": [...]}: exactly these from now on; [] = any loopback URI again.
      const json body = json::parse(req.body, nullptr, false);
      const json* uris = body.is_object() && body.contains("redirect_uris") ? &body["redirect_uris"] : nullptr;
      std::vector<std::string> list;
      std::string bad;
      if (!uris || !uris->is_array()) bad = "Send {\"redirect_uris\": [\"https://…\", …]} ([] = any loopback URI).";
      for (const auto& u : uris && uris->is_array() ? *uris : json::array()) {
        const std::string s = u.is_string() ? u.get<std::string>() : std::string();
        if (s.rfind("http://", 0) != 0 && s.rfind("https://", 0) != 0) {
          bad = "Each redirect URI must be an absolute http(s) URI: " + u.dump();
          break;
        }
        if (s.find('#') != std::string::npos) {
          bad = "A redirect URI must not have a fragment: " + s;
          break;
        }
        list.push_back(s);
      }
      if (!bad.empty()) {
        send_json(res, 400, {{"error", bad}});
        return;
      }
      svc.agent_login.set_redirect_uris(std::move(list));
    }
    if (req.method == "POST" || req.method == "GET") {
      send_json(res, 200, agent_app_state(svc));
      return;
    }
  }
  if (path == "/_sandbox/reset" && req.method == "POST") {
    svc.reset();
    send_json(res, 200, {{"ok", true}});
    return;
  }
  if (path == "/_sandbox/info" && req.method == "GET") {
    send_json(res, 200,
              {{"base_url", svc.base_url()},
               {"auth_url", svc.base_url() + "/auth"},
               {"tenant", svc.options.tenant},
               {"client_id", svc.options.client_id},
               {"agent_app_client_id", svc.options.agent_app_client_id}});
    return;
  }
  send_json(res, 404,
            {{"error",
              "Unknown control endpoint. Use POST/DELETE/GET /_sandbox/faults, GET /_sandbox/requests?since=N, "
              "GET/POST /_sandbox/quirks, GET/POST /_sandbox/agent_app, POST /_sandbox/reset or GET /_sandbox/info."}});
}

}  // namespace sandbox
