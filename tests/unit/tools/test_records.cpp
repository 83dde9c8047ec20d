#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <optional>

#include "halo/field_policy.h"
#include "halo/openapi_fields.h"
#include "tools/records.h"
#include "tools/schemas.h"

using tools::json;

TEST_CASE(
    "normalise_name folds case, punctuation, a leading 'the', legal suffixes, abbreviations and invisible characters") {
  CHECK(tools::normalise_name("ACME Corporation") == "acme");
  CHECK(tools::normalise_name("Acme Corp.") == "acme");
  CHECK(tools::normalise_name("  The Carter Group  ") == "carter group");
  CHECK(tools::normalise_name("Carter Group Ltd") == "carter group");
  CHECK(tools::normalise_name("Hartley & Moss LLP") == tools::normalise_name("Hartley and Moss"));
  CHECK(tools::normalise_name("St Mary's High School") == tools::normalise_name("Saint Marys High School"));
  // The same key as find_duplicates and onboard_client (one normaliser): abbreviations meet their long forms.
  CHECK(tools::normalise_name("Acme Intl") == tools::normalise_name("Acme International Ltd"));
  // Zero-width, no-break spaces and fullwidth letters do not make a new company.
  CHECK(tools::normalise_name("Acme\u200BCorp") == tools::normalise_name("Acme Corp"));
  CHECK(tools::normalise_name("Acme\u00A0Corp") == tools::normalise_name("Acme Corp"));
  CHECK(tools::normalise_name("\uFF21\uFF23\uFF2D\uFF25 Corp") == "acme");
  CHECK(tools::normalise_email(" Jane.Doe@ACME.com\u200B ") == "jane.doe@acme.com");
  CHECK_THROWS_WITH_AS(tools::checked_name(json("\u200B\u200B"), "name"), doctest::Contains("no letter or digit"),
                       tools::InputError);
  // Real differences survive.
  CHECK(tools::normalise_name("Summit Dental") != tools::normalise_name("Summit Legal LLP"));
  CHECK(tools::normalise_name("Brightwater Logistics") != tools::normalise_name("Brightwater Logistcs"));
  // A name that is only a suffix is kept.
  CHECK(tools::normalise_name("Ltd") == "ltd");
}

TEST_CASE("normalise_email trims and lower-cases") {
  CHECK(tools::normalise_email(" Jane.Doe@ACME.com ") == "jane.doe@acme.com");
}

TEST_CASE("diff lists only changed fields, nested address lines and custom fields by name") {
  json current = {{"id", 5},
                  {"website", "https://a"},
                  {"notes", nullptr},
                  {"delivery_address", {{"line1", "1 High St"}, {"line3", "Leeds"}}},
                  {"customfields", json::array({{{"id", 101}, {"name", "CFTier"}, {"value", "Gold"}}})}};
  json body = {{"id", 5},
               {"website", "https://b"},
               {"notes", ""},
               {"delivery_address", {{"line1", "1 High St"}, {"line3", "York"}}},
               {"customfields", json::array({{{"id", 101}, {"value", "Silver"}}})}};
  json d = tools::diff(current, body);
  REQUIRE(d.size() == 3);
  CHECK(d[0] == json{{"field", "customfields[CFTier]"}, {"before", "Gold"}, {"after", "Silver"}});
  CHECK(d[1] == json{{"field", "delivery_address.line3"}, {"before", "Leeds"}, {"after", "York"}});
  CHECK(d[2] == json{{"field", "website"}, {"before", "https://a"}, {"after", "https://b"}});
  CHECK(tools::diff(current, {{"id", 5}, {"website", "https://a"}}).empty());
}

TEST_CASE("same_instant ignores Z, offsets of zero and missing milliseconds") {
  CHECK(tools::same_instant("2024-03-05T10:22:00.000Z", "2024-03-05T10:22:00"));
  CHECK(tools::same_instant("2024-03-05T10:22:00.5", "2024-03-05T10:22:00.500Z"));
  CHECK_FALSE(tools::same_instant("2024-03-05T10:22:00.000Z", "2024-03-05T10:22:01.000Z"));
  CHECK_FALSE(tools::same_instant("2024-03-05T10:22:00.120Z", "2024-03-05T10:22:00.000Z"));
}

TEST_CASE("nearest suggests close names first") {
  std::vector<std::string> names{"tax_number", "trading_name", "toplevel_id", "website"};
  auto near = tools::nearest("trading_nam", names);
  REQUIRE_FALSE(near.empty());
  CHECK(near[0] == "trading_name");
  CHECK(tools::nearest("zzzzzzzz", names).empty());
  CHECK(tools::did_you_mean("websit", names) == " Did you mean \"website\"?");
}

