// Who is this person? The one contact identity rule, used by find_duplicates (contacts), the create_contact
// guard, onboard_contact, the contact step of onboard_client and merge_preview.
//
// Names are compared after folding case, accents and punctuation, reading "Surname, First", setting middle names
// and initials aside and mapping first-name nicknames (tools/data/nicknames*.csv.inc) to the names they shorten.
// An e-mail address identifies a person only when it is personal: a role or shared mailbox (tools/data/
// role_mailboxes.inc, or one address on differently named contacts) is never evidence on its own. A phone is
// supporting evidence only. Jr / Sr / II and different first names are different people, whatever they share.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/dedupe.h"

namespace tools::dedupe {

struct PersonName {
  std::string first;                 // first given name, folded ("" for a one-word name)
  std::vector<std::string> middles;  // middle names and initials
  std::string surname;               // last word of the family name ("" for no name)
  std::string generation;            // "jr", "sr", "ii", "iii", "iv" or ""
  bool empty() const { return first.empty() && surname.empty(); }
};
// "Dr. Edward K. Okafor Jr" → {edward, [k], okafor, jr}; "Okafor, Edward" → {edward, [], okafor, ""}.
PersonName parse_person(std::string_view name);

// First names that can be the same person's: equal, or one a nickname of the other, or two nicknames of one name
// (Bob / Robert, Liz / Elizabeth, Bob / Rob, Seun / Oluwaseun). Robert / William are not, though both give Bill.
bool same_first_name(std::string_view a, std::string_view b);

// The comparable form of an address ("  Jane@ACME.com " → "jane@acme.com"); "" for no address.
std::string email_key(std::string_view email);
// info@, accounts@, office@, reception@ … (the local part, case and separators ignored).
bool role_mailbox(std::string_view email);

enum class NameMatch {
  different,  // another person: first names, initials or Jr/Sr disagree
  unknown,    // one side has no usable name
  weak,       // a surname one letter apart, or an initial for a first name: needs other evidence
  same,       // the same name once normalised (maybe by nickname, order or a middle name)
};
struct NameComparison {
  NameMatch match = NameMatch::unknown;
  unsigned reasons = 0;    // kNickname, kNameOrder, kMiddleName, kOneLetter
  bool identical = false;  // the same words, with no nickname, typo, initial or middle name bridging them
};
NameComparison compare_person_names(const PersonName& a, const PersonName& b);

// A contact reduced to what the rule compares; built once per record.
struct ContactView {
  PersonName name;
  long long client_id = 0;
  std::vector<std::string> emails;   // email_key of each address
  std::vector<std::string> phones;   // phone_key of each number
  std::vector<std::string> domains;  // company e-mail domains (free-mail providers left out)
};
ContactView view_of(const Record& record);

struct Identity {
  double score = 0;  // 0..1; at kDefaultThreshold or above: the same person
  unsigned reasons = 0;
  bool email_clash = false;  // they share an address but are different people (or the address is shared)
  bool identical_name = false;
};
// `shared` says whether an address is known, from the book, to be on several differently named contacts.
Identity judge(const ContactView& a, const ContactView& b, const std::function<bool(const std::string&)>& shared = {});

// What a write guard does about the contacts already holding the new contact's e-mail (or name at its client).
struct GuardVerdict {
  enum Kind {
    unrelated,
    same_person,
    candidate
  } kind = unrelated;  // same_person: identical names or a personal address agreeing
  std::string reason;  // for candidate: why the guard will not guess
};
// `incoming` against each of `existing`; the shared-mailbox signal comes from the existing contacts themselves.
std::vector<GuardVerdict> guard_verdicts(const Record& incoming, const std::vector<Record>& existing);

}  // namespace tools::dedupe
