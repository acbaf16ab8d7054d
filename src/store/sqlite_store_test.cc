// What only the SQLite store does (the rest: content_store_contract_test.cc, for every engine).
#include <gtest/gtest.h>
#include <sqlite3.h>

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
  {
    // A store at the schema before the chunks (the bytes in media_blobs.data): every migration
    // before the one that makes media_chunks, then a file stored the old way. Opening it runs
    // the chunks' migration and every later one.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(RegisterSearchTokenizer(db), SQLITE_OK);
    int64_t before_chunks = 0;
    while (before_chunks < SqliteSchemaVersion() &&
           std::string_view(SqliteMigration(before_chunks)).find("CREATE TABLE media_chunks") ==
               std::string_view::npos) {
      ++before_chunks;
    }
    ASSERT_LT(before_chunks, SqliteSchemaVersion());
    for (int64_t v = 0; v < before_chunks; ++v) {
      ASSERT_EQ(sqlite3_exec(db, SqliteMigration(v), nullptr, nullptr, nullptr), SQLITE_OK)
          << "migration " << v + 1 << ": " << sqlite3_errmsg(db);
    }
    const std::string sql = "INSERT INTO media_blobs (hash, data) VALUES ('" + hash +
                            "', ?); INSERT INTO media (path, hash, size) VALUES ('a.mp3', '" +
                            hash + "', " + std::to_string(big.size()) +
                            "); PRAGMA user_version = " + std::to_string(before_chunks) + ";";
    const char* rest = sql.c_str();
    while (*rest) {
      sqlite3_stmt* stmt = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db, rest, -1, &stmt, &rest), SQLITE_OK) << sqlite3_errmsg(db);
      if (!stmt) break;
      if (sqlite3_bind_parameter_count(stmt) == 1) {
        sqlite3_bind_blob(stmt, 1, big.data(), static_cast<int>(big.size()), SQLITE_STATIC);
      }
      EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
  }
  auto store = OpenContentStore(file, {});
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  EXPECT_EQ(*(*store)->LoadMediaData("a.mp3"), big);
  EXPECT_EQ(*(*store)->ReadMedia(hash, ContentStore::kMediaChunkBytes, 2), "yx");
  EXPECT_EQ(*(*store)->ReadMedia(hash, 2 * ContentStore::kMediaChunkBytes, 100), "xxxxxxx");
  EXPECT_GT((*store)->LoadMediaFile("a.mp3")->modified, 0);
  EXPECT_TRUE(CheckStoredMedia(**store)->empty());
}

// `cinepress check` reads every file's chunks: one missing or changed is named with its file.
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
