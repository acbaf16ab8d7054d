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

// The names in `root` made by builds in progress (none must be left).
std::vector<std::string> Building(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(root)) {
    std::string name = e.path().filename().string();
    if (name.find(".building-") != std::string::npos) names.push_back(name);
  }
  return names;
}

// A manifest of `paths`, each with its fingerprint.
std::string Manifest(const std::map<std::string, std::string>& paths) {
  BuildManifest m;
  m.program = "test";
  for (const auto& [path, fp] : paths) m.fingerprints[path] = fp;
  return FormatBuildManifest(m);
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
    ASSERT_TRUE((*sink)->Commit(Manifest({{"new/index.html", "n"}})).ok());
  }
  EXPECT_EQ(Slurp(root / "public/new/index.html"), "new");
  EXPECT_FALSE(fs::exists(root / "public/old"));
  // The folder made by hand is now a link to the build's folder; nothing half-made is left.
  EXPECT_TRUE(fs::is_symlink(root / "public"));
  EXPECT_EQ(Building(root), std::vector<std::string>{});
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
  EXPECT_FALSE(fs::is_symlink(root / "public"));
  EXPECT_EQ(Building(root), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(root / ".public.a"));  // what it wrote is gone
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
  // A name longer than the file system allows: the system's reason is in the message.
  auto s = (*sink)->Write(std::string(300, 'x') + ".html", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("too long"), std::string::npos) << s.error().message;
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
    ASSERT_TRUE((*sink)->Commit(Manifest({{"reviews/x/index.html", "x"}})).ok());
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
    ASSERT_TRUE((*sink)->Commit(Manifest({{"same.html", "s"}, {"changed.html", "c"}})).ok());
  }
  EXPECT_EQ(Inode(root / "public/same.html"), same);
  EXPECT_NE(Inode(root / "public/changed.html"), changed);
  EXPECT_EQ(Slurp(root / "public/changed.html"), "new bytes");
  fs::remove_all(root);
}

// One build through a DirectorySink: `keep` kept from the live build, `write` written; the
// manifest gives each path the fingerprint "fp-" + its bytes (or the kept one's).
void BuildOnce(const fs::path& target, const std::vector<std::string>& keep,
               const std::map<std::string, std::string>& write) {
  auto sink = DirectorySink::Create(target);
  ASSERT_TRUE(sink.ok());
  std::map<std::string, std::string> fps;
  for (const std::string& path : keep) {
    auto kept = (*sink)->Keep(path);
    ASSERT_TRUE(kept.ok() && *kept) << path;
    fps[path] = (*sink)->live_manifest().fingerprints.at(path);
  }
  for (const auto& [path, data] : write) {
    ASSERT_TRUE((*sink)->Write(path, data).ok()) << path;
    fps[path] = "fp-" + data;
  }
  ASSERT_TRUE((*sink)->Commit(Manifest(fps)).ok());
}

// Every file under `folder` and its bytes.
std::map<std::string, std::string> Files(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), folder).string()] = Slurp(e.path());
  }
  return files;
}

