// --redact-pii: what a shared deployment's users see of e-mail addresses and phone numbers.
#include <doctest/doctest.h>

#include "server/jsonrpc.h"
#include "server/pii_redactor.h"

using mcp::PiiRedactor;
using json = nlohmann::json;

TEST_CASE("e-mail addresses keep their first letter and domain, and still look like e-mails") {
  CHECK(PiiRedactor::mask_email("jane.doe@acme.com") == "j***@acme.com");
  PiiRedactor pii;
  CHECK(pii.scrub_text("Mail jane.doe@acme.com or BOB+x@mail.example.co.uk.") ==
        "Mail j***@acme.com or B***@mail.example.co.uk.");
  CHECK(pii.scrub_text("{\"emailaddress\":\"a@b.io\"}") == "{\"emailaddress\":\"a***@b.io\"}");
  // Not addresses: a bare @, a handle, a host without a dot.
  CHECK(pii.scrub_text("@home, @jane, root@localhost") == "@home, @jane, root@localhost");
}

TEST_CASE("phone numbers keep their separators and last two digits") {
  CHECK(PiiRedactor::mask_phone("+44 20 7946 0958") == "+** ** **** **58");
  PiiRedactor pii;
  CHECK(pii.scrub_text("call +44 20 7946 0958 now") == "call +** ** **** **58 now");
  CHECK(pii.scrub_text("tel 020 7946 0958.") == "tel *** **** **58.");
  CHECK(pii.scrub_text("(555) 123-4567") == "(***) ***-**67");
  CHECK(pii.scrub_text("US 555-123-4567") == "US ***-***-**67");
}

TEST_CASE("dates, times, ids, amounts and versions are not mistaken for phone numbers") {
  PiiRedactor pii;
  for (const char* text :
       {"2025-01-31T16:45:00.000Z", "updated 2025-01-31 12:30", "client 1001, site 101", "id 1700000000",
        "total 1234567.89", "v1.2.3", "550e8400-e29b-41d4-a716-446655440000", "ticket #012345678", "x_0123456789"})
    CHECK(pii.scrub_text(text) == text);
}

TEST_CASE("structured data: any value under a phone key, and e-mails anywhere, at any depth") {
  PiiRedactor pii;
  json record = {{"id", 1001},
                 {"name", "Jane Doe"},
                 {"emailaddress", "jane@acme.com"},
                 {"phonenumber", "555 0100"},
                 {"mobilenumber2", "07700 900123"},
                 {"notes", "backup: jd@home.org"},
                 {"sites", {{{"phonenumber", "01632 960001"}, {"datecreated", "2025-01-31T16:45:00.000Z"}}}}};
  json out = pii.scrub(record);
  CHECK(out["id"] == 1001);
  CHECK(out["name"] == "Jane Doe");
  CHECK(out["emailaddress"] == "j***@acme.com");
  CHECK(out["phonenumber"] == "*** **00");  // short local number: masked because of its key
  CHECK(out["mobilenumber2"] == "***** ****23");
  CHECK(out["notes"] == "backup: j***@home.org");
  CHECK(out["sites"][0]["phonenumber"] == "***** ****01");
  CHECK(out["sites"][0]["datecreated"] == "2025-01-31T16:45:00.000Z");
}

TEST_CASE("a tool result: the text stays the JSON of the masked data, free text loses the same numbers") {
  PiiRedactor pii;
  json data = {{"record", {{"name", "Jane"}, {"emailaddress", "jane@acme.com"}, {"phonenumber", "555 0100"}}}};
  auto masked = pii.scrub(mcp::ToolResult::data(data));
  CHECK((*masked.structured)["record"]["phonenumber"] == "*** **00");
  CHECK(masked.content[0]["text"] == mcp::dump_safe(*masked.structured));

  auto prose = pii.scrub(mcp::ToolResult::data(data, "Jane (jane@acme.com, 555 0100) was updated."));
  CHECK(prose.content[0]["text"] == "Jane (j***@acme.com, *** **00) was updated.");
  auto error = pii.scrub(mcp::ToolResult::error("jane@acme.com is already used by contact 1002"));
  CHECK(error.is_error);
  CHECK(error.content[0]["text"] == "j***@acme.com is already used by contact 1002");
}

TEST_CASE("hostile text: long runs, lone separators, invalid UTF-8 and @ floods do not break the scanner") {
  PiiRedactor pii;
  std::string digits(100000, '7');
  CHECK(pii.scrub_text(digits) == digits);
  std::string ats(50000, '@');
  CHECK(pii.scrub_text(ats) == ats);
  std::string mixed;
  for (int i = 0; i < 20000; ++i) mixed += "a@b.c +1 ";
  CHECK(pii.scrub_text(mixed).size() == mixed.size() + 3 * 20000);
  CHECK(pii.scrub_text("\xff\xfe@\xc3.com") == "\xff\xfe@\xc3.com");
  CHECK(PiiRedactor::mask_email("\xc3\xa9lise@acme.fr") == "\xc3\xa9***@acme.fr");
}
