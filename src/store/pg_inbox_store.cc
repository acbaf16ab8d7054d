// InboxStore on PostgreSQL: submissions and replies in the same database as the content, on a
// connection of its own (tables made by the store's migrations, src/store/pg_store.cc).
#include "store/engines.h"
#include "store/pg_connection.h"

namespace cinepress {
namespace {

#define CINEPRESS_PG_SUBMISSIONS                                                         \
  "SELECT id, kind, name, email, subject, message, links, status, created, updated, ip," \
  " file_name, file_type, file_size FROM inbox_submissions "

Submission SubmissionFrom(const PgRows& r, int row) {
  Submission s;
  s.id = r.Int(row, 0);
  s.kind = r.Text(row, 1);
  s.name = r.Text(row, 2);
  s.email = r.Text(row, 3);
  s.subject = r.Text(row, 4);
  s.message = r.Text(row, 5);
  s.links = r.Text(row, 6);
  s.status = r.Text(row, 7);
  s.created = r.Int(row, 8);
  s.updated = r.Int(row, 9);
  s.ip = r.Text(row, 10);
  s.file_name = r.Text(row, 11);
  s.file_type = r.Text(row, 12);
  s.file_size = r.Int(row, 13);
  return s;
}

InboxReply ReplyFrom(const PgRows& r, int row) {
  return InboxReply{r.Int(row, 0), r.Int(row, 1), r.Text(row, 2), r.Int(row, 3)};
}

Error NotFound(int64_t id) {
  return Error{ErrorCode::kNotFound, "no submission " + std::to_string(id), {}, 0, {}};
}

Error Failure(const std::string& what, const Error& cause) {
  return Error{cause.code, what + ": " + cause.message, {}, 0, {}};
}

class PgInboxStore final : public InboxStore {
 public:
  explicit PgInboxStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<int64_t> InsertSubmission(const Submission& s, const std::string& file) override {
    auto q = db_->Write(
        "INSERT INTO inbox_submissions (kind, name, email, subject, message, links, status,"
        " created, updated, ip, file_name, file_type, file_size, file)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13) RETURNING id",
        {std::string_view(s.kind), std::string_view(s.name), std::string_view(s.email),
         std::string_view(s.subject), std::string_view(s.message), std::string_view(s.links),
         std::string_view(s.status), s.created, std::string_view(s.ip),
         std::string_view(s.file_name), std::string_view(s.file_type),
         static_cast<int64_t>(file.size()), PgBytes{file}});
    if (!q) return Failure("saving a submission from " + s.email, q.error());
    return q->Int(0, 0);
  }

  Result<std::vector<Submission>> ListSubmissions(const std::string& status) override {
    return RowsOf(db_->Query(CINEPRESS_PG_SUBMISSIONS
                             "WHERE $1 = '' OR status = $1 ORDER BY created DESC, id DESC",
                             {std::string_view(status)}),
                  "reading the inbox", &SubmissionFrom);
  }

  Result<std::optional<Submission>> LoadSubmission(int64_t id) override {
    return FirstOf(db_->Query(CINEPRESS_PG_SUBMISSIONS "WHERE id = $1", {id}),
                   "reading submission " + std::to_string(id), &SubmissionFrom);
  }

  Result<std::string> SubmissionFile(int64_t id) override {
    auto q = db_->Query("SELECT coalesce(file, ''::bytea) FROM inbox_submissions WHERE id = $1",
                        {id}, /*binary=*/true);
    if (!q) return Failure("reading the file of submission " + std::to_string(id), q.error());
    if (q->size() == 0) return NotFound(id);
    return q->Text(0, 0);
  }

  Status SetSubmissionStatus(int64_t id, const std::string& status, int64_t now) override {
    auto q = db_->Write(
        "UPDATE inbox_submissions SET status = $1, updated = $2 WHERE id = $3 RETURNING id",
        {std::string_view(status), now, id});
    if (!q) return Failure("saving submission " + std::to_string(id), q.error());
    if (q->size() == 0) return NotFound(id);
    return {};
  }

  Result<int64_t> InsertReply(const InboxReply& reply) override {
    int64_t id = 0;
    Status s = db_->Atomically([&]() -> Status {
      auto u = db_->Write("UPDATE inbox_submissions SET updated = $1 WHERE id = $2 RETURNING id",
                          {reply.created, reply.submission_id});
      if (!u) return Failure("saving submission " + std::to_string(reply.submission_id), u.error());
      if (u->size() == 0) return NotFound(reply.submission_id);
      auto q = db_->Write(
          "INSERT INTO inbox_replies (submission_id, message, created) VALUES ($1, $2, $3)"
          " RETURNING id",
          {reply.submission_id, std::string_view(reply.message), reply.created});
      if (!q) return Failure("saving a reply", q.error());
      id = q->Int(0, 0);
      return {};
    });
    if (!s) return s.error();
    return id;
  }

  Result<std::vector<InboxReply>> LoadReplies(int64_t submission_id) override {
    return RowsOf(db_->Query("SELECT id, submission_id, message, created FROM inbox_replies"
                             " WHERE submission_id = $1 ORDER BY created, id",
                             {submission_id}),
                  "reading replies", &ReplyFrom);
  }

 private:
  std::unique_ptr<PgConnection> db_;
};

#undef CINEPRESS_PG_SUBMISSIONS

}  // namespace

Result<std::unique_ptr<InboxStore>> OpenPgInboxStore(const StoreOptions& options) {
  {
    auto content = OpenPgContentStore(options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = PgConnection::Open(options.url, options.password);
  if (!db) return db.error();
  return std::unique_ptr<InboxStore>(std::make_unique<PgInboxStore>(std::move(*db)));
}

}  // namespace cinepress
