// The quirk switches (sandbox/README.md "Quirk switches"): each one in both settings, the control API, and the
// rules that hold whatever the switches say (float ids refused, merge and anonymise helpers acted on, scopes).
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

json row_with_id(const json& rows, long long id) {
  for (const auto& r : rows)
    if (r.at("id") == id) return r;
  FAIL("no row with id " << id);
  return {};
}

std::string token_for(const Tenant& t, const std::string& scope) {
  auto r = t.token_request(
      "grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret"
      "&scope=" +
      scope);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  return json::parse(r->body).at("access_token").get<std::string>();
}

}  // namespace

TEST_CASE("quirks control API: strict defaults, changes, presets, bad input named, reset") {
  Tenant t;
  const json defaults = t.control("GET", "/_sandbox/quirks");
  CHECK(defaults == json{{"list_rows", "list"},
                         {"site_address_shape", "flat"},
                         {"client_type_lookup_id", 57},
                         {"lookup_type_name", "Customer Type"},
                         {"first_site_becomes_main", false},
                         {"null_clears_billing_parent", false},
                         {"address_update_needs_id", true},
                         {"client_search_scope", "wide"},
                         {"include_pair_defaults", "strict"},
                         {"post_answer", "object"},
                         {"rate_limit", {{"limit", 0}, {"window_seconds", 300}}},
                         {"rate_limit_retry_after", false},
                         {"rate_limit_body", "json"},
                         {"refresh_token_rotation", "rotate"},
                         {"custom_fields", "optional"},
                         {"mandatory_custom_fields_enforced", true},
                         {"popup_notes_on_record", false},
                         {"popup_notes_write", "replace"}});

  CHECK(t.quirks({{"list_rows", "full"}})["list_rows"] == "full");

  for (const auto& [body, named] : std::vector<std::pair<json, std::string>>{
           {{{"no_such_switch", 1}}, "no_such_switch"},
           {{{"list_rows", "partial"}}, "list_rows"},
           {{{"first_site_becomes_main", "yes"}}, "first_site_becomes_main"},
           {{{"client_type_lookup_id", 0}}, "client_type_lookup_id"},
           {{{"rate_limit", {{"limit", 3}, {"window", 60}}}}, "rate_limit.window"},
           {{{"preset", "gentle"}}, "preset"}}) {
    CAPTURE(body);
    auto r = t.client()->Post("/_sandbox/quirks", body.dump(), "application/json");
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body)["error"].get<std::string>().find(named) != std::string::npos);
  }
  // A bad request changes nothing, not even the valid names in it.
  auto mixed =
      t.client()->Post("/_sandbox/quirks", json{{"post_answer", "array"}, {"bogus", 1}}.dump(), "application/json");
  REQUIRE(mixed);
  CHECK(mixed->status == 400);
  CHECK(t.control("GET", "/_sandbox/quirks")["post_answer"] == "object");

  const json kind = t.quirks({{"preset", "kind"}});
  CHECK(kind["list_rows"] == "full");
  CHECK(kind["site_address_shape"] == "nested");
  CHECK(kind["client_type_lookup_id"] == 33);
  CHECK(kind["first_site_becomes_main"] == true);
  CHECK(kind["null_clears_billing_parent"] == true);
  CHECK(kind["address_update_needs_id"] == false);
  CHECK(kind["client_search_scope"] == "name");
  CHECK(kind["include_pair_defaults"] == "lenient");
  CHECK(kind["post_answer"] == "array");
  CHECK(kind["rate_limit_retry_after"] == true);
  CHECK(kind["rate_limit_body"] == "text");
  CHECK(kind["popup_notes_on_record"] == true);
  CHECK(kind["popup_notes_write"] == "add");
  CHECK(kind["refresh_token_rotation"] == "reuse");
  CHECK(kind["mandatory_custom_fields_enforced"] == false);
  CHECK(kind["custom_fields"] == "optional");  // tenant configuration: a preset leaves it as it is
  CHECK(t.quirks({{"custom_fields", "mandatory"}, {"preset", "kind"}})["custom_fields"] == "mandatory");
  t.quirks({{"custom_fields", "optional"}});
  CHECK(t.quirks({{"preset", "strict"}}) == defaults);

  t.quirks({{"preset", "kind"}});
  t.control("POST", "/_sandbox/reset");
  CHECK(t.control("GET", "/_sandbox/quirks") == defaults);

  SUBCASE("the C++ API is the same switchboard") {
    t.sb->quirks().set({{"client_search_scope", "name"}});
    CHECK(t.control("GET", "/_sandbox/quirks")["client_search_scope"] == "name");
    CHECK_THROWS_AS(t.sb->quirks().set({{"client_search_scope", "everything"}}), std::invalid_argument);
    t.sb->reset();
    CHECK(t.sb->quirks().get().client_search_scope == sandbox::Quirks::SearchScope::Wide);
  }
}

