// Duplicate-client benchmark: pairwise precision / recall / F1 of the matcher behind find_duplicates against the
// exact lower-case name match, on a generated labelled dataset, then a 100,000-client timing and peak RSS run.
//
// Then the same for contacts and sites (two variation mixes each, see contact_dataset.h) and a 100,000-contact run.
//
//   dedupe_bench [--kind all|clients|contacts|sites] [--companies N] [--people N] [--scale N] [--seed S]
//                [--threshold T] [--examples K]
#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

#include "bench/contact_dataset.h"
#include "bench/dedupe_dataset.h"
#include "tools/dedupe.h"

namespace {

using tools::dedupe::Group;

struct Scores {
  double precision = 0, recall = 0, f1 = 0;
  std::size_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
};

std::size_t pairs_in(std::size_t n) { return n * (n - 1) / 2; }

// Pairwise scores: every pair of records placed in one group counts as a predicted duplicate pair.
Scores evaluate(const std::vector<bench::LabelledRecord>& data, const std::vector<std::vector<std::uint32_t>>& groups) {
  Scores s;
  std::unordered_map<std::uint32_t, std::size_t> entity_size;
  for (const auto& r : data) ++entity_size[r.entity];
  for (const auto& [e, n] : entity_size) s.true_pairs += pairs_in(n);
  for (const auto& g : groups) {
    s.predicted_pairs += pairs_in(g.size());
    std::unordered_map<std::uint32_t, std::size_t> by_entity;
    for (auto m : g) ++by_entity[data[m].entity];
    for (const auto& [e, n] : by_entity) s.correct_pairs += pairs_in(n);
  }
  s.precision = s.predicted_pairs ? static_cast<double>(s.correct_pairs) / s.predicted_pairs : 1.0;
  s.recall = s.true_pairs ? static_cast<double>(s.correct_pairs) / s.true_pairs : 1.0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

// The seed's approach: names equal after lower-casing.
std::vector<std::vector<std::uint32_t>> exact_lowercase(const std::vector<bench::LabelledRecord>& data) {
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_name;
  for (std::uint32_t i = 0; i < data.size(); ++i) {
    std::string key = data[i].record.name;
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    by_name[key].push_back(i);
  }
  std::vector<std::vector<std::uint32_t>> out;
  for (auto& [k, v] : by_name)
    if (v.size() > 1) out.push_back(std::move(v));
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// CPU time of this (single-threaded) process: "compute on one core", unaffected by other load on the machine.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

std::vector<tools::dedupe::Record> records_of(const std::vector<bench::LabelledRecord>& data) {
  std::vector<tools::dedupe::Record> out;
  out.reserve(data.size());
  for (const auto& r : data) out.push_back(r.record);
  return out;
}

void print_row(const char* name, const Scores& s, double seconds) {
  std::printf("| %-34s | %9.4f | %6.4f | %6.4f | %8zu | %8zu | %8.3f |\n", name, s.precision, s.recall, s.f1,
              s.predicted_pairs, s.correct_pairs, seconds);
}

void show_errors(const std::vector<bench::LabelledRecord>& data, const std::vector<Group>& groups, int examples) {
  auto line = [&](std::uint32_t m) {
    const auto& r = data[m].record;
    std::string s = "[" + r.name + (r.address.empty() ? "" : " | " + r.address);
    for (const auto& e : r.emails) s += " | " + e;
    for (const auto& p : r.phones) s += " | " + p;
    return s + " | client " + std::to_string(r.client_id) + "]";
  };
  int shown = 0;
  for (const auto& g : groups) {
    bool mixed = false;
    for (auto m : g.members) mixed |= data[m].entity != data[g.members[0]].entity;
    if (!mixed) continue;
    std::printf("FALSE POSITIVE (%.2f):", g.score);
    for (auto m : g.members) std::printf(" %s", line(m).c_str());
    std::printf("\n");
    if (++shown >= examples) break;
  }
  std::unordered_map<std::uint32_t, std::uint32_t> group_of, first_of_entity;
  for (std::uint32_t gi = 0; gi < groups.size(); ++gi)
    for (auto m : groups[gi].members) group_of[m] = gi + 1;
  shown = 0;
  for (std::uint32_t i = 0; i < data.size() && shown < examples; ++i) {
    auto [it, inserted] = first_of_entity.try_emplace(data[i].entity, i);
    if (inserted) continue;
    const auto a = it->second;
    if (group_of[a] && group_of[a] == group_of[i]) continue;
    std::printf("MISSED (%s): %s vs %s\n", (data[i].variation.empty() ? data[a].variation : data[i].variation).c_str(),
                line(a).c_str(), line(i).c_str());
    ++shown;
  }
}

// Contacts or sites: both variation mixes scored, then `scale` records grouped on one core.
void run_people(tools::dedupe::Mode mode, bench::PeopleOptions options, std::size_t scale, double threshold,
                int examples) {
  const bool contacts = mode == tools::dedupe::Mode::contacts;
  const char* what = contacts ? "contacts" : "sites";
  auto make = [&](const bench::PeopleOptions& o) {
    return contacts ? bench::generate_contacts(o) : bench::generate_sites(o);
  };
  std::printf("\n## %s\n\n", what);
  std::printf("| %-34s | %9s | %6s | %6s | %8s | %8s | %8s |\n", "set", "precision", "recall", "F1", "pairs", "correct",
              "seconds");
  std::printf(
      "|------------------------------------|-----------|--------|--------|----------|----------|----------|\n");
  for (int mix = 0; mix < 2; ++mix) {
    bench::PeopleOptions o = options;
    o.mix = mix;
    const auto data = make(o);
    const auto records = records_of(data);
    auto t0 = std::chrono::steady_clock::now();
    const auto groups = tools::dedupe::group(tools::dedupe::find_candidates(mode, records), records.size(), threshold);
    const double seconds = seconds_since(t0);
    std::vector<std::vector<std::uint32_t>> members;
    for (const auto& g : groups) members.push_back(g.members);
    const Scores s = evaluate(data, members);
    char label[64];
    std::snprintf(label, sizeof label, "mix %d: %zu records, %zu true pairs", mix, data.size(), s.true_pairs);
    print_row(label, s, seconds);
    if (examples > 0) show_errors(data, groups, examples);
  }
  if (scale == 0) return;
  bench::PeopleOptions big = options;
  big.people = scale * 100 / 115;
  auto big_data = make(big);
  big_data.resize(std::min(big_data.size(), scale));
  const auto big_records = records_of(big_data);
  big_data.clear();
  const double cpu0 = cpu_seconds();
  const auto candidates = tools::dedupe::find_candidates(mode, big_records);
  const auto big_groups = tools::dedupe::group(candidates, big_records.size(), threshold);
  std::printf(
      "\nScale: %zu %s grouped in %.3f s CPU on one core, %zu groups, %zu candidate pairs scored, peak RSS %ld MB\n",
      big_records.size(), what, cpu_seconds() - cpu0, big_groups.size(), candidates.compared, peak_rss_mb());
}

}  // namespace

int main(int argc, char** argv) {
  bench::DatasetOptions options;
  std::size_t scale = 100000;
  double threshold = tools::dedupe::kDefaultThreshold;
  int examples = 0;
  std::string kind = "all";
  bench::PeopleOptions people;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--companies")) options.companies = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--scale"))
      scale = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--seed"))
      options.seed = people.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--threshold"))
      threshold = std::strtod(argv[i + 1], nullptr);
    else if (!std::strcmp(argv[i], "--examples"))
      examples = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--kind"))
      kind = argv[i + 1];
    else if (!std::strcmp(argv[i], "--people"))
      people.people = std::strtoul(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }

