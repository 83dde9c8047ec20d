#pragma once
// Keeps secrets (the client secret, every access token handed out) out of anything the client
// logs or throws. Defence in depth: nothing should echo them, but upstream bodies are not ours.
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace halo {

class Redactor {
 public:
  void add_secret(const std::string& secret);  // kept for the life of the process
  void add_token(const std::string& token);    // the most recent few are kept
  std::string scrub(std::string text) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;
  std::deque<std::string> tokens_;
};

}  // namespace halo
