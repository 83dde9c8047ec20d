// Runs the official JSON-Schema-Test-Suite (draft 2020-12) against mcp::JsonSchema, reading the suite's files at
// run time. Every case of every claimed file must pass; a claimed file that is missing fails the run.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/json_schema.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kSuite = JSON_SCHEMA_TEST_SUITE_DIR;

struct Claim {
  const char* file;     // under tests/draft2020-12/
  bool assert_formats;  // the suite's required files expect format to be an annotation; optional/format/ asserts
};

// The files whose keywords the validator supports. Not claimed:
//  - defs.json: validates a schema against the 2020-12 meta-schema, a document the suite does not ship;
//  - vocabulary.json, optional/format-assertion.json: custom meta-schemas with $vocabulary (not supported);
//  - optional/cross-draft.json, optional/dependencies-compatibility.json: older drafts' keywords;
//  - optional/ecmascript-regex.json: \p{digit} needs Unicode digit tables std::regex does not have;
//  - optional/format/*: every format other than email, uri, date and date-time is an annotation only.
constexpr Claim kClaimed[] = {
    {"additionalProperties.json", false},
    {"allOf.json", false},
    {"anchor.json", false},
    {"anyOf.json", false},
    {"boolean_schema.json", false},
    {"const.json", false},
    {"contains.json", false},
    {"content.json", false},
    {"default.json", false},
    {"dependentRequired.json", false},
    {"dependentSchemas.json", false},
    {"dynamicRef.json", false},
    {"enum.json", false},
    {"exclusiveMaximum.json", false},
    {"exclusiveMinimum.json", false},
    {"format.json", false},
    {"if-then-else.json", false},
    {"infinite-loop-detection.json", false},
    {"items.json", false},
    {"maxContains.json", false},
    {"maxItems.json", false},
    {"maxLength.json", false},
    {"maxProperties.json", false},
    {"maximum.json", false},
    {"minContains.json", false},
    {"minItems.json", false},
    {"minLength.json", false},
    {"minProperties.json", false},
    {"minimum.json", false},
    {"multipleOf.json", false},
    {"not.json", false},
    {"oneOf.json", false},
    {"pattern.json", false},
    {"patternProperties.json", false},
    {"prefixItems.json", false},
    {"properties.json", false},
    {"propertyNames.json", false},
    {"ref.json", false},
    {"refRemote.json", false},
    {"required.json", false},
    {"type.json", false},
    {"unevaluatedItems.json", false},
    {"unevaluatedProperties.json", false},
    {"uniqueItems.json", false},
    {"optional/anchor.json", false},
    {"optional/bignum.json", false},
    {"optional/float-overflow.json", false},
    {"optional/id.json", false},
    {"optional/no-schema.json", false},
    {"optional/non-bmp-regex.json", false},
    {"optional/refOfUnknownKeyword.json", false},
    {"optional/unknownKeyword.json", false},
    {"optional/format/email.json", true},
    {"optional/format/uri.json", true},
    {"optional/format/date.json", true},
    {"optional/format/date-time.json", true},
};

struct Exclusion {
  const char* file;
  const char* group;  // the group's description
  const char* reason;
};

// Groups of claimed files that cannot pass, each with the reason. An exclusion that matches nothing fails the run,
// so this list cannot go stale.
constexpr Exclusion kExcluded[] = {
    {"ref.json", "remote ref, containing refs itself",
     "$ref to https://json-schema.org/draft/2020-12/schema needs the meta-schema document, which is not among the "
     "suite's remotes, and the validator never fetches anything"},
};

std::optional<json> read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return json::parse(in);
}

// The suite's remotes are served from http://localhost:1234/ in the suite's own harness; here they are read from
// disk instead. Only this test maps them: the library asks Options::load_document and never fetches.
std::optional<json> load_remote(const std::string& uri) {
  constexpr std::string_view kPrefix = "http://localhost:1234/";
  if (!uri.starts_with(kPrefix)) return std::nullopt;
  return read_json(kSuite / "remotes" / uri.substr(kPrefix.size()));
}

std::string truncated(const json& value) {
  std::string text = value.dump();
  return text.size() > 300 ? text.substr(0, 300) + "…" : text;
}

}  // namespace

bool is_excluded(std::string_view file, std::string_view group) {
  for (const Exclusion& exclusion : kExcluded) {
    if (file == exclusion.file && group == exclusion.group) return true;
  }
  return false;
}

TEST_CASE("the JSON-Schema-Test-Suite draft 2020-12 files we claim pass in full") {
  for (const Claim& claim : kClaimed) {
    SUBCASE(claim.file) {
      const fs::path path = kSuite / "tests" / "draft2020-12" / claim.file;
      INFO("suite file: ", path.string());
      const auto groups = read_json(path);
      REQUIRE_MESSAGE(groups.has_value(), ("claimed suite file is missing: " + path.string()));
      REQUIRE(groups->is_array());

      mcp::JsonSchema::Options options;
      options.assert_formats = claim.assert_formats;
      options.load_document = load_remote;

      std::size_t cases = 0;
      for (const auto& group : *groups) {
        const std::string description = group.at("description").get<std::string>();
        if (is_excluded(claim.file, description)) continue;
        INFO("group: ", description);
        INFO("schema: ", truncated(group.at("schema")));

        std::optional<mcp::JsonSchema> schema;
        try {
          schema.emplace(mcp::JsonSchema::compile(group.at("schema"), options));
        } catch (const std::exception& error) {
          FAIL_CHECK((std::string("schema did not compile: ") + error.what()));
          continue;
        }
        for (const auto& test : group.at("tests")) {
          INFO("case: ", test.at("description").get<std::string>());
          INFO("data: ", truncated(test.at("data")));
          const bool expected = test.at("valid").get<bool>();
          const auto errors = schema->validate(test.at("data"));
          INFO("errors: ", mcp::describe(errors));
          // is_valid (short-circuits) and validate (collects everything) must agree with the suite and each other.
          CHECK(schema->is_valid(test.at("data")) == expected);
          CHECK(errors.empty() == expected);
          ++cases;
        }
      }
      MESSAGE((std::string(claim.file) + ": " + std::to_string(cases) + " cases"));
    }
  }
}

TEST_CASE("every exclusion names a group of a claimed file, so the list cannot go stale") {
  std::size_t claimed = 0, excluded = 0;
  for (const Claim& claim : kClaimed) {
    const auto groups = read_json(kSuite / "tests" / "draft2020-12" / claim.file);
    REQUIRE_MESSAGE(groups.has_value(), (std::string("claimed suite file is missing: ") + claim.file));
    for (const auto& group : *groups) {
      const bool skip = is_excluded(claim.file, group.at("description").get<std::string>());
      (skip ? excluded : claimed) += group.at("tests").size();
    }
  }
  for (const Exclusion& exclusion : kExcluded) {
    INFO("exclusion: ", exclusion.file, " / ", exclusion.group, " (", exclusion.reason, ")");
    bool found = false;
    for (const Claim& claim : kClaimed) {
      if (std::string_view(claim.file) != exclusion.file) continue;
      const auto groups = read_json(kSuite / "tests" / "draft2020-12" / claim.file);
      for (const auto& group : *groups) found = found || group.at("description") == exclusion.group;
    }
    CHECK(found);
  }
  MESSAGE((std::to_string(std::size(kClaimed)) + " files claimed: " + std::to_string(claimed) + " cases run, " +
           std::to_string(excluded) + " excluded"));
}
