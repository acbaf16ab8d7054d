#include "store/pg_connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <type_traits>

namespace cinepress {
namespace {

std::string Trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// Parameters as libpq takes them: text, or binary for BYTEA.
struct Params {
  explicit Params(const std::vector<PgParam>& params) {
    texts.resize(params.size());
    values.assign(params.size(), nullptr);
    lengths.assign(params.size(), 0);
    formats.assign(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const PgParam& p = params[i];
      if (const auto* n = std::get_if<int64_t>(&p)) {
        texts[i] = std::to_string(*n);
        values[i] = texts[i].c_str();
      } else if (const auto* t = std::get_if<std::string_view>(&p)) {
        texts[i] = std::string(*t);  // libpq wants text parameters ended by a NUL
        values[i] = texts[i].c_str();
      } else if (const auto* b = std::get_if<PgBytes>(&p)) {
        values[i] = b->data.data();
        lengths[i] = static_cast<int>(b->data.size());
        formats[i] = 1;
      }
    }
  }
  std::vector<std::string> texts;
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
};

// Each session's settings: quiet notices ("relation exists, skipping"); text as the store
// expects it.
constexpr const char* kSessionSettings =
    "SET client_min_messages = warning; SET client_encoding = 'UTF8'";

}  // namespace

namespace {

// Integers in network byte order, as PostgreSQL's binary formats have them.
template <class T>
void AppendBigEndian(std::string& out, T v) {
  using U = std::make_unsigned_t<T>;
  const auto u = static_cast<U>(v);
  for (int shift = 8 * (static_cast<int>(sizeof(T)) - 1); shift >= 0; shift -= 8) {
    out += static_cast<char>((u >> shift) & 0xff);
  }
}

}  // namespace

PgCopyRow::PgCopyRow(std::string& rows) : rows_(rows), count_at_(rows.size()) {
  AppendBigEndian(rows_, count_);
}

void PgCopyRow::Value(int32_t length, std::string_view bytes) {
  AppendBigEndian(rows_, length);
  rows_ += bytes;
  ++count_;
  rows_[count_at_] = static_cast<char>((count_ >> 8) & 0xff);
  rows_[count_at_ + 1] = static_cast<char>(count_ & 0xff);
}

PgCopyRow& PgCopyRow::Int(int64_t v) {
  std::string bytes;
  AppendBigEndian(bytes, v);
  Value(8, bytes);
  return *this;
}

PgCopyRow& PgCopyRow::SmallInt(int16_t v) {
  std::string bytes;
  AppendBigEndian(bytes, v);
  Value(2, bytes);
  return *this;
}

PgCopyRow& PgCopyRow::Text(std::string_view v) {
  Value(static_cast<int32_t>(v.size()), v);
  return *this;
}

PgCopyRow& PgCopyRow::TextOrNull(std::optional<std::string_view> v) {
  return v ? Text(*v) : Null();
}

PgCopyRow& PgCopyRow::Null() {
  Value(-1, {});
  return *this;
}

PgCopyRow& PgCopyRow::TextArray(const std::vector<std::string>& v) {
  constexpr int32_t kTextOid = 25;
  std::string array;
  AppendBigEndian(array, int32_t{v.empty() ? 0 : 1});  // dimensions
  AppendBigEndian(array, int32_t{0});                  // no NULLs
  AppendBigEndian(array, kTextOid);
  if (!v.empty()) {
    AppendBigEndian(array, static_cast<int32_t>(v.size()));
    AppendBigEndian(array, int32_t{1});  // the first index
  }
  for (const std::string& e : v) {
    AppendBigEndian(array, static_cast<int32_t>(e.size()));
    array += e;
  }
  return Binary(array);
}

PgCopyRow& PgCopyRow::Binary(std::string_view v) { return Text(v); }

void PgWords::Add(std::string_view word, int64_t position) {
  std::vector<uint16_t>& at = positions_[std::string(word)];
  const auto p = static_cast<uint16_t>(std::clamp<int64_t>(position, 1, kMaxPosition));
  if (at.size() < kMaxPositions && (at.empty() || at.back() != p)) at.push_back(p);
}

std::string PgWords::Binary() const {
  // The words in PostgreSQL's order (bytes, a prefix first), so that it has none to sort.
  std::vector<const std::pair<const std::string, std::vector<uint16_t>>*> words;
  words.reserve(positions_.size());
  for (const auto& w : positions_) words.push_back(&w);
  std::sort(words.begin(), words.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string out;
  AppendBigEndian(out, static_cast<int32_t>(words.size()));
  for (const auto* w : words) {
    out += w->first;
    out += '\0';
    AppendBigEndian(out, static_cast<uint16_t>(w->second.size()));
    for (uint16_t p : w->second) AppendBigEndian(out, p);  // weight D: 0 in the top two bits
  }
  return out;
}

int64_t PgRows::Int(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  int64_t out = 0;
  std::from_chars(v, v + PQgetlength(r_.get(), row, col), out);
  return out;
}

std::string PgRows::Bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

double PgRows::Double(int row, int col) const {
  return std::strtod(PQgetvalue(r_.get(), row, col), nullptr);
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                         const std::string& password) {
  // expand_dbname: the URL's parameters first, then the ones after it (the password).
  std::vector<const char*> keys = {"dbname", "fallback_application_name"};
  std::vector<const char*> values = {url.c_str(), "cinepress"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* c = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (c == nullptr) return Error{ErrorCode::kStore, "cannot connect: out of memory", url, 0, {}};
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = Trimmed(PQerrorMessage(c));
    PQfinish(c);
    return Error{ErrorCode::kStore, "cannot connect to PostgreSQL: " + msg, url, 0, {}};
  }
  auto conn = std::unique_ptr<PgConnection>(new PgConnection(c));
  if (auto s = conn->Exec(kSessionSettings); !s) return s.error();
  return conn;
}

Result<PgRows> PgConnection::Run(std::string_view sql,
                                 const std::function<Result<PgRows>()>& statement) {
  if (auto s = Settle(); !s) return s.error();
  if (Lost()) {
    if (auto s = Reconnect(sql); !s) return s.error();
  }
  const bool was_idle = PQtransactionStatus(conn_) == PQTRANS_IDLE;
  auto rows = statement();
  // Lost during the statement: whether a transaction was open is what it was before.
  idle_ = Lost() ? was_idle : PQtransactionStatus(conn_) == PQTRANS_IDLE;
  return rows;
}

Status PgConnection::Reconnect(std::string_view sql) {
  const bool ends_or_starts = sql.rfind("ROLLBACK", 0) == 0 || sql.rfind("BEGIN", 0) == 0;
  if (!idle_ && !ends_or_starts) {
    return Error{
        ErrorCode::kStore,
        "the connection to PostgreSQL was lost in a transaction: " + Trimmed(PQerrorMessage(conn_)),
        {},
        0,
        {}};
  }
  PQreset(conn_);
  if (Lost()) return Failure("connecting to PostgreSQL again");
  prepared_.clear();  // they lived in the old session
  ++session_;
  idle_ = true;
  return Exec(kSessionSettings);
}

PgConnection::~PgConnection() {
  (void)Settle();
  PQfinish(conn_);
}

Result<PgRows> PgConnection::Query(const char* sql, std::initializer_list<PgParam> params,
                                   bool binary) {
  return Query(sql, std::vector<PgParam>(params), binary);
}

Result<const std::string*> PgConnection::Prepared(const char* sql) {
  for (const auto& [text, n] : prepared_) {
    if (text == sql) return &n;
  }
  std::string n = "s" + std::to_string(prepared_.size());
  PGresult* r = PQprepare(conn_, n.c_str(), sql, 0, nullptr);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    Error e = Failure("", r);
    PQclear(r);
    return e;
  }
  PQclear(r);
  prepared_.emplace_back(sql, n);
  return &prepared_.back().second;
}

Result<PgRows> PgConnection::Query(const char* sql, const std::vector<PgParam>& params,
                                   bool binary) {
  if (auto s = FlushCopies(); !s) return s.error();
  return QueryKeepingCopies(sql, params, binary);
}

Result<PgRows> PgConnection::QueryKeepingCopies(const char* sql, const std::vector<PgParam>& params,
                                                bool binary) {
  return Run(sql, [&]() -> Result<PgRows> {
    auto name = Prepared(sql);
    if (!name) return name.error();
    const Params p(params);
    return Checked(PQexecPrepared(conn_, (*name)->c_str(), static_cast<int>(params.size()),
                                  p.values.data(), p.lengths.data(), p.formats.data(),
                                  binary ? 1 : 0));
  });
}

Result<PgRows> PgConnection::Checked(PGresult* r) const {
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    Error e = Failure("", r);
    PQclear(r);
    return e;
  }
  return PgRows(r);
}

