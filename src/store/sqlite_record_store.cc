// RecordStore on SQLite: the newsroom's film and person records in the same database file as the
// content, on a connection of its own (tables made by the store's migrations,
// src/store/sqlite_store.cc).
#include <sqlite3.h>

#include "store/engines.h"
#include "store/open_record_store.h"
#include "store/record_rows.h"
#include "store/sqlite_statement.h"

namespace cinepress {
namespace {

class SqliteRecordStore final : public RecordStore, private SqliteConnection {
 public:
  explicit SqliteRecordStore(sqlite3* db) : SqliteConnection(db) {}
  using SqliteConnection::InitConnection;

  Result<RecordEdits> LoadRecordEdits() override {
    RecordEdits out;
    {
      Run r(Q("SELECT slug, data, updated FROM film_records ORDER BY slug"), {});
      while (r.Row()) out.films.push_back(FilmEditFromRow(r.S(0), r.S(1), r.I(2)));
      if (!r.Finished()) return Failure("reading the film records");
    }
    Run r(Q("SELECT slug, data, updated FROM person_records ORDER BY slug"), {});
    while (r.Row()) out.people.push_back(PersonEditFromRow(r.S(0), r.S(1), r.I(2)));
    if (!r.Finished()) return Failure("reading the person records");
    return out;
  }

  Status SaveFilmEdit(const FilmEdit& e) override {
    const std::string data = FilmEditData(e);
    Run r(Q("INSERT INTO film_records (slug, data, updated) VALUES (?1, ?2, ?3)"
            " ON CONFLICT (slug) DO UPDATE SET data = excluded.data, updated = excluded.updated"),
          {e.slug, data, e.updated});
    if (!r.Done()) return Failure("saving the film record \"" + e.slug + "\"");
    return {};
  }

  Status DeleteFilmEdit(const std::string& slug) override {
    Run r(Q("DELETE FROM film_records WHERE slug = ?1"), {slug});
    if (!r.Done()) return Failure("removing the film record \"" + slug + "\"");
    return {};
  }

  Status MergeFilm(const FilmEdit& e, const std::string& from_url,
                   const std::string& to_url) override {
    return Merge(e, from_url, to_url, [this](const FilmEdit& m) { return SaveFilmEdit(m); });
  }

  Status SeparateFilm(const FilmEdit& e, const std::string& from_url,
                      const std::vector<std::string>& repointed) override {
    return Atomically([&]() -> Status {
      if (auto s = LeadBack(from_url, repointed); !s) return s;
      return SaveFilmEdit(e);
    });
  }

  Status MoveFilmEdits(const std::vector<std::pair<std::string, std::string>>& moved) override {
    if (moved.empty()) return {};
    return Atomically([&] { return MoveFilmEditsIn(*this, moved); });
  }

  Status SavePersonEdit(const PersonEdit& e) override {
    const std::string data = PersonEditData(e);
    Run r(Q("INSERT INTO person_records (slug, data, updated) VALUES (?1, ?2, ?3)"
            " ON CONFLICT (slug) DO UPDATE SET data = excluded.data, updated = excluded.updated"),
          {e.slug, data, e.updated});
    if (!r.Done()) return Failure("saving the person record \"" + e.slug + "\"");
    return {};
  }

  Status MergePerson(const PersonEdit& e, const std::string& from_url,
                     const std::string& to_url) override {
    return Merge(e, from_url, to_url, [this](const PersonEdit& m) { return SavePersonEdit(m); });
  }

  Status SeparatePerson(const PersonEdit& e, const std::string& from_url,
                        const std::vector<std::string>& repointed) override {
    return Atomically([&]() -> Status {
      if (auto s = LeadBack(from_url, repointed); !s) return s;
      return SavePersonEdit(e);
    });
  }

 private:
  // The edit saved with the redirects its merge led on (merge_repointed), in one transaction.
  template <typename Edit, typename Save>
  Status Merge(const Edit& e, const std::string& from_url, const std::string& to_url, Save save) {
    return Atomically([&]() -> Status {
      Edit merged = e;
      {
        Run led(Q("SELECT from_url FROM redirects WHERE article_id IS NULL AND to_url = ?1"),
                {from_url});
        while (led.Row()) AddRepointed(merged.merge_repointed, led.S(0));
        if (!led.Finished()) return Failure("reading the redirects to \"" + from_url + "\"");
      }
      if (auto s = save(merged); !s) return s;
      return SaveMergeRedirect(from_url, to_url);
    });
  }

  // A merge undone: `from_url` is its record's again, and the redirects it led on lead back.
  Status LeadBack(const std::string& from_url, const std::vector<std::string>& repointed) {
    Run gone(Q("DELETE FROM redirects WHERE from_url = ?1 AND article_id IS NULL"), {from_url});
    if (!gone.Done()) return Failure("removing redirect \"" + from_url + "\"");
    for (const std::string& from : repointed) {
      Run back(Q("UPDATE redirects SET to_url = ?2 WHERE from_url = ?1 AND article_id IS NULL"),
               {from, from_url});
      if (!back.Done()) return Failure("redirecting \"" + from + "\"");
    }
    return {};
  }

  // A merged record's address leads to the other's, and so does every fixed redirect that led
  // to it (no chains).
  Status SaveMergeRedirect(const std::string& from_url, const std::string& to_url) {
    Run repoint(Q("UPDATE redirects SET to_url = ?2 WHERE article_id IS NULL AND to_url = ?1"),
                {from_url, to_url});
    if (!repoint.Done()) return Failure("redirecting to \"" + to_url + "\"");
    Run save(Q("INSERT INTO redirects (from_url, article_id, to_url) VALUES (?1, NULL, ?2)"
               " ON CONFLICT (from_url) DO UPDATE SET article_id = NULL,"
               " to_url = excluded.to_url"),
             {from_url, to_url});
    if (!save.Done()) return Failure("saving redirect \"" + from_url + "\"");
    return {};
  }
};

}  // namespace

Result<std::unique_ptr<RecordStore>> OpenSqliteRecordStore(const std::filesystem::path& file,
                                                           const StoreOptions& options) {
  {
    auto content = OpenSqliteContentStore(file, options);  // makes or migrates the schema
    if (!content) return content.error();
  }
  auto db = OpenSqliteConnection(file);
  if (!db) return db.error();
  auto store = std::make_unique<SqliteRecordStore>(*db);
  if (auto s = store->InitConnection(); !s) return s.error();
  return std::unique_ptr<RecordStore>(std::move(store));
}

}  // namespace cinepress
