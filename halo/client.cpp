#include "halo/client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>
#include <vector>

#include "halo/backoff.h"
#include "halo/responses.h"

namespace halo {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

Config validated(Config config) {
  config.validate();
  // validate() accepts "nothing configured" (the sandbox case); a client needs a tenant to talk to, and either
  // client credentials or agents who sign in (then every call carries an agent's token).
  const bool agents_only = !config.agent_client_id.empty() && config.client_id.empty();
  if (config.base_url.empty() || (!agents_only && (config.client_id.empty() || config.client_secret.empty()))) {
    throw ConfigError(
        "the HaloPSA client needs a base URL, a client ID and a client secret (the sandbox's, or "
        "HALOPSA_BASE_URL, HALOPSA_CLIENT_ID and HALOPSA_CLIENT_SECRET)");
  }
  return config;
}

std::string trim_slashes(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

bool is_paging_key(const std::string& key) { return key == "pageinate" || key == "page_no" || key == "page_size"; }

bool valid_id(const json& id) {
  if (id.is_number_integer()) return id.get<long long>() > 0;
  if (id.is_number_unsigned()) return id.get<unsigned long long>() > 0;
  if (id.is_string()) return !id.get<std::string>().empty();
  return false;
}

// What an agent is refused in words a person reads: "edit clients", "read sites".
std::string refused_action(std::string_view method, std::string_view target) {
  std::string area = std::string(target.substr(0, target.find_first_of("/?")));
  for (auto& c : area) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string what = area == "client"  ? "clients"
                           : area == "site"  ? "sites"
                           : area == "users" ? "contacts"
                           : area.empty()    ? "this"
                                             : area + " records";
  const std::string verb = method == "GET" ? "read" : method == "DELETE" ? "delete" : "edit";
  return verb + " " + what;
}

}  // namespace

// HaloPSA refused the signed-in agent: its own permissions decide, so this is the agent's answer, not a scope the
// API application lacks (error_from_response's wording) and not something to retry.
Error Client::agent_refusal(const AgentCredentials& agent, int status, std::string_view method,
                            const std::string& target, const std::string& body) const {
  const ErrorBody said = parse_error_body(body);
  const std::string where = std::string(method) + " /api/" + target.substr(0, target.find('?'));
  const std::string& name = agent.identity().name;
  const std::string detail = " (" + std::to_string(status) + " to " + where +
                             (said.message.empty() ? std::string{} : ": " + said.message) + ")";
  if (status == 401) {
    return Error(ErrorKind::auth_failed,
                 "HaloPSA rejected agent " + name + "'s sign-in even after a refresh" + detail +
                     ". Nothing was sent on their behalf; sign in to this server again.",
                 status, 0, {}, truncate_body(body));
  }
  return Error(ErrorKind::forbidden,
               "HaloPSA refused: agent " + name + " may not " + refused_action(method, target) + detail + ". " +
                   (method == "GET" ? std::string("Nothing was read.") : std::string("Nothing was written.")) +
                   " HaloPSA's permissions for this agent decide; someone whose role allows it can do it, or a "
                   "HaloPSA administrator can change the agent's role.",
               status, 0, {}, truncate_body(body));
}

std::string Client::service_token(const std::string& shown) {
  if (require_agent_ || config_.client_secret.empty()) {
    throw Error(ErrorKind::auth_failed,
                "no signed-in HaloPSA agent for " + shown +
                    ": this server runs every call as the agent who signed in (--auth halo), and this call has none");
  }
  return tokens_.access_token();
}

Client::Client(Config config)
    : config_(validated(std::move(config))),
      transport_({config_.connect_timeout_ms, config_.read_timeout_ms, config_.ca_file}),
      tokens_(config_, transport_, redactor_,
              [this] { budget_.acquire(Clock::now() + std::chrono::seconds(config_.max_rate_wait_seconds)); }),
      budget_(config_.rate_limit, std::chrono::seconds(config_.rate_window_seconds)) {}

json Client::execute(std::string_view method, std::string_view raw_path, const Query& query, const json* body,
                     Retry retry, const std::stop_token& stop, Outcome* outcome) {
  const std::string path = trim_slashes(raw_path);
  const std::string target = query.empty() ? path : path + "?" + encode_query(query);
  const std::string url = config_.api_base() + "/" + target;
  const std::string shown = std::string(method) + " /api/" + target;
  const std::string payload = body ? body->dump() : std::string{};
  const auto deadline = Clock::now() + std::chrono::seconds(config_.max_rate_wait_seconds);
  const milliseconds backoff_base(config_.backoff_base_ms);
  const int transient_retries = retry == Retry::read ? config_.max_retries : retry == Retry::idempotent ? 1 : 0;
  int failures = 0;
  bool refreshed = false;
  // The signed-in agent this call runs as (team server), else the API application's client credentials.
  const std::shared_ptr<AgentCredentials> agent = AgentScope::current();
  std::string next_agent_token;  // from a refresh after a 401, used by the retry

  // Sleeps before the next attempt when that still fits the caller's bound.
  auto wait_before_retry = [&](milliseconds wait) {
    if (Clock::now() + wait > deadline) return false;
    if (!sleep_for(wait, stop)) throw Error(ErrorKind::cancelled, "cancelled: " + shown);
    return true;
  };

  for (;;) {
    if (stop.stop_requested()) throw Error(ErrorKind::cancelled, "cancelled: " + shown);
    budget_.acquire(deadline, stop);  // one budget per tenant, whoever the call runs as
    std::string token;
    try {
      token = !agent                     ? service_token(shown)
              : next_agent_token.empty() ? agent->access_token()
                                         : std::exchange(next_agent_token, std::string());
      if (agent) redactor_.add_token(token);
    } catch (const Error& e) {
      // The auth server was unreachable: nothing reached the API, so any call may try again.
      if (e.kind() != ErrorKind::network || failures >= std::max(transient_retries, 1) ||
          !wait_before_retry(jittered_backoff(failures, backoff_base))) {
        throw;
      }
      ++failures;
      continue;
    }
    const Headers headers{{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
    const auto start = Clock::now();
    HttpResponse r;
    NetworkFailure failure;
    try {
      r = transport_.send(method, url, headers, payload, body ? "application/json" : "", &failure);
    } catch (const Error& e) {
      const auto ms = duration_cast<milliseconds>(Clock::now() - start).count();
      spdlog::debug("halo: {} failed after {} ms: {}", shown, ms, e.what());
      const bool may_repeat = failure.not_sent || retry == Retry::read || retry == Retry::idempotent;
      if (may_repeat && failures < std::max(transient_retries, failure.not_sent ? 1 : 0) &&
          wait_before_retry(jittered_backoff(failures, backoff_base))) {
        ++failures;
        continue;
      }
      if (outcome) {
        outcome->maybe_landed = !failure.not_sent;
        outcome->may_still_land = !failure.not_sent && Clock::now() - start >= milliseconds(config_.read_timeout_ms);
      }
      throw Error(ErrorKind::network,
                  redactor_.scrub(std::string("HaloPSA unreachable for ") + shown + ": " + e.what()));
    }
    spdlog::debug("halo: {} -> {} in {} ms", shown, r.status,
                  duration_cast<milliseconds>(Clock::now() - start).count());

    if (r.status >= 200 && r.status < 300) {
      if (r.body.find_first_not_of(" \t\r\n") == std::string::npos) return json();
      json parsed = json::parse(r.body, nullptr, false);
      if (!parsed.is_discarded()) return parsed;
      const ErrorBody what = parse_error_body(redactor_.scrub(r.body));
      throw Error(ErrorKind::upstream,
                  "HaloPSA answered " + std::to_string(r.status) + " to " + shown + " with " +
                      (what.html ? what.message : std::string("a body that is not JSON")) +
                      "; is HALOPSA_BASE_URL the tenant's address (" + config_.origin() + ")?",
                  r.status, 0, {}, truncate_body(redactor_.scrub(r.body)));
    }
    r.body = redactor_.scrub(std::move(r.body));

    if (r.status == 401 && !refreshed) {
      // Expired or revoked early: one fresh token, one more try (the request was not processed).
      refreshed = true;
      if (agent) {
        // The refreshed token is fetched before the next budget slot, so a refused refresh costs none.
        next_agent_token = agent->refreshed(token);
      } else {
        tokens_.invalidate(token);
      }
      continue;
    }
    if (agent && (r.status == 401 || r.status == 403)) throw agent_refusal(*agent, r.status, method, target, r.body);
    if (r.status == 429) {
      const auto told = parse_retry_after(r.retry_after);
      const ErrorBody said = parse_error_body(r.body);
      milliseconds wait{0};
      std::string why;
      if (told && told->count() > 0) {
        wait = milliseconds(*told);
        budget_.hold_until(Clock::now() + wait);  // everyone else backs off too
      } else {
        // No usable Retry-After (HaloPSA is not known to send one; "0" would be a tight loop): its window is rolling,
        // so hold until this client's oldest request in it has left (the budget also adopts a stated limit).
        const auto stated = parse_rate_limit_message(said.message.empty() ? r.body : said.message);
        wait = budget_.refused(stated);
        const auto snap = budget_.snapshot();
        why = " HaloPSA did not say when; its window (" + std::to_string(snap.limit) + " requests per rolling " +
              std::to_string(snap.window_seconds) +
              " s) counts every integration on the tenant, and this server's "
              "oldest request in it leaves the window then.";
      }
      if (Clock::now() + wait > deadline) {
        const int seconds = seconds_to_wait(wait);
        throw Error(ErrorKind::rate_limited,
                    "HaloPSA rate limit reached" + (said.message.empty() ? std::string{} : " (" + said.message + ")") +
                        "; " + try_again_in(seconds) + "." + why,
                    429, seconds, {}, truncate_body(r.body));
      }
      continue;  // acquire() sleeps out the hold
    }
    const auto told = parse_retry_after(r.retry_after);  // some gateways send it with a 503 too
    if (r.status >= 500 && failures < transient_retries &&
        wait_before_retry(told && told->count() > 0 ? milliseconds(*told) : jittered_backoff(failures, backoff_base))) {
      ++failures;
      continue;
    }
    if (r.status == 404 && method == "DELETE" && failures > 0) return json();  // the first attempt landed
    if (outcome) {
      outcome->maybe_landed = r.status >= 500;
      outcome->may_still_land = r.status == 502 || r.status == 504;
    }
    throw error_from_response(r.status, method, target, r.body);
  }
}

json Client::get(std::string_view path, const Query& query) {
  return execute("GET", path, query, nullptr, Retry::read, {});
}

Page Client::fetch_page(std::string_view path, std::string_view envelope_key, const Query& query, int page_no,
                        int page_size, const std::stop_token& stop) {
  Query q;
  for (const auto& kv : query) {
    if (!is_paging_key(kv.first)) q.push_back(kv);
  }
  q.emplace_back("pageinate", "true");
  q.emplace_back("page_no", std::to_string(page_no));
  q.emplace_back("page_size", std::to_string(page_size));
  return page_from_answer(execute("GET", path, q, nullptr, Retry::read, stop), envelope_key, path);
}

Page Client::page(std::string_view path, std::string_view envelope_key, Query query, int page_no, int page_size) {
  if (page_no < 1 || page_size < 1) {
    throw Error(ErrorKind::validation, "page_no and page_size must be at least 1 (page_no counts from 1)");
  }
  return fetch_page(path, envelope_key, query, page_no, page_size, {});
}

ListResult Client::list(std::string_view path, std::string_view envelope_key, Query query, const ListOptions& options) {
  const int size = options.page_size > 0 ? options.page_size : config_.default_page_size;
  const int concurrency = options.concurrency > 0 ? options.concurrency : config_.page_concurrency;
  // Pages are fetched on helper threads too: each runs as the agent this call runs as.
  const std::shared_ptr<AgentCredentials> agent = AgentScope::current();
  PageWalker walker(
      [&, agent](int page_no, int page_size) {
        AgentScope as(agent);
        return fetch_page(path, envelope_key, query, page_no, page_size, options.stop);
      },
      size, options, concurrency);
  return walker.run();
}

json Client::create(std::string_view path, json record, std::function<std::optional<json>()> find_landed) {
  if (!record.is_object()) throw Error(ErrorKind::validation, "a record to create must be a JSON object");
  const json body = json::array({std::move(record)});
  const std::string shown = "POST /api/" + trim_slashes(path);
  // A create is repeated at most once, and only after find_landed confirmed the first did not land.
  for (int attempt = 0;; ++attempt) {
    Outcome outcome;
    try {
      json saved = saved_record(execute("POST", path, {}, &body, Retry::create, {}, &outcome));
      announce(path, saved);
      return saved;
    } catch (const Error& e) {
      if (!outcome.maybe_landed) throw;
      std::string note;
      if (!find_landed) {
        note = " The create was not repeated because it may have landed; check for the record before trying again.";
      } else if (outcome.may_still_land) {
        // Repeating now could race the first POST into a duplicate: give it time to land and look again.
        const milliseconds settle = std::min(milliseconds(config_.read_timeout_ms), milliseconds(5000));
        try {
          for (int look = 0; look < 2; ++look) {
            if (look == 1) sleep_for(settle, {});
            if (auto landed = find_landed()) {
              spdlog::info("halo: {} got no answer in time ({}) but the record landed; using it", shown, e.kind_name());
              announce(path, *landed);
              return *landed;
            }
          }
          note =
              " HaloPSA did not finish answering, so the create may still be in progress; it was not repeated, to "
              "avoid a duplicate. The record was not there " +
              fmt::format("{:.1f}", settle.count() / 1000.0) + " s later either: look for it before trying again.";
        } catch (const std::exception& check) {
          note = std::string(" The create was not repeated, and checking whether it landed failed too: ") +
                 redactor_.scrub(check.what());
        }
      } else {
        try {
          if (auto landed = find_landed()) {
            spdlog::info("halo: {} failed ({}) but the record landed; using it", shown, e.kind_name());
            announce(path, *landed);
            return *landed;
          }
          if (attempt == 0 && sleep_for(jittered_backoff(0, milliseconds(config_.backoff_base_ms)), {})) {
            spdlog::info("halo: {} failed ({}) and the record did not land; repeating it once", shown, e.kind_name());
            continue;
          }
          note =
              " A check afterwards did not find the record, so it did not land; the create was already repeated "
              "once, try again later.";
        } catch (const std::exception& check) {
          note = std::string(" The create was not repeated, and checking whether it landed failed too: ") +
                 redactor_.scrub(check.what());
        }
      }
      throw Error(e.kind(), e.what() + note, e.status(), e.retry_after_seconds(), e.field_errors(), e.body_excerpt());
    }
  }
}

json Client::update(std::string_view path, json partial_with_id) {
  if (!partial_with_id.is_object() || !partial_with_id.contains("id") || !valid_id(partial_with_id["id"])) {
    throw Error(ErrorKind::validation, "an update needs the record's id plus the fields that change");
  }
  const json body = json::array({std::move(partial_with_id)});
  json saved = saved_record(execute("POST", path, {}, &body, Retry::idempotent, {}));
  announce(path, saved.is_object() && saved.contains("id") ? saved : body);
  return saved;
}

json Client::post_batch(std::string_view path, json array) {
  if (!array.is_array()) throw Error(ErrorKind::validation, "a batch must be a JSON array of records");
  json answer = execute("POST", path, {}, &array, Retry::none, {});
  json written = array;  // with the answer's records: the ids of those the batch created
  if (answer.is_array()) written.insert(written.end(), answer.begin(), answer.end());
  else
    written.push_back(answer);
  announce(path, written);
  return answer;
}

void Client::remove(std::string_view path) {
  execute("DELETE", path, {}, nullptr, Retry::idempotent, {});
  announce(path, nullptr);
}

void Client::announce(std::string_view raw_path, const json& records) const {
  if (!on_change_) return;
  const std::string path = trim_slashes(raw_path);
  const auto slash = path.find('/');
  const std::string collection = path.substr(0, slash);
  std::vector<std::string> ids;
  if (slash != std::string::npos) ids.push_back(path.substr(slash + 1));
  auto add = [&](const json& r) {
    if (!r.is_object() || !r.contains("id") || !valid_id(r["id"])) return;
    ids.push_back(r["id"].is_string() ? r["id"].get<std::string>() : r["id"].dump());
  };
  if (records.is_array())
    for (const auto& r : records) add(r);
  else
    add(records);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const auto& id : ids) {
    try {
      on_change_(collection, id);
    } catch (const std::exception& e) {
      spdlog::warn("halo: the change listener failed for {}/{}: {}", collection, id, e.what());
    }
  }
}

Client::Status Client::probe() {
  Status s;
  s.base_url = config_.origin();
  try {
    if (!AgentScope::current()) service_token("the status probe");
    const auto start = Clock::now();
    execute("GET", "Client", {{"pageinate", "true"}, {"page_no", "1"}, {"page_size", "1"}}, nullptr, Retry::none, {});
    s.latency_ms = static_cast<int>(duration_cast<milliseconds>(Clock::now() - start).count());
    s.ok = true;
  } catch (const Error& e) {
    s.error = e.what();
    s.error_kind = e.kind_name();
  } catch (const std::exception& e) {
    s.error = redactor_.scrub(e.what());
    s.error_kind = "upstream";
  }
  s.auth_url = tokens_.auth_url();
  s.tenant = tokens_.tenant();
  s.token_seconds_left = tokens_.seconds_left();
  const auto budget = budget_.snapshot();
  s.budget_left = budget.left;
  s.budget_limit = budget.limit;
  s.budget_window_seconds = budget.window_seconds;
  return s;
}

json Client::remembered(const std::string& key, const std::function<json()>& learn) {
  // Held while learning: a fact costs one look-up however many calls need it at once.
  std::lock_guard lock(facts_mu_);
  if (auto it = facts_.find(key); it != facts_.end()) return it->second;
  json value = learn();
  facts_.emplace(key, value);
  return value;
}

}  // namespace halo
