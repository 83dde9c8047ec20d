#include "shared_state/redis.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <map>

namespace shared_state {

namespace {

using Clock = std::chrono::steady_clock;

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

int to_int(std::string_view text, const char* what) {
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    throw std::invalid_argument(std::string("Redis URL: the ") + what + " is not a number");
  return value;
}

// Sends argv, returns the reply, or nullptr with ctx->err set.
redisReply* send(redisContext* ctx, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  return static_cast<redisReply*>(redisCommandArgv(ctx, static_cast<int>(args.size()), args.data(), lens.data()));
}

}  // namespace

std::string RedisUrl::shown() const { return host + ":" + std::to_string(port) + "/" + std::to_string(db); }

RedisUrl parse_redis_url(const std::string& text) {
  constexpr std::string_view scheme = "redis://";
  if (text.rfind(scheme, 0) != 0)
    throw std::invalid_argument("Redis URL must start with redis:// (e.g. redis://127.0.0.1:6379/0)");
  std::string rest = text.substr(scheme.size());
  RedisUrl url;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string credentials = rest.substr(0, at);
    const auto colon = credentials.find(':');
    url.password = colon == std::string::npos ? credentials : credentials.substr(colon + 1);
    rest = rest.substr(at + 1);
  }
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    if (!db.empty()) url.db = to_int(db, "database number (after the /)");
    rest = rest.substr(0, slash);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == std::string::npos) {
    url.port = to_int(rest.substr(colon + 1), "port");
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw std::invalid_argument("Redis URL has no host (e.g. redis://127.0.0.1:6379/0)");
  if (url.port < 1 || url.port > 65535) throw std::invalid_argument("Redis URL: the port must be 1-65535");
  url.host = rest;
  return url;
}

Reply to_reply(const void* raw) {
  const auto* r = static_cast<const redisReply*>(raw);
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(to_reply(r->element[i]));
      break;
    default: out.type = Reply::Type::nil;
  }
  return out;
}

redisContext* Redis::connect(const RedisUrl& url, std::chrono::milliseconds connect_timeout,
                             std::chrono::milliseconds command_timeout) {
  redisContext* ctx = redisConnectWithTimeout(url.host.c_str(), url.port, to_timeval(connect_timeout));
  if (!ctx) throw Unavailable("Redis at " + url.shown() + " unreachable: out of memory");
  if (ctx->err) {
    std::string why = ctx->errstr;
    redisFree(ctx);
    throw Unavailable("Redis at " + url.shown() + " unreachable: " + why);
  }
  redisSetTimeout(ctx, to_timeval(command_timeout));
  auto setup = [&](const std::vector<std::string>& argv, const char* what) {
    redisReply* r = send(ctx, argv);
    std::string why = !r ? std::string(ctx->errstr) : r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : "";
    if (r) freeReplyObject(r);
    if (!why.empty()) {
      redisFree(ctx);
      throw Unavailable("Redis at " + url.shown() + " refused " + what + ": " + why);
    }
  };
  if (!url.password.empty()) setup({"AUTH", url.password}, "the password (AUTH)");  // its reply never echoes it
  if (url.db != 0) setup({"SELECT", std::to_string(url.db)}, "the database number (SELECT)");
  return ctx;
}

Redis::Redis(RedisUrl url) : Redis(std::move(url), Options{}) {}

Redis::Redis(RedisUrl url, Options options) : url_(std::move(url)), options_(options) {}

Redis::~Redis() {
  if (ctx_) redisFree(ctx_);
}

Reply Redis::command_locked(const std::vector<std::string>& argv) {
  // A connection that broke while idle (Redis restarted since) is not an outage: one fresh connection at once.
  // Repeating a command whose reply was lost is harmless for what this library sends: the budget counts one
  // request more than was sent (the safe side), a lock's SET NX finds its own key and waits out the lease, a
  // renewal or release is idempotent.
  const bool had_connection = ctx_ != nullptr;
  if (ctx_) {
    if (redisReply* r = send(ctx_, argv)) {
      Reply out = to_reply(r);
      freeReplyObject(r);
      up_ = true;
      return out;
    }
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  if (!had_connection && Clock::now() < next_attempt_)
    throw Unavailable("Redis at " + url_.shown() + " unreachable (retrying)");
  try {
    ctx_ = connect(url_, options_.connect_timeout, options_.command_timeout);
  } catch (const Unavailable&) {
    if (up_) spdlog::warn("shared state: Redis at {} went away", url_.shown());
    up_ = false;
    next_attempt_ = Clock::now() + options_.retry_pause;
    throw;
  }
  if (!up_) spdlog::info("shared state: connected to Redis at {}", url_.shown());
  redisReply* r = send(ctx_, argv);
  if (!r) {
    const std::string why = ctx_->errstr;
    redisFree(ctx_);
    ctx_ = nullptr;
    if (up_) spdlog::warn("shared state: Redis at {} went away: {}", url_.shown(), why);
    up_ = false;
    next_attempt_ = Clock::now() + options_.retry_pause;
    throw Unavailable("Redis at " + url_.shown() + " unreachable: " + why);
  }
  Reply out = to_reply(r);
  freeReplyObject(r);
  up_ = true;
  return out;
}

Reply Redis::command(const std::vector<std::string>& argv) {
  std::lock_guard lock(mu_);
  return command_locked(argv);
}

Reply Redis::script(const std::string& source, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args) {
  static std::mutex shas_mu;
  static std::map<std::string, std::string> shas;  // script source → SHA1 from SCRIPT LOAD
  std::lock_guard lock(mu_);
  std::string sha;
  {
    std::lock_guard l(shas_mu);
    if (auto it = shas.find(source); it != shas.end()) sha = it->second;
  }
  auto argv_for = [&](const std::string& verb, const std::string& body) {
    std::vector<std::string> argv{verb, body, std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  if (sha.empty()) {
    Reply loaded = command_locked({"SCRIPT", "LOAD", source});
    if (loaded.type != Reply::Type::string) return loaded;  // an error reply: the caller reports it
    sha = loaded.str;
    std::lock_guard l(shas_mu);
    shas[source] = sha;
  }
  Reply r = command_locked(argv_for("EVALSHA", sha));
  if (r.type == Reply::Type::error && r.str.rfind("NOSCRIPT", 0) == 0) r = command_locked(argv_for("EVAL", source));
  return r;
}

bool Redis::up() {
  std::lock_guard lock(mu_);
  try {
    command_locked({"PING"});
  } catch (const Unavailable&) {}
  return up_;
}

}  // namespace shared_state
