// Candidate generation by blocking, pair scoring, and grouping with union-find.
#include "tools/dedupe.h"

#include "tools/contact_identity.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace tools::dedupe {

namespace {

constexpr std::uint64_t kBase = 1099511628211ULL;  // odd multiplier; arithmetic wraps mod 2^64
constexpr std::size_t kMaxNameBlock = 64;          // deletion-variant buckets larger than this are noise
constexpr std::size_t kMaxEvidenceBlock = 24;      // a domain or phone shared by more is not evidence

void check(const std::function<bool()>& cancelled) {
  if (cancelled && cancelled()) throw Cancelled();
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

std::uint64_t hash_of(std::string_view s) {
  std::uint64_t h = 0;
  for (unsigned char c : s) h = h * kBase + c + 1;
  return h;
}

// The hash of `s` and of every string made by deleting one character, in one pass.
void deletion_hashes(std::string_view s, std::vector<std::uint64_t>& out) {
  const std::size_t n = s.size();
  out.clear();
  out.push_back(hash_of(s));
  if (n < 4) return;  // one edit on a very short key makes a different name
  thread_local std::vector<std::uint64_t> suffix, power;
  suffix.assign(n + 1, 0);
  power.assign(n + 1, 1);
  for (std::size_t i = 1; i <= n; ++i) power[i] = power[i - 1] * kBase;
  for (std::size_t i = n; i-- > 0;)
    suffix[i] = (static_cast<unsigned char>(s[i]) + 1) * power[n - 1 - i] + suffix[i + 1];
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 0 || s[i] != s[i - 1]) out.push_back(prefix * power[n - 1 - i] + suffix[i + 1]);  // runs give one variant
    prefix = prefix * kBase + static_cast<unsigned char>(s[i]) + 1;
  }
}

struct UnionFind {
  std::vector<std::uint32_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
};

struct EdgeSink {
  std::vector<Edge>& edges;
  void add(std::uint32_t a, std::uint32_t b, double score, unsigned reasons) {
    if (a == b || score < kMinThreshold) return;
    if (a > b) std::swap(a, b);
    edges.push_back({a, b, static_cast<float>(std::min(1.0, score)), reasons});
  }
};

// Keeps one edge per pair: the best score, with the reasons of every edge for that pair.
void merge_duplicate_edges(std::vector<Edge>& edges) {
  std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
    return x.a != y.a ? x.a < y.a : x.b != y.b ? x.b < y.b : x.score > y.score;
  });
  std::size_t w = 0;
  for (std::size_t r = 0; r < edges.size(); ++r) {
    if (w > 0 && edges[w - 1].a == edges[r].a && edges[w - 1].b == edges[r].b) {
      edges[w - 1].reasons |= edges[r].reasons;
      continue;
    }
    edges[w++] = edges[r];
  }
  edges.resize(w);
}

// Links every member of a block of identical keys to its first member: linear, however large the block.
template <typename Key>
void star_blocks(std::vector<std::pair<Key, std::uint32_t>>& keyed, EdgeSink& sink, double score, unsigned reasons,
                 const std::function<double(std::uint32_t, std::uint32_t)>& adjust = {}) {
  std::sort(keyed.begin(), keyed.end());
  for (std::size_t i = 0; i < keyed.size();) {
    std::size_t j = i + 1;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
    for (std::size_t k = i + 1; k < j; ++k) {
      if (keyed[k].second == keyed[i].second) continue;
      sink.add(keyed[i].second, keyed[k].second, adjust ? adjust(keyed[i].second, keyed[k].second) : score, reasons);
    }
    i = j;
  }
}

// LSD radix sort by the 64-bit key (16 bits a pass): the variant lists run to millions of entries.
void sort_keyed(std::vector<std::pair<std::uint64_t, std::uint32_t>>& v) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> tmp(v.size());
  std::vector<std::size_t> count(65537);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const auto& e : v) ++count[((e.first >> shift) & 0xFFFF) + 1];
    for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
    for (const auto& e : v) tmp[count[(e.first >> shift) & 0xFFFF]++] = e;
    v.swap(tmp);
  }
}
template <typename Key>
void sort_keyed(std::vector<std::pair<Key, std::uint32_t>>& v) {
  std::sort(v.begin(), v.end());
}

// Every pair within small blocks of identical keys (blocks larger than max_block are skipped as noise).
template <typename Key, typename F>
void pair_blocks(std::vector<std::pair<Key, std::uint32_t>>& keyed, std::size_t max_block, F&& on_pair) {
  sort_keyed(keyed);
  keyed.erase(std::unique(keyed.begin(), keyed.end()), keyed.end());
  for (std::size_t i = 0; i < keyed.size();) {
    std::size_t j = i + 1;
    while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
    if (j - i <= max_block)
      for (std::size_t x = i; x < j; ++x)
        for (std::size_t y = x + 1; y < j; ++y) on_pair(keyed[x].second, keyed[y].second);
    i = j;
  }
}

