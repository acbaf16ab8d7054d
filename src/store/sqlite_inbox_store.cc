// InboxStore on SQLite: submissions and replies in the same database file as the content, on a
// connection of its own (tables made by the store's migrations, src/store/sqlite_store.cc).
#include <sqlite3.h>

#include "store/engines.h"
#include "store/open_store.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

constexpr const char* kSubmissionColumns =
    "SELECT id, kind, name, email, subject, message, links, status, created, updated, ip,"
    " file_name, file_type, file_size FROM inbox_submissions ";

Submission SubmissionFrom(const Run& r) {
  Submission s;
  s.id = r.I(0);
  s.kind = r.S(1);
  s.name = r.S(2);
  s.email = r.S(3);
  s.subject = r.S(4);
  s.message = r.S(5);
  s.links = r.S(6);
  s.status = r.S(7);
  s.created = r.I(8);
  s.updated = r.I(9);
  s.ip = r.S(10);
  s.file_name = r.S(11);
  s.file_type = r.S(12);
  s.file_size = r.I(13);
  return s;
}

class SqliteInboxStore final : public InboxStore, private SqliteConnection {
 public:
  explicit SqliteInboxStore(sqlite3* db) : SqliteConnection(db) {}
  using SqliteConnection::InitConnection;

  Result<int64_t> InsertSubmission(const Submission& s, const std::string& file) override {
    Run r(Q("INSERT INTO inbox_submissions (kind, name, email, subject, message, links, status,"
            " created, updated, ip, file_name, file_type, file_size, file)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          {s.kind, s.name, s.email, s.subject, s.message, s.links, s.status, s.created, s.created,
           s.ip, s.file_name, s.file_type, static_cast<int64_t>(file.size()), SqlBlob{file}});
    if (!r.Done()) return Failure("saving a submission from " + s.email);
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<Submission>> ListSubmissions(const std::string& status) override {
    std::vector<Submission> out;
    Run r(Q(std::string(kSubmissionColumns) +
            "WHERE ?1 = '' OR status = ?1 ORDER BY created DESC, id DESC"),
          {status});
    while (r.Row()) out.push_back(SubmissionFrom(r));
    if (!r.Finished()) return Failure("reading the inbox");
    return out;
  }

  Result<std::optional<Submission>> LoadSubmission(int64_t id) override {
    Run r(Q(std::string(kSubmissionColumns) + "WHERE id = ?"), {id});
    if (r.Row()) return std::optional<Submission>(SubmissionFrom(r));
    if (!r.Finished()) return Failure("reading submission " + std::to_string(id));
    return std::optional<Submission>();
  }

  Result<std::string> SubmissionFile(int64_t id) override {
    Run r(Q("SELECT file FROM inbox_submissions WHERE id = ?"), {id});
    if (r.Row()) return r.B(0);
    if (!r.Finished()) return Failure("reading the file of submission " + std::to_string(id));
    return NotFound(id);
  }

  Status SetSubmissionStatus(int64_t id, const std::string& status, int64_t now) override {
    Run r(Q("UPDATE inbox_submissions SET status = ?, updated = ? WHERE id = ?"),
          {status, now, id});
    if (!r.Done()) return Failure("saving submission " + std::to_string(id));
    if (sqlite3_changes(db_) == 0) return NotFound(id);
    return {};
  }

  Result<int64_t> InsertReply(const InboxReply& reply) override {
    if (auto s = SetUpdated(reply.submission_id, reply.created); !s) return s.error();
    Run r(Q("INSERT INTO inbox_replies (submission_id, message, created) VALUES (?, ?, ?)"),
          {reply.submission_id, reply.message, reply.created});
    if (!r.Done()) return Failure("saving a reply");
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<InboxReply>> LoadReplies(int64_t submission_id) override {
    std::vector<InboxReply> out;
    Run r(Q("SELECT id, submission_id, message, created FROM inbox_replies"
            " WHERE submission_id = ? ORDER BY created, id"),
          {submission_id});
    while (r.Row()) out.push_back(InboxReply{r.I(0), r.I(1), r.S(2), r.I(3)});
    if (!r.Finished()) return Failure("reading replies");
    return out;
  }

 private:
  Status SetUpdated(int64_t id, int64_t now) {
    Run r(Q("UPDATE inbox_submissions SET updated = ? WHERE id = ?"), {now, id});
    if (!r.Done()) return Failure("saving submission " + std::to_string(id));
    if (sqlite3_changes(db_) == 0) return NotFound(id);
    return {};
  }
  static Error NotFound(int64_t id) {
    return Error{ErrorCode::kNotFound, "no submission " + std::to_string(id), {}, 0, {}};
  }
};

}  // namespace

Result<std::unique_ptr<InboxStore>> OpenSqliteInboxStore(const std::filesystem::path& file,
                                                         const StoreOptions& options) {
  {
    auto content = OpenSqliteContentStore(file, options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = OpenSqliteConnection(file);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteInboxStore>(*db);
  if (auto s = store->InitConnection(); !s) return s.error();
  return std::unique_ptr<InboxStore>(std::move(store));
}

}  // namespace cinepress
