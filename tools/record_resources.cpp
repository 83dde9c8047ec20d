// halopsa://clients/{id}, halopsa://sites/{id}, halopsa://contacts/{id}: a record a client app can attach to a
// conversation, as the JSON HaloPSA returns (with details), and subscribe to: a write through this server tells
// the subscribers.
#include <strings.h>

#include <charconv>
#include <cstring>

#include "halo/client.h"
#include "server/jsonrpc.h"
#include "tools/dedupe.h"
#include "tools/records.h"
#include "tools/toolbox.h"
#include "tools/writes.h"

namespace tools {

namespace {

// `reader` is the tool that reads the same record: the resource is offered only while that tool is.
mcp::ResourceTemplateSpec record_template(std::shared_ptr<halo::Client> halo, Kind kind, const std::string& reader,
                                          const std::string& title, const std::string& description) {
  const KindInfo& k = kind_info(kind);
  mcp::ResourceTemplateSpec spec;
  spec.uri_template = std::string("halopsa://") + k.plural + "/{id}";
  spec.name = std::string(k.label) + "-record";
  spec.title = title;
  spec.description = description;
  spec.tools = {reader};
  spec.read = [halo, kind](const std::string& uri, const std::map<std::string, std::string>& vars,
                           mcp::RequestContext&) {
    const std::string& text = vars.at("id");
    long long id = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
      throw mcp::RpcError(mcp::rpc::kInvalidParams, "The id in " + uri + " must be a positive integer.");
    json record;
    try {
      record = fetch_record(*halo, kind, id);
    } catch (const halo::Error& e) {
      if (e.kind() == halo::ErrorKind::not_found)
        throw mcp::RpcError(mcp::rpc::kResourceNotFound, "Resource not found: " + uri, {{"uri", uri}});
      throw mcp::RpcError(mcp::rpc::kInternalError, e.what());
    }
    return json::array({{{"uri", uri},
                         {"mimeType", "application/json"},
                         {"text", record.dump(2, ' ', false, json::error_handler_t::replace)}}});
  };
  spec.complete = [halo, kind](const std::string& argument, const std::string& value, const json&) {
    std::vector<std::string> out;
    if (argument != "id") return out;
    try {
      // Digits: ids starting with them; text: the ids of records whose name matches it.
      const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
      halo::Query query;
      if (!value.empty() && !digits) query.emplace_back("search", value);
      const std::string wanted = dedupe::fold(value);
      for (const auto& r : halo::page(*halo, kind, query, 1, 100).rows) {
        const std::string id = r.value("id", json(0)).dump();
        // Halo's search may match other fields than the name: keep the records whose name holds the text.
        const bool named = digits || dedupe::fold(r.value("name", std::string())).find(wanted) != std::string::npos;
        if (named && (!digits || id.rfind(value, 0) == 0) && out.size() < 20) out.push_back(id);
      }
    } catch (const halo::Error&) {}
    return out;
  };
  return spec;
}

}  // namespace

void register_record_resources(mcp::McpServer& server, const Backend& backend) {
  // Every write HaloPSA accepts, from whichever tool or session, tells the sessions subscribed to that record.
  backend.halo->on_change([subscriptions = server.subscriptions](std::string_view collection, const std::string& id) {
    for (Kind kind : {Kind::client, Kind::site, Kind::contact}) {
      const char* wire_name = halo::wire(kind).collection;
      if (collection.size() == std::strlen(wire_name) &&
          strncasecmp(collection.data(), wire_name, collection.size()) == 0)
        subscriptions->updated(std::string("halopsa://") + kind_info(kind).plural + "/" + id);
    }
  });
  server.resources.add(record_template(backend.halo, Kind::client, "get_client", "HaloPSA client",
                                       "One client (customer) as HaloPSA returns it, with details and custom fields."));
  server.resources.add(record_template(backend.halo, Kind::site, "search_sites", "HaloPSA site",
                                       "One client site (location) with its delivery_address, as HaloPSA returns it."));
  server.resources.add(record_template(backend.halo, Kind::contact, "get_contact", "HaloPSA contact",
                                       "One contact (end user) as HaloPSA returns it, with site and client."));
}

}  // namespace tools
