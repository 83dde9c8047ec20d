// Loads the demo book (seed_book.cpp) through the same write path as the API, so seeded records obey the same
// schema rules; timestamps are derived from ids so every run produces identical data.
#include <chrono>
#include <random>

#include "sandbox/seed_book.h"
#include "sandbox/store.h"
#include "sandbox/time_util.h"

namespace sandbox {

using nlohmann::json;

namespace {

using Clock = std::chrono::system_clock;

Clock::time_point day(int year, unsigned month, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{d}};
}

// Created between 2019 and 2023, last changed during 2024: old enough that any write made by a test is newer.
std::string created_at(long long id) {
  return format_iso(day(2019, 1, 7) + std::chrono::days((id * 41) % 1600) + std::chrono::hours(9) +
                    std::chrono::minutes((id * 37) % 480));
}

std::string updated_at(long long id) {
  return format_iso(day(2024, 1, 15) + std::chrono::days((id * 7) % 300) + std::chrono::hours(10) +
                    std::chrono::minutes((id * 13) % 420));
}

}  // namespace

void Store::seed_locked() {
  const auto load_kind = [&](Kind kind, const char* text) {
    for (json record : json::parse(text)) {
      const long long id = record.at("id").get<long long>();
      record["datecreated"] = created_at(id);
      WriteOptions opts{true, updated_at(id)};
      if (const char* stamp = kind_info(kind).stamp) record[stamp] = opts.now;
      save_locked(kind, json::array({record}), opts);
    }
  };
  for (json record : json::parse(seed_book::kTopLevels))
    save_locked(Kind::TopLevel, json::array({record}), WriteOptions{true, updated_at(0)});
  for (const json& value : json::parse(seed_book::kCustomerTypes))
    insert_lookup(kClientTypesStorageId, value.at("id").get<long long>(), value);
  load_kind(Kind::Client, seed_book::kClients);
  load_kind(Kind::Site, seed_book::kSites);
  load_kind(Kind::User, seed_book::kUsers);
  // Tickets and contracts are read-only here and have no schema in the OpenAPI subset: stored as written.
  for (const json& record : json::parse(seed_book::kTickets))
    write_row(Kind::Ticket, record.at("id").get<long long>(), record, true);
  for (const json& record : json::parse(seed_book::kContracts))
    write_row(Kind::Contract, record.at("id").get<long long>(), record, true);
  db_.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', '1')");
}

std::size_t Store::add_bulk_clients(std::size_t n, unsigned seed) {
  static const char* const kFirst[] = {"Granite", "Harbour", "Maple",  "Quantum", "Sterling",  "Cedar",     "Falcon",
                                       "Beacon",  "Summit",  "Willow", "Apex",    "Northgate", "Riverside", "Oak"};
  static const char* const kTrade[] = {"Dental",     "Legal",    "Logistics", "Accounting",   "Engineering",
                                       "Veterinary", "Plastics", "Academy",   "Construction", "Insurance"};
  static const char* const kSuffix[] = {"Ltd", "LLP", "Group", "Inc.", "Partners", "Services"};
  std::mt19937 rng(seed);
  std::lock_guard lock(mu_);
  Transaction tx(db_);
  const std::string now = now_iso();
  const long long base = db_.scalar("SELECT COALESCE(MAX(id), 0) FROM clients");
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = std::string(kFirst[rng() % std::size(kFirst)]) + " " + kTrade[rng() % std::size(kTrade)] +
                             " " + kSuffix[rng() % std::size(kSuffix)] + " " + std::to_string(base + 1 + i);
    json record = {{"name", name},      {"inactive", false},  {"toplevel_id", 1},
                   {"customertype", 1}, {"datecreated", now}, {"alastupdate", now}};
    write_row(Kind::Client, 0, record, true);
  }
  tx.commit();
  return n;
}

}  // namespace sandbox
