#pragma once
// The HaloPSA record kinds the tools read and write, and their wire format: which collection each lives in, the
// key its list rows come under, the OpenAPI schema that describes it and the field that stamps its last change.
// This is the one table of them; tools name a kind and never spell a path or an envelope.
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "halo/client.h"

namespace halo {

// The first three are the records the tools edit (their order is relied on by tables indexed by kind).
enum class Kind { client, site, contact, top_level, contract, ticket, popup_note };

struct KindWire {
  const char* collection;  // API path under {base}/api: "Client"
  const char* envelope;    // the list answer's key for its rows: "clients"
  const char* schema;      // OpenAPI schema of the record: "Area" ("" when the tools never check its fields)
  const char* stamp;       // last-change field: "alastupdate" ("" when none is used)
};
const KindWire& wire(Kind kind);

// A write as HaloPSA receives it, reported to the user byte for byte: POST {base}/api/Client with [records], or
// DELETE {base}/api/Client/12.
struct Request {
  Kind kind;
  std::string method;   // "POST" or "DELETE"
  nlohmann::json body;  // POST: the array of records sent; DELETE: null
  long long id = 0;     // DELETE: the record removed

  std::string path() const;        // "/api/Client", "/api/Client/12"
  nlohmann::json to_json() const;  // {"method", "path", "body"?}
};
Request save_request(Kind kind, const nlohmann::json& record);  // POST [record]: a create, or an update with its id
Request delete_request(Kind kind, long long id);

// The client's calls, addressed by kind.
nlohmann::json get(Client& halo, Kind kind, long long id, const Query& query = {{"includedetails", "true"}});
Page page(Client& halo, Kind kind, Query query, int page_no, int page_size);
ListResult list(Client& halo, Kind kind, Query query, const ListOptions& options = {});
nlohmann::json create(Client& halo, Kind kind, nlohmann::json record,
                      std::function<std::optional<nlohmann::json>()> find_landed = {});
nlohmann::json update(Client& halo, Kind kind, nlohmann::json partial_with_id);
void remove(Client& halo, Kind kind, long long id);
// GET {collection}?query from an endpoint that answers one unpaged list (PopupNote): its rows, bare or enveloped.
nlohmann::json rows(Client& halo, Kind kind, const Query& query);
// Sends a save Request once: not repeated after a 5xx, for a write a repeat would apply twice (adding a pop-up note).
nlohmann::json send_once(Client& halo, const Request& request);
// Sends a Request built above: an update (POST of one record with its id) or a delete. Returns HaloPSA's answer
// (null for a delete).
nlohmann::json send(Client& halo, const Request& request);

}  // namespace halo
