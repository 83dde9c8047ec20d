#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>

#include "tools/dedupe.h"

namespace dd = tools::dedupe;

namespace {

dd::Record client(long long id, std::string name, std::string website = {}, std::string phone = {}) {
  dd::Record r;
  r.id = id;
  r.name = std::move(name);
  r.website = std::move(website);
  if (!phone.empty()) r.phones.push_back(std::move(phone));
  return r;
}

// The groups as sorted lists of record ids.
std::vector<std::vector<long long>> grouped(dd::Mode mode, const std::vector<dd::Record>& records,
                                            double threshold = dd::kDefaultThreshold) {
  const auto groups = dd::group(dd::find_candidates(mode, records), records.size(), threshold);
  std::vector<std::vector<long long>> out;
  for (const auto& g : groups) {
    std::vector<long long> ids;
    for (auto m : g.members) ids.push_back(records[m].id);
    std::sort(ids.begin(), ids.end());
    out.push_back(ids);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool together(const std::vector<std::vector<long long>>& groups, long long a, long long b) {
  for (const auto& g : groups)
    if (std::find(g.begin(), g.end(), a) != g.end()) return std::find(g.begin(), g.end(), b) != g.end();
  return false;
}

}  // namespace

TEST_CASE("company names are compared without case, punctuation, accents, 'The', '&'/'and', suffixes") {
  CHECK(dd::company_key("ACME Corporation") == dd::company_key("Acme Corp."));
  CHECK(dd::company_key("The Carter Group") == dd::company_key("Carter Group Ltd"));
  CHECK(dd::company_key("Hartley & Moss LLP") == dd::company_key("Hartley and Moss"));
  CHECK(dd::company_key("Café Zürich GmbH") == "cafe zurich");
  CHECK(dd::company_key("Pinnacle Mfg Intl, Inc.") ==
        dd::company_key("Pinnacle Manufacturing International Incorporated"));
  CHECK(dd::company_key("  Brightwater   Logistics  Co Ltd ") == "brightwater logistics");
  CHECK(dd::company_key("St Mary's High School") == dd::company_key("Saint Marys High School"));
  CHECK(dd::company_key("A.B.C. Plumbing") == dd::company_key("A B C Plumbing"));
  // A name that is only a suffix survives, and real differences stay.
  CHECK(dd::company_key("Ltd") == "ltd");
  CHECK(dd::company_key("Summit Dental") != dd::company_key("Summit Legal LLP"));
}

TEST_CASE("domains, phones, addresses and person names normalise") {
  CHECK(dd::website_domain("https://www.Acme.com/about?x=1") == "acme.com");
  CHECK(dd::website_domain("acme.co.uk") == "acme.co.uk");
  CHECK(dd::website_domain("not a site") == "");
  CHECK(dd::email_domain("Jane.Doe@ACME.com") == "acme.com");
  CHECK(dd::email_domain("mike.ross@@pearsonhardman") == "");
  CHECK(dd::generic_email_domain("gmail.com"));
  CHECK(dd::phone_key("+44 (0)20 7946 0018") == dd::phone_key("020 7946 0018"));
  CHECK(dd::phone_key("123") == "");
  CHECK(dd::address_key("12 High Street, London SW1A 1AA") == dd::address_key("12 high st london sw1a1aa"));
  CHECK(dd::person_key("Doe, Jane") == dd::person_key("jane DOE"));
}

TEST_CASE("edit distance counts an adjacent swap as one edit and stops at the limit") {
  CHECK(dd::edit_distance("logistics", "logistcs", 2) == 1);
  CHECK(dd::edit_distance("logistics", "logsitics", 2) == 1);
  CHECK(dd::edit_distance("dental", "legal", 1) == 2);  // limit + 1
  CHECK(dd::edit_distance("abc", "abc", 0) == 0);
}

TEST_CASE("clients: variations of one company group together, different companies sharing words do not") {
  const std::vector<dd::Record> records = {
      client(1, "Acme Corp"),
      client(2, "ACME Corporation"),
      client(3, "Summit Dental"),
      client(4, "Summit Legal LLP"),
      client(5, "Brightwater Logistics"),
      client(6, "Brightwater Logistcs"),
      client(7, "The Carter Group"),
      client(8, "Carter Group Ltd"),
      client(9, "Harbour Dental 2"),
      client(10, "Harbour Dental 3"),
      client(11, "Apex"),
      client(12, "Apix"),
  };
  const auto groups = grouped(dd::Mode::clients, records);
  CHECK(together(groups, 1, 2));
  CHECK(together(groups, 5, 6));
  CHECK(together(groups, 7, 8));
  CHECK_FALSE(together(groups, 3, 4));
  CHECK_FALSE(together(groups, 9, 10));   // numbered branches differ
  CHECK_FALSE(together(groups, 11, 12));  // one letter in a four-letter name is too little on its own
  CHECK(groups.size() == 3);
}

TEST_CASE("clients: a shared website or phone is evidence, not proof") {
  const std::vector<dd::Record> records = {
      client(1, "Northwind Traders", "https://northwind.com"),
      client(2, "Northwind Trading Co", "http://www.northwind.com/contact"),
      client(3, "Harbour Health Group", "harbourhealth.co.uk"),
      client(4, "Kingsway Vets", "harbourhealth.co.uk"),
      client(5, "Apex", "", "020 7946 0018"),
      client(6, "Apix", "", "+44 20 7946 0018"),
  };
  const auto candidates = dd::find_candidates(dd::Mode::clients, records);
  const auto groups = dd::group(candidates, records.size(), dd::kDefaultThreshold);
  auto ids = grouped(dd::Mode::clients, records);
  CHECK(together(ids, 1, 2));
  CHECK_FALSE(together(ids, 3, 4));  // same domain, unrelated names
  CHECK(together(ids, 5, 6));        // one letter apart and the same phone
  for (const auto& g : groups) {
    const auto reasons = dd::describe(g.reasons);
    if (records[g.members[0]].id == 1)
      CHECK(std::find(reasons.begin(), reasons.end(), "same website domain") != reasons.end());
    if (records[g.members[0]].id == 5) {
      CHECK(std::find(reasons.begin(), reasons.end(), "same phone number") != reasons.end());
      CHECK(std::find(reasons.begin(), reasons.end(), "names differ by one letter") != reasons.end());
    }
    CHECK(g.score > 0);
    CHECK(g.score <= 1);
  }
}

TEST_CASE("the threshold decides which links count; groups come best first") {
  const std::vector<dd::Record> records = {client(1, "Quinn & Marsh Electrical"), client(2, "Marsh & Quinn Electrical"),
                                           client(3, "Acme Corp"), client(4, "Acme Ltd")};
  CHECK(grouped(dd::Mode::clients, records, 0.75).size() == 1);  // word order alone is below the default
  const auto low = dd::group(dd::find_candidates(dd::Mode::clients, records), records.size(), 0.6);
  REQUIRE(low.size() == 2);
  CHECK(low[0].score > low[1].score);
  CHECK(records[low[0].members[0]].id == 3);
}

TEST_CASE("contacts: same e-mail anywhere, same name at one client, same phone with the same name") {
  auto contact = [](long long id, std::string name, long long client_id, std::string email, std::string phone = {}) {
    dd::Record r;
    r.id = id;
    r.name = std::move(name);
    r.client_id = client_id;
    if (!email.empty()) r.emails.push_back(std::move(email));
    if (!phone.empty()) r.phones.push_back(std::move(phone));
    return r;
  };
  const std::vector<dd::Record> records = {
      contact(1001, "Jane Doe", 1, "jane.doe@acme.com"),
      contact(1005, "Jane Doe", 2, "Jane.Doe@ACME.com"),
      contact(1007, "Helen Marsh", 3, "helen@summitdental.co.uk"),
      contact(1012, "Helen Marsh", 4, "helen@summitlegal.co.uk"),
      contact(1020, "Tom Baker", 5, ""),
      contact(1021, "Baker, Tom", 5, ""),
      contact(1030, "Ann Lee", 7, "", "020 7946 0000"),
      contact(1031, "Bob Stone", 7, "", "020 7946 0000"),
  };
  const auto groups = grouped(dd::Mode::contacts, records);
  CHECK(together(groups, 1001, 1005));
  CHECK(together(groups, 1020, 1021));
  CHECK_FALSE(together(groups, 1007, 1012));  // same name at different clients
  CHECK_FALSE(together(groups, 1030, 1031));  // a shared switchboard number
}

TEST_CASE("sites: the same address, loosely compared") {
  auto site = [](long long id, long long client_id, std::string address) {
    dd::Record r;
    r.id = id;
    r.client_id = client_id;
    r.address = std::move(address);
    return r;
  };
  const std::vector<dd::Record> records = {site(101, 1, "1 Acme Way, Leeds LS1 4AB"),
                                           site(102, 2, "1 ACME WAY LEEDS LS14AB"),
                                           site(103, 1, "2 Acme Way, Leeds LS1 4AB"), site(104, 3, "")};
  const auto groups = grouped(dd::Mode::sites, records);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0] == std::vector<long long>{101, 102});
}

TEST_CASE("a cancelled scan stops with Cancelled") {
  std::vector<dd::Record> records;
  for (int i = 0; i < 10000; ++i) records.push_back(client(i + 1, "Company " + std::to_string(i)));
  CHECK_THROWS_AS(dd::find_candidates(dd::Mode::clients, records, [] { return true; }), dd::Cancelled);
}

TEST_CASE("scale: 20,000 clients with a block of identical names group in linear time") {
  std::vector<dd::Record> records;
  for (int i = 0; i < 20000; ++i)
    records.push_back(client(i + 1, i % 2 ? "Same Name Ltd" : "Unique " + std::to_string(i)));
  const auto candidates = dd::find_candidates(dd::Mode::clients, records);
  CHECK(candidates.edges.size() < 40000);  // a star per block, never all pairs
  const auto groups = dd::group(candidates, records.size(), dd::kDefaultThreshold);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].members.size() == 10000);
}
