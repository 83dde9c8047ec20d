// Pop-up notes (read by client_card and get_client, added by the update tools' add_popup_note) and client_card: what
// an agent must know before working for a client, in one call with a fixed request budget (client, credit stop,
// pop-up notes, ticket counts, active contracts, main site and main contact). Each part is read on its own; a part
// HaloPSA refuses (403: the API application lacks the permission) says "not permitted" instead of reading as empty,
// and a part that fails otherwise says so without sinking the rest.
#include "tools/client_card.h"

#include "halo/client.h"
#include "halo/errors.h"
#include "halo/list_query.h"
#include "halo/record_kinds.h"
#include "server/request_context.h"
#include "tools/common.h"
#include "tools/schemas.h"
#include "tools/toolbox.h"
#include "tools/workflow_support.h"
#include "tools/writes.h"

namespace tools {

namespace {

// Contracts shown: one page. A client with more active contracts than this is rare; the total says when.
constexpr int kContractPage = 100;

// Runs one part's reads; a Halo refusal or failure becomes {permitted: false | error} on the part instead of
// failing the whole card. `requests` counts the calls the part made.
json guarded_part(const char* what, int& requests, const std::function<json(int&)>& read) {
  try {
    json part = read(requests);
    part["permitted"] = true;
    return part;
  } catch (const halo::Error& e) {
    if (e.kind() == halo::ErrorKind::forbidden)
      return {{"permitted", false},
              {"note", std::string("not permitted: HaloPSA refused to show the ") + what + " (" +
                           std::to_string(e.status()) +
                           "); the API application lacks that permission. Check in HaloPSA directly."}};
    if (e.kind() == halo::ErrorKind::not_found)
      return {{"permitted", true}, {"error", std::string("not found: HaloPSA answered 404 for the ") + what + "."}};
    if (e.kind() == halo::ErrorKind::cancelled || e.kind() == halo::ErrorKind::rate_limited) throw;
    return {{"permitted", true}, {"error", std::string("could not read the ") + what + ": " + e.what()}};
  }
}

std::string date_only(const json& v) { return v.is_string() ? v.get<std::string>().substr(0, 10) : std::string("?"); }

// The client's row from GET /api/Client with showcounts=true: the *_ticket_count fields come only there (the single
// record has no such parameter). The row is found by name (search_name_only), then by id.
json ticket_counts(halo::Client& halo, const json& client, int& requests) {
  const long long id = client.value("id", 0LL);
  halo::Query q = halo::with_status({{"search_name_only", client.value("name", std::string())}, {"showcounts", "true"}},
                                    halo::Status::all);
  ++requests;
  const halo::Page page = halo::page(halo, Kind::client, q, 1, 100);
  json out{{"open", nullptr}, {"on_hold", nullptr}};
  for (const auto& row : page.rows) {
    if (id_of(row.value("id", json())) != id) continue;
    if (row.contains("open_ticket_count") && row["open_ticket_count"].is_number())
      out["open"] = row["open_ticket_count"];
    if (row.contains("onhold_ticket_count") && row["onhold_ticket_count"].is_number())
      out["on_hold"] = row["onhold_ticket_count"];
  }
  if (out["open"].is_null() && out["on_hold"].is_null())
    out["note"] = "HaloPSA's client list did not report ticket counts for this client (showcounts=true).";
  else if (out["on_hold"].is_null())
    out["note"] =
        "HaloPSA's client list rows report open tickets only (Area_List has no onhold_ticket_count); on-hold "
        "count not reported.";
  return out;
}

json contracts(halo::Client& halo, long long client_id, int& requests) {
  ++requests;
  const halo::Page page =
      halo::page(halo, Kind::contract, {{"client_id", std::to_string(client_id)}}, 1, kContractPage);
  json items = json::array();
  for (const auto& c : page.rows) {
    // ContractHeader_List: `active` and `expired`; an inactive contract is left out even if Halo listed it.
    if (c.value("active", json(true)) == json(false) || c.value("expired", json(false)) == json(true)) continue;
    json item{{"id", id_of(c.value("id", json()))},
              {"ref", c.value("ref", json())},
              {"end_date", c.value("end_date", json())}};
    if (c.contains("start_date")) item["start_date"] = c["start_date"];
    if (c.contains("contract_status") && !c["contract_status"].is_null()) item["status"] = c["contract_status"];
    items.push_back(item);
  }
  json out{{"items", items}, {"count", items.size()}};
  if (page.record_count > page.rows.size())
    out["note"] =
        "First " + std::to_string(page.rows.size()) + " of " + std::to_string(page.record_count) + " contracts read.";
  return out;
}

json main_site(halo::Client& halo, const json& client, int& requests) {
  const long long site_id = id_of(client.value("main_site_id", json()));
  if (site_id <= 0) return {{"site", nullptr}, {"contact", nullptr}};
  ++requests;
  const json site = fetch_record(halo, Kind::site, site_id);
  json out{{"site", {{"id", site_id}, {"name", site.value("name", std::string())}}}, {"contact", nullptr}};
  for (const char* f : {"phonenumber", "delivery_address", "stopped"})
    if (site.contains(f) && !site[f].is_null()) out["site"][f] = site[f];
  const long long contact_id = id_of(site.value("maincontact_id", json()));
  if (contact_id > 0) {
    ++requests;
    const json c = fetch_record(halo, Kind::contact, contact_id);
    out["contact"] = {{"id", contact_id}, {"name", c.value("name", std::string())}};
    for (const char* f : {"title", "emailaddress", "phonenumber", "mobilenumber"})
      if (c.contains(f) && c[f].is_string() && !c[f].get<std::string>().empty()) out["contact"][f] = c[f];
  }
  return out;
}

mcp::ToolResult client_card(halo::Client& halo, const json& args) {
  int requests = 0;
  if (!args["client"].is_number_integer()) ++requests;  // the name look-up
  const long long id = resolve_client(halo, args["client"]);
  ++requests;
  const json record = fetch_record(halo, Kind::client, id);

  json data{{"client", project(Kind::client, record)}, {"credit_stop", on_credit_stop(record)}};
  data["popup_notes"] =
      guarded_part("pop-up notes", requests, [&](int& n) { return read_popup_notes(halo, "client_id", id, n); });
  data["tickets"] = guarded_part("ticket counts", requests, [&](int& n) { return ticket_counts(halo, record, n); });
  data["contracts"] = guarded_part("contracts", requests, [&](int& n) { return contracts(halo, id, n); });
  json main = guarded_part("main site", requests, [&](int& n) { return main_site(halo, record, n); });
  data["main_site"] = main.value("site", json());
  data["main_contact"] = main.value("contact", json());
  if (main.contains("note") || main.contains("error"))
    data["main_site_note"] = main.value("note", main.value("error", std::string()));
  data["requests"] = requests;

  // The text: one line per part, the warnings first.
  std::string text = "**" + record.value("name", std::string()) + "** (client " + std::to_string(id) + ", " +
                     (record.value("inactive", false) ? "INACTIVE" : "active") +
                     (record.value("is_vip", false) ? ", VIP" : "") + ")";
  if (data["credit_stop"].get<bool>()) text += "\nON CREDIT STOP (Halo stopped = " + record["stopped"].dump() + ")";
  const json& notes = data["popup_notes"];
  if (!notes["permitted"].get<bool>() || notes.contains("error")) {
    text += "\nPop-up notes: " + notes.value("note", notes.value("error", std::string()));
  } else {
    for (const auto& n : notes["items"]) text += "\nPOP-UP NOTE: " + plain(n.value("note", json()));
  }
  const json& t = data["tickets"];
  if (!t["permitted"].get<bool>() || t.contains("error"))
    text += "\nTickets: " + t.value("note", t.value("error", std::string()));
  else
    text += "\nTickets: " + (t["open"].is_null() ? std::string("? ") : t["open"].dump() + " ") + "open, " +
            (t["on_hold"].is_null() ? std::string("on hold not reported") : t["on_hold"].dump() + " on hold");
  const json& c = data["contracts"];
  if (!c["permitted"].get<bool>() || c.contains("error")) {
    text += "\nContracts: " + c.value("note", c.value("error", std::string()));
  } else {
    text += "\nActive contracts: " + c["count"].dump();
    for (const auto& k : c["items"])
      text += "\n- " + plain(k.value("ref", json())) + ", ends " + date_only(k.value("end_date", json()));
  }
  if (data.contains("main_site_note")) text += "\nMain site: " + data["main_site_note"].get<std::string>();
  else if (data["main_site"].is_null())
    text += "\nMain site: none set";
  else {
    const json& s = data["main_site"];
    text += "\nMain site: " + s["name"].get<std::string>() + " (" + s["id"].dump() + ")";
    if (s.contains("delivery_address")) text += ", " + plain(s["delivery_address"]);
    if (s.contains("phonenumber")) text += ", " + plain(s["phonenumber"]);
    if (on_credit_stop(s)) text += " (site on credit stop)";
    const json& p = data["main_contact"];
    text +=
        "\nMain contact: " + (p.is_null() ? std::string("none set")
                                          : p["name"].get<std::string>() + " (" + p["id"].dump() + ")" +
                                                (p.contains("title") ? ", " + plain(p["title"]) : "") +
                                                (p.contains("emailaddress") ? ", " + plain(p["emailaddress"]) : ""));
  }
  text += "\n(" + std::to_string(requests) + " HaloPSA requests)";
  return mcp::ToolResult::data(std::move(data), text);
}

}  // namespace

namespace {

// GET /api/PopupNote?<owner>=<id>: the AreaPopup rows as HaloPSA sends them ("List of AreaPopup": a bare array, or
// an envelope).
json popup_rows(halo::Client& halo, const char* owner_field, long long id) {
  return halo::rows(halo, Kind::popup_note, {{owner_field, std::to_string(id)}});
}

const char* owner_field(Kind kind) {
  return kind == Kind::client ? "client_id" : kind == Kind::site ? "site_id" : "user_id";
}

}  // namespace

json read_popup_notes(halo::Client& halo, const char* owner_field, long long id, int& requests) {
  ++requests;
  const json rows = popup_rows(halo, owner_field, id);
  json items = json::array();
  for (const auto& n : rows) {
    json item{{"id", id_of(n.value("id", json()))},
              {"note", n.contains("note") && n["note"].is_string() ? n["note"] : json("")}};
    for (const char* f : {"displaymodal", "startdate", "enddate"})
      if (n.contains(f) && !n[f].is_null()) item[f] = n[f];
    items.push_back(item);
  }
  return {{"items", items}};
}

void add_popup_note(halo::Client& halo, WriteResult& result, Kind kind, long long id, const std::string& text,
                    bool dry_run) {
  // Whether Halo's popup_notes array replaces the record's notes or adds to them is unknown: sending the current
  // notes (with their ids) back with the new one is right either way.
  json notes = popup_rows(halo, owner_field(kind), id);
  for (auto& n : notes) n.erase("_warning");
  notes.push_back({{"note", text}});
  const halo::Request request = halo::save_request(kind, {{"id", id}, {"popup_notes", notes}});
  if (!result.data.contains("request") || result.data["request"].is_null()) {
    result.data["request"] = request.to_json();
  } else {
    if (!result.data.contains("additional_requests")) result.data["additional_requests"] = json::array();
    result.data["additional_requests"].push_back(request.to_json());
  }
  if (dry_run) {
    result.text += "\nWould add the pop-up note: POST " + request.path() + " " + request.body.dump();
    return;
  }
  // Not an update, which repeats after a 5xx: if Halo adds to the notes, a repeat would add this one twice.
  halo::send_once(halo, request);
  result.data["written"] = true;
  // Read back: the note must now be among the record's pop-up notes.
  for (const auto& n : popup_rows(halo, owner_field(kind), id))
    if (n.value("note", json()) == json(text)) {
      result.text += "\nAdded the pop-up note \"" + text + "\".";
      return;
    }
  if (!result.data.contains("not_applied")) result.data["not_applied"] = json::array();
  result.data["not_applied"].push_back({{"field", "popup_notes"}, {"sent", text}, {"saved", nullptr}});
  result.data["warning"] = "HaloPSA accepted the pop-up note but does not list it among the " +
                           std::string(kind_info(kind).label) + "'s pop-up notes; check it in HaloPSA.";
  result.text += "\nWARNING: " + result.data["warning"].get<std::string>();
}

WriteResult popup_only_result(Kind kind, const json& current, const std::vector<std::string>& fields, bool dry_run) {
  WriteResult r;
  r.data = {{"record", project(kind, current, fields)},
            {"dry_run", dry_run},
            {"written", false},
            {"request", nullptr},
            {"diff", json::array()}};
  r.text = describe(kind, current) + " itself is unchanged.";
  return r;
}

void register_client_card(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "client_card",
      .title = "Client card",
      .description =
          "What to know before working for a client (id or name), in one call: credit stop, pop-up notes, open and "
          "on-hold ticket counts, active contracts with end dates, main site and main contact. Costs 6 HaloPSA "
          "requests (7 by name): client 1, pop-up notes 1, ticket counts 1, contracts 1, main site 1, main "
          "contact 1 (none without a main site or contact). A part the API application may not read says "
          "\"not permitted\", never empty. For all sites and contacts use get_client.",
      .toolset = "clients",
      .input_schema = schema("client_card.input"),
      .output_schema = schema("client_card.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return client_card(*halo, a); },
  });
}

}  // namespace tools
