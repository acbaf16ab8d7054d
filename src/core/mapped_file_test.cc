#include "core/mapped_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/text.h"

namespace cinepress {
namespace {

class MappedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(testing::TempDir()) /
           ("mapped-file-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(MappedFileTest, HoldsTheFilesBytesAndThoseOfAnEmptyFile) {
  std::string bytes(100000, 'a');
  bytes[4096] = '\0';
  bytes.back() = 'z';
  ASSERT_TRUE(WriteFile(dir_ / "a", bytes));
  auto mapped = MappedFile::Open(dir_ / "a");
  ASSERT_TRUE(mapped.ok()) << mapped.error().ToString();
  EXPECT_EQ((*mapped)->bytes(), bytes);
  ASSERT_TRUE(WriteFile(dir_ / "empty", ""));
  auto empty = MappedFile::Open(dir_ / "empty");
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_TRUE((*empty)->bytes().empty());
}

TEST_F(MappedFileTest, AMissingFileIsAnErrorThatNamesIt) {
  auto mapped = MappedFile::Open(dir_ / "missing");
  ASSERT_FALSE(mapped.ok());
  EXPECT_EQ(mapped.error().file, (dir_ / "missing").string());
  EXPECT_NE(mapped.error().message.find("cannot read"), std::string::npos);
}

// WriteFile replaces a file by renaming another onto it: what was mapped is the old file's, and
// stays as it was (a build writes its new cache from pieces of the old one's mapping).
TEST_F(MappedFileTest, AFileReplacedByWriteFileLeavesTheMappingAsItWas) {
  const auto path = dir_ / "words";
  ASSERT_TRUE(WriteFile(path, "first line\nsecond line\n"));
  auto mapped = MappedFile::Open(path);
  ASSERT_TRUE(mapped.ok());
  const std::string_view old = (*mapped)->bytes();
  ASSERT_TRUE(WriteFile(path, std::vector<std::string_view>{"new\n", old.substr(11), old}));
  EXPECT_EQ(old, "first line\nsecond line\n");
  EXPECT_EQ(*ReadFile(path), "new\nsecond line\nfirst line\nsecond line\n");
}

}  // namespace
}  // namespace cinepress
