#pragma once
// Small text helpers every layer shares (header-only, no dependencies), so each rule is written once.
#include <string>
#include <string_view>

namespace util {

// ASCII lower case; other bytes (UTF-8 included) unchanged.
inline std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace util
