#include "core/temp_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace cinepress {
namespace {

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TempFile, IsWrittenInItsFolderAndRemovedWhenItGoes) {
  const auto folder = std::filesystem::path(testing::TempDir()) / "temp-file-test" / "uploads";
  std::filesystem::path kept;
  {
    auto f = TempFile::Create(folder, "upload-");
    ASSERT_TRUE(f.ok()) << f.error().message;
    kept = f->path();
    EXPECT_EQ(kept.parent_path(), folder) << "made in the folder asked for (made if missing)";
    EXPECT_EQ(kept.filename().string().rfind("upload-", 0), 0u);
    ASSERT_TRUE(f->Append("one, ").ok());
    ASSERT_TRUE(f->Append(std::string("two\0three", 9)).ok());
    EXPECT_EQ(f->size(), 14);
    EXPECT_EQ(Read(kept), std::string("one, two\0three", 14));
    // Moved: the new owner removes it, the old one does not.
    TempFile moved = std::move(*f);
    EXPECT_TRUE(std::filesystem::exists(kept));
    EXPECT_EQ(moved.path(), kept);
  }
  EXPECT_FALSE(std::filesystem::exists(kept)) << "removed when its owner goes";
  auto a = TempFile::Create(folder, "x-");
  auto b = TempFile::Create(folder, "x-");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->path(), b->path());
  std::filesystem::path first = a->path();
  *a = std::move(*b);
  EXPECT_FALSE(std::filesystem::exists(first)) << "the file replaced is removed";
}

TEST(TempFile, AFolderThatCannotBeMadeIsAnErrorNamingIt) {
  auto f = TempFile::Create("/proc/self/no-such-folder", "x-");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, ErrorCode::kIo);
  EXPECT_NE(f.error().message.find("/proc/self/no-such-folder"), std::string::npos);
}

}  // namespace
}  // namespace cinepress
