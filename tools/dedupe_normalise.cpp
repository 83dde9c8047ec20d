// Normalisation of names, domains, phones and addresses for duplicate matching.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "tools/dedupe.h"

namespace tools::dedupe {

namespace {

// Latin-1 supplement letters (U+00C0..U+00FF, UTF-8 lead byte 0xC3) folded to ASCII, lower case.
constexpr std::array<const char*, 64> kLatin1 = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF

const std::unordered_set<std::string_view>& legal_suffixes() {
  // clang-format off
  static const std::unordered_set<std::string_view> s = {
      "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "gmbh", "plc",
      "llp", "lp", "ag", "sa", "sas", "sarl", "bv", "nv", "pty", "pvt", "srl", "spa", "oy", "ab", "kg", "pc",
      "pllc", "lc", "ltda", "cic"};
  // clang-format on
  return s;
}

// Common abbreviations in company names, expanded so both spellings meet.
const std::unordered_map<std::string_view, std::string_view>& abbreviations() {
  // clang-format off
  static const std::unordered_map<std::string_view, std::string_view> m = {
      {"intl", "international"}, {"int", "international"},     {"mfg", "manufacturing"},
      {"mfrs", "manufacturers"}, {"svcs", "services"},         {"svc", "services"},
      {"srvcs", "services"},     {"servs", "services"},        {"assoc", "associates"},
      {"assocs", "associates"},  {"bros", "brothers"},         {"tech", "technologies"},
      {"technology", "technologies"}, {"sys", "systems"},      {"mgmt", "management"},
      {"natl", "national"},      {"univ", "university"},       {"ctr", "center"},
      {"centre", "center"},      {"grp", "group"},             {"dept", "department"},
      {"st", "saint"},           {"ste", "sainte"},            {"mt", "mount"},
      {"hosp", "hospital"},      {"med", "medical"},           {"engg", "engineering"},
      {"eng", "engineering"},    {"sol", "solutions"},         {"solns", "solutions"},
      {"dev", "development"},    {"ent", "enterprises"},       {"ind", "industries"},
      {"inds", "industries"},    {"props", "properties"},      {"constr", "construction"},
      {"distrib", "distribution"}, {"acctg", "accounting"},    {"accts", "accountants"},
      {"labs", "laboratories"},  {"lab", "laboratories"},      {"hldgs", "holdings"},
      {"mktg", "marketing"},     {"cons", "consulting"},       {"ins", "insurance"},
      {"fin", "financial"},      {"vet", "veterinary"},        {"elec", "electrical"},
      {"ctrs", "centers"},       {"centres", "centers"},       {"pharma", "pharmaceuticals"}};
  // clang-format on
  return m;
}

bool is_word_char(unsigned char c) { return std::isalnum(c) != 0; }

}  // namespace

std::string visible(std::string_view text) {
  // The compatibility forms people can type or paste that look like plain text: invisible format characters are
  // dropped, the no-break and other fixed-width spaces become a space, fullwidth ASCII becomes ASCII. (A subset of
  // NFKC aimed at what defeats a duplicate check: "Acme\u200BCorp", "Acme\u00A0Corp", "ＡＣＭＥ".)
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = s[i];
    if (c == 0xC2 && i + 1 < n &&
        (s[i + 1] == 0xA0 || s[i + 1] == 0xAD)) {  // U+00A0 no-break space, U+00AD soft hyphen
      if (s[i + 1] == 0xA0) out += ' ';
      ++i;
    } else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
               ((s[i + 2] >= 0x80 && s[i + 2] <= 0x8F) || s[i + 2] == 0xAF)) {
      // U+2000-U+200B spaces (zero-width space included: it separates words), U+202F narrow no-break space -> a
      // space; U+200C-U+200F joiners and direction marks -> nothing.
      if (s[i + 2] <= 0x8B || s[i + 2] == 0xAF) out += ' ';
      i += 2;
    } else if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x81 && s[i + 2] >= 0xA0 && s[i + 2] <= 0xA4) {
      i += 2;  // U+2060 word joiner .. U+2064 invisible plus
    } else if (c == 0xEF && i + 2 < n && s[i + 1] == 0xBB && s[i + 2] == 0xBF) {
      i += 2;  // U+FEFF zero-width no-break space (BOM)
    } else if (c == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80) {
      out += ' ';  // U+3000 ideographic space
      i += 2;
    } else if (c == 0xEF && i + 2 < n &&
               ((s[i + 1] == 0xBC && s[i + 2] >= 0x81) || (s[i + 1] == 0xBD && s[i + 2] <= 0x9E))) {
      // U+FF01-U+FF5E fullwidth ASCII: EF BC 81..BF = U+FF01..FF3F, EF BD 80..9E = U+FF40..FF5E.
      const unsigned cp = 0xFF00u + (s[i + 1] == 0xBC ? s[i + 2] - 0x80u : 0x40u + (s[i + 2] - 0x80u));
      out += static_cast<char>(cp - 0xFF00u + 0x20u);
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string fold(std::string_view raw) {
  const std::string text = visible(raw);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (c == 0xC3 && i + 1 < text.size()) {
      const auto n = static_cast<unsigned char>(text[i + 1]);
      if (n >= 0x80 && n <= 0xBF) {
        out += kLatin1[n - 0x80];
        ++i;
      }
    } else if (c == 0xC5 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) == 0x92 || static_cast<unsigned char>(text[i + 1]) == 0x93)) {
      out += "oe";  // Œ œ
      ++i;
    } else {
      out += static_cast<char>(c);  // other scripts: kept as bytes
    }
  }
  return out;
}

