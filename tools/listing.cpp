// Paged searches, counts and the billing-children scan shared by the record tools.
#include "halo/client.h"
#include "halo/list_query.h"
#include "tools/records.h"

namespace tools {

namespace {
constexpr std::size_t kScanCap = 1000;  // client-side filters never look at more than this many records
}

void add_status(std::vector<std::pair<std::string, std::string>>& query, const json& args) {
  const std::string status = args.value("status", std::string("active"));
  query = halo::with_status(std::move(query), status == "all"        ? halo::Status::all
                                              : status == "inactive" ? halo::Status::inactive
                                                                     : halo::Status::active);
}

json search_page(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query, const json& args,
                 const std::function<bool(const json&)>& filter) {
  const KindInfo& k = kind_info(kind);
  const int page = args.value("page", 1);
  const int page_size = args.value("page_size", 25);
  const auto fields = requested_fields(kind, args);
  json out{{"items", json::array()}, {"page", page}, {"page_size", page_size}};
  if (!filter) {
    halo::Page p = halo.page(k.path, k.envelope, query, page, page_size);
    for (const auto& r : p.rows) out["items"].push_back(project(kind, r, fields));
    const std::size_t seen = static_cast<std::size_t>(page - 1) * page_size + p.rows.size();
    const std::size_t total = p.record_count_known ? std::max(p.record_count, seen) : seen;
    out["total"] = total;
    out["has_more"] = p.record_count_known ? seen < total : p.rows.size() == static_cast<std::size_t>(page_size);
    return out;
  }
  halo::ListOptions options;
  options.max_rows = kScanCap;
  halo::ListResult all = halo.list(k.path, k.envelope, query, options);
  std::vector<const json*> matches;
  for (const auto& r : all.rows)
    if (filter(r)) matches.push_back(&r);
  const std::size_t from = std::min(matches.size(), static_cast<std::size_t>(page - 1) * page_size);
  const std::size_t to = std::min(matches.size(), from + page_size);
  for (std::size_t i = from; i < to; ++i) out["items"].push_back(project(kind, *matches[i], fields));
  out["total"] = matches.size();
  out["has_more"] = to < matches.size();
  std::string note = "Filtered client-side over " + std::to_string(all.rows.size()) + " " + k.envelope;
  if (all.truncated)
    note += " (only the first " + std::to_string(kScanCap) + " of " + std::to_string(all.record_count) +
            " were scanned: narrow the search for complete results)";
  out["note"] = note + ".";
  return out;
}

std::size_t count_records(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query) {
  const KindInfo& k = kind_info(kind);
  halo::Page p = halo.page(k.path, k.envelope, std::move(query), 1, 1);
  return p.record_count_known ? p.record_count : p.rows.size();
}

json billed_clients(halo::Client& halo, long long id, bool& complete) {
  halo::ListOptions options;
  options.max_rows = kScanCap;
  auto all = halo.list("Client", "clients", halo::with_status({}, halo::Status::all), options);
  complete = !all.truncated;
  json out = json::array();
  for (const auto& c : all.rows)
    if (c.contains("client_to_invoice") && c["client_to_invoice"].is_number_integer() &&
        c["client_to_invoice"].get<long long>() == id)
      out.push_back({{"id", c.value("id", 0)}, {"name", c.value("name", std::string())}});
  return out;
}

json ref_summary(const json& record, const char* id_field, const char* name_field) {
  auto it = record.find(id_field);
  if (it == record.end() || !it->is_number_integer() || it->get<long long>() <= 0) return nullptr;
  return {{"id", *it}, {"name", record.value(name_field, std::string())}};
}

}  // namespace tools
