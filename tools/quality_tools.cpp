// data_quality_report: the customer book's gaps and inconsistencies, each with a count and its first records.
#include <map>
#include <set>

#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/common.h"
#include "tools/schemas.h"
#include "tools/workflow_support.h"
#include "tools/writes.h"

namespace tools {

namespace {

bool valid_email(const std::string& e) {
  const auto at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) return false;
  if (e.find_first_of(" ,;<>()") != std::string::npos) return false;
  const std::string domain = e.substr(at + 1);
  const auto dot = domain.rfind('.');
  return dot != std::string::npos && dot > 0 && dot + 1 < domain.size() && domain.find("..") == std::string::npos;
}

// Client records fetched one by one when list rows lack main_site_id: a bounded share of HaloPSA's request budget.
constexpr std::size_t kMainSiteFetches = 25;

struct Finding {
  std::string description;
  std::size_t count = 0;
  json first = json::array();
};

mcp::ToolResult data_quality_report(halo::Client& halo, const json& args, mcp::RequestContext& ctx) {
  const std::size_t sample = args.value("sample", 5);
  const long long only = args.contains("client") ? resolve_client(halo, args["client"]) : 0;
  const Query all = halo::with_status({}, halo::Status::all);
  Query scoped = all;
  if (only) scoped.emplace_back("client_id", std::to_string(only));

  json clients = load_all(halo, Kind::client, all, ctx, 0, 40, kind_info(Kind::client).plural);
  if (only) {
    json kept = json::array();
    for (auto& c : clients)
      if (id_of(c.value("id", json())) == only) kept.push_back(std::move(c));
    clients = std::move(kept);
  }
  const json sites = load_all(halo, Kind::site, scoped, ctx, 40, 60, kind_info(Kind::site).plural);
  const json contacts = load_all(halo, Kind::contact, scoped, ctx, 60, 85, "contacts");

  std::map<std::string, Finding> findings;
  auto note = [&](const std::string& key, const std::string& description, json item) {
    Finding& f = findings[key];
    f.description = description;
    if (f.first.size() < sample) f.first.push_back(std::move(item));
    ++f.count;
  };
  for (const char* key : {"clients_without_sites", "clients_without_contacts", "clients_without_main_site",
                          "contacts_without_email", "contacts_with_invalid_email", "email_at_several_clients",
                          "sites_without_address", "inactive_clients_with_active_contacts", "likely_duplicate_clients"})
    findings[key];

  std::map<long long, std::size_t> active_sites, active_contacts;
  for (const auto& s : sites)
    if (s.value("inactive", false) != true) ++active_sites[id_of(s.value("client_id", json()))];
  for (const auto& c : contacts)
    if (c.value("inactive", false) != true) ++active_contacts[id_of(c.value("client_id", json()))];

  // HaloPSA's client list rows do not carry main_site_id (Area_List); a client whose row lacks it is fetched whole,
  // at most kMainSiteFetches of them per report, and the rest are reported as not checked (never as "no main site").
  std::size_t main_site_fetches = 0, main_site_unknown = 0;
  auto main_site_of = [&](const json& c, long long id) -> std::optional<long long> {
    if (c.contains("main_site_id")) return id_of(c["main_site_id"]);
    if (main_site_fetches == kMainSiteFetches) return std::nullopt;
    ++main_site_fetches;
    return id_of(fetch_record(halo, Kind::client, id).value("main_site_id", json()));
  };
  std::map<long long, const json*> client_by_id;
  for (const auto& c : clients) {
    const long long id = id_of(c.value("id", json()));
    client_by_id[id] = &c;
    const json brief{{"id", id}, {"name", text_of(c, "name")}};
    if (c.value("inactive", false) == true) {
      if (active_contacts[id] > 0)
        note("inactive_clients_with_active_contacts", "Inactive clients that still have active contacts",
             json{{"id", id}, {"name", text_of(c, "name")}, {"active_contacts", active_contacts[id]}});
      continue;
    }
    if (!active_sites[id]) note("clients_without_sites", "Active clients with no active site", brief);
    if (!active_contacts[id]) note("clients_without_contacts", "Active clients with no active contact", brief);
    if (!active_sites[id]) {
      note("clients_without_main_site", "Active clients without a main site (main_site_id)", brief);  // no site at all
    } else if (const auto main_site = main_site_of(c, id); !main_site) {
      ++main_site_unknown;
    } else if (*main_site <= 0) {
      note("clients_without_main_site", "Active clients without a main site (main_site_id)", brief);
    }
  }
  std::map<std::string, std::set<long long>> clients_of_email;
  std::map<std::string, json> email_examples;
  for (const auto& c : contacts) {
    if (c.value("inactive", false) == true) continue;
    const json brief{{"id", c.value("id", json(0))},
                     {"name", text_of(c, "name")},
                     {"client_id", c.value("client_id", json())},
                     {"client_name", text_of(c, "client_name")},
                     {"emailaddress", c.value("emailaddress", json())}};
    const std::string email = normalise_email(text_of(c, "emailaddress"));
    if (email.empty()) note("contacts_without_email", "Active contacts without an e-mail address", brief);
    else if (!valid_email(email))
      note("contacts_with_invalid_email", "Active contacts whose e-mail address is not valid", brief);
    else {
      clients_of_email[email].insert(id_of(c.value("client_id", json())));
      email_examples[email].push_back(brief);
    }
  }
  for (const auto& [email, owners] : clients_of_email)
    if (owners.size() > 1)
      note("email_at_several_clients", "The same e-mail address on contacts at several clients",
           json{{"emailaddress", email}, {"clients", owners.size()}, {"contacts", email_examples[email]}});
  std::size_t address_unknown = 0;
  for (const auto& s : sites)
    if (s.value("inactive", false) == true) continue;
    else if (!s.contains("delivery_address"))
      ++address_unknown;  // HaloPSA sent no address field: unknown, not empty
    else if (address_text(s).empty())
      note("sites_without_address", "Active sites without an address",
           json{{"id", s.value("id", json(0))},
                {"name", text_of(s, "name")},
                {"client_id", s.value("client_id", json())},
                {"client_name", text_of(s, "client_name")}});

  // Likely duplicate clients, summarised (find_duplicates has the full list).
  ctx.progress(90, 100, "Looking for duplicate clients");
  std::vector<dedupe::Record> records;
  for (const auto& c : clients)
    if (c.value("inactive", false) != true) records.push_back(dedupe_record(dedupe::Mode::clients, c));
  try {
    const auto groups =
        dedupe::group(dedupe::find_candidates(dedupe::Mode::clients, records, [&ctx] { return ctx.cancelled(); }),
                      records.size(), dedupe::kDefaultThreshold);
    for (const auto& g : groups) {
      json members = json::array();
      for (auto m : g.members) members.push_back({{"id", records[m].id}, {"name", records[m].name}});
      note("likely_duplicate_clients",
           "Groups of active clients that are probably the same company (see find_duplicates)",
           json{{"score", g.score}, {"reasons", dedupe::describe(g.reasons)}, {"members", members}});
    }
  } catch (const dedupe::Cancelled&) {
    return mcp::ToolResult::error("Cancelled while comparing clients; nothing was changed.");
  }

  json out{{"scanned", {{"clients", clients.size()}, {"sites", sites.size()}, {"contacts", contacts.size()}}},
           {"findings", json::object()}};
  std::size_t issues = 0;
  std::string text = "Data quality of " + std::string(only ? "client " + std::to_string(only) : "the tenant") + " (" +
                     std::to_string(clients.size()) + " clients, " + std::to_string(sites.size()) + " sites, " +
                     std::to_string(contacts.size()) + " contacts scanned):";
  static const std::map<std::string, std::string> kDescriptions = {
      {"clients_without_sites", "Active clients with no active site"},
      {"clients_without_contacts", "Active clients with no active contact"},
      {"clients_without_main_site", "Active clients without a main site (main_site_id)"},
      {"contacts_without_email", "Active contacts without an e-mail address"},
      {"contacts_with_invalid_email", "Active contacts whose e-mail address is not valid"},
      {"email_at_several_clients", "The same e-mail address on contacts at several clients"},
      {"sites_without_address", "Active sites without an address"},
      {"inactive_clients_with_active_contacts", "Inactive clients that still have active contacts"},
      {"likely_duplicate_clients",
       "Groups of active clients that are probably the same company (see find_duplicates)"}};
  for (auto& [key, f] : findings) {
    if (f.description.empty()) f.description = kDescriptions.at(key);
    out["findings"][key] = {{"count", f.count}, {"description", f.description}, {"first", f.first}};
    issues += f.count;
    text += "\n- " + f.description + ": " + std::to_string(f.count);
    if (f.count) {
      text += " (e.g.";
      for (const auto& item : f.first) {
        if (item.contains("name")) text += " " + item["name"].get<std::string>() + " (" + item["id"].dump() + ");";
        else if (item.contains("emailaddress"))
          text += " " + item["emailaddress"].get<std::string>() + ";";
        else if (item.contains("members")) {
          text += " [";
          for (std::size_t i = 0; i < item["members"].size(); ++i)
            text += (i ? " | " : "") + item["members"][i]["name"].get<std::string>();
          text += "];";
        }
      }
      text += ")";
    }
  }
  out["issues"] = issues;
  json not_checked = json::object();
  if (main_site_unknown)
    not_checked["clients_without_main_site"] = {
        {"count", main_site_unknown},
        {"reason", "HaloPSA's client list does not include main_site_id; " + std::to_string(kMainSiteFetches) +
                       " clients were fetched one by one to check it and these were not (get_client shows it)"}};
  if (address_unknown)
    not_checked["sites_without_address"] = {
        {"count", address_unknown},
        {"reason",
         "HaloPSA returned these sites without any address field even with includeaddress=true; run "
         "halopsa-mcp doctor"}};
  if (!not_checked.empty()) {
    text += "\nNot checked:";
    for (const auto& [key, v] : not_checked.items())
      text += "\n- " + key + ": " + v["count"].dump() + " record(s); " + v["reason"].get<std::string>() + ".";
    out["not_checked"] = std::move(not_checked);
  }
  ctx.progress(100, 100, "Done");
  return mcp::ToolResult::data(std::move(out), text);
}

}  // namespace

void register_quality_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "data_quality_report",
      .title = "Data quality report",
      .description =
          "Scans the customer book (or one client) for gaps: clients without sites, contacts or a main site; "
          "contacts without e-mail or with an invalid one; the same e-mail at several clients; sites without an "
          "address; inactive clients with active contacts; likely duplicate clients. Each finding has a count and "
          "its first records (sample, default 5). Read-only; progress while scanning.",
      .toolset = "workflows",
      .input_schema = schema("data_quality_report.input"),
      .output_schema = schema("data_quality_report.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext& ctx) { return data_quality_report(*halo, a, ctx); },
  });
}

}  // namespace tools