Result<PgRows> PgConnection::QueryText(const std::string& sql, const std::vector<PgParam>& params) {
  if (auto s = FlushCopies(); !s) return s.error();
  return Run(sql, [&] {
    const Params p(params);
    return Checked(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                p.values.data(), p.lengths.data(), p.formats.data(), 0));
  });
}

Status PgConnection::Exec(const std::string& sql) {
  auto r = Run(sql, [&] { return Checked(PQexec(conn_, sql.c_str())); });
  if (!r) return r.error();
  return {};
}

Status PgConnection::Commit() {
  if (auto s = FlushCopies(); !s) return s;
  return Exec("COMMIT");
}

Status PgConnection::Rollback() {
  (void)Settle();  // its error is the transaction's, rolled back here
  copies_.clear();
  return Exec("ROLLBACK");
}

PgCopyRow PgConnection::CopyRow(const char* target) {
  auto it = std::find_if(copies_.begin(), copies_.end(),
                         [&](const Kept& k) { return k.target == target; });
  if (it == copies_.end()) it = copies_.insert(copies_.end(), Kept{target, {}, 0});
  ++it->count;
  return PgCopyRow(it->rows);
}

size_t PgConnection::KeptCopyRows(const char* target) const {
  for (const Kept& k : copies_) {
    if (k.target == target) return k.count;
  }
  return 0;
}

