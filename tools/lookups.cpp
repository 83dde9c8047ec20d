// Names → ids: clients, client types, TopLevels, agents and custom fields, so a model can use the names a person says.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include "halo/agents.h"
#include "halo/client.h"
#include "halo/list_query.h"
#include "halo/custom_fields.h"
#include "halo/lookup_tables.h"
#include "server/audit_log.h"
#include "tools/records.h"
#include "util/text.h"

namespace tools {

namespace {

using util::lower;

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A string that is all digits is an id given as text ("12").
std::optional<long long> digits(const std::string& s) {
  if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  return std::stoll(s);
}

// Picks the one entry of `rows` whose name matches `wanted`: an exact (case-insensitive) match, else the only
// partial one. Otherwise InputError listing candidates.
long long pick_by_name(const json& rows, const std::string& wanted, const std::string& argument,
                       const std::string& what, const std::string& how_to_list) {
  std::vector<const json*> exact, partial;
  const std::string w = lower(wanted);
  for (const auto& r : rows) {
    const std::string name = lower(trimmed(r.value("name", std::string())));
    if (name == w) exact.push_back(&r);
    else if (name.find(w) != std::string::npos)
      partial.push_back(&r);
  }
  if (exact.size() == 1) return exact[0]->at("id").get<long long>();
  const auto& candidates = exact.empty() ? partial : exact;
  if (candidates.size() == 1) return candidates[0]->at("id").get<long long>();
  if (candidates.empty()) {
    std::vector<std::string> names;
    for (const auto& r : rows) names.push_back(r.value("name", std::string()));
    throw InputError(argument + ": no " + what + " named \"" + wanted + "\"." + did_you_mean(wanted, names) + " " +
                     how_to_list);
  }
  std::string text = argument + ": \"" + wanted + "\" matches " + std::to_string(candidates.size()) + " " + what +
                     "s; pass the id of the one you mean:";
  std::size_t shown = 0;
  for (const json* r : candidates) {
    if (shown++ == 10) {
      text += " …and " + std::to_string(candidates.size() - 10) + " more (narrow the name).";
      break;
    }
    text += "\n- " + std::to_string(r->at("id").get<long long>()) + ": " + r->value("name", std::string()) +
            (r->value("inactive", false) ? " (inactive)" : "");
  }
  throw InputError(text);
}

// FieldInfo's typeid for a record kind's custom fields (halo/custom_fields.h: contacts' is unverified).
int field_info_type(Kind kind) {
  return kind == Kind::client ? halo::kFieldInfoClients
         : kind == Kind::site ? halo::kFieldInfoSites
                              : halo::kFieldInfoContacts;
}

bool numeric_text(const std::string& s, bool whole) {
  if (s.empty()) return false;
  std::size_t i = s[0] == '-' ? 1 : 0, dots = 0, digits_seen = 0;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) ++digits_seen;
    else if (s[i] == '.' && !whole && ++dots == 1)
      continue;
    else
      return false;
  }
  return digits_seen > 0;
}

// What a definition's values are, in words ("text", "whole number", "date (YYYY-MM-DD)"...).
std::string type_name(const json& d) {
  if (!d.value("type", json()).is_number_integer()) return "unknown type";
  const int input = d.value("inputtype", 0);
  switch (d["type"].get<int>()) {
    case halo::kFieldText: return input == 1 ? "whole number" : input == 2 || input == 4 ? "number" : "text";
    case halo::kFieldMemo: return "text (memo)";
    case halo::kFieldSingleSelect: return "single selection";
    case halo::kFieldMultiSelect: return "multiple selection";
    case halo::kFieldDate: return input == 1 ? "date and time (YYYY-MM-DDTHH:MM)" : "date (YYYY-MM-DD)";
    case halo::kFieldTime: return "time (HH:MM)";
    case halo::kFieldCheckbox: return "checkbox (true or false)";
    case halo::kFieldRich: return "rich text";
    default: return "type " + d["type"].dump();
  }
}

