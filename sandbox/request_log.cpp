#include "sandbox/request_log.h"

#include <algorithm>
#include <cctype>

namespace sandbox {

using nlohmann::json;

namespace {

bool is_secret_key(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (key.find("secret") != std::string::npos || key.find("password") != std::string::npos) return true;
  static const char* const kExact[] = {"access_token", "refresh_token",     "id_token",
                                       "token",        "authorization",     "code_verifier",
                                       "new_jirakey",  "new_servicenowkey", "_importtoken"};
  return std::find(std::begin(kExact), std::end(kExact), key) != std::end(kExact);
}

}  // namespace

json mask_secrets(json value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (is_secret_key(it.key()) && !it.value().is_null()) it.value() = "***";
      else
        it.value() = mask_secrets(std::move(it.value()));
    }
  } else if (value.is_array()) {
    for (auto& item : value) item = mask_secrets(std::move(item));
  }
  return value;
}

json to_json(const LoggedRequest& r) {
  return {{"seq", r.seq},   {"method", r.method}, {"path", r.path},  {"query", r.query},
          {"body", r.body}, {"status", r.status}, {"agent", r.agent}};
}

std::uint64_t RequestLog::record(LoggedRequest request) {
  std::lock_guard lock(mu_);
  request.seq = next_++;
  request.query = mask_secrets(std::move(request.query));
  request.body = mask_secrets(std::move(request.body));
  entries_.push_back(std::move(request));
  while (entries_.size() > capacity_) entries_.pop_front();
  return entries_.back().seq;
}

std::vector<LoggedRequest> RequestLog::since(std::uint64_t since) const {
  std::lock_guard lock(mu_);
  std::vector<LoggedRequest> out;
  for (const auto& e : entries_)
    if (e.seq >= since) out.push_back(e);
  return out;
}

std::uint64_t RequestLog::next_seq() const {
  std::lock_guard lock(mu_);
  return next_;
}

}  // namespace sandbox
