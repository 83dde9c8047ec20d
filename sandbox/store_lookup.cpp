// The Lookup values: a bare array, like Halo's /api/Lookup.
#include <charconv>
#include <tuple>

#include "sandbox/coerce.h"
#include "sandbox/record_util.h"
#include "sandbox/store.h"

namespace sandbox {

using nlohmann::json;

namespace {

// The lookup types a tenant has besides the client types (ids from public Halo SQL reports: 17 charge types,
// 21 request type, 22 request source, 28 contract billing description, 32 PO status, 34 SO status, 63 appointment
// type, 78 check-in status). The client-type table joins them under the id and name the quirk switches give.
const std::pair<int, const char*> kLookupTypes[] = {{17, "Charge Type"},           {21, "Request Type"},
                                                    {22, "Request Source"},        {28, "Contract Billing Description"},
                                                    {32, "Purchase Order Status"}, {34, "Sales Order Status"},
                                                    {63, "Appointment Type"},      {78, "Check-in Status"}};

}  // namespace

// Client types are stored under kClientTypesStorageId and served as table client_type_lookup_id; table 11 lists the
// lookup types; every table starts with its id-0 default row unless exclude_zero=true.
json Store::list_lookups(const QueryParams& q) {
  std::optional<long long> lookupid;
  if (auto it = q.find("lookupid"); it != q.end() && !it->second.empty()) {
    long long v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size())
      throw ApiError(400, {{"lookupid", "The value '" + it->second + "' is not valid for lookupid."}});
    lookupid = v;
  }
  bool exclude_zero = false;
  if (auto it = q.find("exclude_zero"); it != q.end()) exclude_zero = it->second == "true" || it->second == "1";
  const Quirks quirks = quirks_.get();
  const long long types_id = quirks.client_type_lookup_id;

  auto table = [&](long long id, json values) {
    json rows = json::array();
    if (!exclude_zero) rows.push_back({{"lookupid", id}, {"id", 0}, {"name", ""}});
    for (auto& v : values) {
      v["lookupid"] = id;
      rows.push_back(std::move(v));
    }
    return rows;
  };
  auto stored = [&](long long storage_id) {
    auto st = db_.prepare("SELECT id, data FROM lookups WHERE lookupid = ? ORDER BY id");
    st.bind(1, storage_id);
    json values = json::array();
    while (st.step()) {
      json r = json::parse(st.text_at(1));
      r["id"] = st.int_at(0);
      values.push_back(std::move(r));
    }
    return values;
  };
  auto types = [&] {
    json values = json::array();
    bool placed = false;
    for (const auto& [id, name] : kLookupTypes) {
      if (!placed && types_id < id) {
        values.push_back({{"id", types_id}, {"name", quirks.lookup_type_name}});
        placed = true;
      }
      if (id != types_id) values.push_back({{"id", id}, {"name", name}});
    }
    if (!placed) values.push_back({{"id", types_id}, {"name", quirks.lookup_type_name}});
    return values;
  };

  std::lock_guard lock(mu_);
  if (!lookupid) {  // every table, in lookupid order
    json all = json::array();
    for (const auto& r : table(kLookupTypesTable, types())) all.push_back(r);
    for (const auto& r : table(types_id, stored(kClientTypesStorageId))) all.push_back(r);
    auto st = db_.prepare("SELECT DISTINCT lookupid FROM lookups WHERE lookupid <> ? ORDER BY lookupid");
    st.bind(1, static_cast<long long>(kClientTypesStorageId));
    std::vector<long long> others;
    while (st.step()) others.push_back(st.int_at(0));
    for (long long id : others)
      if (id != types_id && id != kLookupTypesTable)
        for (const auto& r : table(id, stored(id))) all.push_back(r);
    return all;
  }
  if (*lookupid == kLookupTypesTable) return table(kLookupTypesTable, types());
  if (*lookupid == types_id) return table(types_id, stored(kClientTypesStorageId));
  if (*lookupid <= 0) return json::array();
  json values = stored(*lookupid);
  if (values.empty()) return json::array();  // no such table (e.g. 33 unless it is the client-type table)
  return table(*lookupid, std::move(values));
}

void Store::insert_lookup(int lookupid, long long id, const json& record) {
  json data = record;
  data.erase("id");
  data.erase("lookupid");
  auto st = db_.prepare("INSERT OR REPLACE INTO lookups (lookupid, id, name, data) VALUES (?,?,?,?)");
  st.bind_all({static_cast<long long>(lookupid), id, str_or_empty(record, "name"), data.dump()});
  st.run();
}

