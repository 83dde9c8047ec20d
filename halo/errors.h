#pragma once
// Typed errors the tools turn into isError results, and the parsing of HaloPSA's many error-body
// shapes into one readable message.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace halo {

enum class ErrorKind {
  validation,
  not_found,
  forbidden,
  rate_limited,
  auth_failed,
  upstream,
  network,
  cancelled,
  config
};

std::string_view kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, int status = 0, int retry_after_seconds = 0,
        nlohmann::json field_errors = nlohmann::json::object(), std::string body_excerpt = {});

  ErrorKind kind() const { return kind_; }
  std::string kind_name() const { return std::string(halo::kind_name(kind_)); }
  int status() const { return status_; }                          // HTTP status, 0 when none
  int retry_after_seconds() const { return retry_after_; }        // rate_limited: seconds to wait
  const nlohmann::json& field_errors() const { return fields_; }  // {"[0].name": "..."} verbatim
  const std::string& body_excerpt() const { return excerpt_; }    // raw body, truncated

 private:
  ErrorKind kind_;
  int status_;
  int retry_after_;
  nlohmann::json fields_;
  std::string excerpt_;
};

// What a HaloPSA error body says, whatever its shape.
struct ErrorBody {
  std::string message;                                     // "" when the body says nothing usable
  nlohmann::json field_errors = nlohmann::json::object();  // model-path keyed validation messages
  bool html = false;                                       // an HTML error page
};

ErrorBody parse_error_body(std::string_view body);

// At most max_chars (UTF-8 safe), whitespace runs collapsed, "…" appended when cut.
std::string truncate_body(std::string_view body, std::size_t max_chars = 300);

// The scope an API application probably lacks when `path` answers 403.
std::string probable_scope(std::string_view path, bool write);

// The Error for a non-2xx answer from {api}/{path}. Bodies must be scrubbed of secrets first.
Error error_from_response(int status, std::string_view method, std::string_view path, std::string_view body);

}  // namespace halo
