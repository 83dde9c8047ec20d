#pragma once
// The HaloPSA API client: one per process, safe to share between threads. Every call goes through
// the shared rate budget and token, is retried only where repeating it cannot do harm, and fails
// with a typed halo::Error whose message never contains a secret.
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "halo/agent.h"
#include "halo/config.h"
#include "halo/errors.h"
#include "halo/http_transport.h"
#include "halo/page_walker.h"
#include "halo/rate_budget.h"
#include "halo/redactor.h"
#include "halo/token_cache.h"
#include "halo/url.h"

namespace halo {

class Client {
 public:
  explicit Client(Config config);  // validates; throws ConfigError
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // GET {api}/{path}, e.g. get("Client/12", {{"includedetails", "true"}}). Retried on 5xx,
  // network failures and 429 within max_rate_wait_seconds.
  nlohmann::json get(std::string_view path, const Query& query = {});

  // One page: pageinate=true&page_no&page_size are always sent (any given in `query` are replaced).
  // Rows come from `envelope_key` ("clients", "sites", ...), else the first array in the answer, or
  // the answer itself when it is a bare array.
  Page page(std::string_view path, std::string_view envelope_key, Query query, int page_no, int page_size);

  // Every row (or options.max_rows), pages fetched with bounded concurrency; see PageWalker.
  ListResult list(std::string_view path, std::string_view envelope_key, Query query, const ListOptions& options = {});

  // POST [record]. A 5xx or a dropped connection after sending is never repeated blindly: without
  // find_landed the error says the create may have landed; with it, the record it finds is the
  // result, and only when it finds nothing is the create repeated, once. Returns the saved record
  // (the answer's object, first array element or enveloped record; null for an empty answer).
  nlohmann::json create(std::string_view path, nlohmann::json record,
                        std::function<std::optional<nlohmann::json>()> find_landed = {});

  // POST [{id, changed fields...}]. Idempotent, so a 5xx or network failure is retried once.
  nlohmann::json update(std::string_view path, nlohmann::json partial_with_id);

  // POST the array as given; the answer is returned as given. Not repeated after a 5xx.
  nlohmann::json post_batch(std::string_view path, nlohmann::json array);

  // DELETE {api}/{path}. Retried once; a 404 on the retry means the first attempt landed.
  void remove(std::string_view path);

  // Told after each write HaloPSA accepted (create, update, batch, delete): the collection ("Client", "Site",
  // "Users") and the id of every record written or deleted, on the writing thread. Set it before the client is
  // shared between threads; what it throws is logged, never turned into a failed write.
  using ChangeListener = std::function<void(std::string_view collection, const std::string& id)>;
  void on_change(ChangeListener listener) { on_change_ = std::move(listener); }

  struct Status {
    bool ok = false;
    int latency_ms = 0;           // the probe request itself, token fetch excluded
    std::string error;            // "" when ok
    std::string error_kind;       // "" when ok, else kind_name()
    int token_seconds_left = -1;  // -1: no token held
    int budget_left = 0;
    int budget_limit = 0;
    int budget_window_seconds = 0;
    std::string base_url, auth_url, tenant;
  };
  // One real request: GET Client?pageinate=true&page_no=1&page_size=1.
  Status probe();

  const Config& config() const { return config_; }

  // Replicas behind a load balancer keep one rate budget between them (RateBudget::share). Call before the client
  // is shared between threads.
  void share_budget(std::shared_ptr<SharedBudget> shared, int expected_replicas) {
    budget_.share(std::move(shared), expected_replicas);
  }
  RateBudget::Snapshot budget() const { return budget_.snapshot(); }
  // Every call must run as a signed-in agent (an AgentScope on the calling thread); one without is refused rather
  // than sent as the API application. The team server (`--auth halo`) sets it before sharing the client. A client
  // configured with HALOPSA_AGENT_CLIENT_ID alone (no client credentials) behaves so anyway.
  void require_agent(bool on) { require_agent_ = on; }
  bool agents_only() const { return require_agent_ || config_.client_secret.empty(); }

  // Closes idle pooled connections: at shutdown, so the embedded sandbox stops without waiting them out.
  void close_idle_connections() { transport_.close_idle(); }

  // A fact about the tenant learnt once and kept for the life of this client (e.g. which Lookup table holds client
  // types): `learn` runs on the first call for `key` (concurrent first calls wait for it); a throw is not kept.
  nlohmann::json remembered(const std::string& key, const std::function<nlohmann::json()>& learn);

 private:
  enum class Retry { read, idempotent, create, none };
  struct Outcome {
    bool maybe_landed = false;  // the final failure came after the request may have been processed
    // No answer within the read timeout, or a gateway's 502/504: the request may still be in progress upstream.
    bool may_still_land = false;
  };
  nlohmann::json execute(std::string_view method, std::string_view path, const Query& query, const nlohmann::json* body,
                         Retry retry, const std::stop_token& stop, Outcome* outcome = nullptr);
  Page fetch_page(std::string_view path, std::string_view envelope_key, const Query& query, int page_no, int page_size,
                  const std::stop_token& stop);

  // The API application's token; refused when calls must run as an agent.
  std::string service_token(const std::string& shown);
  Error agent_refusal(const AgentCredentials& agent, int status, std::string_view method, const std::string& target,
                      const std::string& body) const;

  // Calls on_change_ for `path` ("Client" or "Client/12") and the ids in `records` (an object or an array).
  void announce(std::string_view path, const nlohmann::json& records) const;

  Config config_;
  ChangeListener on_change_;
  bool require_agent_ = false;
  Redactor redactor_;
  HttpTransport transport_;
  TokenCache tokens_;
  RateBudget budget_;
  std::mutex facts_mu_;
  std::map<std::string, nlohmann::json> facts_;
};

}  // namespace halo
