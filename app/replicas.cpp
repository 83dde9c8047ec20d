#include "app/replicas.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "halo/client.h"
#include "halo/config.h"

#ifdef HALOPSA_REDIS
#include "shared_state/change_channel.h"
#include "app/redis_oauth_store.h"
#include "shared_state/redis.h"
#include "shared_state/redis_lock.h"
#include "shared_state/shared_window.h"
#endif

namespace app {

namespace {

void check_replica_id(const std::string& id) {
  const bool ok = !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
  });
  if (!ok)
    throw halo::ConfigError(
        "HALOPSA_REPLICA_ID / --replica-id: use 1-32 letters, digits, '-' or '_' (it starts "
        "every session id, so the load balancer can route by it)");
}

#ifdef HALOPSA_REDIS

using shared_state::Redis;
using shared_state::Unavailable;
using std::chrono::milliseconds;

// A lock lasts this long past its holder's last renewal (every third of it): how long a replica that died
// mid-create blocks a create of the same record.
constexpr milliseconds kLockLease{10000};
constexpr milliseconds kLockWait{20000};

std::string down_message(const Redis& redis) {
  return "Not done: writes are paused because the shared state store (Redis at " + redis.url().shown() +
         ") that keeps the replicas of this server from writing the same record twice is unreachable; nothing was "
         "sent to HaloPSA. Reads still work. Call again once it is back (this server's /healthz then shows "
         "\"redis\": \"up\").";
}

class RedisBudget : public halo::SharedBudget {
 public:
  RedisBudget(std::shared_ptr<Redis> redis, const std::string& prefix, const std::string& owner)
      : window_(std::move(redis), prefix + "budget", owner) {}
  std::optional<milliseconds> try_acquire(int limit, std::chrono::seconds window) override {
    try {
      return window_.try_acquire(limit, window);
    } catch (const Unavailable&) {
      return std::nullopt;
    }
  }
  bool hold_for(milliseconds wait) override {
    try {
      window_.hold_for(wait);
      return true;
    } catch (const Unavailable&) {
      return false;
    }
  }
  std::optional<Usage> usage(std::chrono::seconds window) override {
    try {
      const auto u = window_.usage(window);
      return Usage{u.used, u.oldest_leaves_in, u.held_for};
    } catch (const Unavailable&) {
      return std::nullopt;
    }
  }

 private:
  shared_state::SharedWindow window_;
};

class RedisLocks : public tools::CreateLocks {
 public:
  RedisLocks(std::shared_ptr<Redis> redis, std::string prefix) : redis_(std::move(redis)), prefix_(std::move(prefix)) {}

  std::unique_ptr<tools::CreateGuard> hold(std::vector<std::string> keys) override {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    auto held = std::make_unique<Held>(redis_);
    try {
      for (const auto& key : keys) {
        auto lock = shared_state::RedisLock::acquire(redis_, prefix_ + key, kLockLease, kLockWait);
        if (!lock)
          throw tools::GuardUnavailable(
              "Not done: another call (on this or another replica) is creating the same "
              "record right now (" +
              key +
              ") and has not finished; call again in a few "
              "seconds, it will then find that record.");
        held->locks.push_back(std::move(lock));
      }
    } catch (const Unavailable&) {
      throw tools::GuardUnavailable(down_message(*redis_));
    }
    return held;
  }

 private:
  struct Held : tools::CreateGuard {
    explicit Held(std::shared_ptr<Redis> redis) : redis(std::move(redis)) {}
    void verify() override {
      try {
        for (auto& lock : locks)
          if (!lock->verify())
            throw tools::GuardUnavailable(
                "Not done: this call's hold on the record it was about to create lapsed "
                "(the server stalled for longer than the lease), so another call may be "
                "creating it; nothing was sent. Call again: it will find the record if "
                "the other call made it.");
      } catch (const Unavailable&) {
        throw tools::GuardUnavailable(down_message(*redis));
      }
    }
    std::shared_ptr<Redis> redis;
    std::vector<std::unique_ptr<shared_state::RedisLock>> locks;
  };
  std::shared_ptr<Redis> redis_;
  std::string prefix_;
};

