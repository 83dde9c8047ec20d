// The duplicate guards' check-then-create made atomic: a create tool holds a lock on the normalised key of what it
// is about to create ("client:denver dental", "contact-email:ann@x.com") from before its duplicate check until its
// create is answered, so two calls for the same record, on one process or on several replicas, cannot both find
// nothing and both create. One process: in-process locks (in_process_locks). Replicas: app/ installs locks kept in
// Redis (shared_state/redis_lock.h), which lapse by themselves if their holder dies.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace tools {

// A create the guard could not protect right now (the key is busy past the wait, or the shared store is away):
// the isError text says what to do. Nothing was sent to HaloPSA.
class GuardUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CreateGuard {
 public:
  virtual ~CreateGuard() = default;
  // Called just before the create is sent: throws GuardUnavailable when the hold has lapsed (a replica stalled past
  // the lease), so another caller may be creating the same record and this create must not go ahead.
  virtual void verify() = 0;
};

class CreateLocks {
 public:
  virtual ~CreateLocks() = default;
  // Holds every key (in a fixed order, so two holders of overlapping sets cannot deadlock) until the guard is
  // destroyed. Waits a bounded time for a busy key, then throws GuardUnavailable.
  virtual std::unique_ptr<CreateGuard> hold(std::vector<std::string> keys) = 0;
};

std::shared_ptr<CreateLocks> in_process_locks();

// Keys, built from the same normalisation the duplicate guards compare with.
std::string client_key(const std::string& client_name);
std::string contact_email_key(const std::string& normalised_email);
std::string contact_name_key(long long client_id, const std::string& person_name);
std::string site_key(long long client_id, const std::string& site_name);

}  // namespace tools
