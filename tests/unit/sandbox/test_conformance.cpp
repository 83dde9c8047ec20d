// Every record the sandbox returns must use Halo's field names and JSON types, as declared by the OpenAPI subset in
// tests/data; list rows and custom-field definitions those of the 2025-03 list schemas (Area_List, Site_List,
// Users_List, FieldInfo in halopsa-openapi-2025-03-lists.json). An unknown field or a wrong type fails the test.
#include <fstream>
#include <regex>

#include "helpers.h"
#include "halo/openapi_fields.h"

using sbtest::json;
using sbtest::Tenant;

#ifndef HALOPSA_TEST_DATA_DIR
#error "HALOPSA_TEST_DATA_DIR must point at tests/data (set by tests/unit/sandbox/CMakeLists.txt)"
#endif

namespace {

const json& openapi() {
  static const json doc = [] {
    const std::string path = std::string(HALOPSA_TEST_DATA_DIR) + "/halopsa-openapi-subset.json";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    return json::parse(in);
  }();
  return doc;
}

const json& lists_openapi() {
  static const json doc = [] {
    const std::string path = std::string(HALOPSA_TEST_DATA_DIR) + "/halopsa-openapi-2025-03-lists.json";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    return json::parse(in);
  }();
  return doc;
}

// A schema of the subset, else of the 2025-03 list excerpt (the *_List rows and FieldInfo live only there).
const json* schema_of(const std::string& ref_or_name) {
  const std::string name = ref_or_name.substr(ref_or_name.rfind('/') + 1);
  for (const json* doc : {&openapi(), &lists_openapi()}) {
    const json& schemas = (*doc)["components"]["schemas"];
    if (schemas.contains(name)) return &schemas[name];
  }
  return nullptr;
}

class Conformance {
 public:
  std::vector<std::string> problems;

  void object(const std::string& schema_name, const json& value, const std::string& where) {
    const json* schema = schema_of(schema_name);
    REQUIRE_MESSAGE(schema, "no schema " << schema_name);
    if (!value.is_object()) {
      problems.push_back(where + ": expected a " + schema_name + " object, got " + value.dump());
      return;
    }
    const json& props = (*schema)["properties"];
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!props.contains(it.key())) {
        problems.push_back(where + "." + it.key() + ": not a field of " + schema_name);
        continue;
      }
      property(props[it.key()], it.value(), where + "." + it.key());
    }
  }

  void property(const json& prop, const json& v, const std::string& where) {
    if (prop.contains("$ref")) {
      const std::string ref = prop["$ref"];
      if (schema_of(ref)) object(ref.substr(ref.rfind('/') + 1), v, where);
      else if (!v.is_object())
        problems.push_back(where + ": expected an object, got " + v.dump());
      return;
    }
    if (v.is_null()) {
      if (!prop.value("nullable", false) && prop.contains("type")) problems.push_back(where + ": null is not allowed");
      return;
    }
    if (!prop.contains("type")) return;
    const std::string type = prop["type"];
    bool ok = true;
    if (type == "integer") ok = v.is_number_integer();
    else if (type == "number")
      ok = v.is_number();
    else if (type == "boolean")
      ok = v.is_boolean();
    else if (type == "object")
      ok = v.is_object();
    else if (type == "string") {
      ok = v.is_string();
      if (ok && prop.value("format", "") == "date-time") {
        static const std::regex rfc3339(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
        ok = std::regex_match(v.get<std::string>(), rfc3339);
      }
      if (ok && prop.contains("maxLength")) ok = v.get<std::string>().size() <= prop["maxLength"].get<std::size_t>();
    } else if (type == "array") {
      ok = v.is_array();
      if (ok && prop.contains("items"))
        for (std::size_t i = 0; i < v.size(); ++i) property(prop["items"], v[i], where + "[" + std::to_string(i) + "]");
    }
    if (!ok) problems.push_back(where + ": " + v.dump() + " is not a valid " + type + " " + prop.dump());
  }

  void report() const {
    std::string text;
    for (std::size_t i = 0; i < problems.size() && i < 25; ++i) text += problems[i] + "\n";
    CHECK_MESSAGE(problems.empty(), problems.size() << " non-conforming fields:\n" << text);
  }
};

// Every record of a list, all pages, active and inactive.
json walk(const Tenant& t, const std::string& path, const std::string& key) {
  json all = json::array();
  for (int page = 1; page < 100; ++page) {
    const json p = t.get_json(
        path + (path.find('?') == std::string::npos ? "?" : "&") +
        "includeactive=true&includeinactive=true&pageinate=true&page_size=100&page_no=" + std::to_string(page));
    if (p[key].empty()) break;
    for (const auto& r : p[key]) all.push_back(r);
  }
  return all;
}

