#include "tools/records.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include "halo/field_policy.h"
#include "halo/openapi_fields.h"
#include "tools/dedupe.h"
#include "tools/schemas.h"
#include "util/text.h"

namespace tools {

namespace {

// In halo::Kind order.
const KindInfo kKinds[] = {{"client", "clients"},     {"site", "sites"},         {"contact", "contacts"},
                           {"toplevel", "toplevels"}, {"contract", "contracts"}, {"ticket", "tickets"}};

using util::lower;

std::string trim(std::string_view s) {
  const auto* ws = " \t\r\n\f\v";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(ws) - b + 1));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same =
          std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// ISO 3166-1 alpha-2, officially assigned codes.
constexpr std::string_view kCountries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO "
    "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE "
    "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO "
    "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW "
    "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM "
    "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

// Control arguments the tools read themselves: never sent to Halo as fields.
// clang-format off
const std::set<std::string> kControlArguments = {
    "id",         "client",  "site",        "dry_run",         "if_unchanged_since", "allow_duplicate",
    "fields",     "extra",   "custom_fields", "confirm",       "make_main_site",     "make_site_main_contact",
    "client_type", "toplevel", "billing_parent", "address",   "invoice_address",    "active",
    "add_popup_note"};
// clang-format on

// Longest text `extra` passes for a field whose schema states no limit: generous for a one-field value, far below
// what would bloat a record (the named arguments carry their own, tighter caps).
constexpr std::size_t kExtraTextCap = 4000;

}  // namespace

const KindInfo& kind_info(Kind kind) { return kKinds[static_cast<int>(kind)]; }

namespace {

// Index of a kind the tools edit (client, site, contact) in tables kept per kind.
std::size_t edited(Kind kind) {
  if (kind != Kind::client && kind != Kind::site && kind != Kind::contact)
    throw std::logic_error("argument tables exist for clients, sites and contacts only");
  return static_cast<std::size_t>(kind);
}

// schemas/record_fields.json, the table the schema generator reads too: {kind: {fields|dedicated: [[argument, halo]]}}.
std::vector<FieldMapping> mappings_from_table(Kind kind, const char* part) {
  std::vector<FieldMapping> out;
  for (const auto& pair : schema("record_fields").at(kind_info(kind).label).at(part))
    out.push_back({pair[0].get_ref<const std::string&>().c_str(), pair[1].get_ref<const std::string&>().c_str()});
  return out;
}

const std::vector<FieldMapping>& dedicated_mappings(Kind kind) {
  static const std::vector<FieldMapping> tables[] = {mappings_from_table(Kind::client, "dedicated"),
                                                     mappings_from_table(Kind::site, "dedicated"),
                                                     mappings_from_table(Kind::contact, "dedicated")};
  return tables[edited(kind)];
}

}  // namespace

const std::vector<FieldMapping>& field_mappings(Kind kind) {
  static const std::vector<FieldMapping> tables[] = {mappings_from_table(Kind::client, "fields"),
                                                     mappings_from_table(Kind::site, "fields"),
                                                     mappings_from_table(Kind::contact, "fields")};
  return tables[edited(kind)];
}

namespace {

// The JSON type a value of Halo type `t` has ("integer", "string"...; "any" for untyped fields).
const char* json_type_name(halo::openapi::Type t) {
  using halo::openapi::Type;
  switch (t) {
    case Type::Int32:
    case Type::Int64: return "integer";
    case Type::Number: return "number";
    case Type::Boolean: return "boolean";
    case Type::String:
    case Type::DateTime: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
    case Type::Any: return "any";
  }
  return "any";
}

// The field names of `kind`'s schema, sorted, for suggestions.
const std::vector<std::string>& field_names(Kind kind) {
  static const auto tables = [] {
    std::array<std::vector<std::string>, 3> out;
    for (Kind k : {Kind::client, Kind::site, Kind::contact}) {
      for (const auto& [field, spec] : halo::openapi::schema(halo::wire(k).schema))
        out[static_cast<int>(k)].push_back(field);
      std::sort(out[static_cast<int>(k)].begin(), out[static_cast<int>(k)].end());
    }
    return out;
  }();
  return tables[edited(kind)];
}

}  // namespace

