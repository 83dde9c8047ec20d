// The contact identity rule: person names, nicknames, personal and shared mailboxes, and the pair verdict.
#include "tools/contact_identity.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

namespace tools::dedupe {

namespace {

constexpr std::string_view kNicknameCsv =
#include "tools/data/nicknames.csv.inc"
    ;
constexpr std::string_view kNicknameExtraCsv =
#include "tools/data/nicknames_extra.csv.inc"
    ;
constexpr std::string_view kRoleMailboxes =
#include "tools/data/role_mailboxes.inc"
    ;

// The nickname table as a graph: every name's neighbours (the list has both "robert → bob" and "bill → robert").
struct NameGraph {
  std::unordered_map<std::string, std::uint32_t> id;
  std::vector<std::string> names;
  std::vector<std::vector<std::uint32_t>> neighbours;  // sorted
};

const NameGraph& name_graph() {
  static const NameGraph graph = [] {
    NameGraph g;
    auto id_of = [&](const std::string& name) {
      auto [it, inserted] = g.id.try_emplace(name, static_cast<std::uint32_t>(g.names.size()));
      if (inserted) g.names.push_back(name), g.neighbours.emplace_back();
      return it->second;
    };
    for (std::string_view csv : {kNicknameCsv, kNicknameExtraCsv}) {
      std::size_t pos = 0;
      while (pos < csv.size()) {
        std::size_t end = csv.find('\n', pos);
        if (end == std::string_view::npos) end = csv.size();
        std::string_view line = csv.substr(pos, end - pos);
        pos = end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        const auto c1 = line.find(','), c2 = line.rfind(',');
        if (c1 == std::string_view::npos || c1 == c2 || line.substr(c1 + 1, c2 - c1 - 1) != "has_nickname") continue;
        const auto a = id_of(fold(line.substr(0, c1))), b = id_of(fold(line.substr(c2 + 1)));
        g.neighbours[a].push_back(b);
        g.neighbours[b].push_back(a);
      }
    }
    for (auto& n : g.neighbours) {
      std::sort(n.begin(), n.end());
      n.erase(std::unique(n.begin(), n.end()), n.end());
    }
    return g;
  }();
  return graph;
}

const std::unordered_set<std::string>& role_locals() {
  static const std::unordered_set<std::string> set = [] {
    std::unordered_set<std::string> s;
    std::string word;
    for (char c : kRoleMailboxes) {
      if (std::isalnum(static_cast<unsigned char>(c))) word += c;
      else if (c != '-' && c != '_' && c != '.') {
        if (!word.empty()) s.insert(word);
        word.clear();
      }
    }
    if (!word.empty()) s.insert(word);
    return s;
  }();
  return set;
}

bool is_generation(std::string_view w) {
  return w == "jr" || w == "sr" || w == "junior" || w == "senior" || w == "ii" || w == "iii" || w == "iv" ||
         w == "2nd" || w == "3rd";
}
std::string generation_of(std::string_view w) {
  if (w == "junior") return "jr";
  if (w == "senior") return "sr";
  if (w == "2nd") return "ii";
  if (w == "3rd") return "iii";
  return std::string(w);
}
bool is_title(std::string_view w) {
  static const std::unordered_set<std::string_view> t = {"mr",   "mrs", "ms", "miss", "mx", "dr",  "prof", "sir",
                                                         "dame", "rev", "fr", "phd",  "md", "esq", "cpa",  "mba"};
  return t.contains(w);
}

// Lower-case ASCII words; apostrophes and dots dropped inside words ("O'Brien" = "obrien", "K." = "k").
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string w;
  for (unsigned char c : fold(text)) {
    if (std::isalnum(c) || c >= 0x80) w += static_cast<char>(c);
    else if (c == '\'' || c == '.') {
      if (c == '.' && !w.empty()) out.push_back(std::move(w)), w.clear();  // "K.Okafor"
    } else if (!w.empty())
      out.push_back(std::move(w)), w.clear();
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

bool first_compatible(const std::string& a, const std::string& b, unsigned& reasons, bool& weak) {
  if (a == b) return true;
  if (a.size() == 1 || b.size() == 1) {  // "J. Smith" / "John Smith": an initial agrees, weakly
    weak = a[0] == b[0];
    return weak;
  }
  if (same_first_name(a, b)) {
    reasons |= kNickname;
    return true;
  }
  // A slip in a first name ("Mathew", "Graace"), weakly. Two names the table knows that differ only in their last
  // two letters are two names, not a slip (Louis / Louise, Francis / Frances).
  const std::size_t shorter = std::min(a.size(), b.size());
  std::size_t first_difference = 0;
  while (first_difference < shorter && a[first_difference] == b[first_difference]) ++first_difference;
  const auto& known = name_graph().id;
  const bool other_name = first_difference + 2 >= shorter && known.contains(a) && known.contains(b);
  if (std::max(a.size(), b.size()) >= 5 && first_difference > 0 && !other_name && edit_distance(a, b, 1) == 1) {
    reasons |= kOneLetter;
    weak = true;
    return true;
  }
  return false;
}

}  // namespace

PersonName parse_person(std::string_view name) {
  PersonName p;
  std::vector<std::string> words;
  // "Okafor, Edward K." → the part after the comma comes first, unless it is only "Jr" or a title.
  const std::string folded = visible(name);
  if (const auto comma = folded.find(','); comma != std::string::npos) {
    auto before = words_of(std::string_view(folded).substr(0, comma));
    auto after = words_of(std::string_view(folded).substr(comma + 1));
    const bool only_suffixes =
        std::all_of(after.begin(), after.end(), [](const std::string& w) { return is_generation(w) || is_title(w); });
    if (!before.empty() && !after.empty() && !only_suffixes) {
      words = std::move(after);
      words.insert(words.end(), before.begin(), before.end());
    } else {
      words = std::move(before);
      words.insert(words.end(), after.begin(), after.end());
    }
  } else {
    words = words_of(folded);
  }
  std::vector<std::string> kept;
  for (auto& w : words) {
    if (is_generation(w) && (!kept.empty() || words.size() >= 3)) p.generation = generation_of(w);
    else if (!is_title(w) || words.size() == 1)
      kept.push_back(std::move(w));
  }
  if (kept.empty()) return p;
  p.surname = kept.back();
  if (kept.size() >= 2) p.first = kept.front();
  for (std::size_t i = 1; i + 1 < kept.size(); ++i) p.middles.push_back(kept[i]);
  return p;
}

bool same_first_name(std::string_view a, std::string_view b) {
  if (a == b) return true;
  const auto& g = name_graph();
  const auto ia = g.id.find(std::string(a)), ib = g.id.find(std::string(b));
  if (ia == g.id.end() || ib == g.id.end()) return false;
  const auto& x = g.neighbours[ia->second];
  const auto& y = g.neighbours[ib->second];
  if (std::binary_search(x.begin(), x.end(), ib->second)) return true;  // Bob / Robert
  // Two short forms of one longer name (Bob / Rob via Robert); not two names sharing a short form (Robert /
  // William via Bill, Katherine / Kathryn via Kate).
  const std::size_t longest = std::max(a.size(), b.size());
  for (std::size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] == y[j]) {
      if (g.names[x[i]].size() > longest) return true;
      ++i, ++j;
    } else {
      x[i] < y[j] ? ++i : ++j;
    }
  }
  return false;
}

