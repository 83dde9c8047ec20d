#include "tools/create_guard.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>

#include "tools/dedupe.h"
#include "util/text.h"

namespace tools {

namespace {

// Creates are a few HaloPSA requests; one waiting longer than this is better told to call again.
constexpr auto kWait = std::chrono::seconds(20);

class LocalLocks : public CreateLocks, public std::enable_shared_from_this<LocalLocks> {
 public:
  std::unique_ptr<CreateGuard> hold(std::vector<std::string> keys) override {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::unique_lock lock(mu_);
    const bool free = cv_.wait_for(lock, kWait, [&] {
      return std::none_of(keys.begin(), keys.end(), [&](const std::string& k) { return held_.contains(k); });
    });
    if (!free)
      throw GuardUnavailable("Not done: another call is creating the same record right now (" + keys.front() +
                             ") and has not finished; call again in a few seconds, it will then find that record.");
    held_.insert(keys.begin(), keys.end());
    return std::make_unique<Held>(shared_from_this(), std::move(keys));
  }

 private:
  struct Held : CreateGuard {
    Held(std::shared_ptr<LocalLocks> owner, std::vector<std::string> keys)
        : owner(std::move(owner)), keys(std::move(keys)) {}
    ~Held() override {
      {
        std::lock_guard lock(owner->mu_);
        for (const auto& k : keys) owner->held_.erase(k);
      }
      owner->cv_.notify_all();
    }
    void verify() override {}  // an in-process hold cannot lapse
    std::shared_ptr<LocalLocks> owner;
    std::vector<std::string> keys;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> held_;
};

}  // namespace

std::shared_ptr<CreateLocks> in_process_locks() { return std::make_shared<LocalLocks>(); }

std::string client_key(const std::string& client_name) { return "client:" + dedupe::company_key(client_name); }
std::string contact_email_key(const std::string& normalised_email) { return "contact-email:" + normalised_email; }
std::string contact_name_key(long long client_id, const std::string& person_name) {
  return "contact-name:" + std::to_string(client_id) + ":" + dedupe::person_key(person_name);
}
std::string site_key(long long client_id, const std::string& site_name) {
  return "site:" + std::to_string(client_id) + ":" + util::lower(site_name);
}

}  // namespace tools