namespace {

// Splits folded text into words; '&' becomes "and"; '.' and '\'' join ("Inc." → "inc", "Mary's" → "marys",
// "L.L.C." → "llc").
std::vector<std::string> split_words(std::string_view raw) {
  const std::string text = fold(raw);
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (unsigned char c : text) {
    if (is_word_char(c) || c >= 0x80) {
      word += static_cast<char>(c);
    } else if (c == '.' || c == '\'') {
      continue;
    } else if (c == '&' || c == '+') {
      flush();
      words.emplace_back("and");
    } else {
      flush();
    }
  }
  flush();
  return words;
}

}  // namespace

std::vector<std::string> company_words(std::string_view name) {
  std::vector<std::string> words = split_words(name);
  // A run of single letters ("A B C Plumbing", from "A.B.C." typed with spaces) is one word.
  std::vector<std::string> joined;
  bool in_initials = false;
  for (auto& w : words) {
    const bool initial = w.size() == 1 && std::isalpha(static_cast<unsigned char>(w[0]));
    if (initial && in_initials) joined.back() += w;
    else
      joined.push_back(std::move(w));
    in_initials = initial;
  }
  words = std::move(joined);
  if (words.size() > 1 && words.front() == "the") words.erase(words.begin());
  // Legal suffixes at the end, possibly several ("Co Ltd", "Pty Ltd", "& Co").
  while (words.size() > 1 && (legal_suffixes().contains(words.back()) || words.back() == "and")) words.pop_back();
  std::vector<std::string> out;
  out.reserve(words.size());
  for (auto& w : words) {
    if (w == "and" && words.size() > 1) continue;
    if (auto it = abbreviations().find(w); it != abbreviations().end()) w = std::string(it->second);
    out.push_back(std::move(w));
  }
  if (out.empty() && !words.empty()) out.push_back(words.front());
  return out;
}

