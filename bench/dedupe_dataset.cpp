#include "bench/dedupe_dataset.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <set>
#include <string_view>
#include <unordered_map>

namespace bench {

namespace {

using Rng = std::mt19937_64;

// Place names, surnames and adjectives. A few are one letter apart on purpose (Amber / Ember, Ridgeway /
// Bridgeway, Parker / Barker, Dawson / Lawson): the hardest negatives, which no name-only matcher separates.
constexpr std::array kFirst = {
    "Acorn",    "Albion",    "Alder",     "Amber",       "Anchor",      "Apex",        "Arden",      "Ashford",
    "Aspen",    "Atlas",     "Aurora",    "Avalon",      "Banner",      "Barrow",      "Beacon",     "Belmont",
    "Birch",    "Blackwood", "Bluebell",  "Bramble",     "Bridgeway",   "Brightwater", "Brook",      "Cairn",
    "Camden",   "Canyon",    "Carlton",   "Cascade",     "Castle",      "Cedar",       "Chapel",     "Chester",
    "Clover",   "Coastal",   "Cobalt",    "Copper",      "Cornerstone", "Crescent",    "Crown",      "Crystal",
    "Dale",     "Delta",     "Denby",     "Dorset",      "Dover",       "Eagle",       "Eastgate",   "Echo",
    "Elm",      "Ember",     "Evergreen", "Fairfield",   "Falcon",      "Fern",        "Fieldstone", "Fox",
    "Frontier", "Galaxy",    "Garnet",    "Gateway",     "Glen",        "Granite",     "Greenfield", "Griffin",
    "Hadley",   "Halcyon",   "Harbour",   "Hawthorn",    "Heather",     "Highland",    "Horizon",    "Hudson",
    "Indigo",   "Iron",      "Ivy",       "Jasper",      "Juniper",     "Kestrel",     "Keystone",   "Kingsway",
    "Lakeside", "Landmark",  "Larch",     "Laurel",      "Legacy",      "Liberty",     "Linden",     "Lion",
    "Lotus",    "Magnolia",  "Maple",     "Marlow",      "Meadow",      "Meridian",    "Millbrook",  "Mosaic",
    "Newport",  "Noble",     "Northgate", "Northwind",   "Oakridge",    "Orchard",     "Orion",      "Osprey",
    "Oxford",   "Paragon",   "Pembroke",  "Phoenix",     "Pinnacle",    "Pioneer",     "Poplar",     "Prospect",
    "Quantum",  "Quarry",    "Radiant",   "Raven",       "Redwood",     "Regent",      "Ridgeway",   "Riverside",
    "Rowan",    "Sapphire",  "Sentinel",  "Sherwood",    "Silverline",  "Skyline",     "Solent",     "Sovereign",
    "Spruce",   "Stafford",  "Sterling",  "Stonebridge", "Summit",      "Sunrise",     "Tamar",      "Thornbury",
    "Timber",   "Trident",   "Trinity",   "Tudor",       "Union",       "Unity",       "Valley",     "Vanguard",
    "Vertex",   "Victoria",  "Vista",     "Wessex",      "Westbrook",   "Whitfield",   "Willow",     "Windsor",
    "Woodland", "Zenith",    "Zephyr",    "Café",        "Zürich",      "Crème",       "Montréal",   "Søndergaard"};
constexpr std::array kSecond = {"Valley", "Park",  "Hill", "Bay",   "Bridge", "Point", "Ridge", "Cross",
                                "Green",  "Wharf", "Gate", "Field", "Lake",   "Moor",  "Vale",  "Heath"};
constexpr std::array kSurnames = {
    "Pearson",  "Hardman",   "Carter",   "Whitmore", "Ashworth", "Bennett",    "Collins", "Dawson",   "Ellison",
    "Fletcher", "Gallagher", "Hughes",   "Jennings", "Kendall",  "Lawson",     "Marsh",   "Newman",   "O'Brien",
    "Parker",   "Quinn",     "Reynolds", "Sullivan", "Thornton", "Underwood",  "Vaughan", "Walsh",    "Young",
    "Abbott",   "Barker",    "Chambers", "Dempsey",  "Everett",  "Fitzgerald", "Grant",   "Holloway", "Irwin"};
// clang-format off
constexpr std::array kTrades = {
    "Dental",       "Legal",        "Logistics",     "Accounting",    "Engineering",  "Veterinary",
    "Plastics",     "Academy",      "Construction",  "Insurance",     "Architects",   "Bakery",
    "Brewing",      "Builders",     "Catering",      "Chemicals",     "Clinic",       "Consulting",
    "Dairy",        "Design",       "Electrical",    "Energy",        "Estates",      "Farms",
    "Fitness",      "Flooring",     "Freight",       "Healthcare",    "Hotels",       "Joinery",
    "Landscaping",  "Manufacturing", "Marine",       "Media",         "Motors",       "Nursery",
    "Optometry",    "Packaging",    "Pharmacy",      "Plumbing",      "Printing",     "Properties",
    "Recruitment",  "Roofing",      "Security",      "Software",      "Solicitors",   "Surveyors",
    "Technologies", "Textiles",     "Travel",        "Laboratories",  "Storage",      "Telecom",
    "Medical Center", "Wealth Management", "Financial Planning", "Distribution", "Pharmaceuticals", "Publishing"};
// clang-format on
constexpr std::array kStructure = {"Group",      "Partners",      "Services", "Solutions", "Holdings",
                                   "Associates", "International", "Systems",  "Brothers",  "Industries"};
constexpr std::array kSuffixes = {"Ltd",         "Limited", "Inc",     "Inc.", "LLC", "Corp",
                                  "Corporation", "Co",      "Company", "GmbH", "PLC", "LLP"};
constexpr std::array kBranches = {"North", "South", "East", "West", "Central", "Kingsway", "Riverside", "Harbourside"};

// What people write for the same thing.
const std::unordered_map<std::string, std::vector<std::string>>& suffix_swaps() {
  static const std::unordered_map<std::string, std::vector<std::string>> m = {
      {"Ltd", {"Limited", "Ltd.", "LTD"}}, {"Limited", {"Ltd", "Ltd."}},
      {"Inc", {"Incorporated", "Inc."}},   {"Inc.", {"Inc", "Incorporated"}},
      {"LLC", {"L.L.C.", "llc"}},          {"Corp", {"Corporation", "Corp."}},
      {"Corporation", {"Corp", "Corp."}},  {"Co", {"Company", "Co."}},
      {"Company", {"Co", "Co."}},          {"GmbH", {"GMBH"}},
      {"PLC", {"plc", "P.L.C."}},          {"LLP", {"L.L.P."}}};
  return m;
}
const std::unordered_map<std::string, std::string>& abbreviations() {
  static const std::unordered_map<std::string, std::string> m = {
      {"International", "Intl"}, {"Manufacturing", "Mfg"}, {"Services", "Svcs"},
      {"Associates", "Assoc"},   {"Brothers", "Bros"},     {"Technologies", "Tech"},
      {"Saint", "St"},           {"Mount", "Mt"},          {"Center", "Ctr"},
      {"Laboratories", "Labs"},  {"Management", "Mgmt"},   {"Pharmaceuticals", "Pharma"},
      {"Industries", "Inds"},    {"Systems", "Sys"},       {"Distribution", "Distrib"},
      {"Holdings", "Hldgs"}};
  return m;
}
const std::unordered_map<std::string, std::string>& accent_strip() {
  static const std::unordered_map<std::string, std::string> m = {{"Café", "Cafe"},
                                                                 {"Zürich", "Zurich"},
                                                                 {"Crème", "Creme"},
                                                                 {"Montréal", "Montreal"},
                                                                 {"Søndergaard", "Sondergaard"}};
  return m;
}

struct Name {
  bool the = false;
  std::vector<std::string> words;
  std::string suffix;
  bool comma = false;  // "Acme, Inc."
  std::string render() const {
    std::string s = the ? "The " : "";
    for (std::size_t i = 0; i < words.size(); ++i) s += (i ? " " : "") + words[i];
    if (!suffix.empty()) s += (comma ? ", " : " ") + suffix;
    return s;
  }
};

template <typename T>
const auto& pick(Rng& rng, const T& arr) {
  return arr[std::uniform_int_distribution<std::size_t>(0, std::size(arr) - 1)(rng)];
}
bool chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A typing slip in one word of five or more ASCII letters: a neighbouring key, a dropped, doubled or swapped letter.
bool typo(Rng& rng, Name& n) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < n.words.size(); ++i)
    if (n.words[i].size() >= 5 && std::all_of(n.words[i].begin(), n.words[i].end(),
                                              [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
      candidates.push_back(i);
  if (candidates.empty()) return false;
  std::string& w = n.words[pick(rng, candidates)];
  static const std::string_view keyboard[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  const std::size_t pos =
      std::uniform_int_distribution<std::size_t>(1, w.size() - 2)(rng);  // first letter rarely wrong
  switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
    case 0: {  // neighbouring key
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(w[pos])));
      for (auto row : keyboard)
        if (auto k = row.find(c); k != std::string_view::npos) {
          w[pos] = row[k + 1 < row.size() ? k + 1 : k - 1];
          return true;
        }
      w[pos] = 'e';
      return true;
    }
    case 1: w.erase(pos, 1); return true;
    case 2: w.insert(pos, 1, w[pos]); return true;
    default:
      if (w[pos] == w[pos + 1]) w.erase(pos, 1);
      else
        std::swap(w[pos], w[pos + 1]);
      return true;
  }
}

// Applies one variation of the given kind; false when it does not apply to this name.
bool vary(Rng& rng, int kind, Name& n, std::string& finish) {
  switch (kind) {
    case 0:  // case
      finish = chance(rng, 0.5) ? "upper" : "lower";
      return true;
    case 1:  // punctuation
      if (!n.suffix.empty() && !n.comma) {
        n.comma = true;
        return true;
      }
      if (n.words.size() >= 2) {
        n.words[0] += chance(rng, 0.5) ? "," : ".";
        return true;
      }
      return false;
    case 2: {  // legal suffix swapped, dropped or added
      if (n.suffix.empty()) {
        n.suffix = pick(rng, kSuffixes);
        return true;
      }
      auto it = suffix_swaps().find(n.suffix);
      if (it != suffix_swaps().end() && chance(rng, 0.7)) n.suffix = pick(rng, it->second);
      else
        n.suffix.clear();
      return true;
    }
    case 3:  // & / and
      for (auto& w : n.words) {
        if (w == "&") {
          w = "and";
          return true;
        }
        if (w == "and") {
          w = "&";
          return true;
        }
      }
      return false;
    case 4: return typo(rng, n);
    case 5:  // abbreviation
      for (auto& w : n.words)
        if (auto it = abbreviations().find(w); it != abbreviations().end()) {
          w = it->second + (chance(rng, 0.3) ? "." : "");
          return true;
        }
      return false;
    case 6:  // "The"
      n.the = !n.the;
      return true;
    case 7:  // stray spaces
      finish = "spaces";
      return true;
    case 8:  // accents dropped
      for (auto& w : n.words)
        if (auto it = accent_strip().find(w); it != accent_strip().end()) {
          w = it->second;
          return true;
        }
      return false;
    case 9: {  // a place name run together or split ("Oakridge Bridge" / "Oakridgebridge")
      for (std::size_t i = 0; i + 1 < n.words.size(); ++i)
        if (std::find(kSecond.begin(), kSecond.end(), n.words[i + 1]) != kSecond.end()) {
          n.words[i] += lower(n.words[i + 1]);
          n.words.erase(n.words.begin() + static_cast<long>(i) + 1);
          return true;
        }
      return false;
    }
  }
  return false;
}

std::string finish_name(Rng& rng, std::string s, const std::string& how) {
  if (how == "upper")
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  else if (how == "lower")
    s = lower(s);
  else if (how == "spaces") {
    if (auto p = s.find(' '); p != std::string::npos) s.insert(p, chance(rng, 0.5) ? " " : "  ");
    s = (chance(rng, 0.5) ? " " : "") + s + (chance(rng, 0.5) ? "  " : "");
  }
  return s;
}

std::string domain_for(const Name& n, Rng& rng) {
  std::string d;
  for (const auto& w : n.words)
    for (char c : w)
      if (std::isalnum(static_cast<unsigned char>(c)))
        d += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d + (chance(rng, 0.5) ? ".co.uk" : ".com");
}

std::string phone_for(Rng& rng) {
  std::string p = "020 ";
  for (int i = 0; i < 8; ++i) p += static_cast<char>('0' + rng() % 10), p += i == 3 ? " " : "";
  return p;
}

std::string reformat_phone(const std::string& p, Rng& rng) {
  std::string digits;
  for (char c : p)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  return chance(rng, 0.5) ? "+44 " + digits.substr(1) : "(" + digits.substr(0, 3) + ") " + digits.substr(3);
}

}  // namespace

