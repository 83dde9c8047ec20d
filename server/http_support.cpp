// The plumbing under both HTTP transports: event queues, the per-session outbound relay, the session
// table, and the SSE writer that turns a queue into a chunked response.
#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

#include "server/http_internal.h"
#include "server/jsonrpc.h"

namespace mcp::http {

std::string sse_event(const json& message) { return "event: message\ndata: " + dump_safe(message) + "\n\n"; }

bool EventQueue::push(std::string event) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  if (events_.size() >= kMaxBacklog) {
    // The client stopped reading: end the stream rather than buffer without bound.
    spdlog::warn("an SSE client is not reading: closing its stream after {} pending events", kMaxBacklog);
    closed_ = true;
    events_.clear();
    changed_.notify_all();
    return false;
  }
  events_.push_back(std::move(event));
  changed_.notify_all();
  return true;
}

EventQueue::Next EventQueue::pop(std::string& out, std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return closed_ || !events_.empty(); });
  if (!events_.empty()) {
    out = std::move(events_.front());
    events_.pop_front();
    return Next::event;
  }
  return closed_ ? Next::closed : Next::idle;
}

void EventQueue::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

bool EventQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void OutboundRelay::send(const json& message) {
  std::shared_ptr<EventQueue> queue;
  {
    std::lock_guard lock(mutex_);
    queue = queue_;
  }
  if (!queue || !queue->push(sse_event(message)))
    spdlog::debug("no open stream for a server-initiated {}: dropped", message.value("method", std::string("message")));
}

bool OutboundRelay::attach(std::shared_ptr<EventQueue> queue) {
  std::lock_guard lock(mutex_);
  if (queue_ && !queue_->closed()) return false;
  queue_ = std::move(queue);
  return true;
}

void OutboundRelay::detach(const std::shared_ptr<EventQueue>& queue) {
  std::lock_guard lock(mutex_);
  if (queue_ == queue) queue_.reset();
}

void OutboundRelay::close_stream() {
  std::shared_ptr<EventQueue> queue;
  {
    std::lock_guard lock(mutex_);
    queue = queue_;
  }
  if (queue) queue->close();
}

bool OutboundRelay::attached() const {
  std::lock_guard lock(mutex_);
  return queue_ && !queue_->closed();
}

void HttpSession::keep_stream(std::shared_ptr<ReplyStream> stream) {
  constexpr auto kKeepFinished = std::chrono::minutes(5);
  const auto now = Clock::now();
  std::lock_guard lock(streams_mutex_);
  std::size_t finished = 0;
  for (auto it = streams_.begin(); it != streams_.end();) {
    auto done = it->second->finished_at();
    if (done && now - *done > kKeepFinished) {
      it = streams_.erase(it);
    } else {
      finished += done.has_value();
      ++it;
    }
  }
  // Beyond the cap, the oldest finished streams go first (numbers grow with time); running ones always stay.
  for (auto it = streams_.begin(); it != streams_.end() && finished >= kMaxKeptStreams;)
    if (it->second->finished_at()) {
      it = streams_.erase(it);
      --finished;
    } else {
      ++it;
    }
  streams_[stream->number()] = std::move(stream);
}

std::shared_ptr<ReplyStream> HttpSession::find_stream(const std::string& last_event_id) const {
  std::uint64_t number = 0;
  const char* begin = last_event_id.data();
  auto [p, ec] = std::from_chars(begin, begin + last_event_id.size(), number);
  if (ec != std::errc() || p == begin || *p != '.') return nullptr;
  std::lock_guard lock(streams_mutex_);
  auto it = streams_.find(number);
  return it == streams_.end() ? nullptr : it->second;
}

std::shared_ptr<HttpSession> SessionTable::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

bool SessionTable::insert(std::shared_ptr<HttpSession> session, std::size_t cap) {
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= cap) return false;
  sessions_.emplace(session->id, std::move(session));
  return true;
}

std::shared_ptr<HttpSession> SessionTable::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  auto found = std::move(it->second);
  sessions_.erase(it);
  return found;
}

std::vector<std::shared_ptr<HttpSession>> SessionTable::take_expired(std::chrono::seconds idle) {
  std::vector<std::shared_ptr<HttpSession>> expired;
  auto cutoff = (Clock::now() - idle).time_since_epoch().count();
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const auto& s = it->second;
    bool idle_now =
        !s->legacy && s->busy == 0 && s->last_seen < cutoff && s->session->in_flight() == 0 && !s->outbound->attached();
    if (idle_now) {
      expired.push_back(s);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

std::vector<std::shared_ptr<HttpSession>> SessionTable::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<HttpSession>> out;
  for (const auto& [id, s] : sessions_) out.push_back(s);
  return out;
}

std::size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::shared_ptr<void> on_release(std::function<void()> fn) {
  class Runner {
   public:
    explicit Runner(std::function<void()> f) : fn_(std::move(f)) {}
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;
    ~Runner() {
      try {
        if (fn_) fn_();
      } catch (const std::exception& e) {
        spdlog::error("cleanup failed: {}", e.what());
      }
    }

   private:
    std::function<void()> fn_;
  };
  return std::make_shared<Runner>(std::move(fn));
}

std::string error_body(int code, std::string_view message) { return dump_safe(make_error(nullptr, code, message)); }

void refuse(httplib::Response& res, int status, int code, std::string_view message) {
  res.status = status;
  res.set_content(error_body(code, message), "application/json");
}

void stream_queue(httplib::Response& res, std::shared_ptr<EventQueue> queue, HttpTransport::State& state,
                  std::shared_ptr<void> keep) {
  res.status = 200;
  res.set_header("Cache-Control", "no-cache, no-transform");
  res.set_header("X-Accel-Buffering", "no");
  auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(state.options.keepalive_interval);
  res.set_chunked_content_provider(
      "text/event-stream",
      [queue, keep, interval](std::size_t, httplib::DataSink& sink) {
        std::string event;
        switch (queue->pop(event, interval)) {
          case EventQueue::Next::event: return sink.write(event.data(), event.size());
          case EventQueue::Next::idle:
            // Also how a vanished client is noticed: the write fails and the stream is cleaned up.
            return sink.write(kKeepAliveComment.data(), kKeepAliveComment.size());
          case EventQueue::Next::closed: sink.done(); return true;
        }
        return false;
      },
      [queue](bool) { queue->close(); });
}

}  // namespace mcp::http
