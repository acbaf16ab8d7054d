#include "ingest/file_stats.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace cinepress {
namespace {
namespace fs = std::filesystem;

class FileStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cinepress-file-stats-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "folder");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

constexpr int64_t kNow = 1'800'000'000'000'000'000;

TEST_F(FileStatsTest, RemembersWhatWasReadAndForgetsWhatChangedOrCameTooRecently) {
  FileStats stats = FileStats::Read(root_ / "cache", root_ / "folder");
  const FileStat old{120, kNow - 10'000'000'000, 7};
  stats.Remember("content/a.md", old, "hash-a", kNow);
  // Changed within the racy window before now: a change in the same tick would keep its time.
  stats.Remember("content/b.md", FileStat{5, kNow - 1'000'000'000, 8}, "hash-b", kNow);
  ASSERT_TRUE(stats.Write(root_ / "cache"));

  FileStats read = FileStats::Read(root_ / "cache", root_ / "folder");
  ASSERT_NE(read.HashOf("content/a.md", old), nullptr);
  EXPECT_EQ(*read.HashOf("content/a.md", old), "hash-a");
  EXPECT_EQ(read.HashOf("content/b.md", FileStat{5, kNow - 1'000'000'000, 8}), nullptr);
  for (FileStat other : {FileStat{121, old.mtime_ns, 7}, FileStat{120, old.mtime_ns + 1, 7},
                         FileStat{120, old.mtime_ns, 9}}) {
    EXPECT_EQ(read.HashOf("content/a.md", other), nullptr);
  }
  // Kept for one folder, it says nothing of another.
  EXPECT_EQ(FileStats::Read(root_ / "cache", root_ / "elsewhere").HashOf("content/a.md", old),
            nullptr);
  read.Retain([](const std::string&) { return false; });
  EXPECT_EQ(read.HashOf("content/a.md", old), nullptr);
}

TEST_F(FileStatsTest, ADamagedCacheIsEmpty) {
  FileStats stats = FileStats::Read(root_ / "cache", root_ / "folder");
  const FileStat old{120, kNow - 10'000'000'000, 7};
  stats.Remember("content/a.md", old, "hash-a", kNow);
  ASSERT_TRUE(stats.Write(root_ / "cache"));
  std::ofstream(root_ / "cache", std::ios::app) << "content/b.md\tnot-a-number\t1\t2\th\n";
  EXPECT_EQ(FileStats::Read(root_ / "cache", root_ / "folder").HashOf("content/a.md", old),
            nullptr);
  EXPECT_EQ(FileStats::Read(root_ / "nowhere", root_ / "folder").HashOf("content/a.md", old),
            nullptr);
}

TEST_F(FileStatsTest, StatOfAFile) {
  std::ofstream(root_ / "folder/x.md") << "12345";
  auto st = StatOf(root_ / "folder/x.md");
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->size, 5u);
  EXPECT_GT(st->inode, 0u);
  EXPECT_FALSE(StatOf(root_ / "folder/none.md").has_value());
}

}  // namespace
}  // namespace cinepress