TEST_CASE("Options.quirks (HALOPSA_SANDBOX_QUIRKS) apply at start and after every reset; a bad one is refused") {
  auto options = sbtest::memory_options();
  options.quirks = R"({"list_rows": "full", "rate_limit": {"limit": 50, "window_seconds": 60}})";
  Tenant t(options);
  CHECK(t.control("GET", "/_sandbox/quirks")["list_rows"] == "full");
  t.quirks({{"list_rows", "list"}});
  t.control("POST", "/_sandbox/reset");
  const json after = t.control("GET", "/_sandbox/quirks");
  CHECK(after["list_rows"] == "full");
  CHECK(after["rate_limit"] == json{{"limit", 50}, {"window_seconds", 60}});

  auto kind = sbtest::memory_options();
  kind.quirks = "kind";
  Tenant k(kind);
  CHECK(k.control("GET", "/_sandbox/quirks")["post_answer"] == "array");

  auto bad = sbtest::memory_options();
  bad.quirks = R"({"list_rows": "sometimes"})";
  CHECK_THROWS_WITH_AS(sandbox::Sandbox{bad}, doctest::Contains("list_rows"), std::runtime_error);
  bad.quirks = "gentle";
  CHECK_THROWS_WITH_AS(sandbox::Sandbox{bad}, doctest::Contains("HALOPSA_SANDBOX_QUIRKS"), std::runtime_error);

  SUBCASE("Options.rate_limit is the strict default a reset returns to (the server's embedded sandbox)") {
    auto limited = sbtest::memory_options();
    limited.rate_limit = {300, 300};
    Tenant l(limited);
    l.quirks({{"rate_limit", {{"limit", 0}, {"window_seconds", 300}}}});
    l.control("POST", "/_sandbox/reset");
    CHECK(l.control("GET", "/_sandbox/quirks")["rate_limit"] == json{{"limit", 300}, {"window_seconds", 300}});
  }
}

TEST_CASE("list_rows: \"list\" rows carry only the *_List fields, with float ids; \"full\" the whole record") {
  Tenant t;
  const json acme = row_with_id(t.get_json("/api/Client?search_name_only=acme")["clients"], 1);
  for (const char* absent : {"main_site_id", "main_site_name", "website", "main_phonenumber", "accountsemailaddress",
                             "trading_name", "datecreated", "alastupdate", "customertype_new"}) {
    CAPTURE(absent);
    CHECK_FALSE(acme.contains(absent));
  }
  CHECK(acme["name"] == "Acme Corp");
  CHECK(acme["customertype"] == 1);
  CHECK(acme["ref"] == "ACME01");

  auto users = t.get("/api/Users?site_id=101&order=id");
  REQUIRE(users);
  CHECK(users->body.find("\"site_id\":101.0") != std::string::npos);
  const json jane = json::parse(users->body)["users"][0];
  CHECK(jane["site_id"].is_number_float());
  CHECK(jane["site_id_int"] == 101);
  CHECK_FALSE(jane.contains("ulastupdate"));
  auto sites = t.get("/api/Site?client_id=1");
  REQUIRE(sites);
  CHECK(sites->body.find("\"client_id\":1.0") != std::string::npos);
  CHECK_FALSE(json::parse(sites->body)["sites"][0].contains("slastupdate"));

  // A null field is left out of a Users row altogether.
  t.post_json("/api/Users", json::array({{{"id", 1002}, {"emailaddress", nullptr}}}));
  CHECK(t.get_json("/api/Users/1002").contains("emailaddress"));
  CHECK_FALSE(row_with_id(t.get_json("/api/Users?site_id=101")["users"], 1002).contains("emailaddress"));

  // includedetails is for single records: it changes nothing on a list.
  CHECK(t.get_json("/api/Client?includedetails=true") == t.get_json("/api/Client"));

  t.quirks({{"list_rows", "full"}});
  const json full = row_with_id(t.get_json("/api/Client?search_name_only=acme")["clients"], 1);
  CHECK(full["main_site_id"] == 101);
  CHECK(full["website"] == "https://www.acme.com");
  const json full_jane = t.get_json("/api/Users?site_id=101&order=id")["users"][0];
  CHECK(full_jane["site_id"].is_number_integer());
  CHECK(row_with_id(t.get_json("/api/Users?site_id=101")["users"], 1002)["emailaddress"].is_null());
}

