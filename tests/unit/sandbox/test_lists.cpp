#include <algorithm>
#include <set>

#include "helpers.h"

using sbtest::json;
using sbtest::Tenant;

namespace {

std::vector<long long> ids(const json& rows) {
  std::vector<long long> out;
  for (const auto& r : rows) out.push_back(r.at("id").get<long long>());
  return out;
}

std::vector<std::string> names(const json& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.at("name").get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("lists come in Halo's envelopes, active records only by default") {
  Tenant t;
  const json clients = t.get_json("/api/Client");
  CHECK(clients["record_count"] == 36);
  CHECK(clients["clients"].size() == 36);
  CHECK_FALSE(clients.contains("page_no"));
  for (const auto& c : clients["clients"]) CHECK(c["inactive"] == false);

  CHECK(t.get_json("/api/Client?includeactive=true&includeinactive=true")["record_count"] == 40);
  CHECK(t.get_json("/api/Client?includeactive=true&includeinactive=true")["record_count"] == 40);
  const json inactive = t.get_json("/api/Client?includeactive=false&includeinactive=true");
  CHECK(ids(inactive["clients"]) == std::vector<long long>{25, 24, 23, 26});  // ordered by name
  CHECK(t.get_json("/api/Client?activeinactive=false,true")["record_count"] == 4);
  CHECK(t.get_json("/api/Client?includeactive=false")["record_count"] == 0);

  CHECK(t.get_json("/api/Site")["record_count"] == 47);
  CHECK(t.get_json("/api/Site?includeactive=true&includeinactive=true")["record_count"] == 48);
  CHECK(t.get_json("/api/Users")["record_count"] == 64);
  CHECK(t.get_json("/api/Users?includeactive=true&includeinactive=true")["record_count"] == 68);

  const json tree = t.get_json("/api/TopLevel");
  CHECK(tree["record_count"] == 2);
  CHECK(names(tree["tree"]) == std::vector<std::string>{"Managed Services", "Projects & Ad-hoc"});
}

TEST_CASE("without pageinate the quiet default page is served, record_count still the total") {
  auto options = sbtest::memory_options();
  options.default_page_size = 10;
  options.max_page_size = 15;
  Tenant t(options);
  const json quiet = t.get_json("/api/Client?includeactive=true&includeinactive=true&page_size=30&page_no=2");
  CHECK(quiet["record_count"] == 40);
  CHECK(quiet["clients"].size() == 10);
  CHECK(ids(quiet["clients"]) == ids(t.get_json("/api/Client?includeactive=true&includeinactive=true")["clients"]));

  // pageinate without page_no is still the default page.
  CHECK(t.get_json("/api/Client?pageinate=true&page_size=12")["clients"].size() == 10);
  // count asks for more rows without paging.
  CHECK(t.get_json("/api/Client?count=25")["clients"].size() == 25);

  SUBCASE("pageinate + page_no walks every record exactly once") {
    std::vector<long long> seen;
    for (int page = 1;; ++page) {
      const json p =
          t.get_json("/api/Client?includeactive=true&includeinactive=true&pageinate=true&page_size=7&page_no=" +
                     std::to_string(page));
      CHECK(p["record_count"] == 40);
      CHECK(p["page_no"] == page);
      if (p["clients"].empty()) break;
      for (long long id : ids(p["clients"])) seen.push_back(id);
    }
    CHECK(seen.size() == 40);
    CHECK(std::set<long long>(seen.begin(), seen.end()).size() == 40);
  }
  SUBCASE("a page_size above the server's cap is silently capped") {
    const json p = t.get_json("/api/Users?pageinate=true&page_no=1&page_size=500");
    CHECK(p["users"].size() == 15);
    CHECK(p["page_size"] == 15);
    CHECK(p["record_count"] == 64);
  }
}

TEST_CASE("search, client/site/toplevel filters and ordering") {
  Tenant t;
  CHECK(names(t.get_json("/api/Client?search=acme")["clients"]) ==
        std::vector<std::string>{"Acme Corp", "ACME Corporation"});
  CHECK(names(t.get_json("/api/Client?search=Summit")["clients"]) ==
        std::vector<std::string>{"Summit Dental", "Summit Legal LLP"});
  CHECK(names(t.get_json("/api/Client?search=brightwater")["clients"]) ==
        std::vector<std::string>{"Brightwater Logistcs", "Brightwater Logistics"});
  CHECK(t.get_json("/api/Client?search=%25")["record_count"] == 0);  // LIKE wildcards are literal
  CHECK(t.get_json("/api/Client?search_name_only=carter")["record_count"] == 2);

  const json jane = t.get_json("/api/Users?search=jane.doe@acme.com");
  CHECK(ids(jane["users"]) == std::vector<long long>{1001, 1005});
  CHECK(jane["users"][0]["client_id"] != jane["users"][1]["client_id"]);
  CHECK(t.get_json("/api/Users?search=0117%20496%200102&search_phonenumbers=true")["record_count"] == 1);

  CHECK(ids(t.get_json("/api/Site?client_id=1")["sites"]) == std::vector<long long>{101, 102});
  CHECK(ids(t.get_json("/api/Site?site_id=104")["sites"]) == std::vector<long long>{104});
  // The inactive client 24 still has two active contacts.
  CHECK(ids(t.get_json("/api/Users?client_id=24")["users"]) == std::vector<long long>{1046, 1045});
  CHECK(ids(t.get_json("/api/Users?site_id=101&order=id")["users"]) == std::vector<long long>{1001, 1002, 1003});

  const json tl2 = t.get_json("/api/Client?toplevel_id=2");
  CHECK(tl2["record_count"] == 8);
  for (const auto& c : tl2["clients"]) CHECK(c["toplevel_name"] == "Projects & Ad-hoc");
  CHECK(t.get_json("/api/Site?toplevel_id=2&includeactive=true&includeinactive=true")["record_count"] == 10);

  const json desc = t.get_json("/api/Client?order=name&orderdesc=true&count=3");
  CHECK(names(desc["clients"]) ==
        std::vector<std::string>{"Willow Creek Academy", "The Carter Group", "Summit Legal LLP"});
  CHECK(ids(t.get_json("/api/Client?order=id&orderdesc=true&count=2")["clients"]) == std::vector<long long>{40, 39});

  auto bad = t.get("/api/Site?client_id=abc");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body).contains("client_id"));
  CHECK(t.get_json("/api/Client?someunknownparam=1")["record_count"] == 36);  // unknown parameters are ignored
}

