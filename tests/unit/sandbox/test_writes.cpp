#include <atomic>
#include <filesystem>
#include <regex>
#include <thread>
#include <unistd.h>

#include "helpers.h"
#include "sandbox/time_util.h"

using sbtest::json;
using sbtest::Tenant;

namespace {

bool is_iso_utc(const json& v) {
  static const std::regex iso("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  return v.is_string() && std::regex_match(v.get<std::string>(), iso);
}

}  // namespace

TEST_CASE("create, first site becomes the main site (first_site_becomes_main: true), contacts hang off sites") {
  Tenant t;
  // The kind side of the switch; the strict default (no main site made) is in test_quirks.cpp.
  t.quirks({{"first_site_becomes_main", true}});
  const json client = t.post_json(
      "/api/Client",
      json::array(
          {{{"name", "Quayside Opticians"}, {"toplevel_id", 1}, {"customertype", 2}, {"notes", "Referred by Acme"}}}));
  REQUIRE(client.is_object());
  const long long id = client["id"];
  CHECK(id == 41);
  CHECK(client["inactive"] == false);
  CHECK(client["toplevel_name"] == "Managed Services");
  CHECK(is_iso_utc(client["datecreated"]));
  CHECK(is_iso_utc(client["alastupdate"]));
  CHECK(client["alastupdate"].get<std::string>() > "2025-01-01");
  CHECK_FALSE(client.contains("main_site_id"));

  const json site = t.post_json(
      "/api/Site", json::array({{{"name", "Practice"},
                                 {"client_id", id},
                                 {"phonenumber", "0117 555 0000"},
                                 {"delivery_address", {{"line1", "1 Quay St"}, {"postcode", "BS1 1AA"}}}}}));
  CHECK(site["client_name"] == "Quayside Opticians");
  CHECK(is_iso_utc(site["slastupdate"]));
  const json after = t.get_json("/api/Client/" + std::to_string(id));
  CHECK(after["main_site_id"] == site["id"]);
  CHECK(after["main_site_name"] == "Practice");
  CHECK(after["main_phonenumber"] == "0117 555 0000");
  CHECK(after["alastupdate"] >= client["alastupdate"]);

  const json second = t.post_json("/api/Site", json::array({{{"name", "Lab"}, {"client_id", id}}}));
  CHECK(t.get_json("/api/Client/" + std::to_string(id))["main_site_id"] == site["id"]);

  const json contact = t.post_json("/api/Users", json::array({{{"firstname", "Ada"},
                                                               {"surname", "Quayle"},
                                                               {"site_id", second["id"]},
                                                               {"title", "Optometrist"},
                                                               {"sendwelcomeemail", true}}}));
  CHECK(contact["name"] == "Ada Quayle");  // built from first name and surname
  CHECK(contact["client_id"] == id);
  CHECK(contact["client_name"] == "Quayside Opticians");
  CHECK(contact["site_name"] == "Lab");
  CHECK_FALSE(contact.contains("sendwelcomeemail"));
  CHECK(is_iso_utc(contact["ulastupdate"]));

  SUBCASE("deleting the main site hands the role to the next site") {
    t.post_json("/api/Users", json::array({{{"id", contact["id"]}, {"site_id", site["id"]}}}));
    CHECK(t.del("/api/Site/" + std::to_string(second["id"].get<long long>()))->status == 200);
    auto refused = t.del("/api/Site/" + std::to_string(site["id"].get<long long>()));
    REQUIRE(refused);
    CHECK(refused->status == 400);  // it still has the contact
    CHECK(json::parse(refused->body)["Message"].get<std::string>().find("contact") != std::string::npos);
  }
}

TEST_CASE("updates are partial and stamped; batches answer arrays") {
  Tenant t;
  const json before = t.get_json("/api/Client/3");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const json updated = t.post_json("/api/Client", json::array({{{"id", 3}, {"notes", "Moved to monthly billing"}}}));
  CHECK(updated["name"] == "Summit Dental");
  CHECK(updated["ref"] == "SUMD01");
  CHECK(updated["notes"] == "Moved to monthly billing");
  CHECK(updated["datecreated"] == before["datecreated"]);
  CHECK(updated["alastupdate"] > before["alastupdate"]);

  // Only the updated record shows in an incremental sync from just before the write.
  const std::string minute_ago =
      sandbox::format_iso(std::chrono::system_clock::now() - std::chrono::minutes(1)).substr(0, 19);
  const json changed = t.get_json("/api/Client?lastupdatefromdate=" + minute_ago);
  REQUIRE(changed["clients"].size() == 1);
  CHECK(changed["clients"][0]["id"] == 3);
  CHECK(t.get_json("/api/Client?lastupdatetodate=2023-12-31")["record_count"] == 0);  // seeded stamps are 2024
  CHECK(t.get_json("/api/Client?lastupdatetodate=" + minute_ago)["record_count"] == 35);

  const json batch = t.post_json("/api/Client", json::array({{{"name", "Batch One"}}, {{"name", "Batch Two"}}}));
  REQUIRE(batch.is_array());
  CHECK(batch.size() == 2);
  CHECK(batch[1]["name"] == "Batch Two");

  // Custom fields merge by id or name; other values stay.
  const json cf =
      t.post_json("/api/Client",
                  json::array({{{"id", 1},
                                {"customfields", json::array({{{"id", 101}, {"value", "Platinum"}},
                                                              {{"name", "CFRenewalMonth"}, {"value", "April"}}})}}}));
  REQUIRE(cf["customfields"].size() == 2);
  CHECK(cf["customfields"][0]["value"] == "Platinum");
  CHECK(cf["customfields"][0]["label"] == "Contract tier");
  CHECK(cf["customfields"][1]["name"] == "CFRenewalMonth");

  // Numbers sent as strings are converted like Halo's binder does; unknown fields and the "_" helpers the sandbox
  // does not act on are ignored (_merge_client_into really merges: test_quirks.cpp).
  const json coerced = t.post_json("/api/Client", json::array({{{"id", 2},
                                                                {"toplevel_id", "1"},
                                                                {"is_vip", "true"},
                                                                {"_dont_fire_automations", true},
                                                                {"no_such_field", 5}}}));
  CHECK(coerced["toplevel_id"] == 1);
  CHECK(coerced["is_vip"] == true);
  CHECK_FALSE(coerced.contains("no_such_field"));
  CHECK_FALSE(coerced.contains("_dont_fire_automations"));

  // Moving a site to another client takes its contacts along.
  t.post_json("/api/Site", json::array({{{"id", 103}, {"client_id", 1}}}));
  CHECK(t.get_json("/api/Users/1005")["client_id"] == 1);
  CHECK(t.get_json("/api/Client/2").count("main_site_id") == 0);
}

TEST_CASE("validation errors are Halo-shaped maps keyed by model path") {
  Tenant t;
  auto error_of = [&](const std::string& path, const json& body, int status = 400) {
    auto r = t.post(path, body);
    REQUIRE(r);
    CHECK(r->status == status);
    return json::parse(r->body);
  };
  CHECK(error_of("/api/Client", json::array({{{"name", "  "}}})) == json{{"[0].name", "The name field is required."}});
  CHECK(error_of("/api/Client", json::array({{{"notes", "no name"}}})).contains("[0].name"));
  CHECK(error_of("/api/Client", json::array({{{"name", "X"}, {"client_to_invoice", 999}}})) ==
        json{{"[0].client_to_invoice", "Client 999 does not exist."}});
  CHECK(error_of("/api/Client", json::array({{{"name", "X"}, {"toplevel_id", 77}}})) ==
        json{{"[0].toplevel_id", "Top Level 77 does not exist."}});
  CHECK(error_of("/api/Client", json::array({{{"id", 4}, {"main_site_id", 101}}})).contains("[0].main_site_id"));
  CHECK(error_of("/api/Site", json::array({{{"name", "Orphan"}}})).contains("[0].client_id"));
  CHECK(error_of("/api/Site", json::array({{{"name", "Orphan"}, {"client_id", 999}}})) ==
        json{{"[0].client_id", "Client 999 does not exist."}});
  CHECK(error_of("/api/Users", json::array({{{"name", "Nobody"}}})).contains("[0].site_id"));
  CHECK(error_of("/api/Users", json::array({{{"name", "Nobody"}, {"client_id", 1}}})).contains("[0].site_id"));
  CHECK(error_of("/api/Client", json::array({{{"name", "X"}, {"inactive", "maybe"}}})).contains("[0].inactive"));
  CHECK(error_of("/api/Client", json{{"name", "not an array"}}).contains("$"));
  CHECK(error_of("/api/Client", json::array()).contains("$"));
  CHECK(error_of("/api/Client", json::array({{{"id", 4242}, {"name", "Ghost"}}}), 404).contains("Message"));

  SUBCASE("a bad item rolls back the whole batch") {
    const json errors =
        error_of("/api/Client",
                 json::array({{{"name", "Good Co"}}, {{"id", 5}, {"name", "Renamed Brightwater"}}, {{"name", ""}}}));
    CHECK(errors == json{{"[2].name", "The name field is required."}});
    CHECK(t.get_json("/api/Client?search=Good%20Co")["record_count"] == 0);
    CHECK(t.get_json("/api/Client/5")["name"] == "Brightwater Logistics");
    CHECK(t.get_json("/api/Client?includeactive=true&includeinactive=true")["record_count"] == 40);
  }
}

TEST_CASE("one-call onboarding: newclient_* creates the main site and a contact") {
  Tenant t;
  const json c = t.post_json("/api/Client", json::array({{{"name", "Harbourside Cafe"},
                                                          {"newclient_sitename", "Cafe"},
                                                          {"newclient_phonenumber", "0117 555 0101"},
                                                          {"newclient_contactname", "Sam Lee"},
                                                          {"newclient_contactemail", "sam@harbourside.cafe"}}}));
  CHECK(c["main_site_name"] == "Cafe");
  CHECK(c["main_phonenumber"] == "0117 555 0101");
  CHECK_FALSE(c.contains("newclient_sitename"));
  const json users = t.get_json("/api/Users?client_id=" + std::to_string(c["id"].get<long long>()));
  REQUIRE(users["users"].size() == 1);
  CHECK(users["users"][0]["emailaddress"] == "sam@harbourside.cafe");
}

TEST_CASE("delete: refused while history depends on the record, cascades a client's own sites and contacts") {
  Tenant t;
  auto refused = t.del("/api/Client/1");  // tickets and a contract
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json::parse(refused->body)["Message"].get<std::string>().find("ticket") != std::string::npos);
  CHECK(t.del("/api/Client/7")->status == 400);    // billing parent of 8 and 9 (and has a contract)
  CHECK(t.del("/api/Users/1003")->status == 400);  // raised ticket 5001
  CHECK(t.del("/api/Client/9999")->status == 404);

