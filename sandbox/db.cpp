#include "sandbox/db.h"

#include <sqlite3.h>

#include <stdexcept>

#include <spdlog/spdlog.h>

namespace sandbox {
namespace {

[[noreturn]] void raise(sqlite3* db, std::string_view what) {
  throw std::runtime_error("sandbox database: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), stmt_(nullptr) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    raise(db, "cannot prepare \"" + std::string(sql.substr(0, 80)) + "\"");
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::bind(int index, const SqlValue& value) {
  int rc = SQLITE_OK;
  if (std::holds_alternative<std::monostate>(value)) rc = sqlite3_bind_null(stmt_, index);
  else if (const auto* i = std::get_if<long long>(&value))
    rc = sqlite3_bind_int64(stmt_, index, *i);
  else if (const auto* d = std::get_if<double>(&value))
    rc = sqlite3_bind_double(stmt_, index, *d);
  else {
    const auto& s = std::get<std::string>(value);
    rc = sqlite3_bind_text(stmt_, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  if (rc != SQLITE_OK) raise(db_, "cannot bind a value");
  return *this;
}

Statement& Statement::bind_all(const std::vector<SqlValue>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) bind(static_cast<int>(i + 1), values[i]);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  raise(db_, "statement failed");
}

void Statement::run() {
  while (step()) {}
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

long long Statement::int_at(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text_at(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Database::Database(const std::string& path) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("sandbox database: cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
  if (db_ && sqlite3_close(db_) != SQLITE_OK) spdlog::warn("sandbox database: close failed: {}", sqlite3_errmsg(db_));
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error("sandbox database: " + msg);
  }
}

Statement Database::prepare(std::string_view sql) { return Statement(db_, sql); }

long long Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

long long Database::scalar(std::string_view sql, const std::vector<SqlValue>& values) {
  Statement st(db_, sql);
  st.bind_all(values);
  return st.step() ? st.int_at(0) : 0;
}

void Database::execute(std::string_view sql, const std::vector<SqlValue>& values) {
  Statement st(db_, sql);
  st.bind_all(values);
  st.run();
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const std::exception& e) {
    spdlog::error("sandbox database: rollback failed: {}", e.what());
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace sandbox
