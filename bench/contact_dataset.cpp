#include "bench/contact_dataset.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <set>
#include <string>
#include <string_view>

namespace bench {

namespace {

using Rng = std::mt19937_64;

struct Given {
  std::string_view name;
  std::array<std::string_view, 3> nicknames;  // what people type instead ("" = none)
};
// Two pools: mix 0 draws from the first half, mix 1 from the second (with some overlap), so a rule tuned to one
// pool's nicknames shows it on the other.
constexpr std::array<Given, 48> kGiven = {{
    {"Robert", {"Bob", "Rob", "Bobby"}},
    {"Elizabeth", {"Liz", "Beth", "Lizzie"}},
    {"Anthony", {"Tony", "", ""}},
    {"William", {"Bill", "Will", "Billy"}},
    {"Margaret", {"Maggie", "Peggy", "Meg"}},
    {"James", {"Jim", "Jimmy", "Jamie"}},
    {"Katherine", {"Kate", "Kathy", "Katie"}},
    {"Michael", {"Mike", "Mick", ""}},
    {"Jennifer", {"Jenny", "Jen", ""}},
    {"Christopher", {"Chris", "Kit", ""}},
    {"Patricia", {"Pat", "Trish", "Patty"}},
    {"Richard", {"Rick", "Dick", "Rich"}},
    {"Oluwaseun", {"Seun", "", ""}},
    {"Fatima", {"", "", ""}},
    {"Priya", {"", "", ""}},
    {"Wei", {"", "", ""}},
    {"Ahmed", {"", "", ""}},
    {"Siobhan", {"", "", ""}},
    {"Thomas", {"Tom", "Tommy", ""}},
    {"Joseph", {"Joe", "Joey", ""}},
    {"Daniel", {"Dan", "Danny", ""}},
    {"Edward", {"Ed", "Ted", "Eddie"}},
    {"Alexander", {"Alex", "Sasha", ""}},
    {"Samuel", {"Sam", "Sammy", ""}},
    {"Rebecca", {"Becky", "Becca", ""}},
    {"Victoria", {"Vicky", "Tori", ""}},
    {"Susan", {"Sue", "Susie", ""}},
    {"Jonathan", {"Jon", "Jonny", ""}},
    {"Nicholas", {"Nick", "Nicky", ""}},
    {"Stephen", {"Steve", "", ""}},
    {"Matthew", {"Matt", "", ""}},
    {"Benjamin", {"Ben", "Benny", ""}},
    {"Abigail", {"Abby", "Gail", ""}},
    {"Deborah", {"Debbie", "Deb", ""}},
    {"Timothy", {"Tim", "Timmy", ""}},
    {"Babatunde", {"Tunde", "", ""}},
    {"Andrew", {"Andy", "Drew", ""}},
    {"Josephine", {"Jo", "Josie", ""}},
    {"Catherine", {"Cathy", "Cat", ""}},
    {"Francisco", {"Paco", "Frank", ""}},
    {"José", {"Pepe", "", ""}},
    {"Zoë", {"", "", ""}},
    {"Ann", {"Annie", "", ""}},
    {"Lee", {"", "", ""}},
    {"Mohammed", {"Mo", "", ""}},
    {"Grace", {"", "", ""}},
    {"Olivia", {"Liv", "", ""}},
    {"Emeka", {"", "", ""}},
}};
constexpr std::array<std::string_view, 64> kSurnames = {
    "Smith",     "Jones",    "Okafor",     "Rodriguez", "Gonzalez", "Lee",    "Nguyen",  "Patel",
    "O'Brien",   "Müller",   "García",     "Johansson", "Williams", "Brown",  "Taylor",  "Davies",
    "Evans",     "Wilson",   "Thomas",     "Roberts",   "Johnson",  "Walker", "Wright",  "Robinson",
    "Thompson",  "White",    "Hughes",     "Edwards",   "Green",    "Hall",   "Lewis",   "Harris",
    "Clarke",    "Jackson",  "Wood",       "Turner",    "Martin",   "Cooper", "Hill",    "Ward",
    "Morris",    "Moore",    "Clark",      "Parker",    "Barker",   "Lawson", "Dawson",  "Adeyemi",
    "Chen",      "Kowalski", "Fitzgerald", "MacDonald", "Sørensen", "Núñez",  "Okonkwo", "Bianchi",
    "Schneider", "Dubois",   "Kaur",       "Singh",     "Murphy",   "Kelly",  "Byrne",   "Ryan"};
constexpr std::array<std::string_view, 10> kRoles = {"info",    "accounts", "office",  "reception", "admin",
                                                     "billing", "sales",    "support", "hello",     "enquiries"};
constexpr std::array<std::string_view, 6> kFreeMail = {"gmail.com", "outlook.com", "hotmail.co.uk",
                                                       "yahoo.com", "icloud.com",  "btinternet.com"};

template <typename T>
const auto& pick(Rng& rng, const T& arr) {
  return arr[std::uniform_int_distribution<std::size_t>(0, std::size(arr) - 1)(rng)];
}
bool chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

std::string ascii_lower(std::string_view s) {
  static const std::pair<std::string_view, char> kFold[] = {{"é", 'e'}, {"ë", 'e'}, {"ü", 'u'}, {"í", 'i'},
                                                            {"ñ", 'n'}, {"ú", 'u'}, {"ø", 'o'}, {"á", 'a'}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool folded = false;
    for (const auto& [from, to] : kFold)
      if (s.substr(i, from.size()) == from) out += to, i += from.size(), folded = true;
    if (folded) continue;
    const unsigned char c = static_cast<unsigned char>(s[i++]);
    if (std::isalpha(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

std::string phone(Rng& rng) {
  std::string p = chance(rng, 0.5) ? "020 " : "0161 ";
  for (int i = 0; i < 7; ++i) p += static_cast<char>('0' + rng() % 10), p += i == 2 ? " " : "";
  return p;
}
std::string reformat(const std::string& p, Rng& rng) {
  std::string d;
  for (char c : p)
    if (std::isdigit(static_cast<unsigned char>(c))) d += c;
  return chance(rng, 0.5) ? "+44 " + d.substr(1) : d;
}

struct Person {
  std::size_t given = 0;
  std::string surname, middle, generation;
  std::uint32_t client = 0;
  std::string email, phone;
  std::string render() const {
    std::string s = std::string(kGiven[given].name) + (middle.empty() ? "" : " " + middle) + " " + surname;
    return generation.empty() ? s : s + " " + generation;
  }
};

// A typing slip in the surname (5+ letters): a dropped, doubled, swapped or neighbouring letter.
std::string surname_typo(Rng& rng, std::string s) {
  if (s.size() < 5 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
    return s;
  const std::size_t pos = 1 + rng() % (s.size() - 2);
  switch (rng() % 4) {
    case 0: s.erase(pos, 1); break;
    case 1: s.insert(pos, 1, s[pos]); break;
    case 2: std::swap(s[pos], s[pos + 1]); break;
    default: s[pos] = s[pos] == 'e' ? 'a' : 'e';
  }
  return s;
}

}  // namespace

std::vector<LabelledRecord> generate_contacts(const PeopleOptions& o) {
  Rng rng(o.seed ^ (o.mix ? 0x9e3779b97f4a7c15ULL : 0));
  const std::size_t pool_lo = o.mix ? 16 : 0, pool_hi = o.mix ? kGiven.size() : 36;
  auto given = [&] { return pool_lo + rng() % (pool_hi - pool_lo); };
  const std::uint32_t clients = static_cast<std::uint32_t>(std::max<std::size_t>(1, o.people / 8));
  std::vector<std::string> domain(clients + 1), office(clients + 1);
  for (std::uint32_t c = 1; c <= clients; ++c) {
    domain[c] = "client" + std::to_string(c) + (chance(rng, 0.5) ? ".co.uk" : ".example.com");
    office[c] = phone(rng);
  }
  // Weights per mix: [nickname, surname typo, middle initial, "Surname, First", case/accents, second address,
  // phone only, exact, first-name typo]
  const std::array<double, 9> weights =
      o.mix ? std::array<double, 9>{3, 2, 1, 2, 2, 2, 2, 1, 1} : std::array<double, 9>{2, 2, 2, 1, 2, 1, 1, 1, 0};
  std::discrete_distribution<int> kind(weights.begin(), weights.end());
  static const char* kKindNames[] = {"nickname",      "surname typo", "middle initial",
                                     "surname first", "case/accents", "second address",
                                     "phone only",    "same again",   "first-name typo"};

  std::vector<LabelledRecord> out;
  std::uint32_t entity = 0;
  auto emit = [&](const Person& p, std::string name, std::string email, std::string ph, std::string variation,
                  std::uint32_t e) {
    LabelledRecord r;
    r.entity = e;
    r.variation = std::move(variation);
    r.record.name = std::move(name);
    r.record.client_id = p.client;
    if (!email.empty()) r.record.emails.push_back(std::move(email));
    if (!ph.empty()) r.record.phones.push_back(std::move(ph));
    out.push_back(std::move(r));
  };
  auto personal = [&](const Person& p) {
    return ascii_lower(kGiven[p.given].name) + (o.mix && chance(rng, 0.5) ? "" : ".") + ascii_lower(p.surname) + "@" +
           domain[p.client];
  };
  std::set<std::string> taken;  // one person per name at a client: two identical records are not two labels
  auto unique = [&](const Person& p) {
    return taken
        .insert(std::to_string(p.client) + ascii_lower(kGiven[p.given].name) + ascii_lower(p.surname) + p.generation)
        .second;
  };
  std::size_t made = 0;
  while (made < o.people) {
    Person p;
    p.given = given();
    p.surname = std::string(pick(rng, kSurnames));
    p.client = 1 + static_cast<std::uint32_t>(rng() % clients);
    if (!unique(p)) continue;
    if (chance(rng, 0.15)) p.middle = std::string(1, static_cast<char>('A' + rng() % 26)) + ".";
    const double mail = std::uniform_real_distribution<double>(0, 1)(rng);
    p.email = mail < 0.7 ? personal(p) : mail < 0.85 ? std::string(pick(rng, kRoles)) + "@" + domain[p.client] : "";
    p.phone = chance(rng, 0.4) ? phone(rng) : chance(rng, 0.5) ? office[p.client] : "";
    const std::uint32_t e = entity++;
    emit(p, p.render(), p.email, p.phone, "", e);
    ++made;

    // Hard negatives beside this person.
    const double hard = std::uniform_real_distribution<double>(0, 1)(rng);
    if (hard < 0.08) {  // a colleague behind the same shared mailbox (and office phone)
      Person q = p;
      do q.given = given();
      while (q.given == p.given);
      q.surname = std::string(pick(rng, kSurnames));
      q.middle.clear();
      if (!unique(q)) continue;
      q.email = std::string(pick(rng, kRoles)) + "@" + domain[p.client];
      if (!p.email.empty() && p.email.find('.') > p.email.find('@')) q.email = p.email;
      p.email = q.email;
      out.back().record.emails = {p.email};
      q.phone = office[p.client];
      emit(q, q.render(), q.email, q.phone, "", entity++), ++made;
    } else if (hard < 0.13) {  // a relative at the same client: same surname, office phone
      Person q = p;
      do q.given = given();
      while (q.given == p.given);
      if (!unique(q)) continue;
      q.middle.clear();
      q.phone = office[p.client];
      q.email = chance(rng, 0.5) ? personal(q) : "";
      emit(q, q.render(), q.email, q.phone, "", entity++), ++made;
    } else if (hard < 0.16) {  // father and son
      Person q = p;
      q.generation = chance(rng, 0.5) ? "Jr" : (o.mix ? "II" : "Jr.");
      if (!unique(q)) continue;
      q.email = chance(rng, 0.5) ? p.email : "";
      emit(q, q.render(), q.email, q.phone, "", entity++), ++made;
    } else if (hard < 0.22) {  // a namesake at another client
      Person q = p;
      q.client = 1 + static_cast<std::uint32_t>(rng() % clients);
      if (q.client == p.client || !unique(q)) continue;
      q.email = chance(rng, 0.5) ? personal(q) : "";
      q.phone = chance(rng, 0.5) ? phone(rng) : "";
      emit(q, q.render(), q.email, q.phone, "", entity++), ++made;
    }

    if (!chance(rng, o.reentered_share)) continue;
    const int copies = chance(rng, 0.8) ? 1 : 2;
    for (int c = 0; c < copies; ++c) {
      const int k = kind(rng);
      std::string first(kGiven[p.given].name), middle = p.middle, surname = p.surname;
      std::string email = chance(rng, 0.6) ? p.email : "", ph = p.phone.empty()    ? ""
                                                                : chance(rng, 0.5) ? reformat(p.phone, rng)
                                                                                   : "";
      bool comma = false;
      switch (k) {
        case 0: {
          std::vector<std::string_view> nicks;
          for (auto n : kGiven[p.given].nicknames)
            if (!n.empty()) nicks.push_back(n);
          if (!nicks.empty()) first = std::string(nicks[rng() % nicks.size()]);
          break;
        }
        case 1: surname = surname_typo(rng, surname); break;
        case 2:
          middle =
              middle.empty() ? std::string(1, static_cast<char>('A' + rng() % 26)) + (chance(rng, 0.5) ? "." : "") : "";
          break;
        case 3: comma = true; break;
        case 4: first = ascii_lower(first), surname = chance(rng, 0.5) ? ascii_lower(surname) : surname; break;
        case 5:
          email = ascii_lower(first) + ascii_lower(surname) + std::to_string(rng() % 100) + "@" +
                  std::string(pick(rng, kFreeMail));
          break;
        case 6: email.clear(), ph = p.phone.empty() ? "" : reformat(p.phone, rng); break;
        case 8: first = surname_typo(rng, first); break;
        default: break;
      }
      std::string name = comma ? surname + ", " + first + (middle.empty() ? "" : " " + middle)
                               : first + (middle.empty() ? "" : " " + middle) + " " + surname;
      if (!p.generation.empty()) name += " " + p.generation;
      if (k == 4 && chance(rng, 0.5))
        for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      emit(p, name, email, ph, kKindNames[k], e);
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].record.id = static_cast<long long>(i + 1);
  return out;
}

// -------------------------------------------------------------------------------------------------------- sites
namespace {
constexpr std::array<std::string_view, 24> kStreets = {"High",   "Church", "Station", "Victoria", "Park",   "Mill",
                                                       "King",   "Queen",  "London",  "Albert",   "Bridge", "Castle",
                                                       "Market", "Oak",    "Elm",     "Maple",    "Main",   "Cedar",
                                                       "Pine",   "Lake",   "Hill",    "Chapel",   "North",  "Garden"};
struct StreetType {
  std::string_view full;
  std::array<std::string_view, 2> short_forms;
};
constexpr std::array<StreetType, 6> kTypes = {{{"Street", {"St", "St."}},
                                               {"Road", {"Rd", "Rd."}},
                                               {"Avenue", {"Ave", "Av."}},
                                               {"Lane", {"Ln", "Ln."}},
                                               {"Drive", {"Dr", "Dr."}},
                                               {"Boulevard", {"Blvd", "Blvd."}}}};
constexpr std::array<std::string_view, 8> kTowns = {"Leeds",  "Manchester", "Bristol", "Austin",
                                                    "Denver", "Cardiff",    "York",    "Boston"};
constexpr std::array<std::string_view, 6> kSiteNames = {"Main",        "Head Office", "Warehouse",
                                                        "Main Office", "HQ",          "Branch"};

struct Address {
  int number = 1;
  std::size_t street = 0, type = 0, town = 0;
  int unit_kind = 0;  // 0 none, 1 suite, 2 unit, 3 floor
  int unit = 0;
  std::string postcode;  // "LS1 4AB" or "78701"
  bool zip = false;
};

std::string ordinal(int n) {
  const char* s = n % 10 == 1 && n != 11 ? "st" : n % 10 == 2 && n != 12 ? "nd" : n % 10 == 3 && n != 13 ? "rd" : "th";
  return std::to_string(n) + s;
}

std::string render(const Address& a, Rng& rng, bool vary, int mix, std::string& label) {
  auto v = [&](double p) { return vary && chance(rng, p); };
  std::string type(kTypes[a.type].full);
  if (v(mix ? 0.6 : 0.4)) type = std::string(kTypes[a.type].short_forms[rng() % 2]), label += "street type+";
  std::string line = std::to_string(a.number) + " " + std::string(kStreets[a.street]) + " " + type;
  std::string unit;
  if (a.unit_kind == 1) {
    const bool alt = v(0.5);
    unit = alt ? (chance(rng, 0.5) ? "Ste " : (mix ? "#" : "Ste. ")) + std::to_string(a.unit)
               : "Suite " + std::to_string(a.unit);
    if (alt) label += "suite+";
  } else if (a.unit_kind == 2) {
    const bool alt = v(0.5);
    unit = alt ? (mix ? "Unit " + std::to_string(a.unit) + "," : "unit " + std::to_string(a.unit))
               : "Unit " + std::to_string(a.unit);
    if (alt) label += "unit+";
  } else if (a.unit_kind == 3) {
    const bool alt = v(0.6);
    unit = alt ? (chance(rng, 0.5) ? "Floor " + std::to_string(a.unit) : "Fl " + std::to_string(a.unit))
               : ordinal(a.unit) + " Floor";
    if (alt) label += "floor+";
  }
  std::string post = a.postcode;
  if (!a.zip && v(0.5)) {
    if (chance(rng, 0.5)) post.erase(post.find(' '), 1);
    else
      for (auto& c : post) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    label += "postcode+";
  } else if (a.zip && v(0.4)) {
    post += "-" + std::to_string(1000 + rng() % 9000);
    label += "zip+4+";
  }
  const bool unit_first = !unit.empty() && (mix ? v(0.5) : v(0.2));
  if (unit_first) label += "unit first+";
  std::string s = unit_first ? unit + ", " + line : line + (unit.empty() ? "" : ", " + unit);
  s += (v(0.3) ? " " : ", ") + std::string(kTowns[a.town]) + (v(0.3) ? " " : ", ") + post;
  if (v(0.2)) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    label += "case+";
  }
  if (!label.empty()) label.pop_back();
  return s;
}
}  // namespace

std::vector<LabelledRecord> generate_sites(const PeopleOptions& o) {
  Rng rng(o.seed ^ (o.mix ? 0x5851f42d4c957f2dULL : 0x1234));
  const std::uint32_t clients = static_cast<std::uint32_t>(std::max<std::size_t>(1, o.people / 3));
  std::vector<LabelledRecord> out;
  std::uint32_t entity = 0;
  auto random_address = [&] {
    Address a;
    a.number = 1 + static_cast<int>(rng() % 300);
    a.street = rng() % kStreets.size();
    a.type = rng() % kTypes.size();
    a.town = rng() % kTowns.size();
    a.zip = a.town >= 3 && a.town != 5 && a.town != 6;
    if (a.zip) a.postcode = std::to_string(10000 + rng() % 89999);
    else {
      a.postcode = "LS" + std::to_string(1 + rng() % 20) + " " + std::to_string(rng() % 10) +
                   static_cast<char>('A' + rng() % 26) + static_cast<char>('A' + rng() % 26);
    }
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    a.unit_kind = u < 0.6 ? 0 : u < 0.75 ? 1 : u < 0.87 ? 2 : 3;
    a.unit = a.unit_kind == 3 ? 1 + static_cast<int>(rng() % 9) : 1 + static_cast<int>(rng() % 400);
    return a;
  };
  auto emit = [&](std::uint32_t e, std::uint32_t client, const Address& a, bool vary) {
    LabelledRecord r;
    r.entity = e;
    r.record.client_id = client;
    r.record.name = std::string(pick(rng, kSiteNames));
    r.record.address = render(a, rng, vary, o.mix, r.variation);
    if (vary && r.variation.empty()) r.variation = "same again";
    out.push_back(std::move(r));
  };
  std::size_t made = 0;
  while (made < o.people) {
    const std::uint32_t client = 1 + static_cast<std::uint32_t>(rng() % clients);
    Address a = random_address();
    const std::uint32_t e = entity++;
    emit(e, client, a, false), ++made;
    const double hard = std::uniform_real_distribution<double>(0, 1)(rng);
    if (hard < 0.1) {  // a neighbour: next door on the same street
      Address b = a;
      b.number += 1 + static_cast<int>(rng() % 3);
      emit(entity++, client, b, false), ++made;
    } else if (hard < 0.2 && a.unit_kind) {  // another suite, unit or floor in the same building
      Address b = a;
      b.unit += 1 + static_cast<int>(rng() % 5);
      emit(entity++, client, b, false), ++made;
    } else if (hard < 0.25) {  // another client's office in the same building
      Address b = a;
      b.unit_kind = 1 + static_cast<int>(rng() % 3);
      b.unit = a.unit_kind == b.unit_kind ? a.unit + 1 : 1 + static_cast<int>(rng() % 9);
      emit(entity++, 1 + static_cast<std::uint32_t>(rng() % clients), b, false), ++made;
    }
    if (!chance(rng, o.reentered_share)) continue;
    const int copies = chance(rng, 0.8) ? 1 : 2;
    for (int c = 0; c < copies; ++c) emit(e, client, a, true);
  }
  std::shuffle(out.begin(), out.end(), rng);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].record.id = static_cast<long long>(i + 1);
  return out;
}

}  // namespace bench