TEST_CASE("single records are bare objects with Halo's derived fields") {
  Tenant t;
  const json acme = t.get_json("/api/Client/1?includedetails=true");
  CHECK(acme["id"] == 1);
  CHECK(acme["name"] == "Acme Corp");
  CHECK(acme["main_site_id"] == 101);
  CHECK(acme["main_site_name"] == "Head Office");
  CHECK(acme["main_phonenumber"] == "0117 496 0101");
  CHECK(acme["toplevel_name"] == "Managed Services");
  CHECK(acme["customertype"] == 1);
  CHECK(acme["customfields"][0]["value"] == "Gold");

  const json kingsway = t.get_json("/api/Client/8");
  CHECK(kingsway["client_to_invoice"] == 7);
  CHECK(kingsway["client_to_invoice_name"] == "Harbour Health Group");
  CHECK_FALSE(t.get_json("/api/Client/22").contains("main_site_id"));  // Kestrel Ventures has no sites

  const json site = t.get_json("/api/Site/102");
  CHECK(site["client_id"] == 1);
  CHECK(site["client_name"] == "Acme Corp");
  CHECK(site["delivery_address"]["postcode"] == "BS11 9YA");

  const json user = t.get_json("/api/Users/1001");
  CHECK(user["site_id"] == 101);
  CHECK(user["site_name"] == "Head Office");
  CHECK(user["client_id"] == 1);
  CHECK(user["client_name"] == "Acme Corp");
  CHECK(user["ulastupdate"].get<std::string>().size() == 24);

  auto missing = t.get("/api/Client/9999");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body)["Message"] == "Client 9999 not found.");
  CHECK(t.get("/api/Users/101")->status == 404);  // a site id is not a contact id
}

TEST_CASE("tickets, contracts and the client-type lookup") {
  Tenant t;
  const json tickets = t.get_json("/api/Tickets?pageinate=true&page_no=1&page_size=100");
  CHECK(tickets["record_count"] == 30);
  CHECK(tickets["tickets"][0]["id"] == 5030);  // newest first
  CHECK(t.get_json("/api/Tickets?open_only=true")["record_count"] == 16);
  CHECK(t.get_json("/api/Tickets?closed_only=true")["record_count"] == 14);
  CHECK(ids(t.get_json("/api/Tickets?client_id=1&open_only=true")["tickets"]) == std::vector<long long>{5003, 5002});
  const json closed = t.get_json("/api/Tickets?client_id=1&closed_only=true")["tickets"];
  REQUIRE(closed.size() == 1);
  CHECK(closed[0]["summary"] == "Outlook keeps asking for password");
  CHECK(closed[0]["client_name"] == "Acme Corp");
  CHECK(closed[0]["user_name"] == "Priya Patel");
  CHECK(t.get_json("/api/Tickets?user_id=1045")["tickets"][0]["id"] == 5023);
  CHECK(t.get_json("/api/Tickets?site_id=102")["record_count"] == 1);
  CHECK(t.get_json("/api/Tickets/5023")["client_name"] == "Gamma Print Ltd");

  const json contracts = t.get_json("/api/ClientContract");
  CHECK(contracts["record_count"] == 13);
  CHECK(t.get_json("/api/ClientContract?includeinactive=true")["record_count"] == 15);
  const json gamma = t.get_json("/api/ClientContract?client_id=24&pageinate=true&page_no=1");
  REQUIRE(gamma["contracts"].size() == 1);
  CHECK(gamma["contracts"][0]["ref"] == "GP-BACKUP-2024");
  CHECK(gamma["contracts"][0]["client_name"] == "Gamma Print Ltd");

  // Client types are table 57 by default (client_type_lookup_id), not 33 (see test_quirks.cpp).
  const json types = t.get_json("/api/Lookup?lookupid=57&exclude_zero=true");
  REQUIRE(types.is_array());
  CHECK(names(types) == std::vector<std::string>{"Customer", "Prospect", "Lead", "Partner", "Vendor", "Supplier"});
  CHECK(types[0]["lookupid"] == 57);
  CHECK(t.get_json("/api/Lookup?lookupid=999").empty());
}