// Whether `value` fits a custom field of definition `d` (a null clears any field; an unknown type takes anything).
bool value_fits(const json& d, const json& value) {
  if (value.is_null() || !d.value("type", json()).is_number_integer()) return true;
  const int input = d.value("inputtype", 0);
  const std::string text = value.is_string() ? value.get<std::string>() : "";
  auto date_like = [&](std::size_t min) {
    return text.size() >= min && std::isdigit(static_cast<unsigned char>(text[0])) && text[4] == '-' && text[7] == '-';
  };
  switch (d["type"].get<int>()) {
    case halo::kFieldCheckbox: return value.is_boolean();
    case halo::kFieldText:
      if (input == 1) return value.is_number_integer() || numeric_text(text, true);
      if (input == 2 || input == 4) return value.is_number() || numeric_text(text, false);
      return value.is_string() || value.is_number();
    case halo::kFieldDate: return value.is_string() && date_like(10);
    case halo::kFieldTime:
      return value.is_string() && text.size() >= 4 && text.find(':') != std::string::npos &&
             numeric_text(text.substr(0, text.find(':')), true);
    case halo::kFieldSingleSelect:
    case halo::kFieldMultiSelect: return value.is_string() || value.is_number_integer();
    default: return value.is_string() || value.is_number();
  }
}

}  // namespace

long long resolve_client(halo::Client& halo, const json& ref, const char* argument) {
  if (ref.is_number_integer()) return positive_id(ref, argument);
  if (!ref.is_string()) throw InputError(std::string(argument) + ": give the client's id or its name.");
  const std::string name = trimmed(ref.get<std::string>());
  if (name.empty()) throw InputError(std::string(argument) + ": the client name is empty; give an id or a name.");
  if (auto id = digits(name)) {
    // "12" is an id, unless a client is also named "12": then say which is meant instead of guessing.
    for (const auto& c :
         halo::page(halo, Kind::client, halo::with_status({{"search", name}}, halo::Status::all), 1, 100).rows)
      if (trimmed(c.value("name", std::string())) == name && c.value("id", 0LL) != *id)
        throw InputError(std::string(argument) + ": \"" + name +
                         "\" is both the id of a client and the name of client " + c["id"].dump() +
                         "; pass the id as a number (" + name + ") for the first, or " + c["id"].dump() +
                         " for the client named \"" + name + "\".");
    return positive_id(json(*id), argument);
  }
  halo::Page page = halo::page(halo, Kind::client, halo::with_status({{"search", name}}, halo::Status::all), 1, 100);
  if (page.rows.empty()) {
    // No substring match: offer near names from a normalised search on the first word.
    const std::string norm = normalise_name(name);
    const std::string first = norm.substr(0, norm.find(' '));
    if (!first.empty() && first != lower(name))
      page = halo::page(halo, Kind::client, halo::with_status({{"search", first}}, halo::Status::all), 1, 100);
    std::vector<std::string> names;
    for (const auto& r : page.rows) names.push_back(r.value("name", std::string()));
    throw InputError(std::string(argument) + ": no client named \"" + name + "\"." + did_you_mean(name, names) +
                     " Use search_clients to find it, or pass its id.");
  }
  return pick_by_name(page.rows, name, argument, "client", "Use search_clients to find it, or pass its id.");
}

json client_types(halo::Client& halo, std::string* source) {
  json out = json::array();
  const auto table = halo::find_client_type_table(halo);
  if (table) {
    for (const auto& row : halo::lookup_rows(halo, table->id))
      if (!row["inactive"].get<bool>()) out.push_back({{"id", row["id"]}, {"name", row["name"]}});
    if (!out.empty()) {
      if (source)
        *source = "lookup " + std::to_string(table->id) + (table->name.empty() ? "" : " (\"" + table->name + "\")") +
                  ", from " + table->source;
      return out;
    }
  }
  // Fallback: the distinct types in use on clients (bounded scan).
  halo::ListOptions options;
  options.max_rows = 1000;
  auto list = halo::list(halo, Kind::client, halo::with_status({}, halo::Status::all), options);
  std::map<long long, std::string> seen;
  for (const auto& c : list.rows)
    if (c.contains("customertype") && c["customertype"].is_number_integer() && c["customertype"].get<long long>() > 0)
      seen.emplace(c["customertype"].get<long long>(), c.value("customertype_new", std::string()).empty()
                                                           ? ""
                                                           : c.value("customertype_new", std::string()));
  for (const auto& [id, name] : seen) out.push_back({{"id", id}, {"name", name}});
  if (source)
    *source =
        "values in use on clients (" +
        (table ? "lookup " + std::to_string(table->id) + " returned no values"
               : std::string("no client-type table in the table of lookup types; set HALOPSA_CLIENT_TYPE_LOOKUP_ID")) +
        ")";
  return out;
}