std::string email_key(std::string_view email) {
  std::string key = fold(visible(email));
  key.erase(
      std::remove_if(key.begin(), key.end(), [](char c) { return c == ' ' || c == '\t' || c == '<' || c == '>'; }),
      key.end());
  while (!key.empty() && key.back() == '.') key.pop_back();
  return key.find('@') == std::string::npos ? std::string() : key;
}

bool role_mailbox(std::string_view email) {
  const std::string key = email_key(email);
  const auto at = key.find('@');
  if (at == std::string::npos) return false;
  std::string local;
  for (char c : key.substr(0, at)) {
    if (c == '+') break;  // "info+web@": still info
    if (std::isalnum(static_cast<unsigned char>(c))) local += c;
  }
  if (role_locals().contains(local)) return true;
  // "info.london@", "accounts-uk@": a role word and a qualifier
  std::string head;
  for (char c : key.substr(0, at)) {
    if (!std::isalnum(static_cast<unsigned char>(c))) break;
    head += c;
  }
  return head.size() < local.size() && role_locals().contains(head);
}

NameComparison compare_person_names(const PersonName& a, const PersonName& b) {
  NameComparison out;
  if (a.empty() || b.empty()) return out;
  if (a.generation != b.generation) {  // "John Smith" / "John Smith Jr": father and son
    out.match = NameMatch::different;
    return out;
  }
  if (a.first.empty() || b.first.empty()) {  // a one-word name: only the very same word says anything
    const std::string& x = a.first.empty() ? a.surname : b.surname;
    const PersonName& other = a.first.empty() ? b : a;
    if (a.first.empty() && b.first.empty() && a.surname == b.surname) out.match = NameMatch::weak, out.identical = true;
    else if (x == other.first || x == other.surname)
      out.match = NameMatch::weak;
    return out;
  }
  auto orient = [&](const std::string& a_first, const std::string& a_surname, unsigned order_reason) {
    NameComparison c;
    c.reasons = order_reason;
    bool weak = false;
    if (!first_compatible(a_first, b.first, c.reasons, weak)) {
      c.match = NameMatch::different;
      return c;
    }
    if (a_surname == b.surname) {
      c.match = weak ? NameMatch::weak : NameMatch::same;
    } else if ((a_surname.size() == 1 || b.surname.size() == 1) && a_surname[0] == b.surname[0]) {
      c.match = NameMatch::weak;  // "Jane D" / "Jane Doe"
    } else {
      // A slip inside a surname of five letters or more ("Gren" for Green); the first letter is rarely the one mistyped, and
      // Parker / Barker, Hill / Hall are different families.
      const std::size_t longer = std::max(a_surname.size(), b.surname.size());
      if (longer >= 5 && !weak && a_surname[0] == b.surname[0] && edit_distance(a_surname, b.surname, 1) == 1) {
        c.match = NameMatch::weak;
        c.reasons |= kOneLetter;
      } else {
        c.match = NameMatch::different;
      }
    }
    return c;
  };
  out = orient(a.first, a.surname, 0);
  if (out.match == NameMatch::different && a.middles.empty() && b.middles.empty()) {
    NameComparison swapped = orient(a.surname, a.first, kNameOrder);  // "Okafor Edward" typed without the comma
    if (swapped.match == NameMatch::same) out = swapped;
  }
  if (out.match == NameMatch::different) return out;
  // Middle initials that disagree ("John A. Smith" / "John B. Smith") are two people.
  if (!a.middles.empty() && !b.middles.empty()) {
    if (a.middles.front()[0] != b.middles.front()[0]) {
      out.match = NameMatch::different;
      return out;
    }
    if (a.middles != b.middles) out.reasons |= kMiddleName;
  } else if (a.middles.size() != b.middles.size()) {
    out.reasons |= kMiddleName;
  }
  out.identical = out.match == NameMatch::same && out.reasons == 0;
  return out;
}