// ---------------------------------------------------------------------------------------------------- clients
Candidates client_candidates(const std::vector<Record>& records, const std::function<bool()>& cancelled) {
  Candidates out;
  out.scanned = records.size();
  EdgeSink sink{out.edges};
  const std::size_t n = records.size();

  // Distinct compact keys (words joined without spaces: "Bright Water" = "Brightwater"), one representative each.
  std::vector<std::uint32_t> key_of(n, UINT32_MAX);
  std::vector<std::string> keys;
  std::vector<std::string> sorted_words;
  std::vector<std::uint32_t> rep;
  {
    std::unordered_map<std::string, std::uint32_t> index;
    index.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
      if ((i & 4095) == 0) check(cancelled);
      std::vector<std::string> words = company_words(records[i].name);
      std::string compact;
      for (const auto& w : words) compact += w;
      if (compact.empty()) continue;
      auto [it, inserted] = index.try_emplace(compact, static_cast<std::uint32_t>(keys.size()));
      if (inserted) {
        keys.push_back(compact);
        std::sort(words.begin(), words.end());
        std::string sw;
        for (const auto& w : words) sw += w + ' ';
        sorted_words.push_back(std::move(sw));
        rep.push_back(static_cast<std::uint32_t>(i));
      } else {
        sink.add(rep[it->second], static_cast<std::uint32_t>(i), 1.0, kSameName);
      }
      key_of[i] = it->second;
    }
  }
  check(cancelled);

  std::vector<std::string> digits(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) digits[k] = digits_of(keys[k]);

  // Names one edit apart share a deletion variant (symmetric-delete blocking).
  auto score_keys = [&](std::uint32_t ka, std::uint32_t kb) {
    ++out.compared;
    if (digits[ka] != digits[kb]) return;  // "Dental 2" and "Dental 3" are different branches
    if (sorted_words[ka] == sorted_words[kb]) {
      sink.add(rep[ka], rep[kb], 0.7, kWordOrder);  // "Smith & Jones" / "Jones & Smith": often two firms
      return;
    }
    const std::string& a = keys[ka];
    const std::string& b = keys[kb];
    if (edit_distance(a, b, 1) != 1) return;
    const std::size_t len = std::min(a.size(), b.size());
    sink.add(rep[ka], rep[kb], len >= 8 ? 0.9 : len >= 6 ? 0.8 : 0.6, kOneLetter);
  };
  {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> variants;
    variants.reserve(keys.size() * 16);
    std::vector<std::uint64_t> hashes;
    for (std::uint32_t k = 0; k < keys.size(); ++k) {
      if ((k & 4095) == 0) check(cancelled);
      deletion_hashes(keys[k], hashes);
      for (auto h : hashes) variants.emplace_back(h, k);
    }
    check(cancelled);
    pair_blocks(variants, kMaxNameBlock, score_keys);
    std::vector<std::pair<std::uint64_t, std::uint32_t>> word_sets;
    word_sets.reserve(keys.size());
    for (std::uint32_t k = 0; k < keys.size(); ++k) word_sets.emplace_back(hash_of(sorted_words[k]), k);
    pair_blocks(word_sets, kMaxNameBlock, score_keys);
  }
  check(cancelled);

  // Evidence: the same website domain, company e-mail domain or phone number, with names at least alike.
  auto name_similarity = [&](std::uint32_t a, std::uint32_t b) {
    if (key_of[a] == UINT32_MAX || key_of[b] == UINT32_MAX) return 0.0;
    const std::string& x = keys[key_of[a]];
    const std::string& y = keys[key_of[b]];
    if (x == y) return 1.0;
    if (digits[key_of[a]] != digits[key_of[b]]) return 0.0;
    const int longest = static_cast<int>(std::max(x.size(), y.size()));
    const int limit = std::max(1, longest / 2);
    const int d = edit_distance(x, y, limit);
    double sim = d > limit ? 0.0 : 1.0 - static_cast<double>(d) / longest;
    // One name containing the other ("Carter" / "Carter Group") is closer than its edit distance says.
    if (x.size() >= 4 && y.size() >= 4 && (x.find(y) != std::string::npos || y.find(x) != std::string::npos))
      sim = std::max(sim, 0.75);
    return sim;
  };
  std::vector<std::pair<std::uint64_t, std::uint32_t>> websites, mail_domains, phones;
  for (std::uint32_t i = 0; i < n; ++i) {
    const Record& r = records[i];
    if (auto d = website_domain(r.website); !d.empty()) websites.emplace_back(hash_of(d), i);
    for (const auto& e : r.emails)
      if (auto d = email_domain(e); !d.empty() && !generic_email_domain(d)) mail_domains.emplace_back(hash_of(d), i);
    for (const auto& p : r.phones)
      if (auto k = phone_key(p); !k.empty()) phones.emplace_back(hash_of(k), i);
  }
  auto evidence = [&](unsigned reason) {
    return [&, reason](std::uint32_t a, std::uint32_t b) {
      ++out.compared;
      const double sim = name_similarity(a, b);
      sink.add(a, b, 0.35 + 0.5 * sim + 0.15, reason | (sim < 1.0 ? kSimilarName : 0u));
    };
  };
  pair_blocks(websites, kMaxEvidenceBlock, evidence(kSameWebsite));
  pair_blocks(mail_domains, kMaxEvidenceBlock, evidence(kSameEmailDomain));
  pair_blocks(phones, kMaxEvidenceBlock, evidence(kSamePhone));
  merge_duplicate_edges(out.edges);
  // Two kinds of evidence on one pair are stronger than either.
  for (auto& e : out.edges) {
    const int kinds =
        ((e.reasons & kSameWebsite) != 0) + ((e.reasons & kSameEmailDomain) != 0) + ((e.reasons & kSamePhone) != 0);
    const bool name_match = (e.reasons & (kSameName | kWordOrder | kOneLetter)) != 0;
    e.score = std::min(1.0f, e.score + 0.05f * static_cast<float>(kinds - (name_match ? 0 : 1)));
  }
  return out;
}