json Store::save_lookups(const json& body) {
  if (!body.is_array()) throw ApiError(400, {{"$", "The request body must be a JSON array of Lookup records."}});
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  json errors = json::object();
  std::vector<std::tuple<long long, long long, long long>> keys;  // storage id, id, id as requested
  const auto& schema = openapi::schema("Lookup");
  for (std::size_t i = 0; i < body.size(); ++i) {
    const std::string path = "[" + std::to_string(i) + "]";
    if (!body[i].is_object()) {
      errors[path] = "Expected a Lookup object.";
      continue;
    }
    json fields = coerce_object(schema, body[i], path, errors);
    const long long requested = int_or_zero(fields, "lookupid");
    // The client-type table is stored under its own key whatever id the tenant gives it.
    const long long lookupid = requested == quirks_.get().client_type_lookup_id ? kClientTypesStorageId : requested;
    const long long id = int_or_zero(fields, "id");
    if (requested <= 0) {
      errors[path + ".lookupid"] = "The lookupid field is required.";
      continue;
    }
    if (requested == kLookupTypesTable) {
      errors[path + ".lookupid"] = "Lookup 11 (the lookup types) cannot be changed.";
      continue;
    }
    json record = json::object();
    if (id > 0) {
      auto st = db_.prepare("SELECT data FROM lookups WHERE lookupid=? AND id=?");
      st.bind_all({lookupid, id});
      if (!st.step())
        throw ApiError(404, {{"Message", "Lookup value " + std::to_string(id) + " not found in lookup " +
                                             std::to_string(lookupid) + "."}});
      record = json::parse(st.text_at(0));
    }
    record.update(fields);
    if (blank(record.value("name", json()))) {
      errors[path + ".name"] = "The name field is required.";
      continue;
    }
    const long long new_id =
        id > 0 ? id : db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM lookups WHERE lookupid=?", {lookupid});
    insert_lookup(static_cast<int>(lookupid), new_id, record);
    keys.emplace_back(lookupid, new_id, requested);
  }
  if (!errors.empty()) throw ApiError(400, errors);
  json saved = json::array();
  for (const auto& [lookupid, id, requested] : keys) {
    auto st = db_.prepare("SELECT data FROM lookups WHERE lookupid=? AND id=?");
    st.bind_all({lookupid, id});
    st.step();
    json r = json::parse(st.text_at(0));
    r["lookupid"] = requested;
    r["id"] = id;
    saved.push_back(std::move(r));
  }
  tx.commit();
  return saved;
}

}  // namespace sandbox

namespace sandbox {

// Custom-field definitions (GET /api/FieldInfo?typeid=N, a bare array of FieldInfo rows). typeid 2 = clients and
// 3 = sites (RDX halopsa-node's mapping); no public source names the contacts' typeid: 4 is assumed, the same as the
// client's (halo/custom_fields.h). Types as orangutron/halo_custom_field_builder creates them (0 text, 2 single
// selection, 4 date). The custom_fields switch picks the tenant: "optional" (none mandatory) or "mandatory" (one
// mandatory field on each of clients, sites and contacts).
json field_definitions(const Quirks& quirks) {
  static const json optional_set = json::parse(R"json([
    {"id": 101, "name": "CFContractTier", "label": "Contract tier", "type": 2, "inputtype": 0, "usage": 2, "custom": 1, "mandatory": false, "hint": "Gold, Silver or Bronze"},
    {"id": 102, "name": "CFLegacyPSAId", "label": "Legacy PSA id", "type": 0, "inputtype": 0, "usage": 2, "custom": 1, "mandatory": false, "characterlimit": 20},
    {"id": 103, "name": "CFBillingCode", "label": "Billing code", "type": 0, "inputtype": 0, "usage": 2, "custom": 1, "mandatory": false, "characterlimit": 12},
    {"id": 201, "name": "CFSiteAccessHours", "label": "Access hours", "type": 0, "inputtype": 0, "usage": 3, "custom": 1, "mandatory": false},
    {"id": 202, "name": "CFAlarmPassword", "label": "Alarm code", "type": 0, "inputtype": 0, "usage": 3, "custom": 1, "mandatory": false}
  ])json");
  static const json mandatory_set = [] {
    json set = optional_set;
    for (auto& d : set)
      if (d["id"] == 103) d["mandatory"] = true;
    for (
        const char* extra :
        {R"({"id": 203, "name": "CFSiteCode", "label": "Site code", "type": 0, "inputtype": 0, "usage": 3, "custom": 1, "mandatory": true})",
         R"({"id": 301, "name": "CFEmployeeId", "label": "Employee id", "type": 0, "inputtype": 0, "usage": 4, "custom": 1, "mandatory": true})",
         R"({"id": 302, "name": "CFStartDate", "label": "Start date", "type": 4, "inputtype": 0, "usage": 4, "custom": 1, "mandatory": false})"})
      set.push_back(json::parse(extra));
    return set;
  }();
  return quirks.custom_fields == Quirks::CustomFieldSet::Mandatory ? mandatory_set : optional_set;
}

json Store::list_field_info(const QueryParams& q) {
  const json definitions = field_definitions(quirks_.get());
  std::optional<long long> type;
  if (auto it = q.find("typeid"); it != q.end() && !it->second.empty()) {
    long long v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size())
      throw ApiError(400, {{"typeid", "The value '" + it->second + "' is not valid for typeid."}});
    type = v;
  }
  json rows = json::array();
  for (const auto& d : definitions)
    if (!type || d["usage"] == *type) rows.push_back(d);
  return rows;
}

}  // namespace sandbox
