#include "server/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <random>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "server/jsonrpc.h"
#include "server/write_all.h"

namespace mcp {

namespace {

using json = nlohmann::json;

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// The one rule for what counts as a secret: a field whose name says it holds one. It is applied to object keys,
// to the field an entry names ({"field": "new_password", "after": …} in a diff, {"name": "CFApiToken", "value": …}
// for a custom field) and to "- field: …" lines of a tool's text, since a secret reaches the log by all three.
bool is_secret_key(const std::string& key) { return is_secret_name(key); }

thread_local SecretValues* current_secrets = nullptr;

// Replaces every string equal to a value noted during this call (note_secret_value).
json mask_noted(const json& value, const std::vector<std::string>& noted) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return std::find(noted.begin(), noted.end(), s) != noted.end() ? json("***") : value;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) out[key] = mask_noted(item, noted);
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(mask_noted(item, noted));
    return out;
  }
  return value;
}

// The value-holding keys of an entry that names its field rather than being keyed by it.
bool names_secret_field(const json& entry) {
  for (const char* name_key : {"field", "name", "label"})
    if (auto it = entry.find(name_key); it != entry.end() && it->is_string() && is_secret_key(it->get<std::string>()))
      return true;
  return false;
}

bool is_value_key(const std::string& key) {
  for (const char* k : {"before", "after", "value", "display", "sent", "saved"})
    if (key == k) return true;
  return false;
}

json mask_secrets(const json& value) {
  if (value.is_object()) {
    const bool named_secret = names_secret_field(value);
    json out = json::object();
    for (const auto& [key, item] : value.items())
      out[key] = (is_secret_key(key) || (named_secret && is_value_key(key))) && !item.is_null() ? json("***")
                                                                                                : mask_secrets(item);
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(mask_secrets(item));
    return out;
  }
  return value;
}

// Secrets by name (mask_secrets), then the values noted during this call.
json mask_all_secrets(const json& value) {
  json masked = mask_secrets(value);
  if (const auto* noted = SecretValues::current(); noted && !noted->empty()) masked = mask_noted(masked, *noted);
  return masked;
}

// The noted values in free text (an error may quote a value).
std::string mask_noted_text(std::string text) {
  if (const auto* noted = SecretValues::current())
    for (const auto& v : *noted)
      for (auto at = text.find(v); at != std::string::npos; at = text.find(v, at + 3))
        text.replace(at, v.size(), "***");
  return text;
}

// Tool text lists changes as "- field: before → after" (diffs, stale-write refusals, values not applied).
std::string mask_secret_lines(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::size_t colon = line.find(": ");
    if (line.starts_with("- ") && colon != std::string_view::npos &&
        is_secret_key(std::string(line.substr(2, colon - 2))))
      out.append(line.substr(0, colon + 2)).append("***");
    else
      out.append(line);
    if (end == std::string_view::npos) break;
    out.push_back('\n');
    start = end + 1;
  }
  return out;
}

std::string random_run_id() {
  std::random_device rd;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", rd());
  return buf;
}

std::string text_of(const ToolResult& result) {
  std::string out;
  for (const auto& block : result.content)
    if (block.is_object() && block.value("type", "") == "text" && block.contains("text") && block["text"].is_string())
      out += (out.empty() ? "" : "\n") + block["text"].get<std::string>();
  return out;
}

void collect_requests(const json& value, json& out, int depth) {
  if (depth > 8) return;
  if (value.is_array()) {
    for (const auto& item : value) collect_requests(item, out, depth + 1);
    return;
  }
  if (!value.is_object()) return;
  auto is_request = [](const json& r) { return r.is_object() && r.contains("method") && r.contains("path"); };
  if (value.contains("request") && is_request(value["request"])) {
    json entry = value["request"];
    // A workflow step says what became of its request.
    if (value.contains("step")) entry["step"] = value["step"];
    if (value.contains("status")) entry["status"] = value["status"];
    out.push_back(std::move(entry));
  }
  if (value.contains("additional_requests") && value["additional_requests"].is_array())
    for (const auto& r : value["additional_requests"])
      if (is_request(r)) out.push_back(r);
  for (const auto& [key, item] : value.items())
    if (key != "request" && key != "additional_requests" && key != "record" && key != "client")
      collect_requests(item, out, depth + 1);
}

}  // namespace

bool is_secret_name(std::string_view name) {
  std::string key(name);
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"password", "secret", "token", "apikey", "api_key", "authorization", "passphrase"})
    if (key.find(word) != std::string::npos) return true;
  return false;
}

SecretValues::SecretValues() : outer_(current_secrets) { current_secrets = this; }
SecretValues::~SecretValues() { current_secrets = outer_; }
const std::vector<std::string>* SecretValues::current() {
  return current_secrets ? &current_secrets->values_ : nullptr;
}

