#include "tools/writes.h"

#include <chrono>

#include "halo/client.h"
#include "server/request_context.h"

namespace tools {

namespace {

std::string api_path(Kind kind) { return std::string("/api/") + kind_info(kind).path; }

std::string diff_text(const json& changes) {
  std::string text;
  for (const auto& c : changes)
    text += "\n- " + c["field"].get<std::string>() + ": " + (c["before"].is_null() ? "(empty)" : c["before"].dump()) +
            " → " + (c["after"].is_null() ? "(empty)" : c["after"].dump());
  return text;
}

}  // namespace

std::string describe(Kind kind, const json& record) {
  return std::string(kind_info(kind).label) + " " + record.value("id", json(0)).dump() + " \"" +
         record.value("name", std::string()) + "\"";
}

json request_of(const std::string& method, const std::string& path, const json& body) {
  json r{{"method", method}, {"path", path}};
  if (!body.is_null()) r["body"] = body;
  return r;
}

json fetch_record(halo::Client& halo, Kind kind, long long id) {
  return halo.get(std::string(kind_info(kind).path) + "/" + std::to_string(id), {{"includedetails", "true"}});
}

WriteResult update_record(halo::Client& halo, Kind kind, long long id, json body, const json& args,
                          const std::vector<std::string>& fields, const json& current) {
  const KindInfo& k = kind_info(kind);
  const bool dry_run = args.value("dry_run", false);
  if (auto since = args.find("if_unchanged_since"); since != args.end()) {
    const std::string stamp = current.value(k.stamp, std::string());
    if (!stamp.empty() && !same_instant(stamp, since->get<std::string>())) {
      const json changes = diff(current, body);
      std::string text = "Not written: " + describe(kind, current) + " changed at " + stamp + ", after your copy (" +
                         k.stamp + " " + since->get<std::string>() + "). Nothing was sent.";
      text += changes.empty() ? "\nIts current values already match what you wanted to set."
                              : "\nIts current values against what you wanted to set:" + diff_text(changes);
      text += "\nRead the record again (get_" + std::string(k.label) + "), check with the user, then retry with "
              "if_unchanged_since " + stamp + ".";
      throw InputError(text);
    }
  }
  body["id"] = id;
  const json changes = diff(current, body);
  const json request = request_of("POST", api_path(kind), json::array({body}));
  WriteResult out;
  out.data = {{"dry_run", dry_run}, {"written", false}, {"request", request}, {"diff", changes}};
  if (changes.empty()) {
    out.data["record"] = project(kind, current, fields);
    out.data["warning"] = "Nothing to change: the " + std::string(k.label) + " already has these values.";
    out.text = "No change: " + describe(kind, current) + " already has these values; nothing was sent.";
    return out;
  }
  if (dry_run) {
    out.data["record"] = project(kind, current, fields);
    out.text = "DRY RUN, nothing written. Would update " + describe(kind, current) + ":" + diff_text(changes) +
               "\nRequest: POST " + api_path(kind) + " " + request["body"].dump();
    return out;
  }
  json saved = halo.update(k.path, body);
  if (!saved.is_object() || !saved.contains("id")) saved = fetch_record(halo, kind, id);
  out.data["record"] = project(kind, saved, fields);
  out.data["written"] = true;
  out.text = "Updated " + describe(kind, saved) + ":" + diff_text(changes);
  return out;
}

WriteResult create_record(halo::Client& halo, Kind kind, const json& body, const json& args,
                          const std::vector<std::string>& fields, std::function<std::optional<json>()> find_landed) {
  const KindInfo& k = kind_info(kind);
  const json request = request_of("POST", api_path(kind), json::array({body}));
  WriteResult out;
  out.data = {{"dry_run", args.value("dry_run", false)}, {"written", false}, {"request", request}};
  if (args.value("dry_run", false)) {
    out.data["record"] = nullptr;
    out.text = "DRY RUN, nothing written. Would create " + std::string(k.label) + " \"" +
               body.value("name", std::string()) + "\" with POST " + api_path(kind) + " " + request["body"].dump();
    return out;
  }
  json saved = halo.create(k.path, body, std::move(find_landed));
  if (saved.is_object() && saved.contains("id") && saved["id"].is_number_integer() && !saved.contains("name"))
    saved = fetch_record(halo, kind, saved["id"].get<long long>());
  out.data["record"] = project(kind, saved, fields);
  out.data["written"] = true;
  out.text = "Created " + describe(kind, saved) + ".";
  return out;
}

WriteResult duplicate_result(Kind kind, const json& existing, const json& body, const std::string& why,
                             const std::vector<std::string>& fields) {
  WriteResult out;
  const std::string warning = "Not created: " + why + " Existing " + describe(kind, existing) +
                              " is returned instead. If this really is a different " + kind_info(kind).label +
                              ", call again with allow_duplicate: true.";
  out.data = {{"record", project(kind, existing, fields)},
              {"dry_run", false},
              {"written", false},
              {"request", request_of("POST", api_path(kind), json::array({body}))},
              {"warning", warning}};
  out.text = warning;
  return out;
}

void follow_up(halo::Client& halo, WriteResult& result, Kind kind, json body, bool dry_run, const std::string& note) {
  json req = request_of("POST", api_path(kind), json::array({body}));
  if (!result.data.contains("additional_requests")) result.data["additional_requests"] = json::array();
  result.data["additional_requests"].push_back(req);
  if (dry_run) {
    result.text += "\nWould also " + note + ": POST " + api_path(kind) + " " + req["body"].dump();
    return;
  }
  halo.update(kind_info(kind).path, body);
  result.text += "\nAlso " + note + ".";
}

std::optional<std::string> confirm_destructive(mcp::RequestContext& ctx, const json& args, const std::string& what,
                                               const std::string& alternative) {
  if (ctx.client_supports("elicitation")) {
    json params{{"message", "Permanently delete " + what + "? This cannot be undone." +
                                (alternative.empty() ? "" : " (Alternative: " + alternative + ")")},
                {"requestedSchema",
                 {{"type", "object"},
                  {"properties",
                   {{"confirm",
                     {{"type", "boolean"},
                      {"title", "Delete " + what},
                      {"description", "Tick to delete permanently."}}}}},
                  {"required", json::array({"confirm"})}}}};
    json answer;
    try {
      answer = ctx.request("elicitation/create", params, std::chrono::minutes(5));
    } catch (const std::exception& e) {
      return "Not deleted: the confirmation request to the user failed (" + std::string(e.what()) +
             "). Nothing was changed; ask the user directly before trying again.";
    }
    const std::string action = answer.value("action", std::string());
    const bool confirmed = action == "accept" && answer.contains("content") && answer["content"].is_object() &&
                           answer["content"].value("confirm", false) == true;
    if (confirmed) return std::nullopt;
    return "Not deleted: the user " + std::string(action == "accept" ? "did not tick confirm" : action == "decline" ? "declined" : "cancelled") +
           ". Nothing was changed. Do not retry unless the user asks again." +
           (alternative.empty() ? "" : " " + alternative);
  }
  if (args.value("confirm", false)) return std::nullopt;
  return "Not deleted: deleting " + what +
         " is permanent and needs the user's explicit consent. Ask the user, and only if they agree call again with "
         "confirm: true." +
         (alternative.empty() ? "" : " " + alternative);
}

}  // namespace tools