std::string argument_for(Kind kind, std::string_view halo_field) {
  for (const auto& m : field_mappings(kind))
    if (halo_field == m.halo) return m.argument;
  // Fields the tools write through dedicated arguments (or a tool) with their own checks.
  for (const auto& m : dedicated_mappings(kind))
    if (halo_field == m.halo) return m.argument;
  return {};
}

std::vector<std::string> nearest(std::string_view word, const std::vector<std::string>& names, std::size_t max) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::string w = lower(word);
  for (const auto& n : names) {
    const std::string l = lower(n);
    std::size_t d = edit_distance(w, l);
    if (!w.empty() && (l.find(w) != std::string::npos || w.find(l) != std::string::npos))
      d = std::min<std::size_t>(d, 1);
    if (d <= std::max<std::size_t>(2, w.size() / 3)) scored.emplace_back(d, n);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [d, n] : scored) {
    if (out.size() >= max) break;
    out.push_back(n);
  }
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& names) {
  const auto near = nearest(word, names);
  if (near.empty()) return {};
  std::string text = " Did you mean ";
  for (std::size_t i = 0; i < near.size(); ++i)
    text += (i ? (i + 1 == near.size() ? " or " : ", ") : "") + ("\"" + near[i] + "\"");
  return text + "?";
}

const std::vector<std::string>& curated_fields(Kind kind) {
  // clang-format off
  static const std::vector<std::string> client = {
      "id", "name", "inactive", "customertype", "toplevel_id", "toplevel_name", "client_to_invoice",
      "client_to_invoice_name", "main_site_id", "main_site_name", "main_phonenumber", "is_vip", "ref", "website",
      "accountmanagertech", "stopped", "alastupdate"};
  // clang-format on
  // clang-format off
  static const std::vector<std::string> site = {
      "id", "name", "client_id", "client_name", "inactive", "phonenumber", "delivery_address", "country_code",
      "maincontact_id", "maincontact_name", "isinvoicesite", "invoice_address", "invoice_address_isdelivery", "stopped",
      "slastupdate"};
  // clang-format on
  // clang-format off
  static const std::vector<std::string> contact = {
      "id", "name", "firstname", "surname", "title", "emailaddress", "phonenumber", "mobilenumber", "site_id",
      "site_name", "client_id", "client_name", "inactive", "isimportantcontact", "ulastupdate"};
  // clang-format on
  switch (kind) {
    case Kind::client: return client;
    case Kind::site: return site;
    case Kind::contact: return contact;
    default: break;
  }
  throw std::logic_error("field tables exist for clients, sites and contacts only");
}

std::vector<std::string> requested_fields(Kind kind, const json& args) {
  std::vector<std::string> out;
  if (!args.contains("fields")) return out;
  const auto& known = halo::openapi::schema(halo::wire(kind).schema);
  for (const auto& f : args["fields"]) {
    const std::string name = f.get<std::string>();
    if (!known.contains(name))
      throw InputError("fields: \"" + name + "\" is not a HaloPSA " + kind_info(kind).label + " field." +
                       did_you_mean(name, field_names(kind)) + " Use Halo's field names (schema " +
                       halo::wire(kind).schema + ").");
    out.push_back(name);
  }
  return out;
}

json project(Kind kind, const json& record, const std::vector<std::string>& extra_fields) {
  json out = json::object();
  if (!record.is_object()) return out;
  for (const auto* list : {&curated_fields(kind), &extra_fields})
    for (const auto& f : *list)
      if (auto it = record.find(f); it != record.end()) out[f] = *it;
  if (!out.contains("id")) out["id"] = 0;
  if (!out.contains("name") || !out["name"].is_string()) out["name"] = "";
  return out;
}

