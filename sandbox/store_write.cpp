// POST: array-body create/update, all or nothing, with Halo-shaped validation errors.
#include <algorithm>
#include <cctype>
#include <set>

#include "sandbox/coerce.h"
#include "sandbox/record_util.h"
#include "sandbox/store.h"
#include "sandbox/time_util.h"

namespace sandbox {

using nlohmann::json;

namespace {

// Fields Halo derives or stamps itself: whatever a caller sends for them is ignored.
std::set<std::string> readonly_fields(Kind kind, bool trusted) {
  std::set<std::string> skip{"id"};
  if (!trusted) {
    skip.insert("datecreated");
    if (const char* stamp = kind_info(kind).stamp) skip.insert(stamp);
  }
  switch (kind) {
    case Kind::Client:
      skip.insert({"toplevel_name", "client_to_invoice_name", "main_site_name", "main_phonenumber"});
      break;
    case Kind::Site: skip.insert({"client_name", "maincontact_name"}); break;
    case Kind::User:
      // A contact's client is its site's client; welcome e-mails and passwords are actions, not data.
      skip.insert({"client_id", "client_name", "site_name", "sendwelcomeemail", "resetpassword", "new_password"});
      break;
    default: break;
  }
  return skip;
}

// Custom fields are matched by id, else by name, so a caller can send just the values that change.
void merge_customfields(json& existing, const json& incoming) {
  if (!existing.is_array()) existing = json::array();
  for (const auto& cf : incoming) {
    json* match = nullptr;
    for (auto& old : existing) {
      const long long id = int_or_zero(cf, "id");
      if (id > 0 && int_or_zero(old, "id") == id) match = &old;
      else if (id <= 0 && !str_or_empty(cf, "name").empty() && str_or_empty(old, "name") == str_or_empty(cf, "name"))
        match = &old;
      if (match) break;
    }
    if (match) match->update(cf);
    else
      existing.push_back(cf);
  }
}

// Takes the one-call onboarding fields (newclient_* / newsite_*) out of a written record: they are actions.
json take_prefixed(json& fields, const std::string& prefix) {
  json taken = json::object();
  for (auto it = fields.begin(); it != fields.end();) {
    if (it.key().rfind(prefix, 0) == 0) {
      taken[it.key().substr(prefix.size())] = it.value();
      it = fields.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

// Ids Halo keeps in FLOAT columns come back as 101.0, and a write that sends them so is refused (CIPP casts them to
// int for that reason): every id-like field must be a whole JSON number without a decimal point.
bool is_id_field(const std::string& key) {
  return key == "id" || key == "client_to_invoice" || key == "customertype" ||
         (key.size() > 3 && key.compare(key.size() - 3, 3, "_id") == 0) || key.rfind("_merge_", 0) == 0;
}

// The write-only helpers the sandbox acts on (so a tool that lets one through is seen doing it); every other
// "_" helper is accepted and ignored.
std::optional<long long> helper_target(const json& item, const char* key, const std::string& path, json& errors) {
  auto it = item.find(key);
  if (it == item.end() || it->is_null()) return std::nullopt;
  const auto v = it->is_number_integer() ? std::optional<long long>(it->get<long long>()) : std::nullopt;
  if (!v || *v <= 0) {
    errors[path + "." + key] = "Error converting value \"" + it->dump() + "\" to type 'System.Int32'.";
    return std::nullopt;
  }
  return v;
}

}  // namespace

json Store::save(Kind kind, const json& body) {
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  json saved = save_locked(kind, body, WriteOptions{false, now_iso()});
  tx.commit();
  return saved;
}

json Store::save_locked(Kind kind, const json& body, const WriteOptions& opts) {
  if (!body.is_array())
    throw ApiError(400, {{"$", "The request body must be a JSON array of " + std::string(kind_info(kind).label) +
                                   " records, e.g. [{\"name\": \"...\"}]."}});
  if (body.empty()) throw ApiError(400, {{"$", "The request body is an empty array: send at least one record."}});
  json errors = json::object();
  std::vector<long long> ids;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const std::string path = "[" + std::to_string(i) + "]";
    if (auto id = save_item(kind, body[i], path, opts, errors)) ids.push_back(*id);
  }
  if (!errors.empty()) throw ApiError(400, errors);  // the caller's transaction rolls every item back
  json saved = json::array();
  for (long long id : ids) saved.push_back(enrich(kind, *load(kind, id)));
  return saved;
}

std::optional<long long> Store::save_item(Kind kind, const json& item, const std::string& path,
                                          const WriteOptions& opts, json& errors) {
  const KindInfo& k = kind_info(kind);
  if (!item.is_object()) {
    errors[path] = "Expected a " + std::string(k.label) + " object.";
    return std::nullopt;
  }
  const std::size_t first_error = errors.size();
  for (auto it = item.begin(); it != item.end(); ++it)
    if (it->is_number_float() && is_id_field(it.key()))
      errors[path + "." + it.key()] = "The value " + it->dump() + " is not valid for " + it.key() +
                                      ": send a whole number without a decimal point.";
  if (errors.size() > first_error) return std::nullopt;
  long long id = 0;
  if (auto it = item.find("id"); it != item.end() && !it->is_null()) {
    const auto v = json_to_int(*it);
    if (!v) {
      errors[path + ".id"] = "Error converting value \"" + it->dump() + "\" to type 'System.Int32'.";
      return std::nullopt;
    }
    id = *v;
  }
  std::optional<json> before;
  if (id > 0) {
    before = load(kind, id);
    if (!before && !opts.trusted) throw ApiError(404, not_found(kind, id));
  }
  const bool creating = !before.has_value();

  const std::size_t error_count = errors.size();
  const openapi::Schema& schema = openapi::schema(k.schema);
  json fields = coerce_object(schema, item, path, errors, readonly_fields(kind, opts.trusted));
  if (errors.size() > error_count) return std::nullopt;

  json extras = json::object();
  if (kind == Kind::Client) extras = take_prefixed(fields, "newclient_");
  if (kind == Kind::Site) extras = take_prefixed(fields, "newsite_");

  std::optional<long long> merge_into;
  if (!opts.trusted && !creating && kind == Kind::Client)
    merge_into = helper_target(item, "_merge_client_into", path, errors);
  if (!opts.trusted && !creating && kind == Kind::User)
    merge_into = helper_target(item, "_merge_user_into", path, errors);
  const bool anonymise = kind == Kind::User && !creating && item.value("_anonymise", json(false)) == json(true);
  if (errors.size() > error_count) return std::nullopt;

  const Quirks quirks = quirks_.get();
  json record = before ? *before : json::object();
  record.erase("id");
  if (creating && kind != Kind::TopLevel) record["inactive"] = false;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const auto spec = schema.find(it.key());
    if (kind == Kind::Client && it.key() == "client_to_invoice" && it->is_null() && !quirks.null_clears_billing_parent)
      continue;  // null is not "no billing parent" unless the switch says so; 0 is
    if (kind == Kind::Site && !creating && (it.key() == "delivery_address" || it.key() == "invoice_address")) {
      // An address is its own record (AddressStore) with an id: without that id the update is ignored.
      const json old = before->value(it.key(), json::object());
      if (!it->is_object()) continue;
      const json sent_id = it->value("id", json());
      if (quirks.address_update_needs_id && !(sent_id.is_number_integer() && sent_id == old.value("id", json())))
        continue;
      json merged = old.is_object() ? old : json::object();
      merged.update(*it);
      if (old.contains("id")) merged["id"] = old["id"];
      record[it.key()] = merged;
      continue;
    }
    if (it.key() == "popup_notes" && it->is_array() && !opts.trusted) {
      record["popup_notes"] = merged_popup_notes(record.value("popup_notes", json::array()), *it, opts.now,
                                                 quirks.popup_notes_write == Quirks::PopupWrite::Replace);
      continue;
    }
    if (it.key() == "customfields" && it->is_array() && record.contains("customfields"))
      merge_customfields(record["customfields"], *it);
    else if (it->is_null() && spec != schema.end() && spec->second.type == openapi::Type::Object)
      record.erase(it.key());
    else
      record[it.key()] = *it;
  }
  if (kind == Kind::User && creating && blank(record.value("name", json()))) {
    // Halo builds a contact's display name from first name and surname when no name is given.
    std::string name = str_or_empty(record, "firstname");
    const std::string surname = str_or_empty(record, "surname");
    if (!surname.empty()) name += (name.empty() ? "" : " ") + surname;
    if (!name.empty()) record["name"] = name;
  }

  validate(kind, record, fields, creating, id, path, errors);
  if (creating && !opts.trusted && quirks.mandatory_custom_fields_enforced)
    require_custom_fields(kind, record, quirks, path, errors);
  if (merge_into) {
    const Kind target = kind;
    if (*merge_into == id)
      errors[path + "." + (kind == Kind::Client ? "_merge_client_into" : "_merge_user_into")] =
          "A record cannot be merged into itself.";
    else if (!exists(target, *merge_into))
      errors[path + "." + (kind == Kind::Client ? "_merge_client_into" : "_merge_user_into")] =
          std::string(kind_info(target).label) + " " + std::to_string(*merge_into) + " does not exist.";
  }
  if (errors.size() > error_count) return std::nullopt;
  if (anonymise)
    for (const char* f : {"name", "firstname", "surname", "emailaddress", "phonenumber", "mobilenumber",
                          "mobilenumber2", "homenumber", "fax", "whatsapp_number"})
      if (record.contains(f) || std::string(f) == "name") record[f] = "";
  if (kind == Kind::Site) give_addresses_ids(record);

  if (creating && !(opts.trusted && record.contains("datecreated")) && kind != Kind::TopLevel)
    record["datecreated"] = opts.now;
  if (k.stamp && !(opts.trusted && fields.contains(k.stamp))) record[k.stamp] = opts.now;

  const long long saved_id = write_row(kind, creating && !opts.trusted ? 0 : id, record, creating);
  after_write(kind, saved_id, before, extras, path, opts, errors);
  if (merge_into) {
    if (kind == Kind::Client) merge_client(saved_id, *merge_into, opts.now);
    else
      merge_user(saved_id, *merge_into, opts.now);
    return *merge_into;  // the source is gone: the answer shows the record it was merged into
  }
  return saved_id;
}

long long Store::next_address_id() {
  const long long n =
      db_.scalar("SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key='address_seq'), 0) + 1");
  db_.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('address_seq', ?)", {std::to_string(n)});
  return n;
}

// A record's popup_notes after a write of `sent` (AreaPopup objects): a note with a known id is updated, one without
// an id (or with an unknown one) is new and gets an id; with `replace` the notes not sent are deleted (the array is
// the whole set), otherwise they are kept (popup_notes_write).
json Store::merged_popup_notes(const json& old, const json& sent, const std::string& now, bool replace) {
  json out = json::array();
  std::set<long long> sent_ids;
  for (const auto& n : sent) {
    if (!n.is_object()) continue;
    json note = n;
    const auto given = note.find("id");
    const long long id = given != note.end() && given->is_number_integer() ? given->get<long long>() : 0;
    const auto known = std::find_if(old.begin(), old.end(),
                                    [&](const json& o) { return id > 0 && o.value("id", json()) == json(id); });
    if (known != old.end()) {
      json merged = *known;
      merged.update(note);
      note = merged;
      sent_ids.insert(id);
    } else {
      const long long next =
          db_.scalar("SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key='popup_seq'), 100) + 1");
      db_.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('popup_seq', ?)", {std::to_string(next)});
      note["id"] = next;
      note["date_created"] = now;
    }
    out.push_back(note);
  }
  if (replace) return out;
  json kept = json::array();  // the notes not sent, first and in their order
  for (const auto& o : old)
    if (!sent_ids.contains(int_or_zero(o, "id"))) kept.push_back(o);
  for (auto& n : out) kept.push_back(std::move(n));
  return kept;
}

// Every site has its delivery and invoice address records (AddressStore, each with its own id), as GET Site/{id}
// shows them.
void Store::give_addresses_ids(json& site) {
  for (const char* key : {"delivery_address", "invoice_address"}) {
    json& address = site[key];
    if (!address.is_object()) address = json::object();
    if (!address.value("id", json()).is_number_integer() || address["id"].get<long long>() <= 0)
      address["id"] = next_address_id();
  }
}

// _merge_client_into: the client's sites (with their contacts), tickets and contracts move to `into`, clients it
// invoiced are invoiced by `into`, and the client is deleted.
void Store::merge_client(long long from, long long into, const std::string& now) {
  const std::string set_client = "UPDATE {T} SET client_id=?, data=json_set(data, '$.client_id', ?) WHERE client_id=?";
  for (const char* table : {"sites", "tickets", "contracts"}) {
    std::string sql = set_client;
    sql.replace(sql.find("{T}"), 3, table);
    db_.execute(sql, {into, into, from});
  }
  db_.execute("UPDATE sites SET lastupdate=?, data=json_set(data, '$.slastupdate', ?) WHERE client_id=?",
              {now, now, into});
  db_.execute("UPDATE users SET client_id=?, lastupdate=?, data=json_set(data, '$.ulastupdate', ?) WHERE client_id=?",
              {into, now, now, from});
  db_.execute("UPDATE clients SET parent_id=?, data=json_set(data, '$.client_to_invoice', ?) WHERE parent_id=?",
              {into, into, from});
  db_.execute("DELETE FROM clients WHERE id=?", {from});
  db_.execute("UPDATE clients SET lastupdate=?, data=json_set(data, '$.alastupdate', ?) WHERE id=?", {now, now, into});
}

// _merge_user_into: the contact's tickets and main-contact roles move to `into`, and the contact is deleted.
void Store::merge_user(long long from, long long into, const std::string& now) {
  db_.execute("UPDATE tickets SET user_id=?, data=json_set(data, '$.user_id', ?) WHERE user_id=?", {into, into, from});
  db_.execute(
      "UPDATE sites SET lastupdate=?, data=json_set(data, '$.maincontact_id', ?, '$.slastupdate', ?) "
      "WHERE json_extract(data, '$.maincontact_id') = ?",
      {now, into, now, from});
  db_.execute("DELETE FROM users WHERE id=?", {from});
  db_.execute("UPDATE users SET lastupdate=?, data=json_set(data, '$.ulastupdate', ?) WHERE id=?", {now, now, into});
}

void Store::validate(Kind kind, const json& record, const json& fields, bool creating, long long id,
                     const std::string& path, json& errors) {
  if ((creating || fields.contains("name")) && blank(record.value("name", json())))
    errors[path + ".name"] = "The name field is required.";

  auto check_ref = [&](const char* field, Kind target, bool required, const std::string& missing_message) {
    if (!creating && !fields.contains(field)) return;
    const long long ref = int_or_zero(record, field);
    if (ref <= 0) {
      if (required) errors[path + "." + field] = missing_message;
      return;
    }
    if (!exists(target, ref))
      errors[path + "." + field] =
          std::string(kind_info(target).label) + " " + std::to_string(ref) + " does not exist.";
  };

  switch (kind) {
    case Kind::Client: {
      check_ref("client_to_invoice", Kind::Client, false, "");
      check_ref("toplevel_id", Kind::TopLevel, false, "");
      if (!creating && id > 0 && int_or_zero(record, "client_to_invoice") == id && fields.contains("client_to_invoice"))
        errors[path + ".client_to_invoice"] = "A client cannot be its own invoicing client.";
      if (fields.contains("main_site_id")) {
        const long long site = int_or_zero(record, "main_site_id");
        if (site > 0 &&
            (creating || db_.scalar("SELECT COUNT(*) FROM sites WHERE id=? AND client_id=?", {site, id}) == 0))
          errors[path + ".main_site_id"] = "Site " + std::to_string(site) + " is not a site of this client.";
      }
      break;
    }
    case Kind::Site:
      check_ref("client_id", Kind::Client, true, "The client_id field is required: a site must belong to a client.");
      check_ref("maincontact_id", Kind::User, false, "");
      break;
    case Kind::User:
      check_ref("site_id", Kind::Site, true, "The site_id field is required: a contact must belong to a site.");
      break;
    default: break;
  }
}

// A new record must carry a value for every custom field the tenant makes mandatory (matched by id or name, as
// merge_customfields matches). No public source shows Halo's wording: the message names the field's label only,
// so a client cannot lean on it to learn the field's id.
void Store::require_custom_fields(Kind kind, const json& record, const Quirks& quirks, const std::string& path,
                                  json& errors) {
  const int usage = kind == Kind::Client ? 2 : kind == Kind::Site ? 3 : kind == Kind::User ? 4 : 0;
  if (usage == 0) return;
  std::string missing;
  for (const auto& d : field_definitions(quirks)) {
    if (d["usage"] != usage || !d["mandatory"].get<bool>()) continue;
    bool given = false;
    const json fields = record.value("customfields", json::array());
    for (const auto& cf : fields.is_array() ? fields : json::array()) {
      if (!cf.is_object()) continue;
      const bool same =
          (cf.contains("id") && cf["id"] == d["id"]) || str_or_empty(cf, "name") == d["name"].get<std::string>();
      const json value = cf.value("value", json());
      if (same && !value.is_null() && !(value.is_string() && blank(value))) given = true;
    }
    if (!given) missing += (missing.empty() ? "" : " ") + ("'" + d["label"].get<std::string>() + "' is mandatory.");
  }
  if (!missing.empty()) errors[path + ".customfields"] = missing;
}

long long Store::write_row(Kind kind, long long id, json record, bool insert) {
  const KindInfo& k = kind_info(kind);
  record.erase("id");
  std::vector<SqlValue> cols;
  auto int_col = [&](const char* key) -> SqlValue {
    const long long v = int_or_zero(record, key);
    return v > 0 ? SqlValue(v) : SqlValue();
  };
  long long client_col = 0;
  if (kind == Kind::User) {
    client_col = db_.scalar("SELECT client_id FROM sites WHERE id=?", {int_or_zero(record, "site_id")});
  } else if (kind != Kind::Client && kind != Kind::TopLevel) {
    client_col = int_or_zero(record, "client_id");
  }
  const json stamp = k.stamp ? record.value(k.stamp, json()) : json();
  cols.push_back(str_or_empty(record, k.name_field));
  // Contracts say it the other way round (ContractHeader_List has `active`, no `inactive`).
  const bool inactive = kind == Kind::Contract
                            ? record.value("active", json(true)) == json(false)
                            : record.value("inactive", json(false)).is_boolean() && record.value("inactive", false);
  cols.push_back(static_cast<long long>(inactive));
  cols.push_back(client_col > 0 ? SqlValue(client_col) : SqlValue());
  cols.push_back(kind == Kind::Client || kind == Kind::TopLevel ? SqlValue() : int_col("site_id"));
  cols.push_back(kind == Kind::Ticket ? int_col("user_id") : SqlValue());
  cols.push_back(kind == Kind::Client ? int_col("toplevel_id") : SqlValue());
  cols.push_back(kind == Kind::Client ? int_col("client_to_invoice") : SqlValue());
  cols.push_back(kind == Kind::User && record.contains("emailaddress") && record["emailaddress"].is_string()
                     ? SqlValue(record["emailaddress"].get<std::string>())
                     : SqlValue());
  cols.push_back(static_cast<long long>(kind == Kind::Ticket && int_or_zero(record, "status_id") == kClosedStatusId));
  cols.push_back(stamp.is_string() ? SqlValue(stamp.get<std::string>()) : SqlValue());
  cols.push_back(record.dump());

  const std::string table = k.table;
  if (insert) {
    cols.push_back(id > 0 ? SqlValue(id) : SqlValue());  // NULL: SQLite assigns the next id
    auto st = db_.prepare("INSERT INTO " + table +
                          " (name, inactive, client_id, site_id, user_id, toplevel_id, parent_id, email, closed, "
                          "lastupdate, data, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind_all(cols);
    st.run();
    return db_.last_insert_id();
  }
  cols.push_back(id);
  auto st = db_.prepare("UPDATE " + table +
                        " SET name=?, inactive=?, client_id=?, site_id=?, user_id=?, toplevel_id=?, parent_id=?, "
                        "email=?, closed=?, lastupdate=?, data=? WHERE id=?");
  st.bind_all(cols);
  st.run();
  return id;
}

void Store::after_write(Kind kind, long long id, const std::optional<json>& before, const json& extras,
                        const std::string& path, const WriteOptions& opts, json& errors) {
  if (kind == Kind::Site) {
    const json site = *load(Kind::Site, id);
    const long long client = int_or_zero(site, "client_id");
    const bool promote = opts.trusted || quirks_.get().first_site_becomes_main;
    ensure_main_site(client, opts.now, promote);
    const long long old_client = before ? int_or_zero(*before, "client_id") : 0;
    if (old_client > 0 && old_client != client) {
      // A site moved to another client takes its contacts along; they are stamped so incremental syncs see it.
      auto st = db_.prepare("SELECT id FROM users WHERE site_id=?");
      st.bind(1, id);
      std::vector<long long> contacts;
      while (st.step()) contacts.push_back(st.int_at(0));
      for (long long u : contacts) {
        json contact = *load(Kind::User, u);
        contact["ulastupdate"] = opts.now;
        write_row(Kind::User, u, contact, false);
      }
      ensure_main_site(old_client, opts.now, promote);
    }
    if (!before && !blank(extras.value("contactname", json()))) {
      json contact = {{"name", extras["contactname"]}, {"site_id", id}};
      if (extras.contains("contactemail")) contact["emailaddress"] = extras["contactemail"];
      if (extras.contains("contacttitle")) contact["title"] = extras["contacttitle"];
      save_item(Kind::User, contact, path + ".newsite_contactname", opts, errors);
    }
  }
  if (kind == Kind::Client && !before) {
    // One-call onboarding: newclient_sitename (+ phone, address...) creates the main site, newclient_contactname a
    // contact on it.
    const bool wants_contact = !blank(extras.value("contactname", json()));
    const bool wants_site = wants_contact || !blank(extras.value("sitename", json())) ||
                            extras.contains("phonenumber") || extras.contains("delivery_address");
    if (!wants_site) return;
    json site = {{"name", blank(extras.value("sitename", json())) ? json("Main Site") : extras["sitename"]},
                 {"client_id", id}};
    const std::pair<const char*, const char*> copies[] = {{"phonenumber", "phonenumber"},
                                                          {"delivery_address", "delivery_address"},
                                                          {"countrycode", "country_code"},
                                                          {"timezone", "timezone"},
                                                          {"domain", "emaildomain"}};
    for (const auto& [from, to] : copies)
      if (extras.contains(from) && !extras[from].is_null()) site[to] = extras[from];
    if (wants_contact) {
      site["newsite_contactname"] = extras["contactname"];
      if (extras.contains("contactemail")) site["newsite_contactemail"] = extras["contactemail"];
      if (extras.contains("contacttitle")) site["newsite_contacttitle"] = extras["contacttitle"];
    }
    // newclient_sitename names the client's main site: it becomes main_site_id whatever first_site_becomes_main
    // says.
    if (auto site_id = save_item(Kind::Site, site, path + ".newclient_sitename", opts, errors)) {
      json client = *load(Kind::Client, id);
      client["main_site_id"] = *site_id;
      write_row(Kind::Client, id, client, false);
    }
  }
}

// With `promote` (first_site_becomes_main, or seeding) the first site of a client becomes its main site and the next
// one takes over when the main site goes away; without, a main site that went away leaves the role empty.
void Store::ensure_main_site(long long client_id, const std::string& now, bool promote) {
  auto client = load(Kind::Client, client_id);
  if (!client) return;
  const long long current = int_or_zero(*client, "main_site_id");
  if (current > 0 && db_.scalar("SELECT COUNT(*) FROM sites WHERE id=? AND client_id=?", {current, client_id}) > 0)
    return;
  if (!promote && current <= 0) return;
  const long long next =
      promote ? db_.scalar("SELECT id FROM sites WHERE client_id=? ORDER BY inactive ASC, id ASC LIMIT 1", {client_id})
              : 0;
  if (next == current) return;
  if (next > 0) (*client)["main_site_id"] = next;
  else
    client->erase("main_site_id");
  (*client)["alastupdate"] = now;
  write_row(Kind::Client, client_id, *client, false);
}

}  // namespace sandbox