std::string company_key(std::string_view name) {
  std::string out;
  for (const auto& w : company_words(name)) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string person_key(std::string_view name) {
  std::vector<std::string> words = split_words(name);
  std::sort(words.begin(), words.end());
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string website_domain(std::string_view url) {
  std::string s = fold(url);
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  s = s.substr(b);
  if (auto p = s.find("://"); p != std::string::npos) s = s.substr(p + 3);
  if (auto p = s.find('@'); p != std::string::npos) s = s.substr(p + 1);
  s = s.substr(0, s.find_first_of("/?#: \t"));
  if (s.rfind("www.", 0) == 0) s = s.substr(4);
  while (!s.empty() && s.back() == '.') s.pop_back();
  if (s.find('.') == std::string::npos) return {};
  return s;
}

std::string email_domain(std::string_view email) {
  const std::string s = fold(email);
  const auto at = s.rfind('@');
  if (at == std::string::npos || at == 0) return {};
  std::string d = s.substr(at + 1);
  while (!d.empty() && (d.back() == ' ' || d.back() == '.' || d.back() == '>')) d.pop_back();
  if (d.find('.') == std::string::npos || d.find('@') != std::string::npos) return {};
  return d;
}

bool generic_email_domain(std::string_view domain) {
  static const std::unordered_set<std::string_view> generic = {
      "gmail.com",   "googlemail.com",  "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
      "live.co.uk",  "msn.com",         "yahoo.com",   "yahoo.co.uk", "icloud.com",    "me.com",
      "aol.com",     "protonmail.com",  "proton.me",   "gmx.com",     "gmx.de",        "btinternet.com",
      "sky.com",     "virginmedia.com", "mail.com",    "zoho.com",    "yandex.com",    "comcast.net",
      "example.com", "example.org"};
  return generic.contains(domain);
}

std::string phone_key(std::string_view phone) {
  std::string digits;
  for (char c : phone)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  if (digits.size() < 7) return {};
  return digits.size() > 9 ? digits.substr(digits.size() - 9) : digits;
}

std::string address_key(std::string_view address) {
  static const std::unordered_map<std::string_view, std::string_view> abbrev = {
      {"street", "st"},     {"road", "rd"},      {"avenue", "ave"},     {"av", "ave"},      {"lane", "ln"},
      {"drive", "dr"},      {"court", "ct"},     {"place", "pl"},       {"square", "sq"},   {"boulevard", "blvd"},
      {"building", "bldg"}, {"north", "n"},      {"south", "s"},        {"east", "e"},      {"west", "w"},
      {"highway", "hwy"},   {"parkway", "pkwy"}, {"crescent", "cres"},  {"terrace", "ter"}, {"close", "cl"},
      {"suite", "unit"},    {"ste", "unit"},     {"apartment", "unit"}, {"apt", "unit"},    {"flat", "unit"},
      {"room", "unit"},     {"rm", "unit"},      {"floor", "fl"},       {"flr", "fl"},      {"ground", "0"},
      {"first", "1"},       {"second", "2"},     {"third", "3"},        {"fourth", "4"},    {"fifth", "5"}};
  static const std::unordered_set<std::string_view> countries = {
      "uk", "gb", "unitedkingdom", "usa", "us", "unitedstates", "england", "scotland", "wales"};
  std::string marked;  // "#200" is a suite number: read as "unit 200"

  for (std::size_t i = 0; i < address.size(); ++i)
    marked += address[i] == '#' ? std::string(" unit ") : std::string(1, address[i]);
  std::vector<std::string> words;
  for (auto w : split_words(marked)) {
    if (w == "and") continue;
    if (auto it = abbrev.find(w); it != abbrev.end()) w = std::string(it->second);
    words.push_back(std::move(w));
  }
  auto number = [](const std::string& w) {
    return !w.empty() &&
           std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  // "2nd" → "2", next to a floor only: floors are written "2nd Floor", "Floor 2" and "Fl 2" (and "LS1 7TH" is a
  // postcode).
  auto floor_number = [&](std::string w) {
    if (w.size() > 2) {
      const std::string tail = w.substr(w.size() - 2);
      if ((tail == "st" || tail == "nd" || tail == "rd" || tail == "th") && number(w.substr(0, w.size() - 2)))
        w.resize(w.size() - 2);
    }
    return w;
  };
  // Units and floors wherever they are written ("Suite 4, 12 High St" = "12 High St, Ste 4"), kept apart.
  std::vector<std::string> rest, units;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if ((w == "unit" || w == "fl") && i + 1 < words.size() &&
        (number(floor_number(words[i + 1])) || words[i + 1].size() <= 2)) {
      units.push_back(w + floor_number(words[++i]));
    } else if (number(floor_number(w)) && i + 1 < words.size() && words[i + 1] == "fl") {
      units.push_back("fl" + floor_number(w));
      ++i;
    } else if (w.size() == 4 && number(w) && !rest.empty() && rest.back().size() == 5 && number(rest.back())) {
      continue;  // ZIP+4: "90210-1234" is "90210"
    } else {
      rest.push_back(w);
    }
  }
  for (bool again = true; again && !rest.empty();) {
    again = false;
    if (countries.contains(rest.back())) rest.pop_back(), again = true;
    else if (rest.size() >= 2 && countries.contains(rest[rest.size() - 2] + rest.back()))
      rest.resize(rest.size() - 2), again = true;
  }
  std::sort(units.begin(), units.end());
  std::string out;
  for (const auto& w : rest) out += w;  // spaces dropped: "SW1A 1AA" and "SW1A1AA" agree
  for (const auto& u : units) out += "|" + u;
  return out;
}

int edit_distance(std::string_view a, std::string_view b, int max_distance) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max_distance) return max_distance + 1;
  // Three rows for the adjacent-swap case; the band |i-j| <= max keeps it linear for small limits.
  const int inf = max_distance + 1;
  std::vector<int> prev2(m + 1, inf), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = std::min(j, inf);
  for (int i = 1; i <= n; ++i) {
    std::fill(cur.begin(), cur.end(), inf);
    cur[0] = std::min(i, inf);
    int row_min = cur[0];
    const int lo = std::max(1, i - max_distance), hi = std::min(m, i + max_distance);
    for (int j = lo; j <= hi; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, prev2[j - 2] + 1);
      cur[j] = std::min(v, inf);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > max_distance) return inf;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], inf);
}

}  // namespace tools::dedupe