std::string checked_line(std::string text, std::string_view field) {
  // What breaks a line or reorders what the model and the user read: C0 and C1 controls (line breaks, tabs, escape,
  // DEL), the Unicode line and paragraph separators, and the bidirectional embedding, override and isolate marks.
  auto refuse = [&](std::size_t at, const char* what, const char* code) {
    throw InputError(std::string(field) + ": must be one line of plain text, but it contains " + what + " (" + code +
                     ") at byte " + std::to_string(at + 1) +
                     ". Remove it and call the tool again; only notes keep "
                     "line breaks.");
  };
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = s[i];
    if (c == '\n' || c == '\r') refuse(i, "a line break", c == '\n' ? "U+000A" : "U+000D");
    if (c < 0x20 || c == 0x7f)
      refuse(i, "a control character", c == '\t' ? "U+0009, a tab" : "U+0000-U+001F or U+007F");
    if (c == 0xc2 && i + 1 < text.size() && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
      refuse(i, "a control character", "U+0080-U+009F");
    if (c == 0xe2 && i + 2 < text.size()) {
      const unsigned b = s[i + 1], d = s[i + 2];
      if (b == 0x80 && (d == 0xa8 || d == 0xa9))
        refuse(i, "a line or paragraph separator", d == 0xa8 ? "U+2028" : "U+2029");
      if ((b == 0x80 && ((d >= 0xaa && d <= 0xae) || d == 0x8e || d == 0x8f)) || (b == 0x81 && d >= 0xa6 && d <= 0xa9))
        refuse(i, "a bidirectional text control", "U+200E/F, U+202A-U+202E or U+2066-U+2069");
    }
  }
  return text;
}

bool is_one_line_field(Kind kind, std::string_view halo_field) {
  static const std::set<std::string, std::less<>> one_line[] = {
      {"name", "trading_name", "ref", "website", "tax_number", "accountsemailaddress", "colour"},
      {"name", "phonenumber", "emaildomain", "timezone"},
      {"name", "firstname", "surname", "title", "emailaddress", "email2", "phonenumber", "mobilenumber"},
  };
  return one_line[static_cast<int>(kind)].contains(halo_field);
}

std::string checked_name(const json& value, const char* field) {
  if (!value.is_string()) throw InputError(std::string(field) + ": expected a text value.");
  std::string name = checked_line(trim(value.get<std::string>()), field);
  if (name.empty()) throw InputError(std::string(field) + ": must not be empty or only spaces.");
  const std::string seen = dedupe::fold(name);
  if (std::none_of(seen.begin(), seen.end(), [](unsigned char c) { return std::isalnum(c) || c >= 0x80; }))
    throw InputError(std::string(field) +
                     ": has no letter or digit once invisible characters and punctuation are "
                     "set aside; give the real name.");
  if (name.size() > 255)
    throw InputError(std::string(field) + ": at most 255 characters (got " + std::to_string(name.size()) + ").");
  return name;
}

std::string checked_country(const json& value, const char* field) {
  const std::string code = trim(value.is_string() ? value.get<std::string>() : std::string());
  std::string upper = code;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper.size() != 2 || kCountries.find(upper) == std::string_view::npos || upper.find(' ') != std::string::npos)
    throw InputError(std::string(field) + ": \"" + code +
                     "\" is not an ISO 3166-1 alpha-2 country code; use two letters such as GB, US, DE or IE.");
  return upper;
}

long long positive_id(const json& value, const char* field) {
  if (!value.is_number_integer() || value.get<long long>() <= 0)
    throw InputError(std::string(field) + ": expected a positive integer id, got " + value.dump() + ".");
  return value.get<long long>();
}