  if (kind == "contacts" || kind == "sites") {
    run_people(kind == "contacts" ? tools::dedupe::Mode::contacts : tools::dedupe::Mode::sites, people, scale,
               threshold, examples);
    return 0;
  }
  // 1. Quality on the labelled dataset.
  const auto data = bench::generate(options);
  std::size_t reentries = 0;
  for (const auto& r : data) reentries += !r.variation.empty();
  std::printf("Dataset: %zu companies, %zu records (%zu re-entries), seed %llu, threshold %.2f\n\n", options.companies,
              data.size(), reentries, static_cast<unsigned long long>(options.seed), threshold);

  auto t0 = std::chrono::steady_clock::now();
  const auto baseline_groups = exact_lowercase(data);
  const double baseline_seconds = seconds_since(t0);

  const auto records = records_of(data);
  t0 = std::chrono::steady_clock::now();
  const auto candidates = tools::dedupe::find_candidates(tools::dedupe::Mode::clients, records);
  const auto groups = tools::dedupe::group(candidates, records.size(), threshold);
  const double matcher_seconds = seconds_since(t0);
  std::vector<std::vector<std::uint32_t>> matcher_groups;
  for (const auto& g : groups) matcher_groups.push_back(g.members);

  std::printf("| %-34s | %9s | %6s | %6s | %8s | %8s | %8s |\n", "matcher", "precision", "recall", "F1", "pairs",
              "correct", "seconds");
  std::printf(
      "|------------------------------------|-----------|--------|--------|----------|----------|----------|\n");
  print_row("exact lower-case name (seed)", evaluate(data, baseline_groups), baseline_seconds);
  print_row("find_duplicates engine", evaluate(data, matcher_groups), matcher_seconds);
  std::printf("\n(true pairs: %zu; candidate pairs scored: %zu)\n", evaluate(data, matcher_groups).true_pairs,
              candidates.compared);

