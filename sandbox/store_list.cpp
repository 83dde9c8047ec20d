// GET lists: Halo's filters, ordering and its two paging modes (the quiet default page, and pageinate + page_no).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <regex>

#include "sandbox/store.h"
#include "sandbox/coerce.h"
#include "sandbox/time_util.h"
#include "util/text.h"

namespace sandbox {

using nlohmann::json;

namespace {

using util::lower;

[[noreturn]] void invalid(const std::string& key, const std::string& value) {
  throw ApiError(400, {{key, "The value '" + value + "' is not valid for " + key + "."}});
}

const std::string* param(const QueryParams& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? nullptr : &it->second;
}

std::optional<bool> opt_bool(const QueryParams& q, const std::string& key) {
  const std::string* v = param(q, key);
  if (!v || v->empty()) return std::nullopt;
  const std::string s = lower(*v);
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  invalid(key, *v);
}

std::optional<long long> opt_int(const QueryParams& q, const std::string& key) {
  const std::string* v = param(q, key);
  if (!v || v->empty()) return std::nullopt;
  long long out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size()) invalid(key, *v);
  return out;
}

std::string like_pattern(const std::string& term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

struct Where {
  std::vector<std::string> clauses;
  std::vector<SqlValue> binds;

  void add(std::string clause, std::vector<SqlValue> values = {}) {
    clauses.push_back(std::move(clause));
    for (auto& v : values) binds.push_back(std::move(v));
  }
  std::string sql() const {
    if (clauses.empty()) return "";
    std::string s = " WHERE ";
    for (std::size_t i = 0; i < clauses.size(); ++i) s += (i ? " AND " : "") + clauses[i];
    return s;
  }
};

// includeactive / includeinactive (or activeinactive="a,b"); with neither, Halo lists active records only. When only
// one of the pair is sent, Halo's default for the other is undocumented: the include_pair_defaults switch decides
// ("strict": the missing one counts as false; "lenient": a missing includeactive counts as true).
void active_filter(const QueryParams& q, Where& w, bool has_active_param, const Quirks& quirks) {
  std::optional<bool> active = has_active_param ? opt_bool(q, "includeactive") : std::nullopt;
  std::optional<bool> inactive = opt_bool(q, "includeinactive");
  if (const std::string* both = param(q, "activeinactive"); both && has_active_param) {
    const auto comma = both->find(',');
    QueryParams split{{"includeactive", both->substr(0, comma)},
                      {"includeinactive", comma == std::string::npos ? "" : both->substr(comma + 1)}};
    if (!active) active = opt_bool(split, "includeactive");
    if (!inactive) inactive = opt_bool(split, "includeinactive");
  }
  bool want_active = true, want_inactive = false;
  if (!has_active_param) {  // ClientContract: includeinactive only
    want_inactive = inactive.value_or(false);
  } else if (active || inactive) {
    const bool lenient = quirks.include_pair_defaults == Quirks::IncludePair::Lenient;
    want_active = active.value_or(lenient);
    want_inactive = inactive.value_or(false);
  }
  if (want_active && !want_inactive) w.add("inactive = 0");
  else if (!want_active && want_inactive)
    w.add("inactive = 1");
  else if (!want_active && !want_inactive)
    w.add("0");
}

void lastupdate_filter(const QueryParams& q, Where& w) {
  // The OpenAPI types these as bool; real tenants take dates for incremental sync. Non-dates are ignored.
  if (const std::string* from = param(q, "lastupdatefromdate"))
    if (auto iso = normalize_datetime(*from)) w.add("lastupdate >= ?", {*iso});
  if (const std::string* to = param(q, "lastupdatetodate"))
    if (auto iso = normalize_datetime(*to, true)) w.add("lastupdate <= ?", {*iso});
}

std::string order_by(Kind kind, const QueryParams& q, std::vector<SqlValue>& binds) {
  static const std::regex field_name("^[A-Za-z0-9_]{1,64}$");
  std::vector<std::string> terms;
  for (int i = 1; i <= 5; ++i) {
    const std::string suffix = i == 1 ? "" : std::to_string(i);
    const std::string* field = param(q, "order" + suffix);
    if (!field || field->empty() || !std::regex_match(*field, field_name)) continue;
    const bool desc = opt_bool(q, "orderdesc" + suffix).value_or(false);
    const std::string f = lower(*field);
    std::string expr;
    if (f == "id") expr = "id";
    else if (f == kind_info(kind).name_field)
      expr = "name COLLATE NOCASE";
    else {
      expr = "json_extract(data, ?)";
      binds.push_back(std::string("$.") + *field);
    }
    terms.push_back(expr + (desc ? " DESC" : " ASC"));
  }
  if (terms.empty()) {
    // Halo's default orders: by name for the customer book, newest first for tickets.
    if (kind == Kind::Ticket) return " ORDER BY id DESC";
    if (kind == Kind::Contract) return " ORDER BY id ASC";
    return " ORDER BY name COLLATE NOCASE ASC, id ASC";
  }
  std::string s = " ORDER BY ";
  for (const auto& t : terms) s += t + ", ";
  return s + "id ASC";
}

}  // namespace

json Store::list(Kind kind, const QueryParams& q, const PageLimits& limits) {
  const KindInfo& k = kind_info(kind);
  const Quirks quirks = quirks_.get();
  Where w;

  if (kind == Kind::Client || kind == Kind::Site || kind == Kind::User) active_filter(q, w, true, quirks);
  if (kind == Kind::Contract) active_filter(q, w, false, quirks);

  if (const std::string* s = param(q, "search"); s && !s->empty()) {
    const std::string pat = like_pattern(*s);
    if (kind == Kind::User) {
      std::string clause = "(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\'";
      std::vector<SqlValue> values{pat, pat};
      if (opt_bool(q, "search_phonenumbers").value_or(false)) {
        clause +=
            " OR json_extract(data, '$.phonenumber') LIKE ? ESCAPE '\\' OR json_extract(data, "
            "'$.mobilenumber') LIKE ? ESCAPE '\\'";
        values.push_back(pat);
        values.push_back(pat);
      }
      w.add(clause + ")", values);
    } else if (kind == Kind::Client && quirks.client_search_scope == Quirks::SearchScope::Wide) {
      // Halo documents only "like your search string": nothing says it is the name alone, so by default it also
      // matches the reference, trading name, website and notes (search_name_only is the name-only search).
      std::string clause = "(name LIKE ? ESCAPE '\\'";
      std::vector<SqlValue> values{pat};
      for (const char* field : {"ref", "trading_name", "website", "notes"}) {
        clause += std::string(" OR json_extract(data, '$.") + field + "') LIKE ? ESCAPE '\\'";
        values.push_back(pat);
      }
      w.add(clause + ")", values);
    } else {
      w.add("name LIKE ? ESCAPE '\\'", {pat});
    }
  }
  if (const std::string* s = param(q, "search_name_only"); s && !s->empty() && kind == Kind::Client)
    w.add("name LIKE ? ESCAPE '\\'", {like_pattern(*s)});

  if (kind == Kind::Site || kind == Kind::User || kind == Kind::Ticket || kind == Kind::Contract)
    if (auto id = opt_int(q, "client_id")) w.add("client_id = ?", {*id});
  if (auto id = opt_int(q, "site_id")) {
    if (kind == Kind::Site) w.add("id = ?", {*id});
    else if (kind == Kind::User || kind == Kind::Ticket || kind == Kind::Contract)
      w.add("site_id = ?", {*id});
  }
  if (auto id = opt_int(q, "toplevel_id")) {
    if (kind == Kind::Client) w.add("toplevel_id = ?", {*id});
    else if (kind == Kind::Site || kind == Kind::User || kind == Kind::Ticket)
      w.add("client_id IN (SELECT id FROM clients WHERE toplevel_id = ?)", {*id});
  }
  if (kind == Kind::Ticket) {
    if (auto id = opt_int(q, "user_id")) w.add("user_id = ?", {*id});
    if (opt_bool(q, "open_only").value_or(false)) w.add("closed = 0");
    if (opt_bool(q, "closed_only").value_or(false)) w.add("closed = 1");
  }
  if (k.stamp) lastupdate_filter(q, w);

  const std::string where = w.sql();
  std::lock_guard lock(mu_);
  const long long total = db_.scalar(std::string("SELECT COUNT(*) FROM ") + k.table + where, w.binds);

  // Paging only with pageinate=true AND an explicit page_no; otherwise the quiet default page (or `count`).
  const bool paged = opt_bool(q, "pageinate").value_or(false) && param(q, "page_no") != nullptr;
  long long limit = limits.default_page_size;
  long long offset = 0;
  long long page_no = 1;
  if (paged) {
    page_no = std::clamp<long long>(opt_int(q, "page_no").value_or(1), 1, 100000000);
    limit = opt_int(q, "page_size").value_or(limits.default_page_size);
    if (limit <= 0) limit = limits.default_page_size;
    limit = std::min<long long>(limit, limits.max_page_size);  // a bigger page is silently capped
    offset = (page_no - 1) * limit;
  } else if (auto count = opt_int(q, "count"); count && *count > 0) {
    limit = *count;
  }

  std::vector<SqlValue> binds = w.binds;
  const std::string order = order_by(kind, q, binds);
  binds.push_back(limit);
  binds.push_back(offset);
  auto st = db_.prepare(std::string("SELECT id, data FROM ") + k.table + where + order + " LIMIT ? OFFSET ?");
  st.bind_all(binds);
  const bool id_only = opt_bool(q, "idonly").value_or(false);

  json out = json::object();
  if (paged) {
    out["page_no"] = page_no;
    out["page_size"] = limit;
  }
  out["record_count"] = total;
  json rows = read_rows(kind, st, id_only);
  // showcounts (undocumented beyond its name) fills the *_ticket_count fields of client rows; list_row then keeps
  // only those Area_List has (open_ticket_count, opps_ticket_count) unless list_rows is "full".
  if (kind == Kind::Client && !id_only && opt_bool(q, "showcounts").value_or(false))
    for (auto& row : rows) {
      const long long id = row.value("id", 0LL);
      auto count = [&](const std::string& where) {
        return db_.scalar("SELECT COUNT(*) FROM tickets WHERE client_id=? AND " + where, {id});
      };
      row["open_ticket_count"] = count("closed = 0");
      row["onhold_ticket_count"] = count("json_extract(data, '$.status_id') = " + std::to_string(kOnHoldStatusId));
      row["total_ticket_count"] = count("1");
      row["opps_ticket_count"] = 0;
    }
  if (!id_only)
    for (auto& row : rows) row = list_row(kind, std::move(row), q, quirks);
  out[k.envelope] = std::move(rows);
  return out;
}

// What a list row carries. Always (documented parameters): notes only with includenotes=true, a site's address only
// with includeaddress=true (flat delivery_address_line1..5, line5 = postcode, or a nested delivery_address, per
// site_address_shape); includedetails is for single records and ignored here. With list_rows "list", only the fields
// of Halo's *_List schemas (Area_List, Site_List, Users_List), and the float ids the database columns give them.
json Store::list_row(Kind kind, json row, const QueryParams& q, const Quirks& quirks) const {
  if (kind != Kind::Client && kind != Kind::Site && kind != Kind::User) return row;
  if (!opt_bool(q, "includenotes").value_or(false)) row.erase("notes");
  if (kind == Kind::Site) {
    json address = row.value("delivery_address", json::object());
    row.erase("delivery_address");
    row.erase("invoice_address");
    if (opt_bool(q, "includeaddress").value_or(false)) {
      if (quirks.site_address_shape == Quirks::AddressShape::Nested) {
        row["delivery_address"] = address;
      } else {
        const char* lines[] = {"line1", "line2", "line3", "line4", "postcode"};
        for (int i = 0; i < 5; ++i) {
          auto it = address.find(lines[i]);
          if (it != address.end() && it->is_string()) row["delivery_address_line" + std::to_string(i + 1)] = *it;
        }
      }
    }
  }
  if (quirks.list_rows == Quirks::ListRows::Full) return row;
  const openapi::Schema& schema = openapi::schema(kind == Kind::Client ? "Area_List"
                                                  : kind == Kind::Site ? "Site_List"
                                                                       : "Users_List");
  const json site_id = row.value("site_id", json());
  for (auto it = row.begin(); it != row.end();) {
    const bool nested_address = it.key() == "delivery_address";  // only here when the shape switch says nested
    if ((!schema.count(it.key()) && !nested_address) || (kind == Kind::User && it->is_null())) it = row.erase(it);
    else
      ++it;
  }
  // USERS.Usite and SITE.Sarea are FLOAT columns: the list rows show 101.0 (and Users has site_id_int beside it).
  if (kind == Kind::User && site_id.is_number_integer()) {
    row["site_id"] = static_cast<double>(site_id.get<long long>());
    row["site_id_int"] = site_id;
  }
  if (kind == Kind::Site && row.contains("client_id") && row["client_id"].is_number_integer())
    row["client_id"] = static_cast<double>(row["client_id"].get<long long>());
  return row;
}

json Store::list_popup_notes(const QueryParams& q) {
  // The one record the note list is for: the first of client_id, site_id, user_id given.
  const std::pair<const char*, Kind> owners[] = {
      {"client_id", Kind::Client}, {"site_id", Kind::Site}, {"user_id", Kind::User}};
  json rows = json::array();
  std::lock_guard lock(mu_);
  for (const auto& [key, kind] : owners) {
    const auto id = opt_int(q, key);
    if (!id) continue;
    const auto record = load(kind, *id);
    if (record && record->contains("popup_notes") && (*record)["popup_notes"].is_array())
      for (json note : (*record)["popup_notes"]) {
        note[key] = *id;
        rows.push_back(std::move(note));
      }
    break;
  }
  return rows;
}

}  // namespace sandbox
