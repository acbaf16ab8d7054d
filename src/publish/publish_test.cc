#include "publish/publish.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace cinepress {
namespace {
namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("cinepress-publish-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(DirectorySink, NothingChangesUntilCommitThenTheSwapIsWhole) {
  fs::path root = TempDir("swap");
  fs::create_directories(root / "public/old");
  std::ofstream(root / "public/old/index.html") << "old";
  {
    auto sink = DirectorySink::Create(root / "public");
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("new/index.html", "new").ok());
    EXPECT_TRUE(fs::exists(root / "public/old/index.html"));
    EXPECT_FALSE(fs::exists(root / "public/new/index.html"));
    ASSERT_TRUE((*sink)->Commit().ok());
  }
  EXPECT_EQ(Slurp(root / "public/new/index.html"), "new");
  EXPECT_FALSE(fs::exists(root / "public/old"));
  // No temporary folder is left behind.
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root)) ++entries;
  EXPECT_EQ(entries, 1u);
  fs::remove_all(root);
}

TEST(DirectorySink, AbandonedBuildLeavesTheTargetAlone) {
  fs::path root = TempDir("abandon");
  fs::create_directories(root / "public");
  std::ofstream(root / "public/index.html") << "live";
  {
    auto sink = DirectorySink::Create(root / "public");
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("index.html", "half").ok());
  }
  EXPECT_EQ(Slurp(root / "public/index.html"), "live");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root)) ++entries;
  EXPECT_EQ(entries, 1u);
  fs::remove_all(root);
}

TEST(DirectorySink, RemovesTheFoldersOfKilledBuildsButNotOfRunningOnes) {
  fs::path root = TempDir("killed");
  // 4194305 is past the largest pid Linux gives (2^22): that build's process is gone.
  fs::create_directories(root / ".public.building-4194305/reviews");
  std::ofstream(root / ".public.building-4194305/reviews/index.html") << "half";
  const std::string running = ".public.building-" + std::to_string(::getppid());
  fs::create_directories(root / running);
  fs::create_directories(root / ".other.building-4194305");
  {
    auto sink = DirectorySink::Create(root / "public");
    ASSERT_TRUE(sink.ok());
  }
  EXPECT_FALSE(fs::exists(root / ".public.building-4194305"));
  EXPECT_TRUE(fs::exists(root / running));
  EXPECT_TRUE(fs::exists(root / ".other.building-4194305"));  // another target's
  fs::remove_all(root);
}

TEST(DirectorySink, AWriteThatFailsSaysWhy) {
  fs::path root = TempDir("why");
  auto sink = DirectorySink::Create(root / "public");
  ASSERT_TRUE(sink.ok());
  // A folder where the file should go: the system's reason is in the message.
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.path().filename().string().rfind(".public.building-", 0) == 0) {
      fs::create_directories(e.path() / "taken.html");
    }
  }
  auto s = (*sink)->Write("taken.html", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("Is a directory"), std::string::npos) << s.error().message;
  fs::remove_all(root);
}

TEST(DirectorySink, RefusesPathsOutsideTheFolder) {
  fs::path root = TempDir("escape");
  auto sink = DirectorySink::Create(root / "public");
  ASSERT_TRUE(sink.ok());
  EXPECT_FALSE((*sink)->Write("../evil.html", "x").ok());
  EXPECT_FALSE((*sink)->Write("/etc/evil", "x").ok());
  fs::remove_all(root);
}

ino_t Inode(const fs::path& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST(DirectorySink, KeepsThePreviousFileAsItWasAndSaysWhenThereIsNone) {
  fs::path root = TempDir("keep");
  fs::create_directories(root / "public/reviews/x");
  std::ofstream(root / "public/reviews/x/index.html") << "before";
  const ino_t before = Inode(root / "public/reviews/x/index.html");
  {
    auto sink = DirectorySink::Create(root / "public");
    ASSERT_TRUE(sink.ok());
    auto kept = (*sink)->Keep("reviews/x/index.html");
    ASSERT_TRUE(kept.ok());
    EXPECT_TRUE(*kept);
    auto none = (*sink)->Keep("reviews/new/index.html");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(*none);
    EXPECT_FALSE((*sink)->Keep("../outside.html").ok());
    ASSERT_TRUE((*sink)->Commit().ok());
  }
  EXPECT_EQ(Slurp(root / "public/reviews/x/index.html"), "before");
  EXPECT_EQ(Inode(root / "public/reviews/x/index.html"), before);
  EXPECT_FALSE(fs::exists(root / "public/reviews/new/index.html"));
  fs::remove_all(root);
}

TEST(DirectorySink, AFileWrittenWithTheSameBytesKeepsItsInodeAndAChangedOneIsNew) {
  fs::path root = TempDir("same");
  fs::create_directories(root / "public");
  std::ofstream(root / "public/same.html") << "unchanged bytes";
  std::ofstream(root / "public/changed.html") << "old bytes";
  const ino_t same = Inode(root / "public/same.html");
  const ino_t changed = Inode(root / "public/changed.html");
  {
    auto sink = DirectorySink::Create(root / "public");
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("same.html", "unchanged bytes").ok());
    ASSERT_TRUE((*sink)->Write("changed.html", "new bytes").ok());
    EXPECT_EQ((*sink)->kept_same_bytes(), 1u);
    ASSERT_TRUE((*sink)->Commit().ok());
  }
  EXPECT_EQ(Inode(root / "public/same.html"), same);
  EXPECT_NE(Inode(root / "public/changed.html"), changed);
  EXPECT_EQ(Slurp(root / "public/changed.html"), "new bytes");
  fs::remove_all(root);
}

TEST(BuildManifest, RoundTripsAndAnUnreadableOneMeansAWholeBuild) {
  fs::path root = TempDir("manifest");
  fs::create_directories(root);
  BuildManifest m;
  m.program = "0123abcd";
  m.fingerprints = {{"index.html", "aa"}, {"reviews/x/index.html", "bb"}, {"feed.xml", "cc"}};
  std::ofstream(root / kBuildManifestName) << FormatBuildManifest(m);
  BuildManifest read = ReadBuildManifest(root);
  EXPECT_EQ(read.program, m.program);
  EXPECT_EQ(read.fingerprints, m.fingerprints);
  // Missing, of another format, or cut short in a line: empty, never half of one.
  EXPECT_TRUE(ReadBuildManifest(root / "nowhere").fingerprints.empty());
  std::ofstream(root / kBuildManifestName) << "something else\nindex.html\taa\n";
  EXPECT_TRUE(ReadBuildManifest(root).fingerprints.empty());
  std::ofstream(root / kBuildManifestName) << "cinepress-build 1 x\nindex.html\taa\nfeed.xml\n";
  EXPECT_TRUE(ReadBuildManifest(root).fingerprints.empty());
  fs::remove_all(root);
}

TEST(BuildManifest, KeepsTheImagesEachOutputsFiguresPlaced) {
  fs::path root = TempDir("manifest-figures");
  fs::create_directories(root);
  BuildManifest m;
  m.program = "p";
  m.fingerprints = {{"index.html", "aa"}, {"reviews/x/index.html", "bb"}};
  m.figures = {{"reviews/x/index.html", {"/images/a.jpg", "/images/b b.svg"}}};
  std::ofstream(root / kBuildManifestName) << FormatBuildManifest(m);
  BuildManifest read = ReadBuildManifest(root);
  EXPECT_EQ(read.fingerprints, m.fingerprints);
  EXPECT_EQ(read.figures, m.figures);
  fs::remove_all(root);
}

}  // namespace
}  // namespace cinepress
