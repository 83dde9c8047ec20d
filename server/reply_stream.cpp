#include "server/reply_stream.h"

#include <charconv>

#include <spdlog/spdlog.h>

#include "server/jsonrpc.h"

namespace mcp::http {

namespace {
bool is_final(const json& m) { return m.is_array() || (m.is_object() && !m.contains("method")); }
}  // namespace

void ReplyStream::send(const json& message) {
  push({dump_safe(message), is_final(message),
        message.is_object() && message.contains("error") && message["id"].is_null()});
}

void ReplyStream::send_serialized(std::string text) { push({std::move(text), true, false}); }

void ReplyStream::push(Reply reply) {
  std::lock_guard lock(mutex_);
  if (replies_.size() >= kMaxReplies && !reply.final) {
    if (!overflowed_)
      spdlog::warn("an SSE stream nobody reads holds {} messages: dropping the rest until its response", kMaxReplies);
    overflowed_ = true;
    return;
  }
  if (reply.final && !finished_at_) finished_at_ = std::chrono::steady_clock::now();
  replies_.push_back(std::move(reply));
  changed_.notify_all();
}

void ReplyStream::close_sse_stream() {
  std::lock_guard lock(mutex_);
  close_requested_ = true;
  changed_.notify_all();
}

std::uint64_t ReplyStream::attach() {
  std::lock_guard lock(mutex_);
  changed_.notify_all();
  return ++reader_;
}

ReplyStream::Next ReplyStream::next(std::uint64_t reader, std::size_t index, Reply& out,
                                    std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return reader != reader_ || close_requested_ || index < replies_.size(); });
  if (reader != reader_) return Next::superseded;
  if (index < replies_.size()) {
    out = replies_[index];
    return Next::reply;
  }
  if (close_requested_) {
    close_requested_ = false;
    return Next::close_connection;
  }
  return Next::idle;
}

bool ReplyStream::wait_first(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, wait, [&] { return close_requested_ || !replies_.empty(); });
}

std::optional<Reply> ReplyStream::take_final_first() {
  std::lock_guard lock(mutex_);
  if (replies_.empty() || !replies_.front().final) return std::nullopt;
  Reply first = std::move(replies_.front());
  replies_.erase(replies_.begin());
  return first;
}

std::optional<std::size_t> ReplyStream::resume_index(const std::string& last_event_id) const {
  const std::string prefix = std::to_string(number_) + ".";
  if (last_event_id.rfind(prefix, 0) != 0) return std::nullopt;
  std::size_t seq = 0;
  const char* begin = last_event_id.data() + prefix.size();
  const char* end = last_event_id.data() + last_event_id.size();
  auto [p, ec] = std::from_chars(begin, end, seq);
  if (ec != std::errc() || p != end || begin == end) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (seq > replies_.size()) return std::nullopt;
  return seq;  // seq k was the reply at index k - 1: resume at index k
}

std::size_t ReplyStream::size() const {
  std::lock_guard lock(mutex_);
  return replies_.size();
}

std::optional<std::chrono::steady_clock::time_point> ReplyStream::finished_at() const {
  std::lock_guard lock(mutex_);
  return finished_at_;
}

}  // namespace mcp::http