long long resolve_client_type(halo::Client& halo, const json& ref) {
  if (ref.is_number_integer()) return positive_id(ref, "client_type");
  const std::string name = trimmed(ref.get<std::string>());
  if (auto id = digits(name)) return *id;
  std::string source;
  const json types = client_types(halo, &source);
  if (std::none_of(types.begin(), types.end(), [](const json& t) { return !t["name"].get<std::string>().empty(); })) {
    std::string ids;
    for (const auto& t : types) ids += (ids.empty() ? "" : ", ") + t["id"].dump();
    throw InputError("client_type: the names of this tenant's client types are unknown (" + source +
                     "), so a type can only be given by its id" + (ids.empty() ? "" : " (ids in use: " + ids + ")") +
                     ". Set HALOPSA_CLIENT_TYPE_LOOKUP_ID to the Lookup table that holds them to use names.");
  }
  return pick_by_name(types, name, "client_type", "client type", "list_client_types shows the types this tenant has.");
}

long long resolve_toplevel(halo::Client& halo, const json& ref) {
  if (ref.is_number_integer()) return positive_id(ref, "toplevel");
  const std::string name = trimmed(ref.get<std::string>());
  if (auto id = digits(name)) return *id;
  halo::ListOptions options;
  options.max_rows = 500;
  auto list = halo::list(halo, halo::Kind::top_level, {}, options);
  return pick_by_name(list.rows, name, "toplevel", "TopLevel", "list_toplevels shows them.");
}

// The arguments of each record kind that name an agent; the Halo field each writes is field_mappings' (from
// schemas/record_fields.json), so the pair is written down once.
const std::vector<std::string>& agent_arguments(Kind kind) {
  static const std::vector<std::string> client = {"account_manager_id", "primary_technician_id",
                                                  "secondary_technician_id"};
  static const std::vector<std::string> none;
  return kind == Kind::client ? client : none;
}

AgentRef resolve_agent(halo::Client& halo, const json& ref, const char* argument) {
  if (ref.is_number_integer()) return {positive_id(ref, argument), "", false};
  if (!ref.is_string()) throw InputError(std::string(argument) + ": give the agent's id or name.");
  const std::string name = trimmed(ref.get<std::string>());
  if (name.empty()) throw InputError(std::string(argument) + ": the agent name is empty; give an id or a name.");
  if (auto id = digits(name)) return {positive_id(json(*id), argument), "", false};
  json agents;
  try {
    agents = halo::agent_list(halo);
  } catch (const halo::Error& e) {
    if (e.kind() != halo::ErrorKind::forbidden) throw;
    throw InputError(std::string(argument) + ": HaloPSA refused to list agents to this application (" + e.what() +
                     "), so an agent can only be given by id here. Ask an administrator for the agent's id.");
  }
  // An inactive (disabled) agent is matched only by its exact name, and then said to be inactive: a partial name
  // never lands on someone who has left.
  json rows = json::array();
  for (const auto& a : agents)
    if (!a["inactive"].get<bool>() || lower(trimmed(a["name"].get<std::string>())) == lower(name)) rows.push_back(a);
  const long long id = pick_by_name(rows, name, argument, "agent", "search_agents lists them.");
  for (const auto& a : rows)
    if (a["id"].get<long long>() == id) return {id, a["name"].get<std::string>(), a["inactive"].get<bool>()};
  return {id, name, false};
}

void resolve_agent_arguments(halo::Client& halo, Kind kind, const json& args, json& body,
                             std::vector<std::string>& notes) {
  for (const auto& m : field_mappings(kind)) {
    const std::string argument = m.argument;
    if (std::find(agent_arguments(kind).begin(), agent_arguments(kind).end(), argument) == agent_arguments(kind).end())
      continue;
    auto it = args.find(argument);
    if (it == args.end() || it->is_null()) continue;
    const AgentRef agent = resolve_agent(halo, *it, m.argument);
    body[m.halo] = agent.id;
    if (agent.inactive)
      notes.push_back(std::string(argument) + ": " + agent.name + " (agent " + std::to_string(agent.id) +
                      ") is an inactive agent in HaloPSA.");
  }
}