TEST(DirectorySink, TwoFoldersInTurnHoldEachBuildWholeAndShareTheirUnchangedFiles) {
  fs::path root = TempDir("turns");
  const fs::path pub = root / "public";
  BuildOnce(pub, {}, {{"index.html", "home 1"}, {"a/index.html", "a"}, {"gone/x/index.html", "x"}});
  const ino_t a = Inode(pub / "a/index.html");
  BuildOnce(pub, {"a/index.html"}, {{"index.html", "home 2"}, {"new.html", "n"}});
  EXPECT_TRUE(fs::is_symlink(pub));
  std::map<std::string, std::string> want = {{".cinepress-build", Slurp(pub / ".cinepress-build")},
                                             {"a/index.html", "a"},
                                             {"index.html", "home 2"},
                                             {"new.html", "n"}};
  EXPECT_EQ(Files(pub), want);
  EXPECT_EQ(Inode(pub / "a/index.html"), a);
  // The third build goes into the first one's folder: what the second removed is gone from
  // it, folders and all, and what neither changed is the same file.
  const ino_t n = Inode(pub / "new.html");
  BuildOnce(pub, {"a/index.html", "new.html"}, {{"index.html", "home 3"}});
  want = {{".cinepress-build", Slurp(pub / ".cinepress-build")},
          {"a/index.html", "a"},
          {"index.html", "home 3"},
          {"new.html", "n"}};
  EXPECT_EQ(Files(pub), want);
  EXPECT_FALSE(fs::exists(pub / "gone"));
  EXPECT_EQ(Inode(pub / "a/index.html"), a);
  EXPECT_EQ(Inode(pub / "new.html"), n);
  // The previous build stays whole beside it, for the next build to bring up to date.
  fs::path previous = root / (fs::read_symlink(pub) == ".public.a" ? ".public.b" : ".public.a");
  EXPECT_EQ(Slurp(previous / "index.html"), "home 2");
  EXPECT_EQ(Building(root), std::vector<std::string>{});
  fs::remove_all(root);
}

TEST(DirectorySink, ABuildKilledHalfWayLeavesAFolderTheNextBuildDoesNotTrust) {
  fs::path root = TempDir("killed-half");
  const fs::path pub = root / "public";
  BuildOnce(pub, {}, {{"index.html", "home 1"}, {"a.html", "a 1"}});
  BuildOnce(pub, {"a.html"}, {{"index.html", "home 2"}});
  {
    // A build that writes into the spare and never commits (as if killed).
    auto sink = DirectorySink::Create(pub);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("a.html", "half").ok());
    ASSERT_TRUE((*sink)->Write("stray.html", "half").ok());
  }
  EXPECT_EQ(Slurp(pub / "index.html"), "home 2");
  BuildOnce(pub, {"index.html"}, {{"a.html", "a 3"}});
  std::map<std::string, std::string> want = {{".cinepress-build", Slurp(pub / ".cinepress-build")},
                                             {"a.html", "a 3"},
                                             {"index.html", "home 2"}};
  EXPECT_EQ(Files(pub), want);
  fs::remove_all(root);
}

TEST(DirectorySink, AFileWhereAnOlderBuildHadAFolderAndTheOtherWayRound) {
  fs::path root = TempDir("shapes");
  const fs::path pub = root / "public";
  BuildOnce(pub, {}, {{"x/index.html", "folder"}, {"y", "file"}});
  BuildOnce(pub, {}, {{"z.html", "z"}});
  // The third build goes into the first one's folder, which has x/ and y as they were.
  BuildOnce(pub, {}, {{"x", "file now"}, {"y/index.html", "folder now"}});
  std::map<std::string, std::string> want = {{".cinepress-build", Slurp(pub / ".cinepress-build")},
                                             {"x", "file now"},
                                             {"y/index.html", "folder now"}};
  EXPECT_EQ(Files(pub), want);
  fs::remove_all(root);
}

TEST(DirectorySink, AFullBuildTrustsNothingTheSpareHolds) {
  fs::path root = TempDir("fresh");
  const fs::path pub = root / "public";
  BuildOnce(pub, {}, {{"index.html", "home 1"}});
  BuildOnce(pub, {"index.html"}, {{"b.html", "b"}});
  // A file put in the spare by hand: a --full build does not keep it.
  fs::path spare = root / (fs::read_symlink(pub) == ".public.a" ? ".public.b" : ".public.a");
  std::ofstream(spare / "by-hand.html") << "x";
  {
    auto sink = DirectorySink::Create(pub, /*fresh=*/true);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("index.html", "home 1").ok());
    ASSERT_TRUE((*sink)->Commit(Manifest({{"index.html", "fp-home 1"}})).ok());
  }
  std::map<std::string, std::string> want = {{".cinepress-build", Slurp(pub / ".cinepress-build")},
                                             {"index.html", "home 1"}};
  EXPECT_EQ(Files(pub), want);
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