std::vector<LabelledRecord> generate(const DatasetOptions& options) {
  Rng rng(options.seed);
  std::vector<Name> bases;
  std::set<std::string> cores;
  auto add_base = [&](Name n) {
    std::string core = lower(n.render().substr(n.the ? 4 : 0));
    if (!n.suffix.empty()) core = core.substr(0, core.size() - n.suffix.size() - 1);
    if (!cores.insert(core).second) return false;
    bases.push_back(std::move(n));
    return true;
  };
  while (bases.size() < options.companies) {
    Name n;
    const double shape = std::uniform_real_distribution<double>(0, 1)(rng);
    if (shape < 0.12) {
      n.words = {pick(rng, kSurnames), "&", pick(rng, kSurnames), pick(rng, kTrades)};
      if (n.words[0] == n.words[2]) continue;
    } else {
      if (chance(rng, 0.04)) n.words.emplace_back(chance(rng, 0.5) ? "Saint" : "Mount");
      n.words.emplace_back(pick(rng, kFirst));
      if (chance(rng, 0.35)) n.words.emplace_back(pick(rng, kSecond));
      for (std::string_view trade = pick(rng, kTrades); !trade.empty();) {  // "Medical Center" is two words
        const auto space = trade.find(' ');
        n.words.emplace_back(trade.substr(0, space));
        trade = space == std::string_view::npos ? std::string_view() : trade.substr(space + 1);
      }
      if (chance(rng, 0.45)) n.words.emplace_back(pick(rng, kStructure));
    }
    if (chance(rng, 0.7)) n.suffix = pick(rng, kSuffixes);
    n.the = chance(rng, 0.06);
    if (!add_base(n)) continue;
    // Hard negatives: a different company sharing most words (another trade, or a numbered / named branch).
    if (chance(rng, 0.2) && bases.size() < options.companies) {
      Name sibling = n;
      if (chance(rng, 0.5)) {
        for (auto& w : sibling.words)
          if (std::find(kTrades.begin(), kTrades.end(), w) != kTrades.end()) w = pick(rng, kTrades);
      } else if (chance(rng, 0.5)) {
        sibling.words.push_back(std::to_string(2 + rng() % 8));
      } else {
        sibling.words.push_back(pick(rng, kBranches));
      }
      add_base(sibling);
    }
  }

  std::vector<LabelledRecord> out;
  out.reserve(bases.size() * 13 / 10);
  for (std::uint32_t e = 0; e < bases.size(); ++e) {
    const Name& n = bases[e];
    LabelledRecord original;
    original.entity = e;
    original.record.name = n.render();
    if (chance(rng, 0.6)) original.record.website = (chance(rng, 0.5) ? "https://www." : "") + domain_for(n, rng);
    if (chance(rng, 0.5)) original.record.phones.push_back(phone_for(rng));
    if (!original.record.website.empty() && chance(rng, 0.3))
      original.record.emails.push_back("accounts@" + tools::dedupe::website_domain(original.record.website));
    out.push_back(original);
    if (!chance(rng, options.reentered_share)) continue;
    const int copies = chance(rng, 0.8) ? 1 : 2;
    for (int c = 0; c < copies; ++c) {
      Name v = n;
      std::string finish, label;
      const int wanted = 1 + static_cast<int>(rng() % 3);
      std::set<int> used;
      for (int attempts = 0; static_cast<int>(used.size()) < wanted && attempts < 40; ++attempts) {
        const int kind = static_cast<int>(rng() % 10);
        if (used.contains(kind) || (kind == 0 && !finish.empty()) || (kind == 7 && !finish.empty())) continue;
        if (vary(rng, kind, v, finish)) {
          used.insert(kind);
          static const char* names[] = {"case",         "punctuation", "suffix", "&/and",   "typo",
                                        "abbreviation", "the",         "spaces", "accents", "joined words"};
          label += (label.empty() ? "" : "+") + std::string(names[kind]);
        }
      }
      LabelledRecord dup;
      dup.entity = e;
      dup.variation = label;
      dup.record.name = finish_name(rng, v.render(), finish);
      if (!original.record.website.empty() && chance(rng, 0.5))
        dup.record.website = chance(rng, 0.5)
                                 ? original.record.website
                                 : "http://" + tools::dedupe::website_domain(original.record.website) + "/";
      if (!original.record.phones.empty() && chance(rng, 0.4))
        dup.record.phones.push_back(reformat_phone(original.record.phones[0], rng));
      out.push_back(dup);
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].record.id = static_cast<long long>(i + 1);
  return out;
}

}  // namespace bench
