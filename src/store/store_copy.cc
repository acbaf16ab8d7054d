#include "store/store_copy.h"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <memory>

#include "core/text.h"
#include "store/engines.h"
#include "store/pg_connection.h"
#include "store/sqlite_search.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

// The magazine's tables, parents before children (foreign keys). The search index, the change
// counters and the schema version are each engine's own and are not copied.
constexpr const char* kTables[] = {
    "articles",
    "article_aliases",
    "authors",
    "sections",
    "media_blobs",
    "media_chunks",
    "media",
    "comments",
    "terms",
    "redirects",
    "menus",
    "subscribers",
    "subscriptions",
    "newsletter_issues",
    "newsletter_deliveries",
    "site_secrets",
    "mail_outbox",
    "members",
    "member_grants",
    "member_sessions",
    "sign_in_tokens",
    "institutions",
    "institution_members",
    "institution_usage",
    "member_feed_tokens",
    "people",
    "stripe_subscriptions",
    "stripe_events",
    "stripe_prices",
    "media_downloads",
    "podcast_shows",
    "podcast_episodes",
    "staff",
    "staff_invitations",
    "staff_sessions",
    "staff_recovery_codes",
    "integrations",
    "inbox_submissions",
    "inbox_replies",
    "donations",
    "gifts",
    "article_revisions",
    "shop_products",
    "shop_product_files",
    "shop_variants",
    "shop_orders",
    "shop_order_lines",
    "shop_reservations",
    "shop_download_grants",
    "newsletter_schedules",
    "workshops",
    "workshop_registrations",
    "workshop_waitlist",
    "workshop_reminders",
    "media_details",
    "stripe_payments",
    "webhook_deliveries",
};

// One value of a row, as both engines can give and take it.
struct Value {
  enum Kind { kNull, kInteger, kText, kBytes } kind = kNull;
  std::string data;  // an integer in decimal
};
using Row = std::vector<Value>;

// What the copy needs of an engine: its tables' rows, and writing them in one transaction.
class Tables {
 public:
  virtual ~Tables() = default;
  // Every row of `table` with its column names.
  virtual Status Read(const std::string& table, std::vector<std::string>* columns,
                      const std::function<Status(const Row&)>& row) = 0;
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  virtual Status Clear(const std::string& table) = 0;
  virtual Status Insert(const std::string& table, const std::vector<std::string>& columns,
                        const Row& row) = 0;
  // After the rows are in, in the same transaction: the search index is made again, counters
  // move on, identities continue after the copied ids.
  virtual Status Finish() = 0;
};

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

class SqliteTables final : public Tables, private SqliteConnection {
 public:
  explicit SqliteTables(sqlite3* db) : SqliteConnection(db) {}

  Status Read(const std::string& table, std::vector<std::string>* columns,
              const std::function<Status(const Row&)>& fn) override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, ("SELECT * FROM " + Quoted(table)).c_str(), -1, &s, nullptr) !=
        SQLITE_OK) {
      return Failure("reading " + table);
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(s, sqlite3_finalize);
    const int n = sqlite3_column_count(s);
    columns->clear();
    for (int c = 0; c < n; ++c) columns->push_back(sqlite3_column_name(s, c));
    int rc;
    Row row(static_cast<size_t>(n));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (int c = 0; c < n; ++c) {
        Value& v = row[static_cast<size_t>(c)];
        const int type = sqlite3_column_type(s, c);
        v.kind = type == SQLITE_NULL      ? Value::kNull
                 : type == SQLITE_INTEGER ? Value::kInteger
                 : type == SQLITE_BLOB    ? Value::kBytes
                                          : Value::kText;
        const auto* p = static_cast<const char*>(sqlite3_column_blob(s, c));
        v.data.assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(s, c)));
        if (type == SQLITE_INTEGER) v.data = std::to_string(sqlite3_column_int64(s, c));
      }
      if (auto st = fn(row); !st) return st;
    }
    if (rc != SQLITE_DONE) return Failure("reading " + table);
    return {};
  }

  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() override { return Exec("COMMIT"); }
  void Rollback() override { (void)Exec("ROLLBACK"); }
  Status Clear(const std::string& table) override {
    return Exec(("DELETE FROM " + Quoted(table)).c_str());
  }

  Status Insert(const std::string& table, const std::vector<std::string>& columns,
                const Row& row) override {
    std::string sql = "INSERT INTO " + Quoted(table) + " (", marks;
    for (size_t c = 0; c < columns.size(); ++c) {
      sql += (c ? ", " : "") + Quoted(columns[c]);
      marks += c ? ", ?" : "?";
    }
    sql += ") VALUES (" + marks + ")";
    Use q(Q(sql));
    for (size_t c = 0; c < row.size(); ++c) {
      const int i = static_cast<int>(c + 1);
      const Value& v = row[c];
      if (v.kind == Value::kInteger) {
        q.Bind(i, static_cast<int64_t>(std::stoll(v.data)));
      } else if (v.kind == Value::kBytes) {
        q.BindBlob(i, v.data);
      } else if (v.kind == Value::kText) {
        q.Bind(i, v.data);
      }
    }
    if (q.Step() != SQLITE_DONE) return Failure("writing " + table);
    return {};
  }

  Status Finish() override {
    return Exec(
        "DELETE FROM article_search; DELETE FROM headline_search; DELETE FROM search_docs;"
        " UPDATE search_state SET rebuild = 1; UPDATE content_changes SET n = n + 1;"
        " UPDATE member_changes SET n = n + 1");
  }
};