TEST_CASE("notes only with includenotes=true, whatever list_rows says") {
  Tenant t;
  for (const char* rows : {"list", "full"}) {
    CAPTURE(rows);
    t.quirks({{"list_rows", rows}});
    CHECK_FALSE(row_with_id(t.get_json("/api/Client?search_name_only=acme")["clients"], 1).contains("notes"));
    CHECK(row_with_id(t.get_json("/api/Client?search_name_only=acme&includenotes=true")["clients"], 1)["notes"] ==
          "Gold MSA. Warehouse alarm code held by Gary Oldham.");
    CHECK(t.get_json("/api/Client/1").contains("notes"));  // a single record has them
  }
}

TEST_CASE("site_address_shape: the address only with includeaddress=true, flat lines or a nested object") {
  Tenant t;
  for (const char* rows : {"list", "full"}) {
    CAPTURE(rows);
    t.quirks({{"list_rows", rows}, {"site_address_shape", "flat"}});
    const json bare = row_with_id(t.get_json("/api/Site?client_id=1")["sites"], 101);
    CHECK_FALSE(bare.contains("delivery_address"));
    CHECK_FALSE(bare.contains("delivery_address_line1"));

    const json flat = row_with_id(t.get_json("/api/Site?client_id=1&includeaddress=true")["sites"], 101);
    CHECK_FALSE(flat.contains("delivery_address"));
    CHECK(flat["delivery_address_line1"] == "1 Temple Way");
    CHECK(flat["delivery_address_line3"] == "Bristol");
    CHECK(flat["delivery_address_line5"] == "BS1 6HG");  // line5 = the postcode

    t.quirks({{"site_address_shape", "nested"}});
    const json nested = row_with_id(t.get_json("/api/Site?client_id=1&includeaddress=true")["sites"], 101);
    CHECK(nested["delivery_address"]["postcode"] == "BS1 6HG");
    CHECK_FALSE(nested.contains("delivery_address_line1"));
    CHECK_FALSE(row_with_id(t.get_json("/api/Site?client_id=1")["sites"], 101).contains("delivery_address"));
  }
  // A single site always has both address records, each with its AddressStore id.
  const json site = t.get_json("/api/Site/101");
  CHECK(site["delivery_address"]["id"].get<long long>() > 0);
  CHECK(site["invoice_address"]["id"].get<long long>() > 0);
  CHECK(site["delivery_address"]["id"] != site["invoice_address"]["id"]);
  const json created = t.post_json("/api/Site", json::array({{{"name", "Annex"}, {"client_id", 22}}}));
  CHECK(created["delivery_address"]["id"].get<long long>() > 0);
  CHECK(created["invoice_address"]["id"].get<long long>() > 0);
}

TEST_CASE("client_type_lookup_id / lookup_type_name: the lookup-type table 11 names the client-type table") {
  Tenant t;
  const json types = t.get_json("/api/Lookup?lookupid=11");
  CHECK(types[0] == json{{"lookupid", 11}, {"id", 0}, {"name", ""}});  // the id-0 default row
  CHECK(row_with_id(types, 57)["name"] == "Customer Type");
  CHECK(row_with_id(types, 21)["name"] == "Request Type");
  const json clients = t.get_json("/api/Lookup?lookupid=57&exclude_zero=true");
  CHECK(ids(clients) == std::vector<long long>{1, 2, 3, 4, 5, 6});
  CHECK(t.get_json("/api/Lookup?lookupid=57")[0]["id"] == 0);
  CHECK(t.get_json("/api/Lookup?lookupid=33").empty());  // 33 is not the client-type table

  // The client's customertype is a row of that table.
  const long long type = t.get_json("/api/Client/39")["customertype"];
  CHECK(row_with_id(clients, type)["name"] == "Vendor");

  t.quirks({{"client_type_lookup_id", 33}, {"lookup_type_name", "Client Type"}});
  const json renamed = t.get_json("/api/Lookup?lookupid=11");
  CHECK(row_with_id(renamed, 33)["name"] == "Client Type");
  CHECK(std::none_of(renamed.begin(), renamed.end(), [](const json& r) { return r["id"] == 57; }));
  CHECK(ids(t.get_json("/api/Lookup?lookupid=33&exclude_zero=true")) == std::vector<long long>{1, 2, 3, 4, 5, 6});
  CHECK(t.get_json("/api/Lookup?lookupid=57").empty());
}

