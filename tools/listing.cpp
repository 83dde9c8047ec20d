// Paged searches, counts and the billing-children scan shared by the record tools.
#include <algorithm>

#include "halo/client.h"
#include "halo/list_query.h"
#include "tools/records.h"

namespace tools {

namespace {
constexpr std::size_t kScanCap = 1000;  // client-side filters never look at more than this many records
}

std::vector<std::pair<std::string, std::string>> list_query(Kind kind,
                                                            std::vector<std::pair<std::string, std::string>> query) {
  if (kind == Kind::site &&
      std::none_of(query.begin(), query.end(), [](const auto& kv) { return kv.first == "includeaddress"; }))
    query.emplace_back("includeaddress", "true");
  return query;
}

void normalise_row(Kind kind, json& row) {
  if (kind != Kind::site || !row.is_object()) return;
  // Line 5 of Halo's address store is the postcode (its AddressStore exposes line1..line4 and postcode).
  static const std::pair<const char*, const char*> kFlat[] = {{"delivery_address_line1", "line1"},
                                                              {"delivery_address_line2", "line2"},
                                                              {"delivery_address_line3", "line3"},
                                                              {"delivery_address_line4", "line4"},
                                                              {"delivery_address_line5", "postcode"}};
  json nested =
      row.contains("delivery_address") && row["delivery_address"].is_object() ? row["delivery_address"] : json();
  bool carried = nested.is_object();
  for (const auto& [flat, line] : kFlat) {
    auto it = row.find(flat);
    if (it == row.end()) continue;
    carried = true;
    if (!nested.is_object()) nested = json::object();
    if (it->is_string() && !nested.contains(line)) nested[line] = *it;
    row.erase(it);
  }
  if (carried) row["delivery_address"] = nested.is_object() ? nested : json::object();
}

halo::Page fetch_page(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query, int page,
                      int page_size) {
  halo::Page p = halo::page(halo, kind, list_query(kind, std::move(query)), page, page_size);
  for (auto& r : p.rows) normalise_row(kind, r);
  return p;
}

json fetch_rows(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query,
                const halo::ListOptions& options, bool* truncated, std::size_t* record_count) {
  halo::ListResult all = halo::list(halo, kind, list_query(kind, std::move(query)), options);
  for (auto& r : all.rows) normalise_row(kind, r);
  if (truncated) *truncated = all.truncated;
  if (record_count) *record_count = all.record_count;
  return std::move(all.rows);
}

void add_status(std::vector<std::pair<std::string, std::string>>& query, const json& args) {
  const std::string status = args.value("status", std::string("active"));
  query = halo::with_status(std::move(query), status == "all"        ? halo::Status::all
                                              : status == "inactive" ? halo::Status::inactive
                                                                     : halo::Status::active);
}

json search_page(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query,
                 const json& args, const std::function<bool(const json&)>& filter) {
  const int page = args.value("page", 1);
  const int page_size = args.value("page_size", 25);
  const auto fields = requested_fields(kind, args);
  // Notes come on list rows only with includenotes=true (Halo's documented parameter); asked for only when wanted.
  if (std::find(fields.begin(), fields.end(), "notes") != fields.end()) query.emplace_back("includenotes", "true");
  json out{{"items", json::array()}, {"page", page}, {"page_size", page_size}};
  if (!filter) {
    halo::Page p = fetch_page(halo, kind, query, page, page_size);
    for (const auto& r : p.rows) out["items"].push_back(project(kind, r, fields));
    const std::size_t seen = static_cast<std::size_t>(page - 1) * page_size + p.rows.size();
    const std::size_t total = p.record_count_known ? std::max(p.record_count, seen) : seen;
    out["total"] = total;
    out["has_more"] = p.record_count_known ? seen < total : p.rows.size() == static_cast<std::size_t>(page_size);
    return out;
  }
  halo::ListOptions options;
  options.max_rows = kScanCap;
  bool truncated = false;
  std::size_t record_count = 0;
  const json rows = fetch_rows(halo, kind, query, options, &truncated, &record_count);
  std::vector<const json*> matches;
  for (const auto& r : rows)
    if (filter(r)) matches.push_back(&r);
  const std::size_t from = std::min(matches.size(), static_cast<std::size_t>(page - 1) * page_size);
  const std::size_t to = std::min(matches.size(), from + page_size);
  for (std::size_t i = from; i < to; ++i) out["items"].push_back(project(kind, *matches[i], fields));
  out["total"] = matches.size();
  out["has_more"] = to < matches.size();
  std::string note = "Filtered client-side over " + std::to_string(rows.size()) + " " + kind_info(kind).plural;
  if (truncated)
    note += " (only the first " + std::to_string(kScanCap) + " of " + std::to_string(record_count) +
            " were scanned: narrow the search for complete results)";
  out["note"] = note + ".";
  return out;
}

std::size_t count_records(halo::Client& halo, Kind kind, std::vector<std::pair<std::string, std::string>> query) {
  halo::Page p = halo::page(halo, kind, std::move(query), 1, 1);
  return p.record_count_known ? p.record_count : p.rows.size();
}

json billed_clients(halo::Client& halo, long long id, bool& complete) {
  halo::ListOptions options;
  options.max_rows = kScanCap;
  auto all = halo::list(halo, Kind::client, halo::with_status({}, halo::Status::all), options);
  complete = !all.truncated;
  json out = json::array();
  for (const auto& c : all.rows)
    if (c.contains("client_to_invoice") && c["client_to_invoice"].is_number_integer() &&
        c["client_to_invoice"].get<long long>() == id)
      out.push_back({{"id", c.value("id", 0)}, {"name", c.value("name", std::string())}});
  return out;
}

bool on_credit_stop(const json& record) {
  auto it = record.find("stopped");
  return it != record.end() && it->is_number() && it->get<double>() != 0;
}

json ref_summary(const json& record, const char* id_field, const char* name_field) {
  auto it = record.find(id_field);
  if (it == record.end() || !it->is_number_integer() || it->get<long long>() <= 0) return nullptr;
  return {{"id", *it}, {"name", record.value(name_field, std::string())}};
}

}  // namespace tools
