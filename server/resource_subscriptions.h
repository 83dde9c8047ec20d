// resources/subscribe across sessions: which session wants to hear about which resource, and telling them when
// it changes (notifications/resources/updated), whichever session or tool changed it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/message_sink.h"

namespace mcp {

class ResourceSubscriptions {
 public:
  static constexpr std::size_t kMaxPerSubscriber = 1000;
  // `subscriber` identifies the session; `sink` is where its server-initiated messages go (held weakly, so a
  // session that vanished without unsubscribing is skipped and pruned). False, and nothing held, when the
  // subscriber already has kMaxPerSubscriber subscriptions.
  bool subscribe(const void* subscriber, const std::string& uri, std::weak_ptr<MessageSink> sink);
  void unsubscribe(const void* subscriber, const std::string& uri);
  void forget(const void* subscriber);  // the session ended

  // Sends notifications/resources/updated {uri} to every live subscriber of `uri`, and passes `uri` to the relay
  // (other replicas' subscribers). Returns how many were told here.
  std::size_t updated(const std::string& uri);
  // A change another replica announced: told to the subscribers here only (it is not relayed back).
  std::size_t updated_elsewhere(const std::string& uri);
  // Where changes made here go besides this process's sessions (replicas: a pub/sub channel). Set before serving;
  // what it throws is logged, the local notifications are sent regardless.
  void set_relay(std::function<void(const std::string& uri)> relay) { relay_ = std::move(relay); }

  std::size_t size() const;  // subscriptions held, over all sessions

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<const void*, std::weak_ptr<MessageSink>>, std::less<>> by_uri_;
  std::map<const void*, std::size_t> per_subscriber_;
  std::function<void(const std::string&)> relay_;
};

}  // namespace mcp
