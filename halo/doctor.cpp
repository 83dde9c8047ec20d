#include "halo/doctor.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "halo/errors.h"
#include "halo/http_transport.h"
#include "halo/lookup_tables.h"
#include "halo/redactor.h"
#include "halo/responses.h"
#include "halo/token_cache.h"
#include "halo/url.h"
#include "util/text.h"

namespace halo::doctor {

using nlohmann::json;

namespace {

const char* level_name(Level l) {
  switch (l) {
    case Level::ok: return "ok";
    case Level::note: return "note";
    case Level::problem: return "problem";
  }
  return "?";
}

using util::lower;

json rows_of(const json& answer, const char* envelope) { return rows_of_answer(answer, envelope); }

std::set<std::string> field_names(const json& rows) {
  std::set<std::string> out;
  for (const auto& r : rows)
    if (r.is_object())
      for (auto it = r.begin(); it != r.end(); ++it) out.insert(it.key());
  return out;
}

json names_json(const std::set<std::string>& names) {
  return json(std::vector<std::string>(names.begin(), names.end()));
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

bool scope_has(const std::string& granted, const std::string& want) {
  std::size_t pos = 0;
  while (pos < granted.size()) {
    const auto next = granted.find_first_of(" ,+", pos);
    if (granted.substr(pos, next == std::string::npos ? std::string::npos : next - pos) == want) return true;
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return false;
}

// A 429 during the check: everything after it would be refused too.
struct RateLimited {
  HttpResponse response;
};

// One GET, no retry; the answer's rate-limit headers are kept for the report.
class Probe {
 public:
  explicit Probe(const Config& config)
      : config_(config),
        transport_({config.connect_timeout_ms, config.read_timeout_ms, config.ca_file}),
        tokens_(config_, transport_, redactor_) {
    redactor_.add_secret(config.client_secret);
  }

  int requests = 0;
  bool retry_after_seen = false;
  std::set<std::string> rate_header_names;

  // The token, counting the discovery and token requests TokenCache makes.
  std::string token() {
    requests += config_.auth_url.empty() ? 2 : 1;
    return tokens_.access_token();
  }
  std::string granted_scope() const { return tokens_.granted_scope(); }

  // GET {api}/{path}?query. Returns the parsed JSON of a 2xx answer; nullopt (and `status`) otherwise.
  std::optional<json> get(const std::string& path, const Query& query, int* status = nullptr,
                          std::string* raw = nullptr) {
    if (requests >= kMaxRequests) return std::nullopt;
    ++requests;
    std::string url = config_.api_base() + "/" + path;
    if (!query.empty()) url += "?" + encode_query(query);
    const HttpResponse r = transport_.send("GET", url, {{"Authorization", "Bearer " + token_}});
    if (!r.retry_after.empty()) retry_after_seen = true;
    for (const auto& [name, value] : r.rate_headers) rate_header_names.insert(name);
    if (status) *status = r.status;
    if (r.status == 429) throw RateLimited{r};
    if (r.status < 200 || r.status >= 300) return std::nullopt;
    if (raw) *raw = r.body;
    json parsed = json::parse(r.body, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
  }

  std::string token_;

 private:
  const Config& config_;
  HttpTransport transport_;
  Redactor redactor_;
  TokenCache tokens_;
};

Query paged(Query q, int size) {
  q.emplace_back("pageinate", "true");
  q.emplace_back("page_no", "1");
  q.emplace_back("page_size", std::to_string(size));
  return q;
}

class Checks {
 public:
  Checks(Probe& probe, Report& report, const Config& config) : p(probe), r(report), config(config) {}

  void add(std::string check, Level level, std::string finding, std::string meaning, json data = json::object()) {
    r.findings.push_back({std::move(check), level, std::move(finding), std::move(meaning), std::move(data)});
  }

  void failed_read(const std::string& check, const std::string& what, int status, const std::string& meaning) {
    add(check, Level::problem, what + " answered " + (status ? std::to_string(status) : std::string("no JSON")),
        meaning, {{"status", status}});
  }

  bool token() {
    try {
      p.token_ = p.token();
    } catch (const Error& e) {
      add("token", Level::problem,
          std::string("no token: ") + e.kind_name() + " (HTTP " + std::to_string(e.status()) + ")",
          "Every tool fails until the credentials, tenant or scope are fixed (see the error halopsa_status shows).",
          {{"error_kind", e.kind_name()}, {"status", e.status()}});
      return false;
    }
    const std::string scope = p.granted_scope();
    const bool all = scope_has(scope, "all");
    const bool edit = all || scope_has(scope, "edit:customers");
    const bool read = edit || scope_has(scope, "read:customers");
    add("token and scopes",
        !read  ? Level::problem
        : edit ? Level::ok
               : Level::note,
        "token granted; scope: " + (scope.empty() ? std::string("(none stated)") : scope),
        !read  ? "Halo refuses client, site and contact reads without read:customers (or all): every tool fails."
        : edit ? "Reads and writes of clients, sites and contacts are allowed."
               : "Read-only: every write tool (create_*, update_*, delete_*, onboard_*, offboard_client, "
                 "set_client_active) will be refused 403; run with HALOPSA_READ_ONLY=1 to hide them.",
        {{"scope", scope}, {"read_customers", read}, {"edit_customers", edit}});
    return true;
  }

  void paging() {
    int status = 0;
    const auto one = p.get("Client", paged({{"includeactive", "true"}, {"includeinactive", "true"}}, 1), &status);
    if (!one) return failed_read("paging", "GET Client (page_size=1)", status, "Every list tool fails.");
    const json rows = rows_of(*one, "clients");
    const bool has_count = one->is_object() && one->contains("record_count") && (*one)["record_count"].is_number();
    total_ = has_count ? (*one)["record_count"].get<long long>() : -1;
    const bool honoured = rows.size() <= 1;
    add("paging", honoured && has_count ? Level::ok : Level::problem,
        "pageinate=true&page_size=1 gave " + std::to_string(rows.size()) + " row(s); record_count " +
            (has_count ? std::to_string(total_) : std::string("missing")),
        honoured && has_count ? "The list tools page as they expect and stop on record_count."
                              : "Paging is not honoured as documented: search_* and the workflow tools may miss or "
                                "repeat records; report this.",
        {{"rows", rows.size()}, {"record_count_present", has_count}, {"record_count", total_}});
  }

  void page_cap() {
    int status = 0;
    auto page = p.get("Client", paged({{"includeactive", "true"}, {"includeinactive", "true"}}, 200), &status);
    if (!page) return failed_read("page cap", "GET Client (page_size=200)", status, "Listing clients fails.");
    client_rows_ = rows_of(*page, "clients");
    const long long n = static_cast<long long>(client_rows_.size());
    const long long expected = total_ < 0 ? -1 : std::min<long long>(200, total_);
    const bool capped = expected >= 0 && n < expected;
    add("page cap", capped ? Level::note : Level::ok,
        capped ? "page_size=200 gave " + std::to_string(n) + " rows of " + std::to_string(total_) +
                     ": pages are capped at " + std::to_string(n)
               : "page_size=200 gave " + std::to_string(n) + " rows (record_count " + std::to_string(total_) + ")",
        capped ? "Halo silently caps pages; the tools ask for at most HALOPSA_PAGE_SIZE rows per page and walk pages "
                 "until record_count, so keep HALOPSA_PAGE_SIZE at or below " +
                     std::to_string(n) + "."
               : "No cap below 200 seen (or too few clients to tell).",
        {{"asked", 200}, {"rows", n}, {"record_count", total_}, {"capped_at", capped ? json(n) : json(nullptr)}});
  }

  void client_rows() {
    int status = 0;
    auto with_notes =
        p.get("Client", paged({{"includeactive", "true"}, {"includeinactive", "true"}, {"includenotes", "true"}}, 50),
              &status);
    const std::set<std::string> plain = field_names(client_rows_);
    if (!with_notes) return failed_read("client list rows", "GET Client (includenotes=true)", status, "");
    const std::set<std::string> noted = field_names(rows_of(*with_notes, "clients"));
    json data = {{"fields", names_json(plain)}, {"field_count", plain.size()}};
    std::string seen;
    bool missing_any = false;
    for (const char* f : {"main_site_id", "website", "alastupdate", "main_phonenumber", "customertype_new"}) {
      data[std::string("has_") + f] = plain.count(f) > 0;
      seen += std::string(seen.empty() ? "" : ", ") + f + " " + yes_no(plain.count(f) > 0);
      if (std::string(f) != "customertype_new") missing_any = missing_any || !plain.count(f);
    }
    data["notes_without_includenotes"] = plain.count("notes") > 0;
    data["notes_with_includenotes"] = noted.count("notes") > 0;
    add("client list rows", missing_any ? Level::note : Level::ok,
        std::to_string(plain.size()) + " fields per row; " + seen + "; notes without includenotes " +
            yes_no(plain.count("notes") > 0) + ", with " + yes_no(noted.count("notes") > 0),
        missing_any ? "Rows are partial (Halo's Area_List): get_client, find_duplicates and data_quality_report fetch "
                      "the full record where they need main_site_id, website or the phone (bounded); search_clients "
                      "asks for notes with includenotes."
                    : "Client rows carry the full record.",
        data);
  }

  void site_rows() {
    int status = 0;
    auto bare = p.get("Site", paged({{"includeactive", "true"}, {"includeinactive", "true"}}, 50), &status);
    if (!bare) return failed_read("site addresses", "GET Site", status, "search_sites and get_client fail.");
    std::string raw;
    auto addressed =
        p.get("Site", paged({{"includeactive", "true"}, {"includeinactive", "true"}, {"includeaddress", "true"}}, 50),
              &status, &raw);
    if (!addressed) return failed_read("site addresses", "GET Site (includeaddress=true)", status, "");
    const json rows = rows_of(*addressed, "sites");
    const std::set<std::string> without = field_names(rows_of(*bare, "sites")), with = field_names(rows);
    const bool flat = with.count("delivery_address_line1") || with.count("delivery_address_line5");
    const bool nested = with.count("delivery_address") > 0;
    const bool before = without.count("delivery_address") || without.count("delivery_address_line1");
    bool float_client = false;
    for (const auto& s : rows)
      if (s.is_object() && s.contains("client_id") && s["client_id"].is_number_float()) float_client = true;
    const std::string shape = flat && nested ? "flat and nested" : flat ? "flat" : nested ? "nested" : "none";
    add("site addresses", shape == "none" && !rows.empty() ? Level::note : Level::ok,
        "address without includeaddress " + yes_no(before) + "; with includeaddress: " + shape +
            (flat ? " (delivery_address_line1..5)" : "") + "; client_id as a float " + yes_no(float_client),
        shape == "none" && !rows.empty()
            ? "No address came back even with includeaddress=true: the search_sites city filter, "
              "data_quality_report's sites_without_address and site duplicate detection cannot judge addresses."
            : "search_sites (city), get_client's address column, data_quality_report and find_duplicates read the "
              "address in this shape.",
        {{"sites", rows.size()},
         {"address_without_includeaddress", before},
         {"shape", shape},
         {"client_id_float", float_client},
         {"fields", names_json(with)}});
  }

  void user_rows() {
    int status = 0;
    std::string raw;
    auto answer = p.get("Users", paged({{"includeactive", "true"}, {"includeinactive", "true"}}, 50), &status, &raw);
    if (!answer) return failed_read("contact list rows", "GET Users", status, "search_contacts fails.");
    const json rows = rows_of(*answer, "users");
    bool site_float = false, has_int = false, nulls = false;
    std::size_t without_email = 0;
    for (const auto& u : rows) {
      if (!u.is_object()) continue;
      if (u.contains("site_id") && u["site_id"].is_number_float()) site_float = true;
      if (u.contains("site_id_int")) has_int = true;
      if (!u.contains("emailaddress")) ++without_email;
      for (const auto& [k, v] : u.items())
        if (v.is_null()) nulls = true;
    }
    add("contact list rows", Level::ok,
        std::to_string(rows.size()) + " rows; site_id as a float " + yes_no(site_float) + ", site_id_int " +
            yes_no(has_int) + "; null fields sent " + yes_no(nulls) + ", rows without an emailaddress key " +
            std::to_string(without_email),
        site_float ? "Halo sends site_id as 101.0 and refuses it back so: the contact tools send whole numbers; a "
                     "missing e-mail key is read as unknown, not empty."
                   : "site_id comes as a whole number.",
        {{"rows", rows.size()},
         {"site_id_float", site_float},
         {"site_id_int", has_int},
         {"nulls_sent", nulls},
         {"rows_without_emailaddress", without_email},
         {"fields", names_json(field_names(rows))}});
  }

  void lookups() {
    int status = 0;
    auto types = p.get("Lookup", {{"lookupid", std::to_string(kLookupTypesTable)}}, &status);
    json rows = types ? (types->is_array() ? *types : rows_of(*types, "lookup")) : json::array();
    std::optional<long long> found;
    std::string found_name;
    for (const auto& t : rows)
      if (t.is_object() && t.value("name", json()).is_string() && t.value("id", json()).is_number_integer() &&
          is_client_type_table_name(t["name"].get<std::string>())) {
        found = t["id"].get<long long>();
        found_name = t["name"].get<std::string>();
        break;
      }
    const int configured = config.client_type_lookup_id;
    const std::optional<long long> table = configured > 0 ? std::optional<long long>(configured) : found;
    json data = {{"lookup_types", rows.size()},
                 {"client_type_table_found", found ? json(*found) : json(nullptr)},
                 {"client_type_table_name", found_name},
                 {"override", configured > 0 ? json(configured) : json(nullptr)}};
    if (!table) {
      add("client-type table", Level::problem,
          "the lookup-type table (11) has " + std::to_string(rows.size()) +
              " rows; none is named Customer Type or Client Type" +
              (types ? "" : " (HTTP " + std::to_string(status) + ")"),
          "client_type arguments (search_clients, create_client, update_client, onboard_client) and "
          "list_client_types cannot resolve types: set HALOPSA_CLIENT_TYPE_LOOKUP_ID to the table's id.",
          data);
      return;
    }
    auto values = p.get("Lookup", {{"lookupid", std::to_string(*table)}}, &status);
    const json vrows = values ? (values->is_array() ? *values : rows_of(*values, "lookup")) : json::array();
    std::size_t real = 0;
    bool zero = false;
    for (const auto& v : vrows) {
      if (!v.is_object()) continue;
      if (v.value("id", json()) == 0) zero = true;
      else
        ++real;
    }
    data["client_types"] = real;
    data["zero_row"] = zero;
    data["table"] = *table;
    add("client-type table", real > 0 ? Level::ok : Level::problem,
        "client types are lookup " + std::to_string(*table) +
            (configured > 0
                 ? " (HALOPSA_CLIENT_TYPE_LOOKUP_ID" +
                       std::string(found && *found != configured ? "; table 11 names " + std::to_string(*found) : "") +
                       ")"
                 : " (\"" + found_name + "\" in table 11)") +
            ": " + std::to_string(real) + " types" + (zero ? " plus the id-0 default row" : ""),
        real > 0 ? "client_type arguments and list_client_types use this table."
                 : "The table is empty: client_type arguments cannot be resolved.",
        data);
  }

  void custom_fields() {
    json data = json::object();
    std::string text;
    std::size_t mandatory_total = 0;
    for (const auto& [type, what] : std::vector<std::pair<int, std::string>>{
             {2, "clients"}, {3, "sites"}, {4, "contacts (typeid 4, unverified)"}}) {
      int status = 0;
      auto defs = p.get("FieldInfo", {{"typeid", std::to_string(type)}}, &status);
      const json rows = defs ? (defs->is_array() ? *defs : rows_of(*defs, "fields")) : json::array();
      std::size_t mandatory = 0;
      for (const auto& d : rows)
        if (d.is_object() && d.value("mandatory", false) == true) ++mandatory;
      mandatory_total += mandatory;
      data[std::to_string(type)] = {{"definitions", rows.size()}, {"mandatory", mandatory}, {"status", status}};
      text += (text.empty() ? "" : "; ") + what + ": " +
              (defs ? std::to_string(rows.size()) + " (" + std::to_string(mandatory) + " mandatory)"
                    : "HTTP " + std::to_string(status));
    }
    add("custom fields", mandatory_total ? Level::note : Level::ok, "FieldInfo definitions: " + text,
        mandatory_total ? "Mandatory custom fields: Halo may refuse create_client, create_site or create_contact "
                          "until they are set (pass them in customfields)."
                        : "No mandatory custom fields seen.",
        data);
  }

  void search_scope() {
    // A client whose reference is not part of its name: if search finds it by the reference, search is wide.
    for (const auto& c : client_rows_) {
      if (!c.is_object() || !c.value("ref", json()).is_string() || !c.value("name", json()).is_string()) continue;
      const std::string ref = c["ref"], name = c["name"];
      if (ref.size() < 3 || lower(name).find(lower(ref)) != std::string::npos) continue;
      int status = 0;
      auto hits = p.get("Client", paged({{"includeactive", "true"}, {"includeinactive", "true"}, {"search", ref}}, 50),
                        &status);
      if (!hits) return failed_read("client search", "GET Client (search)", status, "search_clients fails.");
      bool found = false;
      for (const auto& h : rows_of(*hits, "clients"))
        if (h.is_object() && h.value("id", json()) == c.value("id", json())) found = true;
      add("client search", found ? Level::note : Level::ok,
          found ? "search matches more than the name (a client was found by its reference)"
                : "search did not find a client by its reference: it matches the name",
          found ? "A search hit is not a name match: search_clients and the duplicate guards compare names "
                  "themselves; search_name_only is the name-only search."
                : "search behaves as a name search here.",
          {{"scope", found ? "wide" : "name"}});
      return;
    }
    add("client search", Level::note, "not tested: no client has a reference that is not part of its name",
        "Unknown whether search matches more than the name.", {{"scope", "unknown"}});
  }

  Probe& p;
  Report& r;
  const Config& config;
  long long total_ = -1;
  json client_rows_ = json::array();
};

}  // namespace

bool Report::has_problem() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.level == Level::problem; });
}

json Report::to_json() const {
  json out = {{"halopsa_mcp_doctor", 1},      {"backend", backend},   {"requests", requests},
              {"max_requests", kMaxRequests}, {"ok", !has_problem()}, {"findings", json::array()}};
  for (const auto& f : findings)
    out["findings"].push_back({{"check", f.check},
                               {"level", level_name(f.level)},
                               {"finding", f.finding},
                               {"meaning", f.meaning},
                               {"data", f.data}});
  return out;
}

std::string Report::table() const {
  std::string out = "check | finding | what it means\n";
  for (const auto& f : findings)
    out += "[" + std::string(level_name(f.level)) + "] " + f.check + " | " + f.finding + " | " + f.meaning + "\n";
  out += std::to_string(requests) + " requests (at most " + std::to_string(kMaxRequests) + "); " +
         (has_problem() ? "a tool would misbehave: see the problems above." : "no problem found.") + "\n";
  return out;
}

Report run(const Config& config, const std::string& backend) {
  config.validate();
  Report report;
  report.backend = backend;
  Probe probe(config);
  Checks checks(probe, report, config);
  bool token = false;
  try {
    if ((token = checks.token())) {
      checks.paging();
      checks.page_cap();
      checks.client_rows();
      checks.site_rows();
      checks.user_rows();
      checks.lookups();
      checks.custom_fields();
      checks.search_scope();
    }
  } catch (const RateLimited& limited) {
    const json body = json::parse(limited.response.body, nullptr, false);
    const bool json_body = !body.is_discarded() && body.is_object();
    checks.add("rate limit", Level::problem,
               std::string("HaloPSA answered 429 during the check; Retry-After ") +
                   (limited.response.retry_after.empty() ? "not sent" : "sent") + ", body " +
                   (json_body ? "JSON" : "text"),
               "The rate limit was reached (other programs share it): the remaining checks were skipped. Tools wait "
               "and retry within HALOPSA_MAX_RATE_WAIT_SECONDS; run the doctor again in a few minutes.",
               {{"retry_after_sent", !limited.response.retry_after.empty()}, {"body", json_body ? "json" : "text"}});
  } catch (const Error& e) {
    checks.add("network", Level::problem, std::string("a request failed: ") + e.kind_name(),
               "HaloPSA could not be reached reliably; the tools will fail the same way.",
               {{"error_kind", e.kind_name()}});
  }
  json headers = json::array();
  for (const auto& h : probe.rate_header_names) headers.push_back(h);
  if (token && report.findings.back().check != "rate limit")
    checks.add("rate-limit headers", Level::ok,
               std::string("Retry-After seen ") + yes_no(probe.retry_after_seen) +
                   "; X-RateLimit-* headers: " + (headers.empty() ? std::string("none") : headers.dump()),
               headers.empty() ? "The tools pace from their own record of the rolling window (HALOPSA_RATE_LIMIT per "
                                 "HALOPSA_RATE_WINDOW_SECONDS, default 300 per 300 s)."
                               : "HaloPSA states its budget in headers.",
               {{"retry_after_seen", probe.retry_after_seen}, {"rate_headers", headers}});
  report.requests = probe.requests;
  return report;
}

}  // namespace halo::doctor