ContactView view_of(const Record& record) {
  ContactView v;
  v.name = parse_person(record.name);
  v.client_id = record.client_id;
  for (const auto& e : record.emails)
    if (auto k = email_key(e); !k.empty()) {
      if (auto d = email_domain(k); !d.empty() && !generic_email_domain(d)) v.domains.push_back(d);
      v.emails.push_back(std::move(k));
    }
  for (const auto& p : record.phones)
    if (auto k = phone_key(p); !k.empty()) v.phones.push_back(std::move(k));
  return v;
}

namespace {
bool share(const std::vector<std::string>& x, const std::vector<std::string>& y, const std::string** which = nullptr) {
  for (const auto& a : x)
    for (const auto& b : y)
      if (a == b) {
        if (which) *which = &a;
        return true;
      }
  return false;
}
}  // namespace

Identity judge(const ContactView& a, const ContactView& b, const std::function<bool(const std::string&)>& shared) {
  Identity out;
  const NameComparison names = compare_person_names(a.name, b.name);
  out.reasons = names.reasons;
  out.identical_name = names.identical;
  bool personal_email = false, shared_email = false;
  for (const auto& x : a.emails)
    for (const auto& y : b.emails)
      if (x == y) (role_mailbox(x) || (shared && shared(x)) ? shared_email : personal_email) = true;
  const bool same_client = a.client_id && a.client_id == b.client_id;
  const bool same_phone = share(a.phones, b.phones);
  const bool same_domain = share(a.domains, b.domains);
  if (shared_email) out.reasons |= kSharedMailbox;
  if (names.match == NameMatch::different) {
    out.email_clash = personal_email || shared_email;
    return out;
  }
  if (personal_email) out.reasons |= kSameEmail;
  if (same_client) out.reasons |= kSameClient;
  if (same_phone) out.reasons |= kSamePhone;
  if (same_domain) out.reasons |= kSameEmailDomain;
  const int evidence = same_client + same_phone + same_domain;
  switch (names.match) {
    case NameMatch::unknown:  // a nameless record: only a personal address says who it is
      out.score = personal_email ? 0.9 : 0.0;
      out.email_clash = shared_email;
      break;
    case NameMatch::weak:
      out.reasons |= kSimilarName;
      if (personal_email) out.score = 0.9;
      else if (evidence >= 2)
        out.score = 0.85;
      else if (evidence == 1 && !(names.reasons & kNickname))
        out.score = 0.78;
      else
        out.score = 0.55;
      break;
    case NameMatch::same:
      out.reasons |= kSamePersonName;
      if (personal_email) out.score = 1.0;
      else if (evidence >= 2)
        out.score = 0.95;
      else if (evidence == 1)
        out.score = same_client || same_phone ? 0.9 : 0.8;
      else
        out.score = 0.6;  // two John Smiths at different clients with nothing else in common
      break;
    case NameMatch::different: break;
  }
  return out;
}