TEST_CASE("first_site_becomes_main: false leaves a new client's first site as just a site") {
  Tenant t;
  const long long id = t.post_json("/api/Client", json::array({{{"name", "Quayside Opticians"}}}))["id"];
  t.post_json("/api/Site", json::array({{{"name", "Practice"}, {"client_id", id}}}));
  CHECK_FALSE(t.get_json("/api/Client/" + std::to_string(id)).contains("main_site_id"));

  t.quirks({{"first_site_becomes_main", true}});
  const long long other = t.post_json("/api/Client", json::array({{{"name", "Quayside Lenses"}}}))["id"];
  const long long site = t.post_json("/api/Site", json::array({{{"name", "Lab"}, {"client_id", other}}}))["id"];
  CHECK(t.get_json("/api/Client/" + std::to_string(other))["main_site_id"] == site);

  SUBCASE("the main site set explicitly is kept") {
    t.quirks({{"first_site_becomes_main", false}});
    const long long s = t.post_json("/api/Site", json::array({{{"name", "Shop"}, {"client_id", id}}}))["id"];
    const json c = t.post_json("/api/Client", json::array({{{"id", id}, {"main_site_id", s}}}));
    CHECK(c["main_site_id"] == s);
  }
}

TEST_CASE("null_clears_billing_parent: false ignores client_to_invoice: null (0 clears); true clears") {
  Tenant t;
  CHECK(t.post_json("/api/Client", json::array({{{"id", 8}, {"client_to_invoice", nullptr}}}))["client_to_invoice"] ==
        7);
  CHECK(t.get_json("/api/Client/8")["client_to_invoice_name"] == "Harbour Health Group");
  const json cleared = t.post_json("/api/Client", json::array({{{"id", 8}, {"client_to_invoice", 0}}}));
  CHECK(cleared["client_to_invoice"] == 0);
  CHECK_FALSE(cleared.contains("client_to_invoice_name"));

  t.quirks({{"null_clears_billing_parent", true}});
  const json nulled = t.post_json("/api/Client", json::array({{{"id", 9}, {"client_to_invoice", nullptr}}}));
  CHECK_FALSE(nulled.contains("client_to_invoice_name"));
  CHECK((nulled["client_to_invoice"].is_null() || nulled["client_to_invoice"] == 0));
}

TEST_CASE("address_update_needs_id: an address update without the address record's id is ignored") {
  Tenant t;
  const json before = t.get_json("/api/Site/102");
  const long long address_id = before["delivery_address"]["id"];
  const json ignored = t.post_json(
      "/api/Site",
      json::array({{{"id", 102}, {"delivery_address", {{"line1", "9 New Road"}, {"postcode", "BS2 0AA"}}}}}));
  CHECK(ignored["delivery_address"]["line1"] == "Unit 4, Avonmouth Way");
  const json taken = t.post_json(
      "/api/Site",
      json::array({{{"id", 102},
                    {"delivery_address", {{"id", address_id}, {"line1", "9 New Road"}, {"postcode", "BS2 0AA"}}}}}));
  CHECK(taken["delivery_address"]["line1"] == "9 New Road");
  CHECK(taken["delivery_address"]["postcode"] == "BS2 0AA");
  CHECK(taken["delivery_address"]["id"] == address_id);

  t.quirks({{"address_update_needs_id", false}});
  const json lenient =
      t.post_json("/api/Site", json::array({{{"id", 102}, {"delivery_address", {{"line1", "10 New Road"}}}}}));
  CHECK(lenient["delivery_address"]["line1"] == "10 New Road");
  CHECK(lenient["delivery_address"]["id"] == address_id);
}

