// One connection to PostgreSQL (libpq): statements with parameters (prepared once per
// connection, by the address of their SQL text), their rows, transactions that nest as
// savepoints, rows kept for COPY and sent many at a time; shared by the store's PostgreSQL
// classes.
// Contract: one thread at a time (rows sent ahead go on a thread of the connection's own, which
// every call waits for); a failed statement inside Atomically rolls back that call's
// writes only (rows kept for COPY included), so that a transaction goes on as SQLite's does
// after a failed statement.
// A connection lost (the server restarted, a failover, a network cut) is opened again by the
// next statement, unless a transaction was open on it: then every statement fails until the
// caller's ROLLBACK (or a new BEGIN), so that no write of a lost transaction is half done. What
// lived in the old session (advisory locks, LISTEN) is gone: session() tells a new one.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace cinepress {

// Bytes for a BYTEA parameter (sent as binary, not as text).
struct PgBytes {
  std::string_view data;
};
struct PgNull {};
using PgParam = std::variant<PgNull, int64_t, std::string_view, PgBytes>;

// The rows of one statement's result (text format, or binary when asked for).
class PgRows {
 public:
  explicit PgRows(PGresult* r) : r_(r, PQclear) {}
  int size() const { return PQntuples(r_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<size_t>(PQgetlength(r_.get(), row, col)));
  }
  // A BYTEA column of a text-format result (its \x… hex form, decoded).
  std::string Bytes(int row, int col) const;
  int64_t Int(int row, int col) const;
  double Double(int row, int col) const;
  int columns() const { return PQnfields(r_.get()); }
  std::string ColumnName(int col) const { return PQfname(r_.get(), col); }
  Oid ColumnType(int col) const { return PQftype(r_.get(), col); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

// One row kept for COPY (PgConnection::CopyRow) in PostgreSQL's binary format (the server
// reads each value as it stores it, with no text to parse): its values in the target's column
// order, each of its column's type, written straight where the rows are kept. Give every value
// before keeping another row.
class PgCopyRow {
 public:
  explicit PgCopyRow(std::string& rows);
  PgCopyRow& Int(int64_t v);                                 // BIGINT
  PgCopyRow& SmallInt(int16_t v);                            // SMALLINT
  PgCopyRow& Text(std::string_view v);                       // TEXT, in UTF-8
  PgCopyRow& TextOrNull(std::optional<std::string_view> v);  // TEXT, or NULL
  PgCopyRow& Null();
  PgCopyRow& TextArray(const std::vector<std::string>& v);  // TEXT[]
  // A value already in its type's binary form (a PgWords' tsvector).
  PgCopyRow& Binary(std::string_view v);

 private:
  // One more value (its length, -1 for NULL, and its bytes): the row's count says so.
  void Value(int32_t length, std::string_view bytes);
  std::string& rows_;
  size_t count_at_;  // where the row's count of values is
  int16_t count_ = 0;
};

// A tsvector made a word at a time: each word once, with its positions as PostgreSQL keeps
// them (up to 256 a word; a position past 16383 is kept as 16383, once: past it, words are
// still found, but not as phrases), in PostgreSQL's binary form (for PgCopyRow::Binary or a
// PgBytes parameter cast to tsvector) — what the server reads from its text form, without the
// parsing, which was most of its work in an import.
class PgWords {
 public:
  // Positions come in ascending order.
  void Add(std::string_view word, int64_t position);
  bool empty() const { return positions_.empty(); }
  std::string Binary() const;

 private:
  static constexpr size_t kMaxPositions = 256;
  static constexpr int64_t kMaxPosition = 16383;
  std::unordered_map<std::string, std::vector<uint16_t>> positions_;
};

class PgConnection {
 public:
  // `url` goes to libpq as it is; `password`, when not empty, is libpq's password parameter.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                    const std::string& password);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // One statement with $1… parameters. `sql` must be a literal (or outlive the connection):
  // it is prepared once, keyed by its address. Binary results when `binary` (for BYTEA). The
  // rows kept for COPY are sent first, so that the statement reads them.
  Result<PgRows> Query(const char* sql, std::initializer_list<PgParam> params = {},
                       bool binary = false);
  Result<PgRows> Query(const char* sql, const std::vector<PgParam>& params, bool binary = false);
  // A Query that leaves the rows kept for COPY kept: it reads the tables without them (but
  // those sent ahead).
  Result<PgRows> QueryKeepingCopies(const char* sql, const std::vector<PgParam>& params,
                                    bool binary = false);
  // One statement whose text is made at run time (not prepared).
  Result<PgRows> QueryText(const std::string& sql, const std::vector<PgParam>& params = {});
  // Statements without parameters, not prepared (schema changes, BEGIN); unlike Query and
  // QueryText, they do not send the rows kept for COPY first.
  Status Exec(const std::string& sql);
  // COMMIT, after sending the rows kept for COPY; ROLLBACK, dropping them.
  Status Commit();
  Status Rollback();

  // Keeps one row for `COPY target FROM STDIN` (`target`: a literal such as "t (a, b)"), its
  // values given to the PgCopyRow returned, sent
  // with the others kept before the next Query, QueryText or Write (unless it keeps them),
  // before the transaction commits or by FlushCopies: one round trip for thousands of rows
  // instead of one each. Only inside a transaction.
  PgCopyRow CopyRow(const char* target);
  Status FlushCopies();
  // Starts sending the rows kept so far on a thread of its own and returns at once, so that the
  // server stores them while the caller makes the next ones (one send at a time: it waits for
  // the one before). Every other use of the connection waits for the send first; a failed one
  // is the error of the next statement (the transaction then fails).
  void SendCopiesAhead();
  // How many rows were kept for `target` (the same literal as CopyRow's) since the kept rows
  // were last sent for a statement (those sent ahead count).
  size_t KeptCopyRows(const char* target) const;

  // One statement that writes: inside an open transaction, in a savepoint (so that its failure
  // leaves the transaction usable, as in SQLite), sent with it in one round trip; outside, a
  // transaction of its own. The rows kept for COPY are sent first, unless `keep_copies` (then
  // the statement must not read what they write).
  Result<PgRows> Write(const char* sql, const std::vector<PgParam>& params,
                       bool keep_copies = false);

  bool InTransaction() const;
  // Counts the sessions this connection has had: another number after it was opened again.
  uint64_t session() const { return session_; }
  // Whether the connection is lost now (the next statement opens it again, when it may).
  bool Lost() const { return PQstatus(conn_) != CONNECTION_OK; }
  // Runs `writes` all-or-nothing: in a transaction of its own when none is open, else inside a
  // savepoint of the open one. The rows kept for COPY are sent first; those `writes` keeps
  // go with a rollback.
  Status Atomically(const std::function<Status()>& writes);

  // The notifications' payloads that came on the channels this connection LISTENs to, waiting
  // up to `timeout` for the first when none has come yet (those that came during earlier
  // statements count); an error when the connection is lost.
  Result<std::vector<std::string>> Notifications(std::chrono::milliseconds timeout);

  // An error for `what`, with the server's message; a unique violation is ErrorCode::kConflict.
  Error Failure(const std::string& what, PGresult* result = nullptr) const;

 private:
  explicit PgConnection(PGconn* c) : conn_(c) {}
  // The name `sql` is prepared under on this connection (prepared the first time).
  Result<const std::string*> Prepared(const char* sql);
  // `r` as rows, or the error it reports (and then freed).
  Result<PgRows> Checked(PGresult* r) const;
  // Runs `statement` (`sql` is its text) on a usable connection: a lost one is opened again
  // first when no transaction was open on it (or `sql` ends or starts one).
  Result<PgRows> Run(std::string_view sql, const std::function<Result<PgRows>()>& statement);
  Status Reconnect(std::string_view sql);
  // Sends `rows` (by target, in order) by COPY and waits for the server to store them.
  Status Send(const std::vector<std::pair<const char*, std::string>>& rows);
  // Waits for the rows being sent ahead; the error of a failed send, once.
  Status Settle();
  PGconn* conn_;
  bool idle_ = true;  // no transaction open after the last statement
  uint64_t session_ = 1;
  std::vector<std::pair<const char*, std::string>> prepared_;  // SQL text's address, name
  // Rows kept for COPY, by target in the order first kept (a table before those that refer
  // to it), in COPY's text format, and how many.
  struct Kept {
    const char* target;
    std::string rows;
    size_t count = 0;
  };
  std::vector<Kept> copies_;
  std::future<Status> ahead_;  // SendCopiesAhead's send, while it runs
  Status ahead_failed_;        // its error, until a statement reports it
};

// A PostgreSQL array literal of texts ({"a","b"}), for a text[] parameter.
std::string PgTextArray(const std::vector<std::string>& values);
// The same for integers ({1,2}).
std::string PgIntArray(const std::vector<int64_t>& values);

// Rows of one kind read by `from`, or the error of reading them.
template <class T>
Result<std::vector<T>> RowsOf(Result<PgRows> q, const std::string& what,
                              T (*from)(const PgRows&, int)) {
  if (!q) return Error{q.error().code, what + ": " + q.error().message, {}, 0, {}};
  std::vector<T> out;
  out.reserve(static_cast<size_t>(q->size()));
  for (int r = 0; r < q->size(); ++r) out.push_back(from(*q, r));
  return out;
}

template <class T>
Result<std::optional<T>> FirstOf(Result<PgRows> q, const std::string& what,
                                 T (*from)(const PgRows&, int)) {
  auto rows = RowsOf(std::move(q), what, from);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows->front()));
}

// An error for `what` caused by `cause`, keeping its code (a unique violation stays kConflict).
inline Error PgFailure(const std::string& what, const Error& cause) {
  return Error{cause.code, what + ": " + cause.message, {}, 0, {}};
}

// The first column of the first row (a count, an id), or the error of `what`.
inline Result<int64_t> PgFirstInt(const std::string& what, Result<PgRows> q) {
  if (!q) return PgFailure(what, q.error());
  if (q->size() == 0) return Error{ErrorCode::kStore, what + ": no row", {}, 0, {}};
  return q->Int(0, 0);
}

// One write whose rows do not matter.
inline Status PgWrite(PgConnection& db, const std::string& what, const char* sql,
                      std::initializer_list<PgParam> params) {
  if (auto q = db.Write(sql, params); !q) return PgFailure(what, q.error());
  return {};
}

}  // namespace cinepress