  if (examples > 0) {  // what the matcher gets wrong, for tuning
    int shown = 0;
    for (const auto& g : groups) {
      bool mixed = false;
      for (auto m : g.members) mixed |= data[m].entity != data[g.members[0]].entity;
      if (!mixed) continue;
      std::printf("FALSE POSITIVE (%.2f):", g.score);
      for (auto m : g.members) std::printf(" [%s]", data[m].record.name.c_str());
      std::printf("\n");
      if (++shown >= examples) break;
    }
    std::unordered_map<std::uint32_t, std::uint32_t> group_of;
    for (std::uint32_t gi = 0; gi < groups.size(); ++gi)
      for (auto m : groups[gi].members) group_of[m] = gi + 1;
    std::unordered_map<std::uint32_t, std::uint32_t> first_of_entity;
    shown = 0;
    for (std::uint32_t i = 0; i < data.size() && shown < examples; ++i) {
      auto [it, inserted] = first_of_entity.try_emplace(data[i].entity, i);
      if (inserted) continue;
      const auto a = it->second;
      if (group_of[a] && group_of[a] == group_of[i]) continue;
      std::printf("MISSED: [%s] vs [%s] (%s)\n", data[a].record.name.c_str(), data[i].record.name.c_str(),
                  (data[i].variation.empty() ? data[a].variation : data[i].variation).c_str());
      ++shown;
    }
  }

  // 2. Scale: `scale` clients, timed on one core, peak RSS of the whole process.
  if (scale > 0) {
    bench::DatasetOptions big = options;
    big.companies = scale * 100 / 130;  // with ~30% re-entries the records come to about `scale`
    auto big_data = bench::generate(big);
    big_data.resize(std::min(big_data.size(), scale));
    const auto big_records = records_of(big_data);
    big_data.clear();
    big_data.shrink_to_fit();
    t0 = std::chrono::steady_clock::now();
    const double cpu0 = cpu_seconds();
    const auto big_candidates = tools::dedupe::find_candidates(tools::dedupe::Mode::clients, big_records);
    const double candidate_seconds = seconds_since(t0);
    const auto big_groups = tools::dedupe::group(big_candidates, big_records.size(), threshold);
    const double total_seconds = seconds_since(t0);
    const double cpu = cpu_seconds() - cpu0;
    std::printf(
        "\nScale: %zu clients grouped in %.3f s CPU on one core (wall %.3f s: candidates %.3f s, grouping "
        "%.3f s), %zu groups, %zu candidate pairs scored, peak RSS %ld MB\n",
        big_records.size(), cpu, total_seconds, candidate_seconds, total_seconds - candidate_seconds, big_groups.size(),
        big_candidates.compared, peak_rss_mb());
  }
  if (kind == "all") {
    run_people(tools::dedupe::Mode::contacts, people, scale, threshold, examples);
    run_people(tools::dedupe::Mode::sites, people, 0, threshold, examples);
  }
  return 0;
}