TEST_CASE("checked_country and checked_name") {
  CHECK(tools::checked_country(json("gb"), "country_code") == "GB");
  CHECK_THROWS_AS(tools::checked_country(json("XX"), "country_code"), tools::InputError);
  CHECK_THROWS_AS(tools::checked_country(json("G B"), "country_code"), tools::InputError);
  CHECK(tools::checked_name(json("  Acme  "), "name") == "Acme");
  CHECK_THROWS_WITH_AS(tools::checked_name(json("   "), "name"), "name: must not be empty or only spaces.",
                       tools::InputError);
  CHECK_THROWS_AS(tools::checked_name(json(std::string(256, 'x')), "name"), tools::InputError);
}

TEST_CASE("map_arguments maps friendly names to Halo's and validates extra against the OpenAPI list") {
  json body = tools::map_arguments(tools::Kind::client, {{"name", " Acme "},
                                                         {"account_manager_id", 2},
                                                         {"accounts_email", "ap@acme.com"},
                                                         {"payment_terms", 30},
                                                         {"dry_run", true},
                                                         {"tax_number", "GB1"},
                                                         {"extra", {{"excludefrominvoicesync", true}}}});
  CHECK(body == json{{"name", "Acme"},
                     {"accountmanagertech", 2},
                     {"accountsemailaddress", "ap@acme.com"},
                     {"paymentterms", 30},
                     {"tax_number", "GB1"},
                     {"excludefrominvoicesync", true}});
  json contact =
      tools::map_arguments(tools::Kind::contact, {{"job_title", "CEO"}, {"email", "a@b.co"}, {"first_name", "Al"}});
  CHECK(contact == json{{"title", "CEO"}, {"emailaddress", "a@b.co"}, {"firstname", "Al"}});
  CHECK_THROWS_WITH_AS(tools::map_arguments(tools::Kind::client, {{"extra", {{"trading_nam", "x"}}}}),
                       doctest::Contains("Did you mean \"trading_name\""), tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(tools::Kind::site, {{"extra", {{"defaultdelivery", "yes"}}}}),
                       doctest::Contains("expects a boolean"), tools::InputError);
  // Credit stop: Halo's integer `stopped`, 1 or 0; and the fields with their own argument are refused through extra.
  CHECK(tools::map_arguments(tools::Kind::client, {{"credit_stop", true}}) == json{{"stopped", 1}});
  CHECK(tools::map_arguments(tools::Kind::site, {{"credit_stop", false}, {"invoice_address_is_delivery", true}}) ==
        json{{"stopped", 0}, {"invoice_address_isdelivery", true}});
  CHECK_THROWS_WITH_AS(tools::map_arguments(tools::Kind::site, {{"extra", {{"invoice_address_isdelivery", true}}}}),
                       doctest::Contains("use `invoice_address_is_delivery`"), tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(tools::Kind::contact, {{"extra", {{"popup_notes", json::array()}}}}),
                       doctest::Contains("use `add_popup_note`"), tools::InputError);
  CHECK_THROWS_AS(tools::map_arguments(tools::Kind::client, {{"extra", {{"alastupdate", "x"}}}}), tools::InputError);
}

TEST_CASE("one-line fields refuse line breaks, control characters and bidi overrides; notes keep line breaks") {
  using tools::Kind;
  CHECK_THROWS_WITH_AS(
      tools::map_arguments(Kind::client, {{"name", "Evil\r\nX-Injected: 1"}}),
      doctest::Contains("name: must be one line of plain text, but it contains a line break (U+000D) at byte 5"),
      tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(Kind::client, {{"ref", "A\tB"}}),
                       doctest::Contains("ref: must be one line"), tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(Kind::contact, {{"job_title", "CEO\u2028Owner"}}),
                       doctest::Contains("U+2028"), tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(Kind::contact, {{"email", "a@b.co\u0085"}}),
                       doctest::Contains("U+0080-U+009F"), tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(Kind::site, {{"name", "Head \u202eeciffO"}}),
                       doctest::Contains("bidirectional"), tools::InputError);
  CHECK_THROWS_AS(tools::checked_name(json("Ann\nLee"), "contact.name"), tools::InputError);
  // Multi-line fields keep their line breaks; accents and other scripts are plain text.
  CHECK(tools::map_arguments(Kind::client, {{"notes", "Line 1\nLine 2"}, {"name", "Café Zoë 東京"}}) ==
        json{{"notes", "Line 1\nLine 2"}, {"name", "Café Zoë 東京"}});
}