  CHECK(t.del("/api/Client/22")->status == 200);  // Kestrel Ventures: nothing attached
  CHECK(t.get("/api/Client/22")->status == 404);

  CHECK(t.del("/api/Client/19")->status == 200);  // Greenfield Dental: one site, one contact, no history
  CHECK(t.get("/api/Site/126")->status == 404);
  CHECK(t.get("/api/Users/1040")->status == 404);

  CHECK(t.del("/api/Users/1001")->status == 200);
  CHECK(t.get_json("/api/Users?client_id=1")["record_count"] == 3);
  CHECK(t.get_json("/api/Client?includeactive=true&includeinactive=true")["record_count"] == 38);
}

TEST_CASE("a file database persists across restarts and is seeded once") {
  const auto path = std::filesystem::temp_directory_path() / ("sandbox-test-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  auto options = sbtest::memory_options();
  options.db_path = path.string();
  {
    Tenant t(options);
    t.post_json("/api/Client", json::array({{{"name", "Persistent Ltd"}}}));
  }
  {
    Tenant t(options);
    CHECK(t.get_json("/api/Client?search=Persistent")["record_count"] == 1);
    CHECK(t.get_json("/api/Client?includeactive=true&includeinactive=true")["record_count"] == 41);  // not seeded twice
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST_CASE("concurrent readers and writers are all served") {
  Tenant t;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        auto r = (j % 3 == 0) ? t.post("/api/Client", json::array({{{"name", "Load " + std::to_string(i * 100 + j)}}}))
                              : t.get("/api/Users?pageinate=true&page_no=1&page_size=50");
        if (r && r->status == (j % 3 == 0 ? 201 : 200)) ++ok;  // Halo answers a POST with 201
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 80);
  CHECK(t.get_json("/api/Client?search=Load%20")["record_count"] == 32);
}

TEST_CASE("bulk clients for benchmarks land in one go and page like the rest") {
  Tenant t;
  CHECK(t.sb->add_bulk_clients(500, 7) == 500);
  const json page = t.get_json("/api/Client?pageinate=true&page_no=6&page_size=100");
  CHECK(page["record_count"] == 536);
  CHECK(page["clients"].size() == 36);
}
