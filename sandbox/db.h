// A thin RAII layer over one SQLite connection. Not thread-safe by itself: Store serialises access.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace sandbox {

using SqlValue = std::variant<std::monostate, long long, double, std::string>;

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, const SqlValue& value);  // 1-based, like sqlite3_bind_*
  Statement& bind_all(const std::vector<SqlValue>& values);
  bool step();  // true while a row is available; throws on error
  void run();   // steps to completion
  void reset();

  bool is_null(int column) const;
  long long int_at(int column) const;
  std::string text_at(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  explicit Database(const std::string& path);  // a file path or ":memory:"; throws std::runtime_error
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  long long last_insert_id() const;
  int changes() const;
  // One integer from a query with optional bound values (0 when no row).
  long long scalar(std::string_view sql, const std::vector<SqlValue>& values = {});
  // Runs a statement with bound values to completion (UPDATE, DELETE, INSERT).
  void execute(std::string_view sql, const std::vector<SqlValue>& values = {});

 private:
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted (an exception, a validation failure), so a
// half-written batch never lands.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace sandbox