// --------------------------------------------------------------------------------------------------- contacts
// Blocks: the same e-mail address, the same phone, and a name word (first name or surname) at the same client;
// every pair in a block is judged by the contact identity rule (tools/contact_identity.cpp).
Candidates contact_candidates(const std::vector<Record>& records, const std::function<bool()>& cancelled) {
  Candidates out;
  out.scanned = records.size();
  EdgeSink sink{out.edges};
  const std::size_t n = records.size();
  std::vector<ContactView> views(n);
  std::vector<std::pair<std::uint64_t, std::uint32_t>> emails, phones, words;
  for (std::uint32_t i = 0; i < n; ++i) {
    if ((i & 4095) == 0) check(cancelled);
    views[i] = view_of(records[i]);
    const ContactView& v = views[i];
    for (const auto& e : v.emails) emails.emplace_back(hash_of(e), i);
    for (const auto& p : v.phones) phones.emplace_back(hash_of(p), i);
    if (v.client_id) {
      const std::string c = std::to_string(v.client_id) + '|';
      if (!v.name.surname.empty()) words.emplace_back(hash_of(c + v.name.surname), i);
      if (!v.name.first.empty() && v.name.first.size() > 1) words.emplace_back(hash_of(c + v.name.first), i);
    }
  }
  check(cancelled);
  // The book's own signal: an address on two differently named contacts (or on very many) is a shared mailbox.
  std::unordered_set<std::string> shared;
  {
    auto by_address = emails;
    sort_keyed(by_address);
    for (std::size_t i = 0; i < by_address.size();) {
      std::size_t j = i + 1;
      while (j < by_address.size() && by_address[j].first == by_address[i].first) ++j;
      bool is_shared = j - i > kMaxEvidenceBlock;
      for (std::size_t x = i; x < j && !is_shared; ++x)
        for (std::size_t y = x + 1; y < j && !is_shared; ++y)
          is_shared = compare_person_names(views[by_address[x].second].name, views[by_address[y].second].name).match ==
                      NameMatch::different;
      if (is_shared)
        for (const auto& e : views[by_address[i].second].emails)
          if (hash_of(e) == by_address[i].first) shared.insert(e);
      i = j;
    }
  }
  auto is_shared = [&](const std::string& e) { return !shared.empty() && shared.contains(e); };
  auto judge_pair = [&](std::uint32_t a, std::uint32_t b) {
    ++out.compared;
    const Identity id = judge(views[a], views[b], is_shared);
    sink.add(a, b, id.score, id.reasons);
  };
  pair_blocks(emails, kMaxEvidenceBlock, judge_pair);
  pair_blocks(phones, kMaxEvidenceBlock, judge_pair);
  check(cancelled);
  pair_blocks(words, kMaxNameBlock, judge_pair);
  merge_duplicate_edges(out.edges);
  return out;
}

