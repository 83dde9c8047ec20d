#include "server/pii_redactor.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "server/jsonrpc.h"

namespace mcp {

namespace {

using json = nlohmann::json;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// RFC 5322 atext without the quote characters, which in running text are more often punctuation.
bool is_local_char(char c) {
  return is_alnum(c) || std::string_view("!#$%&*+/=?^_{|}~-.").find(c) != std::string_view::npos;
}
bool is_domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }

// The number of bytes of the UTF-8 sequence starting at text[0] (1 for ASCII or a stray byte).
std::size_t utf8_length(std::string_view text) {
  unsigned char c = static_cast<unsigned char>(text[0]);
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return std::min(n, text.size());
}

// Appends `text` to `out` with every e-mail address masked.
void mask_emails(std::string_view text, std::string& out) {
  std::size_t emitted = 0;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at < emitted) continue;
    std::size_t begin = at;
    while (begin > emitted && is_local_char(text[begin - 1])) --begin;
    while (begin < at && text[begin] == '.') ++begin;
    std::size_t end = at + 1;
    while (end < text.size() && is_domain_char(text[end])) ++end;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
    std::string_view domain = text.substr(at + 1, end - at - 1);
    std::size_t dot = domain.find('.');
    if (begin == at || domain.empty() || dot == std::string_view::npos || dot == 0 || domain.front() == '-') continue;
    out.append(text.substr(emitted, begin - emitted));
    out.append(PiiRedactor::mask_email(text.substr(begin, end - begin)));
    emitted = end;
    at = end - 1;
  }
  out.append(text.substr(emitted));
}

// Characters that make a digit run part of a bigger token (an id, a version, a word) when they touch it.
bool joins_token(char c) { return is_alnum(c) || std::string_view("._-/:@#+=*").find(c) != std::string_view::npos; }

bool looks_like_phone(std::string_view run) {
  std::size_t digits = std::count_if(run.begin(), run.end(), is_digit);
  if (digits < 7 || digits > 15) return false;
  if (run.front() == '+') return digits >= 8;
  if (run.front() == '(') return digits >= 10;
  if (run.front() == '0') return digits >= 9 && run.find("  ") == std::string_view::npos;
  // North American 3-3-4 groups: 555-123-4567, 555.123.4567, 555 123 4567.
  if (run.size() == 12 && (run[3] == '-' || run[3] == '.' || run[3] == ' ') && run[7] == run[3]) {
    for (std::size_t i : {0, 1, 2, 4, 5, 6, 8, 9, 10, 11})
      if (!is_digit(run[i])) return false;
    return true;
  }
  return false;
}

// Appends `text` to `out` with every unambiguous phone number masked.
void mask_phones(std::string_view text, std::string& out) {
  std::size_t emitted = 0, i = 0;
  while (i < text.size()) {
    char c = text[i];
    bool starts = is_digit(c) || ((c == '+' || c == '(') && i + 1 < text.size() && is_digit(text[i + 1]));
    if (!starts || (i > 0 && joins_token(text[i - 1]))) {
      ++i;
      continue;
    }
    // The run: digits and the separators phone numbers use, ending on its last digit.
    std::size_t j = i + 1, last_digit = is_digit(c) ? i : i + 1;
    while (j < text.size() && j - i < 32) {
      char d = text[j];
      if (is_digit(d)) last_digit = j;
      else if (!(d == ' ' || d == '-' || d == '.' || d == '(' || d == ')'))
        break;
      ++j;
    }
    std::size_t end = last_digit + 1;
    std::string_view run = text.substr(i, end - i);
    bool bounded = end == text.size() || !joins_token(text[end]) ||
                   (text[end] == '.' && (end + 1 == text.size() || !is_alnum(text[end + 1])));
    if (bounded && looks_like_phone(run)) {
      out.append(text.substr(emitted, i - emitted));
      out.append(PiiRedactor::mask_phone(run));
      emitted = end;
    }
    i = std::max(end, i + 1);
    while (i < text.size() && is_digit(text[i])) ++i;  // never restart inside a number
  }
  out.append(text.substr(emitted));
}

using PhoneMap = std::vector<std::pair<std::string, std::string>>;

json scrub_value(const json& value, bool phone_field, const PiiRedactor& redactor, PhoneMap* phones) {
  switch (value.type()) {
    case json::value_t::object: {
      json out = json::object();
      for (const auto& [key, item] : value.items())
        out[key] = scrub_value(item, PiiRedactor::is_phone_key(key), redactor, phones);
      return out;
    }
    case json::value_t::array: {
      json out = json::array();
      for (const auto& item : value) out.push_back(scrub_value(item, phone_field, redactor, phones));
      return out;
    }
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (phone_field && std::count_if(text.begin(), text.end(), is_digit) >= 3 &&
          text.find('@') == std::string::npos) {
        std::string masked = PiiRedactor::mask_phone(text);
        if (phones && text.size() >= 5) phones->emplace_back(text, masked);
        return masked;
      }
      return redactor.scrub_text(text);
    }
    default: return value;
  }
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

}  // namespace

std::string PiiRedactor::mask_email(std::string_view email) {
  std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return std::string(email.substr(0, utf8_length(email))) + "***" + std::string(email.substr(at));
}

std::string PiiRedactor::mask_phone(std::string_view phone) {
  std::size_t digits = std::count_if(phone.begin(), phone.end(), is_digit);
  std::size_t keep = digits > 4 ? 2 : 0;  // the last two stay, so a person can tell numbers apart
  std::string out(phone);
  std::size_t seen = 0;
  for (char& c : out)
    if (is_digit(c) && ++seen <= digits - keep) c = '*';
  return out;
}

bool PiiRedactor::is_phone_key(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"phone", "mobile", "fax", "telephone", "sms"})
    if (k.find(word) != std::string::npos) return true;
  return k == "tel" || k.ends_with("_tel");
}

std::string PiiRedactor::scrub_text(std::string_view text) const {
  if (text.find('@') == std::string_view::npos && std::none_of(text.begin(), text.end(), is_digit))
    return std::string(text);
  std::string emails;
  emails.reserve(text.size());
  mask_emails(text, emails);
  std::string out;
  out.reserve(emails.size());
  mask_phones(emails, out);
  return out;
}

json PiiRedactor::scrub(const json& value) const { return scrub_value(value, false, *this, nullptr); }

ToolResult PiiRedactor::scrub(const ToolResult& result) const {
  ToolResult out = result;
  PhoneMap phones;
  std::string original_dump;
  if (result.structured) {
    original_dump = dump_safe(*result.structured);
    out.structured = scrub_value(*result.structured, false, *this, &phones);
  }
  // Longest first, so a number is never half-replaced by a shorter one it contains.
  std::sort(phones.begin(), phones.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (auto& block : out.content) {
    if (!block.is_object()) continue;
    if (block.contains("text") && block["text"].is_string()) {
      const auto& text = block["text"].get_ref<const std::string&>();
      if (result.structured && text == original_dump) {
        block["text"] = dump_safe(*out.structured);  // the text is the data: keep it identical to it
        continue;
      }
      std::string t = text;
      for (const auto& [from, to] : phones) replace_all(t, from, to);
      block["text"] = scrub_text(t);
    } else if (block.contains("resource") && block["resource"].is_object() && block["resource"].contains("text")) {
      block["resource"]["text"] = scrub(block["resource"]["text"]);
    }
  }
  return out;
}

}  // namespace mcp
