// The duplicate-matching engine behind find_duplicates and data_quality_report: normalisation, blocking keys,
// similarity, scoring with reasons and grouping. Pure: no HaloPSA or MCP types, so it can be unit-tested and
// benchmarked on its own.
//
// Scale comes from blocking, never from comparing all pairs: records are compared only when they share a key
// (the same normalised name, a one-edit deletion variant of it, the same words in another order, the same
// website / e-mail domain, phone, e-mail or address).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tools::dedupe {

enum class Mode { clients, contacts, sites };

// What the engine looks at. Fields a mode does not use may stay empty.
struct Record {
  long long id = 0;
  std::string name;
  long long client_id = 0;          // contacts and sites: the owning client
  std::string website;              // clients
  std::vector<std::string> emails;  // clients: accounts e-mail; contacts: their addresses
  std::vector<std::string> phones;
  std::string address;  // sites: address lines and postcode, joined
};

// Why two records were linked (bit flags, combined per group).
enum Reason : unsigned {
  kSameName = 1u << 0,     // identical once normalised
  kWordOrder = 1u << 1,    // the same words in another order
  kOneLetter = 1u << 2,    // one letter added, dropped, changed or two swapped
  kSimilarName = 1u << 3,  // similar, with evidence below
  kSameWebsite = 1u << 4,
  kSameEmailDomain = 1u << 5,
  kSamePhone = 1u << 6,
  kSameEmail = 1u << 7,
  kSameClient = 1u << 8,
  kSameAddress = 1u << 9,
  kSamePersonName = 1u << 10,  // contacts: same name at the same client
  kNickname = 1u << 11,        // contacts: a first name and its nickname (Bob / Robert)
  kNameOrder = 1u << 12,       // contacts: "Surname, First" or the words swapped
  kMiddleName = 1u << 13,      // contacts: a middle name or initial on one side only
  kSharedMailbox = 1u << 14,   // contacts: the same address, but a role or shared mailbox: not evidence
};

struct Edge {
  std::uint32_t a = 0, b = 0;  // record indexes
  float score = 0;             // 0..1
  unsigned reasons = 0;
};

// Every scored candidate link above the lowest threshold a caller may ask for (kMinThreshold); grouping at any
// threshold is then cheap, so a cached Candidates serves repeated calls.
struct Candidates {
  std::vector<Edge> edges;
  std::size_t scanned = 0;
  std::size_t compared = 0;  // candidate pairs scored
};

inline constexpr double kMinThreshold = 0.5;
inline constexpr double kDefaultThreshold = 0.75;

struct Group {
  double score = 0;  // the weakest link that holds the group together
  unsigned reasons = 0;
  std::vector<std::uint32_t> members;  // record indexes, ascending
};

// `cancelled` is polled between stages and every few thousand records; when it returns true the engine stops
// and throws Cancelled.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};
Candidates find_candidates(Mode mode, const std::vector<Record>& records, const std::function<bool()>& cancelled = {});

// Groups of two or more records linked by edges scoring at least `threshold`, best score first (ties: larger
// groups first, then lowest member index).
std::vector<Group> group(const Candidates& candidates, std::size_t record_count, double threshold);

// The reasons as short phrases: "same name once case, punctuation and legal suffixes are ignored", …
std::vector<std::string> describe(unsigned reasons);

// --- Normalisation, exposed for tests and for the tools' own checks ----------------------------------------
// A company name's comparable words: lower case, accents folded, punctuation dropped, "&" and "and" dropped,
// a leading "the" and trailing legal suffixes (Inc, LLC, Ltd, Limited, Corp, GmbH, PLC …) removed, common
// abbreviations expanded (Intl → international, Mfg → manufacturing, Svcs → services …).
std::vector<std::string> company_words(std::string_view name);
std::string company_key(std::string_view name);  // the words joined by single spaces
// A person's name: lower case, accents folded, punctuation dropped, words sorted ("Doe, Jane" = "Jane Doe").
std::string person_key(std::string_view name);
// "https://www.Acme.com/about" → "acme.com"; "" for none.
std::string website_domain(std::string_view url);
// "Jane@Acme.COM" → "acme.com"; "" for none.
std::string email_domain(std::string_view email);
// Free-mail providers whose domain says nothing about the company.
bool generic_email_domain(std::string_view domain);
// The last 9 digits of a phone number ("+44 (0)20 7946 0018" and "020 7946 0018" agree); "" under 7 digits.
std::string phone_key(std::string_view phone);
// An address compared loosely: lower case, punctuation dropped, Street/Road/Avenue… abbreviated, spaces removed
// from what looks like a postcode.
std::string address_key(std::string_view address);
// Optimal string alignment distance (edits and adjacent swaps), or max_distance + 1 when larger.
int edit_distance(std::string_view a, std::string_view b, int max_distance);
// Lower case with accents folded to ASCII (UTF-8 Latin-1 letters).
std::string fold(std::string_view text);
// `text` with invisible format characters removed, no-break and other fixed-width spaces as spaces and fullwidth
// ASCII as ASCII: what fold() and every name and e-mail comparison start from.
std::string visible(std::string_view text);

}  // namespace tools::dedupe