TEST_CASE("client_search_scope: \"wide\" search also matches ref, trading name, website and notes; \"name\" the name") {
  Tenant t;
  CHECK(ids(t.get_json("/api/Client?search=HHG01")["clients"]) == std::vector<long long>{8});            // a ref
  CHECK(ids(t.get_json("/api/Client?search=acmecorporation")["clients"]) == std::vector<long long>{2});  // website
  CHECK(ids(t.get_json("/api/Client?search=alarm%20code")["clients"]) == std::vector<long long>{1});     // notes
  CHECK(t.get_json("/api/Client?search_name_only=HHG01")["record_count"] == 0);
  CHECK(t.get_json("/api/Client?search_name_only=Kingsway")["record_count"] == 1);

  t.quirks({{"client_search_scope", "name"}});
  CHECK(t.get_json("/api/Client?search=HHG01")["record_count"] == 0);
  CHECK(t.get_json("/api/Client?search=Kingsway")["record_count"] == 1);
}

TEST_CASE("include_pair_defaults: with one of the pair sent, \"strict\" counts the other false") {
  Tenant t;
  for (const char* resource : {"Client", "Site", "Users"}) {
    CAPTURE(resource);
    const std::string base = std::string("/api/") + resource;
    const long long active = t.get_json(base)["record_count"];
    const long long all = t.get_json(base + "?includeactive=true&includeinactive=true")["record_count"];
    const long long inactive = t.get_json(base + "?includeactive=false&includeinactive=true")["record_count"];
    REQUIRE(inactive > 0);
    CHECK(all == active + inactive);
    t.quirks({{"include_pair_defaults", "strict"}});
    CHECK(t.get_json(base + "?includeinactive=true")["record_count"] == inactive);
    CHECK(t.get_json(base + "?includeactive=true")["record_count"] == active);
    t.quirks({{"include_pair_defaults", "lenient"}});
    CHECK(t.get_json(base + "?includeinactive=true")["record_count"] == all);
    CHECK(t.get_json(base)["record_count"] == active);  // neither sent: active only
  }
}

TEST_CASE("post_answer: 201 with the object for one record (\"object\") or always an array (\"array\")") {
  Tenant t;
  auto one = t.post("/api/Client", json::array({{{"name", "One Ltd"}}}));
  REQUIRE(one);
  CHECK(one->status == 201);
  CHECK(json::parse(one->body).is_object());
  auto two = t.post("/api/Client", json::array({{{"name", "Two Ltd"}}, {{"name", "Three Ltd"}}}));
  REQUIRE(two);
  CHECK(two->status == 201);
  CHECK(json::parse(two->body).size() == 2);

  t.quirks({{"post_answer", "array"}});
  const json arr = t.post_json("/api/Client", json::array({{{"id", 1}, {"notes", "x"}}}));
  REQUIRE(arr.is_array());
  CHECK(arr[0]["id"] == 1);
}

TEST_CASE("rate_limit: a rolling window counted over /api requests; 429 body and Retry-After per the switches") {
  Tenant t;
  t.quirks({{"rate_limit", {{"limit", 3}, {"window_seconds", 600}}}});
  for (int i = 0; i < 3; ++i) CHECK(t.get("/api/Client/1")->status == 200);
  auto over = t.get("/api/Client/1");
  REQUIRE(over);
  CHECK(over->status == 429);
  CHECK(json::parse(over->body) == json{{"error", "Rate Limit Reached - 3 Requests per rolling 10 minute window"}});
  CHECK_FALSE(over->has_header("Retry-After"));
  CHECK(t.post("/api/Client", json::array({{{"name", "Blocked"}}}))->status == 429);  // writes count too
  CHECK(t.token_request("grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret"
                        "&scope=all")
            ->status == 200);  // the token endpoint is not /api

  t.quirks({{"rate_limit_retry_after", true}, {"rate_limit_body", "text"}});
  auto told = t.get("/api/Client");
  REQUIRE(told);
  CHECK(told->status == 429);
  CHECK(told->get_header_value("Content-Type").find("text/plain") == 0);
  CHECK(told->body == "Rate Limit Reached - 3 Requests per rolling 10 minute window");
  const int wait = std::stoi(told->get_header_value("Retry-After"));
  CHECK(wait >= 1);
  CHECK(wait <= 600);

  t.control("POST", "/_sandbox/reset");  // the window empties and the limit is off again
  for (int i = 0; i < 5; ++i) CHECK(t.get("/api/Client/1")->status == 200);
}

