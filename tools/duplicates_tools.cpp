// find_duplicates (grouped likely duplicates, paged, with a short-lived cache of the scored candidates) and
// merge_preview (which record to keep and the exact merge request, read-only).
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "halo/client.h"
#include "halo/list_query.h"
#include "server/request_context.h"
#include "tools/common.h"
#include "tools/contact_identity.h"
#include "tools/schemas.h"
#include "tools/toolbox.h"
#include "tools/workflow_support.h"
#include "tools/writes.h"

namespace tools {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kCacheLifetime = std::chrono::minutes(5);

// What a member of a group shows besides id and name.
struct Extra {
  std::string client_name;
  std::string site_name;
  bool inactive = false;
};

struct Scan {
  dedupe::Mode mode;
  std::vector<dedupe::Record> records;
  std::vector<Extra> extras;
  dedupe::Candidates candidates;
  Clock::time_point computed;
  std::string computed_at;  // ISO time, for the caller
  std::string unavailable;  // signals HaloPSA's list rows did not carry, said to the caller ("" when all were there)
};

// Scans keyed by (kind, scope, status); a repeated call within kCacheLifetime regroups without refetching.
class ScanCache {
 public:
  std::shared_ptr<const Scan> get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = scans_.find(key);
    if (it == scans_.end() || Clock::now() - it->second->computed > kCacheLifetime) return nullptr;
    return it->second;
  }
  void put(const std::string& key, std::shared_ptr<const Scan> scan) {
    std::lock_guard lock(mu_);
    for (auto it = scans_.begin(); it != scans_.end();)  // drop expired scans so memory stays bounded
      it = Clock::now() - it->second->computed > kCacheLifetime ? scans_.erase(it) : std::next(it);
    scans_[key] = std::move(scan);
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Scan>> scans_;
};

std::string now_iso() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

dedupe::Mode mode_of(const std::string& kind) {
  return kind == "contacts" ? dedupe::Mode::contacts : kind == "sites" ? dedupe::Mode::sites : dedupe::Mode::clients;
}
Kind record_kind(dedupe::Mode mode) {
  return mode == dedupe::Mode::contacts ? Kind::contact : mode == dedupe::Mode::sites ? Kind::site : Kind::client;
}

std::shared_ptr<const Scan> scan(halo::Client& halo, dedupe::Mode mode, long long client_id, bool include_inactive,
                                 mcp::RequestContext& ctx) {
  const Query status = halo::with_status({}, include_inactive ? halo::Status::all : halo::Status::active);
  const Kind kind = record_kind(mode);
  json rows = json::array();
  if (mode == dedupe::Mode::clients && client_id) {
    // One client's scope for clients: it and the clients it bills (Halo has no filter for them).
    for (auto& r : load_all(halo, Kind::client, status, ctx, 0, 80, kind_info(Kind::client).plural))
      if (id_of(r.value("id", json())) == client_id || id_of(r.value("client_to_invoice", json())) == client_id)
        rows.push_back(std::move(r));
  } else {
    Query query = status;
    if (client_id) query.emplace_back("client_id", std::to_string(client_id));
    rows = load_all(halo, kind, query, ctx, 0, 80, kind_info(kind).plural);
  }
  auto out = std::make_shared<Scan>();
  out->mode = mode;
  out->records.reserve(rows.size());
  out->extras.reserve(rows.size());
  for (const auto& r : rows) {
    out->records.push_back(dedupe_record(mode, r));
    out->extras.push_back({text_of(r, "client_name"), text_of(r, "site_name"), r.value("inactive", false) == true});
  }
  // What the list rows did not carry is not compared, and the caller is told (a missing field is not an empty one).
  auto carried = [&rows](const char* field) {
    return std::any_of(rows.begin(), rows.end(), [field](const json& r) { return r.contains(field); });
  };
  if (mode == dedupe::Mode::clients) {
    std::string missing;
    for (const char* f : {"website", "main_phonenumber", "accountsemailaddress"})
      if (!rows.empty() && !carried(f)) missing += (missing.empty() ? "" : ", ") + std::string(f);
    if (!missing.empty())
      out->unavailable = "HaloPSA's client list rows carry no " + missing + ", so clients were compared without them";
  } else if (mode == dedupe::Mode::sites) {
    const auto without =
        std::count_if(rows.begin(), rows.end(), [](const json& r) { return !r.contains("delivery_address"); });
    if (without)
      out->unavailable = std::to_string(without) +
                         " site(s) came without any address field (even with includeaddress=true), "
                         "so their addresses were not compared";
  }
  rows = json();  // the raw rows are the largest thing held: free them before scoring
  ctx.progress(85, 100, "Comparing " + std::to_string(out->records.size()) + " records");
  out->candidates = dedupe::find_candidates(mode, out->records, [&ctx] { return ctx.cancelled(); });
  out->computed = Clock::now();
  out->computed_at = now_iso();
  return out;
}

json member_json(const Scan& s, std::uint32_t i) {
  const dedupe::Record& r = s.records[i];
  json m{{"id", r.id}, {"name", r.name}};
  if (s.extras[i].inactive) m["inactive"] = true;
  switch (s.mode) {
    case dedupe::Mode::clients:
      if (!r.website.empty()) m["website"] = r.website;
      if (!r.phones.empty()) m["phonenumber"] = r.phones[0];
      if (!r.emails.empty()) m["emailaddress"] = r.emails[0];
      break;
    case dedupe::Mode::contacts:
      m["client_id"] = r.client_id;
      m["client_name"] = s.extras[i].client_name;
      if (!s.extras[i].site_name.empty()) m["site_name"] = s.extras[i].site_name;
      if (!r.emails.empty()) m["emailaddress"] = r.emails[0];
      if (!r.phones.empty()) m["phonenumber"] = r.phones[0];
      break;
    case dedupe::Mode::sites:
      m["client_id"] = r.client_id;
      m["client_name"] = s.extras[i].client_name;
      m["address"] = r.address;
      break;
  }
  return m;
}

ScanCache& cache() {
  static ScanCache c;
  return c;
}

mcp::ToolResult find_duplicates(halo::Client& halo, const json& args, mcp::RequestContext& ctx) {
  const std::string kind = args.value("kind", std::string("clients"));
  const dedupe::Mode mode = mode_of(kind);
  const long long client_id = args.contains("client") ? resolve_client(halo, args["client"]) : 0;
  const bool include_inactive = args.value("include_inactive", false);
  const double threshold = args.value("threshold", dedupe::kDefaultThreshold);
  const int page = args.value("page", 1);
  const int page_size = args.value("page_size", 50);
  const std::string key = kind + "|" + std::to_string(client_id) + "|" + (include_inactive ? "all" : "active");

  std::shared_ptr<const Scan> s = args.value("refresh", false) ? nullptr : cache().get(key);
  const bool cached = s != nullptr;
  if (!s) {
    try {
      s = scan(halo, mode, client_id, include_inactive, ctx);
    } catch (const dedupe::Cancelled&) {
      return mcp::ToolResult::error("Cancelled while comparing records; nothing was changed.");
    }
    cache().put(key, s);
  }
  const auto groups = dedupe::group(s->candidates, s->records.size(), threshold);
  ctx.progress(100, 100, "Grouped");

  json out{{"kind", kind},
           {"threshold", threshold},
           {"scanned", s->records.size()},
           {"total", groups.size()},
           {"page", page},
           {"page_size", page_size},
           {"cached", cached},
           {"computed_at", s->computed_at},
           {"groups", json::array()}};
  if (client_id) out["client_id"] = client_id;
  const std::size_t from = std::min(groups.size(), static_cast<std::size_t>(page - 1) * page_size);
  const std::size_t to = std::min(groups.size(), from + static_cast<std::size_t>(page_size));
  std::size_t in_groups = 0;
  for (const auto& g : groups) in_groups += g.members.size();
  for (std::size_t i = from; i < to; ++i) {
    json members = json::array();
    for (auto m : groups[i].members) members.push_back(member_json(*s, m));
    out["groups"].push_back(
        {{"score", groups[i].score}, {"reasons", dedupe::describe(groups[i].reasons)}, {"members", members}});
  }
  out["has_more"] = to < groups.size();
  out["records_in_groups"] = in_groups;
  if (!s->unavailable.empty()) out["note"] = s->unavailable + ".";

  std::string text = std::to_string(groups.size()) + " likely duplicate group(s) among " +
                     std::to_string(s->records.size()) + " " + kind + " (threshold " +
                     std::to_string(threshold).substr(0, 4) +
                     (cached ? ", reusing the scan from " + s->computed_at : "") + ").";
  for (std::size_t i = 0; i < out["groups"].size() && i < 15; ++i) {
    const json& g = out["groups"][i];
    text += "\n- " + std::to_string(g["score"].get<double>()).substr(0, 4) + ": ";
    for (std::size_t j = 0; j < g["members"].size(); ++j)
      text += (j ? " | " : "") + g["members"][j]["name"].get<std::string>() + " (" + g["members"][j]["id"].dump() + ")";
    text += " [";
    for (std::size_t j = 0; j < g["reasons"].size(); ++j) text += (j ? "; " : "") + g["reasons"][j].get<std::string>();
    text += "]";
  }
  if (out["has_more"].get<bool>()) text += "\nMore: call again with page " + std::to_string(page + 1) + ".";
  if (out.contains("note")) text += "\nNote: " + out["note"].get<std::string>();
  if (!groups.empty())
    text +=
        "\nmerge_preview shows which record to keep for a group and the merge request; merging is left to a person.";
  return mcp::ToolResult::data(std::move(out), text);
}

// ------------------------------------------------------------------------------------------------ merge_preview
json client_facts(halo::Client& halo, long long id) {
  const json record = fetch_record(halo, Kind::client, id);
  const Query related = halo::with_status({{"client_id", std::to_string(id)}}, halo::Status::all);
  json facts{{"id", id},
             {"name", text_of(record, "name")},
             {"inactive", record.value("inactive", false) == true},
             {"sites", count_records(halo, Kind::site, related)},
             {"contacts", count_records(halo, Kind::contact, related)},
             {"datecreated", record.value("datecreated", json())}};
  const json tickets = related_count(halo, halo::Kind::ticket, {{"client_id", std::to_string(id)}});
  facts["tickets"] = tickets["count"];
  if (!tickets["visible"].get<bool>()) facts["tickets_note"] = tickets["note"];
  facts["record"] = project(Kind::client, record);
  return facts;
}

json contact_facts(halo::Client& halo, long long id, std::vector<dedupe::Record>& people) {
  const json record = fetch_record(halo, Kind::contact, id);
  people.push_back(dedupe_record(dedupe::Mode::contacts, record));
  json facts{{"id", id},
             {"name", text_of(record, "name")},
             {"inactive", record.value("inactive", false) == true},
             {"client_id", record.value("client_id", json())},
             {"client_name", record.value("client_name", json())},
             {"datecreated", record.value("datecreated", json())}};
  const json tickets = related_count(halo, halo::Kind::ticket, {{"user_id", std::to_string(id)}});
  facts["tickets"] = tickets["count"];
  if (!tickets["visible"].get<bool>()) facts["tickets_note"] = tickets["note"];
  facts["record"] = project(Kind::contact, record);
  return facts;
}

long long weight(const json& f) {
  long long w = 0;
  for (const char* k : {"sites", "contacts", "tickets"})
    if (f.contains(k) && f[k].is_number_integer()) w += f[k].get<long long>();
  return w;
}

mcp::ToolResult merge_preview(halo::Client& halo, const json& args) {
  const bool contacts = args.value("kind", std::string("clients")) == "contacts";
  std::vector<long long> ids;
  for (const auto& v : args["ids"]) {
    const long long id = positive_id(v, "ids");
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  if (ids.size() < 2)
    throw InputError("ids: give at least two different record ids of one duplicate group (from find_duplicates).");
  std::vector<json> facts;
  std::vector<dedupe::Record> people;  // contacts: what the identity rule compares
  for (auto id : ids) facts.push_back(contacts ? contact_facts(halo, id, people) : client_facts(halo, id));

  // Keep: the explicit choice, else the active one with the most attached records, then the oldest.
  std::size_t keep = 0;
  std::string why;
  if (args.contains("keep_id")) {
    const long long k = positive_id(args["keep_id"], "keep_id");
    auto it = std::find(ids.begin(), ids.end(), k);
    if (it == ids.end()) throw InputError("keep_id: " + std::to_string(k) + " is not one of ids.");
    keep = static_cast<std::size_t>(it - ids.begin());
    why = "chosen by the caller";
  } else {
    auto better = [&](const json& a, const json& b) {
      if (a["inactive"] != b["inactive"]) return !a["inactive"].get<bool>();
      if (weight(a) != weight(b)) return weight(a) > weight(b);
      const std::string da = a["datecreated"].is_string() ? a["datecreated"].get<std::string>() : "";
      const std::string db = b["datecreated"].is_string() ? b["datecreated"].get<std::string>() : "";
      if (!da.empty() && !db.empty() && da != db) return da < db;
      return a["id"].get<long long>() < b["id"].get<long long>();
    };
    for (std::size_t i = 1; i < facts.size(); ++i)
      if (better(facts[i], facts[keep])) keep = i;
    why = contacts ? "active, most tickets, then the oldest"
                   : "active, most sites, contacts and tickets, then the oldest";
  }

  const char* field = contacts ? "_merge_user_into" : "_merge_client_into";
  json merges = json::array();
  json fill = json::array();
  const json& kept = facts[keep]["record"];
  for (std::size_t i = 0; i < facts.size(); ++i) {
    if (i == keep) continue;
    json moves{{"tickets", facts[i]["tickets"]}};
    if (!contacts) moves["sites"] = facts[i]["sites"], moves["contacts"] = facts[i]["contacts"];
    merges.push_back({{"from", {{"id", facts[i]["id"]}, {"name", facts[i]["name"]}}},
                      {"moves", moves},
                      {"request", halo::save_request(contacts ? Kind::contact : Kind::client,
                                                     {{"id", facts[i]["id"]}, {field, facts[keep]["id"]}})
                                      .to_json()}});
    if (contacts) {  // the contact identity rule's view: a merge of two people loses one of them
      const dedupe::Identity id = dedupe::judge(dedupe::view_of(people[keep]), dedupe::view_of(people[i]));
      const bool other_person =
          dedupe::compare_person_names(dedupe::parse_person(people[keep].name), dedupe::parse_person(people[i].name))
              .match == dedupe::NameMatch::different;
      json& identity = merges.back()["identity"];
      identity = {{"same_person", !other_person && id.score >= dedupe::kDefaultThreshold},
                  {"score", std::round(id.score * 1000.0) / 1000.0},
                  {"reasons", dedupe::describe(id.reasons)}};
      if (other_person)
        identity["warning"] = "different people by name (first name, initials or Jr/Sr differ)" +
                              std::string(id.email_clash ? ", sharing an e-mail address (a shared mailbox?)" : "") +
                              ": merging would lose one of them";
      else if (id.score < dedupe::kDefaultThreshold)
        identity["warning"] = "the names may match but nothing else says this is the same person";
    }
    // Values only the merged-away record holds: copy them first or they may be lost.
    for (const auto& [f, v] : facts[i]["record"].items()) {
      if (f == "id" || f == "name" || f == "inactive" || f.find("lastupdate") != std::string::npos) continue;
      const bool blank_kept = !kept.contains(f) || kept[f].is_null() || kept[f] == "" || kept[f] == 0;
      const bool has_value = !(v.is_null() || v == "" || v == 0 || v == false);
      if (blank_kept && has_value) fill.push_back({{"field", f}, {"value", v}, {"from_id", facts[i]["id"]}});
    }
  }
  json out{{"kind", contacts ? "contacts" : "clients"},
           {"keep", {{"id", facts[keep]["id"]}, {"name", facts[keep]["name"]}, {"why", why}}},
           {"records", json::array()},
           {"merges", merges},
           {"fields_to_copy_first", fill},
           {"performed", false},
           {"note", std::string("Read-only preview. ") + field +
                        " is a write-only HaloPSA helper whose exact behaviour is not documented: a person should "
                        "review and perform the merge in Halo (or send the request) after copying the listed fields."}};
  for (auto& f : facts) {
    json r = f;
    r.erase("record");
    out["records"].push_back(r);
  }
  std::string text =
      "Keep " + facts[keep]["name"].get<std::string>() + " (" + facts[keep]["id"].dump() + "; " + why + ").";
  for (const auto& m : merges) {
    text += "\n- Merge " + m["from"]["name"].get<std::string>() + " (" + m["from"]["id"].dump() + "), moving " +
            m["moves"].dump() + ": POST " + m["request"]["path"].get<std::string>() + " " + m["request"]["body"].dump();
    if (m.contains("identity") && m["identity"].contains("warning"))
      text += "\n  CAUTION, " + m["identity"]["warning"].get<std::string>() + ".";
  }
  if (!fill.empty()) text += "\nCopy first (only the merged-away record has them): " + fill.dump();
  text += "\nNothing was changed; performing the merge is left to a person.";
  return mcp::ToolResult::data(std::move(out), text);
}

}  // namespace

void register_duplicate_tools(mcp::McpServer& server, const Backend& backend) {
  auto halo = backend.halo;
  server.tools.add({
      .name = "find_duplicates",
      .title = "Find duplicate clients, contacts or sites",
      .description =
          "Finds likely duplicates across the whole tenant or one client. Clients: names compared after normalising "
          "case, punctuation, accents, '&'/'and', 'The', legal suffixes and abbreviations, surviving a typo, with "
          "website / e-mail domain and phone as supporting evidence. Contacts: one person's names compared after "
          "case, accents, 'Surname, First', middle names and nicknames (Bob / Robert); a personal e-mail, the same "
          "client, phone or e-mail domain as evidence (a surname typo needs it); a shared mailbox (info@ …) is "
          "never evidence; Jr / Sr and different first names are different people. Sites: same address once "
          "street types, suite / unit / floor forms and postcode formats are normalised. Returns groups {score 0..1, reasons, members}, best "
          "first, paged (page, page_size up to 1000), plus scanned. The scan is reused for 5 minutes (refresh: true "
          "rescans). Read-only; merge_preview shows how a group would be merged.",
      .toolset = "workflows",
      .input_schema = schema("find_duplicates.input"),
      .output_schema = schema("find_duplicates.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext& ctx) { return find_duplicates(*halo, a, ctx); },
  });
  server.tools.add({
      .name = "merge_preview",
      .title = "Preview merging duplicates",
      .description =
          "Read-only: for a group of duplicate clients or contacts (ids from find_duplicates), which record to keep "
          "(active, most sites/contacts/tickets, then oldest; or keep_id), what would move, fields only the others "
          "hold, and the exact HaloPSA request that would merge each (_merge_client_into / _merge_user_into); for "
          "contacts, the identity rule's verdict on each pair (identity), with a warning when they are two people. "
          "It never merges: that is left to a person.",
      .toolset = "workflows",
      .input_schema = schema("merge_preview.input"),
      .output_schema = schema("merge_preview.output"),
      .annotations = {.read_only = true, .idempotent = true},
      .handler = [halo](const json& a, mcp::RequestContext&) { return merge_preview(*halo, a); },
  });
}

}  // namespace tools
