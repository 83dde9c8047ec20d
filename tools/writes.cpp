#include "tools/writes.h"

#include <chrono>

#include "halo/client.h"
#include "server/request_context.h"

namespace tools {

namespace {

std::string diff_text(const json& changes) {
  std::string text;
  for (const auto& c : changes)
    text += "\n- " + c["field"].get<std::string>() + ": " + (c["before"].is_null() ? "(empty)" : c["before"].dump()) +
            " → " + (c["after"].is_null() ? "(empty)" : c["after"].dump());
  return text;
}

// What HaloPSA saved: its answer when that is the record with every field sent, else the record fetched again.
json read_back(halo::Client& halo, Kind kind, long long id, json answer, const json& sent) {
  bool complete = answer.is_object() && answer.contains("id");
  for (const auto& [field, value] : sent.items())
    if (complete && !answer.contains(field)) complete = false;
  return complete ? answer : fetch_record(halo, kind, id);
}

// Fields whose saved value differs from the one sent: the write is reported with them, not as a plain success.
void report_not_applied(WriteResult& out, const json& sent, const json& saved) {
  json missed = json::array();
  for (const auto& change : diff(saved, sent))
    missed.push_back({{"field", change["field"]}, {"sent", change["after"]}, {"saved", change["before"]}});
  if (missed.empty()) return;
  out.data["not_applied"] = missed;
  std::string list;
  for (const auto& m : missed)
    list += "\n- " + m["field"].get<std::string>() + ": sent " + m["sent"].dump() + ", HaloPSA has " +
            (m["saved"].is_null() ? std::string("(empty)") : m["saved"].dump());
  const std::string warning = "HaloPSA saved the record but did not take " + std::to_string(missed.size()) +
                              " value(s) as sent; check them in HaloPSA:" + list;
  out.data["warning"] = warning;
  out.text += "\nWARNING: " + warning;
}

}  // namespace

std::string describe(Kind kind, const json& record) {
  return std::string(kind_info(kind).label) + " " + record.value("id", json(0)).dump() + " \"" +
         record.value("name", std::string()) + "\"";
}

json fetch_record(halo::Client& halo, Kind kind, long long id) { return halo::get(halo, kind, id); }

WriteResult update_record(halo::Client& halo, Kind kind, long long id, json body, const json& args,
                          const std::vector<std::string>& fields, const json& current) {
  const KindInfo& k = kind_info(kind);
  const bool dry_run = args.value("dry_run", false);
  if (auto since = args.find("if_unchanged_since"); since != args.end()) {
    const std::string stamp_field = halo::wire(kind).stamp;
    const std::string stamp = current.value(stamp_field, std::string());
    if (stamp.empty())  // the check was asked for and cannot be made: refuse rather than write blind
      throw InputError(
          "Not written: " + describe(kind, current) + " has no " + stamp_field + ", so whether it changed after " +
          since->get<std::string>() +
          " cannot be checked. Nothing was sent. Read it again, check with the user, and retry without if_unchanged_since if they agree.");
    if (!same_instant(stamp, since->get<std::string>())) {
      const json changes = diff(current, body);
      std::string text = "Not written: " + describe(kind, current) + " changed at " + stamp + ", after your copy (" +
                         stamp_field + " " + since->get<std::string>() + "). Nothing was sent.";
      text += changes.empty() ? "\nIts current values already match what you wanted to set."
                              : "\nIts current values against what you wanted to set:" + diff_text(changes);
      text += "\nRead the record again (get_" + std::string(k.label) +
              "), check with the user, then retry with "
              "if_unchanged_since " +
              stamp + ".";
      throw InputError(text);
    }
  }
  body["id"] = id;
  const json changes = diff(current, body);
  const halo::Request request = halo::save_request(kind, body);
  WriteResult out;
  out.data = {{"dry_run", dry_run}, {"written", false}, {"request", request.to_json()}, {"diff", changes}};
  if (changes.empty()) {
    out.data["record"] = project(kind, current, fields);
    out.data["warning"] = "Nothing to change: the " + std::string(k.label) + " already has these values.";
    out.text = "No change: " + describe(kind, current) + " already has these values; nothing was sent.";
    return out;
  }
  if (dry_run) {
    out.data["record"] = project(kind, current, fields);
    out.text = "DRY RUN, nothing written. Would update " + describe(kind, current) + ":" + diff_text(changes) +
               "\nRequest: POST " + request.path() + " " + request.body.dump();
    return out;
  }
  const json saved = read_back(halo, kind, id, halo::send(halo, request), body);
  out.data["record"] = project(kind, saved, fields);
  out.data["written"] = true;
  out.text = "Updated " + describe(kind, saved) + ":" + diff_text(changes);
  report_not_applied(out, body, saved);
  return out;
}

WriteResult create_record(halo::Client& halo, Kind kind, const json& body, const json& args,
                          const std::vector<std::string>& fields, std::function<std::optional<json>()> find_landed) {
  const KindInfo& k = kind_info(kind);
  const halo::Request request = halo::save_request(kind, body);
  WriteResult out;
  out.data = {{"dry_run", args.value("dry_run", false)}, {"written", false}, {"request", request.to_json()}};
  // The custom fields the tenant makes mandatory on a new record: said on a dry run, and a create missing one is
  // refused here, before HaloPSA refuses it with a message that may not name the field.
  const json required = custom_field_requirements(halo, kind, body.value("customfields", json::array()));
  const std::string missing = describe_custom_fields(required, true);
  if (!required.empty()) out.data["required_custom_fields"] = required;
  if (args.value("dry_run", false)) {
    out.data["record"] = nullptr;
    out.text = "DRY RUN, nothing written. Would create " + std::string(k.label) + " \"" +
               body.value("name", std::string()) + "\" with POST " + request.path() + " " + request.body.dump();
    if (!required.empty())
      out.text +=
          "\nThis tenant requires these custom fields on a new " + std::string(k.label) + ": " +
          describe_custom_fields(required, false) + "." +
          (missing.empty() ? "" : " MISSING: " + missing + ". The create would be refused; add them in custom_fields.");
    return out;
  }
  if (!missing.empty())
    throw InputError("Not created: this tenant makes these " + std::string(k.label) +
                     " custom fields mandatory and they "
                     "are missing: " +
                     missing + ". Add them in custom_fields (by name or label). Nothing was sent.");
  json answer = halo::create(halo, kind, body, std::move(find_landed));
  const long long id =
      answer.is_object() && answer.contains("id") && answer["id"].is_number() ? answer["id"].get<long long>() : 0;
  const json saved = id > 0 ? read_back(halo, kind, id, std::move(answer), body) : answer;
  out.data["record"] = project(kind, saved, fields);
  out.data["written"] = true;
  out.text = "Created " + describe(kind, saved) + ".";
  report_not_applied(out, body, saved);
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
              {"request", halo::save_request(kind, body).to_json()},
              {"warning", warning}};
  out.text = warning;
  return out;
}