TEST_CASE("every friendly mapping targets a real field of Halo's OpenAPI schema") {
  for (auto kind : {tools::Kind::client, tools::Kind::site, tools::Kind::contact}) {
    const auto& fields = halo::openapi::schema(halo::wire(kind).schema);
    for (const auto& m : tools::field_mappings(kind)) CHECK_MESSAGE(fields.contains(m.halo), m.halo);
    // The dedicated rows of schemas/record_fields.json too: `extra` refuses each, naming its argument.
    for (const auto& pair : tools::schema("record_fields")[tools::kind_info(kind).label]["dedicated"]) {
      CHECK_MESSAGE(fields.contains(pair[1].get<std::string>()), pair[1]);
      CHECK(tools::argument_for(kind, pair[1].get<std::string>()) == pair[0].get<std::string>());
    }
    for (const auto& f : tools::curated_fields(kind)) CHECK_MESSAGE(fields.contains(f), f);
  }
}

TEST_CASE("markdown_table escapes pipes and says how many more rows exist") {
  json rows = json::array({{{"id", 1}, {"name", "A|B"}}, {{"id", 2}, {"name", "C"}}});
  std::string t = tools::markdown_table(rows, {{"id", "Id"}, {"name", "Name"}}, 5, 1);
  CHECK(t == "| Id | Name |\n|---|---|\n| 1 | A\\|B |\n…and 4 more.");
}

TEST_CASE("extra's allowlist: every listed refusal is a real field, and each class is refused with its reason") {
  for (const auto& l : halo::openapi::listed_refusals()) {
    const auto& schema = halo::openapi::schema(l.schema);
    CHECK_MESSAGE(schema.contains(l.field), l.schema << "." << l.field << " is not in Halo's OpenAPI schema");
    REQUIRE(halo::openapi::refusal(l.schema, l.field).has_value());
  }
  using halo::openapi::Refused;
  // nullopt when the field is allowed: dereferencing a refusal that is not there would compare garbage.
  auto why = [](const char* schema, const char* field) -> std::optional<Refused> {
    const auto r = halo::openapi::refusal(schema, field);
    return r ? std::optional<Refused>(r->why) : std::nullopt;
  };
  CHECK(why("Area", "_merge_client_into") == Refused::helper);
  CHECK(why("Users", "_some_future_helper") == Refused::helper);
  CHECK(why("Area", "api_access_clientsecret") == Refused::credential);
  CHECK(why("Users", "new_password") == Refused::credential);
  CHECK(why("Users", "web_access_level") == Refused::permission);
  CHECK(why("Area", "newclient_contactname") == Refused::creates);
  CHECK(why("Site", "sitecontacts") == Refused::creates);
  CHECK(why("Area", "external_links") == Refused::creates);  // any list or object on a record
  CHECK(why("Users", "sendwelcomeemail") == Refused::action);
  CHECK(why("Site", "slastupdate") == Refused::derived);
  // Lists and objects no table names are refused by their type (found by scripts/mutate.sh: allow-nested lived).
  CHECK(why("Users", "user_relationships") == Refused::creates);
  CHECK(why("Site", "lapsafe_default_installation_obj") == Refused::creates);
  // Names no table lists yet but that plainly hold a secret (allow-secret-names lived).
  CHECK(why("Users", "portal_password") == Refused::credential);
  CHECK(why("Area", "webhook_secret") == Refused::credential);
  CHECK(why("Area", "future_authtoken") == Refused::credential);
  CHECK(why("Site", "vendor_apikey") == Refused::credential);
  // Plain documented values pass.
  for (const char* field : {"excludefrominvoicesync", "stopped", "callhandlingnotes", "fluserdef1"})
    CHECK_FALSE(halo::openapi::refusal("Area", field).has_value());
  CHECK_FALSE(halo::openapi::refusal("Users", "neversendemails").has_value());
  // Through map_arguments: the field, the class and what to do instead.
  CHECK_THROWS_WITH_AS(tools::map_arguments(tools::Kind::contact, {{"extra", {{"new_password", "x"}}}}),
                       doctest::Contains("extra: \"new_password\" cannot be written through extra (credential)"),
                       tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(tools::Kind::client, {{"extra", {{"notes", std::string(2'000'000, 'x')}}}}),
                       doctest::Contains("use `notes`"), tools::InputError);
  CHECK_THROWS_WITH_AS(tools::map_arguments(tools::Kind::client, {{"extra", {{"fluserdef1", std::string(4001, 'x')}}}}),
                       doctest::Contains("at most 4000 bytes"), tools::InputError);
}
