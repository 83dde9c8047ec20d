#include "tools/workflow_support.h"

#include "halo/client.h"
#include "server/request_context.h"

namespace tools {

long long id_of(const json& value) {
  if (value.is_number_integer()) return value.get<long long>();
  if (value.is_number()) return static_cast<long long>(value.get<double>());
  if (value.is_string()) {
    try {
      return std::stoll(value.get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::string text_of(const json& record, const char* field) {
  auto it = record.find(field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string address_text(const json& site) {
  auto it = site.find("delivery_address");
  if (it == site.end() || !it->is_object()) return {};
  std::string out;
  for (const char* k : {"line1", "line2", "line3", "line4", "postcode"}) {
    const std::string v = text_of(*it, k);
    if (v.find_first_not_of(" \t") != std::string::npos) out += (out.empty() ? "" : ", ") + v;
  }
  return out;
}

json load_all(halo::Client& halo, Kind kind, Query query, mcp::RequestContext& ctx, double progress_from,
              double progress_to, const std::string& what) {
  halo::ListOptions options;
  options.stop = ctx.stop_token();
  options.on_progress = [&ctx, progress_from, progress_to, what](std::size_t fetched, std::size_t total) {
    const double share = total ? static_cast<double>(fetched) / static_cast<double>(total) : 1.0;
    ctx.progress(progress_from + (progress_to - progress_from) * share, 100,
                 "Fetched " + std::to_string(fetched) + " of " + std::to_string(total) + " " + what);
  };
  return fetch_rows(halo, kind, std::move(query), options);
}

json related_count(halo::Client& halo, halo::Kind kind, Query query, std::size_t first_items) {
  try {
    halo::Page p = halo::page(halo, kind, std::move(query), 1, static_cast<int>(std::max<std::size_t>(first_items, 1)));
    json out{{"count", p.record_count_known ? std::max(p.record_count, p.rows.size()) : p.rows.size()},
             {"visible", true}};
    if (first_items) {
      out["items"] = json::array();
      for (const auto& r : p.rows) {
        if (out["items"].size() >= first_items) break;
        json item{{"id", r.value("id", json(0))}};
        for (const char* f :
             {"summary", "ref", "contract_ref", "status_id", "start_date", "end_date", "dateoccurred", "user_name"})
          if (r.contains(f)) item[f] = r[f];
        out["items"].push_back(item);
      }
    }
    return out;
  } catch (const halo::Error& e) {
    if (e.kind() != halo::ErrorKind::forbidden && e.kind() != halo::ErrorKind::not_found) throw;
    const std::string collection = halo::wire(kind).collection;
    return {{"count", nullptr},
            {"visible", false},
            {"note", "Not visible with this API application's permissions (" + collection + " answered " +
                         std::to_string(e.status()) + "; it needs the " + halo::probable_scope(collection, false) +
                         " scope). Check in Halo directly."}};
  }
}

dedupe::Record dedupe_record(dedupe::Mode mode, const json& r) {
  dedupe::Record out;
  out.id = id_of(r.value("id", json()));
  out.name = text_of(r, "name");
  switch (mode) {
    case dedupe::Mode::clients:
      out.website = text_of(r, "website");
      if (auto e = text_of(r, "accountsemailaddress"); !e.empty()) out.emails.push_back(e);
      if (auto p = text_of(r, "main_phonenumber"); !p.empty()) out.phones.push_back(p);
      break;
    case dedupe::Mode::contacts:
      out.client_id = id_of(r.value("client_id", json()));
      for (const char* f : {"emailaddress", "email2"})
        if (auto e = text_of(r, f); !e.empty()) out.emails.push_back(e);
      for (const char* f : {"phonenumber", "mobilenumber"})
        if (auto p = text_of(r, f); !p.empty()) out.phones.push_back(p);
      if (out.name.empty()) out.name = text_of(r, "firstname") + " " + text_of(r, "surname");
      break;
    case dedupe::Mode::sites:
      out.client_id = id_of(r.value("client_id", json()));
      out.address = address_text(r);
      break;
  }
  return out;
}

json& Steps::add(const std::string& step, const std::string& status) {
  list.push_back({{"step", step}, {"status", status}});
  return list.back();
}

bool Steps::failed() const {
  for (const auto& s : list)
    if (s["status"] == "failed") return true;
  return false;
}

void register_workflow_tools(mcp::McpServer& server, const Backend& backend) {
  register_onboarding_tools(server, backend);
  register_offboarding_tools(server, backend);
  register_duplicate_tools(server, backend);
  register_quality_tools(server, backend);
}

}  // namespace tools
