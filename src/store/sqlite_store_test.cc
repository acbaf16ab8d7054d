// What only the SQLite store does (the rest: content_store_contract_test.cc, for every engine).
#include <gtest/gtest.h>

#include <filesystem>

#include "store/open_store.h"

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

}  // namespace
}  // namespace cinepress
