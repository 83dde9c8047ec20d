// The contact identity rule (tools/contact_identity.cpp) and site address comparison, rule by rule.
#include <doctest/doctest.h>

#include <algorithm>

#include "tools/contact_identity.h"
#include "tools/dedupe.h"

namespace dd = tools::dedupe;

namespace {

dd::Record person(long long id, std::string name, long long client_id, std::string email = {}, std::string phone = {}) {
  dd::Record r;
  r.id = id;
  r.name = std::move(name);
  r.client_id = client_id;
  if (!email.empty()) r.emails.push_back(std::move(email));
  if (!phone.empty()) r.phones.push_back(std::move(phone));
  return r;
}

bool linked(std::vector<dd::Record> records, long long a, long long b) {
  const auto groups =
      dd::group(dd::find_candidates(dd::Mode::contacts, records), records.size(), dd::kDefaultThreshold);
  for (const auto& g : groups) {
    std::vector<long long> ids;
    for (auto m : g.members) ids.push_back(records[m].id);
    if (std::find(ids.begin(), ids.end(), a) != ids.end()) return std::find(ids.begin(), ids.end(), b) != ids.end();
  }
  return false;
}

dd::NameMatch names(std::string_view a, std::string_view b) {
  return dd::compare_person_names(dd::parse_person(a), dd::parse_person(b)).match;
}

}  // namespace

TEST_CASE("person names: case, accents, punctuation, 'Surname, First', titles, middle names, Jr") {
  const auto p = dd::parse_person("Dr. Edward K. Okafor Jr");
  CHECK(p.first == "edward");
  CHECK(p.surname == "okafor");
  CHECK(p.middles == std::vector<std::string>{"k"});
  CHECK(p.generation == "jr");
  const auto q = dd::parse_person("  OKAFOR,  Édward ");
  CHECK(q.first == "edward");
  CHECK(q.surname == "okafor");
  CHECK(dd::parse_person("Smith, Jr., John").generation == "jr");
  CHECK(names("Seán O'Brien", "sean obrien") == dd::NameMatch::same);
  CHECK(names("Okafor, Edward", "Edward K. Okafor") == dd::NameMatch::same);
  CHECK(names("Okafor Edward", "Edward Okafor") == dd::NameMatch::same);  // typed the other way, no comma
}

TEST_CASE("first-name nicknames come from the table, both ways, not through a shared short form") {
  CHECK(dd::same_first_name("bob", "robert"));
  CHECK(dd::same_first_name("robert", "bob"));
  CHECK(dd::same_first_name("liz", "elizabeth"));
  CHECK(dd::same_first_name("tony", "anthony"));
  CHECK(dd::same_first_name("seun", "oluwaseun"));        // nicknames_extra: other languages
  CHECK(dd::same_first_name("bob", "rob"));               // two short forms of Robert
  CHECK_FALSE(dd::same_first_name("robert", "william"));  // both are "Bill", still two names
  CHECK_FALSE(dd::same_first_name("daniel", "danielle"));
  CHECK_FALSE(dd::same_first_name("ann", "fatima"));
  CHECK(names("Bob Smith", "Robert Smith") == dd::NameMatch::same);
}

TEST_CASE("different first names, middle initials or Jr / Sr are different people") {
  CHECK(names("Ann Lee", "Fatima Lee") == dd::NameMatch::different);
  CHECK(names("John A. Smith", "John B. Smith") == dd::NameMatch::different);
  CHECK(names("John Smith", "John Smith Jr") == dd::NameMatch::different);
  CHECK(names("John Smith Sr", "John Smith Jr") == dd::NameMatch::different);
  CHECK(names("John Smith II", "John Smith") == dd::NameMatch::different);
  // ... even when they share everything else
  CHECK_FALSE(linked({person(1, "John Smith", 1, "john@acme.example", "020 7946 0000"),
                      person(2, "John Smith Jr", 1, "john@acme.example", "020 7946 0000")},
                     1, 2));
}

