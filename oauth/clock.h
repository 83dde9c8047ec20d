// Time for everything that expires (codes, tokens, cached client metadata), injectable so tests need no sleeping.
#pragma once

#include <chrono>
#include <functional>

namespace oauth {

// Unix seconds.
using Clock = std::function<long long()>;

inline long long system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace oauth
