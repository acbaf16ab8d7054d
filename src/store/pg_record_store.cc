// RecordStore on PostgreSQL: the newsroom's film and person records in the same database as the
// content, on a connection of its own (tables made by the store's migrations,
// src/store/pg_store.cc).
#include "store/engines.h"
#include "store/open_record_store.h"
#include "store/pg_connection.h"
#include "store/record_rows.h"

namespace cinepress {
namespace {

Error Failure(const std::string& what, const Error& cause) {
  return Error{cause.code, what + ": " + cause.message, {}, 0, {}};
}

class PgRecordStore final : public RecordStore {
 public:
  explicit PgRecordStore(std::unique_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<RecordEdits> LoadRecordEdits() override {
    RecordEdits out;
    auto films = db_->Query("SELECT slug, data, updated FROM film_records ORDER BY slug");
    if (!films) return Failure("reading the film records", films.error());
    for (int r = 0; r < films->size(); ++r) {
      out.films.push_back(FilmEditFromRow(films->Text(r, 0), films->Text(r, 1), films->Int(r, 2)));
    }
    auto people = db_->Query("SELECT slug, data, updated FROM person_records ORDER BY slug");
    if (!people) return Failure("reading the person records", people.error());
    for (int r = 0; r < people->size(); ++r) {
      out.people.push_back(
          PersonEditFromRow(people->Text(r, 0), people->Text(r, 1), people->Int(r, 2)));
    }
    return out;
  }

  Status SaveFilmEdit(const FilmEdit& e) override {
    const std::string data = FilmEditData(e);
    auto q = db_->Write(
        "INSERT INTO film_records (slug, data, updated) VALUES ($1, $2, $3)"
        " ON CONFLICT (slug) DO UPDATE SET data = excluded.data, updated = excluded.updated",
        {std::string_view(e.slug), std::string_view(data), e.updated});
    if (!q) return Failure("saving the film record \"" + e.slug + "\"", q.error());
    return {};
  }

  Status DeleteFilmEdit(const std::string& slug) override {
    auto q = db_->Write("DELETE FROM film_records WHERE slug = $1", {std::string_view(slug)});
    if (!q) return Failure("removing the film record \"" + slug + "\"", q.error());
    return {};
  }

  Status MergeFilm(const FilmEdit& e, const std::string& from_url,
                   const std::string& to_url) override {
    return Merge(e, from_url, to_url, [this](const FilmEdit& m) { return SaveFilmEdit(m); });
  }

  Status SeparateFilm(const FilmEdit& e, const std::string& from_url,
                      const std::vector<std::string>& repointed) override {
    return db_->Atomically([&]() -> Status {
      if (auto s = LeadBack(from_url, repointed); !s) return s;
      return SaveFilmEdit(e);
    });
  }

  Status MoveFilmEdits(const std::vector<std::pair<std::string, std::string>>& moved) override {
    if (moved.empty()) return {};
    return db_->Atomically([&] { return MoveFilmEditsIn(*this, moved); });
  }

  Status SavePersonEdit(const PersonEdit& e) override {
    const std::string data = PersonEditData(e);
    auto q = db_->Write(
        "INSERT INTO person_records (slug, data, updated) VALUES ($1, $2, $3)"
        " ON CONFLICT (slug) DO UPDATE SET data = excluded.data, updated = excluded.updated",
        {std::string_view(e.slug), std::string_view(data), e.updated});
    if (!q) return Failure("saving the person record \"" + e.slug + "\"", q.error());
    return {};
  }

  Status MergePerson(const PersonEdit& e, const std::string& from_url,
                     const std::string& to_url) override {
    return Merge(e, from_url, to_url, [this](const PersonEdit& m) { return SavePersonEdit(m); });
  }

  Status SeparatePerson(const PersonEdit& e, const std::string& from_url,
                        const std::vector<std::string>& repointed) override {
    return db_->Atomically([&]() -> Status {
      if (auto s = LeadBack(from_url, repointed); !s) return s;
      return SavePersonEdit(e);
    });
  }

 private:
  // As SQLite's: the edit saved with the redirects its merge led on, in one transaction.
  template <typename Edit, typename Save>
  Status Merge(const Edit& e, const std::string& from_url, const std::string& to_url, Save save) {
    return db_->Atomically([&]() -> Status {
      Edit merged = e;
      auto led =
          db_->Query("SELECT from_url FROM redirects WHERE article_id IS NULL AND to_url = $1",
                     {std::string_view(from_url)});
      if (!led) return Failure("reading the redirects to \"" + from_url + "\"", led.error());
      for (int r = 0; r < led->size(); ++r) AddRepointed(merged.merge_repointed, led->Text(r, 0));
      if (auto s = save(merged); !s) return s;
      return SaveMergeRedirect(from_url, to_url);
    });
  }

  Status LeadBack(const std::string& from_url, const std::vector<std::string>& repointed) {
    auto gone = db_->Write("DELETE FROM redirects WHERE from_url = $1 AND article_id IS NULL",
                           {std::string_view(from_url)});
    if (!gone) return Failure("removing redirect \"" + from_url + "\"", gone.error());
    for (const std::string& from : repointed) {
      auto back =
          db_->Write("UPDATE redirects SET to_url = $2 WHERE from_url = $1 AND article_id IS NULL",
                     {std::string_view(from), std::string_view(from_url)});
      if (!back) return Failure("redirecting \"" + from + "\"", back.error());
    }
    return {};
  }

  // A merged record's address leads to the other's, and so does every fixed redirect that led
  // to it (no chains).
  Status SaveMergeRedirect(const std::string& from_url, const std::string& to_url) {
    auto repoint =
        db_->Write("UPDATE redirects SET to_url = $2 WHERE article_id IS NULL AND to_url = $1",
                   {std::string_view(from_url), std::string_view(to_url)});
    if (!repoint) return Failure("redirecting to \"" + to_url + "\"", repoint.error());
    auto save = db_->Write(
        "INSERT INTO redirects (from_url, article_id, to_url) VALUES ($1, NULL, $2)"
        " ON CONFLICT (from_url) DO UPDATE SET article_id = NULL, to_url = excluded.to_url",
        {std::string_view(from_url), std::string_view(to_url)});
    if (!save) return Failure("saving redirect \"" + from_url + "\"", save.error());
    return {};
  }

  std::unique_ptr<PgConnection> db_;
};

}  // namespace

Result<std::unique_ptr<RecordStore>> OpenPgRecordStore(const StoreOptions& options) {
  {
    auto content = OpenPgContentStore(options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = PgConnection::Open(options.url, options.password);
  if (!db) return db.error();
  return std::unique_ptr<RecordStore>(std::make_unique<PgRecordStore>(std::move(*db)));
}

}  // namespace cinepress