void check_everything(const Tenant& t, Conformance& c, std::size_t& records) {
  const std::vector<std::tuple<std::string, std::string, std::string>> kinds = {
      {"Client", "clients", "Area"}, {"Site", "sites", "Site"}, {"Users", "users", "Users"}};
  for (const auto& [resource, key, schema] : kinds) {
    const json rows = walk(t, "/api/" + resource, key);
    CHECK_MESSAGE(rows.size() > 0, resource << " returned nothing to check");
    for (const auto& row : rows) {
      const std::string id = std::to_string(row.at("id").get<long long>());
      c.object(schema + "_List", row, resource + " list #" + id);
      c.object(schema, t.get_json("/api/" + resource + "/" + id + "?includedetails=true"), resource + "/" + id);
      records += 2;
    }
    // With every include parameter the rows still carry list fields only.
    for (const auto& row : walk(t, "/api/" + resource + "?includenotes=true&includeaddress=true", key)) {
      c.object(schema + "_List", row, resource + " list (includes) #" + std::to_string(row.at("id").get<long long>()));
      ++records;
    }
  }
  for (const auto& row : t.get_json("/api/FieldInfo")) {
    c.object("FieldInfo", row, "FieldInfo " + row.dump());
    ++records;
  }
  const json agents = t.get_json("/api/Agent?includeenabled=true&includedisabled=true&includeapiagents=true");
  CHECK(agents.size() == 5);
  for (const auto& row : agents) {  // agent rows are Halo's Uname_List (2025-03 excerpt)
    c.object("Uname_List", row, "Agent " + row.dump());
    ++records;
  }
  for (const auto& row : walk(t, "/api/TopLevel", "tree")) {
    c.object("Tree", row, "TopLevel #" + std::to_string(row.at("id").get<long long>()));
    ++records;
  }
  const json lookups = t.get_json("/api/Lookup");
  CHECK(lookups.size() >= 6);
  for (const auto& row : lookups) {
    c.object("Lookup", row, "Lookup " + row.dump());
    ++records;
  }
}

}  // namespace

TEST_CASE("the embedded field tables match the OpenAPI subset and the 2025-03 list schemas exactly") {
  for (const char* name : {"Area", "Site", "Users", "Tree", "Lookup", "AddressStore", "CustomField", "Area_List",
                           "Site_List", "Users_List", "FieldInfo"}) {
    CAPTURE(name);
    const auto& embedded = halo::openapi::schema(name);
    const json& props = (*schema_of(name))["properties"];
    CHECK(embedded.size() == props.size());
    for (auto it = props.begin(); it != props.end(); ++it) {
      CAPTURE(it.key());
      const auto found = embedded.find(it.key());
      REQUIRE(found != embedded.end());
      const json& p = it.value();
      char expected = '*';
      if (p.contains("$ref")) expected = 'o';
      else if (p.contains("type")) {
        const std::string type = p["type"], format = p.value("format", "");
        expected = type == "integer"       ? (format == "int64" ? 'l' : 'i')
                   : type == "number"      ? 'n'
                   : type == "boolean"     ? 'b'
                   : type == "array"       ? 'a'
                   : type == "object"      ? 'o'
                   : format == "date-time" ? 'd'
                                           : 's';
      }
      CHECK(static_cast<char>(found->second.type) == expected);
      CHECK(found->second.nullable == p.value("nullable", false));
    }
  }
}

TEST_CASE("the conformance check itself rejects unknown fields and wrong types") {
  Conformance c;
  c.object("Area", {{"id", 1}, {"name", "X"}, {"emailaddress", "x@y.z"}}, "probe");
  c.object("Site", {{"id", 1}, {"delivery_address", {{"line1", 5}}}}, "probe");
  c.object("Users", {{"id", 1}, {"ulastupdate", "yesterday"}, {"customfields", json::array({{{"bogus", 1}}})}},
           "probe");
  CHECK(c.problems.size() == 4);
}

TEST_CASE("every seeded record from every list and get endpoint conforms to the OpenAPI schemas") {
  Tenant t;
  Conformance c;
  std::size_t records = 0;
  check_everything(t, c, records);
  CHECK(records >= 3 * (40 + 48 + 68) + 2 + 6 + 4);
  c.report();
}

TEST_CASE("records written through the API (loose types, onboarding, custom fields) still conform") {
  Tenant t;
  t.post_json("/api/Client",
              json::array({{{"name", 12345},
                            {"toplevel_id", "2"},
                            {"is_vip", 1},
                            {"hourlyrate", "95.5"},
                            {"startdate", "2024-03-01"},
                            {"newclient_sitename", "HQ"},
                            {"newclient_delivery_address", {{"line1", "1 High St"}, {"postcode", "BS1 1AA"}}},
                            {"newclient_contactname", "Pat Doe"},
                            {"customfields", json::array({{{"id", 7}, {"name", "CFx"}, {"value", {1, 2}}}})},
                            {"unknown_thing", true}}}));
  t.post_json("/api/Users", json::array({{{"id", 1001},
                                          {"site_id", "102"},
                                          {"telpref", "2"},
                                          {"primary_address", {{"line1", "Home"}, {"nonsense", 1}}}}}));
  t.post_json("/api/Lookup", json::array({{{"lookupid", 57}, {"name", "Reseller"}, {"sequence", "7"}}}));
  Conformance c;
  std::size_t records = 0;
  check_everything(t, c, records);
  c.report();
  CHECK(t.get_json("/api/Client/41")["name"] == "12345");
  CHECK(t.get_json("/api/Lookup?lookupid=57").back()["id"] == 7);
}