TEST_CASE("always: a write with a float id is refused, named by model path") {
  Tenant t;
  auto r = t.post("/api/Users", json::array({{{"id", 1001}, {"site_id", 101.0}}}));
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body).contains("[0].site_id"));
  auto s = t.post("/api/Site", json::array({{{"name", "Float Site"}, {"client_id", 5.0}}}));
  REQUIRE(s);
  CHECK(s->status == 400);
  CHECK(json::parse(s->body).contains("[0].client_id"));
  CHECK(t.get_json("/api/Site?search=Float")["record_count"] == 0);
  CHECK(t.post_json("/api/Users", json::array({{{"id", 1001}, {"site_id", 102}}}))["site_id"] == 102);
}

TEST_CASE("always: _merge_client_into really merges the client into another") {
  Tenant t;
  const long long tickets_14 = t.get_json("/api/Tickets?client_id=14")["record_count"];
  const long long tickets_13 = t.get_json("/api/Tickets?client_id=13")["record_count"];
  const json moved_users = t.get_json("/api/Users?client_id=14&includeactive=true&includeinactive=true")["users"];
  REQUIRE(moved_users.size() > 0);
  const json answer = t.post_json("/api/Client", json::array({{{"id", 14}, {"_merge_client_into", 13}}}));
  CHECK(answer["id"] == 13);
  CHECK(t.get("/api/Client/14")->status == 404);
  CHECK(t.get_json("/api/Site/119")["client_id"] == 13);
  for (const auto& u : moved_users)
    CHECK(t.get_json("/api/Users/" + std::to_string(u["id"].get<long long>()))["client_id"] == 13);
  CHECK(t.get_json("/api/Tickets?client_id=14")["record_count"] == 0);
  CHECK(t.get_json("/api/Tickets?client_id=13")["record_count"] == tickets_13 + tickets_14);

  auto self = t.post("/api/Client", json::array({{{"id", 13}, {"_merge_client_into", 13}}}));
  REQUIRE(self);
  CHECK(self->status == 400);
  CHECK(json::parse(self->body).contains("[0]._merge_client_into"));
  auto nowhere = t.post("/api/Client", json::array({{{"id", 13}, {"_merge_client_into", 999}}}));
  REQUIRE(nowhere);
  CHECK(nowhere->status == 400);
}

TEST_CASE("always: _merge_user_into merges a contact; _anonymise blanks name, e-mail and phones") {
  Tenant t;
  const json merged = t.post_json("/api/Users", json::array({{{"id", 1016}, {"_merge_user_into", 1013}}}));
  CHECK(merged["id"] == 1013);
  CHECK(t.get("/api/Users/1016")->status == 404);

  const json anon = t.post_json("/api/Users", json::array({{{"id", 1001}, {"_anonymise", true}}}));
  CHECK(anon["name"] == "");
  CHECK(anon["emailaddress"] == "");
  CHECK(t.get_json("/api/Users?search=jane.doe@acme.com")["record_count"] == 1);  // only 1005 is left
  const json kept = t.post_json("/api/Users", json::array({{{"id", 1002}, {"_anonymise", false}}}));
  CHECK(kept["name"] != "");
}

TEST_CASE("always: scopes are enforced; a read:customers token cannot write, an unknown scope gets no token") {
  Tenant t;
  t.token = token_for(t, "read:customers");
  CHECK(t.get("/api/Client/1")->status == 200);
  for (const char* path : {"/api/Client", "/api/Site", "/api/Users", "/api/Lookup"}) {
    CAPTURE(path);
    auto r = t.post(path, json::array({{{"name", "Nope"}}}));
    REQUIRE(r);
    CHECK(r->status == 403);
  }
  CHECK(t.del("/api/Client/22")->status == 403);
  CHECK(t.get("/api/Tickets")->status == 403);  // no :tickets scope

  t.token = token_for(t, "edit:customers");
  CHECK(t.post("/api/Client", json::array({{{"name", "Allowed Ltd"}}}))->status == 201);

  auto bad = t.token_request(
      "grant_type=client_credentials&client_id=halopsa-sandbox&client_secret=sandbox-secret"
      "&scope=read:actions");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["error"] == "invalid_scope");
}