Status PgConnection::FlushCopies() {
  if (auto s = Settle(); !s) return s;
  std::vector<std::pair<const char*, std::string>> rows;
  for (Kept& k : copies_) rows.emplace_back(k.target, std::move(k.rows));
  copies_.clear();
  return Send(rows);
}

void PgConnection::SendCopiesAhead() {
  std::vector<std::pair<const char*, std::string>> rows;
  for (Kept& k : copies_) {
    rows.emplace_back(k.target, std::move(k.rows));
    k.rows.clear();
  }
  if (ahead_.valid()) {
    if (Status s = ahead_.get(); !s && ahead_failed_) ahead_failed_ = s;
  }
  if (!ahead_failed_) return;  // the transaction failed: its next statement says why
  ahead_ = std::async(std::launch::async, [this, rows = std::move(rows)] { return Send(rows); });
}

Status PgConnection::Settle() {
  if (ahead_.valid()) {
    if (Status s = ahead_.get(); !s && ahead_failed_) ahead_failed_ = s;
  }
  return std::exchange(ahead_failed_, Status{});
}

Status PgConnection::Send(const std::vector<std::pair<const char*, std::string>>& copies) {
  for (const auto& [target, rows] : copies) {
    if (rows.empty()) continue;
    PGresult* r =
        PQexec(conn_, ("COPY " + std::string(target) + " FROM STDIN (FORMAT binary)").c_str());
    const bool ready = PQresultStatus(r) == PGRES_COPY_IN;
    if (!ready) {
      Error e = Failure("", r);
      PQclear(r);
      return e;
    }
    PQclear(r);
    // The binary format's signature, flags and header extension (none); the rows; its end.
    static constexpr std::string_view kHeader("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
    static constexpr std::string_view kTrailer("\377\377", 2);
    const bool sent = PQputCopyData(conn_, kHeader.data(), static_cast<int>(kHeader.size())) == 1 &&
                      PQputCopyData(conn_, rows.data(), static_cast<int>(rows.size())) == 1 &&
                      PQputCopyData(conn_, kTrailer.data(), static_cast<int>(kTrailer.size())) == 1;
    if (PQputCopyEnd(conn_, sent ? nullptr : "cinepress could not send the rows") != 1) {
      return Failure("sending rows");
    }
    Status status;
    while (PGresult* done = PQgetResult(conn_)) {
      if (status && PQresultStatus(done) != PGRES_COMMAND_OK) status = Failure("", done);
      PQclear(done);
    }
    if (!status) return status;
  }
  return {};
}

Result<PgRows> PgConnection::Write(const char* sql, const std::vector<PgParam>& params,
                                   bool keep_copies) {
  if (!InTransaction()) return Query(sql, params);
  if (auto s = Settle(); !s) return s.error();
  if (!keep_copies) {
    if (auto s = FlushCopies(); !s) return s.error();
  }
  // SAVEPOINT, the statement and RELEASE sent together (libpq's pipeline mode): one round trip
  // instead of three, for each of an import's thousands of writes.
  auto name = Prepared(sql);
  if (!name) return name.error();
  const Params p(params);
  auto send = [&] {
    return PQenterPipelineMode(conn_) == 1 &&
           PQsendQueryParams(conn_, "SAVEPOINT cinepress_write", 0, nullptr, nullptr, nullptr,
                             nullptr, 0) == 1 &&
           PQsendQueryPrepared(conn_, (*name)->c_str(), static_cast<int>(params.size()),
                               p.values.data(), p.lengths.data(), p.formats.data(), 0) == 1 &&
           PQsendQueryParams(conn_, "RELEASE cinepress_write", 0, nullptr, nullptr, nullptr,
                             nullptr, 0) == 1 &&
           PQpipelineSync(conn_) == 1;
  };
  const bool sent = send();
  // Each statement's result (then a null), then the sync's; the statement's rows are kept.
  std::optional<PgRows> rows;
  Status failed;
  for (int step = 0; sent && step < 3; ++step) {
    while (PGresult* r = PQgetResult(conn_)) {
      const ExecStatusType status = PQresultStatus(r);
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
          status != PGRES_PIPELINE_ABORTED && failed) {
        failed = Failure("", r);
      }
      if (step == 1 && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) {
        rows.emplace(r);
      } else {
        PQclear(r);
      }
    }
  }
  while (PGresult* r = PQgetResult(conn_)) {  // the sync
    const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  const bool left = PQexitPipelineMode(conn_) == 1;
  if (!sent || !left) return Failure("sending a write");
  if (!failed || !rows) {
    (void)Exec("ROLLBACK TO SAVEPOINT cinepress_write; RELEASE cinepress_write");
    return failed ? Failure("writing") : failed.error();
  }
  return std::move(*rows);
}

bool PgConnection::InTransaction() const { return !idle_; }

Status PgConnection::Atomically(const std::function<Status()>& writes) {
  const bool nested = InTransaction();
  if (auto s = FlushCopies(); !s) return s;
  if (auto s = Exec(nested ? "SAVEPOINT cinepress_write" : "BEGIN"); !s) return s;
  Status s = writes();
  if (!s) {
    copies_.clear();
    (void)Exec(nested ? "ROLLBACK TO SAVEPOINT cinepress_write; RELEASE cinepress_write"
                      : "ROLLBACK");
    return s;
  }
  return nested ? Exec("RELEASE cinepress_write") : Commit();
}

Result<std::vector<std::string>> PgConnection::Notifications(std::chrono::milliseconds timeout) {
  if (auto s = Settle(); !s) return s.error();
  std::vector<std::string> out;
  auto read = [&]() -> Status {
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
      return Failure("waiting for notifications");
    }
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra);
      PQfreemem(n);
    }
    return {};
  };
  if (auto s = read(); !s || !out.empty()) {
    if (!s) return s.error();
    return out;
  }
  pollfd socket{PQsocket(conn_), POLLIN, 0};
  if (socket.fd < 0) return Failure("waiting for notifications");
  const int ready = ::poll(&socket, 1, static_cast<int>(timeout.count()));
  if (ready < 0 && errno != EINTR) return Failure("waiting for notifications");
  if (ready > 0) {
    if (auto s = read(); !s) return s.error();
  }
  return out;
}

Error PgConnection::Failure(const std::string& what, PGresult* result) const {
  std::string msg = Trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (msg.empty()) msg = Trimmed(PQerrorMessage(conn_));
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const bool unique = state != nullptr && std::string_view(state) == "23505";
  return Error{unique ? ErrorCode::kConflict : ErrorCode::kStore,
               what.empty() ? msg : what + ": " + msg,
               {},
               0,
               {}};
}

std::string PgTextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string PgIntArray(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

}  // namespace cinepress
