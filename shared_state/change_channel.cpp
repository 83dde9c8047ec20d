#include "shared_state/change_channel.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <cerrno>

namespace shared_state {

ChangeChannel::ChangeChannel(std::shared_ptr<Redis> redis, std::string channel, std::string owner, Handler on_message)
    : redis_(std::move(redis)),
      channel_(std::move(channel)),
      owner_(std::move(owner)),
      on_message_(std::move(on_message)),
      listener_([this] { listen(); }) {}

ChangeChannel::~ChangeChannel() {
  stop_ = true;
  listener_.join();  // the listener's reads time out every 200 ms, so this returns promptly
}

void ChangeChannel::publish(const std::string& message) {
  const Reply r = redis_->command({"PUBLISH", channel_, owner_ + " " + message});
  if (r.type == Reply::Type::error) throw Unavailable("Redis refused PUBLISH: " + r.str);
}

void ChangeChannel::listen() {
  using std::chrono::milliseconds;
  while (!stop_) {
    redisContext* ctx = nullptr;
    try {
      ctx = Redis::connect(redis_->url(), milliseconds(300), milliseconds(200));
    } catch (const Unavailable&) {
      std::this_thread::sleep_for(milliseconds(250));
      continue;
    }
    void* raw = redisCommand(ctx, "SUBSCRIBE %b", channel_.data(), channel_.size());
    bool connected = raw != nullptr;
    if (raw) freeReplyObject(raw);
    listening_ = connected;
    while (!stop_ && connected) {
      raw = nullptr;
      if (redisGetReply(ctx, &raw) != REDIS_OK) {
        // A read timeout is the idle case: clear it and read on; anything else is a lost connection.
        const bool idle = ctx->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
        if (idle) ctx->err = 0;
        else
          connected = false;
        continue;
      }
      const Reply r = to_reply(raw);
      freeReplyObject(raw);
      if (r.type == Reply::Type::array && r.elements.size() == 3 && r.elements[0].str == "message") {
        const std::string& text = r.elements[2].str;
        const auto space = text.find(' ');
        if (space == std::string::npos || text.compare(0, space, owner_) == 0) continue;
        try {
          on_message_(text.substr(space + 1));
        } catch (const std::exception& e) {
          spdlog::warn("shared state: a change message could not be delivered: {}", e.what());
        }
      }
    }
    listening_ = false;
    redisFree(ctx);
  }
}

}  // namespace shared_state
