// What only the SQLite store does (the rest: content_store_contract_test.cc, for every engine).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <string_view>

#include "core/text.h"
#include "store/maintenance.h"
#include "store/media_rows.h"
#include "store/open_store.h"
#include "store/sqlite_search.h"

namespace cinepress {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cinepress-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // A store at the schema before the migration whose SQL holds `marker` (every migration before
  // it), with `sql` run on it (its one `?`, if any, bound to `blob`); opening it runs that
  // migration and every later one.
  static void MakeStoreBefore(const std::filesystem::path& file, std::string_view marker,
                              const std::string& sql, std::string_view blob = {}) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(RegisterSearchTokenizer(db), SQLITE_OK);
    int64_t before = 0;
    while (before < SqliteSchemaVersion() &&
           std::string_view(SqliteMigration(before)).find(marker) == std::string_view::npos) {
      ++before;
    }
    ASSERT_LT(before, SqliteSchemaVersion()) << "no migration holds " << marker;
    for (int64_t v = 0; v < before; ++v) {
      ASSERT_EQ(sqlite3_exec(db, SqliteMigration(v), nullptr, nullptr, nullptr), SQLITE_OK)
          << "migration " << v + 1 << ": " << sqlite3_errmsg(db);
    }
    const std::string all = sql + "; PRAGMA user_version = " + std::to_string(before) + ";";
    const char* rest = all.c_str();
    while (*rest) {
      sqlite3_stmt* stmt = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db, rest, -1, &stmt, &rest), SQLITE_OK) << sqlite3_errmsg(db);
      if (!stmt) break;
      if (sqlite3_bind_parameter_count(stmt) == 1) {
        sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
      }
      EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
  }
  // The first column of the first row `sql` gives on `file` ("" for none), on a connection of
  // its own.
  static std::string One(const std::filesystem::path& file, const char* sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
  }
  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, NotADatabaseIsAClearError) {
  std::filesystem::path junk = dir_ / "junk.db";
  FILE* f = fopen(junk.c_str(), "w");
  fputs("this is not a database, just text that is long enough to look like a header....", f);
  fclose(f);
  auto s = OpenContentStore(junk, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().file, junk.string());
}

