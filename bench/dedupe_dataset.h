// A labelled duplicate-client dataset, generated deterministically from a seed: distinct companies, a share of
// them re-entered with the variations people really type, and hard negatives (different companies that share
// words, such as "Summit Dental" and "Summit Legal", or numbered branches).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/dedupe.h"

namespace bench {

struct LabelledRecord {
  tools::dedupe::Record record;
  std::uint32_t entity = 0;  // records with the same entity are the same company
  std::string variation;     // what was changed for a re-entry ("" for originals)
};

struct DatasetOptions {
  std::size_t companies = 40000;
  double reentered_share = 0.25;  // companies entered again (one or two more times)
  std::uint64_t seed = 20240501;
};

std::vector<LabelledRecord> generate(const DatasetOptions& options);

}  // namespace bench
