#include "halo/record_kinds.h"

#include <stdexcept>

#include "halo/responses.h"

namespace halo {

namespace {

// Clients are "Area" in Halo's OpenAPI document; contacts live in the "Users" collection.
constexpr KindWire kWire[] = {
    {"Client", "clients", "Area", "alastupdate"},
    {"Site", "sites", "Site", "slastupdate"},
    {"Users", "users", "Users", "ulastupdate"},
    {"TopLevel", "tree", "", ""},
    {"ClientContract", "contracts", "", ""},
    {"Tickets", "tickets", "", ""},
    // GET PopupNote?client_id=|site_id=|user_id= answers "List of AreaPopup" (a bare array as far as is known).
    {"PopupNote", "", "", ""},
};

std::string record_path(Kind kind, long long id) {
  return std::string(wire(kind).collection) + "/" + std::to_string(id);
}

}  // namespace

const KindWire& wire(Kind kind) { return kWire[static_cast<int>(kind)]; }

std::string Request::path() const {
  return "/api/" + (method == "DELETE" ? record_path(kind, id) : std::string(wire(kind).collection));
}

nlohmann::json Request::to_json() const {
  nlohmann::json out{{"method", method}, {"path", path()}};
  if (!body.is_null()) out["body"] = body;
  return out;
}

Request save_request(Kind kind, const nlohmann::json& record) {
  return Request{kind, "POST", nlohmann::json::array({record})};
}

Request delete_request(Kind kind, long long id) { return Request{kind, "DELETE", nullptr, id}; }

nlohmann::json get(Client& halo, Kind kind, long long id, const Query& query) {
  return halo.get(record_path(kind, id), query);
}

Page page(Client& halo, Kind kind, Query query, int page_no, int page_size) {
  return halo.page(wire(kind).collection, wire(kind).envelope, std::move(query), page_no, page_size);
}

ListResult list(Client& halo, Kind kind, Query query, const ListOptions& options) {
  return halo.list(wire(kind).collection, wire(kind).envelope, std::move(query), options);
}

nlohmann::json create(Client& halo, Kind kind, nlohmann::json record,
                      std::function<std::optional<nlohmann::json>()> find_landed) {
  return halo.create(wire(kind).collection, std::move(record), std::move(find_landed));
}

nlohmann::json update(Client& halo, Kind kind, nlohmann::json partial_with_id) {
  return halo.update(wire(kind).collection, std::move(partial_with_id));
}

void remove(Client& halo, Kind kind, long long id) { halo.remove(record_path(kind, id)); }

nlohmann::json rows(Client& halo, Kind kind, const Query& query) {
  return rows_of_answer(halo.get(wire(kind).collection, query), wire(kind).envelope);
}

nlohmann::json send_once(Client& halo, const Request& request) {
  if (request.method != "POST") throw std::invalid_argument("halo::send_once: a save request only");
  return halo.post_batch(wire(request.kind).collection, request.body);
}

nlohmann::json send(Client& halo, const Request& request) {
  if (request.method == "DELETE") {
    remove(halo, request.kind, request.id);
    return nullptr;
  }
  if (request.body.size() != 1) throw std::invalid_argument("halo::send: an update carries exactly one record");
  return update(halo, request.kind, request.body[0]);
}

}  // namespace halo