namespace {
long long mandatory_count(const json& defs) {
  return std::count_if(defs.begin(), defs.end(), [](const json& d) { return d["mandatory"] == true; });
}
}  // namespace

TEST_CASE(
    "FieldInfo serves custom-field definitions by typeid (2 clients, 3 sites, 4 contacts) for the tenant the "
    "custom_fields switch picks") {
  Tenant t;
  const json clients = t.get_json("/api/FieldInfo?typeid=2");
  REQUIRE(clients.is_array());
  CHECK(clients.size() == 3);
  CHECK(mandatory_count(clients) == 0);
  CHECK(t.get_json("/api/FieldInfo?typeid=3").size() == 2);  // CFSiteAccessHours, CFAlarmPassword
  CHECK(t.get_json("/api/FieldInfo?typeid=4").empty());
  CHECK(t.get_json("/api/FieldInfo?typeid=1").empty());

  t.quirks({{"custom_fields", "mandatory"}});
  CHECK(mandatory_count(t.get_json("/api/FieldInfo?typeid=2")) == 1);  // CFBillingCode
  const json sites = t.get_json("/api/FieldInfo?typeid=3");
  CHECK(sites.size() == 3);
  CHECK(mandatory_count(sites) == 1);  // CFSiteCode
  const json contacts = t.get_json("/api/FieldInfo?typeid=4");
  CHECK(contacts.size() == 2);
  CHECK(mandatory_count(contacts) == 1);  // CFEmployeeId
}

TEST_CASE("mandatory_custom_fields_enforced: a create missing a mandatory custom field is refused naming its label") {
  Tenant t;
  t.quirks({{"custom_fields", "mandatory"}});
  auto r = t.post("/api/Client", json::array({{{"name", "No Code Ltd"}}}));
  REQUIRE(r);
  CHECK(r->status == 400);
  const json body = json::parse(r->body);
  CHECK(body["[0].customfields"] == "'Billing code' is mandatory.");
  CHECK(t.get_json("/api/Client?search=No%20Code&includeactive=true&includeinactive=true")["record_count"] == 0);

  // Given by id (a blank value does not count), or by name: created. An update never needs it.
  CHECK(t.post("/api/Client",
               json::array({{{"name", "Blank Code Ltd"}, {"customfields", {{{"id", 103}, {"value", " "}}}}}}))
            ->status == 400);
  const json saved = t.post_json(
      "/api/Client", json::array({{{"name", "Coded Ltd"}, {"customfields", {{{"id", 103}, {"value", "NW-1"}}}}}}));
  t.post_json("/api/Client", json::array({{{"id", saved["id"]}, {"notes", "updated"}}}));
  auto site = t.post("/api/Site", json::array({{{"name", "Depot"}, {"client_id", saved["id"]}}}));
  REQUIRE(site);
  CHECK(site->status == 400);
  CHECK(json::parse(site->body)["[0].customfields"] == "'Site code' is mandatory.");
  const json made =
      t.post_json("/api/Site", json::array({{{"name", "Depot"},
                                             {"client_id", saved["id"]},
                                             {"customfields", {{{"name", "CFSiteCode"}, {"value", "D1"}}}}}}));
  auto user = t.post("/api/Users", json::array({{{"name", "Ann Lee"}, {"site_id", made["id"]}}}));
  REQUIRE(user);
  CHECK(user->status == 400);
  CHECK(json::parse(user->body)["[0].customfields"] == "'Employee id' is mandatory.");

  t.quirks({{"mandatory_custom_fields_enforced", false}});
  CHECK(t.post("/api/Client", json::array({{{"name", "Lenient Ltd"}}}))->status == 201);
}

