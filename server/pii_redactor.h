// Masks e-mail addresses and phone numbers in what the server hands out (tool results with --redact-pii) and
// in what it writes down (the audit log). Masked values keep their shape, so a masked e-mail still reads and
// validates as an e-mail (j***@acme.com) and a masked phone keeps its separators and last two digits.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/tool.h"

namespace mcp {

class PiiRedactor {
 public:
  // "jane.doe@acme.com" → "j***@acme.com" (the domain stays: it says which company, not which person).
  static std::string mask_email(std::string_view email);
  // "+44 20 7946 0958" → "+** ** **** **58".
  static std::string mask_phone(std::string_view phone);
  // True for object keys that hold phone numbers (phonenumber, mobilenumber, fax, main_phone…).
  static bool is_phone_key(std::string_view key);

  // Every e-mail address and every unambiguous phone number in free text (+44…, 0… with 9+ digits,
  // (555) 123-4567, 555-123-4567). Dates, times, ids and amounts are left alone.
  std::string scrub_text(std::string_view text) const;
  // Every string in a JSON value: e-mails and phone patterns anywhere, and any value under a phone key.
  nlohmann::json scrub(const nlohmann::json& value) const;
  // A tool result: structuredContent and every text block (phone values found under phone keys are also
  // masked where the text repeats them).
  ToolResult scrub(const ToolResult& result) const;
};

}  // namespace mcp