TEST_CASE("a surname slip needs other evidence: same client, phone or e-mail domain") {
  CHECK(names("Maria Rodriguez", "Maria Rodiguez") == dd::NameMatch::weak);
  CHECK(names("Ann Parker", "Ann Barker") == dd::NameMatch::different);  // first letter: another family
  CHECK(names("Ann Lee", "Ann Lea") == dd::NameMatch::different);        // too short to call a slip
  CHECK(linked({person(1, "Maria Rodriguez", 1), person(2, "Maria Rodiguez", 1)}, 1, 2));
  CHECK(names("Matthew Smith", "Mathew Smith") == dd::NameMatch::weak);        // a slip in the first name
  CHECK(names("Francis Smith", "Frances Smith") == dd::NameMatch::different);  // the ending makes another name
  CHECK(names("Louis Smith", "Louise Smith") != dd::NameMatch::weak);          // the table decides, never a "slip"
  CHECK(names("Grace Jones", "Graace Jones") == dd::NameMatch::weak);
  CHECK(linked(
      {person(1, "Maria Rodriguez", 1, "", "020 7946 0011"), person(2, "Maria Rodiguez", 2, "", "+44 20 7946 0011")}, 1,
      2));
  CHECK_FALSE(linked({person(1, "Maria Rodriguez", 1), person(2, "Maria Rodiguez", 2)}, 1, 2));
}

TEST_CASE("role and shared mailboxes") {
  CHECK(dd::role_mailbox("info@acme.example"));
  CHECK(dd::role_mailbox("Accounts@Acme.example"));
  CHECK(dd::role_mailbox("accounts.payable@acme.example"));
  CHECK(dd::role_mailbox("info+web@acme.example"));
  CHECK(dd::role_mailbox("reception-leeds@acme.example"));
  CHECK_FALSE(dd::role_mailbox("jane.doe@acme.example"));
  CHECK_FALSE(dd::role_mailbox("not an address"));
  // A role address never joins two people; the same name at one client still does.
  CHECK_FALSE(linked(
      {person(1, "Fatima Gonzalez", 1, "info@acme.example"), person(2, "Ann Lee", 1, "INFO@acme.example")}, 1, 2));
  CHECK(linked(
      {person(1, "Fatima Gonzalez", 1, "info@acme.example"), person(2, "Gonzalez, Fatima", 1, "info@acme.example")}, 1,
      2));
  // Nor does it join two same-named people at different clients on its own.
  CHECK_FALSE(linked({person(1, "Ann Lee", 1, "info@gmail.com"), person(2, "Ann Lee", 2, "info@gmail.com")}, 1, 2));
}

TEST_CASE("the book's own signal: one address on differently named contacts is shared") {
  // office.team@ is not on the list, but three different people use it: it says nothing about who is who.
  const std::vector<dd::Record> records = {person(1, "Ann Lee", 1, "office.team@acme.example"),
                                           person(2, "Ben Ode", 1, "office.team@acme.example"),
                                           person(3, "Ann Leigh", 2, "office.team@acme.example")};
  CHECK_FALSE(linked(records, 1, 2));
  CHECK_FALSE(linked(records, 1, 3));
  // A personal address on two records of one person is proof enough.
  CHECK(linked(
      {person(1, "Liz Okafor", 1, "e.okafor@acme.example"), person(2, "Elizabeth Okafor", 2, "E.Okafor@acme.example")},
      1, 2));
}

TEST_CASE("a phone is supporting evidence only") {
  CHECK_FALSE(
      linked({person(1, "Ann Lee", 7, "", "020 7946 0000"), person(2, "Tom Lee", 7, "", "020 7946 0000")}, 1, 2));
  CHECK(linked({person(1, "Ann Lee", 7, "", "020 7946 0000"), person(2, "Ann Lee", 8, "", "+44 20 7946 0000")}, 1, 2));
  CHECK_FALSE(linked({person(1, "Ann Lee", 7), person(2, "Ann Lee", 8)}, 1, 2));  // namesakes at two clients
}

TEST_CASE("the guards' verdicts: the same person, a candidate with the reason, or unrelated") {
  const std::vector<dd::Record> existing = {person(1069, "Fatima Gonzalez", 1, "info@acme.example"),
                                            person(1002, "Robert Smith", 1, "robert.smith@acme.example"),
                                            person(1003, "Priya Patel", 1, "priya.patel@acme.example")};
  auto verdicts = dd::guard_verdicts(person(0, "Ann Lee", 1, "info@acme.example"), existing);
  CHECK(verdicts[0].kind == dd::GuardVerdict::candidate);
  CHECK(verdicts[0].reason.find("shared mailbox") != std::string::npos);
  CHECK(verdicts[1].kind == dd::GuardVerdict::unrelated);
  verdicts = dd::guard_verdicts(person(0, "Bob Smith", 1, "Robert.Smith@acme.example"), existing);
  CHECK(verdicts[1].kind == dd::GuardVerdict::same_person);  // a nickname with his own address
  verdicts = dd::guard_verdicts(person(0, "John Smith", 1, "robert.smith@acme.example"), existing);
  CHECK(verdicts[1].kind == dd::GuardVerdict::candidate);
  CHECK(verdicts[1].reason.find("matches but the name does not") != std::string::npos);
  verdicts = dd::guard_verdicts(person(0, "Bob Smith", 1), existing);  // no address: a nickname is only a candidate
  CHECK(verdicts[1].kind == dd::GuardVerdict::candidate);
  CHECK(verdicts[1].reason.find("nickname") != std::string::npos);
  verdicts = dd::guard_verdicts(person(0, "Fatima Gonzalez", 1, "info@acme.example"), existing);
  CHECK(verdicts[0].kind == dd::GuardVerdict::same_person);  // the same name behind the same mailbox
}

