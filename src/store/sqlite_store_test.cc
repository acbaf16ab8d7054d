#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

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
    auto s = OpenSqliteStore(dir_ / "site.db", {});
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<ContentStore> store_;
};

Article Review() {
  Article a;
  a.section = "reviews";
  a.slug = "after-the-mountain";
  a.title = "After the Mountain";
  a.dek = "A dek.";
  a.date = 1633496434;
  a.author_ids = {"nia-bianchi"};
  a.categories = {"Film Reviews"};
  a.tags = {"Slow Cinema", "TIFF21"};
  a.image = Image{"/images/x.jpg", "A window", "Courtesy."};
  Film f;
  f.title = "After the Mountain";
  f.original_title = "A Risabenu";
  f.directors = {"Maëlle Blackwood"};
  f.year = 2021;
  f.countries = {"Spain"};
  f.runtime_min = 93;
  f.cast = {"Deniz Verhoeven"};
  f.ids.imdb = "tt0000001";
  a.film = f;
  a.rating = 4.5;
  a.rating_max = 5;
  a.films = {"Another Film (2020)"};
  a.body_markdown = "Body *text*.";
  a.word_count = 2;
  a.source_path = "content/reviews/after-the-mountain.md";
  a.source_hash = "abc";
  return a;
}

TEST_F(SqliteStoreTest, RoundTripsAnArticleWithAllItsFields) {
  auto id = store_->SaveArticle(Review());
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto all = store_->LoadArticles(true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  Article got = (*all)[0];
  Article want = Review();
  want.id = *id;
  EXPECT_EQ(got.title, want.title);
  EXPECT_EQ(got.tags, want.tags);
  EXPECT_EQ(got.image, want.image);
  EXPECT_EQ(got.film, want.film);
  EXPECT_EQ(got.rating, 4.5);
  EXPECT_EQ(got.films, want.films);
  EXPECT_EQ(got.body_markdown, want.body_markdown);
  EXPECT_EQ(got.source_path, want.source_path);

  auto lean = store_->LoadArticles(false);
  ASSERT_TRUE(lean.ok());
  EXPECT_TRUE((*lean)[0].body_markdown.empty());
  EXPECT_EQ(*store_->LoadBody(*id), "Body *text*.");
}

// The live site reloads when DataVersion changes: every table that pages show must count.
TEST_F(SqliteStoreTest, CommentsMenusRedirectsAndTermsCountAsContentChanges) {
  auto id = store_->SaveArticle(Review());
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto other = OpenSqliteStore(dir_ / "site.db", {});  // another process's view
  ASSERT_TRUE(other.ok());
  auto changed = [&](const std::function<Status()>& write) {
    int64_t before = *(*other)->DataVersion();
    EXPECT_TRUE(write());
    return *(*other)->DataVersion() != before;
  };
  Comment c;
  c.article_id = *id;
  c.source_id = "wp:1";
  c.date = 1633496434;
  c.body = "<p>Yes.</p>";
  c.status = "approved";
  c.type = "comment";
  EXPECT_TRUE(changed([&] { return store_->SaveComment(c); })) << "a comment";
  StoredMenu menu;
  menu.slug = "main";
  menu.name = "Main";
  menu.role = "main";
  EXPECT_TRUE(changed([&] { return store_->SaveMenu(menu); })) << "a menu";
  EXPECT_TRUE(changed([&] {
    return store_->SaveRedirect(UrlRedirect{"/?p=1", *id, ""});
  })) << "a redirect";
  Term t;
  t.taxonomy = "category";
  t.slug = "film";
  t.name = "Film";
  EXPECT_TRUE(changed([&] { return store_->SaveTerm(t); })) << "a term";
}

TEST_F(SqliteStoreTest, PeopleAndIntervieweesKeepTheirBioPortraitAndLinks) {
  auto other = OpenSqliteStore(dir_ / "site.db", {});
  ASSERT_TRUE(other.ok());
  int64_t before = *(*other)->DataVersion();
  PersonProfile p;
  p.slug = "mira-okafor";
  p.name = "Mira Okafor";
  p.bio = "Makes *films*.";
  p.portrait = Image{"/images/mira.png", "Mira on a quay", ""};
  p.links = {WebLink{"Website", "https://mira.example"}};
  ASSERT_TRUE(store_->SavePerson(p));
  EXPECT_NE(*(*other)->DataVersion(), before) << "people count as content";
  auto people = store_->LoadPeople();
  ASSERT_TRUE(people.ok());
  ASSERT_EQ(people->size(), 1u);
  EXPECT_EQ((*people)[0], p);
  ASSERT_TRUE(store_->DeletePerson("mira-okafor"));
  EXPECT_TRUE(store_->LoadPeople()->empty());

  Article a = Review();
  a.interviewee = Interviewee{};
  a.interviewee->name = "Mira Okafor";
  a.interviewee->bio = p.bio;
  a.interviewee->portrait = p.portrait;
  a.interviewee->links = p.links;
  ASSERT_TRUE(store_->SaveArticle(a).ok());
  EXPECT_EQ((*store_->LoadArticles(false))[0].interviewee, a.interviewee);
}

TEST_F(SqliteStoreTest, RollbackUndoesEverything) {
  ASSERT_TRUE(store_->BeginTransaction().ok());
  ASSERT_TRUE(store_->SaveArticle(Review()).ok());
  ASSERT_TRUE(store_->SaveAuthor(Author{"a", "A", "", "", "", ""}).ok());
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_TRUE(store_->LoadArticles(false)->empty());
  EXPECT_TRUE(store_->LoadAuthors()->empty());
}

TEST_F(SqliteStoreTest, DuplicateUrlIsRefused) {
  ASSERT_TRUE(store_->SaveArticle(Review()).ok());
  Article twin = Review();
  twin.source_path = "content/reviews/other.md";
  EXPECT_FALSE(store_->SaveArticle(twin).ok());
}

TEST_F(SqliteStoreTest, MediaIsStoredOncePerContent) {
  ASSERT_TRUE(store_->SaveMedia("images/a.jpg", "JPEGDATA").ok());
  ASSERT_TRUE(store_->SaveMedia("images/b.jpg", "JPEGDATA").ok());
  auto list = store_->LoadMediaList();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].hash, (*list)[1].hash);
  EXPECT_EQ(*store_->LoadMediaData("images/b.jpg"), "JPEGDATA");
  ASSERT_TRUE(store_->DeleteMedia("images/a.jpg").ok());
  EXPECT_EQ(*store_->LoadMediaData("images/b.jpg"), "JPEGDATA");
  EXPECT_FALSE(store_->LoadMediaData("images/a.jpg").ok());
}

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndSchema) {
  ASSERT_TRUE(store_->SaveArticle(Review()).ok());
  store_.reset();
  auto again = OpenSqliteStore(dir_ / "site.db", {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->LoadArticles(false)->size(), 1u);
}

TEST_F(SqliteStoreTest, NotADatabaseIsAClearError) {
  std::filesystem::path junk = dir_ / "junk.db";
  FILE* f = fopen(junk.c_str(), "w");
  fputs("this is not a database, just text that is long enough to look like a header....", f);
  fclose(f);
  auto s = OpenSqliteStore(junk, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().file, junk.string());
}

}  // namespace
}  // namespace cinepress
