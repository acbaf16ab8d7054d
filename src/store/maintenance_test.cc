// Backup, restore and check of the SQLite store, on real files.
#include "store/maintenance.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/text.h"
#include "store/open_store.h"

namespace cinepress {
namespace {
namespace fs = std::filesystem;

Article Piece(const std::string& slug) {
  Article a;
  a.section = "reviews";
  a.slug = slug;
  a.title = "Title of " + slug;
  a.date = 1633496434;
  a.body_markdown = "Body of " + slug + ".";
  a.source_path = "content/reviews/" + slug + ".md";
  return a;
}

class MaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cinepress-maint-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path Store(const std::string& name, std::vector<std::string> slugs) {
    fs::path file = dir_ / name;
    auto store = OpenContentStore(file, {});
    EXPECT_TRUE(store.ok());
    for (const auto& s : slugs) EXPECT_TRUE((*store)->SaveArticle(Piece(s)).ok());
    EXPECT_TRUE((*store)->SaveMedia("images/a.jpg", "jpeg bytes").ok());
    return file;
  }
  static std::vector<std::string> Slugs(const fs::path& file) {
    auto store = OpenContentStore(file, {.create = false});
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    std::vector<std::string> out;
    auto articles = (*store)->LoadArticles(false);
    EXPECT_TRUE(articles.ok());
    if (!articles.ok()) return out;
    for (const auto& a : *articles) out.push_back(a.slug);
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
};

TEST_F(MaintenanceTest, BackupIsOneSoundFileWithWhatWasCommitted) {
  fs::path db = Store("site.db", {"one", "two"});
  // A writer in the middle of a transaction: the backup has what was committed, not its rows.
  auto writer = OpenContentStore(db, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->BeginTransaction().ok());
  ASSERT_TRUE((*writer)->SaveArticle(Piece("uncommitted")).ok());
  ASSERT_TRUE(BackupSqliteStore(db, dir_ / "copy.db").ok());
  ASSERT_TRUE((*writer)->Rollback().ok());
  EXPECT_FALSE(fs::exists(dir_ / "copy.db-wal"));  // one file: not in WAL mode
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
  }
  EXPECT_TRUE(VerifySqliteStoreFile(dir_ / "copy.db").ok());
  EXPECT_EQ(Slugs(dir_ / "copy.db"), (std::vector<std::string>{"one", "two"}));
  // A second backup replaces the first whole.
  ASSERT_TRUE(BackupSqliteStore(db, dir_ / "copy.db").ok());
  EXPECT_FALSE(BackupSqliteStore(db, db).ok());  // never over the store itself
  EXPECT_FALSE(BackupSqliteStore(dir_ / "none.db", dir_ / "x.db").ok());
}

TEST_F(MaintenanceTest, CheckFindsNothingInASoundStoreAndSomethingInADamagedOne) {
  fs::path db = Store("site.db", {"one", "two", "three"});
  auto problems = CheckSqliteStore(db);
  ASSERT_TRUE(problems.ok()) << problems.error().ToString();
  EXPECT_TRUE(problems->empty()) << problems->front();
  // Damage an index page: the rows are there, the index that finds them is not.
  ASSERT_TRUE(BackupSqliteStore(db, dir_ / "damaged.db").ok());
  {
    sqlite3* c = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "damaged.db").c_str(), &c), SQLITE_OK);
    // writable_schema lets the test drop an index's entries without SQLite's help.
    ASSERT_EQ(sqlite3_exec(c,
                           "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = "
                           "replace(sql, 'articles (date)', 'articles (title)') "
                           "WHERE name = 'articles_date';",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(c);
  }
  auto damaged = CheckSqliteStore(dir_ / "damaged.db");
  ASSERT_TRUE(damaged.ok());
  EXPECT_FALSE(damaged->empty());
  EXPECT_FALSE(VerifySqliteStoreFile(dir_ / "damaged.db").ok());
}

TEST_F(MaintenanceTest, VerifyRefusesWhatIsNotACinepressStore) {
  ASSERT_TRUE(WriteFile(dir_ / "notes.txt", "not a database at all").ok());
  auto e = VerifySqliteStoreFile(dir_ / "notes.txt");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("not an SQLite database"), std::string::npos);
  sqlite3* c = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "other.db").c_str(), &c), SQLITE_OK);
  sqlite3_exec(c, "CREATE TABLE t (x); PRAGMA user_version=3;", nullptr, nullptr, nullptr);
  sqlite3_close(c);
  EXPECT_FALSE(VerifySqliteStoreFile(dir_ / "other.db").ok());
  fs::path db = Store("newer.db", {"one"});
  ASSERT_EQ(sqlite3_open(db.c_str(), &c), SQLITE_OK);
  std::string newer = "PRAGMA user_version=" + std::to_string(SqliteSchemaVersion() + 1);
  sqlite3_exec(c, newer.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(c);
  e = VerifySqliteStoreFile(db);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("newer cinepress"), std::string::npos);
  EXPECT_FALSE(VerifySqliteStoreFile(dir_ / "missing.db").ok());
}

TEST_F(MaintenanceTest, RestorePutsTheBackupInPlaceAndKeepsTheOldStoreAside) {
  fs::path db = Store("site.db", {"one", "two"});
  ASSERT_TRUE(BackupSqliteStore(db, dir_ / "monday.db").ok());
  {
    auto store = OpenContentStore(db, {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SaveArticle(Piece("three")).ok());
  }
  // A reader open across the restore (as serve is) sees the restored store afterwards.
  auto reader = OpenContentStore(db, {.create = false});
  ASSERT_TRUE(reader.ok());
  auto three = (*reader)->LoadArticles(false);
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->size(), 3u);
  ASSERT_TRUE(RestoreSqliteStore(dir_ / "monday.db", db, dir_ / "aside.db").ok());
  auto two = (*reader)->LoadArticles(false);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
  EXPECT_EQ(Slugs(db), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(Slugs(dir_ / "aside.db"), (std::vector<std::string>{"one", "three", "two"}));
  EXPECT_TRUE(CheckSqliteStore(db)->empty());

  // Something that is not a store is refused, and the store is untouched.
  ASSERT_TRUE(WriteFile(dir_ / "notes.txt", "not a database").ok());
  EXPECT_FALSE(RestoreSqliteStore(dir_ / "notes.txt", db, dir_ / "aside2.db").ok());
  EXPECT_FALSE(fs::exists(dir_ / "aside2.db"));
  EXPECT_EQ(Slugs(db), (std::vector<std::string>{"one", "two"}));
  EXPECT_FALSE(RestoreSqliteStore(db, db, "").ok());
}

}  // namespace
}  // namespace cinepress

namespace cinepress {
namespace {

TEST(RequireSqliteStore, RefusesPostgresSayingWhatToUseInstead) {
  EXPECT_TRUE(RequireSqliteStore(StoreOptions{}, "backup"));
  StoreOptions pg;
  pg.url = "postgresql://db.example/magazine";
  auto s = RequireSqliteStore(pg, "backup");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("pg_dump"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().field, "store.url");
}

}  // namespace
}  // namespace cinepress
