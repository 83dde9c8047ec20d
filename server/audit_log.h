// The audit log (--audit-log FILE): one JSON line per event of every call to a tool that writes, so a person
// can see who changed what in HaloPSA and undo it by hand. Each line is written with one write(2) and made
// durable with fdatasync before the call goes on, so a line is never half-written and survives a crash; a call
// gets a "started" line before its handler runs and a "finished" line before its result is returned.
// Values are masked: secrets (passwords, tokens) entirely, e-mail addresses and phone numbers by PiiRedactor;
// the before/after of changed fields are kept as they were, since undoing needs them (the file is 0600), except
// for fields named like a secret: by key, by the field a diff or custom-field entry names, and in "- field:" text,
// and for values a tool noted as secret while it ran (note_secret_value), such as a custom field sent by id only.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/caller.h"
#include "server/pii_redactor.h"
#include "server/tool.h"

namespace mcp {

// The one rule for what counts as a secret by name: a key, or the name of a field an entry describes.
bool is_secret_name(std::string_view name);

// A value a tool learnt is secret while it ran, though nothing beside it says so where it appears: a custom field
// goes to HaloPSA as {id, value}, and only the tool knows that id's definition is named e.g. CFPortalPassword. The
// audit masks a noted (non-empty string) value wherever it appears in the lines of the call being run on this
// thread. Outside a SecretValues scope (a call that is not audited) it does nothing.
void note_secret_value(const nlohmann::json& value);

// The values noted on this thread while it lives; ToolRegistry opens one around each audited call.
class SecretValues {
 public:
  SecretValues();
  ~SecretValues();
  SecretValues(const SecretValues&) = delete;
  SecretValues& operator=(const SecretValues&) = delete;
  static const std::vector<std::string>* current();

 private:
  std::vector<std::string> values_;
  SecretValues* outer_;
  friend void note_secret_value(const nlohmann::json& value);
};

class AuditLog {
 public:
  // Opens (creates with mode 0600, appends to) the file. Throws std::runtime_error naming the path.
  static std::shared_ptr<AuditLog> open(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Every line names the session and, for a caller who signed in (--auth halo), the agent: {"agent": {id, name}}.
  // A call whose arguments passed validation is about to run. Returns its call id for finished().
  std::string started(std::string_view tool, std::string_view session, const nlohmann::json& arguments,
                      const CallerInfo* caller = nullptr);
  // Its result as the handler produced it: outcome, upstream requests, diff, and the error text of a failure.
  void finished(const std::string& call_id, std::string_view tool, std::string_view session,
                const nlohmann::json& arguments, const ToolResult& result, const CallerInfo* caller = nullptr);
  // The handler threw: the outcome is unknown to the caller, which is said so.
  void failed(const std::string& call_id, std::string_view tool, std::string_view session,
              const nlohmann::json& arguments, std::string_view what, const CallerInfo* caller = nullptr);
  // A call refused before running: hidden by policy ("refused") or invalid arguments ("invalid").
  void rejected(std::string_view outcome, std::string_view tool, std::string_view session,
                const nlohmann::json& arguments, std::string_view reason, const CallerInfo* caller = nullptr);

  // Secrets masked by key and by value (note_secret_value), e-mails and phone numbers masked everywhere.
  nlohmann::json mask(const nlohmann::json& value) const;
  // How a session is named in the log: HTTP session ids are credentials, so only their first 8 characters.
  static std::string session_label(std::string_view session);
  // Every upstream request a write tool's structuredContent reports (request, additional_requests, steps[].request).
  static nlohmann::json requests_of(const nlohmann::json& structured);

 private:
  explicit AuditLog(int fd, std::string path);
  nlohmann::json base(std::string_view event, std::string_view tool, std::string_view session,
                      const CallerInfo* caller) const;
  void write(const nlohmann::json& line);

  int fd_;
  std::string path_;
  PiiRedactor pii_;
  std::mutex mutex_;
  std::atomic<unsigned long long> next_call_{1};
  std::string run_id_;  // distinguishes call ids of separate server runs appending to one file
  bool broken_ = false;
};

}  // namespace mcp
