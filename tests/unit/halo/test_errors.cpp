#include <doctest/doctest.h>

#include "halo/errors.h"

using halo::ErrorKind;
using halo::parse_error_body;

TEST_CASE("error bodies: every shape HaloPSA is known to answer with becomes one readable message") {
  CHECK(parse_error_body(R"({"resultCode":1,"errorMessage":"Client name already exists"})").message ==
        "Client name already exists");
  CHECK(parse_error_body(R"({"ClassName":"System.Exception","Message":"Invalid site"})").message == "Invalid site");
  CHECK(parse_error_body(R"({"Message":"The request is invalid."})").message == "The request is invalid.");
  CHECK(parse_error_body(R"({"message":"lower case too"})").message == "lower case too");
  CHECK(parse_error_body(R"({"error":"invalid_client","error_description":"Client not found"})").message ==
        "invalid_client: Client not found");
  CHECK(parse_error_body(R"({"error":"invalid_client"})").message == "invalid_client");
  CHECK(parse_error_body("Operation is not valid due to the current state of the object.").message ==
        "Operation is not valid due to the current state of the object.");
  CHECK(parse_error_body("  Rate Limit Reached - 300 Requests per rolling 5 minute window\n").message ==
        "Rate Limit Reached - 300 Requests per rolling 5 minute window");
  CHECK(parse_error_body(R"("Just a JSON string")").message == "Just a JSON string");
  CHECK(parse_error_body(R"({"Message":"An error has occurred.","ExceptionMessage":"Object reference not set"})")
            .message == "Object reference not set");
  CHECK(parse_error_body("").message.empty());
  CHECK(parse_error_body("{not json").message == "{not json");
}

TEST_CASE("error bodies: validation maps keep the model-path field names verbatim") {
  auto body = parse_error_body(R"({"[0].name":"Please enter a Name","[0].customfields[2].value":"Required"})");
  CHECK(body.field_errors["[0].name"] == "Please enter a Name");
  CHECK(body.field_errors["[0].customfields[2].value"] == "Required");
  CHECK(body.message.find("[0].name: Please enter a Name") != std::string::npos);
  CHECK(body.message.find("[0].customfields[2].value: Required") != std::string::npos);

  auto aspnet = parse_error_body(
      R"({"title":"One or more validation errors occurred.","status":400,"errors":{"[0].name":["The name field is required."]}})");
  CHECK(aspnet.field_errors["[0].name"][0] == "The name field is required.");
  CHECK(aspnet.message == "[0].name: The name field is required.");
}

TEST_CASE("error bodies: HTML pages are recognised and summarised by their title") {
  auto page = parse_error_body(
      "<!DOCTYPE html>\n<html><head><title>500 - Internal server error.</title></head>"
      "<body><h2>There is a problem with the resource you are looking for.</h2></body></html>");
  CHECK(page.html);
  CHECK(page.message ==
        "an HTML error page: 500 - Internal server error. - There is a problem with the resource you are looking for.");
  auto bare = parse_error_body("<html><body><h1>Bad Gateway</h1></body></html>");
  CHECK(bare.html);
  CHECK(bare.message == "an HTML error page: Bad Gateway");
}

TEST_CASE("error bodies: truncation keeps about 300 characters and whole UTF-8 characters") {
  std::string long_body(1000, 'x');
  auto cut = halo::truncate_body(long_body);
  CHECK(cut.size() == 300 + std::string("…").size());
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  auto cut2 = halo::truncate_body(accents, 301);  // 301 would split a 2-byte character
  CHECK(cut2 == accents.substr(0, 300) + "…");
  CHECK(halo::truncate_body("a \n\n  b") == "a b");
}

TEST_CASE("errors: statuses map to kinds with Halo's message kept") {
  auto v = halo::error_from_response(400, "POST", "Client", R"({"[0].name":"Please enter a Name"})");
  CHECK(v.kind() == ErrorKind::validation);
  CHECK(v.kind_name() == "validation");
  CHECK(v.status() == 400);
  CHECK(std::string(v.what()) == "HaloPSA rejected POST /api/Client (400): [0].name: Please enter a Name");
  CHECK(v.field_errors()["[0].name"] == "Please enter a Name");

  auto nf = halo::error_from_response(404, "GET", "Client/999?includedetails=true", "");
  CHECK(nf.kind() == ErrorKind::not_found);
  CHECK(std::string(nf.what()) == "Not found: HaloPSA answered 404 to GET /api/Client/999");

  auto up = halo::error_from_response(502, "GET", "Site", std::string(2000, 'z'));
  CHECK(up.kind() == ErrorKind::upstream);
  CHECK(up.status() == 502);
  CHECK(up.body_excerpt().size() < 310);
}

TEST_CASE("errors: 403 names the scope the API application probably lacks") {
  auto read = halo::error_from_response(403, "GET", "Tickets?client_id=3", "");
  CHECK(read.kind() == ErrorKind::forbidden);
  CHECK(std::string(read.what()).find("'read:tickets' scope") != std::string::npos);
  auto write = halo::error_from_response(403, "POST", "Users", "");
  CHECK(std::string(write.what()).find("'edit:customers' scope") != std::string::npos);
  CHECK(halo::probable_scope("ClientContract", false) == "read:contracts");
  CHECK(halo::probable_scope("TopLevel", false) == "read:customers");
  CHECK(halo::probable_scope("Lookup", true) == "edit:customers");
  CHECK(halo::probable_scope("Site/4", false) == "read:customers");
}