std::vector<GuardVerdict> guard_verdicts(const Record& incoming, const std::vector<Record>& existing) {
  const ContactView in = view_of(incoming);
  std::vector<ContactView> views;
  views.reserve(existing.size());
  for (const auto& r : existing) views.push_back(view_of(r));
  // The book's own signal: an address on two differently named contacts is shared.
  std::unordered_set<std::string> shared;
  for (std::size_t i = 0; i < views.size(); ++i)
    for (std::size_t j = i + 1; j < views.size(); ++j) {
      const std::string* which = nullptr;
      if (share(views[i].emails, views[j].emails, &which) &&
          compare_person_names(views[i].name, views[j].name).match == NameMatch::different)
        shared.insert(*which);
    }
  auto is_shared = [&](const std::string& e) { return shared.contains(e); };
  std::vector<GuardVerdict> out;
  for (const auto& v : views) {
    GuardVerdict g;
    const Identity id = judge(in, v, is_shared);
    const std::string* common = nullptr;
    const bool same_address = share(in.emails, v.emails, &common);
    const bool mailbox = same_address && (role_mailbox(*common) || shared.contains(*common));
    // The same person: the rule says so and either the names are written the same or a personal address agrees
    // ("Jane D" with jane.doe@ is Jane Doe). A nickname or a slip without a personal address is only a candidate.
    if (id.score >= kDefaultThreshold && (id.identical_name || (same_address && !mailbox))) {
      g.kind = GuardVerdict::same_person;
    } else if (id.score >= kDefaultThreshold) {
      g.kind = GuardVerdict::candidate;
      const auto why = describe(id.reasons & ~(kSameClient | kSamePersonName));
      std::string list;
      for (const auto& w : why) list += (list.empty() ? "" : "; ") + w;
      g.reason = "probably the same person, but the names are not written the same (" + list + ")";
    } else if (same_address) {
      g.kind = GuardVerdict::candidate;
      g.reason = mailbox ? "the e-mail " + *common + " is a shared mailbox (" +
                               (role_mailbox(*common) ? std::string("a role address")
                                                      : std::string("already on differently named contacts")) +
                               "), so it does not say who this is"
                         : "the e-mail " + *common + " matches but the name does not";
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace tools::dedupe