json map_custom_fields(halo::Client& halo, Kind kind, const json& custom_fields, const json& current) {
  // Field definitions as the tenant reports them on records of this kind: the current record first, then a page.
  std::map<long long, json> defs;
  auto collect = [&](const json& record) {
    if (record.is_object() && record.contains("customfields") && record["customfields"].is_array())
      for (const auto& cf : record["customfields"])
        if (cf.contains("id") && cf["id"].is_number_integer()) defs.emplace(cf["id"].get<long long>(), cf);
  };
  collect(current);
  const KindInfo& k = kind_info(kind);
  // HaloPSA's own definitions (FieldInfo), when it lists them: the authority on which ids exist.
  const json definitions = halo::custom_field_definitions(halo, field_info_type(kind));
  std::set<long long> defined;  // ids FieldInfo describes: only their types are known for certain
  for (const auto& d : definitions) {
    defs[d["id"].get<long long>()] = d;
    defined.insert(d["id"].get<long long>());
  }
  halo::Page page = halo::page(halo, kind, halo::with_status({}, halo::Status::all), 1, 100);
  for (const auto& r : page.rows) collect(r);
  if (defs.empty() && !page.rows.empty() && page.rows[0].contains("id"))
    collect(halo::get(halo, kind, page.rows[0]["id"].get<long long>()));

  std::vector<std::string> names;
  for (const auto& [id, d] : defs) {
    names.push_back(d.value("name", std::string()));
    if (!d.value("label", std::string()).empty()) names.push_back(d.value("label", std::string()));
  }
  json out = json::array();
  for (const auto& [key, value] : custom_fields.items()) {
    std::optional<long long> id = digits(trimmed(key));
    if (id && !defs.empty() && !defs.contains(*id)) {
      std::string known;
      for (const auto& [fid, d] : defs)
        known += (known.empty() ? "" : ", ") + std::to_string(fid) + " " + d.value("name", std::string());
      throw InputError("custom_fields: " + std::string(k.label) + " custom field id " + std::to_string(*id) +
                       " does not exist on this tenant. Known " + std::string(k.label) + " custom fields: " + known +
                       ". Give one of these ids, or the field's name or label.");
    }
    if (!id) {
      for (const auto& [fid, d] : defs)
        if (lower(d.value("name", std::string())) == lower(trimmed(key)) ||
            lower(d.value("label", std::string())) == lower(trimmed(key)))
          id = fid;
    }
    if (!id) {
      std::string known;
      for (const auto& [fid, d] : defs)
        known += (known.empty() ? "" : ", ") + d.value("name", std::string()) + " (id " + std::to_string(fid) +
                 (d.value("label", std::string()).empty() ? "" : ", \"" + d.value("label", std::string()) + "\"") + ")";
      throw InputError("custom_fields: no " + std::string(k.label) + " custom field named \"" + key + "\"." +
                       did_you_mean(key, names) +
                       (known.empty() ? " No custom fields were found on this tenant's " + std::string(k.plural) +
                                            "; pass the field id instead."
                                      : " Known fields: " + known + "."));
    }
    if (auto d = defs.find(*id); d != defs.end() && defined.contains(*id) && !value_fits(d->second, value))
      throw InputError("custom_fields." + key + ": " + d->second.value("name", std::string()) +
                       (d->second.value("label", std::string()).empty()
                            ? ""
                            : " (\"" + d->second.value("label", std::string()) + "\")") +
                       " is a " + type_name(d->second) + " field in HaloPSA; " + value.dump() +
                       " does not fit it. Nothing was sent.");
    // HaloPSA takes {id, value} only, so the audit cannot tell a secret field by its name: say so here.
    if (auto d = defs.find(*id); d != defs.end() && (mcp::is_secret_name(d->second.value("name", std::string())) ||
                                                     mcp::is_secret_name(d->second.value("label", std::string()))))
      mcp::note_secret_value(value);
    out.push_back({{"id", *id}, {"value", value}});
  }
  return out;
}

json custom_field_requirements(halo::Client& halo, Kind kind, const json& customfields) {
  json out = json::array();
  for (const auto& d : halo::custom_field_definitions(halo, field_info_type(kind))) {
    if (!d["mandatory"].get<bool>()) continue;
    bool given = false;
    if (customfields.is_array())
      for (const auto& cf : customfields)
        if (cf.value("id", json()) == d["id"]) {
          const json& v = cf.contains("value") ? cf["value"] : json();
          given = !v.is_null() && !(v.is_string() && trimmed(v.get<std::string>()).empty());
        }
    out.push_back(
        {{"id", d["id"]}, {"name", d["name"]}, {"label", d["label"]}, {"type", type_name(d)}, {"given", given}});
  }
  return out;
}

std::string describe_custom_fields(const json& requirements, bool missing_only) {
  std::string text;
  for (const auto& r : requirements) {
    if (missing_only && r["given"].get<bool>()) continue;
    text += (text.empty() ? "" : ", ") + r["name"].get<std::string>() +
            (r["label"].get<std::string>().empty() ? "" : " (\"" + r["label"].get<std::string>() + "\")") + ", " +
            r["type"].get<std::string>();
  }
  return text;
}

}  // namespace tools
