#include "tools/common.h"

#include "tools/create_guard.h"
#include "tools/records.h"

namespace tools {

std::string explain(const halo::Error& error) {
  std::string text = error.what();
  switch (error.kind()) {
    case halo::ErrorKind::validation: {
      text = "HaloPSA rejected the request: " + text;
      if (!error.field_errors().empty()) {
        text += " Field errors:";
        for (const auto& [field, message] : error.field_errors().items())
          text += " " + field + ": " + (message.is_string() ? message.get<std::string>() : message.dump()) + ";";
      }
      text += " Fix the named fields (the tenant may require fields beyond name, including custom fields) and retry.";
      break;
    }
    case halo::ErrorKind::not_found: text += " Check the id, or search for the record by name first."; break;
    case halo::ErrorKind::rate_limited:
      if (text.find("try again in") == std::string::npos)  // the client's own messages already say how long
        text += " Wait " + std::to_string(error.retry_after_seconds()) + " seconds before calling again.";
      break;
    case halo::ErrorKind::network:
    case halo::ErrorKind::upstream: text += " The halopsa_status tool shows whether the tenant answers."; break;
    default: break;
  }
  return text;
}

std::optional<std::string> translate_error(const std::exception& error) {
  if (const auto* halo_error = dynamic_cast<const halo::Error*>(&error)) return explain(*halo_error);
  if (const auto* input = dynamic_cast<const InputError*>(&error)) return std::string(input->what());
  if (const auto* guard = dynamic_cast<const GuardUnavailable*>(&error)) return std::string(guard->what());
  return std::nullopt;
}

}  // namespace tools