class PgTables final : public Tables {
 public:
  explicit PgTables(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status Read(const std::string& table, std::vector<std::string>* columns,
              const std::function<Status(const Row&)>& fn) override {
    auto q = db_->QueryText("SELECT * FROM " + Quoted(table));
    if (!q) return q.error();
    columns->clear();
    for (int c = 0; c < q->columns(); ++c) columns->push_back(q->ColumnName(c));
    Row row(static_cast<size_t>(q->columns()));
    for (int r = 0; r < q->size(); ++r) {
      for (int c = 0; c < q->columns(); ++c) {
        Value& v = row[static_cast<size_t>(c)];
        const Oid type = q->ColumnType(c);
        constexpr Oid kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23;
        if (q->IsNull(r, c)) {
          v = Value{Value::kNull, {}};
        } else if (type == kBytea) {
          v = Value{Value::kBytes, q->Bytes(r, c)};
        } else if (type == kInt8 || type == kInt2 || type == kInt4) {
          v = Value{Value::kInteger, q->Text(r, c)};
        } else {
          v = Value{Value::kText, q->Text(r, c)};
        }
      }
      if (auto st = fn(row); !st) return st;
    }
    return {};
  }

  Status Begin() override { return db_->Exec("BEGIN"); }
  Status Commit() override { return db_->Exec("COMMIT"); }
  void Rollback() override { (void)db_->Exec("ROLLBACK"); }
  Status Clear(const std::string& table) override {
    return db_->Exec("DELETE FROM " + Quoted(table));
  }

  Status Insert(const std::string& table, const std::vector<std::string>& columns,
                const Row& row) override {
    std::string sql = "INSERT INTO " + Quoted(table) + " (", marks;
    for (size_t c = 0; c < columns.size(); ++c) {
      sql += (c ? ", " : "") + Quoted(columns[c]);
      marks += (c ? ", $" : "$") + std::to_string(c + 1);
    }
    sql += ") VALUES (" + marks + ")";
    std::vector<PgParam> params;
    for (const Value& v : row) {
      if (v.kind == Value::kNull) {
        params.emplace_back(PgNull{});
      } else if (v.kind == Value::kBytes) {
        params.emplace_back(PgBytes{v.data});
      } else {
        params.emplace_back(std::string_view(v.data));
      }
    }
    if (auto q = db_->QueryText(sql, params); !q) {
      return Error{ErrorCode::kStore, "writing " + table + ": " + q.error().message, {}, 0, {}};
    }
    return {};
  }

  Status Finish() override {
    // Identities continue after the copied ids.
    auto q = db_->QueryText(
        "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id')"
        " FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND column_name = 'id' AND is_identity = 'YES'");
    if (!q) return q.error();
    for (int r = 0; r < q->size(); ++r) {
      if (auto s = db_->QueryText("SELECT setval($1::regclass, coalesce((SELECT max(id) FROM " +
                                      Quoted(q->Text(r, 0)) + "), 0) + 1, false)",
                                  {std::string_view(q->Text(r, 1))});
          !s) {
        return s.error();
      }
    }
    return db_->Exec(
        "DELETE FROM search_docs; UPDATE search_state SET rebuild = 1;"
        " UPDATE content_changes SET n = n + 1; UPDATE member_changes SET n = n + 1");
  }

 private:
  std::unique_ptr<PgConnection> db_;
};

bool IsPostgres(const std::string& text) {
  return text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0;
}

// The tables of a store, its schema made or brought up to date first.
Result<std::unique_ptr<Tables>> OpenTables(const StoreAddress& a) {
  StoreOptions options = a.options;
  options.search_index = false;  // the copy does not need the index now
  {
    auto store = OpenContentStore(a.file, options);
    if (!store) return store.error();
  }
  if (!a.options.url.empty()) {
    auto db = PgConnection::Open(a.options.url, a.options.password);
    if (!db) return db.error();
    return std::unique_ptr<Tables>(std::make_unique<PgTables>(std::move(*db)));
  }
  auto db = OpenSqliteConnection(a.file);
  if (!db) return db.error();
  sqlite3_busy_timeout(*db, 10000);
  if (RegisterSearchTokenizer(*db) != SQLITE_OK) {  // the search tables are emptied
    sqlite3_close_v2(*db);
    return Error{ErrorCode::kStore, "registering the search words", a.file.string(), 0, {}};
  }
  return std::unique_ptr<Tables>(std::make_unique<SqliteTables>(*db));
}

// A row's bytes, unambiguous: each value's kind and length before it. Integers and text that
// reads as the same integer hash alike (SQLite's columns may hold either).
std::string RowBytes(const Row& row) {
  std::string out;
  for (const Value& v : row) {
    out += v.kind == Value::kNull ? 'n' : v.kind == Value::kBytes ? 'b' : 't';
    out += std::to_string(v.data.size()) + ':' + v.data;
  }
  return out;
}

// A table's rows and their hash. Each row is hashed with its columns in the order of their
// names (the engines may keep them in different orders).
Result<TableCopy> HashTable(Tables& t, const std::string& table) {
  std::vector<std::string> columns, hashes;
  std::vector<size_t> by_name;
  auto s = t.Read(table, &columns, [&](const Row& row) -> Status {
    if (by_name.empty()) {
      for (size_t c = 0; c < columns.size(); ++c) by_name.push_back(c);
      std::sort(by_name.begin(), by_name.end(),
                [&](size_t x, size_t y) { return columns[x] < columns[y]; });
    }
    Row ordered;
    for (size_t i : by_name) ordered.push_back(row[i]);
    hashes.push_back(ContentHash(RowBytes(ordered)));
    return {};
  });
  if (!s) return s.error();
  std::sort(hashes.begin(), hashes.end());  // whatever order the engine reads them in
  std::string all;
  for (const std::string& h : hashes) all += h;
  return TableCopy{table, static_cast<int64_t>(hashes.size()), ContentHash(all)};
}

Result<std::vector<TableCopy>> HashTables(Tables& t) {
  std::vector<TableCopy> out;
  for (const char* table : kTables) {
    auto h = HashTable(t, table);
    if (!h) return h.error();
    out.push_back(std::move(*h));
  }
  return out;
}

Status CopyRows(Tables& from, Tables& to) {
  if (auto s = to.Begin(); !s) return s;
  auto fail = [&](Status s) {
    to.Rollback();
    return s;
  };
  for (auto it = std::rbegin(kTables); it != std::rend(kTables); ++it) {
    if (auto s = to.Clear(*it); !s) return fail(s);
  }
  for (const char* table : kTables) {
    std::vector<std::string> columns;
    auto s =
        from.Read(table, &columns, [&](const Row& row) { return to.Insert(table, columns, row); });
    if (!s) return fail(s);
  }
  if (auto s = to.Finish(); !s) return fail(s);
  return to.Commit();
}

}  // namespace