class RedisReplicas : public Replicas {
 public:
  RedisReplicas(const ReplicaSettings& settings, tools::Backend& backend) : settings_(settings), halo_(backend.halo) {
    shared_state::RedisUrl url;
    try {
      url = shared_state::parse_redis_url(settings.redis_url);
    } catch (const std::invalid_argument& e) {
      throw halo::ConfigError(std::string("HALOPSA_REDIS_URL / --redis: ") + e.what());
    }
    redis_ = std::make_shared<Redis>(url);
    // Everything this tenant's replicas share sits under one prefix; another tenant on the same Redis is apart.
    prefix_ = "halopsa-mcp:" + backend.halo->config().origin() + ":";
    owner_ = (settings.replica_id.empty() ? std::string("replica") : settings.replica_id) + "-" +
             shared_state::random_token().substr(0, 12);
    backend.halo->share_budget(std::make_shared<RedisBudget>(redis_, prefix_, owner_), settings.expected_replicas);
    backend.locks = std::make_shared<RedisLocks>(redis_, prefix_ + "lock:");
    const bool up = redis_->up();
    spdlog::info("replicas: shared state in Redis at {} ({}); rate budget shared, {} while Redis is away", url.shown(),
                 up ? "up" : "DOWN: writes refused until it answers",
                 "1/" + std::to_string(settings.expected_replicas) + " of it per replica");
  }

  void finish(mcp::McpServer& server, mcp::HttpOptions& http) override {
    auto subscriptions = server.subscriptions;
    channel_ = std::make_unique<shared_state::ChangeChannel>(
        redis_, prefix_ + "changes", owner_,
        [subscriptions](const std::string& uri) { subscriptions->updated_elsewhere(uri); });
    subscriptions->set_relay([channel = channel_.get()](const std::string& uri) { channel->publish(uri); });
    server.tools.set_write_gate([redis = redis_]() -> std::optional<std::string> {
      if (redis->up()) return std::nullopt;
      return down_message(*redis);
    });
    if (!settings_.replica_id.empty()) http.session_id_prefix = settings_.replica_id + ".";
    http.health = [this] {
      const bool up = redis_->up();
      const auto budget = halo_->budget();
      return nlohmann::json{{"status", up ? "ok" : "degraded"},
                            {"replica", settings_.replica_id},
                            {"shared_state",
                             {{"redis", up ? "up" : "down"},
                              {"writes", up ? "allowed" : "refused until Redis answers"},
                              {"subscriptions_relay", channel_->listening() ? "listening" : "reconnecting"},
                              {"rate_budget",
                               {{"mode", budget.share_only ? "per-replica share" : "shared"},
                                {"limit", budget.limit},
                                {"used", budget.used},
                                {"window_seconds", budget.window_seconds}}}}}};
    };
  }

  SharedOAuth oauth() const override {
    return {std::make_shared<RedisOAuthStore>(redis_, prefix_), std::make_shared<RedisRefreshLocks>(redis_, prefix_)};
  }

 private:
  ReplicaSettings settings_;
  std::shared_ptr<halo::Client> halo_;
  std::shared_ptr<Redis> redis_;
  std::string prefix_, owner_;
  std::unique_ptr<shared_state::ChangeChannel> channel_;
};

#endif

}  // namespace

std::unique_ptr<Replicas> Replicas::join(const ReplicaSettings& settings, tools::Backend& backend) {
  if (!settings.replica_id.empty()) check_replica_id(settings.replica_id);
  if (settings.expected_replicas < 1 || settings.expected_replicas > 1000)
    throw halo::ConfigError("HALOPSA_EXPECTED_REPLICAS / --expected-replicas: give the number of replicas, 1-1000");
  if (settings.redis_url.empty()) return nullptr;
#ifdef HALOPSA_REDIS
  return std::make_unique<RedisReplicas>(settings, backend);
#else
  (void)backend;
  throw halo::ConfigError(
      "HALOPSA_REDIS_URL / --redis: this build has no Redis support (the portable binary is "
      "built without hiredis); run the Debian build (docs/deployment.md) for replicas");
#endif
}

}  // namespace app