// ------------------------------------------------------------------------------------------------------ sites
Candidates site_candidates(const std::vector<Record>& records, const std::function<bool()>& cancelled) {
  Candidates out;
  out.scanned = records.size();
  EdgeSink sink{out.edges};
  std::vector<std::pair<std::string, std::uint32_t>> addresses;
  for (std::uint32_t i = 0; i < records.size(); ++i) {
    if ((i & 4095) == 0) check(cancelled);
    if (auto k = address_key(records[i].address); k.size() >= 6) addresses.emplace_back(std::move(k), i);
  }
  // Only the address links sites: a site's name never does ("Main" is everywhere).
  star_blocks(addresses, sink, 0.85, kSameAddress, [&](std::uint32_t a, std::uint32_t b) {
    return records[a].client_id && records[a].client_id == records[b].client_id ? 0.95 : 0.85;
  });
  for (auto& e : out.edges)
    if (records[e.a].client_id && records[e.a].client_id == records[e.b].client_id) e.reasons |= kSameClient;
  merge_duplicate_edges(out.edges);
  return out;
}

}  // namespace

Candidates find_candidates(Mode mode, const std::vector<Record>& records, const std::function<bool()>& cancelled) {
  switch (mode) {
    case Mode::clients: return client_candidates(records, cancelled);
    case Mode::contacts: return contact_candidates(records, cancelled);
    case Mode::sites: return site_candidates(records, cancelled);
  }
  return {};
}

std::vector<Group> group(const Candidates& candidates, std::size_t record_count, double threshold) {
  // Kruskal-style: strongest links first, so a group's score is the weakest link of its maximum spanning tree.
  std::vector<std::uint32_t> order;
  order.reserve(candidates.edges.size());
  for (std::uint32_t i = 0; i < candidates.edges.size(); ++i)
    if (candidates.edges[i].score >= threshold - 1e-6 && candidates.edges[i].a < record_count &&
        candidates.edges[i].b < record_count)
      order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto x, auto y) { return candidates.edges[x].score > candidates.edges[y].score; });
  UnionFind uf(record_count);
  std::unordered_map<std::uint32_t, std::pair<float, unsigned>> root_info;  // root → (score, reasons)
  for (auto i : order) {
    const Edge& e = candidates.edges[i];
    auto ra = uf.find(e.a), rb = uf.find(e.b);
    if (ra == rb) {
      root_info[ra].second |= e.reasons;
      continue;
    }
    float score = e.score;
    unsigned reasons = e.reasons;
    for (auto r : {ra, rb})
      if (auto it = root_info.find(r); it != root_info.end()) {
        score = std::min(score, it->second.first);
        reasons |= it->second.second;
        root_info.erase(it);
      }
    uf.parent[rb] = ra;
    root_info[ra] = {score, reasons};
  }
  std::unordered_map<std::uint32_t, std::size_t> slot;
  std::vector<Group> groups;
  for (const auto& [root, info] : root_info) {
    slot[root] = groups.size();
    groups.push_back({info.first, info.second, {}});
  }
  for (auto i : order)
    for (auto m : {candidates.edges[i].a, candidates.edges[i].b}) groups[slot.at(uf.find(m))].members.push_back(m);
  for (auto& g : groups) {
    std::sort(g.members.begin(), g.members.end());
    g.members.erase(std::unique(g.members.begin(), g.members.end()), g.members.end());
    g.score = std::round(g.score * 1000.0) / 1000.0;
  }
  std::sort(groups.begin(), groups.end(), [](const Group& x, const Group& y) {
    if (x.score != y.score) return x.score > y.score;
    if (x.members.size() != y.members.size()) return x.members.size() > y.members.size();
    return x.members.front() < y.members.front();
  });
  return groups;
}

std::vector<std::string> describe(unsigned reasons) {
  static const std::pair<unsigned, const char*> kText[] = {
      {kSameName,
       "same name once case, punctuation, accents, 'The', '&'/'and', abbreviations and legal suffixes are ignored"},
      {kWordOrder, "same words in a different order"},
      {kOneLetter, "names differ by one letter"},
      {kSimilarName, "similar names"},
      {kSameWebsite, "same website domain"},
      {kSameEmailDomain, "same e-mail domain"},
      {kSamePhone, "same phone number"},
      {kSameEmail, "same e-mail address"},
      {kSamePersonName, "same name"},
      {kSameClient, "at the same client"},
      {kSameAddress, "same address"},
      {kNickname, "a first name and its nickname"},
      {kNameOrder, "surname and first name in the other order"},
      {kMiddleName, "a middle name or initial on one only"},
      {kSharedMailbox, "a shared or role mailbox (not evidence on its own)"},
  };
  std::vector<std::string> out;
  for (const auto& [bit, text] : kText)
    if (reasons & bit) out.emplace_back(text);
  return out;
}

}  // namespace tools::dedupe
