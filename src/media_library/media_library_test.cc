#include "media_library/media_library.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/open_store.h"

namespace cinepress {
namespace {

// A PNG 3 × 2 pixels, written by hand for this test.
const std::string kPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x03\x00\x00\x00"
    "\x02\x08\x02\x00\x00\x00\x12\x16\xf1\x4d\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\x38\xa1"
    "\xa1\x01\x41\x0c\x70\x16\x00\x45\x74\x06\x91\xf1\x31\xfd\x24\x00\x00\x00\x00\x49\x45\x4e\x44"
    "\xae\x42\x60\x82",
    73);
constexpr int64_t kDec2026 = 1796515200;  // 2026-12-06 00:00 UTC

class MediaLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("media_library_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    auto s = OpenContentStore(dir_ / "store.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Result<MediaDetails> Upload(const std::string& name, const std::string& alt,
                              const std::string& bytes = kPng) {
    return AddUpload(*store_, UploadedImage{name, bytes, alt, "A caption", "Photo: Ana"},
                     "cy@mag.example", kDec2026, StillOptions{.avif = false});
  }
  std::filesystem::path dir_;
  std::unique_ptr<ContentStore> store_;
};

TEST(UploadPath, IsTheNamesSlugWithItsRealExtensionInTheMonthsFolder) {
  auto none = [](const std::string&) { return false; };
  EXPECT_EQ(UploadPath("Lamp at Night.JPG", "jpg", kDec2026, none),
            "uploads/2026/12/lamp-at-night.jpg");
  EXPECT_EQ(UploadPath("C:\\photos\\chairs.jpeg", "png", kDec2026, none),
            "uploads/2026/12/chairs.png");
  EXPECT_EQ(UploadPath("???.png", "png", kDec2026, none), "uploads/2026/12/untitled.png");
  auto two_taken = [](const std::string& p) {
    return p == "uploads/2026/12/a.png" || p == "uploads/2026/12/a-2.png";
  };
  EXPECT_EQ(UploadPath("a.png", "png", kDec2026, two_taken), "uploads/2026/12/a-3.png");
}

TEST_F(MediaLibraryTest, AnUploadIsKeptWithItsDetailsAndStills) {
  auto d = Upload("Red Wall.png", "A red wall");
  ASSERT_TRUE(d) << d.error().ToString();
  EXPECT_EQ(d->path, "uploads/2026/12/red-wall.png");
  EXPECT_EQ(d->type, "image/png");
  EXPECT_EQ(d->width, 3);
  EXPECT_EQ(d->height, 2);
  EXPECT_EQ(d->uploader, "cy@mag.example");
  EXPECT_EQ(*store_->LoadMediaDetails(), std::vector<MediaDetails>{*d});
  auto media = store_->LoadMediaList();
  ASSERT_TRUE(media);
  auto stills = LoadStills(*store_, *media);
  ASSERT_TRUE(stills);
  ASSERT_TRUE(stills->count(d->path));
  EXPECT_FALSE(stills->at(d->path).variants.empty());
  // The same name again: a path of its own.
  auto again = Upload("red-wall.png", "Another red wall");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->path, "uploads/2026/12/red-wall-2.png");
}

TEST_F(MediaLibraryTest, AltTextIsRequiredAndANonImageIsRefusedNamingTheFile) {
  auto no_alt = Upload("wall.png", "  ");
  ASSERT_FALSE(no_alt);
  EXPECT_EQ(no_alt.error().field, "alt");
  EXPECT_EQ(no_alt.error().file, "wall.png");
  auto text = Upload("notes.jpg", "Notes", "these are words, not a picture");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(text.error().file, "notes.jpg");
  EXPECT_TRUE(store_->LoadMediaList()->empty());
  EXPECT_TRUE(store_->LoadMediaDetails()->empty());
}

TEST_F(MediaLibraryTest, AUsedFileIsNotDeletedAndNamesItsUses) {
  auto d = Upload("wall.png", "A wall");
  ASSERT_TRUE(d);
  MediaUsers users;
  Article lead;
  lead.id = 7;
  lead.title = "After the Mountain";
  lead.image = Image{"/" + d->path, "A wall", ""};
  Article body;
  body.id = 8;
  body.kind = ArticleKind::kPage;
  body.title = "About";
  body.body_markdown = "![A wall](/" + d->path + ")\n";
  Article elsewhere;
  elsewhere.title = "Other";
  elsewhere.body_markdown = "/" + d->path + "x is another file";
  users.articles = {lead, body, elsewhere};
  PersonProfile person;
  person.name = "Ana Ruiz";
  person.portrait = Image{"/" + d->path, "Ana", ""};
  users.people = {person};
  const auto uses = UsesOf(d->path, users);
  EXPECT_EQ(uses, (std::vector<MediaUse>{{"article", "After the Mountain", 7},
                                         {"page", "About", 8},
                                         {"person", "Ana Ruiz", 0}}));
  auto refused = DeleteUpload(*store_, d->path, users);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("the article “After the Mountain”"), std::string::npos);
  EXPECT_TRUE(store_->LoadMediaFile(d->path).ok());

  ASSERT_TRUE(DeleteUpload(*store_, d->path, MediaUsers{}));
  EXPECT_FALSE(store_->LoadMediaFile(d->path).ok());
  EXPECT_TRUE(store_->LoadMediaDetails()->empty());
  EXPECT_TRUE(store_->LoadMediaList()->empty()) << "its stills are removed too";
  EXPECT_EQ(DeleteUpload(*store_, d->path, MediaUsers{}).error().code, ErrorCode::kNotFound);
}

TEST_F(MediaLibraryTest, TextIsChangedWithAltRequired) {
  auto d = Upload("wall.png", "A wall");
  ASSERT_TRUE(d);
  MediaDetails changed = *d;
  changed.alt = "";
  EXPECT_EQ(SaveMediaText(*store_, changed).error().field, "alt");
  changed.alt = "A red wall at dusk";
  changed.caption = "Dusk.";
  changed.uploader = "someone-else@mag.example";  // not changed by a text edit
  ASSERT_TRUE(SaveMediaText(*store_, changed));
  const MediaDetails stored = store_->LoadMediaDetails()->at(0);
  EXPECT_EQ(stored.alt, "A red wall at dusk");
  EXPECT_EQ(stored.caption, "Dusk.");
  EXPECT_EQ(stored.uploader, "cy@mag.example");
}

TEST(MayChangeMedia, EditorsChangeEveryFileOthersTheirOwn) {
  MediaDetails d;
  d.uploader = "cy@mag.example";
  EXPECT_TRUE(MayChangeMedia(StaffRole::kContributor, "cy@mag.example", d));
  EXPECT_FALSE(MayChangeMedia(StaffRole::kContributor, "al@mag.example", d));
  EXPECT_FALSE(MayChangeMedia(StaffRole::kAuthor, "al@mag.example", d));
  EXPECT_TRUE(MayChangeMedia(StaffRole::kEditor, "al@mag.example", d));
}

}  // namespace
}  // namespace cinepress
