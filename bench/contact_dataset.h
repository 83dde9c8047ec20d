// Labelled contact and site datasets for the dedupe benchmark, generated deterministically from a seed and a
// variation mix (two mixes with different weights and name pools, so the matcher is not tuned to one).
#pragma once

#include "bench/dedupe_dataset.h"

namespace bench {

struct PeopleOptions {
  std::size_t people = 20000;     // distinct people (or distinct sites)
  double reentered_share = 0.25;  // entered again, once or twice, with variations
  int mix = 0;                    // 0 or 1: which variation weights and name pools
  std::uint64_t seed = 20261202;
};

// Contacts at clients: people re-entered with nicknames, surname typos, middle initials, "Surname, First",
// case and accents, a second personal address or no address but the same phone; hard negatives: different people
// behind one shared mailbox, relatives sharing the office phone, Jr / Sr, namesakes at other clients.
std::vector<LabelledRecord> generate_contacts(const PeopleOptions& options);

// Sites at clients: addresses re-entered with Street/St, Road/Rd, Suite/Ste/#, unit and floor forms, case,
// punctuation and postcode formats; hard negatives: the same site name everywhere ("Main", "Head Office"),
// neighbours on one street, other suites in one building, two clients in one building.
std::vector<LabelledRecord> generate_sites(const PeopleOptions& options);

}  // namespace bench