TEST_CASE("site addresses: street types, suites, units and floors wherever written, postcodes") {
  CHECK(dd::address_key("12 High Street, Suite 200, Leeds LS1 4AB") ==
        dd::address_key("Ste. 200, 12 HIGH ST, Leeds, ls14ab"));
  CHECK(dd::address_key("12 High Street #200, Leeds") == dd::address_key("12 High St, Suite 200, Leeds"));
  CHECK(dd::address_key("4 Mill Road, 2nd Floor, York") == dd::address_key("4 Mill Rd, Floor 2, York"));
  CHECK(dd::address_key("4 Mill Road, Fl 2, York") == dd::address_key("4 Mill Road, 2nd floor, York"));
  CHECK(dd::address_key("9 Market Street, Unit 4, Austin, 78701-1234") ==
        dd::address_key("9 Market St unit 4 Austin 78701"));
  CHECK(dd::address_key("9 Market Street, York, LS7 9TH, United Kingdom") ==
        dd::address_key("9 Market St, York, LS79TH"));
  CHECK(dd::address_key("12 High Street, Suite 200, Leeds") != dd::address_key("12 High Street, Suite 201, Leeds"));
  CHECK(dd::address_key("4 Mill Road, 2nd Floor, York") != dd::address_key("4 Mill Road, 3rd Floor, York"));
  CHECK(dd::address_key("LS1 7TH") != dd::address_key("LS1 7"));
  // A site's name alone never makes two sites the same.
  dd::Record a, b;
  a.id = 1, a.client_id = 1, a.name = "Main", a.address = "1 Acme Way, Leeds";
  b.id = 2, b.client_id = 1, b.name = "Main", b.address = "7 Other Road, York";
  CHECK(dd::group(dd::find_candidates(dd::Mode::sites, {a, b}), 2, dd::kMinThreshold).empty());
}

TEST_CASE("the issue's misses are found and its wrong joins are not made") {
  const std::vector<dd::Record> records = {
      person(1, "Robert Hale", 1, "robert.hale@acme.example"),
      person(2, "Bob Hale", 1, "", "020 7946 0101"),
      person(3, "Elizabeth Ward", 1, "e.ward@acme.example"),
      person(4, "Liz Ward", 1, "e.ward@acme.example"),
      person(5, "Anthony Rossi", 1),
      person(6, "Tony Rossi", 1, "tony@rossi.example"),
      person(7, "Oluwaseun Adeyemi", 2, "seun@adeyemi.example"),
      person(8, "Seun Adeyemi", 2),
      person(9, "Maria Rodriguez", 2, "", "0161 496 0000"),
      person(10, "Maria Rodiguez", 2, "", "+44 161 496 0000"),
      person(11, "Edward Okafor", 3),
      person(12, "Edward K. Okafor", 3, "ed@okafor.example"),
      person(13, "Okafor, Edward", 3),
      person(14, "Grace Lin", 4, "grace.lin@lin.example"),
      person(15, "Grace Lin", 4, "gracelin77@gmail.com"),
      person(16, "Hugo Stein", 5, "", "020 7946 0555"),
      person(17, "Hugo Stein", 6, "", "020 7946 0555"),
      // wrong joins: people behind one mailbox, relatives on one office phone
      person(20, "Fatima Gonzalez", 7, "accounts@acme.example", "020 7946 0999"),
      person(21, "Ann Lee", 7, "accounts@acme.example", "020 7946 0999"),
      person(22, "Sam Okoro", 8, "", "020 7946 0777"),
      person(23, "Grace Okoro", 8, "", "020 7946 0777"),
  };
  for (auto [a, b] : {std::pair{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}, {11, 12}, {11, 13}, {14, 15}, {16, 17}})
    CHECK_MESSAGE(linked(records, a, b), a << " and " << b << " should be one person");
  for (auto [a, b] : {std::pair{20, 21}, {22, 23}, {1, 3}, {14, 23}})
    CHECK_MESSAGE(!linked(records, a, b), a << " and " << b << " are two people");
}
