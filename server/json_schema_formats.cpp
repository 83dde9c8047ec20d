// The `format` values the server asserts: email (RFC 5321 mailbox, ASCII), uri (RFC 3986 absolute URI),
// date and date-time (RFC 3339). Plain scanners rather than regexes: exact, and no stack use on long input.
#include <algorithm>
#include <array>

#include "server/json_schema_internal.h"

namespace mcp::schema_detail {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_ipv4(std::string_view text) {
  int parts = 0;
  while (true) {
    std::size_t digits = 0;
    int value = 0;
    while (digits < text.size() && is_digit(text[digits])) value = value * 10 + (text[digits++] - '0');
    if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[0] == '0')) return false;
    text.remove_prefix(digits);
    if (++parts == 4) return text.empty();
    if (!text.starts_with('.')) return false;
    text.remove_prefix(1);
  }
}

bool is_ipv6(std::string_view text) {
  int groups = 0;
  bool compressed = false;
  if (text.starts_with("::")) {
    compressed = true;
    text.remove_prefix(2);
  }
  while (!text.empty()) {
    const auto end = std::min(text.find(':'), text.size());
    const auto group = text.substr(0, end);
    if (group.find('.') != std::string_view::npos) {  // trailing embedded IPv4 counts as two groups
      if (end != text.size() || !is_ipv4(group)) return false;
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4 || !std::all_of(group.begin(), group.end(), is_hex)) return false;
    ++groups;
    text.remove_prefix(end);
    if (text.starts_with("::")) {
      if (compressed) return false;
      compressed = true;
      text.remove_prefix(2);
    } else if (text.starts_with(':')) {
      text.remove_prefix(1);
      if (text.empty()) return false;  // a single trailing colon
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool is_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  while (true) {
    const auto end = std::min(text.find('.'), text.size());
    const auto label = text.substr(0, end);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
    }
    if (end == text.size()) return true;
    text.remove_prefix(end + 1);
  }
}

bool is_atext(char c) {
  return is_alpha(c) || is_digit(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_sub_delim(char c) { return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos; }

// Every character is unreserved, a sub-delimiter, one of `extra`, or a complete %XX escape.
bool uri_chars(std::string_view text, std::string_view extra) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 2;
    } else if (!is_unreserved(c) && !is_sub_delim(c) && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool is_authority(std::string_view authority) {
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (!uri_chars(authority.substr(0, at), ":")) return false;
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    const auto literal = authority.substr(1, close - 1);
    const bool future = literal.starts_with('v') || literal.starts_with('V');
    if (future ? !uri_chars(literal, ":") : !is_ipv6(literal)) return false;
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (!authority.starts_with(':')) return false;
      port = authority.substr(1);
    }
  } else {
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    if (!uri_chars(authority, "")) return false;  // reg-name (covers IPv4 too)
  }
  return std::all_of(port.begin(), port.end(), is_digit);
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// Reads exactly `count` ASCII digits.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

bool is_email(std::string_view text) {
  std::size_t at;
  if (text.starts_with('"')) {  // quoted local part: printable ASCII, with \-escapes
    std::size_t i = 1;
    while (i < text.size() && text[i] != '"') {
      if (text[i] == '\\') ++i;
      if (i >= text.size() || static_cast<unsigned char>(text[i]) < 0x20 ||
          static_cast<unsigned char>(text[i]) > 0x7e) {
        return false;
      }
      ++i;
    }
    if (i >= text.size() || i + 1 >= text.size() || text[i + 1] != '@') return false;
    at = i + 1;
  } else {  // dot-atom: atext runs separated by single dots
    at = text.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    const auto local = text.substr(0, at);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    for (char c : local) {
      if (c != '.' && !is_atext(c)) return false;
    }
  }
  if (at > 64) return false;
  const auto domain = text.substr(at + 1);
  if (domain.starts_with('[') && domain.ends_with(']')) {
    const auto literal = domain.substr(1, domain.size() - 2);
    return literal.starts_with("IPv6:") ? is_ipv6(literal.substr(5)) : is_ipv4(literal);
  }
  return is_hostname(domain);
}

bool is_uri(std::string_view text) {
  if (text.empty() || !is_alpha(text.front())) return false;
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  for (char c : text.substr(0, colon)) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  std::string_view rest = text.substr(colon + 1);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    if (!uri_chars(rest.substr(hash + 1), ":@/?")) return false;
    rest = rest.substr(0, hash);
  }
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    if (!uri_chars(rest.substr(question + 1), ":@/?")) return false;
    rest = rest.substr(0, question);
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const auto slash = std::min(rest.find('/'), rest.size());
    if (!is_authority(rest.substr(0, slash))) return false;
    rest.remove_prefix(slash);
  }
  return uri_chars(rest, ":@/");
}

bool is_date(std::string_view text) {
  int year, month, day;
  return text.size() == 10 && digits(text, 0, 4, year) && text[4] == '-' && digits(text, 5, 2, month) &&
         text[7] == '-' && digits(text, 8, 2, day) && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

bool is_date_time(std::string_view text) {
  if (text.size() < 20 || !is_date(text.substr(0, 10)) || (text[10] != 'T' && text[10] != 't')) return false;
  int hour, minute, second;
  if (!digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return false;
  }
  std::size_t i = 19;
  if (text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == start) return false;
  }
  if (i >= text.size()) return false;
  int offset_minutes = 0;
  if (text[i] == 'Z' || text[i] == 'z') {
    if (i + 1 != text.size()) return false;
  } else if (text[i] == '+' || text[i] == '-') {
    int offset_hour, offset_minute;
    if (i + 6 != text.size() || !digits(text, i + 1, 2, offset_hour) || text[i + 3] != ':' ||
        !digits(text, i + 4, 2, offset_minute) || offset_hour > 23 || offset_minute > 59) {
      return false;
    }
    offset_minutes = (text[i] == '+' ? 1 : -1) * (offset_hour * 60 + offset_minute);
  } else {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (second == 60) {  // a leap second exists only at 23:59:60 UTC
    const int utc = ((hour * 60 + minute - offset_minutes) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

}  // namespace mcp::schema_detail