StoreAddress ParseStoreAddress(const std::string& text, StoreOptions options) {
  StoreAddress a;
  if (IsPostgres(text)) {
    options.url = text;
  } else {
    options.url.clear();
    a.file = text;
  }
  a.options = std::move(options);
  return a;
}

Result<std::vector<TableCopy>> HashStore(const StoreAddress& store) {
  auto t = OpenTables(store);
  if (!t) return t.error();
  return HashTables(**t);
}

Result<CopyReport> CopyStore(const StoreAddress& from, const StoreAddress& to) {
  auto source = OpenTables(from);
  if (!source) return source.error();
  auto target = OpenTables(to);
  if (!target) return target.error();
  auto before = HashTables(**source);
  if (!before) return before.error();
  CopyReport report;
  auto existing = HashTables(**target);
  if (!existing) return existing.error();
  auto same = [](const std::vector<TableCopy>& a, const std::vector<TableCopy>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
      return x.table == y.table && x.rows == y.rows && x.hash == y.hash;
    });
  };
  if (!same(*before, *existing)) {
    if (auto s = CopyRows(**source, **target); !s) return s.error();
    report.changed = true;
    auto after = HashTables(**target);
    if (!after) return after.error();
    for (size_t i = 0; i < after->size(); ++i) {
      const TableCopy &want = (*before)[i], &got = (*after)[i];
      if (got.rows != want.rows || got.hash != want.hash) {
        return Error{ErrorCode::kStore,
                     "the copy of table " + want.table + " differs from its source (" +
                         std::to_string(got.rows) + " rows, " + std::to_string(want.rows) +
                         " in the source)",
                     {},
                     0,
                     {}};
      }
    }
  }
  report.tables = std::move(*before);
  return report;
}

}  // namespace cinepress
