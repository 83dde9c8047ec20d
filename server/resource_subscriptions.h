// resources/subscribe across sessions: which session wants to hear about which resource, and telling them when
// it changes (notifications/resources/updated), whichever session or tool changed it.
#pragma once

#include <cstddef>
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

  // Sends notifications/resources/updated {uri} to every live subscriber of `uri`. Returns how many were told.
  std::size_t updated(const std::string& uri);

  std::size_t size() const;  // subscriptions held, over all sessions

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<const void*, std::weak_ptr<MessageSink>>, std::less<>> by_uri_;
  std::map<const void*, std::size_t> per_subscriber_;
};

}  // namespace mcp