void note_secret_value(const json& value) {
  if (current_secrets && value.is_string() && !value.get_ref<const std::string&>().empty())
    current_secrets->values_.push_back(value.get<std::string>());
}

std::shared_ptr<AuditLog> AuditLog::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open the audit log " + path + ": " + std::strerror(errno));
  return std::shared_ptr<AuditLog>(new AuditLog(fd, path));
}

AuditLog::AuditLog(int fd, std::string path) : fd_(fd), path_(std::move(path)), run_id_(random_run_id()) {}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string AuditLog::session_label(std::string_view session) {
  if (session.size() <= 12) return std::string(session);
  return std::string(session.substr(0, 8)) + "…";
}

json AuditLog::mask(const json& value) const { return pii_.scrub(mask_all_secrets(value)); }

json AuditLog::requests_of(const json& structured) {
  json out = json::array();
  collect_requests(structured, out, 0);
  return out;
}

json AuditLog::base(std::string_view event, std::string_view tool, std::string_view session,
                    const CallerInfo* caller) const {
  json line{{"ts", utc_now()}, {"event", event}, {"tool", tool}, {"session", session_label(session)}};
  // Who asked: the identity provider's (HaloPSA's) id and name of the signed-in user, not the MCP client.
  if (caller) line["agent"] = {{"id", caller->subject}, {"name", caller->display_name}};
  return line;
}

void AuditLog::write(const json& line) {
  std::string text = dump_safe(line);
  text.push_back('\n');
  std::lock_guard lock(mutex_);
  if (!write_all(fd_, text)) {
    if (!broken_) spdlog::error("audit log {}: write failed: {}", path_, std::strerror(errno));
    broken_ = true;
    throw std::runtime_error("the audit log " + path_ + " cannot be written (" + std::strerror(errno) + ")");
  }
  if (::fdatasync(fd_) != 0 && errno != EINVAL)  // EINVAL: a pipe or terminal, nothing to sync
    spdlog::warn("audit log {}: fdatasync failed: {}", path_, std::strerror(errno));
}

std::string AuditLog::started(std::string_view tool, std::string_view session, const json& arguments,
                              const CallerInfo* caller) {
  std::string id = run_id_ + "-" + std::to_string(next_call_++);
  json line = base("started", tool, session, caller);
  line["call"] = id;
  line["arguments"] = mask(arguments);
  write(line);
  return id;
}

void AuditLog::finished(const std::string& call_id, std::string_view tool, std::string_view session,
                        const json& arguments, const ToolResult& result, const CallerInfo* caller) {
  json line = base("finished", tool, session, caller);
  line["call"] = call_id;
  line["arguments"] = mask(arguments);
  const json structured = result.structured.value_or(json::object());
  bool dry_run = structured.is_object() && structured.value("dry_run", false);
  line["outcome"] = result.is_error ? "error" : dry_run ? "dry_run" : "ok";
  if (structured.is_object()) {
    if (structured.contains("written")) line["written"] = structured["written"];
    if (structured.contains("record") && structured["record"].is_object() && structured["record"].contains("id"))
      line["record_id"] = structured["record"]["id"];
    for (const char* key : {"client_id", "site_id", "contact_id", "deleted", "complete", "rolled_back"})
      if (structured.contains(key)) line[key] = structured[key];
    // Before/after as they were: this is what undoing by hand needs. Secret fields are still masked.
    if (structured.contains("diff")) line["diff"] = mask_all_secrets(structured["diff"]);
  }
  line["requests"] = mask(requests_of(structured));
  if (result.is_error) line["error"] = pii_.scrub_text(mask_noted_text(mask_secret_lines(text_of(result))));
  write(line);
}

void AuditLog::failed(const std::string& call_id, std::string_view tool, std::string_view session,
                      const json& arguments, std::string_view what, const CallerInfo* caller) {
  json line = base("finished", tool, session, caller);
  line["call"] = call_id;
  line["arguments"] = mask(arguments);
  line["outcome"] = "internal_error";
  line["error"] = pii_.scrub_text(mask_noted_text(mask_secret_lines(what)));
  write(line);
}

void AuditLog::rejected(std::string_view outcome, std::string_view tool, std::string_view session,
                        const json& arguments, std::string_view reason, const CallerInfo* caller) {
  json line = base("rejected", tool, session, caller);
  line["call"] = run_id_ + "-" + std::to_string(next_call_++);
  line["arguments"] = mask(arguments);
  line["outcome"] = outcome;
  line["error"] = pii_.scrub_text(mask_noted_text(mask_secret_lines(reason)));
  write(line);
}

}  // namespace mcp