// A store made before media were kept in chunks: its files are cut into chunks when it is
// opened, and read back whole and piece by piece.
TEST_F(SqliteStoreTest, MediaStoredWholeBeforeChunksAreCutIntoChunks) {
  const std::filesystem::path file = dir_ / "old.db";
  std::string big(ContentStore::kMediaChunkBytes * 2 + 7, 'x');
  big[ContentStore::kMediaChunkBytes] = 'y';
  const std::string hash = ContentHash(big);
  // The bytes in media_blobs.data, as before the chunks.
  MakeStoreBefore(file, "CREATE TABLE media_chunks",
                  "INSERT INTO media_blobs (hash, data) VALUES ('" + hash +
                      "', ?); INSERT INTO media (path, hash, size) VALUES ('a.mp3', '" + hash +
                      "', " + std::to_string(big.size()) + ")",
                  big);
  ASSERT_FALSE(HasFailure());
  auto store = OpenContentStore(file, {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_EQ(*(*store)->LoadMediaData("a.mp3"), big);
  EXPECT_EQ(*(*store)->ReadMedia(hash, ContentStore::kMediaChunkBytes, 2), "yx");
  EXPECT_EQ(*(*store)->ReadMedia(hash, 2 * ContentStore::kMediaChunkBytes, 100), "xxxxxxx");
  EXPECT_GT((*store)->LoadMediaFile("a.mp3")->modified, 0);
  EXPECT_TRUE(CheckStoredMedia(**store)->empty());
}

// A store made when an article's body was in the middle of its row: opening it moves the body
// to the end (so that the columns after it are read without the body's overflow pages), with
// every article's body, its other columns and the rows that refer to it kept.
TEST_F(SqliteStoreTest, BodiesMovedToTheEndOfTheirRowsKeepEveryArticle) {
  const std::filesystem::path file = dir_ / "bodies.db";
  const std::string long_body(20000, 'b');  // longer than a page: its rest in overflow pages
  // And 100 more such bodies: the move frees as many pages as they fill, which the store gives
  // back (VACUUM) rather than keep a file half empty.
  MakeStoreBefore(file, "DROP COLUMN body_md",
                  "INSERT INTO articles (id, kind, section, slug, title, date, meta, body_md,"
                  " word_count, source_path, source_hash) VALUES"
                  " (7, 'article', 'reviews', 'first', 'First', 1, '{}', ?, 3, 'a.md', 'h1'),"
                  " (9, 'article', 'essays', 'second', 'Second', 2, '{}', 'Short body.', 2,"
                  " 'b.md', 'h2');"
                  " INSERT INTO article_aliases (article_id, kind, section, slug)"
                  " VALUES (7, 'article', 'reviews', 'old-first');"
                  " WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 199)"
                  " INSERT INTO articles (id, kind, section, slug, title, date, meta, body_md)"
                  " SELECT i, 'page', '', 'p' || i, 'Page', 3, '{}', printf('%.20000c', 'x')"
                  " FROM n",
                  long_body);
  ASSERT_FALSE(HasFailure());
  {
    // Without search: indexing the articles would fill the freed pages again.
    StoreOptions no_search;
    no_search.search_index = false;
    auto store = OpenContentStore(file, no_search);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    auto articles = (*store)->LoadArticles(true);
    ASSERT_TRUE(articles.ok());
    ASSERT_EQ(articles->size(), 102u);
    EXPECT_EQ((*articles)[0].id, 7);
    EXPECT_EQ((*articles)[0].body_markdown, long_body);
    EXPECT_EQ((*articles)[0].source_path, "a.md");
    EXPECT_EQ((*articles)[0].source_hash, "h1");
    EXPECT_EQ((*articles)[0].word_count, 3u);
    EXPECT_EQ((*articles)[1].body_markdown, "Short body.");
    EXPECT_EQ((*articles)[1].source_path, "b.md");
    EXPECT_EQ(*(*store)->LoadBody(9), "Short body.");
  }
  auto one = [&file](const char* sql) { return One(file, sql); };
  EXPECT_EQ(one("SELECT name FROM pragma_table_info('articles') ORDER BY cid DESC LIMIT 1"),
            "body_md");
  EXPECT_EQ(one("SELECT count(*) FROM article_aliases WHERE article_id = 7"), "1");
  EXPECT_EQ(one("SELECT count(*) FROM sqlite_master WHERE name = 'article_bodies_moving'"), "0");
  EXPECT_EQ(one("SELECT length(body_md) FROM articles WHERE id = 150"), "20000");
  const int64_t pages = std::stoll(one("SELECT page_count FROM pragma_page_count"));
  const int64_t free_pages = std::stoll(one("SELECT freelist_count FROM pragma_freelist_count"));
  EXPECT_GT(pages, 500);  // 2 MB of bodies
  EXPECT_LT(free_pages * 20, pages) << "the pages the move freed are given back";
}

// A bulk transaction (an import of a whole archive) writes its pages into the file, once,
// when the store is its own, not into the write-ahead log first; with another connection open
// it goes through the log, without waiting. Either way the store is in WAL mode after, and one
// rolled back leaves nothing.
TEST_F(SqliteStoreTest, BulkTransactionsWriteTheFileOnceAndComeBackToTheLog) {
  const std::filesystem::path file = dir_ / "bulk.db";
  const std::filesystem::path log = file.string() + "-wal";
  auto store = OpenContentStore(file, {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  auto save = [&store](const std::string& prefix) {
    for (int i = 0; i < 50; ++i) {
      Article a;
      a.section = "reviews";
      a.slug = prefix + std::to_string(i);
      a.title = "Title " + a.slug;
      a.date = 1633496434 + i;
      a.source_path = "content/reviews/" + a.slug + ".md";
      a.body_markdown = std::string(20000, 'w') + " " + a.slug;  // 5 pages each
      auto saved = (*store)->SaveArticle(a);
      ASSERT_TRUE(saved.ok()) << saved.error().ToString();
    }
  };
  auto log_bytes = [&log] {
    std::error_code ec;
    const auto n = std::filesystem::file_size(log, ec);
    return ec ? 0 : n;
  };
  auto journal_mode = [&file] { return One(file, "PRAGMA journal_mode"); };

  // Alone: 1 MB of bodies, and the log stays as it was (empty once back in WAL mode).
  ASSERT_TRUE((*store)->BeginBulkTransaction().ok());
  save("alone-");
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE((*store)->Commit().ok());
  EXPECT_LT(log_bytes(), 100'000u) << "the pages went into the file, not the log";
  EXPECT_EQ(journal_mode(), "wal");

  // Rolled back: nothing of it stays, and the store is in WAL mode.
  ASSERT_TRUE((*store)->BeginBulkTransaction().ok());
  save("undone-");
  ASSERT_TRUE((*store)->Rollback().ok());
  EXPECT_EQ(journal_mode(), "wal");

  // Beside a reader (a `serve`): through the log, at once; the reader sees it after the commit.
  auto reader = OpenContentStore(file, {});
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ((*reader)->LoadArticles(false)->size(), 50u);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE((*store)->BeginBulkTransaction().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5))
      << "the bulk transaction does not wait for the reader to go";
  save("beside-");
  ASSERT_TRUE((*store)->Commit().ok());
  EXPECT_GT(log_bytes(), 1'000'000u) << "with a reader, the pages go through the log";
  EXPECT_EQ((*reader)->LoadArticles(false)->size(), 100u);
  EXPECT_EQ(journal_mode(), "wal");
  auto all = (*store)->LoadArticles(true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 100u);
  for (const Article& a : *all) {
    EXPECT_EQ(a.slug.rfind("undone-", 0), std::string::npos) << a.slug;
    EXPECT_EQ(a.body_markdown, std::string(20000, 'w') + " " + a.slug);
  }
}

// `cinepress check` reads every file's chunks: one missing or changed is named with its file.
// A whole archive's `meta` columns are read on every core (ReadMetas): each article gets its own
// authors and tags, and one that cannot be read is an error naming the first such article.
TEST_F(SqliteStoreTest, AWholeArchivesMetaIsReadOnEveryCoreAndABadOneIsNamed) {
  const std::filesystem::path file = dir_ / "metas.db";
  auto store = OpenContentStore(file, {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  constexpr int kArticles = 1500;  // past the size read on one core
  std::vector<int64_t> ids;
  ASSERT_TRUE((*store)->BeginTransaction().ok());
  for (int i = 0; i < kArticles; ++i) {
    Article a;
    a.section = "reviews";
    a.slug = "a" + std::to_string(i);
    a.title = "Title " + a.slug;
    a.date = 1633496434 + i;
    a.author_ids = {"writer-" + std::to_string(i % 7)};
    a.tags = {"tag-" + std::to_string(i)};
    a.source_path = "content/reviews/" + a.slug + ".md";
    auto saved = (*store)->SaveArticle(a);
    ASSERT_TRUE(saved.ok()) << saved.error().ToString();
    ids.push_back(*saved);
  }
  ASSERT_TRUE((*store)->Commit().ok());
  auto all = (*store)->LoadArticles(false);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), static_cast<size_t>(kArticles));
  for (const Article& a : *all) {
    const std::string n = a.slug.substr(1);
    EXPECT_EQ(a.tags, std::vector<std::string>{"tag-" + n}) << a.slug;
    EXPECT_EQ(a.author_ids, std::vector<std::string>{"writer-" + std::to_string(std::stoi(n) % 7)})
        << a.slug;
  }

  // A wrong type (900th) and a text cut short (1,200th): the first in the archive's order is named.
  One(file, "UPDATE articles SET meta = '{\"authors\": 7}' WHERE slug = 'a900'");
  One(file, "UPDATE articles SET meta = '{\"tags\": [' WHERE slug = 'a1200'");
  auto broken = (*store)->LoadArticles(false);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().ToString().find("article " + std::to_string(ids[900]) + ": "),
            std::string::npos)
      << broken.error().ToString();
  One(file, "UPDATE articles SET meta = '{}' WHERE slug = 'a900'");
  broken = (*store)->LoadArticles(false);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().ToString().find("article " + std::to_string(ids[1200]) + ": bad meta"),
            std::string::npos)
      << broken.error().ToString();
}

TEST_F(SqliteStoreTest, DamagedMediaChunksAreFound) {
  const std::filesystem::path file = dir_ / "damaged.db";
  {
    auto store = OpenContentStore(file, {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SaveMedia("a.mp3", std::string(ContentStore::kMediaChunkBytes + 5, 'a')));
    ASSERT_TRUE((*store)->SaveMedia("b.mp3", std::string(ContentStore::kMediaChunkBytes + 5, 'b')));
    ASSERT_TRUE((*store)->SaveMedia("c.jpg", "fine"));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DELETE FROM media_chunks WHERE seq = 1 AND hash ="
                         " (SELECT hash FROM media WHERE path = 'a.mp3');"
                         " UPDATE media_chunks SET data = x'6262626262' WHERE seq = 1 AND hash ="
                         " (SELECT hash FROM media WHERE path = 'b.mp3') AND length(data) = 5;"
                         " UPDATE media_chunks SET data = x'6263626262' WHERE seq = 1 AND hash ="
                         " (SELECT hash FROM media WHERE path = 'b.mp3')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenContentStore(file, {});
  ASSERT_TRUE(store.ok());
  auto problems = CheckStoredMedia(**store);
  ASSERT_TRUE(problems.ok());
  ASSERT_EQ(problems->size(), 2u);
  EXPECT_EQ((*problems)[0], "a.mp3: its chunks hold 262144 of its 262149 bytes");
  EXPECT_EQ((*problems)[1].rfind("b.mp3: its bytes do not match its hash ", 0), 0u);
}

}  // namespace
}  // namespace cinepress