json map_arguments(Kind kind, const json& args) {
  json body = json::object();
  std::set<std::string> known_args = kControlArguments;
  for (const auto& m : field_mappings(kind)) {
    known_args.insert(m.argument);
    auto it = args.find(m.argument);
    if (it == args.end()) continue;
    const std::string arg = m.argument;
    if (arg == "credit_stop") {
      // Halo's `stopped` is an integer whose non-zero values are undocumented (docs/halopsa-quirks.md): a stop is
      // sent as 1, lifting it as 0; the saved value is read back like any other.
      if (!it->is_boolean()) throw InputError("credit_stop: expected true or false, got " + it->dump() + ".");
      body[m.halo] = it->get<bool>() ? 1 : 0;
    } else if (arg == "name" || arg == "first_name" || arg == "surname") {
      if (it->is_null()) continue;
      body[m.halo] = checked_name(*it, m.argument);
    } else if (arg == "country_code") {
      body[m.halo] = checked_country(*it, m.argument);
    } else if (it->is_string() && std::any_of(agent_arguments(kind).begin(), agent_arguments(kind).end(),
                                              [&](const std::string& a) { return arg == a; })) {
      continue;  // an agent given by name: resolve_agent_arguments looks it up
    } else if (arg.size() > 3 && arg.compare(arg.size() - 3, 3, "_id") == 0 && !it->is_null()) {
      body[m.halo] = positive_id(*it, m.argument);
    } else if (it->is_string()) {
      body[m.halo] = trim(it->get<std::string>());
      if (is_one_line_field(kind, m.halo)) checked_line(body[m.halo].get<std::string>(), m.argument);
    } else {
      body[m.halo] = *it;
    }
  }
  if (auto it = args.find("extra"); it != args.end() && it->is_object()) {
    const auto& known = halo::openapi::schema(halo::wire(kind).schema);
    for (const auto& [field, value] : it->items()) {
      if (!known.contains(field))
        throw InputError("extra: \"" + field + "\" is not a HaloPSA " + kind_info(kind).label + " field." +
                         did_you_mean(field, field_names(kind)) + " Use Halo's own field names (OpenAPI schema " +
                         halo::wire(kind).schema + ").");
      if (const std::string owner = argument_for(kind, field); !owner.empty())
        throw InputError("extra: \"" + field + "\" has its own argument, which checks it: use `" + owner +
                         "` instead of extra.");
      if (auto refused = halo::openapi::refusal(halo::wire(kind).schema, field))
        throw InputError("extra: \"" + field + "\" cannot be written through extra (" +
                         halo::openapi::refused_name(refused->why) + "): " + refused->reason +
                         ". Ask a person to change it in HaloPSA if it is really needed.");
      const halo::openapi::Field& spec = known.at(field);
      const std::string type = json_type_name(spec.type);
      const bool ok = value.is_null() || type == "any" || (type == "string" && value.is_string()) ||
                      (type == "integer" && value.is_number_integer()) || (type == "number" && value.is_number()) ||
                      (type == "boolean" && value.is_boolean());
      if (!ok)
        throw InputError("extra." + field + ": HaloPSA expects " + (type == "integer" ? "an " : "a ") + type +
                         " here, got " + value.dump() + ".");
      if (value.is_string()) {
        const std::size_t cap = spec.max_length > 0 ? static_cast<std::size_t>(spec.max_length) : kExtraTextCap;
        if (value.get<std::string>().size() > cap)
          throw InputError("extra." + field + ": at most " + std::to_string(cap) + " bytes of text (got " +
                           std::to_string(value.get<std::string>().size()) + ").");
      }
      body[field] = value;
    }
  }
  return body;
}

std::string normalise_name(std::string_view name) { return dedupe::company_key(name); }

std::string normalise_email(std::string_view email) { return lower(trim(dedupe::visible(email))); }