json update_and_check(halo::Client& halo, Kind kind, const json& body) {
  const json saved = read_back(halo, kind, body.value("id", 0LL), halo::update(halo, kind, body), body);
  return diff(saved, body);
}

void follow_up(halo::Client& halo, WriteResult& result, Kind kind, json body, bool dry_run, const std::string& note) {
  const halo::Request req = halo::save_request(kind, body);
  if (!result.data.contains("additional_requests")) result.data["additional_requests"] = json::array();
  result.data["additional_requests"].push_back(req.to_json());
  if (dry_run) {
    result.text += "\nWould also " + note + ": POST " + req.path() + " " + req.body.dump();
    return;
  }
  const long long id = body.value("id", 0LL);
  const json missed = update_and_check(halo, kind, body);
  if (missed.empty()) {
    result.text += "\nAlso " + note + ".";
    return;
  }
  if (!result.data.contains("not_applied")) result.data["not_applied"] = json::array();
  std::string list;
  for (const auto& m : missed) {
    result.data["not_applied"].push_back(
        {{"field", kind_info(kind).label + std::string(" ") + std::to_string(id) + "." + m["field"].get<std::string>()},
         {"sent", m["after"]},
         {"saved", m["before"]}});
    list += " " + m["field"].get<std::string>() + " is " + (m["before"].is_null() ? "(empty)" : m["before"].dump()) +
            ", not " + m["after"].dump() + ";";
  }
  result.data["warning"] = "HaloPSA did not take the follow-up write to " + note + ":" + list + " check it in HaloPSA.";
  result.text += "\nWARNING: " + result.data["warning"].get<std::string>();
}

std::optional<std::string> confirm_destructive(mcp::RequestContext& ctx, const json& args, const std::string& what,
                                               const std::string& alternative) {
  if (ctx.client_supports("elicitation")) {
    json params{
        {"message", "Permanently delete " + what + "? This cannot be undone." +
                        (alternative.empty() ? "" : " (Alternative: " + alternative + ")")},
        {"requestedSchema",
         {{"type", "object"},
          {"properties",
           {{"confirm",
             {{"type", "boolean"}, {"title", "Delete " + what}, {"description", "Tick to delete permanently."}}}}},
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
    return "Not deleted: the user " +
           std::string(action == "accept"    ? "did not tick confirm"
                       : action == "decline" ? "declined"
                                             : "cancelled") +
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