TEST_CASE(
    "agents: GET /api/Agent lists enabled non-API agents by default, the include parameters widen it; "
    "Agent/{id} and Agent/me") {
  Tenant t;
  auto names = [](const json& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.at("name").get<std::string>());
    return out;
  };
  const json plain = t.get_json("/api/Agent");
  REQUIRE(plain.is_array());  // a bare array, as RDX's n8n node reads it
  CHECK(names(plain) == std::vector<std::string>{"Rory Reader", "Sarah Connor", "Sarah Jones"});
  CHECK(names(t.get_json("/api/Agent?includeenabled=true&includedisabled=true&includeapiagents=true")) ==
        std::vector<std::string>{"API User", "Rory Reader", "Sarah Connor", "Sarah Jones", "Tom Baker"});
  // Only one of the pair: the other's default is the include_pair_defaults switch's (strict: false).
  CHECK(names(t.get_json("/api/Agent?includedisabled=true")) == std::vector<std::string>{"Tom Baker"});
  t.quirks({{"include_pair_defaults", "lenient"}});
  CHECK(names(t.get_json("/api/Agent?includedisabled=true")).size() == 4);
  CHECK(names(t.get_json("/api/Agent?search=sarah")) == std::vector<std::string>{"Sarah Connor", "Sarah Jones"});
  CHECK(names(t.get_json("/api/Agent?search=sarah.jones@")) == std::vector<std::string>{"Sarah Jones"});
  CHECK(t.get_json("/api/Agent/11")["email"] == "sarah.jones@northwind-msp.example");
  CHECK(t.get_json("/api/Agent/14")["isdisabled"] == true);
  CHECK(t.get_json("/api/Agent/me")["id"] == 1);
  CHECK(t.get("/api/Agent/99")->status == 404);
  CHECK(t.post("/api/Agent", json::array({{{"name", "X"}}}))->status == 405);

  // A client's agent fields carry the agent's name, as Halo's *_name fields do.
  const json client = t.post_json("/api/Client", json::array({{{"name", "Managed Ltd"}, {"accountmanagertech", 11}}}));
  CHECK(t.get_json("/api/Client/" + client["id"].dump())["accountmanagertech_name"] == "Sarah Jones");
}

TEST_CASE("popup_notes_on_record, popup_notes_write, /api/PopupNote and showcounts") {
  Tenant t;
  // Strict: client and site records leave pop-up notes out; PopupNote lists them; a contact's come with includepopups.
  CHECK_FALSE(t.get_json("/api/Client/16").contains("popup_notes"));
  const json notes = t.get_json("/api/PopupNote?client_id=16");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["id"] == 1);
  CHECK(notes[0]["client_id"] == 16);
  CHECK(t.get_json("/api/PopupNote?client_id=1") == json::array());
  CHECK_FALSE(t.get_json("/api/Users/1033").contains("popup_notes"));
  CHECK(t.get_json("/api/Users/1033?includepopups=true")["popup_notes"].size() == 1);

  // replace: the array sent is the whole set; a note without an id is new and gets one.
  t.post_json("/api/Client", json::array({{{"id", 16}, {"popup_notes", json::array({{{"note", "New"}}})}}}));
  const json replaced = t.get_json("/api/PopupNote?client_id=16");
  REQUIRE(replaced.size() == 1);
  CHECK(replaced[0]["note"] == "New");
  CHECK(replaced[0]["id"].get<long long>() > 100);
  // add: the notes not sent are kept.
  t.quirks({{"popup_notes_write", "add"}, {"popup_notes_on_record", true}});
  t.post_json("/api/Client", json::array({{{"id", 16}, {"popup_notes", json::array({{{"note", "Another"}}})}}}));
  CHECK(t.get_json("/api/PopupNote?client_id=16").size() == 2);
  CHECK(t.get_json("/api/Client/16")["popup_notes"].size() == 2);

  // showcounts: client 16 has one open ticket, on hold; Area_List rows keep only open_ticket_count.
  CHECK_FALSE(
      row_with_id(t.get_json("/api/Client?search_name_only=Mary")["clients"], 16).contains("open_ticket_count"));
  const json counted = row_with_id(t.get_json("/api/Client?search_name_only=Mary&showcounts=true")["clients"], 16);
  CHECK(counted["open_ticket_count"] == 1);
  CHECK_FALSE(counted.contains("onhold_ticket_count"));
  t.quirks({{"list_rows", "full"}});
  CHECK(row_with_id(t.get_json("/api/Client?search_name_only=Mary&showcounts=true")["clients"],
                    16)["onhold_ticket_count"] == 1);
  CHECK_FALSE(t.get_json("/api/Client/16").contains("open_ticket_count"));
}
