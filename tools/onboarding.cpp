// The helpers both onboarding tools share (tools/onboarding.h).
#include <set>

#include "halo/client.h"
#include "halo/list_query.h"
#include "tools/common.h"
#include "tools/onboarding.h"
#include "tools/writes.h"

namespace tools::onboarding {

std::vector<json> clients_named(halo::Client& halo, const std::string& name) {
  const std::string key = dedupe::company_key(name);
  const auto words = dedupe::company_words(name);
  std::string term = words.empty() ? name : words.front();
  for (const auto& w : words)
    if (w.size() > term.size()) term = w;  // the longest word narrows Halo's name-like search best
  std::vector<json> out;
  for (const auto& c :
       halo::list(halo, Kind::client, halo::with_status({{"search", term}}, halo::Status::all), {.max_rows = 1000})
           .rows)
    if (dedupe::company_key(text_of(c, "name")) == key) out.push_back(c);
  return out;
}

std::vector<json> contacts_with_email(halo::Client& halo, const std::string& email) {
  std::vector<json> out;
  for (const auto& c :
       halo::list(halo, Kind::contact, halo::with_status({{"search", email}}, halo::Status::all), {.max_rows = 500})
           .rows)
    if (normalise_email(text_of(c, "emailaddress")) == email) out.push_back(c);
  return out;
}

std::vector<json> contacts_at_client(halo::Client& halo, long long client_id, const std::string& email,
                                     const std::string& name) {
  const Query q = !email.empty() ? halo::with_status({{"search", email}}, halo::Status::all)
                                 : halo::with_status({{"client_id", std::to_string(client_id)}}, halo::Status::all);
  std::vector<json> found;
  for (const auto& c : halo::page(halo, Kind::contact, q, 1, 100).rows)
    if (id_of(c.value("client_id", json())) == client_id &&
        (!email.empty() ? normalise_email(text_of(c, "emailaddress")) == email
                        : dedupe::person_key(text_of(c, "name")) == dedupe::person_key(name)))
      found.push_back(c);
  return found;
}

json contact_body(halo::Client& halo, const json& c) {
  json body = map_arguments(Kind::contact, c);
  if (c.contains("custom_fields"))
    body["customfields"] = map_custom_fields(halo, Kind::contact, c["custom_fields"], json());
  body.erase("site_id");
  if (!body.contains("name") && (body.contains("firstname") || body.contains("surname")))
    body["name"] = body.value("firstname", std::string()) +
                   (body.contains("firstname") && body.contains("surname") ? " " : "") +
                   body.value("surname", std::string());
  if (!body.contains("name") && !body.contains("emailaddress"))
    throw InputError("contact: give at least a name (or first_name / surname) or an email.");
  if (body.contains("emailaddress")) {
    const std::string e = body["emailaddress"].get<std::string>();
    if (e.find('@') == std::string::npos || dedupe::email_domain(e).empty())
      throw InputError("contact.email: \"" + e + "\" is not a valid e-mail address.");
  }
  return body;
}

json site_body(halo::Client& halo, const json& s) {
  json body = map_arguments(Kind::site, s);
  if (s.contains("custom_fields"))
    body["customfields"] = map_custom_fields(halo, Kind::site, s["custom_fields"], json());
  if (!body.contains("name")) body["name"] = "Main";
  // Street and invoice addresses as given (a new site has no address records to merge with).
  for (const auto& [argument, field] :
       {std::pair{"address", "delivery_address"}, std::pair{"invoice_address", "invoice_address"}})
    if (s.contains(argument)) {
      json address = json::object();
      for (const auto& [k, v] : s[argument].items()) address[k] = v;
      body[field] = address;
    }
  return body;
}

json client_body(halo::Client& halo, const json& args, std::vector<std::string>& notes) {
  json fields = json::object();
  for (const char* k : {"name", "website", "notes", "ref", "account_manager_id", "is_vip", "payment_terms",
                        "tax_number", "accounts_email", "trading_name", "extra"})
    if (args.contains(k)) fields[k] = args[k];
  json body = map_arguments(Kind::client, fields);
  resolve_agent_arguments(halo, Kind::client, fields, body, notes);
  if (args.contains("client_type")) body["customertype"] = resolve_client_type(halo, args["client_type"]);
  if (args.contains("toplevel")) body["toplevel_id"] = resolve_toplevel(halo, args["toplevel"]);
  if (args.contains("billing_parent"))
    body["client_to_invoice"] = resolve_client(halo, args["billing_parent"], "billing_parent");
  if (args.contains("custom_fields"))
    body["customfields"] = map_custom_fields(halo, Kind::client, args["custom_fields"], json());
  return body;
}

json create_once(halo::Client& halo, Kind kind, const json& body, const std::function<std::vector<json>()>& find) {
  std::set<long long> before;
  for (const auto& r : find()) before.insert(id_of(r.value("id", json())));
  json saved = halo::create(halo, kind, body, [&]() -> std::optional<json> {
    for (const auto& r : find())
      if (!before.contains(id_of(r.value("id", json())))) return r;
    return std::nullopt;
  });
  if (saved.is_object() && id_of(saved.value("id", json())) > 0 && !saved.contains("name"))
    saved = fetch_record(halo, kind, id_of(saved["id"]));
  if (!saved.is_object() || id_of(saved.value("id", json())) <= 0)
    throw halo::Error(halo::ErrorKind::upstream, "HaloPSA accepted the " + std::string(kind_info(kind).label) +
                                                     " but returned no id; search for it before retrying");
  return saved;
}

void roll_back(halo::Client& halo, Steps& steps, const std::vector<std::pair<Kind, long long>>& created) {
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    json& s = steps.add("roll back " + std::string(kind_info(it->first).label) + " " + std::to_string(it->second),
                        "rolled_back");
    s["id"] = it->second;
    const halo::Request deactivate = halo::save_request(it->first, {{"id", it->second}, {"inactive", true}});
    s["request"] = deactivate.to_json();
    try {
      halo::send(halo, deactivate);
      for (auto& step : steps.list)
        if (step.value("id", json()) == json(it->second) && step["status"] == "created" &&
            step["step"].get<std::string>().find(kind_info(it->first).label) != std::string::npos)
          step["status"] = "rolled_back";
    } catch (const halo::Error& e) {
      s["status"] = "failed";
      s["error"] = explain(e);
    }
  }
}

}  // namespace tools::onboarding