namespace {

void diff_into(const std::string& prefix, const json& before, const json& after, json& out) {
  if (after.is_object() && (before.is_object() || before.is_null())) {
    for (const auto& [k, v] : after.items())
      diff_into(prefix + "." + k, before.is_object() && before.contains(k) ? before[k] : json(), v, out);
    return;
  }
  const bool blank_before = before.is_null() || (before.is_string() && before.get<std::string>().empty());
  const bool blank_after = after.is_null() || (after.is_string() && after.get<std::string>().empty());
  if (before == after || (blank_before && blank_after)) return;
  if (before.is_number() && after.is_number() && before.get<double>() == after.get<double>()) return;
  if (before.is_string() && after.is_string() && same_instant(before.get<std::string>(), after.get<std::string>()) &&
      before.get<std::string>().size() >= 19)
    return;
  out.push_back({{"field", prefix}, {"before", before}, {"after", after}});
}

}  // namespace

json diff(const json& current, const json& body) {
  json out = json::array();
  for (const auto& [field, after] : body.items()) {
    if (field == "id") continue;
    if (field == "customfields" && after.is_array()) {
      const json existing = current.value("customfields", json::array());
      for (const auto& cf : after) {
        json before;
        std::string label = std::to_string(cf.value("id", 0));
        for (const auto& old : existing)
          if (old.value("id", 0) == cf.value("id", 0)) {
            before = old.value("value", json());
            label = old.value("name", label);
          }
        diff_into("customfields[" + label + "]", before, cf.value("value", json()), out);
      }
      continue;
    }
    diff_into(field, current.contains(field) ? current[field] : json(), after, out);
  }
  return out;
}

bool same_instant(std::string_view a, std::string_view b) {
  // Compare YYYY-MM-DDTHH:MM:SS and the milliseconds; a trailing Z / +00:00 and missing fractions are equivalent.
  auto parts = [](std::string_view s) {
    std::string t = trim(s);
    for (auto& c : t)
      if (c == ' ') c = 'T';
    std::string base = t.substr(0, std::min<std::size_t>(19, t.size()));
    int ms = 0;
    if (t.size() > 19 && t[19] == '.') {
      std::string frac;
      for (std::size_t i = 20; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i) frac += t[i];
      frac = (frac + "000").substr(0, 3);
      ms = std::stoi(frac);
    }
    return std::make_pair(base, ms);
  };
  return parts(a) == parts(b);
}

std::string plain(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("line1")) {  // an address
    std::string text;
    for (const char* k : {"line1", "line2", "line3", "line4", "postcode"})
      if (value.contains(k) && value[k].is_string() && !value[k].get<std::string>().empty())
        text += (text.empty() ? "" : ", ") + value[k].get<std::string>();
    return text;
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string markdown_table(const json& rows, const std::vector<std::pair<std::string, std::string>>& columns,
                           std::size_t total, std::size_t max_rows) {
  auto cell = [](const json& v) {
    std::string s = v.is_boolean() ? (v.get<bool>() ? "yes" : "") : plain(v);
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
    return out;
  };
  // A column no row carries is left out: HaloPSA's list rows lack some fields, and a blank column would read as
  // "none" (e.g. no main site) when the value is only unknown.
  std::vector<std::pair<std::string, std::string>> shown_columns;
  for (const auto& column : columns)
    if (rows.empty() || std::any_of(rows.begin(), rows.end(), [&](const json& r) { return r.contains(column.first); }))
      shown_columns.push_back(column);
  std::string text = "|";
  for (const auto& [f, h] : shown_columns) text += " " + h + " |";
  text += "\n|";
  for (std::size_t i = 0; i < shown_columns.size(); ++i) text += "---|";
  std::size_t shown = 0;
  for (const auto& row : rows) {
    if (shown == max_rows) break;
    text += "\n|";
    for (const auto& [f, h] : shown_columns) text += " " + cell(row.contains(f) ? row[f] : json()) + " |";
    ++shown;
  }
  if (total > shown) text += "\n…and " + std::to_string(total - shown) + " more.";
  return text;
}

}  // namespace tools
