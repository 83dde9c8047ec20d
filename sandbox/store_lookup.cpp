// The Lookup values (client types live in lookup kCustomerTypeLookupId): a bare array, like Halo's /api/Lookup.
#include <charconv>

#include "sandbox/coerce.h"
#include "sandbox/record_util.h"
#include "sandbox/store.h"

namespace sandbox {

using nlohmann::json;

json Store::list_lookups(const QueryParams& q) {
  std::optional<long long> lookupid;
  if (auto it = q.find("lookupid"); it != q.end() && !it->second.empty()) {
    long long v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size())
      throw ApiError(400, {{"lookupid", "The value '" + it->second + "' is not valid for lookupid."}});
    lookupid = v;
  }
  std::lock_guard lock(mu_);
  auto st = db_.prepare(std::string("SELECT lookupid, id, data FROM lookups") +
                        (lookupid ? " WHERE lookupid = ?" : "") + " ORDER BY lookupid, id");
  if (lookupid) st.bind(1, *lookupid);
  json rows = json::array();
  while (st.step()) {
    json r = json::parse(st.text_at(2));
    r["lookupid"] = st.int_at(0);
    r["id"] = st.int_at(1);
    rows.push_back(std::move(r));
  }
  return rows;
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
  if (!body.is_array())
    throw ApiError(400, {{"$", "The request body must be a JSON array of Lookup records."}});
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  json errors = json::object();
  std::vector<std::pair<long long, long long>> keys;
  const auto& schema = openapi::schema("Lookup");
  for (std::size_t i = 0; i < body.size(); ++i) {
    const std::string path = "[" + std::to_string(i) + "]";
    if (!body[i].is_object()) {
      errors[path] = "Expected a Lookup object.";
      continue;
    }
    json fields = coerce_object(schema, body[i], path, errors);
    const long long lookupid = int_or_zero(fields, "lookupid");
    const long long id = int_or_zero(fields, "id");
    if (lookupid <= 0) {
      errors[path + ".lookupid"] = "The lookupid field is required.";
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
    keys.emplace_back(lookupid, new_id);
  }
  if (!errors.empty()) throw ApiError(400, errors);
  json saved = json::array();
  for (const auto& [lookupid, id] : keys) {
    auto st = db_.prepare("SELECT data FROM lookups WHERE lookupid=? AND id=?");
    st.bind_all({lookupid, id});
    st.step();
    json r = json::parse(st.text_at(0));
    r["lookupid"] = lookupid;
    r["id"] = id;
    saved.push_back(std::move(r));
  }
  tx.commit();
  return saved;
}

}  // namespace sandbox
