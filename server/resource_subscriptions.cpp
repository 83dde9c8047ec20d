#include "server/resource_subscriptions.h"

#include <vector>

#include <spdlog/spdlog.h>

namespace mcp {

bool ResourceSubscriptions::subscribe(const void* subscriber, const std::string& uri, std::weak_ptr<MessageSink> sink) {
  std::lock_guard lock(mutex_);
  auto& subs = by_uri_[uri];
  if (auto it = subs.find(subscriber); it != subs.end()) {
    it->second = std::move(sink);
    return true;
  }
  if (per_subscriber_[subscriber] >= kMaxPerSubscriber) {
    if (subs.empty()) by_uri_.erase(uri);
    return false;
  }
  subs.emplace(subscriber, std::move(sink));
  ++per_subscriber_[subscriber];
  return true;
}

void ResourceSubscriptions::unsubscribe(const void* subscriber, const std::string& uri) {
  std::lock_guard lock(mutex_);
  auto it = by_uri_.find(uri);
  if (it == by_uri_.end() || !it->second.erase(subscriber)) return;
  if (it->second.empty()) by_uri_.erase(it);
  if (--per_subscriber_[subscriber] == 0) per_subscriber_.erase(subscriber);
}

void ResourceSubscriptions::forget(const void* subscriber) {
  std::lock_guard lock(mutex_);
  for (auto it = by_uri_.begin(); it != by_uri_.end();) {
    it->second.erase(subscriber);
    it = it->second.empty() ? by_uri_.erase(it) : std::next(it);
  }
  per_subscriber_.erase(subscriber);
}

std::size_t ResourceSubscriptions::updated(const std::string& uri) {
  if (relay_) {
    try {
      relay_(uri);
    } catch (const std::exception& e) {
      spdlog::warn("resource change not relayed to other replicas: {}", e.what());
    }
  }
  return updated_elsewhere(uri);
}

std::size_t ResourceSubscriptions::updated_elsewhere(const std::string& uri) {
  std::vector<std::shared_ptr<MessageSink>> sinks;
  {
    std::lock_guard lock(mutex_);
    auto it = by_uri_.find(uri);
    if (it == by_uri_.end()) return 0;
    for (auto sub = it->second.begin(); sub != it->second.end();) {
      if (auto sink = sub->second.lock()) {
        sinks.push_back(std::move(sink));
        ++sub;
      } else {
        if (--per_subscriber_[sub->first] == 0) per_subscriber_.erase(sub->first);
        sub = it->second.erase(sub);
      }
    }
    if (it->second.empty()) by_uri_.erase(it);
  }
  // Sent outside the lock: a sink may block on its transport.
  const json note{{"jsonrpc", "2.0"}, {"method", "notifications/resources/updated"}, {"params", {{"uri", uri}}}};
  for (const auto& sink : sinks) sink->send(note);
  return sinks.size();
}

std::size_t ResourceSubscriptions::size() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [uri, subs] : by_uri_) n += subs.size();
  return n;
}

}  // namespace mcp
